from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from regulator.audit import audited
from regulator.choices import EnterpriseStatus, EnterpriseType, ProductKind
from regulator.models.tenancy import TenantModel
from regulator.search import Bigrams
from regulator.validators import validate_credit_code


@audited()
class Enterprise(TenantModel):
    """A regulated enterprise, owned by the jurisdiction where it is located."""

    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("name"), max_length=200)
    enterprise_type = models.CharField(_("type"), max_length=32, choices=EnterpriseType.choices, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)

    enterprise_lookup = "id"

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["jurisdiction", "enterprise_type"]),
            # Directory and public searches by part of the name or address (regulator.search).
            GinIndex(Bigrams("name"), name="enterprise_name_bigrams"),
            GinIndex(Bigrams("address"), name="enterprise_address_bigrams"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("enterprise-detail", args=[self.pk])


@audited()
class Product(TenantModel):
    """A drug, vaccine, device or cosmetic, held by one enterprise (the approval or registration holder)."""

    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="products", verbose_name=_("holder"))
    kind = models.CharField(_("kind"), max_length=16, choices=ProductKind.choices)
    name = models.CharField(_("name"), max_length=200)
    approval_number = models.CharField(_("approval / registration number"), max_length=64, unique=True)
    specification = models.CharField(_("specification"), max_length=128, blank=True)
    trace_prefix = models.CharField(
        _("traceability product code"), max_length=7, null=True, blank=True, unique=True,
        help_text=_("The 7-digit product identification part of the 20-digit drug traceability code."),
    )

    enterprise_lookup = "enterprise_id"

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self):
        return self.name


@audited()
class Batch(TenantModel):
    product = models.ForeignKey(Product, models.PROTECT, related_name="batches", verbose_name=_("product"))
    batch_number = models.CharField(_("batch number"), max_length=20)
    manufactured_on = models.DateField(_("manufactured on"))
    expires_on = models.DateField(_("expires on"))

    enterprise_lookup = "product__enterprise_id"

    class Meta:
        ordering = ["product", "batch_number"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.UniqueConstraint(fields=["product", "batch_number"], name="batch_unique_per_product"),
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("manufactured_on")), name="batch_expires_after_made"
            ),
        ]

    def __str__(self):
        return f"{self.product} {self.batch_number}"
