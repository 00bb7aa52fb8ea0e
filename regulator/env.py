"""Typed readers for environment variables.

Each reader raises ``ImproperlyConfigured`` naming the variable and the rule it broke, so a
misconfigured deployment fails at start-up instead of at the first request.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"Environment variable {name}={raw!r} must be one of 1/0, true/false, yes/no, on/off.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name}={raw!r} must be an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"Environment variable {name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


RATE_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"10/hour"`` → (10, 3600): a positive count per second, minute, hour or day; ``ValueError`` otherwise."""
    count, slash, unit = (rate or "").strip().partition("/")
    seconds = RATE_UNITS.get(unit.strip().lower().removesuffix("s"))
    if not slash or seconds is None or not count.strip().isdigit() or int(count) < 1:
        raise ValueError(rate)
    return int(count), seconds


def env_rate(name: str, default: str) -> str:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        parse_rate(raw)
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name}={raw!r} must be a rate such as 10/hour "
                                   f"(a positive count per second, minute, hour or day).") from None
    return raw.strip()
