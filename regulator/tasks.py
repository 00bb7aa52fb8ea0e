"""Celery tasks: thin wrappers over services. They take ids and are safe to run twice."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from regulator import services, webhooks

MAX_DELIVERY_ATTEMPTS = 8


@shared_task(bind=True, max_retries=MAX_DELIVERY_ATTEMPTS, acks_late=True)
def deliver_event(self, delivery_id: int):
    outcome = services.deliver_event(delivery_id)
    if outcome == services.DeliveryOutcome.RETRY:
        raise self.retry(countdown=min(2 ** self.request.retries, 300))
    return outcome


@shared_task
def redeliver_pending_events():
    """The outbox sweeper: handler deliveries left pending, and webhook deliveries whose next attempt is due."""
    for delivery_id in services.pending_deliveries():
        deliver_event.delay(delivery_id)
    for delivery_id in webhooks.due_deliveries():
        deliver_webhook.delay(delivery_id)


@shared_task(acks_late=True)
def deliver_webhook(delivery_id: int):
    """One attempt; a failure is retried by the sweeper at the delivery's ``next_attempt_at``."""
    return webhooks.deliver(delivery_id)


@shared_task
def flag_overdue_deadlines():
    return services.flag_overdue_deadlines(today=timezone.localdate())


HEARTBEAT_KEY = "regulator:worker-heartbeat"


@shared_task
def heartbeat():
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=120)
