"""One JSON error shape for the whole API::

    {"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"credit_code": ["…"]}}}
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from regulator.workflow import InvalidTransition


def error_body(status_code: int, code: str, message: str, fields: dict | None = None, **extra) -> dict:
    body = {"status": status_code, "code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return {"error": body}


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [str(item) for item in detail]
        return [_flatten(item) for item in detail]
    return [str(detail)]


def _first_problem(fields: dict, prefix: str = "") -> tuple[str, str]:
    """The first field path and message, however deeply nested (list items, nested objects)."""
    for key, value in fields.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            return _first_problem(value, path)
        for item in value:
            if isinstance(item, dict):
                return _first_problem(item, path)
            return path, str(item)
    return prefix, ""


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, RequestDataTooBig):
        set_rollback()
        return Response(error_body(413, "too_large", _("The request body is larger than this API accepts.")),
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    elif isinstance(exc, InvalidTransition):
        set_rollback()
        return Response(error_body(409, "invalid_transition", str(exc), allowed=exc.allowed),
                        status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, IntegrityError):
        set_rollback()
        return Response(error_body(409, "conflict", _("The change conflicts with existing data; reload and retry.")),
                        status=status.HTTP_409_CONFLICT)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = _flatten(detail)
        field, problem = _first_problem(fields)
        message = _("%(field)s: %(problem)s") % {"field": field, "problem": problem}
        response.data = error_body(response.status_code, "invalid", message, fields)
    else:
        code = getattr(exc, "default_code", "error")
        detail = getattr(exc, "detail", str(exc))
        response.data = error_body(response.status_code, str(getattr(detail, "code", code) or code), str(detail))
    return response


def json_error_view(status_code: int, code: str, message: str):
    def view(request, exception=None):
        return JsonResponse(error_body(status_code, code, message), status=status_code)

    return view
