"""The pages: public filing with its abuse controls, receipt, status page; the bureau's queue and case page."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from complaints import abuse, services
from complaints.choices import NoCaseReason, Status
from complaints.models import Complaint, IdentityAccess, Message
from regulator.attachments import attachments_of
from tests.factories import logged_in

FILE = "/complaints/file/"


def _form_data(client, **overrides):
    """A filled-in filing form with the challenge read off the server (as a person would read the image)."""
    page = client.get(FILE)
    token = page.context["challenge"]["token"]
    data = {"kind": "report", "enterprise": "", "enterprise_query": "", "enterprise_description": "",
            "place": "湘桥区太平路88号", "county": "", "product_name": "阿莫西林胶囊", "approval_number": "",
            "batch_number": "A250101", "trace_code": "", "subject": "无处方销售处方药",
            "description": "该药店在没有处方的情况下向我出售阿莫西林胶囊，店员说不需要处方，时间是上周五下午三点左右。",
            "occurred_on": "", "name": "", "phone": "", "email": "",
            "challenge_token": token, "challenge_answer": str(abuse.solve(token)), "website": ""}
    data.update(overrides)
    return data


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (23.0, 40.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_the_form_is_public_and_carries_a_challenge_image(world):
    page = Client().get(FILE)

    assert page.status_code == 200
    assert b"data:image/png;base64," in page.content and b'name="website"' in page.content


def test_an_anonymous_report_with_a_photo_is_filed_and_the_receipt_is_shown_once(world):
    client = Client()
    data = _form_data(client, enterprise=world.enterprises["xq_pharmacy"].credit_code)
    data["attachments"] = SimpleUploadedFile("photo.jpg", _jpeg_with_gps(), content_type="image/jpeg")

    response = client.post(FILE, data)
    receipt = client.get("/complaints/receipt/")
    again = client.get("/complaints/receipt/")

    assert response.status_code == 302 and response["Location"] == "/complaints/receipt/"
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.handling_agency == world.agencies["445102"]
    code = receipt.context["receipt"]["code"]
    assert services.locate(complaint.tracking_number, code) == complaint
    assert again.context["receipt"] is None and code.encode() not in again.content
    attachment = attachments_of(complaint).get()
    with Image.open(attachment.file) as stored:
        assert 0x8825 not in stored.getexif()


def test_a_wrong_challenge_answer_keeps_everything_typed(world):
    client = Client()
    data = _form_data(client, challenge_answer="99", subject="我的主题文字")

    response = client.post(FILE, data)

    assert response.status_code == 400
    assert "我的主题文字".encode() in response.content and "上周五下午三点".encode() in response.content
    assert "challenge_answer" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_a_challenge_can_be_answered_only_once(world):
    client = Client()
    data = _form_data(client)
    client.post(FILE, data)

    replay = client.post(FILE, data)

    assert replay.status_code == 400 and Complaint.objects.count() == 1


def test_a_service_rule_error_comes_back_on_the_form(world):
    client = Client()
    data = _form_data(client, kind="complaint")  # a complaint needs a name and contact

    response = client.post(FILE, data)

    assert response.status_code == 400 and "name" in response.context["form"].errors
    assert "无处方销售处方药".encode() in response.content


def test_the_honeypot_refuses_the_filing(world):
    client = Client()

    response = client.post(FILE, _form_data(client, website="http://spam.example"))

    assert response.status_code == 400 and response.context["refused"]
    assert not Complaint.objects.exists()


def test_the_rate_limit_refuses_with_a_clear_message_and_keeps_the_text(world, settings):
    settings.COMPLAINTS_FILING_RATE = "2/hour"
    client = Client(REMOTE_ADDR="10.9.8.7")
    cache.delete("complaints:rate:file:10.9.8.7")  # counters outlive a test run
    for _ in range(2):
        assert client.post(FILE, _form_data(client)).status_code == 302

    refused = client.post(FILE, _form_data(client, subject="第三次"))

    assert refused.status_code == 429 and refused.context["refused"]
    assert "第三次".encode() in refused.content
    assert Complaint.objects.count() == 2


def test_without_javascript_an_exact_credit_code_in_the_search_box_picks_the_enterprise(world):
    client = Client()
    rp = world.enterprises["rp_pharmacy"]

    client.post(FILE, _form_data(client, enterprise_query=rp.credit_code))

    assert Complaint.objects.get().handling_agency == world.agencies["445122"]


def test_the_enterprise_search_finds_by_name_and_credit_code(world):
    client = Client()
    by_name = client.get("/complaints/enterprises/", {"q": "仁心"}).json()["results"]
    by_code = client.get("/complaints/enterprises/", {"q": world.enterprises["ca_maker"].credit_code}).json()

    assert [row["name"] for row in by_name] == ["饶平仁心药店"]
    assert [row["name"] for row in by_code["results"]] == ["潮安制药有限公司"]
    assert "legal_representative" not in by_name[0]


# --- Status page -------------------------------------------------------------------------------

def _open_status(complaint, code) -> Client:
    client = Client()
    response = client.post("/complaints/status/", {"tracking_number": complaint.tracking_number, "code": code})
    assert response.status_code == 302
    return client


def test_the_status_page_shows_progress_and_replies_but_never_notes_or_the_handler(world, file):
    complaint, code = file("report")
    officer = world.users["xq_officer"]
    services.start_verification(complaint, actor=officer)
    services.message_filer(complaint, actor=officer, body="请问购买的时间？", question=True)
    services.add_note(complaint, actor=officer, body="机密内部备注")

    page = _open_status(complaint, code).get(f"/complaints/status/{complaint.tracking_number}/")

    text = page.content.decode()
    assert page.status_code == 200 and "请问购买的时间？" in text
    assert "机密内部备注" not in text and str(officer) not in text and officer.username not in text
    assert "张三" not in text and "13800000000" not in text


def test_a_wrong_code_opens_nothing(world, file):
    complaint, _code = file()
    client = Client()

    response = client.post("/complaints/status/", {"tracking_number": complaint.tracking_number,
                                                   "code": "AAAA-BBBB-CCCC"})
    direct = client.get(f"/complaints/status/{complaint.tracking_number}/")

    assert response.status_code == 400
    assert direct.status_code == 302 and direct["Location"] == "/complaints/status/"


def test_the_filer_answers_and_rates_through_the_status_page(world, file):
    complaint, code = file("enquiry", enterprise=None)
    client = _open_status(complaint, code)
    url = f"/complaints/status/{complaint.tracking_number}/"

    client.post(url, {"action": "answer", "body": "补充：发生在周五"})
    services.close(complaint, actor=world.users["city_officer"], outcome="answered", reply="答复如下")
    client.post(url, {"action": "rate", "score": "4", "comment": "好"})

    assert Message.objects.filter(complaint=complaint, sender="filer").get().body == "补充：发生在周五"
    complaint.refresh_from_db()
    assert complaint.satisfaction == 4
    assert "答复如下" in client.get(url).content.decode()


# --- Staff pages -------------------------------------------------------------------------------


def test_the_queue_lists_the_bureaus_filings_by_due_date(world, file):
    later, _code = file("report")
    sooner, _code = file()
    file(enterprise="rp_pharmacy")

    page = logged_in(world.users["xq_officer"]).get("/complaints/queue/")

    assert page.status_code == 200
    assert [c.pk for c in page.context["object_list"]] == [sooner.pk, later.pk]


def test_the_queue_needs_a_login(world):
    response = Client().get("/complaints/queue/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_case_page_of_another_county_is_404(world, file):
    complaint, _code = file()

    assert logged_in(world.users["rp_officer"]).get(f"/complaints/{complaint.pk}/").status_code == 404
    assert logged_in(world.users["xq_enterprise_user"]).get(f"/complaints/{complaint.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["xq_officer", "xq_reviewer", "city_officer"])
def test_the_case_page_never_shows_the_identity_itself(world, file, persona):
    complaint, _code = file()
    services.accept(complaint, actor=world.users["xq_officer"])

    text = logged_in(world.users[persona]).get(f"/complaints/{complaint.pk}/").content.decode()

    assert "张三" not in text and "13800000000" not in text


def test_the_identity_page_is_for_the_handler_and_the_head_and_each_view_is_logged(world, heads, file):
    complaint, _code = file()
    services.accept(complaint, actor=world.users["xq_officer"])
    url = f"/complaints/{complaint.pk}/identity/"

    mine = logged_in(world.users["xq_officer"]).get(url)
    head = logged_in(heads["xq_head"]).get(url)
    colleague = logged_in(heads["xq_officer2"]).get(url)
    city = logged_in(world.users["city_officer"]).get(url)

    assert mine.status_code == 200 and "张三" in mine.content.decode()
    assert head.status_code == 200
    assert colleague.status_code == 403 and city.status_code == 403
    assert IdentityAccess.objects.count() == 2


def test_the_case_page_actions_move_the_filing(world, file):
    complaint, _code = file()
    client = logged_in(world.users["xq_officer"])

    client.post(f"/complaints/{complaint.pk}/act/accept/")
    client.post(f"/complaints/{complaint.pk}/act/start_mediation/")
    client.post(f"/complaints/{complaint.pk}/act/close/", {"outcome": "mediated", "reply": "已调解"})

    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome) == ("closed", "mediated")


def test_a_refused_action_shows_why_and_changes_nothing(world, file):
    complaint, _code = file()
    client = logged_in(world.users["xq_officer"])

    response = client.post(f"/complaints/{complaint.pk}/act/start_mediation/", follow=True)

    assert response.status_code == 200 and "alert-error" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == "received"


def test_a_verified_report_offers_the_case_decision_not_the_complaints_refusal(world, file):
    report, _code = file("report")
    client = logged_in(world.users["xq_officer"])
    received = client.get(f"/complaints/{report.pk}/").content.decode()
    services.start_verification(report, actor=world.users["xq_officer"])

    verifying = client.get(f"/complaints/{report.pk}/").content.decode()
    missing = client.post(f"/complaints/{report.pk}/act/decide_case/", {"decision": "none", "reply": "不予立案"},
                          follow=True)
    client.post(f"/complaints/{report.pk}/act/decide_case/",
                {"decision": "none", "reason": "unsubstantiated", "reply": "经查不属实，不予立案。"})

    assert 'id="not-accept-form"' not in received and 'id="case-decision-form"' not in received
    assert 'id="case-decision-form"' in verifying and 'id="close-form"' not in verifying
    assert "alert-error" in missing.content.decode()
    report.refresh_from_db()
    assert (report.status, report.outcome, report.no_case_reason) == ("closed", "no_case", "unsubstantiated")
    decided = client.get(f"/complaints/{report.pk}/").content.decode()
    assert f"{Status.VERIFYING.label} → {Status.CLOSED.label}" in decided and "verifying →" not in decided
    assert str(NoCaseReason.UNSUBSTANTIATED.label) in decided


def test_a_received_complaint_still_offers_the_refusal_with_a_ground(world, file):
    complaint, _code = file()

    page = logged_in(world.users["xq_officer"]).get(f"/complaints/{complaint.pk}/").content.decode()

    assert 'id="not-accept-form"' in page and 'id="case-decision-form"' not in page


def test_the_handler_records_the_notification_of_both_parties_from_the_case_page(world, file):
    complaint, _code = file()
    officer = world.users["xq_officer"]
    services.accept(complaint, actor=officer)
    services.start_mediation(complaint, actor=officer)
    services.close(complaint, actor=officer, outcome="mediated", reply="双方达成协议")
    client = logged_in(officer)

    queue = client.get("/complaints/queue/")
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    colleague = logged_in(world.users["city_officer"]).get(f"/complaints/{complaint.pk}/").content.decode()
    client.post(f"/complaints/{complaint.pk}/act/parties_notified/", {"note": "电话告知双方"})
    after = client.get(f"/complaints/{complaint.pk}/").content.decode()

    assert complaint.pk in [c.pk for c in queue.context["object_list"]]
    assert 'id="parties-notified-button"' in page and 'id="parties-notified-button"' not in colleague
    complaint.refresh_from_db()
    assert complaint.parties_notified_on is not None and complaint.due_on is None
    assert 'id="parties-notified-button"' not in after and 'id="parties-notified"' in after
    assert complaint.pk not in [c.pk for c in client.get("/complaints/queue/").context["object_list"]]


def test_a_filings_photo_is_shown_to_staff_in_scope_and_to_nobody_else(world):
    client = Client()
    data = _form_data(client, enterprise=world.enterprises["xq_pharmacy"].credit_code)
    data["attachments"] = SimpleUploadedFile("photo.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    client.post(FILE, data)
    complaint = Complaint.objects.get()
    attachment = attachments_of(complaint).get()
    url = f"/complaints/{complaint.pk}/attachments/{attachment.pk}/"

    shown = logged_in(world.users["xq_officer"]).get(url)

    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert b"".join(shown.streaming_content) == attachment.file.open("rb").read()
    assert "inline" in shown["Content-Disposition"]
    for outsider in ("rp_officer", "xq_enterprise_user"):
        assert logged_in(world.users[outsider]).get(url).status_code == 404, outsider
    assert Client().get(url).status_code in (302, 404)
    other, _code = services.file_complaint(
        kind="complaint", enterprise=world.enterprises["xq_pharmacy"], subject="另一件",
        description="另一件投诉的内容，足够长以通过校验规则的要求。", name="李四", phone="13900000000", email="")
    wrong_subject = f"/complaints/{other.pk}/attachments/{attachment.pk}/"
    assert logged_in(world.users["xq_officer"]).get(wrong_subject).status_code == 404
