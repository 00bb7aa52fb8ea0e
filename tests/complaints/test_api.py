"""The complaints API, persona by persona: who sees which filings, who may act, and that the filer's identity
never appears in a resource, only at the identity endpoint for the assigned handler and the head of unit."""

import pytest

from complaints import services
from complaints.models import IdentityAccess
from tests.conftest import VISIBLE

LIST = "/api/v1/complaints/"


@pytest.fixture
def filings(world, file):
    """One complaint per enterprise of the world, and one report in city triage."""
    rows = {name: file(enterprise=name)[0] for name in world.enterprises}
    rows["triage"] = file("report", enterprise=None, enterprise_description="无名药摊", place="潮州市区")[0]
    return rows


@pytest.mark.parametrize("persona", ["xq_officer", "xq_reviewer", "rp_officer", "city_officer", "province_officer",
                                     "xq_client", "city_client", "xq_enterprise_user", "enterprise_client"])
def test_each_persona_lists_exactly_the_filings_in_its_scope(api_as, filings, persona):
    response = api_as(persona).get(LIST)

    assert response.status_code == 200
    expected = {filings[name].tracking_number for name in VISIBLE[persona]} if "enterprise" not in persona else set()
    if persona in ("city_officer", "province_officer", "city_client"):
        expected.add(filings["triage"].tracking_number)
    assert {row["tracking_number"] for row in response.json()["results"]} == expected


def test_anonymous_gets_401(api_as, filings):
    assert api_as(None).get(LIST).status_code == 401


def test_a_filing_outside_the_scope_answers_404_like_a_missing_one(api_as, filings):
    client = api_as("xq_officer")

    assert client.get(f"{LIST}{filings['rp_pharmacy'].pk}/").status_code == 404
    assert client.get(f"{LIST}999999/").status_code == 404


@pytest.mark.parametrize("persona", ["xq_officer", "city_officer", "xq_client", "city_client"])
def test_no_resource_carries_the_filers_identity(api_as, world, filings, persona):
    client = api_as(persona)
    complaint = filings["xq_pharmacy"]
    services.message_filer(complaint, actor=world.users["xq_officer"], body="请补充材料")  # assigns the officer

    bodies = [client.get(LIST).content, client.get(f"{LIST}{complaint.pk}/").content,
              client.get(f"{LIST}{complaint.pk}/messages/").content]

    for body in bodies:
        text = body.decode()
        assert "张三" not in text and "13800000000" not in text and "zhang@example.com" not in text
    assert "name" not in client.get(f"{LIST}{complaint.pk}/").json()


def test_machine_clients_never_get_the_identity(api_as, filings, heads):
    complaint = services.accept(filings["xq_pharmacy"], actor=heads["xq_head"])

    for persona in ("xq_client", "city_client"):
        assert api_as(persona).get(f"{LIST}{complaint.pk}/identity/").status_code == 403
    assert not IdentityAccess.objects.exists()


def test_the_assigned_handler_reads_the_identity_and_the_read_is_logged(api_as, world, filings):
    complaint = services.accept(filings["xq_pharmacy"], actor=world.users["xq_officer"])

    response = api_as("xq_officer").get(f"{LIST}{complaint.pk}/identity/")

    assert response.status_code == 200 and response.json()["name"] == "张三"
    access = IdentityAccess.objects.get()
    assert access.user == world.users["xq_officer"] and access.via.endswith("/identity/")


@pytest.mark.parametrize("persona", ["xq_reviewer", "city_officer", "province_officer"])
def test_other_staff_cannot_read_the_identity(api_as, world, filings, persona):
    complaint = services.accept(filings["xq_pharmacy"], actor=world.users["xq_officer"])

    assert api_as(persona).get(f"{LIST}{complaint.pk}/identity/").status_code == 403
    assert not IdentityAccess.objects.exists()


def test_the_handling_officer_accepts_and_an_illegal_step_answers_409_with_the_allowed_ones(api_as, filings):
    client = api_as("xq_officer")
    complaint = filings["xq_pharmacy"]

    accepted = client.post(f"{LIST}{complaint.pk}/accept/", {"note": "受理"})
    again = client.post(f"{LIST}{complaint.pk}/accept/", {})

    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["assigned_to"] == "xq.officer"
    assert again.status_code == 409 and again.json()["error"]["allowed"] == ["mediation"]


def test_a_read_only_client_gets_403_and_a_write_client_cannot_act_as_a_bureau(api_as, filings):
    complaint = filings["xq_pharmacy"]

    assert api_as("xq_client").post(f"{LIST}{complaint.pk}/accept/", {}).status_code == 403
    assert api_as("city_client").post(f"{LIST}{complaint.pk}/accept/", {}).status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == "received"


def test_staff_of_another_bureau_get_404_and_the_city_403(api_as, filings):
    complaint = filings["xq_pharmacy"]

    assert api_as("rp_officer").post(f"{LIST}{complaint.pk}/accept/", {}).status_code == 404
    assert api_as("city_officer").post(f"{LIST}{complaint.pk}/accept/", {}).status_code == 403


