"""OpenAPI details drf-spectacular cannot infer: the bearer scheme and the shared error responses."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_STATUSES = {
    "400": "The request is invalid; `fields` names each field and the rule it broke.",
    "401": "No valid credentials.",
    "403": "Authenticated, but not allowed to do this.",
    "404": "No such object in your jurisdiction.",
    "409": "The change conflicts with the object's state; `allowed` lists the possible transitions.",
    "413": "The request body is too large.",
    "415": "Unsupported media type; send JSON.",
    "429": "Too many requests; retry after the time in Retry-After.",
}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": True},
                "allowed": {"type": "array", "items": {"type": "string"}},
            },
        }
    },
}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "regulator.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Token from `manage.py create_api_client`."}


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: every operation may answer with the shared error shape."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                # Filters treat an empty value as "no filter" (as an HTML form sends it); say so.
                if parameter.get("in") == "query" and parameter["name"] not in {"cursor", "page_size"}:
                    parameter["allowEmptyValue"] = True
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                if method == "get" and code in {"409", "413", "415"}:
                    continue
                responses.setdefault(code, {"description": description,
                                            "content": {"application/json": {"schema": ref}}})
    return result
