"""Licensing list endpoints run a fixed number of queries however many rows they return."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.licensing.conftest import draft, issued_licence

LISTS = ["/api/v1/licences/", "/api/v1/licence-applications/", "/api/v1/licence-types/"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", LISTS)
def test_list_query_count_does_not_grow_with_rows(lic, api_as, url):
    client = api_as("city_client")
    issued_licence(lic)
    client.get(url)  # warm per-process caches
    few = _queries(client, url)
    for _ in range(4):
        issued_licence(lic)
        draft(lic)
    assert _queries(client, url) == few
