"""Loaded with ``-p regulator.testing.pytest_plugin`` before pytest-django reads the settings.

Without DATABASE_URL and REDIS_URL it starts the embedded servers (regulator/embedded.py), so that
the suite always runs against real PostgreSQL and Redis, and stops what it started at the end.
"""

import os

from regulator import embedded

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
# Requests inside tests would otherwise hit the per-client limit.
os.environ.setdefault("API_THROTTLE_RATE", "100000/minute")

_started = embedded.ensure_services() if embedded.wanted() else embedded.Started()


def pytest_unconfigure(config):
    if os.environ.get("REGULATOR_KEEP_SERVICES") != "1":
        embedded.stop_services(_started)
