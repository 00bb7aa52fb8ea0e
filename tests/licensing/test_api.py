"""The licensing API per persona and scope."""

import pytest

from licensing import services
from licensing.models import Application
from tests.licensing.conftest import DAY, draft, issued_licence, to_pending_decision

URL = "/api/v1/licence-applications/"


@pytest.fixture
def licences(lic):
    xq = issued_licence(lic)
    rp_app = draft(lic, "rp_devices_user", "device_filing_class2")
    services.submit(rp_app, actor=lic.users["rp_devices_user"], on=DAY)
    rp_app.refresh_from_db()
    return {"xq": xq, "rp": rp_app.licence}


VISIBLE = {
    "xq_officer": {"xq"}, "xq_reviewer": {"xq"}, "rp_officer": {"rp"}, "city_officer": {"xq", "rp"},
    "province_officer": {"xq", "rp"}, "xq_enterprise_user": {"xq"}, "xq_client": {"xq"},
    "city_client": {"xq", "rp"}, "enterprise_client": {"xq"},
}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_each_persona_lists_exactly_the_licences_in_its_scope(api_as, licences, persona):
    response = api_as(persona).get("/api/v1/licences/")
    assert response.status_code == 200
    numbers = {row["number"] for row in response.json()["results"]}
    assert numbers == {licences[key].number for key in VISIBLE[persona]}


def test_a_licence_outside_the_scope_answers_404(api_as, licences):
    assert api_as("rp_officer").get(f"/api/v1/licences/{licences['xq'].pk}/").status_code == 404
    assert api_as("rp_officer").get("/api/v1/licences/999999/").status_code == 404
    assert api_as("xq_officer").get(f"/api/v1/licences/{licences['xq'].pk}/").status_code == 200


def test_anonymous_gets_401(api_as, licences):
    assert api_as(None).get("/api/v1/licences/").status_code == 401
    assert api_as(None).get(URL).status_code == 401