def test_closing_needs_an_outcome_of_the_kind_and_a_reply(api_as, filings):
    client = api_as("xq_officer")
    complaint = filings["xq_pharmacy"]
    client.post(f"{LIST}{complaint.pk}/accept/", {})
    client.post(f"{LIST}{complaint.pk}/start-mediation/", {})

    wrong = client.post(f"{LIST}{complaint.pk}/close/", {"outcome": "answered", "reply": "x"})
    empty = client.post(f"{LIST}{complaint.pk}/close/", {"outcome": "mediated"})
    done = client.post(f"{LIST}{complaint.pk}/close/", {"outcome": "mediated", "reply": "双方达成协议"})

    assert wrong.status_code == 400 and "outcome" in wrong.json()["error"]["fields"]
    assert empty.status_code == 400 and "reply" in empty.json()["error"]["fields"]
    assert done.status_code == 200 and done.json()["outcome"] == "mediated"
    assert done.json()["due_on"] is not None and done.json()["parties_notified_on"] is None


def test_a_report_ends_with_its_case_filing_decision_not_with_close(api_as, filings):
    client = api_as("city_officer")
    report = filings["triage"]

    early = client.post(f"{LIST}{report.pk}/no-case/", {"reason": "unsubstantiated", "reply": "经查不属实"})
    client.post(f"{LIST}{report.pk}/start-verification/", {})
    closed = client.post(f"{LIST}{report.pk}/close/", {"outcome": "referred", "reply": "x"})
    declined = client.post(f"{LIST}{report.pk}/not-accept/", {"ground": "no_specific_facts", "reply": "x"})
    no_reason = client.post(f"{LIST}{report.pk}/no-case/", {"reply": "经查不属实"})
    done = client.post(f"{LIST}{report.pk}/no-case/", {"reason": "unsubstantiated", "reply": "经查不属实"})
    again = client.post(f"{LIST}{report.pk}/open-case/", {"reply": "立案"})

    assert early.status_code == 409 and early.json()["error"]["allowed"] == ["verifying"]
    assert closed.status_code == 400 and declined.status_code == 400
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    assert done.status_code == 200
    assert (done.json()["outcome"], done.json()["no_case_reason"]) == ("no_case", "unsubstantiated")
    assert again.status_code == 409 and again.json()["error"]["allowed"] == []


def test_the_handler_opens_a_case_on_a_verified_report(api_as, world, file):
    report, _code = file("report")
    client = api_as("xq_officer")
    client.post(f"{LIST}{report.pk}/start-verification/", {})

    response = client.post(f"{LIST}{report.pk}/open-case/", {"reply": "已立案调查"})

    assert response.status_code == 200 and response.json()["outcome"] == "referred"
    assert api_as("xq_client").post(f"{LIST}{report.pk}/open-case/", {"reply": "x"}).status_code == 403


def test_the_handler_records_that_both_parties_were_notified(api_as, world, file):
    complaint, _code = file()
    officer = world.users["xq_officer"]
    services.accept(complaint, actor=officer)
    services.start_mediation(complaint, actor=officer)
    client = api_as("xq_officer")

    early = api_as("xq_officer").post(f"{LIST}{file()[0].pk}/parties-notified/", {})
    services.close(complaint, actor=officer, outcome="mediation_failed", reply="调解不成")
    machine = api_as("xq_client").post(f"{LIST}{complaint.pk}/parties-notified/", {})
    response = client.post(f"{LIST}{complaint.pk}/parties-notified/", {"note": "电话告知双方"})

    assert early.status_code == 400 and machine.status_code == 403
    assert response.status_code == 200 and response.json()["parties_notified_on"] is not None
    assert response.json()["due_on"] is None


def test_the_city_transfers_triage_to_a_county_which_then_sees_it(api_as, filings):
    report = filings["triage"]

    response = api_as("city_officer").post(f"{LIST}{report.pk}/transfer/", {"to": "445122", "reason": "属地管辖"})

    assert response.status_code == 200 and response.json()["handling_agency"] == "445122"
    assert response.json()["jurisdiction"] == "445122"
    assert api_as("rp_officer").get(f"{LIST}{report.pk}/").status_code == 200


def test_internal_notes_are_hidden_from_machine_clients(api_as, world, filings):
    complaint = filings["xq_pharmacy"]
    officer = api_as("xq_officer")
    officer.post(f"{LIST}{complaint.pk}/messages/", {"body": "内部：疑似重复", "internal": True})
    officer.post(f"{LIST}{complaint.pk}/messages/", {"body": "请补充票据", "question": True})

    staff_view = [m["body"] for m in officer.get(f"{LIST}{complaint.pk}/messages/").json()]
    machine_view = [m["body"] for m in api_as("xq_client").get(f"{LIST}{complaint.pk}/messages/").json()]

    assert staff_view == ["内部：疑似重复", "请补充票据"]
    assert machine_view == ["请补充票据"]


def test_the_head_of_unit_extends_a_report_through_the_api(api_as, world, heads, file):
    report, _code = file("report")
    api_as("xq_officer").post(f"{LIST}{report.pk}/start-verification/", {})
    client = api_as(None)
    client.force_login(heads["xq_head"])

    refused = api_as("xq_officer").post(f"{LIST}{report.pk}/extend/", {"reason": "抽检"})
    extended = client.post(f"{LIST}{report.pk}/extend/", {"reason": "抽检"})

    assert refused.status_code == 403
    assert extended.status_code == 200 and extended.json()["extended"] is True


def test_possible_duplicates_are_listed(api_as, file):
    first, _code = file()
    second, _code = file()

    rows = api_as("xq_officer").get(f"{LIST}{second.pk}/duplicates/").json()

    assert [row["tracking_number"] for row in rows] == [first.tracking_number]
