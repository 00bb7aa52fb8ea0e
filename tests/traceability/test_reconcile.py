"""The nightly reconciliation: each rule on a small hand-built chain; reruns find nothing new."""


import pytest

from regulator.models import Event, Jurisdiction
from tests.traceability.conftest import pack, sscc
from traceability import services
from traceability.models import Discrepancy


def reconcile():
    return services.reconcile(Jurisdiction.objects.current().get(code="440000"))


def found(rule):
    return list(Discrepancy.objects.filter(rule=rule).select_related("code", "enterprise", "other_enterprise"))


def test_a_clean_journey_is_no_discrepancy(chain):
    chain.ingest(*chain.journey(pack(1)), chain.record(pack(1), "dispensing", 1, chain.pharmacy))
    reconcile()
    assert not Discrepancy.objects.exists()


def test_shipped_but_not_received_after_72_hours(chain):
    chain.ingest(chain.record(pack(1), "commissioning", 9, chain.maker),
                 chain.record(pack(1), "shipping", 4, chain.maker, counterparty=chain.wholesaler),
                 chain.record(pack(2), "commissioning", 9, chain.maker),
                 chain.record(pack(2), "shipping", 2, chain.maker, counterparty=chain.wholesaler))
    reconcile()
    [d] = found("shipped_not_received")
    assert (d.code.code, d.enterprise, d.other_enterprise) == (pack(1), chain.maker, chain.wholesaler)
    assert d.jurisdiction_id == chain.maker.jurisdiction_id and len(d.event_ids) == 1


def test_the_receipt_window_is_configurable(chain, settings):
    settings.TRACE_SHIPMENT_RECEIPT_HOURS = 24
    chain.ingest(chain.record(pack(1), "commissioning", 9, chain.maker),
                 chain.record(pack(1), "shipping", 2, chain.maker, counterparty=chain.wholesaler))
    reconcile()
    assert len(found("shipped_not_received")) == 1


def test_received_without_a_matching_shipment(chain):
    chain.ingest(chain.record(pack(1), "commissioning", 9, chain.maker),
                 chain.record(pack(1), "receiving", 3, chain.rp_pharmacy, counterparty=chain.wholesaler))
    reconcile()
    [d] = found("received_without_shipment")
    assert (d.enterprise, d.other_enterprise) == (chain.rp_pharmacy, chain.wholesaler)


def test_receiving_a_pack_inside_a_shipped_case_matches_the_case_shipment(chain):
    case = sscc(1)
    chain.ingest(chain.record(case, "commissioning", 9, chain.maker),
                 chain.record(pack(1), "commissioning", 9, chain.maker),
                 chain.record(pack(1), "packing", 8, chain.maker, parent=case),
                 chain.record(case, "shipping", 7, chain.maker, counterparty=chain.wholesaler),
                 chain.record(case, "receiving", 6, chain.wholesaler, counterparty=chain.maker),
                 chain.record(pack(1), "receiving", 6, chain.wholesaler, counterparty=chain.maker))
    reconcile()
    assert not Discrepancy.objects.exists()


def test_dispensed_twice_and_more_than_received(chain):
    chain.ingest(*chain.journey(pack(1)), chain.record(pack(1), "dispensing", 2, chain.pharmacy),
                 chain.record(pack(1), "dispensing", 1, chain.rp_pharmacy))
    reconcile()
    [twice] = found("dispensed_twice")
    assert (twice.enterprise, twice.other_enterprise, len(twice.event_ids)) == (chain.rp_pharmacy, chain.pharmacy, 2)
    [not_held] = found("dispensed_not_held")
    assert not_held.enterprise == chain.rp_pharmacy


def test_commissioned_twice(chain):
    chain.ingest(chain.record(pack(1), "commissioning", 9, chain.maker),
                 chain.record(pack(1), "commissioning", 8, chain.maker))
    reconcile()
    assert [d.code.code for d in found("commissioned_twice")] == [pack(1)]


def test_any_event_after_destruction_or_dispensing(chain):
    chain.ingest(*chain.journey(pack(1)), chain.record(pack(1), "destruction", 3, chain.pharmacy),
                 chain.record(pack(1), "shipping", 2, chain.pharmacy, counterparty=chain.rp_pharmacy))
    reconcile()
    [d] = found("event_after_end")
    assert d.enterprise == chain.pharmacy and len(d.event_ids) == 2


