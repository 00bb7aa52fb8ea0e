from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from regulator.audit import audited
from regulator.choices import DeadlineStatus, DeadlineUnit
from regulator.models.tenancy import TenantModel


@audited()
class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a public holiday, or a make-up workday (调休)."""

    date = models.DateField(_("date"), primary_key=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=64, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date} {'workday' if self.is_workday else 'holiday'} {self.name}".strip()


class StatutoryRuleQuerySet(models.QuerySet):
    def in_force(self, code: str, on):
        """The version of rule ``code`` in force on date ``on``; raises DoesNotExist if none is."""
        return self.filter(code=code, effective_from__lte=on).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on)
        ).latest("effective_from")


@audited()
class StatutoryRule(models.Model):
    """A statutory number with the dates it is in force. Several were replaced recently; more will be."""

    code = models.CharField(_("code"), max_length=64, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=16, choices=DeadlineUnit.choices)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.CharField(_("legal source"), max_length=200)

    objects = StatutoryRuleQuerySet.as_manager()

    class Meta:
        ordering = ["code", "effective_from"]
        verbose_name = _("statutory rule")
        verbose_name_plural = _("statutory rules")
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="rule_version_unique"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="rule_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.amount} {self.get_unit_display()} (from {self.effective_from})"


@audited()
class Deadline(TenantModel):
    """A statutory clock on one subject (an application, a complaint …), counted by the kernel calendar."""

    subject_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    rule = models.ForeignKey(StatutoryRule, models.PROTECT, related_name="deadlines", verbose_name=_("rule"))
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DeadlineStatus.choices, default=DeadlineStatus.RUNNING, db_index=True
    )
    remaining_working_days = models.PositiveIntegerField(null=True, blank=True, editable=False)
    remaining_calendar_days = models.PositiveIntegerField(null=True, blank=True, editable=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self):
        return f"{self.rule.code} due {self.due_on}"


class ClockStop(models.Model):
    """A period in which a deadline does not run (waiting for the applicant, testing time …)."""

    deadline = models.ForeignKey(Deadline, models.CASCADE, related_name="stops")
    stopped_on = models.DateField(_("stopped on"))
    resumed_on = models.DateField(_("resumed on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["stopped_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline"], condition=Q(resumed_on__isnull=True), name="one_open_stop_per_deadline"
            ),
        ]

    def __str__(self):
        return f"{self.stopped_on}–{self.resumed_on or '…'}: {self.reason}"
