"""The licence certificate as a PDF: Chinese through reportlab's built-in CID font, and a QR code
pointing to the public verification page."""

import io

import qrcode
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"


def _register_font():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def render(licence, verify_url: str) -> bytes:
    """An official document: always in Chinese, whatever the reader's language."""
    with translation.override("zh-hans"):
        return _render(licence, verify_url)


def _render(licence, verify_url: str) -> bytes:
    _register_font()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"{licence.licence_type} {licence.number}")
    pdf.setStrokeColorRGB(0.11, 0.31, 0.56)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setFont(FONT, 26)
    pdf.drawCentredString(width / 2, height - 35 * mm, str(licence.licence_type))
    pdf.setFont(FONT, 12)
    pdf.drawCentredString(width / 2, height - 44 * mm, _("Licence number: %(number)s") % {"number": licence.number})

    rows = [
        (_("Holder"), licence.holder_name),
        (_("Unified social credit code"), licence.credit_code),
        (_("Address"), licence.address),
        (_("Legal representative"), licence.legal_representative or "—"),
        (_("Responsible pharmacist"), licence.responsible_pharmacist or "—"),
        (_("Business scope"), licence.business_scope or "—"),
        (_("Valid"), f"{licence.valid_from:%Y-%m-%d} — "
                     f"{licence.valid_until:%Y-%m-%d}" if licence.valid_until else f"{licence.valid_from:%Y-%m-%d} —"),
        (_("Issued by"), licence.issuing_agency.name_zh),
        (_("Issued on"), f"{licence.issued_on:%Y-%m-%d}"),
    ]
    y = height - 62 * mm
    for label, value in rows:
        pdf.setFont(FONT, 12)
        pdf.drawString(30 * mm, y, label)
        for line in _wrap(str(value), 34):
            pdf.drawString(85 * mm, y, line)
            y -= 7 * mm
        y -= 2 * mm

    image = qrcode.make(verify_url, box_size=6, border=1).get_image()
    pdf.drawImage(ImageReader(image), width - 80 * mm, 40 * mm, 50 * mm, 50 * mm)
    pdf.linkURL(verify_url, (width - 80 * mm, 40 * mm, width - 30 * mm, 90 * mm), relative=0)
    pdf.setFont(FONT, 9)
    pdf.drawCentredString(width - 55 * mm, 34 * mm, _("Scan to verify this licence"))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
