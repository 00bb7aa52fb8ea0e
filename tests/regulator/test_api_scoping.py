"""Every tenant endpoint, every persona: each sees its scope and nothing else; outside it is 404."""

import pytest

from regulator import events
from regulator.models import Enterprise
from tests.conftest import VISIBLE

PERSONAS = sorted(VISIBLE)


def _seen_credit_codes(client, url):
    codes, next_url = set(), url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.content
        codes |= {row["credit_code"] for row in response.json()["results"]}
        next_url = response.json()["next"]
    return codes


@pytest.mark.parametrize("persona", PERSONAS)
def test_enterprise_list_shows_exactly_the_scope(world, api_as, persona):
    seen = _seen_credit_codes(api_as(persona), "/api/v1/enterprises/?page_size=2")

    expected = {world.enterprises[name].credit_code for name in VISIBLE[persona]}
    assert seen == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_enterprise_outside_scope_answers_404_like_a_missing_one(world, api_as, persona):
    client = api_as(persona)
    for name, enterprise in world.enterprises.items():
        response = client.get(f"/api/v1/enterprises/{enterprise.pk}/")
        assert response.status_code == (200 if name in VISIBLE[persona] else 404)
    missing = client.get("/api/v1/enterprises/999999999/")
    assert missing.status_code == 404
    error = missing.json()["error"]
    assert (error["status"], error["code"]) == (404, "not_found")


@pytest.mark.parametrize("persona", PERSONAS)
def test_products_batches_and_events_follow_the_same_scope(world, api_as, persona):
    client = api_as(persona)
    maker_visible = "ca_maker" in VISIBLE[persona]
    with events_recorded(world):
        pass
    products = client.get("/api/v1/products/").json()["results"]
    batches = client.get("/api/v1/batches/").json()["results"]
    feed = client.get("/api/v1/events/").json()["results"]

    assert [p["approval_number"] for p in products] == (
        [world.products["ca_tablet"].approval_number] if maker_visible else [])
    assert len(batches) == (1 if maker_visible else 0)
    expected_events = {world.enterprises[name].credit_code for name in VISIBLE[persona]}
    assert {row["enterprise"] for row in feed} == expected_events
    assert all(row["jurisdiction"] in {world.enterprises[n].jurisdiction.code for n in VISIBLE[persona]}
               for row in products + batches + feed)


class events_recorded:
    """Record one event per enterprise of the world, as services would."""

    def __init__(self, world):
        self.world = world

    def __enter__(self):
        from django.db import transaction

        with transaction.atomic():
            for enterprise in self.world.enterprises.values():
                events.record_event("enterprise.inspected", subject=enterprise)

    def __exit__(self, *exc):
        return False


def test_anonymous_callers_get_401_in_the_error_shape(world, api_as):
    response = api_as(None).get("/api/v1/enterprises/")

    assert response.status_code in (401, 403)
    assert response.json()["error"]["status"] == response.status_code


def test_jurisdiction_filter_includes_the_divisions_below(world, api_as):
    client = api_as("province_officer")

    city = _seen_credit_codes(client, "/api/v1/enterprises/?jurisdiction=445100")
    raoping = _seen_credit_codes(client, "/api/v1/enterprises/?jurisdiction=445122")

    assert city == set(Enterprise.objects.values_list("credit_code", flat=True))
    assert raoping == {world.enterprises["rp_pharmacy"].credit_code, world.enterprises["rp_devices"].credit_code}


def test_me_reports_the_scope(world, api_as):
    body = api_as("city_client").get("/api/v1/me/").json()

    assert body["kind"] == "machine"
    assert set(body["scope"]) == {"445100", "445102", "445103", "445122", "445121"}
    assert body["api_scopes"] == ["read", "write"]