def test_dispensed_after_expiry(chain):
    chain.ingest(*chain.journey(pack(1)),
                 chain.record(pack(1), "dispensing", 1, chain.pharmacy) | {"expiry": "2020-01-31"})
    assert str(chain.batch.expires_on) > "2020"  # the batch's own expiry is kept; the code's first one stands
    chain.ingest(chain.record(pack(2), "commissioning", 9, chain.maker, expiry="2020-01-31"),
                 chain.record(pack(2), "shipping", 8, chain.maker, counterparty=chain.pharmacy),
                 chain.record(pack(2), "receiving", 7, chain.pharmacy, counterparty=chain.maker),
                 chain.record(pack(2), "dispensing", 1, chain.pharmacy))
    reconcile()
    assert [d.code.code for d in found("dispensed_after_expiry")] == [pack(2)]


def test_a_vaccine_dose_neither_administered_nor_in_stock(chain, vaccine):
    dose, given_dose = pack(1, "8765432"), pack(2, "8765432")
    chain.ingest(chain.record(dose, "commissioning", 9, chain.maker, batch="V1"),
                 chain.record(dose, "shipping", 8, chain.maker, counterparty=chain.wholesaler),
                 chain.record(given_dose, "commissioning", 9, chain.maker, batch="V1"),
                 chain.record(given_dose, "shipping", 8, chain.maker, counterparty=chain.pharmacy),
                 chain.record(given_dose, "receiving", 7, chain.pharmacy, counterparty=chain.maker),
                 chain.record(given_dose, "vaccination", 1, chain.pharmacy))
    reconcile()
    assert [d.code.code for d in found("vaccine_unaccounted")] == [dose]


def test_the_licence_rule_waits_for_the_licensing_app(chain, monkeypatch):
    chain.ingest(chain.record(pack(1), "commissioning", 9, chain.maker),
                 chain.record(pack(1), "shipping", 1, chain.maker, counterparty=chain.rp_pharmacy))
    monkeypatch.setattr(services, "unlicensed_recipients", lambda: None)
    assert "unlicensed_recipient" not in reconcile().found
    monkeypatch.setattr(services, "unlicensed_recipients", lambda: [(chain.rp_pharmacy.pk, "drug")])
    reconcile()
    [d] = found("unlicensed_recipient")
    assert (d.enterprise, d.other_enterprise) == (chain.rp_pharmacy, chain.maker)


def test_a_rerun_on_the_same_data_finds_the_same_discrepancies_once(chain):
    chain.ingest(chain.record(pack(1), "commissioning", 9, chain.maker),
                 chain.record(pack(1), "commissioning", 8, chain.maker),
                 chain.record(pack(1), "shipping", 5, chain.maker, counterparty=chain.wholesaler))
    first = reconcile()
    keys = set(Discrepancy.objects.values_list("key", flat=True))
    second = reconcile()
    assert sum(first.found.values()) == 2 and sum(second.found.values()) == 0
    assert set(Discrepancy.objects.values_list("key", flat=True)) == keys


def test_the_nightly_task_runs_per_province(chain):
    from traceability.tasks import reconcile_nightly

    chain.ingest(chain.record(pack(1), "commissioning", 9, chain.maker),
                 chain.record(pack(1), "commissioning", 8, chain.maker))
    reconcile_nightly()
    reconcile_nightly()
    assert Discrepancy.objects.count() == 1


def test_confirming_records_a_kernel_event_and_explained_can_reopen(chain):
    chain.ingest(chain.record(pack(1), "commissioning", 9, chain.maker),
                 chain.record(pack(1), "commissioning", 8, chain.maker))
    reconcile()
    discrepancy = Discrepancy.objects.get()
    officer = chain.world.users["city_officer"]
    services.set_discrepancy_status(discrepancy, actor=officer, status="explained", note="scanner fault")
    services.set_discrepancy_status(discrepancy, actor=officer, status="confirmed")
    event = Event.objects.get(kind="traceability.discrepancy_confirmed")
    assert event.payload["code"] == pack(1) and event.enterprise == chain.maker
    from regulator.workflow import InvalidTransition

    with pytest.raises(InvalidTransition):
        services.set_discrepancy_status(discrepancy, actor=officer, status="open")


