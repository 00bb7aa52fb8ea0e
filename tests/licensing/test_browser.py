"""The licensing journey in headless Chromium: apply with a document, accept, review, approve, download
the certificate, and follow its verification link to the public page."""

import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from licensing.models import Application, LicenceType
from licensing.rules import RULES, seed_licence_types
from regulator.calendar import load_official_calendar
from regulator.models import StatutoryRule
from regulator.statutory import seed_rules
from tests import factories
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def live_lic(transactional_db, lic, live_server):
    # A transactional test before this one may have flushed the rows the data migrations seeded.
    seed_rules(StatutoryRule)
    seed_rules(StatutoryRule, RULES)
    seed_licence_types(LicenceType)
    load_official_calendar()
    return lic


@pytest.fixture
def browser(live_server):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        failures = []
        browser.failures = failures
        try:
            yield browser
        finally:
            browser.close()


def _page(browser, live_server, username=None):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.on("response", lambda r: browser.failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("pageerror", lambda error: browser.failures.append(str(error)))
    if username:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", factories.PASSWORD)
        page.click("button[type=submit].btn")
        page.wait_for_url(f"{live_server.url}/start/")
    return page


def _act(page, action, **fields):
    form = page.locator(f"form[data-action={action}]")
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_licence_journey_from_application_to_public_verification(live_lic, live_server, browser):
    # The enterprise user applies with a document and submits.
    page = _page(browser, live_server, "kangning.clerk")
    page.click("[data-nav=licence-applications]")
    page.click("#new-application")
    page.select_option("#id_licence_type", "drug_retail_single")
    page.fill("#id_business_scope", "处方药、甲类非处方药、乙类非处方药：化学药制剂、中成药")
    page.fill("#id_responsible_pharmacist", "林药师")
    page.set_input_files("#id_document", files=[{"name": "营业执照.pdf", "mimeType": "application/pdf",
                                                "buffer": PDF}])
    page.click("#submit-application")
    application = Application.objects.get()
    page.wait_for_url(f"{live_server.url}{application.get_absolute_url()}")
    expect(page.locator("#application-status")).to_have_attribute("class", re.compile("app-status-submitted"))
    expect(page.locator("#documents")).to_contain_text("营业执照.pdf")
    page.screenshot(path=str(SCREENSHOTS / "licensing-submitted.png"), full_page=True)
    page.context.close()

    # The intake officer finds it in the queue and accepts it: the statutory clock starts.
    page = _page(browser, live_server, "xq.officer")
    page.click("[data-nav=licence-applications]")
    page.click(f"text={application.reference}")
    _act(page, "accept")
    expect(page.locator("#application-status")).to_have_attribute("class", re.compile("app-status-accepted"))
    expect(page.locator("#due-on")).not_to_be_empty()
    page.context.close()

    # The reviewer reviews, with the on-site inspection.
    page = _page(browser, live_server, "xq.reviewer")
    page.goto(f"{live_server.url}{application.get_absolute_url()}")
    _act(page, "start_review")
    _act(page, "request_inspection", note="安排现场检查")
    _act(page, "record_inspection", inspected_on=timezone.localdate().isoformat(), inspectors="张三，李四",
         result="passed")
    _act(page, "complete_review", opinion="材料齐全，现场检查合格，建议准予许可")
    expect(page.locator("#application-status")).to_have_attribute("class", re.compile("app-status-pending_decision"))
    page.context.close()

    # The approver (not the reviewer) approves: the licence is issued.
    page = _page(browser, live_server, "xq.approver")
    page.goto(f"{live_server.url}{application.get_absolute_url()}")
    expect(page.locator("#timeline")).to_contain_text("材料齐全")  # staff see the internal opinion
    _act(page, "approve")
    expect(page.locator("#application-status")).to_have_attribute("class", re.compile("app-status-issued"))
    page.context.close()

    # The applicant sees no internal note, downloads the certificate and follows its QR link.
    page = _page(browser, live_server, "kangning.clerk")
    page.goto(f"{live_server.url}{application.get_absolute_url()}")
    expect(page.locator("#timeline")).not_to_contain_text("材料齐全")
    page.click("#licence-link")
    with page.expect_download() as download:
        page.click("#certificate-link")
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    link = re.search(rb"/URI \((http[^)]+)\)", content).group(1).decode()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/register/[0-9a-f-]{{36}}/", link)
    page.context.close()

    public = _page(browser, live_server)
    public.goto(link)
    application.refresh_from_db()
    expect(public.locator(".verify-card")).to_have_class(re.compile("verify-valid"))
    expect(public.locator("#verify-fields")).to_contain_text(application.licence.number)
    expect(public.locator("#verify-fields")).not_to_contain_text("林药师")
    public.screenshot(path=str(SCREENSHOTS / "licensing-verify.png"), full_page=True)

    assert browser.failures == []
