from knox.auth import TokenAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    """``Authorization: Bearer <token>`` for machine clients (knox tokens, stored hashed, revocable)."""
