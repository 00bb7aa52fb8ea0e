from rest_framework.throttling import UserRateThrottle


class ClientRateThrottle(UserRateThrottle):
    """Requests per user or machine client (per IP for anonymous calls), counted in Redis."""

    scope = "client"
