from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from licensing.choices import IssuingLevel
from regulator.audit import audited


@audited()
class LicenceType(models.Model):
    """One kind of licence or filing. Its statutory numbers (deadlines, validity, renewal window) are
    rule-table versions named ``<rule_prefix>.decision``, ``.issue``, ``.validity``, ``.renewal_opens``
    and ``.renewal_closes`` (see licensing/rules.py); a type without one of them has no such period.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    issuing_level = models.CharField(_("issuing level"), max_length=16, choices=IssuingLevel.choices)
    rule_prefix = models.CharField(_("rule prefix"), max_length=64)
    number_format = models.CharField(
        _("number format"), max_length=100,
        help_text=_("Placeholders: {province} {city} {letters} {region} {year} and {seq} (the sequence)."),
    )
    sequence_digits = models.PositiveSmallIntegerField(_("sequence digits"), default=5)
    type_letter = models.CharField(_("type letter"), max_length=1, blank=True)
    enterprise_types = ArrayField(models.CharField(max_length=32), default=list, blank=True,
                                  verbose_name=_("enterprise types"))
    notification_commitment = models.BooleanField(_("notification-commitment applies"), default=False)
    requires_inspection = models.BooleanField(_("on-site inspection required"), default=False)
    is_filing = models.BooleanField(_("filing (numbered on submission)"), default=False)
    renewal_deemed_granted = models.BooleanField(_("renewal deemed granted when not decided in time"),
                                                 default=False)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")

    def __str__(self):
        from django.utils.translation import gettext

        return gettext(self.name)

    def rule_code(self, period: str) -> str:
        return f"{self.rule_prefix}.{period}"


@audited()
class LicenceNumberSequence(models.Model):
    """The last number handed out for one number prefix (type + region or year). Locked with
    ``select_for_update`` while a number is drawn, so numbers are unique and never reused."""

    prefix = models.CharField(max_length=64, unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("licence number sequence")
        verbose_name_plural = _("licence number sequences")

    def __str__(self):
        return f"{self.prefix}: {self.last_value}"
