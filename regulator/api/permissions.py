from rest_framework.permissions import SAFE_METHODS, BasePermission

from regulator.choices import UserKind


class ScopedActorPermission(BasePermission):
    """Authenticated actors only; machine clients write only with the ``write`` scope.

    Who may take which action on which record is decided by the services; this gate only keeps
    anonymous callers and read-only clients out.
    """

    message = "Authentication credentials were not provided or are not valid."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if user.kind == UserKind.MACHINE:
            client = getattr(user, "api_client", None)
            if client is None or client.revoked_at is not None:
                return False
            if request.method not in SAFE_METHODS and not client.can_write:
                self.message = "This client has read scope only."
                return False
        return True


class ApiClientPermission(BasePermission):
    """Only a live API client (any scope): what it configures, such as webhooks, belongs to the client."""

    message = "Only API clients have webhooks: call with a client's bearer token."

    def has_permission(self, request, view):
        user = request.user
        client = getattr(user, "api_client", None) if getattr(user, "kind", None) == UserKind.MACHINE else None
        return bool(user and user.is_active and client is not None and client.revoked_at is None)