def test_an_enterprise_system_applies_submits_once_per_idempotency_key(api_as, lic):
    client = api_as("enterprise_writer")
    body = {"licence_type": "drug_retail_single", "business_scope": "中成药", "jurisdiction": "445122"}
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="erp-42")
    again = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="erp-42")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["jurisdiction"] == "445102"  # from the enterprise, not the body
    submitted = client.post(f"{URL}{first.json()['id']}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert Application.objects.count() == 1


def test_a_read_only_client_cannot_apply(api_as, lic):
    response = api_as("enterprise_client").post(URL, {"licence_type": "drug_retail_single"}, format="json")
    assert response.status_code == 403


def test_staff_cannot_apply_and_get_403(api_as, lic):
    response = api_as("xq_officer").post(URL, {"licence_type": "drug_retail_single"}, format="json")
    assert response.status_code == 403


def test_the_whole_workflow_through_the_api(api_as, lic):
    application = draft(lic)
    base = f"{URL}{application.pk}/"
    assert api_as("xq_enterprise_user").post(base + "submit/").status_code == 200
    assert api_as("xq_officer").post(base + "accept/", {"note": ""}, format="json").status_code == 200
    assert api_as("xq_reviewer").post(base + "start-review/", {}, format="json").status_code == 200
    assert api_as("xq_reviewer").post(base + "request-inspection/", {}, format="json").status_code == 200
    response = api_as("xq_reviewer").post(base + "record-inspection/", {
        "inspected_on": "2026-03-04", "inspectors": ["张三", "李四"], "result": "passed"}, format="json")
    assert response.status_code == 200, response.json()
    assert api_as("xq_reviewer").post(base + "complete-review/", {"opinion": "同意"}, format="json").status_code == 200
    from rest_framework.test import APIClient
    approver = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    approver.force_login(lic.users["xq_approver"])
    response = approver.post(base + "approve/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "issued" and response.json()["licence"].startswith("粤DA5102")


def test_an_illegal_step_answers_409_with_the_allowed_ones(api_as, lic):
    application = draft(lic)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    response = api_as("xq_reviewer").post(f"{URL}{application.pk}/start-review/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["allowed"] == ["correction_requested", "accepted", "not_accepted", "issued",
                                                   "filed"]


def test_a_second_acceptance_answers_409(api_as, lic):
    application = draft(lic)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    first = api_as("xq_officer").post(f"{URL}{application.pk}/accept/", {}, format="json")
    second = api_as("xq_officer").post(f"{URL}{application.pk}/accept/", {}, format="json")
    assert (first.status_code, second.status_code) == (200, 409)


def test_an_officer_of_another_county_cannot_see_the_application(api_as, lic):
    application = draft(lic)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    assert api_as("rp_officer").post(f"{URL}{application.pk}/accept/", {}, format="json").status_code == 404
    assert api_as("rp_officer").get(f"{URL}{application.pk}/").status_code == 404


def test_the_city_sees_the_application_but_may_not_accept_a_county_licence(api_as, lic):
    application = draft(lic)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    assert api_as("city_officer").get(f"{URL}{application.pk}/").status_code == 200
    assert api_as("city_officer").post(f"{URL}{application.pk}/accept/", {}, format="json").status_code == 403


def test_a_bad_document_answers_400_naming_the_field(api_as, lic):
    application = draft(lic)
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = api_as("enterprise_writer").post(f"{URL}{application.pk}/documents/", {
        "file": SimpleUploadedFile("scan.pdf", b"not really a pdf at all")}, format="multipart")
    assert response.status_code == 400
    assert "document" in response.json()["error"]["fields"]


def test_revocation_through_the_api_needs_the_issuing_approver(api_as, lic):
    licence = issued_licence(lic)
    body = {"reason": "虚假承诺", "legal_basis": "《药品管理法》"}
    assert api_as("xq_officer").post(f"/api/v1/licences/{licence.pk}/revoke/", body, format="json").status_code == 403
    from rest_framework.test import APIClient
    approver = APIClient()
    approver.force_login(lic.users["xq_approver"])
    response = approver.post(f"/api/v1/licences/{licence.pk}/revoke/", body, format="json")
    assert response.status_code == 200 and response.json()["status"] == "revoked"


def test_the_applicant_sees_its_applications_only(api_as, lic):
    mine = draft(lic)
    other = draft(lic, "rp_devices_user", "device_business_class3")
    ids = {row["id"] for row in api_as("xq_enterprise_user").get(URL).json()["results"]}
    assert mine.pk in ids and other.pk not in ids


def test_licence_types_are_listed(api_as, lic):
    codes = {row["code"] for row in api_as("xq_client").get("/api/v1/licence-types/").json()["results"]}
    assert {"drug_retail_single", "drug_retail_chain_store", "drug_chain_hq", "drug_wholesale", "drug_production",
            "device_business_class3", "device_filing_class2", "cosmetics_production"} <= codes


def test_pending_decision_flows_into_a_denial_with_appeal_rights(api_as, lic):
    application = to_pending_decision(lic, draft(lic))
    from rest_framework.test import APIClient
    approver = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    approver.force_login(lic.users["xq_approver"])
    response = approver.post(f"{URL}{application.pk}/deny/", {"reasons": "不符合条件"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "denied" and response.json()["appeal_rights"]


def test_filters_refuse_bad_values_and_filter_good_ones(api_as, lic):
    application = draft(lic)
    assert api_as("xq_officer").get(f"{URL}?overdue=maybe").status_code == 400
    assert api_as("xq_officer").get(f"{URL}?status=nonsense").status_code == 400
    ids = {row["id"] for row in api_as("xq_officer").get(f"{URL}?status=draft&overdue=false").json()["results"]}
    assert ids == {application.pk}
    assert api_as("xq_officer").get(f"{URL}?overdue=true").json()["results"] == []
