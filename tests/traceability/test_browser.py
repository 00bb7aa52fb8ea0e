"""In headless Chromium: an enterprise uploads a CSV with bad lines and reads the per-line report; a city officer
runs the reconciliation and opens a discrepancy; a visitor verifies a code on the public page."""

import pytest
from playwright.sync_api import expect

from regulator.celery import app as celery_app
from tests import factories
from tests.e2e.test_browser import SCREENSHOTS, _allow_orm_beside_playwright, browser_page  # noqa: F401
from tests.traceability.conftest import pack

pytestmark = pytest.mark.browser


@pytest.fixture
def live_chain(transactional_db, world, live_server, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)  # the worker's job runs in the request
    factories.enterprise_user(world.enterprises["xq_wholesaler"], "wholesale.clerk")
    return world


def login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_url(f"{live_server.url}/start/")


def test_upload_reconcile_open_a_discrepancy_and_verify(live_chain, live_server, browser_page, tmp_path,  # noqa: F811
                                                        settings):
    settings.MEDIA_ROOT = tmp_path
    page = browser_page
    maker = live_chain.enterprises["ca_maker"]
    csv = tmp_path / "events.csv"
    csv.write_text(
        "code,kind,time,counterparty\n"
        f"{pack(1)},receiving,2026-01-05T09:00:00+08:00,{maker.credit_code}\n"
        f"{pack(2)}7,receiving,2026-01-05T09:00:00+08:00,{maker.credit_code}\n"
        f"{pack(3)},receiving,2026-01-05T09:00:00+08:00,{maker.credit_code}\n"
        f"{pack(4)},shipping,2026-01-05T09:00:00+08:00,\n", encoding="utf-8")

    # The wholesaler uploads its file and reads the report line by line.
    login(page, live_server, "wholesale.clerk")
    page.click("[data-nav=traceability]")
    page.click("a[href='/traceability/upload/']")
    page.set_input_files("input[type=file]", str(csv))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/traceability/jobs/*/")
    expect(page.locator("#job-counts [data-accepted]")).to_have_text("2")
    expect(page.locator("#job-counts [data-rejected]")).to_have_text("2")
    expect(page.locator("#rejections tbody tr")).to_have_count(2)
    expect(page.locator("#rejections tr[data-line='3']")).to_contain_text("20")
    expect(page.locator("#rejections tr[data-line='5']")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "traceability-upload-report.png"), full_page=True)

    # The city officer runs the reconciliation and opens what it found.
    login(page, live_server, "city.officer")
    page.goto(f"{live_server.url}/traceability/")
    page.click("#run-reconciliation")
    page.wait_for_url(f"{live_server.url}/traceability/runs/*/")
    expect(page.locator("#run-found")).to_contain_text("received_without_shipment")
    page.click("a.btn[href='/traceability/']")
    expect(page.locator("#discrepancy-table tbody tr[data-rule=received_without_shipment]")).to_have_count(2)
    page.locator("#discrepancy-table tbody tr a").first.click()
    page.wait_for_url(f"{live_server.url}/traceability/discrepancies/*/")
    page.select_option("#discrepancy-form select[name=status]", "confirmed")
    page.click("#discrepancy-form button[type=submit]")
    expect(page.locator("#discrepancy-status")).to_have_attribute("data-status", "confirmed")
    page.screenshot(path=str(SCREENSHOTS / "traceability-discrepancy.png"), full_page=True)

    # Anyone verifies a pack's code without logging in; no holder is named.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/verify/")
    page.fill("#id_code", pack(1))
    page.click("form[role=search] button[type=submit]")
    expect(page.locator("#verify-result [data-verdict=ok]")).to_be_visible()
    expect(page.locator("#verify-result")).to_contain_text("阿莫西林胶囊")
    expect(page.locator("#verify-result")).not_to_contain_text(live_chain.enterprises["xq_wholesaler"].name)
    page.fill("#id_code", pack(9))
    page.click("form[role=search] button[type=submit]")
    expect(page.locator("#verify-result [data-verdict=unknown]")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "traceability-verify.png"), full_page=True)
    assert [f for f in page.failures if "/traceability/discrepancies/" not in f] == []
