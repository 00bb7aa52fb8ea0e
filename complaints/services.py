"""State changes of the complaints app: atomic, validated, recording kernel events.

Every statutory clock is read from the rule table in the version in force on the complaint's date of
receipt (``Complaint.received_on``): a complaint received on 2026-04-14 keeps SAMR Order 20's 45 working
days of mediation even if mediation starts after Order 121 came into force.
"""

import difflib
import logging
import secrets
from datetime import date, datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from complaints.choices import (
    CLOSE_OUTCOMES,
    CONFIRMED_NO_CASE_REASONS,
    MEDIATION_OUTCOMES,
    Attention,
    Kind,
    NoCaseReason,
    NotAcceptedGround,
    Outcome,
    Sender,
    Status,
)
from complaints.models import Complaint, Escalation, FilerIdentity, IdentityAccess, Message
from regulator import events, services, workflow
from regulator.attachments import store_attachment
from regulator.calendar import WorkingCalendar
from regulator.choices import DeadlineStatus, JurisdictionLevel, Role, UserKind
from regulator.models import Agency, Attachment, Deadline, Jurisdiction, TimelineEntry, User
from regulator.tenancy import rls_bypass, scope_for
from regulator.workflow import StateMachine, transition

logger = logging.getLogger(__name__)

MACHINES = {
    Kind.COMPLAINT: StateMachine({
        Status.RECEIVED: (Status.ACCEPTED, Status.CLOSED),
        Status.ACCEPTED: (Status.MEDIATION,),
        Status.MEDIATION: (Status.CLOSED,),
    }),
    # A report is verified before the decision whether to open a case, which closes it.
    Kind.REPORT: StateMachine({
        Status.RECEIVED: (Status.VERIFYING,),
        Status.VERIFYING: (Status.CLOSED,),
    }),
    Kind.ENQUIRY: StateMachine({Status.RECEIVED: (Status.CLOSED,)}),
}

# Working-practice numbers, not statutory ones (those live in the rule table).
DUE_SOON_WORKING_DAYS = 2
DUPLICATE_WINDOW_DAYS = 30
DUPLICATE_SIMILARITY = 0.5
MIN_ANONYMOUS_FACTS = 30  # characters: an anonymous report must give specific facts
HANDLER_ROLES = (Role.OFFICER, Role.REVIEWER, Role.APPROVER, Role.INSPECTOR)

RULE_ACCEPT = "complaint.accept_decision"
RULE_MEDIATION = "complaint.mediation"
RULE_NOTIFY = "complaint.notify_parties"
RULE_VERIFY = "report.verify"
RULE_VERIFY_EXTENSION = "report.verify_extension"
RULE_INFORM = "report.inform_reporter"
RULE_DISPUTE = "complaint.jurisdiction_dispute"
RULE_LIMITATION = "complaint.limitation"

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_PREFIX = {Kind.COMPLAINT: "TS", Kind.REPORT: "JB", Kind.ENQUIRY: "ZX"}


# --- Receipts ----------------------------------------------------------------------------------

def _random(n: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(n))


def new_tracking_number(kind: str, on: date) -> str:
    return f"{_PREFIX[kind]}{on:%y%m%d}{_random(6)}"


def new_secret_code() -> str:
    raw = _random(12)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def hash_secret(code: str) -> str:
    """A keyed hash: the code has 60 bits of entropy, so a fast HMAC suffices (no slow password hash)."""
    return salted_hmac("complaints.secret-code", normalise_code(code)).hexdigest()


def locate(tracking_number: str, code: str) -> Complaint | None:
    """The complaint whose receipt this is, or None (the same answer for a wrong code and an unknown number)."""
    with rls_bypass("public complaint status page"):
        complaint = Complaint.objects.filter(tracking_number=(tracking_number or "").strip().upper()).first()
    expected = complaint.secret_hash if complaint else hash_secret("decoy")
    if constant_time_compare(expected, hash_secret(code)) and complaint is not None:
        return complaint
    return None


# --- Who may act -------------------------------------------------------------------------------

def is_handler(actor, complaint: Complaint) -> bool:
    return (getattr(actor, "kind", None) == UserKind.STAFF and actor.agency_id == complaint.handling_agency_id
            and actor.has_role(*HANDLER_ROLES))


def is_head_of_unit(actor, complaint: Complaint) -> bool:
    return (getattr(actor, "kind", None) == UserKind.STAFF and actor.agency_id == complaint.handling_agency_id
            and actor.has_role(Role.APPROVER))


def can_see_identity(actor, complaint: Complaint) -> bool:
    """Only the assigned handler and the head of the handling unit; never machines, never other staff."""
    if getattr(actor, "kind", None) != UserKind.STAFF:
        return False
    return (complaint.assigned_to_id is not None and complaint.assigned_to_id == actor.pk) \
        or is_head_of_unit(actor, complaint)


