"""Loaded with ``-p regulator.testing.pytest_plugin`` before pytest-django reads the settings.

Without DATABASE_URL and REDIS_URL it starts the embedded servers (regulator/embedded.py), so that
the suite always runs against real PostgreSQL and Redis, and stops what it started at the end.
"""

import os

from regulator import embedded

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
# Requests inside tests would otherwise hit the per-client limit.
os.environ.setdefault("API_THROTTLE_RATE", "100000/minute")
# Keep each test database's cache keys and task queue apart from the demo's and from parallel runs.
_run = os.environ.get("TEST_DATABASE_NAME", "test_regulator")
os.environ.setdefault("CACHE_KEY_PREFIX", _run)
os.environ.setdefault("CELERY_QUEUE", _run)

_started = embedded.ensure_services() if embedded.wanted() else embedded.Started()


def pytest_unconfigure(config):
    if os.environ.get("REGULATOR_KEEP_SERVICES") != "1":
        embedded.stop_services(_started)
