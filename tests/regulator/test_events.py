"""The transactional outbox, delivered by a real Celery worker over the real Redis broker."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from regulator import events, services
from regulator.choices import DeliveryStatus
from regulator.models import Event, EventDelivery
from regulator.tasks import redeliver_pending_events
from tests.polling import wait_for

received: list[int] = []
failures_left = {"count": 0}


def remember(event):
    received.append(event.pk)


def flaky(event):
    if failures_left["count"] > 0:
        failures_left["count"] -= 1
        raise RuntimeError("downstream unavailable")
    received.append(event.pk)


@pytest.fixture
def handlers():
    received.clear()
    events.handler("test.happened")(remember)
    events.handler("test.flaky")(flaky)
    yield
    events.unregister("test.happened", remember)
    events.unregister("test.flaky", flaky)


@pytest.fixture
def worker(handlers, celery_worker_thread):
    yield


def test_a_handler_runs_after_commit_through_the_worker(world, worker):
    with transaction.atomic():
        event = events.record_event("test.happened", subject=world.enterprises["xq_pharmacy"], payload={"n": 1})
        assert received == []  # not before commit

    assert wait_for(lambda: event.pk in received)
    delivery = EventDelivery.objects.get(event=event, handler__startswith="tests.")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DONE, 1)
    assert event.jurisdiction.code == "445102" and event.enterprise == world.enterprises["xq_pharmacy"]


def test_a_rolled_back_change_leaves_no_event_and_calls_no_handler(world, worker):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        events.record_event("test.happened", subject=world.enterprises["xq_pharmacy"])
        raise Abort

    time.sleep(1)
    assert not Event.objects.filter(kind="test.happened").exists()
    assert received == []


def test_a_failing_handler_is_retried_until_it_succeeds(world, worker):
    failures_left["count"] = 2
    with transaction.atomic():
        event = events.record_event("test.flaky", subject=world.enterprises["rp_pharmacy"])

    assert wait_for(lambda: event.pk in received, seconds=20)
    delivery = EventDelivery.objects.get(event=event, handler__startswith="tests.")
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.DONE, 3, "")


def test_the_sweeper_delivers_what_never_reached_the_broker(world, worker):
    with transaction.atomic():
        event = Event.objects.create(kind="test.happened", occurred_at=timezone.now(),
                                     jurisdiction=world.j["445103"], subject_type="x", subject_id="1")
        delivery = EventDelivery.objects.create(event=event, handler=events.handler_name(remember))
    EventDelivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    redeliver_pending_events.delay()

    assert wait_for(lambda: event.pk in received)
    assert EventDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DONE


def test_a_delivery_whose_handler_is_gone_is_kept_as_failed(world):
    with transaction.atomic():
        event = events.record_event("test.orphan", subject=world.enterprises["xq_pharmacy"])
        delivery = EventDelivery.objects.create(event=event, handler="nowhere.handler")

    assert services.deliver_event(delivery.pk) == services.DeliveryOutcome.FAILED
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "nowhere.handler" in delivery.last_error


def test_delivering_twice_runs_the_handler_once(world, handlers):
    with transaction.atomic():
        event = events.record_event("test.happened", subject=world.enterprises["xq_pharmacy"])
    delivery = EventDelivery.objects.get(event=event, handler__startswith="tests.")

    first = services.deliver_event(delivery.pk)
    second = services.deliver_event(delivery.pk)

    assert (first, second) == (services.DeliveryOutcome.DONE, services.DeliveryOutcome.SKIPPED)
    assert received == [event.pk]


@pytest.mark.django_db(transaction=True)
def test_record_event_refuses_to_run_outside_a_transaction(world):
    with pytest.raises(RuntimeError, match="transaction"):
        events.record_event("test.happened", subject=world.enterprises["xq_pharmacy"])


def test_the_feed_pages_by_cursor_and_resumes_after_an_id(world, api_as):
    with transaction.atomic():
        recorded = [events.record_event("test.feed", subject=world.enterprises["xq_wholesaler"], payload={"i": i})
                    for i in range(5)]
    client = api_as("xq_client")

    first = client.get("/api/v1/events/?kind=test.feed&page_size=2").json()
    second = client.get(first["next"]).json()
    resumed = client.get(f"/api/v1/events/?kind=test.&after={recorded[2].pk}").json()

    assert [row["payload"]["i"] for row in first["results"] + second["results"]] == [0, 1, 2, 3]
    assert [row["payload"]["i"] for row in resumed["results"]] == [3, 4]
    assert "count" not in first


def test_the_feed_hides_other_jurisdictions_events(world, api_as):
    with transaction.atomic():
        events.record_event("test.feed", subject=world.enterprises["rp_pharmacy"])

    assert api_as("xq_client").get("/api/v1/events/?kind=test.feed").json()["results"] == []
    assert len(api_as("city_client").get("/api/v1/events/?kind=test.feed").json()["results"]) == 1
