"""The licensing pages: applying, the queues, the application page, the certificate, the public register."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from licensing import services
from licensing.models import Application
from tests.factories import logged_in
from tests.licensing.conftest import DAY, draft, issued_licence, to_pending_decision

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _form(token="tok-web-1", **extra):
    return {"form_token": token, "licence_type": "drug_retail_single", "kind": "new", "business_scope": "中成药",
            "address": "", "legal_representative": "", "responsible_pharmacist": "", **extra}


def test_an_enterprise_user_applies_with_a_document_and_submits(lic):
    client = logged_in(lic.users["xq_enterprise_user"])
    assert client.get("/licensing/applications/new/").status_code == 200
    response = client.post("/licensing/applications/new/",
                           {**_form(), "submit": "1", "document": SimpleUploadedFile("licence.pdf", PDF)})
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert application.status == "submitted"
    page = client.get(application.get_absolute_url()).content.decode()
    assert "licence.pdf" in page and "Submitted" in page


def test_a_document_downloads_for_the_applicant_and_the_county_only(lic):
    client = logged_in(lic.users["xq_enterprise_user"])
    client.post("/licensing/applications/new/", {**_form(), "document": SimpleUploadedFile("营业执照.pdf", PDF)})
    application = Application.objects.get()
    url = re.search(r'href="([^"]+/documents/\d+/)"', client.get(application.get_absolute_url()).content.decode())[1]

    for persona in ("xq_enterprise_user", "xq_officer"):
        response = logged_in(lic.users[persona]).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", persona
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
    for outsider in ("rp_officer", "xq_wholesaler_user"):
        assert logged_in(lic.users[outsider]).get(url).status_code == 404, outsider


def test_a_form_sent_twice_creates_one_application(lic):
    client = logged_in(lic.users["xq_enterprise_user"])
    client.post("/licensing/applications/new/", {**_form(), "submit": "1"})
    client.post("/licensing/applications/new/", {**_form(), "submit": "1"})
    assert Application.objects.count() == 1


def test_a_wrong_file_keeps_what_was_typed_and_creates_nothing(lic):
    client = logged_in(lic.users["xq_enterprise_user"])
    response = client.post("/licensing/applications/new/", {
        **_form(business_scope="化学药制剂、中成药（保留）"), "submit": "1",
        "document": SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 an executable")})
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a PDF / JPEG / PNG file" in page
    assert "化学药制剂、中成药（保留）" in page
    assert Application.objects.count() == 0


def test_staff_cannot_open_the_application_form(lic):
    assert logged_in(lic.users["xq_officer"]).get("/licensing/applications/new/").status_code == 403


def test_anonymous_is_sent_to_the_login_page(lic):
    response = Client().get("/licensing/applications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_officer_queue_shows_submitted_applications_and_the_officer_accepts(lic):
    application = draft(lic)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    client = logged_in(lic.users["xq_officer"])
    assert application.reference in client.get("/licensing/applications/").content.decode()
    assert application.reference not in logged_in(lic.users["rp_officer"]).get(
        "/licensing/applications/?status=all").content.decode()
    response = client.post(f"/licensing/applications/{application.pk}/do/accept/", {"note": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "accepted"
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'id="due-on"' in page and "Working days left" in page


def test_the_applicant_does_not_see_internal_notes(lic):
    application = to_pending_decision(lic, draft(lic))
    applicant = logged_in(lic.users["xq_enterprise_user"]).get(application.get_absolute_url()).content.decode()
    reviewer = logged_in(lic.users["xq_reviewer"]).get(application.get_absolute_url()).content.decode()
    assert "材料齐全，符合条件" in reviewer
    assert "材料齐全，符合条件" not in applicant and "张三" not in applicant.split('id="timeline"')[1]


def test_another_county_gets_404_on_the_application_page(lic):
    application = draft(lic)
    assert logged_in(lic.users["rp_officer"]).get(application.get_absolute_url()).status_code == 404


def test_the_certificate_is_a_pdf_with_the_verification_link(lic):
    licence = issued_licence(lic)
    response = logged_in(lic.users["xq_enterprise_user"]).get(f"/licensing/licences/{licence.pk}/certificate.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_public_register_finds_by_name_code_and_number_without_login(lic):
    licence = issued_licence(lic)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for query in ("康宁", licence.credit_code, licence.number):
        page = client.get("/register/", {"q": query}).content.decode()
        assert licence.number in page, query
    assert licence.number not in client.get("/register/", {"q": "不存在的企业"}).content.decode()


def test_the_verification_page_shows_validity_and_nothing_personal(lic):
    licence = issued_licence(lic)
    licence.legal_representative, licence.responsible_pharmacist = "王秘密", "李药师"
    licence.save()
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/register/{licence.public_id}/").content.decode()
    assert "This licence is valid." in page and licence.number in page and licence.holder_name in page
    assert "王秘密" not in page and "李药师" not in page
    services.revoke_licence(licence, actor=lic.users["xq_approver"], reason="x", legal_basis="y")
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/register/{licence.public_id}/").content.decode()
    assert "This licence is not valid" in page


def test_an_unknown_verification_code_is_404(db):
    assert Client().get("/register/00000000-0000-0000-0000-000000000000/").status_code == 404


@pytest.mark.parametrize("path", ["/licensing/applications/", "/licensing/licences/", "/start/"])
def test_staff_pages_render(lic, path):
    issued_licence(lic)
    for persona in ("xq_officer", "xq_reviewer", "xq_approver", "xq_enterprise_user", "city_officer"):
        assert logged_in(lic.users[persona]).get(path).status_code == 200, persona


def test_the_approver_revokes_from_the_licence_page(lic):
    licence = issued_licence(lic)
    client = logged_in(lic.users["xq_approver"])
    assert 'data-action="revoke"' in client.get(licence.get_absolute_url()).content.decode()
    client.post(f"/licensing/licences/{licence.pk}/do/revoke/", {"reason": "虚假承诺", "legal_basis": "第一百二十三条"})
    licence.refresh_from_db()
    assert licence.status == "revoked"


def test_the_certificate_renders_chinese(lic):
    licence = issued_licence(lic)
    content = logged_in(lic.users["xq_officer"]).get(f"/licensing/licences/{licence.pk}/certificate.pdf").content
    assert b"STSong-Light" in content
    assert re.search(rb"/Subtype\s*/Image", content)
    assert io.BytesIO(content).getbuffer().nbytes > 1000
