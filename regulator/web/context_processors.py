from regulator.web.registry import nav_for


def navigation(request):
    """The navigation entries for the user, computed only if a template asks for them.

    Lazy so that the 500 page, which shows no navigation, renders even when the database is down.
    """
    user = getattr(request, "user", None)
    if user is None:
        return {}
    current = getattr(getattr(request, "resolver_match", None), "url_name", None)
    return {"nav_items": lambda: nav_for(user), "nav_current": current}