def require_handler(actor, complaint: Complaint) -> None:
    if not is_handler(actor, complaint):
        raise PermissionDenied(_("Only the staff of the handling bureau may act on this filing."))


# --- Clocks ------------------------------------------------------------------------------------

def _content_type():
    return ContentType.objects.get_for_model(Complaint)


def _deadlines(complaint: Complaint):
    return Deadline.objects.filter(subject_type=_content_type(), subject_id=str(complaint.pk))


def _start_clock(complaint: Complaint, code: str, *, started_on: date) -> Deadline:
    rule = services.rule_in_force(code, complaint.received_on)  # the version in force on the date of receipt
    return Deadline.objects.create(subject_type=_content_type(), subject_id=str(complaint.pk),
                                   jurisdiction=complaint.jurisdiction, rule=rule, started_on=started_on,
                                   due_on=services.due_date(rule, started_on))


def _running(complaint: Complaint, code: str) -> Deadline | None:
    return _deadlines(complaint).filter(rule__code=code, status__in=[DeadlineStatus.RUNNING,
                                                                     DeadlineStatus.STOPPED]).first()


def _complete(complaint: Complaint, code: str, on: date) -> None:
    deadline = _running(complaint, code)
    if deadline is not None:
        if deadline.status == DeadlineStatus.STOPPED:
            deadline = services.resume_clock(deadline, on=on)
        services.complete_deadline(deadline, on=on)


def _refresh_due(complaint: Complaint) -> None:
    """The queue sorts by the earliest running clock of the handling work (a dispute clock is not one).

    When that date changes (a clock met, another started, an extension) the attention flag no longer
    applies; the nightly task sets it again for the clock now running."""
    first = (_deadlines(complaint).filter(status=DeadlineStatus.RUNNING).exclude(rule__code=RULE_DISPUTE)
             .order_by("due_on").first())
    due_on = first.due_on if first else None
    if due_on != complaint.due_on:
        complaint.attention = Attention.NONE
    complaint.due_on = due_on


def _today(on: date | None) -> date:
    return on or timezone.localdate()


# --- Events ------------------------------------------------------------------------------------

def _record(kind: str, complaint: Complaint, *, actor=None, payload=None, name_enterprise: bool = False):
    """Record a complaint event. Only the outcome that credit supervision needs names the enterprise: any other
    would show the enterprise its complaints (and tip off the subject of a report) in its event feed."""
    base = {"tracking_number": complaint.tracking_number, "kind": complaint.kind}
    return events.record_event(kind, subject=complaint, actor=actor, payload={**base, **(payload or {})},
                               name_enterprise=name_enterprise)


def _timeline_note(complaint: Complaint, note: str, *, actor=None, actor_label: str = "", internal: bool = True):
    return workflow.record_step(complaint, from_state=complaint.status, to_state=complaint.status, note=note,
                                actor=actor, actor_label=actor_label, internal=internal)


def _notify_filer(complaint: Complaint, subject: str, body: str) -> None:
    """E-mail the filer, if they gave an address, after the change commits. Never the handler's name."""
    identity = FilerIdentity.objects.filter(complaint=complaint).first()
    if identity is None or not identity.email:
        return
    address = identity.email

    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:  # a mail outage must not undo the filing; the status page still works
            logger.warning("could not e-mail the filer of %s", complaint.tracking_number)

    transaction.on_commit(send)


# --- Filing ------------------------------------------------------------------------------------

def route(enterprise, county: Jurisdiction | None) -> tuple[Jurisdiction, Agency]:
    """The enterprise's own bureau; when the enterprise is unknown, the city bureau triages it."""
    if enterprise is not None:
        return enterprise.jurisdiction, enterprise.jurisdiction.agency
    city = county.parent if county is not None and county.level == JurisdictionLevel.COUNTY else county
    if city is None or city.level != JurisdictionLevel.CITY:
        city = Jurisdiction.objects.current().filter(level=JurisdictionLevel.CITY).order_by("code").first()
    return city, city.agency


