from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report of a violation")
    ENQUIRY = "enquiry", _("Enquiry")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    MEDIATION = "mediation", _("In mediation")
    VERIFYING = "verifying", _("Being verified")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    MEDIATED = "mediated", _("Mediated: the parties agreed")
    MEDIATION_FAILED = "mediation_failed", _("Mediation ended without agreement")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")
    SUBSTANTIATED = "substantiated", _("Substantiated")
    REFERRED = "referred", _("Referred to a case")
    ANSWERED = "answered", _("Answered")


class NotAcceptedGround(models.TextChoices):
    """Grounds for not accepting a complaint (SAMR Order 20 art. 15; the last one from Order 121)."""

    NOT_CONSUMER_DISPUTE = "not_consumer_dispute", _("Not a consumer dispute")
    OUTSIDE_COMPETENCE = "outside_competence", _("Outside the bureau's competence")
    TIME_BARRED = "time_barred", _("Filed more than three years after the harm was known")
    ALREADY_HANDLED = "already_handled", _("Already handled, in court or in arbitration")
    NO_SPECIFIC_FACTS = "no_specific_facts", _("No specific facts or no identifiable respondent")
    IMPERSONATION = "impersonation", _("Impersonation or refusal to verify identity")


class Attention(models.TextChoices):
    NONE = "", _("On time")
    DUE_SOON = "due_soon", _("Due within 2 working days")
    OVERDUE = "overdue", _("Overdue")


class Sender(models.TextChoices):
    STAFF = "staff", _("Handling bureau")
    FILER = "filer", _("Filer")


# Outcomes that close each kind of filing.
OUTCOMES_BY_KIND = {
    Kind.COMPLAINT: (Outcome.MEDIATED, Outcome.MEDIATION_FAILED, Outcome.NOT_ACCEPTED),
    Kind.REPORT: (Outcome.UNSUBSTANTIATED, Outcome.SUBSTANTIATED, Outcome.REFERRED, Outcome.NOT_ACCEPTED),
    Kind.ENQUIRY: (Outcome.ANSWERED,),
}
