"""Recalls traced forward through aggregation, their effectiveness, the failed-sample proposal, verification."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from regulator import events
from tests.traceability.conftest import pack, sscc
from traceability import services
from traceability.models import Recall, RecallTask, TraceCode


@pytest.fixture
def distributed(chain):
    """Packs 1–4 in a case at the wholesaler; pack 5 at the pharmacy; pack 6 dispensed."""
    case = sscc(1)
    records = [chain.record(case, "commissioning", 20, chain.maker)]
    for n in range(1, 5):
        records += [chain.record(pack(n), "commissioning", 20, chain.maker, batch="A250101"),
                    chain.record(pack(n), "packing", 19, chain.maker, parent=case)]
    records += [chain.record(case, "shipping", 18, chain.maker, counterparty=chain.wholesaler),
                chain.record(case, "receiving", 17, chain.wholesaler, counterparty=chain.maker)]
    records += chain.journey(pack(5), days=16) + chain.journey(pack(6), days=16)
    records.append(chain.record(pack(6), "dispensing", 5, chain.pharmacy))
    assert chain.ingest(*records)["rejected"] == 0
    return chain


def test_a_recall_traces_every_holder_through_the_case(distributed):
    chain = distributed
    recall = services.propose_recall(chain.batch, reason="failed assay", actor=chain.world.users["city_officer"])
    recall = services.start_recall(recall, actor=chain.world.users["city_officer"])
    assert (recall.held_codes, recall.dispensed_codes, recall.total_codes) == (5, 1, 6)
    tasks = {t.holder: t.held for t in RecallTask.objects.filter(recall=recall)}
    assert tasks == {chain.wholesaler: 4, chain.pharmacy: 1}
    assert TraceCode.objects.filter(status="recalled").count() == 5
    assert RecallTask.objects.get(holder=chain.pharmacy).jurisdiction_id == chain.pharmacy.jurisdiction_id


def test_effectiveness_rises_as_holders_return_or_quarantine(distributed):
    chain = distributed
    officer = chain.world.users["city_officer"]
    recall = services.start_recall(services.propose_recall(chain.batch, reason="x"), actor=officer)
    later = (recall.started_at + timedelta(seconds=1)).isoformat()
    chain.ingest({"code": pack(5), "kind": "return", "time": later, "party": chain.pharmacy.credit_code},
                 {"code": pack(1), "kind": "quarantine", "time": later, "party": chain.wholesaler.credit_code})
    recall.refresh_from_db()  # the ingest moved it: no page or task has to
    assert recall.recovered_codes == 2 and recall.effectiveness == 40.0
    assert RecallTask.objects.get(holder=chain.pharmacy).status == "done"
    assert RecallTask.objects.get(holder=chain.wholesaler).status == "open"


def test_only_staff_start_a_recall(distributed):
    recall = services.propose_recall(distributed.batch, reason="x")
    with pytest.raises(PermissionDenied):
        services.start_recall(recall, actor=distributed.world.users["xq_enterprise_user"])


def test_a_failed_sample_proposes_a_recall_once(chain, django_capture_on_commit_callbacks):
    from django.db import transaction

    with transaction.atomic():
        event = events.record_event("sampling.unqualified", subject=chain.batch,
                                    payload={"batch_id": chain.batch.pk, "reason": "含量不合格"})
    services.on_sample_unqualified(event)
    services.on_sample_unqualified(event)
    recall = Recall.objects.get()
    assert (recall.batch, recall.status, recall.reason, recall.source_event_id) == (chain.batch, "proposed",
                                                                                    "含量不合格", event.pk)
    assert "traceability.services.on_sample_unqualified" in events.handlers_for("sampling.unqualified")


def test_verification_tells_known_recalled_and_dispensed_but_no_holder(distributed):
    chain = distributed
    assert services.verify_code(pack(99)) == {"valid": True, "known": False, "code": pack(99)}
    dispensed = services.verify_code(pack(6))
    assert dispensed["dispensed"] and dispensed["batch"] == "A250101" and dispensed["product"] == "阿莫西林胶囊"
    assert chain.pharmacy.name not in str(dispensed) and chain.pharmacy.credit_code not in str(dispensed)
    services.start_recall(services.propose_recall(chain.batch, reason="x"), actor=chain.world.users["city_officer"])
    assert services.verify_code(pack(1))["recalled"]
    assert not services.verify_code("8123456")["valid"]
