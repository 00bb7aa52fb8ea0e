import pytest
from celery.contrib.testing.worker import start_worker

from regulator.celery import app as celery_app


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_database_redis_and_a_running_worker(client):
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok", "worker": "ok", "status": "ok"}


@pytest.mark.django_db
def test_healthz_says_degraded_without_a_worker(client):
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200
    assert (body["database"], body["redis"], body["status"]) == ("ok", "ok", "degraded")
    assert body["worker"].startswith("no worker answered")


@pytest.mark.django_db
def test_healthz_answers_503_when_redis_is_unreachable(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["redis"].startswith("error")
