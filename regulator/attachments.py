"""Storing uploaded files safely: type from the content, size limit, virus-scan hook, metadata stripped.

``store_attachment`` is the one way a domain app keeps a file. A refused file raises ``ValidationError``
on the field the caller names, saying which rule it broke, and writes nothing.
"""

import hashlib
import io

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from regulator.models import Attachment

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
DOCUMENTS = (PDF, JPEG, PNG)
IMAGES = (JPEG, PNG)
_LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}


class ScanRefused(Exception):
    """Raised by a virus scanner for a file it will not let through."""


def sniff(data: bytes) -> str | None:
    kind = filetype.guess(data[:8192])
    return kind.mime if kind else None


def strip_image_metadata(data: bytes, mime: str) -> bytes:
    """Re-encode the pixels only: EXIF (GPS position, camera, time) and text chunks are not written back.

    The EXIF orientation is applied first, so that a phone photo still stands the right way up.
    """
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        if mime == JPEG:
            upright.convert("RGB").save(out, format="JPEG", quality=90)
        else:
            upright.save(out, format="PNG")
        return out.getvalue()


def scan(data: bytes) -> str:
    """Run the configured scanner (``ATTACHMENT_SCANNER``, a dotted path to ``f(bytes) -> str``).

    Without one the file is stored as "not scanned": the hook is where a bureau plugs its ClamAV or
    vendor engine. A scanner refuses a file by raising ``ScanRefused``.
    """
    path = getattr(settings, "ATTACHMENT_SCANNER", "")
    if not path:
        return "not scanned"
    return import_string(path)(data)


def validate_upload(uploaded, *, field: str, allowed: tuple[str, ...] = DOCUMENTS,
                    max_bytes: int | None = None) -> tuple[bytes, str]:
    """Read and check one upload; returns (bytes to store, sniffed type)."""
    max_bytes = max_bytes or settings.ATTACHMENT_MAX_BYTES
    if uploaded.size > max_bytes:
        raise ValidationError({field: _("“%(name)s” is %(size).1f MB; the limit is %(limit).1f MB.") % {
            "name": uploaded.name, "size": uploaded.size / 2**20, "limit": max_bytes / 2**20}})
    data = uploaded.read()
    mime = sniff(data)
    if mime not in allowed:
        raise ValidationError({field: _("“%(name)s” is not a %(allowed)s file (judged by its content, not its name).")
                               % {"name": uploaded.name, "allowed": " / ".join(_LABELS.get(a, a) for a in allowed)}})
    if mime in IMAGES:
        try:
            data = strip_image_metadata(data, mime)
        except (UnidentifiedImageError, OSError):
            raise ValidationError({field: _("“%(name)s” is a damaged image.") % {"name": uploaded.name}}) from None
    return data, mime


def store_attachment(subject, uploaded, *, actor=None, field: str = "attachment", purpose: str = "",
                     allowed: tuple[str, ...] = DOCUMENTS, max_bytes: int | None = None,
                     jurisdiction=None) -> Attachment:
    """Check ``uploaded`` and attach it to ``subject`` (in the caller's transaction)."""
    data, mime = validate_upload(uploaded, field=field, allowed=allowed, max_bytes=max_bytes)
    try:
        scan_result = scan(data)
    except ScanRefused as refusal:
        raise ValidationError({field: _("“%(name)s” was refused by the virus scan: %(reason)s")
                               % {"name": uploaded.name, "reason": refusal}}) from None
    attachment = Attachment(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk),
        jurisdiction=jurisdiction or subject.jurisdiction, original_name=uploaded.name[:255], content_type=mime,
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), purpose=purpose,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None, scan_result=scan_result,
    )
    attachment.file.save(uploaded.name, ContentFile(data), save=False)
    attachment.save()
    return attachment


def attachments_of(subject):
    return Attachment.objects.filter(subject_type=ContentType.objects.get_for_model(subject),
                                     subject_id=str(subject.pk))


def download(attachment, *, inline: bool = False) -> FileResponse:
    """The stored file under its original name, with the type read from its content at upload. The caller has
    already checked that the user may see the subject it belongs to."""
    return FileResponse(attachment.file.open("rb"), as_attachment=not inline, filename=attachment.original_name,
                        content_type=attachment.content_type)
