from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from regulator.models.tenancy import TenantModel


class TimelineEntry(TenantModel):
    """One step of a workflow: who moved the subject from which state to which, when, and why.

    ``internal`` entries (reviewers' notes) are shown to regulator staff only, never to the applicant,
    the filer or the public.
    """

    subject_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    actor_label = models.CharField(
        _("actor"), max_length=64, blank=True,
        help_text=_("Who acted when it was not a user, e.g. the public filer or the system."),
    )
    from_state = models.CharField(_("from"), max_length=32, blank=True)
    to_state = models.CharField(_("to"), max_length=32)
    note = models.TextField(_("note"), blank=True)
    internal = models.BooleanField(_("internal"), default=False)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]

    def __str__(self):
        return f"{self.from_state or '∅'} → {self.to_state}"
