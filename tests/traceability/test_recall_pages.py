"""Recalls on the web: staff start one by approval and batch number, decide on a proposal, end one."""

import pytest
from django.urls import reverse
from django.utils import translation

from regulator.models import Event
from tests.factories import logged_in
from tests.traceability.test_recalls import distributed  # noqa: F401 - the fixture
from traceability import services
from traceability.models import Recall, TraceCode


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def form(chain, **overrides):
    return {"approval_number": chain.product.approval_number, "batch_number": chain.batch.batch_number,
            "reason": "含量测定不合格", "deadline": "", **overrides}


def test_an_officer_starts_a_recall_from_the_overview(distributed):  # noqa: F811
    chain = distributed
    client = logged_in(chain.world.users["city_officer"])
    overview = client.get(reverse("traceability:overview")).content.decode()
    assert reverse("traceability:recall-new") in overview

    response = client.post(reverse("traceability:recall-new"), form(chain))

    recall = Recall.objects.get()
    assert response.status_code == 302 and response.url == reverse("traceability:recall", args=[recall.pk])
    assert (recall.status, recall.held_codes, recall.dispensed_codes) == ("active", 5, 1)
    assert TraceCode.objects.filter(status="recalled").count() == 5
    page = client.get(response.url).content.decode()
    assert chain.wholesaler.name in page and chain.pharmacy.name in page
    assert 'data-status="active"' in page and "Proposed" in page and "In progress" in page  # the timeline


def test_an_unknown_batch_is_named_and_nothing_typed_is_lost(distributed):  # noqa: F811
    chain = distributed
    response = logged_in(chain.world.users["city_officer"]).post(
        reverse("traceability:recall-new"), form(chain, batch_number="NOPE1"))
    page = response.content.decode()
    assert response.status_code == 400
    assert f"No batch NOPE1 of a product with approval number {chain.product.approval_number}" in page
    assert "含量测定不合格" in page and 'value="NOPE1"' in page
    assert not Recall.objects.exists()


def test_a_county_officer_cannot_recall_another_countys_batch(distributed):  # noqa: F811
    # The batch belongs to the Chao'an manufacturer; Xiangqiao staff do not oversee it.
    response = logged_in(distributed.world.users["xq_officer"]).post(
        reverse("traceability:recall-new"), form(distributed))
    assert response.status_code == 400 and not Recall.objects.exists()


def test_enterprise_users_cannot_open_the_recall_form(distributed):  # noqa: F811
    client = logged_in(distributed.world.users["xq_enterprise_user"])
    assert client.get(reverse("traceability:recall-new")).status_code == 403
    assert client.post(reverse("traceability:recall-new"), form(distributed)).status_code == 403
    assert not Recall.objects.exists()


def test_staff_start_or_reject_a_proposal_and_end_a_recall(distributed):  # noqa: F811
    chain = distributed
    client = logged_in(chain.world.users["city_officer"])
    proposal = services.propose_recall(chain.batch, reason="抽检不合格")
    url = reverse("traceability:recall", args=[proposal.pk])
    page = client.get(url).content.decode()
    assert 'id="recall-start"' in page
    assert "the recall would reach 5 packs held by 2 enterprises; 1 packs are already dispensed" in page

    # Ending a recall that has not started answers with the allowed moves, and changes nothing.
    response = client.post(url, {"action": "close", "close-note": ""})
    assert response.status_code == 409
    assert "Cannot go from “proposed” to “closed”; allowed from here: active, rejected." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "proposed"

    assert client.post(url, {"action": "start", "start-deadline": "2026-12-31"}).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, str(proposal.deadline)) == ("active", "2026-12-31")

    assert client.post(url, {"action": "close", "close-note": "全部召回"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "closed"
    closed = Event.objects.get(kind="traceability.recall_closed")
    assert closed.payload["held"] == 5 and closed.enterprise_id == chain.maker.pk

    other = services.propose_recall(chain.batch, reason="复验合格前暂缓")
    url = reverse("traceability:recall", args=[other.pk])
    response = client.post(url, {"action": "reject", "reject-reason": ""})
    assert response.status_code == 400 and Recall.objects.get(pk=other.pk).status == "proposed"
    assert client.post(url, {"action": "reject", "reject-reason": "复验合格"}).status_code == 302
    other.refresh_from_db()
    assert other.status == "rejected"
    assert "复验合格" in client.get(url).content.decode()


def test_enterprise_users_cannot_act_on_a_recall(distributed):  # noqa: F811
    chain = distributed
    recall = services.propose_recall(chain.batch, reason="x")
    response = logged_in(chain.world.users["xq_enterprise_user"]).post(
        reverse("traceability:recall", args=[recall.pk]), {"action": "reject", "reject-reason": "no"})
    assert response.status_code in (403, 404)
    recall.refresh_from_db()
    assert recall.status == "proposed"
