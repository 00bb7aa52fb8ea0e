from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from regulator.choices import DeliveryStatus
from regulator.models.tenancy import TenantModel


class Event(TenantModel):
    """What happened, written in the same transaction as the change (the transactional outbox).

    Handlers in other apps, the API event feed and (later) webhooks all read from here; a handler is
    never called before the change it reacts to has committed.
    """

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    enterprise = models.ForeignKey(
        "regulator.Enterprise", models.SET_NULL, null=True, blank=True, related_name="events"
    )
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject id"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict, blank=True)

    enterprise_lookup = "enterprise_id"

    class Meta:
        ordering = ["id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class EventDelivery(models.Model):
    """One handler's receipt of one event; a pending or failed row is retried, never dropped."""

    event = models.ForeignKey(Event, models.CASCADE, related_name="deliveries")
    handler = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="delivery_once_per_handler")]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.handler} ← {self.event}"