@transaction.atomic
def file_complaint(*, kind: str, subject: str, description: str, enterprise=None, enterprise_description: str = "",
                   place: str = "", county: Jurisdiction | None = None, product_name: str = "",
                   approval_number: str = "", batch_number: str = "", trace_code: str = "",
                   occurred_on: date | None = None, name: str = "", phone: str = "", email: str = "",
                   id_number: str = "", address: str = "", files=(), received_at: datetime | None = None,
                   tracking_number: str = "", code: str = "") -> tuple[Complaint, str]:
    """File a complaint, report or enquiry from the public. Returns it and its secret code (shown once).

    ``tracking_number`` and ``code`` are for filings taken over from another system (and the demo data);
    the public form never passes them.
    """
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = [_("Choose complaint, report or enquiry.")]
    has_contact = bool(phone or email)
    if kind == Kind.COMPLAINT and not (name and has_contact):
        errors["name"] = [_("A complaint needs your name and a phone number or e-mail address.")]
    if kind == Kind.REPORT and not name and len((description or "").strip()) < MIN_ANONYMOUS_FACTS:
        errors["description"] = [_("An anonymous report must give specific facts: what, where and when "
                                   "(at least %(n)d characters).") % {"n": MIN_ANONYMOUS_FACTS}]
    if kind in (Kind.COMPLAINT, Kind.REPORT) and enterprise is None and not (enterprise_description or place):
        errors["enterprise_description"] = [_("Choose the enterprise, or describe it with its name or address.")]
    if occurred_on and occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("This date is in the future.")]
    if errors:
        raise ValidationError(errors)

    received_at = received_at or timezone.now()
    received_on = timezone.localdate(received_at)
    jurisdiction, agency = route(enterprise, county)
    code = code or new_secret_code()
    tracking_number = tracking_number or new_tracking_number(kind, received_on)
    while Complaint.objects.filter(tracking_number=tracking_number).exists():
        tracking_number = new_tracking_number(kind, received_on)
    complaint = Complaint.objects.create(
        tracking_number=tracking_number, secret_hash=hash_secret(code), kind=kind, received_at=received_at,
        received_on=received_on, jurisdiction=jurisdiction, handling_agency=agency, enterprise=enterprise,
        enterprise_description=enterprise_description, place=place, product_name=product_name,
        approval_number=approval_number, batch_number=batch_number, trace_code=trace_code, subject=subject,
        description=description, occurred_on=occurred_on, anonymous=not name,
    )
    FilerIdentity.objects.create(complaint=complaint, jurisdiction=jurisdiction, name=name, phone=phone,
                                 email=email, id_number=id_number, address=address)
    for index, uploaded in enumerate(files):
        store_attachment(complaint, uploaded, field="attachments", purpose=f"evidence {index + 1}")
    if kind == Kind.COMPLAINT:
        _start_clock(complaint, RULE_ACCEPT, started_on=received_on)
    elif kind == Kind.REPORT:
        _start_clock(complaint, RULE_VERIFY, started_on=received_on)
    _refresh_due(complaint)
    complaint.save(update_fields=["due_on", "attention"])
    TimelineEntry.objects.create(subject_type=_content_type(), subject_id=str(complaint.pk),
                                 jurisdiction=jurisdiction, actor_label="filer", from_state="",
                                 to_state=Status.RECEIVED)
    _record("complaint.filed", complaint, payload={"handling_agency": agency.jurisdiction.code})
    _notify_filer(complaint, _("Your filing %(number)s was received") % {"number": tracking_number},
                  _("Tracking number: %(number)s\nSecret code: %(code)s\n\nKeep both: with them the status page "
                    "shows the progress and the replies.") % {"number": tracking_number, "code": code})
    return complaint, code


# --- Handling ----------------------------------------------------------------------------------

def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("jurisdiction", "handling_agency").get(
        pk=complaint.pk)


def _take_if_unassigned(complaint: Complaint, actor) -> None:
    if complaint.assigned_to_id is None:
        complaint.assigned_to = actor


def _move(complaint: Complaint, target: str, *, actor, note: str = "", internal: bool = False):
    return transition(MACHINES[complaint.kind], complaint, target, actor=actor, note=note, internal=internal)


@transaction.atomic
def assign(complaint: Complaint, *, actor, assignee: User) -> Complaint:
    """The head of unit assigns a handler; an officer may take an unassigned filing himself."""
    complaint = _lock(complaint)
    require_handler(actor, complaint)
    if not is_handler(assignee, complaint):
        raise ValidationError({"assignee": _("The handler must be staff of the handling bureau.")})
    if not is_head_of_unit(actor, complaint) and not (assignee == actor and complaint.assigned_to_id is None):
        raise PermissionDenied(_("Only the head of unit assigns filings; you may take an unassigned one."))
    complaint.assigned_to = assignee
    complaint.save(update_fields=["assigned_to", "updated_at"])
    _timeline_note(complaint, _("Assigned to %(name)s") % {"name": assignee}, actor=actor)
    return complaint


@transaction.atomic
def accept(complaint: Complaint, *, actor, note: str = "", on: date | None = None) -> Complaint:
    """Accept a complaint for handling (within 7 working days of receipt)."""
    complaint = _lock(complaint)
    require_handler(actor, complaint)
    on = _today(on)
    _move(complaint, Status.ACCEPTED, actor=actor, note=note)
    _take_if_unassigned(complaint, actor)
    _complete(complaint, RULE_ACCEPT, on)
    _complete(complaint, RULE_DISPUTE, on)
    _refresh_due(complaint)
    complaint.save()
    _record("complaint.accepted", complaint, actor=actor)
    return complaint


