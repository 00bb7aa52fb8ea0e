"""Webhooks: events POSTed, signed, to a real HTTP receiver; scope, kinds, retries, switching off, the API."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from regulator import events, webhooks
from regulator.celery import app as celery_app
from regulator.choices import DeliveryStatus
from regulator.models import ApiClient, Event, EventDelivery, Webhook, WebhookDelivery
from regulator.services import deliver_event, revoke_api_client


class Receiver:
    """A real HTTP server on a free local port, recording what it is sent and answering ``status``."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    server = Receiver()
    yield server
    server.stop()


def subscribe(world, persona, url, kinds=()):
    client = ApiClient.objects.get(user=world.users[persona])
    return Webhook.objects.create(client=client, url=url, kinds=list(kinds), secret="s" * 64)


def happen(kind, subject):
    with transaction.atomic():
        return events.record_event(kind, subject=subject, payload={"n": 1})


def fan_out_now(event):
    """What the outbox worker does for the webhooks' handler."""
    delivery = EventDelivery.objects.get(event=event, handler=events.handler_name(webhooks.fan_out))
    deliver_event(delivery.pk)
    return list(WebhookDelivery.objects.filter(event=event))


def test_every_event_reaches_the_fan_out_through_the_outbox(world):
    event = happen("test.happened", world.enterprises["xq_pharmacy"])
    assert EventDelivery.objects.filter(event=event, handler="regulator.webhooks.fan_out").count() == 1


def test_an_event_is_posted_signed_as_the_feed_shows_it(world, receiver, api_as):
    webhook = subscribe(world, "city_client", receiver.url)
    event = happen("licence.issued", world.enterprises["rp_pharmacy"])

    [delivery] = fan_out_now(event)
    assert webhooks.deliver(delivery.pk) == DeliveryStatus.DONE

    [request] = receiver.requests
    headers = request["headers"]
    assert headers["X-Regulator-Event"] == "licence.issued"
    assert headers["X-Regulator-Delivery"] == str(delivery.pk)
    assert webhooks.verify_signature(webhook.secret, request["body"], headers["X-Regulator-Signature"])
    assert not webhooks.verify_signature("another secret", request["body"], headers["X-Regulator-Signature"])
    feed = api_as("city_client").get(reverse("api:event-detail", args=[event.pk])).json()
    assert json.loads(request["body"]) == feed
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.DONE, 1, 200)


def test_a_client_is_sent_only_what_its_scope_and_kinds_allow(world, receiver):
    county = subscribe(world, "xq_client", receiver.url)  # Xiangqiao only
    licences = subscribe(world, "city_client", receiver.url, kinds=["licence."])
    exact = subscribe(world, "enterprise_client", receiver.url, kinds=["complaint.substantiated"])

    raoping = fan_out_now(happen("licence.issued", world.enterprises["rp_pharmacy"]))
    assert {d.webhook for d in raoping} == {licences}

    xiangqiao = fan_out_now(happen("complaint.substantiated", world.enterprises["xq_pharmacy"]))
    assert {d.webhook for d in xiangqiao} == {county, exact}

    other_pharmacy = fan_out_now(happen("complaint.substantiated", world.enterprises["xq_wholesaler"]))
    assert {d.webhook for d in other_pharmacy} == {county}


def test_fan_out_is_idempotent_and_skips_revoked_clients_and_switched_off_webhooks(world, receiver):
    subscribe(world, "city_client", receiver.url)
    off = subscribe(world, "city_client", receiver.url)
    Webhook.objects.filter(pk=off.pk).update(active=False)
    revoked = subscribe(world, "xq_client", receiver.url)
    revoke_api_client(revoked.client)

    event = happen("licence.issued", world.enterprises["xq_pharmacy"])
    assert len(fan_out_now(event)) == 1
    webhooks.fan_out(event)  # delivered twice by the outbox: still one delivery per webhook
    assert WebhookDelivery.objects.filter(event=event).count() == 1


def test_a_failing_receiver_is_retried_with_back_off_then_given_up(world, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.status = 503
    subscribe(world, "city_client", receiver.url)
    [delivery] = fan_out_now(happen("licence.issued", world.enterprises["xq_pharmacy"]))

    before = timezone.now()
    assert webhooks.deliver(delivery.pk) == DeliveryStatus.PENDING
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_status, delivery.last_error) == (1, 503, "HTTP 503")
    assert delivery.next_attempt_at >= before + timedelta(seconds=30)
    assert webhooks.due_deliveries() == []  # not due yet

    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert webhooks.due_deliveries() == [delivery.pk]
    webhooks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - timezone.now() > timedelta(seconds=50)  # the wait doubles

    assert webhooks.deliver(delivery.pk) == DeliveryStatus.FAILED
    assert len(receiver.requests) == 3
    delivery.refresh_from_db()
    assert delivery.next_attempt_at is None and delivery.webhook.failures_in_row == 1


