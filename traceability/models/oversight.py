from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from regulator.audit import audited
from regulator.models import TenantModel
from traceability.choices import DiscrepancyRule, DiscrepancyStatus, RecallStatus, RecallTaskStatus


@audited()
class Discrepancy(TenantModel):
    """What the nightly reconciliation found: a rule, the codes, enterprises and events involved.

    ``key`` makes a rerun on the same data find the same discrepancy instead of a second one.
    """

    key = models.CharField(max_length=120, unique=True, editable=False)
    rule = models.CharField(_("rule"), max_length=32, choices=DiscrepancyRule.choices, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=DiscrepancyStatus.choices,
                              default=DiscrepancyStatus.OPEN)
    enterprise = models.ForeignKey("regulator.Enterprise", models.PROTECT, related_name="+",
                                   verbose_name=_("enterprise"))
    other_enterprise = models.ForeignKey("regulator.Enterprise", models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("other enterprise"))
    code = models.ForeignKey("traceability.TraceCode", models.PROTECT, related_name="discrepancies",
                             verbose_name=_("traceability code"))
    event_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, verbose_name=_("events"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("assignee"))
    note = models.TextField(_("note"), blank=True)
    run = models.ForeignKey("traceability.ReconciliationRun", models.SET_NULL, null=True, blank=True,
                            related_name="+")

    enterprise_lookup = "enterprise_id"

    class Meta:
        ordering = ["-id"]
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        indexes = [models.Index(fields=["jurisdiction", "status", "rule"], name="discrepancy_status")]

    def __str__(self):
        return f"{self.get_rule_display()} · {self.code_id}"


@audited()
class Recall(TenantModel):
    """A recall of one product batch: proposed (e.g. after a failed sample) or started by staff."""

    product = models.ForeignKey("regulator.Product", models.PROTECT, related_name="+", verbose_name=_("product"))
    batch = models.ForeignKey("regulator.Batch", models.PROTECT, related_name="+", verbose_name=_("batch"))
    status = models.CharField(_("status"), max_length=12, choices=RecallStatus.choices,
                              default=RecallStatus.PROPOSED)
    reason = models.TextField(_("reason"))
    deadline = models.DateField(_("due by"), null=True, blank=True)
    source_event_id = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("started by"))
    total_codes = models.PositiveIntegerField(_("codes in the batch"), default=0)
    dispensed_codes = models.PositiveIntegerField(_("already dispensed"), default=0)
    held_codes = models.PositiveIntegerField(_("held by enterprises"), default=0)
    recovered_codes = models.PositiveIntegerField(_("returned or quarantined"), default=0)

    enterprise_lookup = "product__enterprise_id"

    class Meta:
        ordering = ["-id"]
        verbose_name = _("recall")
        verbose_name_plural = _("recalls")

    def __str__(self):
        return f"{self.product} {self.batch.batch_number}"

    @property
    def effectiveness(self) -> float:
        return round(100 * self.recovered_codes / self.held_codes, 1) if self.held_codes else 0.0


@audited()
class RecallTask(TenantModel):
    """What one holder must do in a recall: return or quarantine the packs it holds, by the deadline."""

    recall = models.ForeignKey(Recall, models.CASCADE, related_name="tasks", verbose_name=_("recall"))
    holder = models.ForeignKey("regulator.Enterprise", models.PROTECT, related_name="+", verbose_name=_("holder"))
    held = models.PositiveIntegerField(_("packs held"), default=0)
    recovered = models.PositiveIntegerField(_("packs returned or quarantined"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=RecallTaskStatus.choices,
                              default=RecallTaskStatus.OPEN)
    deadline = models.DateField(_("due by"), null=True, blank=True)

    enterprise_lookup = "holder_id"

    class Meta:
        ordering = ["recall", "holder"]
        verbose_name = _("recall task")
        verbose_name_plural = _("recall tasks")
        constraints = [models.UniqueConstraint(fields=["recall", "holder"], name="recalltask_once")]

    def __str__(self):
        return f"{self.recall} · {self.holder}"
