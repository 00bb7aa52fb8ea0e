from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regulator.audit import audited
from regulator.choices import JurisdictionLevel

division_code_validator = RegexValidator(
    r"^[1-9]\d{5}$", _("A GB/T 2260 division code is six digits and does not start with 0.")
)


class JurisdictionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)

    def by_code(self, code: str):
        """The jurisdiction currently holding ``code`` (codes are reused after mergers)."""
        return self.current().get(code=code)

    def subtree_ids(self, jurisdiction: "Jurisdiction") -> frozenset[int]:
        return frozenset(self.filter(path__startswith=jurisdiction.path).values_list("id", flat=True))


@audited()
class Jurisdiction(models.Model):
    """An administrative division (GB/T 2260): the unit of tenancy.

    Codes change (Chao'an was county 445121 until 2013, now district 445103), so a code is unique only
    among current rows; a retired row keeps its dates and points to its successor.
    """

    code = models.CharField(_("division code"), max_length=6, validators=[division_code_validator])
    name_zh = models.CharField(_("name (Chinese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=JurisdictionLevel.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    path = models.CharField(max_length=255, editable=False, db_index=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="predecessors")

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(valid_to__isnull=True), name="jurisdiction_current_code"
            ),
        ]

    def __str__(self):
        return f"{self.name_zh} ({self.code})"

    def save(self, *args, **kwargs):
        if not self.pk:
            super().save(*args, **kwargs)
            kwargs = {**kwargs, "force_insert": False}
        prefix = self.parent.path if self.parent_id else "/"
        self.path = f"{prefix}{self.pk}/"
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


@audited()
class Agency(models.Model):
    """A regulator bound to one jurisdiction: the tenant. It sees its jurisdiction and everything below."""

    jurisdiction = models.OneToOneField(Jurisdiction, models.PROTECT, related_name="agency")
    name_zh = models.CharField(_("name (Chinese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=128)

    class Meta:
        ordering = ["jurisdiction__code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name_zh

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class TenantQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """Rows the actor may see: the one scoping filter (DESIGN.md, "Tenancy")."""
        from regulator.tenancy import scope_for

        return scope_for(actor).filter(self)


class TenantModel(models.Model):
    """A row owned by the jurisdiction where its subject is (territorial supervision).

    ``enterprise_lookup`` names the path from the row to its enterprise's id, so that enterprise
    users see their own enterprise's rows; None means enterprise users see none of this table.
    Every concrete subclass gets a row-level security policy in its migration (regulator/rls.py).
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("jurisdiction"), db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    enterprise_lookup: str | None = None

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True
