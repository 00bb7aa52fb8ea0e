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
    NO_CASE = "no_case", _("No case opened")
    ANSWERED = "answered", _("Answered")


class NotAcceptedGround(models.TextChoices):
    """Grounds for not accepting a complaint (SAMR Order 20 art. 15; the last one from Order 121)."""

    NOT_CONSUMER_DISPUTE = "not_consumer_dispute", _("Not a consumer dispute")
    OUTSIDE_COMPETENCE = "outside_competence", _("Outside the bureau's competence")
    TIME_BARRED = "time_barred", _("Filed more than three years after the harm was known")
    ALREADY_HANDLED = "already_handled", _("Already handled, in court or in arbitration")
    NO_SPECIFIC_FACTS = "no_specific_facts", _("No specific facts or no identifiable respondent")
    IMPERSONATION = "impersonation", _("Impersonation or refusal to verify identity")


class NoCaseReason(models.TextChoices):
    """Why a verified report leads to no case (不予立案): the conditions for opening a case that are not met
    (SAMR Order 2, procedure of administrative penalties, art. 20) [secondary]."""

    UNSUBSTANTIATED = "unsubstantiated", _("The facts reported were not confirmed")
    NO_PENALTY = "no_penalty", _("Minor violation corrected in time without harm: no penalty is due")
    NOT_COMPETENT = "not_competent", _("Not within this bureau's competence")
    TIME_LIMIT = "time_limit", _("The time limit for a penalty has passed")


# A no-case reason that still confirms the violation reported (credit supervision records it).
CONFIRMED_NO_CASE_REASONS = (NoCaseReason.NO_PENALTY,)


class Attention(models.TextChoices):
    NONE = "", _("On time")
    DUE_SOON = "due_soon", _("Due within 2 working days")
    OVERDUE = "overdue", _("Overdue")


class Sender(models.TextChoices):
    STAFF = "staff", _("Handling bureau")
    FILER = "filer", _("Filer")


# Outcomes that close each kind of filing. A report ends with its case-filing decision: a case opened
# (``REFERRED``, 立案) or not (``NO_CASE``, 不予立案, with its reason). ``SUBSTANTIATED`` and ``UNSUBSTANTIATED``
# remain only for reports closed before the decision was recorded as such; nothing closes with them any more.
OUTCOMES_BY_KIND = {
    Kind.COMPLAINT: (Outcome.MEDIATED, Outcome.MEDIATION_FAILED, Outcome.NOT_ACCEPTED),
    Kind.REPORT: (Outcome.REFERRED, Outcome.NO_CASE),
    Kind.ENQUIRY: (Outcome.ANSWERED,),
}

# Outcomes that end a mediation: the bureau then notifies both parties (SAMR Order 20).
MEDIATION_OUTCOMES = (Outcome.MEDIATED, Outcome.MEDIATION_FAILED)

# Outcomes closed with ``close()``; the others have their own action (not accepting, the case-filing decision).
CLOSE_OUTCOMES = {kind: tuple(o for o in outcomes if o not in (Outcome.NOT_ACCEPTED, Outcome.REFERRED,
                                                                Outcome.NO_CASE))
                  for kind, outcomes in OUTCOMES_BY_KIND.items()}
