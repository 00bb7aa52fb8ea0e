from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from regulator.models.tenancy import TenantModel


class Attachment(TenantModel):
    """A file attached to a record (an application's documents, a complaint's photos).

    Its type was sniffed from the content, its size checked and, for images, its metadata (GPS,
    camera) stripped before it was stored; see ``regulator.attachments.store_attachment``.
    Files are served only through scoped views, never from a public media URL.
    """

    subject_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    scan_result = models.CharField(_("virus scan"), max_length=64, default="not scanned")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self):
        return self.original_name
