"""Webhooks: the event feed, pushed. Services for subscriptions and their deliveries.

A machine client subscribes a URL (``POST /api/v1/webhooks/``). Every committed kernel event reaches
``fan_out`` through the outbox (it is a ``"*"`` handler); for each active webhook that wants the kind and
whose client may read the event in its feed, one ``WebhookDelivery`` row is written, and a worker POSTs the
event, as the feed shows it, to the URL. A delivery that fails is tried again with back-off by the outbox
sweeper (``next_attempt_at``), up to ``WEBHOOK_MAX_ATTEMPTS``; a webhook failing ``WEBHOOK_DISABLE_AFTER``
deliveries in a row is switched off with a reason, and the client switches it on again.

Each request carries ``X-Regulator-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with
the webhook's secret>``, ``X-Regulator-Event`` (the kind) and ``X-Regulator-Delivery`` (the same on every
attempt of one delivery: receivers de-duplicate on it, since a delivery may arrive twice).
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from regulator import events
from regulator.choices import DeliveryStatus, UserKind
from regulator.models import ApiClient, Event, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Regulator-Signature"
MAX_KINDS = 50


def client_of(actor) -> ApiClient:
    """The API client behind ``actor``; webhooks belong to clients, not to people."""
    client = getattr(actor, "api_client", None) if getattr(actor, "kind", None) == UserKind.MACHINE else None
    if client is None or client.revoked_at is not None:
        raise PermissionDenied(_("Webhooks belong to API clients: call with a client's bearer token."))
    return client


def validate_url(url: str) -> str:
    parts = urlsplit(url)
    schemes = ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValidationError({"url": _("The URL must be an absolute %(schemes)s URL.")
                               % {"schemes": " or ".join(schemes)}})
    if parts.username or parts.password:
        raise ValidationError({"url": _("Put no credentials in the URL; verify the signature header instead.")})
    return url


def validate_kinds(kinds) -> list[str]:
    kinds = [str(kind).strip() for kind in kinds or [] if str(kind).strip()]
    if len(kinds) > MAX_KINDS:
        raise ValidationError({"kinds": _("List at most %(n)d kinds or prefixes.") % {"n": MAX_KINDS}})
    return sorted(set(kinds))


@transaction.atomic
def create_webhook(*, actor, url: str, kinds=()) -> Webhook:
    return Webhook.objects.create(client=client_of(actor), url=validate_url(url), kinds=validate_kinds(kinds),
                                  secret=secrets.token_hex(32))


@transaction.atomic
def update_webhook(webhook: Webhook, *, actor, **changes) -> Webhook:
    """Change the URL, the kinds, or switch it on or off; switching on forgets past failures."""
    if webhook.client_id != client_of(actor).pk:
        raise PermissionDenied(_("This webhook belongs to another client."))
    if "url" in changes:
        webhook.url = validate_url(changes["url"])
    if "kinds" in changes:
        webhook.kinds = validate_kinds(changes["kinds"])
    if "active" in changes:
        webhook.active = bool(changes["active"])
        if webhook.active:
            webhook.failures_in_row, webhook.disabled_reason = 0, ""
    webhook.save()
    return webhook


@transaction.atomic
def rotate_secret(webhook: Webhook, *, actor) -> Webhook:
    if webhook.client_id != client_of(actor).pk:
        raise PermissionDenied(_("This webhook belongs to another client."))
    webhook.secret = secrets.token_hex(32)
    webhook.save(update_fields=["secret", "updated_at"])
    return webhook


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret: str, body: bytes, header: str, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does (here for tests and for integrators to copy): check the HMAC and the time."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), f"t={timestamp},v1={fields.get('v1', '')}")


def event_document(event: Event) -> dict:
    """The event exactly as the feed (``/api/v1/events/``) shows it."""
    from regulator.api.serializers import EventSerializer

    return EventSerializer(event).data


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is an answer, not an instruction: the receiver must take the POST itself


_opener = urllib.request.build_opener(_NoRedirect)


def post(webhook: Webhook, *, kind: str, delivery_id: str, body: bytes) -> tuple[int | None, str]:
    """POST ``body`` to the webhook; (HTTP status or None, error text or "")."""
    request = urllib.request.Request(webhook.url, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "User-Agent": "regulator-webhooks/1",
        "X-Regulator-Event": kind,
        "X-Regulator-Delivery": delivery_id,
        SIGNATURE_HEADER: sign(webhook.secret, body, int(time.time())),
    })
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))[:500]
    return status, "" if 200 <= status < 300 else f"HTTP {status}"


@events.handler("*")
def fan_out(event: Event) -> None:
    """One delivery per active webhook that wants ``event`` and whose client may read it (idempotent)."""
    created = []
    for webhook in Webhook.objects.filter(active=True, client__revoked_at__isnull=True).select_related(
            "client__user"):
        if not webhook.wants(event.kind):
            continue
        if not Event.objects.visible_to(webhook.client.user).filter(pk=event.pk).exists():
            continue
        delivery, was_created = WebhookDelivery.objects.get_or_create(
            webhook=webhook, event=event, defaults={"next_attempt_at": timezone.now()})
        if was_created:
            created.append(delivery.pk)
    if created:
        transaction.on_commit(lambda: _enqueue(created))


def _enqueue(delivery_ids: list[int]) -> None:
    from regulator.tasks import deliver_webhook

    for delivery_id in delivery_ids:
        try:
            deliver_webhook.delay(delivery_id)
        except Exception:  # broker unreachable: the sweeper finds the row by next_attempt_at
            logger.warning("could not enqueue webhook delivery %s; left for the sweeper", delivery_id)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 6 * 3600))


def deliver(delivery_id: int) -> str:
    """Make one attempt at one delivery; returns its status afterwards."""
    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("webhook", "event__jurisdiction", "event__enterprise")
                    .filter(pk=delivery_id).first())
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return delivery.status if delivery else DeliveryStatus.DONE
        webhook = delivery.webhook
        if not webhook.active:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            delivery.last_error = _("The webhook is switched off.")
            delivery.save()
            return delivery.status
        body = json.dumps(event_document(delivery.event), ensure_ascii=False, separators=(",", ":")).encode()
        delivery.attempts += 1
        delivery.response_status, error = post(webhook, kind=delivery.event.kind, delivery_id=str(delivery.pk),
                                               body=body)
        now = timezone.now()
        if not error:
            delivery.status, delivery.delivered_at, delivery.last_error = DeliveryStatus.DONE, now, ""
            delivery.next_attempt_at = None
            Webhook.objects.filter(pk=webhook.pk).exclude(failures_in_row=0).update(failures_in_row=0)
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status, delivery.last_error, delivery.next_attempt_at = DeliveryStatus.FAILED, error, None
            # Other deliveries of this webhook run at the same time: count in the database, not in this copy.
            Webhook.objects.filter(pk=webhook.pk).update(failures_in_row=F("failures_in_row") + 1)
            webhook.refresh_from_db(fields=["failures_in_row"])
            if webhook.failures_in_row >= settings.WEBHOOK_DISABLE_AFTER:
                Webhook.objects.filter(pk=webhook.pk).update(active=False, disabled_reason=(
                    _("Switched off after %(n)d failed deliveries in a row; last: %(error)s")
                    % {"n": webhook.failures_in_row, "error": error})[:200])
        else:
            delivery.last_error, delivery.next_attempt_at = error, now + backoff(delivery.attempts)
        delivery.save()
        return delivery.status


def due_deliveries(*, limit: int = 1000) -> list[int]:
    """Pending deliveries whose next attempt is due (the outbox sweeper enqueues them)."""
    return list(WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at").values_list("id", flat=True)[:limit])


@transaction.atomic
def redeliver(delivery: WebhookDelivery, *, actor) -> WebhookDelivery:
    """Send a failed (or delivered) event again, with a fresh count of attempts."""
    if delivery.webhook.client_id != client_of(actor).pk:
        raise PermissionDenied(_("This webhook belongs to another client."))
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.PENDING, 0, timezone.now()
    delivery.save()
    transaction.on_commit(lambda: _enqueue([delivery.pk]))
    return delivery


def ping(webhook: Webhook, *, actor) -> dict:
    """POST a signed test body now and say what the receiver answered (no event, no delivery row)."""
    if webhook.client_id != client_of(actor).pk:
        raise PermissionDenied(_("This webhook belongs to another client."))
    body = json.dumps({"kind": "webhook.ping", "webhook": webhook.pk, "at": timezone.now().isoformat()}).encode()
    status, error = post(webhook, kind="webhook.ping", delivery_id=f"ping-{secrets.token_hex(8)}", body=body)
    return {"delivered": not error, "status": status, "error": error}
