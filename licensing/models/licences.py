import uuid

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from licensing.choices import LicenceStatus
from licensing.models.catalogue import LicenceType
from regulator.audit import audited
from regulator.models import Enterprise, TenantModel
from regulator.search import Bigrams


@audited()
class Licence(TenantModel):
    """A licence or filing held by one enterprise. Holder details are copied at issue: the certificate
    and the public register show what was licensed, even after the enterprise record changes."""

    number = models.CharField(_("licence number"), max_length=64, unique=True)
    public_id = models.UUIDField(_("verification code"), default=uuid.uuid4, unique=True, editable=False)
    licence_type = models.ForeignKey(LicenceType, models.PROTECT, related_name="licences",
                                     verbose_name=_("licence type"))
    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="licences", verbose_name=_("holder"))
    holder_name = models.CharField(_("holder"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    address = models.CharField(_("address"), max_length=255)
    business_scope = models.TextField(_("business scope"), blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    responsible_pharmacist = models.CharField(_("responsible pharmacist"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=LicenceStatus.choices,
                              default=LicenceStatus.ACTIVE, db_index=True)
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    issuing_agency = models.ForeignKey("regulator.Agency", models.PROTECT, related_name="+",
                                       verbose_name=_("issued by"))
    needs_verification = models.BooleanField(
        _("verification inspection due"), default=False,
        help_text=_("Issued on the applicant's written commitment; a verification inspection follows."))
    status_reason = models.TextField(_("reason"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    reminded_on = models.DateField(_("renewal reminder sent on"), null=True, blank=True)

    enterprise_lookup = "enterprise_id"

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        indexes = [
            models.Index(fields=["jurisdiction", "status"]),
            # The public register's name search: rows holding every bigram of the query (regulator.search).
            GinIndex(Bigrams("holder_name"), name="licence_holder_bigrams"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="licence_validity_ordered",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("licensing:licence-detail", args=[self.pk])
