"""Personas, as in DESIGN.md "Testing": two counties, their city, the province, an enterprise user,
a public visitor and machine clients. Every scoping test asks what each of them sees.

    xiangqiao  (445102)  ─┐
    chaoan     (445103)  ─┼─ chaozhou city (445100) ─ guangdong province (440000)
    raoping    (445122)  ─┘
"""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from regulator import services
from regulator.choices import ApiScope, EnterpriseType, Role
from regulator.geography import ensure_geography
from tests import factories


@dataclass
class World:
    j: dict
    agencies: dict
    enterprises: dict
    products: dict
    users: dict
    tokens: dict

    def codes_of(self, *names):
        return {self.enterprises[name].jurisdiction.code for name in names}


@pytest.fixture
def world(db) -> World:
    j = ensure_geography()
    agencies = {code: j[code].agency for code in ("440000", "445100", "445102", "445103", "445122")}
    enterprises = {
        "xq_pharmacy": factories.enterprise(j["445102"], name="湘桥康宁大药房"),
        "xq_wholesaler": factories.enterprise(j["445102"], name="湘桥医药批发有限公司",
                                              enterprise_type=EnterpriseType.WHOLESALER),
        "ca_maker": factories.enterprise(j["445103"], name="潮安制药有限公司",
                                         enterprise_type=EnterpriseType.DRUG_MANUFACTURER),
        "rp_pharmacy": factories.enterprise(j["445122"], name="饶平仁心药店"),
        "rp_devices": factories.enterprise(j["445122"], name="饶平医疗器械经营部",
                                           enterprise_type=EnterpriseType.DEVICE_DISTRIBUTOR),
    }
    products = {
        "ca_tablet": factories.product(enterprises["ca_maker"], name="阿莫西林胶囊", trace_prefix="8123456"),
    }
    factories.batch(products["ca_tablet"], batch_number="A250101")
    users = {
        "xq_officer": factories.staff(agencies["445102"], "xq.officer", Role.OFFICER),
        "xq_reviewer": factories.staff(agencies["445102"], "xq.reviewer", Role.REVIEWER),
        "rp_officer": factories.staff(agencies["445122"], "rp.officer", Role.OFFICER),
        "city_officer": factories.staff(agencies["445100"], "city.officer", Role.OFFICER, Role.ANALYST),
        "city_admin": factories.staff(agencies["445100"], "city.admin", Role.AGENCY_ADMIN),
        "province_officer": factories.staff(agencies["440000"], "gd.officer", Role.OFFICER),
        "xq_enterprise_user": factories.enterprise_user(enterprises["xq_pharmacy"], "kangning.clerk"),
    }
    tokens = {}
    for name, kwargs, scopes in [
        ("xq_client", {"agency": agencies["445102"]}, [ApiScope.READ]),
        ("city_client", {"agency": agencies["445100"]}, [ApiScope.READ, ApiScope.WRITE]),
        ("enterprise_client", {"enterprise": enterprises["xq_pharmacy"]}, [ApiScope.READ]),
    ]:
        client, token = services.create_api_client(name=name, scopes=scopes, **kwargs)
        users[name] = client.user
        tokens[name] = token
    return World(j, agencies, enterprises, products, users, tokens)


# Which of the world's enterprises each persona may see.
VISIBLE = {
    "xq_officer": {"xq_pharmacy", "xq_wholesaler"},
    "xq_reviewer": {"xq_pharmacy", "xq_wholesaler"},
    "rp_officer": {"rp_pharmacy", "rp_devices"},
    "city_officer": {"xq_pharmacy", "xq_wholesaler", "ca_maker", "rp_pharmacy", "rp_devices"},
    "province_officer": {"xq_pharmacy", "xq_wholesaler", "ca_maker", "rp_pharmacy", "rp_devices"},
    "xq_enterprise_user": {"xq_pharmacy"},
    "xq_client": {"xq_pharmacy", "xq_wholesaler"},
    "city_client": {"xq_pharmacy", "xq_wholesaler", "ca_maker", "rp_pharmacy", "rp_devices"},
    "enterprise_client": {"xq_pharmacy"},
}


@pytest.fixture
def api_as(world):
    """An API client acting as a persona: machine clients by bearer token, people by session.

    It asks for English (Accept-Language) so that assertions can read messages; the default is Chinese.
    """
    def make(persona: str | None, language: str = "en") -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        if persona is None:
            return client
        if persona in world.tokens:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {world.tokens[persona]}")
        else:
            client.force_login(world.users[persona])
        return client

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the platform's default language, whatever an earlier test left active."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """Worker and live-server threads leave their own connections open; end them before the test database
    is dropped, which PostgreSQL refuses while anyone is connected."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture
def celery_worker_thread(transactional_db):
    """A real Celery worker (solo pool, in a thread) on the real Redis broker, for the test's duration."""
    from celery.contrib.testing.worker import start_worker

    from regulator.celery import app as celery_app

    with start_worker(celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10,
                      loglevel="WARNING"):
        yield
