"""The demo data holds complaints and reports in every state across the three districts/counties."""

from io import StringIO

import pytest
from django.core.management import call_command

from complaints import services
from complaints.choices import Kind, Outcome, Status
from complaints.models import Complaint, Message


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())


def test_every_state_and_outcome_in_every_county(seeded):
    for county in ("445102", "445103", "445122"):
        rows = Complaint.objects.filter(handling_agency__jurisdiction__code=county)
        states = {(kind, status) for kind, status in rows.values_list("kind", "status")}
        assert {(Kind.COMPLAINT, s) for s in (Status.RECEIVED, Status.ACCEPTED, Status.MEDIATION, Status.CLOSED)} \
            <= states, county
        assert {(Kind.REPORT, Status.RECEIVED), (Kind.REPORT, Status.VERIFYING), (Kind.REPORT, Status.CLOSED),
                (Kind.ENQUIRY, Status.RECEIVED), (Kind.ENQUIRY, Status.CLOSED)} <= states, county
        assert set(rows.exclude(outcome="").values_list("outcome", flat=True)) >= {
            Outcome.MEDIATED, Outcome.MEDIATION_FAILED, Outcome.NOT_ACCEPTED, Outcome.REFERRED, Outcome.NO_CASE,
            Outcome.ANSWERED}
        assert rows.filter(status=Status.CLOSED, parties_notified_on__isnull=False).exists(), county
        assert rows.filter(status=Status.CLOSED, parties_notified_on__isnull=True, due_on__isnull=False).exists()
        assert rows.filter(attention="overdue").exists(), county
    assert Complaint.objects.filter(handling_agency__jurisdiction__code="445100").exists()


def test_the_demo_codes_open_the_status_page(seeded):
    complaint = services.locate("JBD445122-08", "DEMO-JBD445122-08")

    assert complaint is not None and complaint.status == Status.VERIFYING


def test_a_second_seed_creates_no_complaint(seeded):
    before = (Complaint.objects.count(), Message.objects.count())

    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())

    assert (Complaint.objects.count(), Message.objects.count()) == before
