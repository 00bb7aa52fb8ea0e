"""The demo supply chain: anomalies the nightly run finds, a recall in progress, idempotent."""

import pytest

from regulator.management import demo_data
from traceability.models import Discrepancy, Recall, TraceEvent


@pytest.mark.django_db
def test_the_demo_chain_has_anomalies_and_a_recall_and_seeds_once(monkeypatch):
    monkeypatch.setattr(demo_data, "_seeders", {k: v for k, v in demo_data._seeders.items() if k == "traceability"})
    created = demo_data.seed()
    assert created["trace events"] > 150
    rules = set(Discrepancy.objects.values_list("rule", flat=True))
    assert {"shipped_not_received", "received_without_shipment", "dispensed_twice", "dispensed_not_held",
            "commissioned_twice", "event_after_end", "dispensed_after_expiry", "vaccine_unaccounted"} <= rules
    recall = Recall.objects.get(status="active")
    assert recall.tasks.exists() and 0 < recall.effectiveness < 100
    assert Recall.objects.filter(status="proposed").count() == 1
    events = TraceEvent.objects.count()
    again = demo_data.seed()
    assert not again["trace events"] and not again["recalls"] and TraceEvent.objects.count() == events
