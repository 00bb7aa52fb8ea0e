from regulator.web.registry import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    current = getattr(getattr(request, "resolver_match", None), "url_name", None)
    return {"nav_items": nav_for(user), "nav_current": current}
