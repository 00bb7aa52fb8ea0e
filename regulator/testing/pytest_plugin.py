"""Loaded with ``-p regulator.testing.pytest_plugin`` before pytest-django reads the settings.

Without DATABASE_URL and REDIS_URL it starts the embedded servers (regulator/embedded.py), so that
the suite always runs against real PostgreSQL and Redis, and stops what it started at the end.
"""

import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from regulator import embedded

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
# Requests inside tests would otherwise hit the per-client limit.
os.environ.setdefault("API_THROTTLE_RATE", "100000/minute")
# Keep each test database's cache keys and task queue apart from the demo's and from parallel runs.
_run = os.environ.get("TEST_DATABASE_NAME", "test_regulator")
os.environ.setdefault("CACHE_KEY_PREFIX", _run)
os.environ.setdefault("CELERY_QUEUE", _run)

_started = embedded.ensure_services() if embedded.wanted() else embedded.Started()


def _with_redis_db(url: str, db: int) -> str:
    """The same server, another database: the suite's broker, cache and worker pings stay apart from a
    demo (or anything else) using database 0 of the same Redis."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "db"] + [("db", str(db))]
        return f"unix://{parts.path}?{urlencode(query)}"
    return urlunsplit(parts._replace(path=f"/{db}"))


os.environ["REDIS_URL"] = _with_redis_db(os.environ["REDIS_URL"], int(os.environ.get("TEST_REDIS_DB", "1")))


def pytest_unconfigure(config):
    if os.environ.get("REGULATOR_KEEP_SERVICES") != "1":
        embedded.stop_services(_started, unless_in_use=True)
