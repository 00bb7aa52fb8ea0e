from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from regulator.audit import audited
from regulator.choices import DeliveryStatus
from regulator.models.events import Event
from regulator.models.people import ApiClient


@audited(exclude=["secret", "failures_in_row", "updated_at"])
class Webhook(models.Model):
    """A machine client's subscription: events it may read in the feed are also POSTed to its URL, signed."""

    client = models.ForeignKey(ApiClient, models.CASCADE, related_name="webhooks", verbose_name=_("API client"))
    url = models.URLField(_("URL"), max_length=500)
    kinds = ArrayField(models.CharField(max_length=64), default=list, blank=True, verbose_name=_("event kinds"),
                       help_text=_("Kinds or prefixes ending in a dot (\"licence.\"); empty: every kind."))
    secret = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(_("active"), default=True)
    failures_in_row = models.PositiveIntegerField(default=0, editable=False)
    disabled_reason = models.CharField(_("why disabled"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return f"{self.client} → {self.url}"

    def wants(self, kind: str) -> bool:
        return not self.kinds or any(kind == k or (k.endswith(".") and kind.startswith(k)) for k in self.kinds)


class WebhookDelivery(models.Model):
    """One event POSTed (or still to be POSTed) to one webhook; retried with back-off, never dropped silently."""

    webhook = models.ForeignKey(Webhook, models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING,
                              db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["webhook", "event"], name="webhook_delivery_once")]

    def __str__(self):
        return f"{self.event} → webhook {self.webhook_id}: {self.status}"
