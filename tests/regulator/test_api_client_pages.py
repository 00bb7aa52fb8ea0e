"""An agency administrator issues and revokes the agency's API clients on the web; the token is shown once."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from regulator import services
from regulator.models import ApiClient, Webhook
from tests.factories import logged_in

URL = "/agency/api-clients/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_an_agency_admin_issues_a_client_whose_token_works_once_shown(world):
    admin = world.users["city_admin"]
    page = logged_in(admin)
    assert reverse("agency-clients") == URL and "API clients" in page.get(reverse("start")).content.decode()

    response = page.post(URL, {"name": "省药监数据交换", "write": "on"})

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = re.search(r'id="token-value">([^<]+)<', response.content.decode()).group(1)
    client = ApiClient.objects.get(name="省药监数据交换")
    assert (client.user.agency, client.scopes, client.created_by) == (admin.agency, ["read", "write"], admin)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/me/").json()["api_scopes"] == ["read", "write"]
    # Shown once: the list afterwards has the client, never the token.
    listing = page.get(URL).content.decode()
    assert "省药监数据交换" in listing and token not in listing


def test_a_client_without_a_name_is_refused_naming_the_field(world):
    response = logged_in(world.users["city_admin"]).post(URL, {"name": "  "})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not ApiClient.objects.filter(created_by=world.users["city_admin"]).exists()


def test_the_list_shows_webhooks_and_revoking_stops_the_token_at_once(world):
    admin = world.users["city_admin"]
    client = ApiClient.objects.get(user=world.users["city_client"])
    Webhook.objects.create(client=client, url="https://exchange.example/hook", secret="s" * 64)
    page = logged_in(admin)
    assert "https://exchange.example/hook" in page.get(URL).content.decode()

    response = page.post(URL, {"revoke": client.pk})

    assert response.status_code == 302
    client.refresh_from_db()
    assert client.revoked_at is not None
    api = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['city_client']}")
    assert api.get("/api/v1/me/").status_code == 401


def test_only_the_agencys_own_administrators_manage_its_clients(world):
    county_client = ApiClient.objects.get(user=world.users["xq_client"])  # Xiangqiao's, not the city's
    admin = logged_in(world.users["city_admin"])
    assert admin.post(URL, {"revoke": county_client.pk}).status_code == 404
    assert admin.post(URL, {"revoke": "1; DROP"}).status_code == 404
    county_client.refresh_from_db()
    assert county_client.revoked_at is None

    for persona in ("xq_officer", "city_officer"):
        page = logged_in(world.users[persona])
        assert page.get(URL).status_code == 403
        assert page.post(URL, {"name": "x"}).status_code == 403
    assert logged_in(world.users["xq_enterprise_user"]).get(URL).status_code == 403
    assert not ApiClient.objects.filter(name="x").exists()


def test_the_services_refuse_other_agencies_admins(world):
    from django.core.exceptions import PermissionDenied

    county_client = ApiClient.objects.get(user=world.users["xq_client"])
    with pytest.raises(PermissionDenied):
        services.revoke_agency_client(county_client, actor=world.users["city_admin"])
    with pytest.raises(PermissionDenied):
        services.create_agency_client(actor=world.users["city_officer"], name="x", scopes=["read"])
