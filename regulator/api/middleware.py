"""API request checks that hold for every endpoint, before any view runs."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

from regulator.api.errors import error_body


class OneValuePerQueryParameter:
    """Every query parameter of the API takes one value (``search``, ``cursor``, ``page_size``, filters): a
    parameter sent twice is a 400 naming it, not a silent choice of one of the values."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        repeated = {name: values for name, values in request.GET.lists() if len(values) > 1}
        if repeated and request.path.startswith("/api/"):
            fields = {name: [_("Give this parameter once; it was given %(count)d times.") % {"count": len(values)}]
                      for name, values in repeated.items()}
            name, (problem,) = next(iter(fields.items()))
            return JsonResponse(error_body(400, "invalid", _("%(field)s: %(problem)s") % {
                "field": name, "problem": problem}, fields), status=400, json_dumps_params={"ensure_ascii": False})
        return self.get_response(request)
