import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from regulator import attachments, workflow
from regulator.models import Enterprise
from regulator.workflow import InvalidTransition, StateMachine

MACHINE = StateMachine({"active": ("suspended", "closed"), "suspended": ("active", "closed")})


def test_a_transition_writes_a_timeline_entry_and_internal_notes_stay_internal(world):
    enterprise = world.enterprises["xq_pharmacy"]
    officer = world.users["xq_officer"]
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        workflow.transition(MACHINE, locked, "suspended", actor=officer, note="GSP critical defect", internal=True)
        workflow.transition(MACHINE, locked, "active", actor=officer, note="corrected")

    staff_view = [(e.from_state, e.to_state, e.note) for e in workflow.timeline(enterprise, include_internal=True)]
    public_view = [(e.from_state, e.to_state) for e in workflow.timeline(enterprise, include_internal=False)]

    assert staff_view == [("active", "suspended", "GSP critical defect"), ("suspended", "active", "corrected")]
    assert public_view == [("suspended", "active")]


def test_an_illegal_transition_names_the_allowed_ones_and_changes_nothing(world):
    enterprise = world.enterprises["xq_pharmacy"]
    with pytest.raises(InvalidTransition) as refused, transaction.atomic():
        workflow.transition(MACHINE, Enterprise.objects.select_for_update().get(pk=enterprise.pk), "bogus")

    assert refused.value.allowed == ["suspended", "closed"]
    enterprise.refresh_from_db()
    assert enterprise.status == "active"


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (23.0, 40.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_an_image_is_stored_without_its_gps_and_camera_metadata(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("photo.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    assert Image.open(io.BytesIO(_jpeg_with_gps())).getexif()  # the original carries EXIF

    stored = attachments.store_attachment(world.enterprises["xq_pharmacy"], upload, purpose="evidence")

    with stored.file.open("rb") as handle:
        kept = Image.open(io.BytesIO(handle.read()))
        assert not kept.getexif()
        assert kept.size == (40, 30)
    assert (stored.content_type, stored.jurisdiction.code) == ("image/jpeg", "445102")


def test_a_file_is_judged_by_its_content_not_its_name(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake_pdf = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")

    with pytest.raises(ValidationError) as refused:
        attachments.store_attachment(world.enterprises["xq_pharmacy"], fake_pdf, field="documents")

    assert "licence.pdf" in refused.value.message_dict["documents"][0]
    assert attachments.attachments_of(world.enterprises["xq_pharmacy"]).count() == 0


def test_an_oversize_file_is_refused_with_the_limit(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * 5000, content_type="application/pdf")

    with pytest.raises(ValidationError) as refused:
        attachments.store_attachment(world.enterprises["xq_pharmacy"], big, max_bytes=4096)

    assert "MB" in refused.value.message_dict["attachment"][0]


def refuse_everything(data):
    raise attachments.ScanRefused("EICAR test signature")


def test_the_virus_scan_hook_can_refuse_a_file(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_SCANNER = "tests.regulator.test_workflow_and_attachments.refuse_everything"
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")

    with pytest.raises(ValidationError, match="EICAR"):
        attachments.store_attachment(world.enterprises["xq_pharmacy"], pdf)
