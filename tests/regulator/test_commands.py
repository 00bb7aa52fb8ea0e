"""Management commands: the demo data, the demo logins, and machine clients from the command line."""

import json
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from regulator.choices import DeadlineStatus, EnterpriseType, ProductKind, Role, UserKind
from regulator.geography import ensure_geography
from regulator.models import Batch, Deadline, Enterprise, Event, Product, User
from regulator.validators import validate_credit_code, validate_drug_approval_number
from tests import factories

# RULES.md, "The demo city (Chaozhou, 2020)".
DEMO_CITY = {
    EnterpriseType.DRUG_MANUFACTURER: 11,
    EnterpriseType.PACKAGING_MANUFACTURER: 11,
    EnterpriseType.HOSPITAL_PREPARATION: 1,
    EnterpriseType.WHOLESALER: 20,
    EnterpriseType.RETAIL_CHAIN_HQ: 7,
    EnterpriseType.DEVICE_MANUFACTURER: 77,
    EnterpriseType.DEVICE_DISTRIBUTOR: 724,
    EnterpriseType.COSMETICS_MANUFACTURER: 11,
}
RETAIL_PHARMACIES = 890
AGENCY_CODES = {"440000", "445100", "445102", "445103", "445122"}
COUNTY_CODES = {"445102", "445103", "445122"}


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every regulator table, audit history included."""
    models = apps.get_app_config("regulator").get_models()
    return {model._meta.label: model.objects.count() for model in models}


@pytest.fixture
def seeded(db):
    run("seed_demo")


def test_seed_demo_creates_the_demo_city(seeded):
    by_type = Counter(Enterprise.objects.values_list("enterprise_type", flat=True))

    for enterprise_type, count in DEMO_CITY.items():
        assert by_type[enterprise_type] == count, enterprise_type
    assert by_type[EnterpriseType.CHAIN_STORE] + by_type[EnterpriseType.PHARMACY] == RETAIL_PHARMACIES
    assert by_type[EnterpriseType.CHAIN_STORE] > 0 and by_type[EnterpriseType.PHARMACY] > 0
    assert by_type[EnterpriseType.HOSPITAL] > 0 and by_type[EnterpriseType.VACCINE_DISTRIBUTOR] > 0


def test_every_demo_credit_code_is_valid_and_unique(seeded):
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))

    for code in codes:
        validate_credit_code(code)
    assert len(codes) == len(set(codes))


def test_enterprises_are_spread_over_the_three_counties_by_population(seeded):
    pharmacies = Counter(Enterprise.objects.filter(enterprise_type__in=[EnterpriseType.PHARMACY,
                                                                         EnterpriseType.CHAIN_STORE])
                         .values_list("jurisdiction__code", flat=True))

    assert set(Enterprise.objects.values_list("jurisdiction__code", flat=True)) == COUNTY_CODES
    # Chao'an 1.18 m > Raoping 0.82 m > Xiangqiao 0.58 m (RULES.md).
    assert pharmacies["445103"] > pharmacies["445122"] > pharmacies["445102"]


def test_seed_demo_adds_staff_products_events_and_deadlines(seeded):
    staff = User.objects.filter(kind=UserKind.STAFF)
    for code in AGENCY_CODES:
        roles = Counter(role for user in staff.filter(agency__jurisdiction__code=code) for role in user.roles)
        assert set(roles) == set(Role.values), code
        assert roles[Role.INSPECTOR] >= 2, code
    assert User.objects.filter(username="admin", kind=UserKind.PLATFORM, is_superuser=True).exists()

    for number in Product.objects.filter(kind__in=[ProductKind.DRUG, ProductKind.VACCINE]) \
            .values_list("approval_number", flat=True):
        validate_drug_approval_number(number)
    assert set(Product.objects.values_list("kind", flat=True)) == set(ProductKind.values)
    prefixes = [p for p in Product.objects.values_list("trace_prefix", flat=True) if p]
    assert prefixes and all(len(p) == 7 and p.isdigit() for p in prefixes)
    assert Batch.objects.exists()
    assert all(b.expires_on > b.manufactured_on for b in Batch.objects.all())

    assert Event.objects.filter(kind="enterprise.registered").exists()
    statuses = set(Deadline.objects.values_list("status", flat=True))
    assert {DeadlineStatus.RUNNING, DeadlineStatus.STOPPED} <= statuses
    assert Deadline.objects.filter(status=DeadlineStatus.RUNNING, due_on__lt=timezone.localdate()).exists()


def test_running_seed_demo_twice_changes_nothing(seeded):
    before = row_counts()

    output = run("seed_demo")

    assert row_counts() == before
    assert "nothing to do" in output or "无需" in output


def test_demo_logins_print_json_lines_that_log_in(seeded):
    lines = run("demo_logins").splitlines()
    logins = [json.loads(line) for line in lines]

    assert len(logins) == User.objects.exclude(kind=UserKind.MACHINE).count()
    staff = [row for row in logins if row["kind"] == UserKind.STAFF]
    assert {row["jurisdiction"] for row in staff} == AGENCY_CODES
    assert {row["role"] for row in staff} == set(Role.values)
    enterprise_users = [row for row in logins if row["kind"] == UserKind.ENTERPRISE]
    assert {row["role"] for row in enterprise_users} == {"enterprise"}
    assert {Enterprise.objects.get(credit_code=row["credit_code"]).jurisdiction.code
            for row in enterprise_users} == COUNTY_CODES
    for row in logins:
        client = Client()
        response = client.post(reverse("login"), {"username": row["username"], "password": row["password"]})
        assert response.status_code == 302, row["username"]
        assert int(client.session["_auth_user_id"]) == User.objects.get(username=row["username"]).pk


def test_demo_logins_without_demo_data_is_an_error(db):
    with pytest.raises(CommandError):
        run("demo_logins")


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_create_api_client_prints_a_token_that_reads_within_the_agency(db):
    ensure_geography()

    output = run("create_api_client", "--agency", "445102", "--name", "湘桥区数据交换")

    assert len(output.splitlines()) == 1
    created = json.loads(output)
    assert created["token_type"] == "Bearer" and created["agency"] == "445102"
    assert created["enterprise"] is None and created["scopes"] == ["read"]
    api = _bearer(created["token"])
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["agency"] == "445102" and me.json()["scope"] == ["445102"]
    assert api.post("/api/v1/enterprises/", {}, format="json").status_code == 403

    run("revoke_api_client", str(created["client_id"]))

    assert api.get("/api/v1/me/").status_code == 401


def test_create_api_client_accepts_write_scope_and_an_enterprise_owner(db):
    j = ensure_geography()
    pharmacy = factories.enterprise(j["445122"])

    writer = json.loads(run("create_api_client", "--agency", "445100", "--name", "city",
                            "--scope", "read,write"))
    own = json.loads(run("create_api_client", "--enterprise", pharmacy.credit_code.lower(), "--name", "erp"))

    assert writer["scopes"] == ["read", "write"]
    # Past the scope gate: an empty body is a validation error, not a permission error.
    assert _bearer(writer["token"]).post("/api/v1/enterprises/", {}, format="json").status_code == 400
    assert own["enterprise"] == pharmacy.credit_code and own["agency"] is None
    assert _bearer(own["token"]).get("/api/v1/me/").json()["enterprise"] == pharmacy.credit_code


@pytest.mark.parametrize("args", [
    ["--agency", "999999", "--name", "nobody"],
    ["--agency", "445102", "--name", "x", "--scope", "admin"],
    ["--enterprise", "91445102MA00000000", "--name", "x"],
])
def test_create_api_client_refuses_bad_input(db, args):
    ensure_geography()

    with pytest.raises(CommandError):
        run("create_api_client", *args)

    assert not User.objects.filter(kind=UserKind.MACHINE).exists()
