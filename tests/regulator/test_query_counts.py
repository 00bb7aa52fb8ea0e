"""List endpoints run a fixed number of queries however many rows they return (no N+1)."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from regulator import events, services
from tests import factories

LISTS = ["/api/v1/enterprises/", "/api/v1/products/", "/api/v1/batches/", "/api/v1/events/",
         "/api/v1/deadlines/", "/api/v1/jurisdictions/", "/api/v1/agencies/"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", LISTS)
def test_list_query_count_does_not_grow_with_rows(world, api_as, url):
    client = api_as("city_client")
    client.get(url)  # warm per-process caches (content types, calendar)
    few = _queries(client, url)

    maker = world.enterprises["ca_maker"]
    with transaction.atomic():
        for _ in range(5):
            enterprise = factories.enterprise(world.j["445103"])
            events.record_event("test.counted", subject=enterprise)
            factories.batch(factories.product(maker))
            services.start_deadline(enterprise, "complaint.accept_decision", started_on=date(2026, 11, 2))
    many = _queries(client, url)

    assert many == few, f"{url}: {few} queries for the small set, {many} after adding rows"
