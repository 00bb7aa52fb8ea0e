from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from licensing.choices import ApplicationKind, ApplicationStatus, ChangeKind, InspectionResult
from licensing.models.catalogue import LicenceType
from licensing.models.licences import Licence
from regulator.audit import audited
from regulator.models import Enterprise, TenantModel


@audited()
class Application(TenantModel):
    """An enterprise's application for a licence, its renewal, change or cancellation (or a filing)."""

    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="licence_applications",
                                   verbose_name=_("applicant"))
    licence_type = models.ForeignKey(LicenceType, models.PROTECT, related_name="applications",
                                     verbose_name=_("licence type"))
    kind = models.CharField(_("application kind"), max_length=16, choices=ApplicationKind.choices,
                            default=ApplicationKind.NEW)
    licence = models.ForeignKey(Licence, models.PROTECT, null=True, blank=True, related_name="applications",
                                verbose_name=_("licence"))
    change_kind = models.CharField(_("change"), max_length=32, choices=ChangeKind.choices, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT, db_index=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, null=True, blank=True)
    address = models.CharField(_("business address"), max_length=255, blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    responsible_pharmacist = models.CharField(_("responsible pharmacist"), max_length=64, blank=True)
    commitment = models.BooleanField(_("written commitment (notification-commitment)"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("reviewer"))
    review_opinion = models.TextField(_("review opinion"), blank=True)
    inspection_date = models.DateField(_("inspection date"), null=True, blank=True)
    inspectors = models.CharField(_("inspectors"), max_length=200, blank=True)
    inspection_result = models.CharField(_("inspection result"), max_length=16, choices=InspectionResult.choices,
                                         blank=True)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("approver"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    appeal_rights = models.TextField(_("appeal rights"), blank=True)
    overdue = models.BooleanField(_("overdue"), default=False, db_index=True)

    enterprise_lookup = "enterprise_id"

    class Meta:
        ordering = ["-id"]
        verbose_name = _("licence application")
        verbose_name_plural = _("licence applications")
        indexes = [models.Index(fields=["jurisdiction", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "idempotency_key"],
                                    condition=Q(idempotency_key__isnull=False), name="application_idempotency_key"),
            models.CheckConstraint(condition=Q(kind="new") | Q(licence__isnull=False),
                                   name="application_names_its_licence"),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("licensing:application-detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"SQ{self.pk:08d}" if self.pk else "—"
