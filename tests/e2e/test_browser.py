"""A city officer's journey through the real pages in headless Chromium (Debian's ``chromium``).

Playwright's sync API runs an event loop in this thread, so Django's ORM, called here to build the
data, would refuse to run as "async unsafe": the module allows it for its own tests.
"""

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from regulator import services
from regulator.models import StatutoryRule
from regulator.statutory import seed_rules
from tests import factories

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", "/tmp"))


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def live_world(transactional_db, world, live_server):
    """The personas, committed, so that the live server's thread sees them."""
    seed_rules(StatutoryRule)  # a transactional test before this one may have flushed the seeded rules
    maker = world.enterprises["ca_maker"]
    services.start_deadline(maker, "licence.drug_production.decision", started_on=timezone.localdate())
    services.update_enterprise(maker, actor=world.users["city_officer"], legal_representative="陈明")
    return world


@pytest.fixture
def browser_page(live_server):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # A regulator's browser asks for Chinese; the platform's default is Chinese anyway.
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        failures = []
        page.on("response", lambda response: failures.append(response.url) if response.status >= 400 else None)
        page.on("pageerror", lambda error: failures.append(str(error)))
        page.failures = failures
        try:
            yield page
        finally:
            context.close()
            browser.close()


def test_city_officer_journey(live_world, live_server, browser_page):
    page = browser_page
    maker = live_world.enterprises["ca_maker"]

    # Log in through the form.
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.fill("input[name=username]", "city.officer")
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_url(f"{live_server.url}/start/")
    expect(page.locator("h1")).to_have_text("我的工作台")
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(27, 79, 143)")  # app.css served

    # The dashboard, with its chart.
    page.click("[data-nav=dashboard]")
    page.wait_for_url(f"{live_server.url}/dashboard/")
    expect(page.locator("#stat-total")).to_have_text("5")
    expect(page.locator("#register-chart rect.segment")).to_have_count(5)
    expect(page.locator("#register-chart")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "regulator-dashboard.png"), full_page=True)

    # Search the register and open an enterprise.
    page.click("[data-nav=enterprises]")
    expect(page.locator("#enterprise-table tbody tr")).to_have_count(5)
    page.fill("input[name=q]", "潮安")
    page.click("form[role=search] button[type=submit]")
    expect(page.locator("#enterprise-table tbody tr")).to_have_count(1)
    page.click("text=潮安制药有限公司")
    page.wait_for_url(f"{live_server.url}/enterprises/{maker.pk}/")
    expect(page.locator("h1")).to_contain_text("潮安制药有限公司")
    expect(page.locator("#products")).to_contain_text("A250101")
    expect(page.locator("#deadlines")).to_contain_text("药品生产许可决定")
    page.screenshot(path=str(SCREENSHOTS / "regulator-enterprise.png"), full_page=True)

    # Its history.
    page.click("#history a.more")
    page.wait_for_url(f"{live_server.url}/enterprises/{maker.pk}/history/")
    expect(page.locator("h1")).to_have_text("变更记录")
    expect(page.locator(".history > li")).to_have_count(2)  # created, then the legal representative
    expect(page.locator(".history")).to_contain_text("陈明")

    # Switch to English: the same page answers in English.
    page.click(".language-switch button[value=en]")
    page.wait_for_url(f"{live_server.url}/enterprises/{maker.pk}/history/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Change history")
    expect(page.locator("[data-nav=dashboard]")).to_have_text("Dashboard")
    expect(page.locator(".brand-name")).to_have_text("Drug Regulatory Platform")
    page.click("[data-nav=dashboard]")
    expect(page.locator("#counts-table")).to_contain_text("Single pharmacy")
    page.screenshot(path=str(SCREENSHOTS / "regulator-dashboard-en.png"), full_page=True)

    assert page.failures == []


def test_pages_fit_a_phone(live_world, live_server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "city.officer")
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_url(f"{live_server.url}/start/")

    page.goto(f"{live_server.url}/enterprises/{live_world.enterprises['ca_maker'].pk}/")

    # Nothing wider than the screen except inside the scrollable table wrappers.
    page.screenshot(path=str(SCREENSHOTS / "regulator-enterprise-phone.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert page.failures == []
