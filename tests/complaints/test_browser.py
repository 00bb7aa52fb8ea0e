"""The journey of issue 4 in headless Chromium at a phone's size (in English, so that it does not wait for the
catalogue): an anonymous person reports with a photo,
keeps the receipt, the county officer finds it in the queue and asks a question, the reporter answers on the
status page, the officer closes it, and the status page shows the outcome."""

import io
import os

import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from complaints import abuse
from complaints.rules import RULES as COMPLAINT_RULES
from regulator.models import StatutoryRule
from regulator.statutory import seed_rules
from tests import factories
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def live_world(transactional_db, world, live_server):
    seed_rules(StatutoryRule)  # a transactional test before this one may have flushed the seeded rules
    seed_rules(StatutoryRule, COMPLAINT_RULES)
    return world


def _photo() -> bytes:
    image = Image.new("RGB", (64, 48), "orange")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (23.0, 40.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def test_anonymous_report_to_outcome_on_a_phone(live_world, live_server):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        reporter = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
        officer = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
        try:
            _journey(reporter.new_page(), officer.new_page(), live_server.url)
        finally:
            reporter.close()
            officer.close()
            browser.close()


def _journey(page, staff, url):
    failures = []
    page.on("pageerror", lambda error: failures.append(str(error)))
    staff.on("pageerror", lambda error: failures.append(str(error)))

    # The reporter files anonymously, with a photo, choosing the pharmacy from the directory.
    page.goto(f"{url}/complaints/file/")
    expect(page.locator("h1")).to_have_text("File a complaint or report")
    assert _no_horizontal_scroll(page)
    page.check("input[name=kind][value=report]")
    page.fill("#id_enterprise_query", "康宁")
    page.click(".picker-item")
    expect(page.locator("#enterprise-chosen-name")).to_have_text("湘桥康宁大药房")
    page.fill("#id_subject", "无处方销售处方药")
    page.fill("#id_description", "11月20日下午，该药店店员在我没有处方的情况下卖给我阿莫西林胶囊两盒，并说不用处方。")
    page.set_input_files("#id_attachments", files=[{"name": "photo.jpg", "mimeType": "image/jpeg",
                                                     "buffer": _photo()}])
    token = page.locator("input[name=challenge_token]").input_value()
    page.fill("#id_challenge_answer", str(abuse.solve(token)))
    page.screenshot(path=str(SCREENSHOTS / "complaints-file-phone.png"), full_page=True)
    page.click("button[type=submit].btn-block")

    # The receipt, once.
    page.wait_for_url(f"{url}/complaints/receipt/")
    tracking = page.locator("#tracking-number").inner_text()
    code = page.locator("#secret-code").inner_text()
    assert tracking.startswith("JB") and len(code) == 14
    assert _no_horizontal_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "complaints-receipt-phone.png"), full_page=True)

    # The county officer finds it in the queue and asks a question.
    staff.goto(f"{url}/accounts/login/")
    staff.fill("input[name=username]", "xq.officer")
    staff.fill("input[name=password]", factories.PASSWORD)
    staff.click("button[type=submit].btn")
    staff.wait_for_url(f"{url}/start/")
    staff.goto(f"{url}/complaints/queue/")
    expect(staff.locator("#complaint-queue")).to_contain_text(tracking)
    staff.click(f"text={tracking}")
    expect(staff.locator("#details")).to_contain_text("湘桥康宁大药房")
    expect(staff.locator("#details")).to_contain_text("photo.jpg")
    staff.fill("#message-form textarea[name=body]", "请问您购买时是否保留了购药小票？")
    staff.select_option("#message-form select[name=kind]", "question")
    staff.click("#send-message")
    expect(staff.locator("#messages")).to_contain_text("请问您购买时是否保留了购药小票？")

    # The reporter opens the status page with the receipt and answers.
    page.goto(f"{url}/complaints/status/")
    page.fill("#id_tracking_number", tracking)
    page.fill("#id_code", code)
    page.click("#status-lookup button[type=submit]")
    page.wait_for_url(f"{url}/complaints/status/{tracking}/")
    expect(page.locator("#conversation")).to_contain_text("请问您购买时是否保留了购药小票？")
    expect(page.locator("body")).not_to_contain_text("Xq Officer")
    page.fill("#answer-form textarea[name=body]", "保留了小票，可以提供照片。")
    page.click("#answer-form button[type=submit]")
    expect(page.locator("#conversation")).to_contain_text("保留了小票，可以提供照片。")
    assert _no_horizontal_scroll(page)

    # The officer sees the answer, verifies and closes it.
    staff.reload()
    expect(staff.locator("#messages")).to_contain_text("保留了小票，可以提供照片。")
    staff.click("#start-verification")
    expect(staff.locator("#case-status")).to_have_text("Being verified")
    expect(staff.locator("#not-accept-form")).to_have_count(0)
    staff.locator("#case-decision-form").screenshot(path=str(SCREENSHOTS / "complaints-decision-phone.png"))
    staff.check("#case-decision-form input[name=decision][value=open]")
    staff.fill("#case-decision-form textarea[name=reply]", "经现场检查，举报属实，已依法处理。感谢您的监督。")
    staff.click("#decide-case")
    expect(staff.locator("#case-status")).to_have_text("Closed")
    staff.screenshot(path=str(SCREENSHOTS / "complaints-case-phone.png"), full_page=True)

    # The status page shows the outcome.
    page.reload()
    expect(page.locator("#outcome")).to_contain_text("经现场检查，举报属实")
    expect(page.locator("#status-badge")).to_have_text("Closed")
    page.screenshot(path=str(SCREENSHOTS / "complaints-status-phone.png"), full_page=True)
    assert _no_horizontal_scroll(page)
    assert failures == []