@transaction.atomic
def start_mediation(complaint: Complaint, *, actor, on: date | None = None) -> Complaint:
    complaint = _lock(complaint)
    require_handler(actor, complaint)
    on = _today(on)
    _move(complaint, Status.MEDIATION, actor=actor)
    _start_clock(complaint, RULE_MEDIATION, started_on=on)
    _refresh_due(complaint)
    complaint.save()
    return complaint


@transaction.atomic
def pause_mediation(complaint: Complaint, *, actor, reason: str, on: date | None = None) -> Complaint:
    """Testing or appraisal time does not count towards the mediation period (SAMR Order 20)."""
    complaint = _lock(complaint)
    require_handler(actor, complaint)
    deadline = _running(complaint, RULE_MEDIATION)
    if complaint.status != Status.MEDIATION or deadline is None:
        raise ValidationError({"status": _("Only a mediation in progress can be paused.")})
    services.stop_clock(deadline, on=_today(on), reason=reason)
    _timeline_note(complaint, _("Mediation clock stopped: %(reason)s") % {"reason": reason}, actor=actor)
    _refresh_due(complaint)
    complaint.save()
    return complaint


@transaction.atomic
def resume_mediation(complaint: Complaint, *, actor, on: date | None = None) -> Complaint:
    complaint = _lock(complaint)
    require_handler(actor, complaint)
    deadline = _running(complaint, RULE_MEDIATION)
    if deadline is None:
        raise ValidationError({"status": _("No mediation clock is stopped.")})
    services.resume_clock(deadline, on=_today(on))
    _timeline_note(complaint, _("Mediation clock resumed"), actor=actor)
    _refresh_due(complaint)
    complaint.save()
    return complaint


@transaction.atomic
def start_verification(complaint: Complaint, *, actor, on: date | None = None) -> Complaint:
    complaint = _lock(complaint)
    require_handler(actor, complaint)
    _move(complaint, Status.VERIFYING, actor=actor)
    _take_if_unassigned(complaint, actor)
    _complete(complaint, RULE_DISPUTE, _today(on))
    complaint.save()
    return complaint


