"""The embedded PostgreSQL carries the platform's server settings (``embedded.POSTGRES_SETTINGS``)."""

import pytest
from django.db import connection

from regulator import embedded


@pytest.mark.django_db
def test_embedded_postgres_runs_with_the_bulk_settings():
    socket_dir = embedded._postgres_socket_dir()
    if socket_dir is None or str(socket_dir) != connection.settings_dict.get("HOST"):
        pytest.skip("the tests run on an external PostgreSQL (DATABASE_URL), tuned by its own DBA")
    with connection.cursor() as cursor:
        for name, value in embedded.POSTGRES_SETTINGS.items():
            cursor.execute("SELECT current_setting(%s)", [name])
            assert cursor.fetchone()[0] == value, name
