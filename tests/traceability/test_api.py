"""The traceability API: bulk submission in three shapes, and what each persona sees."""

import json

import pytest
from django.urls import reverse

from regulator import services as kernel
from regulator.choices import ApiScope
from regulator.models import Jurisdiction
from tests.traceability.conftest import pack
from traceability import services
from traceability.models import Discrepancy, TraceEvent

EVENTS = reverse("api:traceevent-list")


@pytest.fixture
def erp(world):
    """The Xiangqiao pharmacy's own system, with write scope."""
    _client, token = kernel.create_api_client(name="ERP", enterprise=world.enterprises["xq_pharmacy"],
                                             scopes=[ApiScope.READ, ApiScope.WRITE])
    return token


@pytest.fixture
def traded(chain):
    chain.ingest(*chain.journey(pack(1)), chain.record(pack(1), "dispensing", 1, chain.pharmacy))
    return chain


def test_a_json_array_gets_a_verdict_per_record(api_as, chain, erp):
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {erp}")
    body = [chain.record(pack(1), "receiving", 2, chain.pharmacy, counterparty=chain.wholesaler),
            chain.record(pack(2), "receiving", 2, chain.maker), {"code": "bad", "kind": "receiving"}]
    response = client.post(EVENTS, body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["received"], data["accepted"], data["rejected"], data["stored"]) == (3, 1, 2, 1)
    assert [r["index"] for r in data["rejections"]] == [1, 2]
    assert "only for your own enterprise" in data["rejections"][0]["reason"]
    again = client.post(EVENTS, body, format="json").json()
    assert (again["accepted"], again["stored"]) == (1, 0)


def test_ndjson_lines_are_numbered(api_as, chain, erp):
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {erp}")
    lines = [json.dumps(chain.record(pack(1), "receiving", 2, chain.pharmacy, counterparty=chain.wholesaler)),
             "{not json", json.dumps(chain.record(pack(2), "dispensing", 1, chain.pharmacy))]
    response = client.post(EVENTS, "\n".join(lines), content_type="application/x-ndjson")
    data = response.json()
    assert (data["received"], data["accepted"], data["rejected"]) == (3, 2, 1)
    assert data["rejections"][0]["index"] == 2 and "not valid JSON" in data["rejections"][0]["reason"]


def test_an_epcis_document_is_accepted(api_as, chain, erp):
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {erp}")
    document = {"type": "EPCISDocument", "epcisBody": {"eventList": [
        {"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "urn:epcglobal:cbv:bizstep:dispensing",
         "eventTime": chain.at(1), "epcList": [pack(1)], "bizLocation": {"id": chain.pharmacy.credit_code}}]}}
    data = client.post(EVENTS, document, format="json").json()
    assert (data["received"], data["accepted"]) == (1, 1)
    assert TraceEvent.objects.get().enterprise == chain.pharmacy


@pytest.mark.parametrize("persona, status", [
    (None, 401), ("enterprise_client", 403), ("city_client", 403), ("xq_officer", 403)])
def test_who_may_not_submit(api_as, chain, persona, status):
    response = api_as(persona).post(EVENTS, [chain.record(pack(1), "commissioning", 1, chain.maker)], format="json")
    assert response.status_code == status
    assert not TraceEvent.objects.exists()


def test_a_body_that_is_not_events_is_a_400_in_the_error_shape(api_as, chain):
    response = api_as("xq_enterprise_user").post(EVENTS, {"hello": 1}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("persona, parties", [
    ("xq_officer", {"xq_wholesaler", "xq_pharmacy"}),
    ("xq_client", {"xq_wholesaler", "xq_pharmacy"}),
    ("rp_officer", set()),
    ("city_officer", {"ca_maker", "xq_wholesaler", "xq_pharmacy"}),
    ("province_officer", {"ca_maker", "xq_wholesaler", "xq_pharmacy"}),
    ("xq_enterprise_user", {"xq_pharmacy"}),
    ("enterprise_client", {"xq_pharmacy"}),
])
def test_each_persona_reads_events_in_its_scope(api_as, traded, persona, parties):
    names = {e.credit_code: n for n, e in traded.world.enterprises.items()}
    data = api_as(persona).get(EVENTS, {"page_size": 500}).json()
    assert {names[row["party"]] for row in data["results"]} == parties


def test_a_county_cannot_open_another_countys_event(api_as, traded):
    maker_event = TraceEvent.objects.filter(enterprise=traded.maker).first()
    assert api_as("xq_officer").get(reverse("api:traceevent-detail", args=[maker_event.pk])).status_code == 404
    assert api_as("city_officer").get(reverse("api:traceevent-detail", args=[maker_event.pk])).status_code == 200


def test_codes_are_read_within_scope(api_as, traded):
    url = reverse("api:tracecode-list")
    assert [c["code"] for c in api_as("xq_officer").get(url).json()["results"]] == [pack(1)]
    assert api_as("rp_officer").get(url).json()["results"] == []


def test_discrepancies_are_confirmed_through_the_api_and_scoped(api_as, chain):
    chain.ingest(chain.record(pack(1), "commissioning", 9, chain.maker),
                 chain.record(pack(1), "commissioning", 8, chain.maker))
    services.reconcile(Jurisdiction.objects.current().get(code="440000"))
    discrepancy = Discrepancy.objects.get()
    url = reverse("api:discrepancy-detail", args=[discrepancy.pk])
    assert api_as("xq_officer").get(url).status_code == 404
    officer = chain.world.users["city_officer"]
    response = api_as("city_officer").patch(url, {"status": "confirmed", "assignee": officer.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed" and response.json()["assignee"] == officer.pk
    conflict = api_as("city_officer").patch(url, {"status": "open"}, format="json")
    assert conflict.status_code == 409 and conflict.json()["error"]["allowed"] == []


def test_staff_start_a_recall_through_the_api(api_as, traded):
    response = api_as("city_officer").post(reverse("api:recall-list"), {"batch": traded.batch.pk, "reason": "x"},
                                           format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "active" and response.json()["dispensed_codes"] == 1
    assert api_as("xq_enterprise_user").post(reverse("api:recall-list"), {"batch": traded.batch.pk, "reason": "x"},
                                             format="json").status_code in (400, 403)


def test_row_level_security_hides_other_counties_even_without_visible_to(traded):
    from django.db import transaction

    from regulator.tenancy import rls_scope

    with transaction.atomic(), rls_scope(traded.world.users["xq_officer"]):
        parties = set(TraceEvent.objects.values_list("enterprise_id", flat=True))
    assert parties == {traded.wholesaler.pk, traded.pharmacy.pk}
    assert TraceEvent.objects.filter(enterprise=traded.maker).exists()