def test_a_webhook_failing_again_and_again_is_switched_off_until_the_client_switches_it_on(
        world, receiver, settings, api_as):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    settings.WEBHOOK_DISABLE_AFTER = 2
    receiver.status = 500
    webhook = subscribe(world, "city_client", receiver.url)
    for _ in range(2):
        [delivery] = fan_out_now(happen("licence.issued", world.enterprises["xq_pharmacy"]))
        webhooks.deliver(delivery.pk)
    webhook.refresh_from_db()
    assert not webhook.active and "2 failed deliveries in a row" in webhook.disabled_reason
    assert fan_out_now(happen("licence.issued", world.enterprises["xq_pharmacy"])) == []

    url = reverse("api:webhook-detail", args=[webhook.pk])
    response = api_as("city_client").patch(url, {"active": True}, format="json")
    assert response.status_code == 200 and response.json()["active"] is True
    webhook.refresh_from_db()
    assert (webhook.failures_in_row, webhook.disabled_reason) == (0, "")


def test_a_worker_delivers_after_commit(world, receiver, transactional_db):
    subscribe(world, "city_client", receiver.url)
    with start_worker(celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10,
                      loglevel="WARNING"):
        event = happen("licence.issued", world.enterprises["xq_pharmacy"])
        deadline = time.monotonic() + 20
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.1)
    assert [json.loads(r["body"])["id"] for r in receiver.requests] == [event.pk]


def test_a_client_manages_its_webhooks_through_the_api(world, receiver, api_as):
    client = api_as("xq_client")  # read scope is enough: it receives only what it may read
    response = client.post(reverse("api:webhook-list"), {"url": receiver.url, "kinds": ["licence.", "licence."]},
                           format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert len(created["secret"]) == 64 and created["kinds"] == ["licence."]
    detail = reverse("api:webhook-detail", args=[created["id"]])
    assert "secret" not in client.get(detail).json()

    ping = client.post(reverse("api:webhook-ping", args=[created["id"]])).json()
    assert ping == {"delivered": True, "status": 200, "error": ""}
    signature = receiver.requests[-1]["headers"]["X-Regulator-Signature"]
    assert webhooks.verify_signature(created["secret"], receiver.requests[-1]["body"], signature)

    rotated = client.post(reverse("api:webhook-rotate-secret", args=[created["id"]])).json()
    assert rotated["secret"] != created["secret"]

    # Another client does not see it; people have no webhooks.
    assert api_as("city_client").get(detail).status_code == 404
    assert api_as("city_officer").get(reverse("api:webhook-list")).status_code == 403

    assert client.delete(detail).status_code == 204
    assert not Webhook.objects.exists()


def test_bad_urls_are_refused_naming_the_field(world, api_as, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    client = api_as("city_client")
    for url, rule in [("http://example.org/hook", "https URL"), ("https://user:pw@example.org/", "credentials"),
                      ("not a url", "valid URL")]:
        response = client.post(reverse("api:webhook-list"), {"url": url}, format="json")
        assert response.status_code == 400
        error = response.json()["error"]
        assert "url" in error["fields"] and rule in " ".join(error["fields"]["url"]), (url, error)


def test_deliveries_are_listed_and_a_failed_one_is_sent_again(world, receiver, api_as, settings,
                                                              django_capture_on_commit_callbacks):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    receiver.status = 500
    webhook = subscribe(world, "city_client", receiver.url)
    event = happen("licence.issued", world.enterprises["xq_pharmacy"])
    [delivery] = fan_out_now(event)
    webhooks.deliver(delivery.pk)

    client = api_as("city_client")
    listed = client.get(reverse("api:webhook-deliveries", args=[webhook.pk])).json()["results"]
    assert [(d["event"], d["kind"], d["status"], d["response_status"]) for d in listed] == [
        (event.pk, "licence.issued", "failed", 500)]

    receiver.status = 204
    url = reverse("api:webhook-redeliver", args=[webhook.pk, delivery.pk])
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url)
    assert response.status_code == 200 and response.json()["status"] == "pending"
    assert webhooks.deliver(delivery.pk) == DeliveryStatus.DONE
    assert Event.objects.filter(pk=event.pk).exists() and len(receiver.requests) == 2
