"""Kernel events: the transactional outbox through which apps cause effects in one another.

A service calls ``record_event`` inside its transaction. The event row, and one delivery row per
handler registered for its kind, commit or roll back with the change. After commit, a Celery task
delivers each one; a failing handler is retried with back-off, and the beat sweeper re-sends any
delivery still pending (say, the broker was down at commit). Handlers must therefore be idempotent.

Apps register handlers from ``AppConfig.ready()``::

    @events.handler("sampling.unqualified")
    def add_credit_record(event): ...
"""

from collections import defaultdict
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

_handlers: dict[str, dict[str, Callable]] = defaultdict(dict)


def handler(kind: str):
    """Register ``func`` to receive every committed event of ``kind`` (``"*"`` receives all)."""
    def register(func: Callable) -> Callable:
        _handlers[kind][handler_name(func)] = func
        return func

    return register


def handler_name(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def handlers_for(kind: str) -> dict[str, Callable]:
    return {**_handlers.get("*", {}), **_handlers.get(kind, {})}


def get_handler(name: str) -> Callable | None:
    for registered in _handlers.values():
        if name in registered:
            return registered[name]
    return None


def unregister(kind: str, func: Callable) -> None:
    _handlers[kind].pop(handler_name(func), None)


def record_event(kind: str, *, subject, jurisdiction=None, enterprise=None, actor=None, payload=None,
                 name_enterprise: bool = True):
    """Record that ``kind`` happened to ``subject``, in the caller's transaction.

    ``jurisdiction`` defaults to the subject's own (territorial supervision); ``enterprise`` to the
    subject's enterprise when it has one, so that the enterprise sees the event in its feed.
    ``name_enterprise=False`` files it under no enterprise: a report about an enterprise must not tip it off.
    """
    from regulator.models import Enterprise, Event, EventDelivery

    if not connection.in_atomic_block:
        raise RuntimeError("record_event() must run inside the transaction that makes the change.")
    if jurisdiction is None:
        jurisdiction = subject.jurisdiction
    if not name_enterprise:
        enterprise = None
    elif enterprise is None:
        enterprise = subject if isinstance(subject, Enterprise) else getattr(subject, "enterprise", None)
    event = Event.objects.create(
        kind=kind,
        occurred_at=timezone.now(),
        jurisdiction=jurisdiction,
        enterprise=enterprise,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        payload=payload or {},
    )
    deliveries = EventDelivery.objects.bulk_create(
        EventDelivery(event=event, handler=name) for name in handlers_for(kind)
    )
    if deliveries:
        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(lambda: _enqueue(ids))
    return event


def _enqueue(delivery_ids: list[int]) -> None:
    from regulator.tasks import deliver_event

    for delivery_id in delivery_ids:
        try:
            deliver_event.delay(delivery_id)
        except Exception:  # broker unreachable: the sweeper will find the pending row
            import logging

            logging.getLogger(__name__).warning("could not enqueue delivery %s; left for the sweeper", delivery_id)