@transaction.atomic
def extend_verification(complaint: Complaint, *, actor, reason: str) -> Complaint:
    """The head of unit extends the 15-working-day check by 15 more, once."""
    complaint = _lock(complaint)
    if not is_head_of_unit(actor, complaint):
        raise PermissionDenied(_("Only the head of the handling unit may approve an extension."))
    deadline = _running(complaint, RULE_VERIFY)
    if complaint.kind != Kind.REPORT or complaint.status != Status.VERIFYING or deadline is None:
        raise ValidationError({"status": _("Only a report being verified can be extended.")})
    if complaint.extended:
        raise ValidationError({"status": _("The verification has already been extended once.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    extension = services.rule_in_force(RULE_VERIFY_EXTENSION, complaint.received_on)
    deadline.due_on = services.due_date(extension, deadline.due_on)
    deadline.overdue_flagged_at = None
    deadline.save(update_fields=["due_on", "overdue_flagged_at", "updated_at"])
    complaint.extended = True
    _timeline_note(complaint, _("Verification extended by %(n)d working days: %(reason)s")
                   % {"n": extension.amount, "reason": reason}, actor=actor)
    _refresh_due(complaint)
    complaint.save()
    return complaint


@transaction.atomic
def not_accept(complaint: Complaint, *, actor, ground: str, reply: str, on: date | None = None) -> Complaint:
    """Decline a complaint, with the ground, and tell the filer why. Reports and enquiries are not declined:
    a report ends with the decision whether to open a case (``decide_case``), an enquiry is answered."""
    complaint = _lock(complaint)
    require_handler(actor, complaint)
    if complaint.kind == Kind.ENQUIRY:
        raise ValidationError({"kind": _("An enquiry is answered, not declined.")})
    if complaint.kind == Kind.REPORT:
        raise ValidationError({"kind": _("A report is not declined: after verification, record the decision "
                                         "whether to open a case.")})
    if ground not in NotAcceptedGround.values:
        raise ValidationError({"ground": _("Choose the ground for not accepting.")})
    if ground == NotAcceptedGround.IMPERSONATION and "Order 121" not in services.rule_in_force(
            RULE_MEDIATION, complaint.received_on).source:
        raise ValidationError({"ground": _("This ground exists only for filings received under SAMR Order 121.")})
    return _close(complaint, actor=actor, outcome=Outcome.NOT_ACCEPTED, reply=reply, on=_today(on), ground=ground)


@transaction.atomic
def close(complaint: Complaint, *, actor, outcome: str, reply: str, on: date | None = None) -> Complaint:
    """Record the outcome and the reply to the filer."""
    complaint = _lock(complaint)
    require_handler(actor, complaint)
    if outcome == Outcome.NOT_ACCEPTED:
        raise ValidationError({"outcome": _("Decline with its ground instead.")})
    if outcome in (Outcome.REFERRED, Outcome.NO_CASE) and complaint.kind == Kind.REPORT:
        raise ValidationError({"outcome": _("Record the decision whether to open a case instead.")})
    if outcome not in CLOSE_OUTCOMES[complaint.kind]:
        raise ValidationError({"outcome": _("“%(outcome)s” is not an outcome of a %(kind)s.") % {
            "outcome": outcome, "kind": Kind(complaint.kind).label}})
    return _close(complaint, actor=actor, outcome=outcome, reply=reply, on=_today(on))


@transaction.atomic
def decide_case(complaint: Complaint, *, actor, open_case: bool, reply: str, reason: str = "",
                on: date | None = None) -> Complaint:
    """The decision that ends the verification of a report: open a case (立案) or not (不予立案, with its reason).

    The reply tells the reporter the decision; a real-name reporter must learn it within the rule's working
    days, and sending it with the decision meets that clock at once (for either decision).
    """
    complaint = _lock(complaint)
    require_handler(actor, complaint)
    if complaint.kind != Kind.REPORT:
        raise ValidationError({"kind": _("Only a report ends with the decision whether to open a case.")})
    if open_case:
        reason = ""
    elif reason not in NoCaseReason.values:
        raise ValidationError({"reason": _("Choose the reason for opening no case.")})
    return _close(complaint, actor=actor, outcome=Outcome.REFERRED if open_case else Outcome.NO_CASE, reply=reply,
                  on=_today(on), no_case_reason=reason)


def _closing_note(outcome: str, ground: str, no_case_reason: str) -> str:
    if outcome == Outcome.REFERRED:
        return _("Case-filing decision: a case is opened")
    if outcome == Outcome.NO_CASE:
        return _("Case-filing decision: no case is opened (%(reason)s)") % {
            "reason": NoCaseReason(no_case_reason).label}
    if ground:
        return f"{Outcome(outcome).label}: {NotAcceptedGround(ground).label}"
    return Outcome(outcome).label


def _close(complaint: Complaint, *, actor, outcome: str, reply: str, on: date, ground: str = "",
           no_case_reason: str = "", actor_label: str = "") -> Complaint:
    if not (reply or "").strip():
        raise ValidationError({"reply": _("Write the reply to the filer.")})
    MACHINES[complaint.kind].check(complaint.status, Status.CLOSED)
    complaint.outcome, complaint.not_accepted_ground, complaint.reply = outcome, ground, reply
    complaint.no_case_reason = no_case_reason
    complaint.closed_at = timezone.now()
    transition(MACHINES[complaint.kind], complaint, Status.CLOSED, actor=actor, actor_label=actor_label,
               note=_closing_note(outcome, ground, no_case_reason))
    if actor is not None:
        _take_if_unassigned(complaint, actor)
    for code in (RULE_ACCEPT, RULE_MEDIATION, RULE_VERIFY, RULE_DISPUTE):
        _complete(complaint, code, on)
    if outcome in MEDIATION_OUTCOMES:
        # Mediation ended, with or without agreement: both parties are to be notified within the rule's days.
        _start_clock(complaint, RULE_NOTIFY, started_on=on)
    if complaint.kind == Kind.REPORT:
        identity = FilerIdentity.objects.filter(complaint=complaint).first()
        if identity is not None and identity.real_name:
            # The reply carries the case-filing decision; sending it with the decision meets the clock at once.
            _start_clock(complaint, RULE_INFORM, started_on=on)
            _complete(complaint, RULE_INFORM, on)
    _refresh_due(complaint)
    complaint.save()
    Message.objects.create(complaint=complaint, jurisdiction=complaint.jurisdiction, sender=Sender.STAFF,
                           author=actor if getattr(actor, "is_authenticated", False) else None, body=reply)
    _record("complaint.closed", complaint, actor=actor, payload={"outcome": outcome, "ground": ground,
                                                                 "no_case_reason": no_case_reason})
    confirmed = outcome in (Outcome.SUBSTANTIATED, Outcome.REFERRED) or (
        outcome == Outcome.NO_CASE and no_case_reason in CONFIRMED_NO_CASE_REASONS)
    if confirmed and complaint.enterprise_id:
        _record("complaint.substantiated", complaint, actor=actor, name_enterprise=True, payload={
            "outcome": outcome, "enterprise": complaint.enterprise.credit_code})
    _notify_filer(complaint, _("Your filing %(number)s has been closed") % {"number": complaint.tracking_number},
                  _("The bureau has replied. Open the status page with your tracking number and secret code "
                    "to read the reply and rate the handling."))
    return complaint


@transaction.atomic
def record_parties_notified(complaint: Complaint, *, actor, note: str = "", on: date | None = None) -> Complaint:
    """The handler records that the complainant and the enterprise were told the mediation ended.

    Meets the notification clock started when the mediation ended (with or without agreement)."""
    complaint = _lock(complaint)
    require_handler(actor, complaint)
    on = _today(on)
    deadline = _running(complaint, RULE_NOTIFY)
    if deadline is None:
        raise ValidationError({"status": _("No notification of the parties is pending: it is due only once a "
                                           "mediation has ended.")})
    if on < deadline.started_on or on > timezone.localdate():
        raise ValidationError({"on": _("The notification date must lie between the end of the mediation and "
                                       "today.")})
    _complete(complaint, RULE_NOTIFY, on)
    complaint.parties_notified_on = on
    _refresh_due(complaint)
    complaint.save()
    text = _("Both parties notified that the mediation ended")
    note = (note or "").strip()
    _timeline_note(complaint, f"{text}: {note}" if note else text, actor=actor)
    _record("complaint.parties_notified", complaint, actor=actor, payload={"on": on.isoformat()})
    return complaint


@transaction.atomic
def transfer(complaint: Complaint, *, actor, to_agency: Agency, reason: str) -> Complaint:
    """Hand the filing to another bureau within the actor's scope (or up to the bureau above), with a reason.

    Starts the jurisdiction-dispute clock: if no bureau has taken the filing up within it, the nightly task
    flags the jurisdiction as disputed for the bureau above to settle.
    """
    complaint = _lock(complaint)
    require_handler(actor, complaint)
    if not complaint.is_open:
        raise ValidationError({"status": _("A closed filing cannot be transferred.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the transfer.")})
    own = actor.agency.jurisdiction
    target = to_agency.jurisdiction
    if to_agency.pk == complaint.handling_agency_id:
        raise ValidationError({"to_agency": _("The filing is already with this bureau.")})
    if not (scope_for(actor).includes_jurisdiction(target.pk) or target.pk == own.parent_id):
        raise ValidationError({"to_agency": _("You can transfer only within your jurisdiction or to the bureau "
                                              "above.")})
    if complaint.enterprise_id and not complaint.enterprise.jurisdiction.path.startswith(target.path):
        raise ValidationError({"to_agency": _("That bureau has no jurisdiction over the enterprise concerned.")})
    previous = complaint.handling_agency
    complaint.handling_agency = to_agency
    complaint.assigned_to = None
    new_owner = complaint.enterprise.jurisdiction if complaint.enterprise_id else target
    if new_owner.pk != complaint.jurisdiction_id:
        _move_ownership(complaint, new_owner)
    complaint.save()
    if _running(complaint, RULE_DISPUTE) is None and complaint.status == Status.RECEIVED:
        _start_clock(complaint, RULE_DISPUTE, started_on=timezone.localdate())
    _timeline_note(complaint, _("Transferred from %(from)s to %(to)s: %(reason)s") % {
        "from": previous.name, "to": to_agency.name, "reason": reason}, actor=actor)
    _record("complaint.transferred", complaint, actor=actor, payload={
        "from": previous.jurisdiction.code, "to": target.code, "reason": reason})
    return complaint


def _move_ownership(complaint: Complaint, owner: Jurisdiction) -> None:
    """Rows about the filing follow it to its new owner, so that row-level security keeps them together."""
    with rls_bypass("complaint transfer moves its rows to the new owning jurisdiction"):
        complaint.jurisdiction = owner
        for model in (FilerIdentity, Message, IdentityAccess, Escalation):
            model.objects.filter(complaint=complaint).update(jurisdiction=owner)
        by_subject = {"subject_type": _content_type(), "subject_id": str(complaint.pk)}
        for model in (Deadline, TimelineEntry, Attachment):
            model.objects.filter(**by_subject).update(jurisdiction=owner)


# --- Messages ----------------------------------------------------------------------------------

@transaction.atomic
def message_filer(complaint: Complaint, *, actor, body: str, question: bool = False) -> Message:
    """A question or a reply to the filer; they read it (and answer a question) on the status page."""
    complaint = _lock(complaint)
    require_handler(actor, complaint)
    if not (body or "").strip():
        raise ValidationError({"body": _("Write the message.")})
    _take_if_unassigned(complaint, actor)
    complaint.save(update_fields=["assigned_to", "updated_at"])
    message = Message.objects.create(complaint=complaint, jurisdiction=complaint.jurisdiction, sender=Sender.STAFF,
                                     author=actor, body=body, is_question=question)
    _notify_filer(complaint, _("News on your filing %(number)s") % {"number": complaint.tracking_number},
                  _("The bureau has written to you. Open the status page with your tracking number and secret "
                    "code to read it."))
    return message


@transaction.atomic
def add_note(complaint: Complaint, *, actor, body: str) -> Message:
    """An internal note: staff only, never on the status page."""
    complaint = _lock(complaint)
    require_handler(actor, complaint)
    if not (body or "").strip():
        raise ValidationError({"body": _("Write the note.")})
    return Message.objects.create(complaint=complaint, jurisdiction=complaint.jurisdiction, sender=Sender.STAFF,
                                  author=actor, body=body, internal=True)


@transaction.atomic
def filer_message(complaint: Complaint, *, body: str) -> Message:
    """The filer's answer, through the status page (the receipt code is their only credential)."""
    with rls_bypass("public complaint status page"):
        complaint = _lock(complaint)
        if not complaint.is_open:
            raise ValidationError({"body": _("This filing is closed; you can still rate its handling.")})
        if not (body or "").strip():
            raise ValidationError({"body": _("Write your answer.")})
        message = Message.objects.create(complaint=complaint, jurisdiction=complaint.jurisdiction,
                                         sender=Sender.FILER, body=body[:5000])
        _record("complaint.filer_answered", complaint)
    return message


@transaction.atomic
def rate(complaint: Complaint, *, score: int, comment: str = "") -> Complaint:
    with rls_bypass("public complaint status page"):
        complaint = _lock(complaint)
        if complaint.is_open:
            raise ValidationError({"satisfaction": _("You can rate the handling once the filing is closed.")})
        if complaint.satisfaction is not None:
            raise ValidationError({"satisfaction": _("You have already rated the handling.")})
        if score not in range(1, 6):
            raise ValidationError({"satisfaction": _("Rate from 1 to 5.")})
        complaint.satisfaction, complaint.satisfaction_comment = score, comment[:500]
        complaint.save(update_fields=["satisfaction", "satisfaction_comment", "updated_at"])
        _record("complaint.rated", complaint, payload={"satisfaction": score})
    return complaint


# --- Identity ----------------------------------------------------------------------------------

@transaction.atomic
def reveal_identity(complaint: Complaint, *, actor, via: str = "") -> FilerIdentity:
    """The filer's identity for the assigned handler or the head of unit; each call is logged."""
    if not can_see_identity(actor, complaint):
        raise PermissionDenied(_("Only the assigned handler and the head of unit may see who filed this."))
    IdentityAccess.objects.create(complaint=complaint, jurisdiction=complaint.jurisdiction, user=actor, via=via[:200])
    return FilerIdentity.objects.get(complaint=complaint)


# --- Hints -------------------------------------------------------------------------------------

def time_barred(complaint: Complaint) -> bool:
    """Whether the harm happened longer ago than complaints may be filed (a hint: the handler decides)."""
    if complaint.kind != Kind.COMPLAINT or complaint.occurred_on is None:
        return False
    rule = services.rule_in_force(RULE_LIMITATION, complaint.received_on)
    return services.due_date(rule, complaint.occurred_on, cal=WorkingCalendar({})) < complaint.received_on


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


# --- Nightly -----------------------------------------------------------------------------------

def flag_deadlines(*, today: date) -> dict:
    """Flag what is overdue or due within 2 working days, escalate it to the head of unit, flag disputed
    jurisdictions and end mediations whose period ran out. Safe to run twice: only changes are recorded, and
    each clock escalates once per level and due date (``Escalation``)."""
    counts = {"overdue": 0, "due_soon": 0, "escalated": 0, "disputed": 0, "mediation_ended": 0}
    with rls_bypass("nightly complaint deadline escalation (province-wide)"), transaction.atomic():
        running = (Deadline.objects.select_related("rule").filter(
            subject_type=_content_type(), status=DeadlineStatus.RUNNING))
        by_complaint: dict[int, list[Deadline]] = {}
        for deadline in running:
            by_complaint.setdefault(int(deadline.subject_id), []).append(deadline)
        # Every filing with a running clock, closed ones included: the parties of an ended mediation are still
        # to be notified.
        complaints = Complaint.objects.select_for_update(skip_locked=True, of=("self",)).select_related(
            "handling_agency__jurisdiction", "jurisdiction").filter(pk__in=by_complaint)
        for complaint in complaints:
            deadlines = by_complaint[complaint.pk]
            if _end_lapsed_mediation(complaint, deadlines, today):
                counts["mediation_ended"] += 1
                continue
            _flag_dispute(complaint, deadlines, today, counts)
            handling = [(services.working_days_left(d, today=today), d.due_on, d.pk, d)
                        for d in deadlines if d.rule.code != RULE_DISPUTE]
            left, _due, _pk, driving = min(handling, key=lambda row: row[:3]) if handling else (None,) * 4
            attention = Attention.NONE
            if left is not None and left < 0:
                attention = Attention.OVERDUE
            elif left is not None and left <= DUE_SOON_WORKING_DAYS:
                attention = Attention.DUE_SOON
            if attention:
                counts[attention] += 1
            if attention != complaint.attention:
                complaint.attention = attention
                complaint.save(update_fields=["attention", "updated_at"])
            if attention and _escalate(complaint, driving, attention, left):
                counts["escalated"] += 1
    return counts


def heads_of_unit(agency: Agency):
    return User.objects.filter(agency=agency, kind=UserKind.STAFF, is_active=True,
                               roles__contains=[Role.APPROVER]).order_by("username")


def _escalate(complaint: Complaint, deadline: Deadline, level: str, left: int) -> bool:
    """Tell the heads of unit of the handling bureau, once per clock, level and due date: a timeline note, an
    event and an e-mail. False when this escalation was already made."""
    heads = list(heads_of_unit(complaint.handling_agency))
    escalation, created = Escalation.objects.get_or_create(
        deadline=deadline, level=level, due_on=deadline.due_on,
        defaults={"complaint": complaint, "jurisdiction": complaint.jurisdiction,
                  "recipients": [head.username for head in heads]})
    if not created:
        return False
    complaint.escalated_at = escalation.created_at
    complaint.save(update_fields=["escalated_at", "updated_at"])
    _timeline_note(complaint, _("Escalated to the head of unit: %(state)s") % {"state": Attention(level).label},
                   actor_label="system")
    _record("complaint.escalated", complaint, payload={
        "attention": level, "heads": escalation.recipients, "working_days_left": left, "rule": deadline.rule.code,
        "due_on": deadline.due_on.isoformat()})
    _mail_heads(complaint, deadline, level, left, [head.email for head in heads if head.email])
    return True


def _mail_heads(complaint: Complaint, deadline: Deadline, level: str, left: int, addresses: list[str]) -> None:
    """E-mail the escalation after the nightly transaction commits. Only what the head needs to find the case:
    never the filer's identity, nor the text the filer wrote (it may name them)."""
    if not addresses:
        logger.warning("no head of unit of %s has an e-mail address: escalation of %s not mailed",
                       complaint.handling_agency.jurisdiction.code, complaint.tracking_number)
        return
    with translation.override(settings.LANGUAGE_CODE):
        facts = {"number": complaint.tracking_number, "kind": Kind(complaint.kind).label,
                 "state": Attention(level).label, "clock": _(deadline.rule.title),
                 "due": deadline.due_on.isoformat(), "bureau": complaint.handling_agency.name,
                 "days": abs(left), "path": settings.SITE_URL + reverse("complaints:detail", args=[complaint.pk])}
        subject = _("%(state)s: %(kind)s %(number)s") % facts
        late = (_("Overdue by %(days)d working days.") if left < 0
                else _("%(days)d working days left.")) % facts
        body = "\n".join([
            _("A filing handled by %(bureau)s needs your attention.") % facts, "",
            _("Tracking number: %(number)s") % facts,
            _("Kind: %(kind)s") % facts,
            _("Statutory clock: %(clock)s") % facts,
            _("Due on: %(due)s") % facts,
            late, "",
            _("Open the case page: %(path)s") % facts,
        ])

    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
        except Exception:  # the escalation stands (event, queue flag); a mail outage is only logged
            logger.warning("could not e-mail the escalation of %s", complaint.tracking_number)

    transaction.on_commit(send)


def _flag_dispute(complaint, deadlines, today, counts) -> None:
    dispute = next((d for d in deadlines if d.rule.code == RULE_DISPUTE), None)
    if dispute is None or complaint.jurisdiction_disputed or today <= dispute.due_on:
        return
    complaint.jurisdiction_disputed = True
    complaint.save(update_fields=["jurisdiction_disputed", "updated_at"])
    _timeline_note(complaint, _("Jurisdiction disputed: no bureau took the filing up in time"), actor_label="system")
    _record("complaint.jurisdiction_disputed", complaint, payload={"handling_agency":
                                                                   complaint.handling_agency.jurisdiction.code})
    counts["disputed"] += 1


def _end_lapsed_mediation(complaint, deadlines, today) -> bool:
    mediation = next((d for d in deadlines if d.rule.code == RULE_MEDIATION), None)
    if complaint.status != Status.MEDIATION or mediation is None or today <= mediation.due_on:
        return False
    _close(complaint, actor=None, actor_label="system", outcome=Outcome.MEDIATION_FAILED, on=mediation.due_on,
           reply=_("The mediation period ended without an agreement. You may pursue the matter through "
                   "arbitration or the courts."))
    return True

