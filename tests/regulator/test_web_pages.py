"""The server-rendered pages: login required, each persona's scope and nothing else, real counts,
role panels, language switch and login lockout."""

import re
from collections import Counter
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from regulator import events, services
from regulator.choices import EnterpriseType, Role
from regulator.web import views
from tests import factories
from tests.conftest import VISIBLE

# People who log in to the web pages (machine clients use the API only).
PEOPLE = sorted(name for name in VISIBLE if not name.endswith("_client"))


class _TableReader(HTMLParser):
    """The text of every cell of the table with the given id, row by row (thead, tbody and tfoot)."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(response, table_id):
    reader = _TableReader(table_id)
    reader.feed(response.content.decode())
    assert reader.rows, f"no table #{table_id} in the page"
    return reader.rows


def listed_credit_codes(response):
    return set(re.findall(r'data-credit-code="([0-9A-Z]{18})"', response.content.decode()))


def panels_on(response):
    return set(re.findall(r'data-panel="([\w-]+)"', response.content.decode()))


def nav_keys(response):
    return set(re.findall(r'data-nav="([\w-]+)"', response.content.decode()))


@pytest.fixture
def as_persona(client, world):
    def login(persona):
        client.force_login(world.users[persona])
        return client

    return login


# --- Login required ------------------------------------------------------------------------------


def _staff_urls(world):
    enterprise = world.enterprises["xq_pharmacy"]
    return [
        reverse("start"),
        reverse("dashboard"),
        reverse("enterprise-list"),
        reverse("enterprise-detail", args=[enterprise.pk]),
        reverse("enterprise-history", args=[enterprise.pk]),
        reverse("product-history", args=[world.products["ca_tablet"].pk]),
        reverse("event-list"),
    ]


def test_anonymous_visitors_are_sent_to_login_from_every_staff_page(client, world):
    for url in _staff_urls(world):
        response = client.get(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{reverse('login')}?next="), url


def test_the_home_and_login_pages_are_public(client, db):
    home = client.get("/")
    login = client.get(reverse("login"))

    assert home.status_code == 200
    assert 'href="/accounts/login/"' in home.content.decode()
    assert 'href="/api/docs/"' in home.content.decode()
    assert login.status_code == 200
    assert 'name="username"' in login.content.decode() and 'name="password"' in login.content.decode()


def test_logged_in_visitors_go_from_home_to_their_start_page(as_persona):
    response = as_persona("xq_officer").get("/")

    assert response.status_code == 302
    assert response["Location"] == reverse("start")


# --- Scope ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PEOPLE)
def test_enterprise_list_shows_exactly_the_scope(world, as_persona, persona):
    response = as_persona(persona).get(reverse("enterprise-list"))

    assert response.status_code == 200
    assert listed_credit_codes(response) == {world.enterprises[name].credit_code for name in VISIBLE[persona]}


def test_enterprise_list_search_filters_within_the_scope(world, as_persona):
    client = as_persona("city_officer")

    by_name = client.get(reverse("enterprise-list"), {"q": "饶平"})
    by_type = client.get(reverse("enterprise-list"), {"enterprise_type": EnterpriseType.WHOLESALER})
    by_place = client.get(reverse("enterprise-list"), {"jurisdiction": "445103"})

    assert listed_credit_codes(by_name) == {world.enterprises[n].credit_code for n in ("rp_pharmacy", "rp_devices")}
    assert listed_credit_codes(by_type) == {world.enterprises["xq_wholesaler"].credit_code}
    assert listed_credit_codes(by_place) == {world.enterprises["ca_maker"].credit_code}


def test_a_county_cannot_search_its_way_into_another_county(world, as_persona):
    response = as_persona("xq_officer").get(reverse("enterprise-list"), {"q": "饶平"})

    assert listed_credit_codes(response) == set()


def test_enterprise_list_pages_keep_the_search(world, as_persona):
    for n in range(55):
        factories.enterprise(world.j["445102"], name=f"分页测试药房{n:02d}")
    client = as_persona("xq_officer")

    first = client.get(reverse("enterprise-list"), {"q": "分页测试"})
    second = client.get(reverse("enterprise-list"), {"q": "分页测试", "page": 2})

    assert len(listed_credit_codes(first)) == 50
    assert len(listed_credit_codes(second)) == 5
    assert "?q=%E5%88%86%E9%A1%B5%E6%B5%8B%E8%AF%95&amp;page=2" in first.content.decode()


@pytest.mark.parametrize("persona", PEOPLE)
def test_detail_and_history_answer_404_outside_the_scope(world, as_persona, persona):
    client = as_persona(persona)
    for name, enterprise in world.enterprises.items():
        expected = 200 if name in VISIBLE[persona] else 404
        detail = client.get(reverse("enterprise-detail", args=[enterprise.pk]))
        history = client.get(reverse("enterprise-history", args=[enterprise.pk]))

        assert detail.status_code == expected, (persona, name)
        assert history.status_code == expected, (persona, name)
        if expected == 200:
            assert enterprise.credit_code in detail.content.decode()
        else:
            assert enterprise.credit_code not in detail.content.decode()
            assert enterprise.name not in detail.content.decode()
    product = world.products["ca_tablet"]
    product_history = client.get(reverse("product-history", args=[product.pk]))
    assert product_history.status_code == (200 if "ca_maker" in VISIBLE[persona] else 404)


def test_the_500_page_renders_without_the_database(rf):
    # No user on the request and no database access: the page must not need either.
    with translation.override("zh-hans"):  # called directly, outside LocaleMiddleware
        response = views.server_error(rf.get("/enterprises/"))

    assert response.status_code == 500
    assert "系统内部错误" in response.content.decode()


def test_a_missing_enterprise_answers_the_same_404_page(as_persona):
    response = as_persona("city_officer").get(reverse("enterprise-detail", args=[999_999_999]))

    assert response.status_code == 404
    assert "404" in response.content.decode()
    assert "<html" in response.content.decode()


def test_enterprise_page_shows_products_batches_deadlines_and_history(world, as_persona):
    maker = world.enterprises["ca_maker"]
    services.start_deadline(maker, "licence.drug_production.decision", started_on=date(2025, 6, 3))
    services.update_enterprise(maker, actor=world.users["city_officer"], legal_representative="陈明")

    response = as_persona("city_officer").get(reverse("enterprise-detail", args=[maker.pk]))
    page = response.content.decode()

    assert response.status_code == 200
    assert "阿莫西林胶囊" in page and "A250101" in page
    assert reverse("product-history", args=[world.products["ca_tablet"].pk]) in page
    assert "药品生产许可决定" in page  # the deadline's rule title, translated
    assert "enterprise.updated" in page
    assert "陈明" in page
    assert reverse("enterprise-history", args=[maker.pk]) in page


def test_history_page_shows_what_changed_from_what_to_what(world, as_persona):
    pharmacy = world.enterprises["xq_pharmacy"]
    services.update_enterprise(pharmacy, actor=world.users["xq_officer"], name="湘桥康宁大药房（新）",
                               status="suspended")

    response = as_persona("xq_officer").get(reverse("enterprise-history", args=[pharmacy.pk]))
    page = response.content.decode()

    assert response.status_code == 200
    assert "修改" in page and "新建" in page
    changes = [row for row in table(response, "history-changes-0") if row and row[0] != "字段"]
    assert ["名称", "湘桥康宁大药房", "湘桥康宁大药房（新）"] in changes
    assert ["状态", "正常经营", "暂停经营"] in changes
    assert pharmacy.get_absolute_url() in page


# --- Dashboard -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["xq_officer", "rp_officer", "city_officer", "province_officer"])
def test_dashboard_numbers_equal_the_counts_of_the_scope(world, as_persona, persona):
    visible = [world.enterprises[name] for name in VISIBLE[persona]]
    by_cell = Counter((e.get_enterprise_type_display(), e.jurisdiction.name_zh) for e in visible)
    by_type = Counter(e.get_enterprise_type_display() for e in visible)
    by_place = Counter(e.jurisdiction.name_zh for e in visible)

    response = as_persona(persona).get(reverse("dashboard"))

    assert response.status_code == 200
    assert re.search(r'id="stat-total">(\d+)<', response.content.decode()).group(1) == str(len(visible))
    header, *body, footer = table(response, "counts-table")
    places = header[1:-1]
    assert set(by_place) <= set(places)
    for row in body:
        kind, cells, total = row[0], row[1:-1], row[-1]
        assert [int(c) for c in cells] == [by_cell[(kind, place)] for place in places], kind
        assert int(total) == by_type[kind]
    assert {row[0] for row in body} == set(by_type)
    assert [int(c) for c in footer[1:-1]] == [by_place[place] for place in places]
    assert int(footer[-1]) == len(visible)


def test_dashboard_chart_has_one_bar_per_type_and_a_segment_per_jurisdiction(world, as_persona):
    response = as_persona("city_officer").get(reverse("dashboard"))
    svg = re.search(r'<svg class="chart".*?</svg>', response.content.decode(), re.S).group(0)

    assert svg.count('class="bar"') == 4  # pharmacy, wholesaler, manufacturer, device distributor
    # Non-empty segments: pharmacy in two counties, the other types in one each.
    assert svg.count('class="segment"') == 5
    assert "湘桥区" in response.content.decode() and "饶平县" in response.content.decode()


# --- Start page ----------------------------------------------------------------------------------


def test_reviewer_sees_the_deadlines_due_in_the_scope(world, as_persona):
    services.start_deadline(world.enterprises["xq_pharmacy"], "licence.drug_business.decision",
                            started_on=date(2025, 6, 3))
    services.start_deadline(world.enterprises["rp_pharmacy"], "licence.drug_business.decision",
                            started_on=date(2025, 6, 3))

    response = as_persona("xq_reviewer").get(reverse("start"))
    page = response.content.decode()

    assert response.status_code == 200
    assert {"deadlines", "register"} <= panels_on(response)
    assert "药品经营许可受理后作出决定" in page
    assert "湘桥康宁大药房" in page
    assert "饶平仁心药店" not in page


KERNEL_PANELS = {"deadlines", "register", "events", "agency", "my-enterprise"}
KERNEL_NAV = {"start", "dashboard", "enterprises", "events", "api-docs"}


def test_enterprise_user_sees_only_their_enterprise_panel(world, as_persona):
    response = as_persona("xq_enterprise_user").get(reverse("start"))

    # Domain apps add their own panels and entries; of the kernel's, an enterprise user gets only these.
    assert panels_on(response) & KERNEL_PANELS == {"my-enterprise"}
    assert world.enterprises["xq_pharmacy"].credit_code in response.content.decode()
    assert nav_keys(response) & KERNEL_NAV == {"start"}


def test_agency_admin_sees_the_agency_panel_and_the_event_log(world, as_persona):
    response = as_persona("city_admin").get(reverse("start"))

    assert "agency" in panels_on(response)
    assert "deadlines" not in panels_on(response)
    assert "city.officer" in response.content.decode()
    assert "events" in nav_keys(response)


def test_event_log_is_in_the_navigation_only_for_the_roles_that_use_it(as_persona):
    assert "events" not in nav_keys(as_persona("xq_officer").get(reverse("start")))
    assert "events" in nav_keys(as_persona("city_officer").get(reverse("start")))  # an analyst too


def test_staff_roles_get_their_panels(world, as_persona):
    officer = panels_on(as_persona("xq_officer").get(reverse("start")))

    assert officer & KERNEL_PANELS == {"deadlines", "register", "events"}
    assert Role.OFFICER in world.users["xq_officer"].roles


# --- Event log -----------------------------------------------------------------------------------


def _record(enterprise, kind, n):
    for _ in range(n):
        events.record_event(kind, subject=enterprise)


def test_event_log_pages_without_counting_and_filters_by_kind(world, as_persona):
    _record(world.enterprises["xq_pharmacy"], "enterprise.updated", 51)
    _record(world.enterprises["rp_pharmacy"], "deadline.overdue", 3)
    client = as_persona("city_officer")

    first = client.get(reverse("event-list"))
    second = client.get(reverse("event-list"), {"page": 2})
    filtered = client.get(reverse("event-list"), {"kind": "deadline."})

    assert len(re.findall(r'data-kind="', first.content.decode())) == 50
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' not in first.content.decode()
    assert len(re.findall(r'data-kind="', second.content.decode())) == 4
    assert 'rel="next"' not in second.content.decode() and 'rel="prev"' in second.content.decode()
    assert "1000000000" not in first.content.decode()
    assert set(re.findall(r'data-kind="([\w.]+)"', filtered.content.decode())) == {"deadline.overdue"}


def test_event_log_follows_the_scope(world, as_persona):
    _record(world.enterprises["rp_pharmacy"], "deadline.overdue", 2)
    response = as_persona("city_admin").get(reverse("event-list"))
    county = as_persona("xq_officer").get(reverse("event-list"))

    assert "饶平仁心药店" in response.content.decode()
    assert "饶平仁心药店" not in county.content.decode()


# --- Language ------------------------------------------------------------------------------------


def test_pages_are_chinese_by_default_and_english_on_request(world, as_persona):
    client = as_persona("city_officer")

    chinese = client.get(reverse("enterprise-list")).content.decode()
    switched = client.post("/i18n/setlang/", {"language": "en", "next": reverse("enterprise-list")})
    english = client.get(reverse("enterprise-list")).content.decode()

    assert '<html lang="zh-hans">' in chinese
    assert "药品监管信息平台" in chinese and "统一社会信用代码" in chinese and "单体药店" in chinese
    assert switched.status_code == 302 and switched["Location"] == reverse("enterprise-list")
    assert '<html lang="en">' in english
    assert "Drug Regulatory Platform" in english and "Unified social credit code" in english
    assert "Single pharmacy" in english and "Xiangqiao" in english
    assert "药品监管信息平台" not in english


def test_anonymous_home_page_is_chinese_by_default(client, db):
    assert "药品监管信息平台" in client.get("/").content.decode()


# --- Login and lockout ---------------------------------------------------------------------------


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_right_password_logs_in_after_fewer_failures_than_the_limit(world, client):
    for _ in range(4):
        assert _login(client, "xq.officer", "wrong-password").status_code == 200

    response = _login(client, "xq.officer", factories.PASSWORD)

    assert response.status_code == 302 and response["Location"] == reverse("start")
    assert client.get(reverse("start")).status_code == 200


def test_five_failed_logins_lock_the_account_even_with_the_right_password(world, client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        _login(client, "xq.officer", "wrong-password")

    response = _login(client, "xq.officer", factories.PASSWORD)

    assert response.status_code == 429
    assert "账户已锁定" in response.content.decode()
    assert client.get(reverse("start")).status_code == 302  # not logged in
    other = _login(client, "city.officer", factories.PASSWORD)
    assert other.status_code == 302  # the lock is per account


def test_a_failed_login_says_so(world, client):
    response = _login(client, "xq.officer", "wrong-password")

    assert response.status_code == 200
    assert 'class="alert alert-error"' in response.content.decode()


def test_logout_is_a_post(as_persona):
    client = as_persona("xq_officer")

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get(reverse("start")).status_code == 302


def test_the_front_page_offers_every_registered_public_service(client, db):
    from regulator.web.registry import public_links

    page = client.get(reverse("home")).content.decode()

    assert public_links(), "the domain apps register their public services"
    for link in public_links():
        assert f'href="{reverse(link.url_name)}"' in page
