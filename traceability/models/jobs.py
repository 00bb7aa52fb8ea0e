from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from regulator.models import TenantModel
from traceability.choices import JobSource, JobStatus


class IngestJob(TenantModel):
    """One submission (an API call, an EPCIS document, a CSV file): counts and the per-record rejections.

    Bookkeeping of the ingest, not a domain record, so not audited. Progress while it runs is kept in the
    cache (the job's own transaction is not visible until it commits); the row holds the final figures.
    While a worker runs the job, ``heartbeat_at`` is stamped every half minute from a connection of its own;
    a running job whose heartbeat stopped lost its worker (``services.fail_stale_jobs``).
    """

    source = models.CharField(_("source"), max_length=8, choices=JobSource.choices)
    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.PENDING)
    enterprise = models.ForeignKey("regulator.Enterprise", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("submitting enterprise"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    filename = models.CharField(_("file"), max_length=255, blank=True)
    path = models.CharField(max_length=500, blank=True)
    received = models.PositiveIntegerField(_("received"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    stored = models.PositiveIntegerField(_("new events stored"), default=0)
    rejections = models.JSONField(_("rejections"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    enterprise_lookup = "enterprise_id"

    class Meta:
        ordering = ["-id"]
        verbose_name = _("ingest job")
        verbose_name_plural = _("ingest jobs")

    def __str__(self):
        return f"{self.get_source_display()} #{self.pk}"


class ReconciliationRun(TenantModel):
    """One reconciliation of a jurisdiction's events: when, how long, what it found. Job bookkeeping."""

    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.PENDING)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("started by"))
    found = models.JSONField(_("new discrepancies by rule"), default=dict, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    timings = models.JSONField(_("seconds by rule"), default=dict, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    enterprise_lookup = None

    class Meta:
        ordering = ["-id"]
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")

    def __str__(self):
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M}"
