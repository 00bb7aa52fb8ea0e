"""State changes of the licensing app: atomic, validated, recording kernel events.

Every function takes ``actor=`` by keyword and, where a date matters, ``on=`` (default: today), so that
deadlines can be tested on any day. Each locks its row first (``select_for_update``): of two officers
acting on the same application at once, the second sees the new state and gets ``InvalidTransition`` (409).
"""

import calendar as month_calendar
import uuid
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.choices import ApplicationKind, ChangeKind, InspectionResult, LicenceStatus
from licensing.choices import ApplicationStatus as S
from licensing.models import Application, Licence, LicenceNumberSequence, LicenceType
from licensing.workflow import APPLICATION, PENDING
from regulator import events
from regulator import services as kernel
from regulator.attachments import store_attachment
from regulator.calendar import WorkingCalendar
from regulator.choices import DeadlineStatus, DeadlineUnit, Role, UserKind
from regulator.models import Deadline, StatutoryRule
from regulator.tenancy import rls_bypass
from regulator.workflow import transition

PROVINCE_ABBREVIATIONS = {"44": "粤"}
CITY_ABBREVIATIONS = {"4451": "潮"}
EDITABLE = ("address", "business_scope", "legal_representative", "responsible_pharmacist", "commitment",
            "change_kind")


def _today(on: date | None) -> date:
    return on or timezone.localdate()


# --- Rules ---------------------------------------------------------------------------------------

def rule_for(licence_type: LicenceType, period: str, on: date) -> StatutoryRule | None:
    """The version in force of the type's ``period`` rule, or None when the type has no such period."""
    try:
        return StatutoryRule.objects.in_force(licence_type.rule_code(period), on)
    except StatutoryRule.DoesNotExist:
        return None


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def _before(day: date, rule: StatutoryRule) -> date:
    """The day ``rule`` (a period) before ``day``."""
    if rule.unit == DeadlineUnit.MONTHS:
        return _add_months(day, -rule.amount)
    if rule.unit == DeadlineUnit.CALENDAR_DAYS:
        return day - timedelta(days=rule.amount)
    cal, remaining = WorkingCalendar.current(), rule.amount
    while remaining > 0:
        day -= timedelta(days=1)
        remaining -= cal.is_workday(day)
    return day


def validity_end(licence_type: LicenceType, valid_from: date) -> date | None:
    rule = rule_for(licence_type, "validity", valid_from)
    if rule is None:
        return None
    if rule.unit != DeadlineUnit.MONTHS:
        raise ValueError(f"validity rule {rule.code} must be in months")
    return _add_months(valid_from, rule.amount) - timedelta(days=1)


def renewal_window(licence: Licence) -> tuple[date, date] | None:
    """(first day, last day) on which a renewal may be filed, or None for a licence without expiry."""
    if licence.valid_until is None:
        return None
    opens = rule_for(licence.licence_type, "renewal_opens", licence.valid_until)
    closes = rule_for(licence.licence_type, "renewal_closes", licence.valid_until)
    start = _before(licence.valid_until, opens) if opens else licence.valid_until
    end = _before(licence.valid_until, closes) if closes else licence.valid_until
    return start, end


def issuing_agency(licence_type: LicenceType, enterprise):
    """The agency at the type's issuing level above (or at) the enterprise's district/county."""
    jurisdiction = enterprise.jurisdiction
    while jurisdiction is not None and jurisdiction.level != licence_type.issuing_level:
        jurisdiction = jurisdiction.parent
    if jurisdiction is None:
        raise ValidationError({"licence_type": _("No agency issues this licence type here.")})
    return jurisdiction.agency


# --- Who may act ---------------------------------------------------------------------------------

def _require_applicant(application: Application, actor) -> None:
    kind = getattr(actor, "kind", None)
    if kind == UserKind.ENTERPRISE and actor.enterprise_id == application.enterprise_id:
        return
    if kind == UserKind.MACHINE and actor.enterprise_id == application.enterprise_id and actor.api_client.can_write:
        return
    raise PermissionDenied(_("Only the applicant enterprise may do this."))


def _require_issuer(application: Application, actor, *roles: str) -> None:
    """Staff of the issuing agency with one of ``roles`` (the type's issuing level decides which agency)."""
    if not (getattr(actor, "kind", None) == UserKind.STAFF and actor.has_role(*roles)):
        raise PermissionDenied(_("You do not have the role this step needs."))
    if actor.agency_id != issuing_agency(application.licence_type, application.enterprise).pk:
        raise PermissionDenied(_("This licence type is issued by another agency."))


def _lock(application: Application) -> Application:
    return (Application.objects.select_for_update(of=("self",))
            .select_related("licence_type", "enterprise__jurisdiction", "licence").get(pk=application.pk))


def decision_deadline(application: Application) -> Deadline | None:
    return (Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(Application),
                                    subject_id=str(application.pk), rule__code__endswith=".decision")
            .select_related("rule").prefetch_related("stops").order_by("-id").first())


# --- Applications --------------------------------------------------------------------------------

@transaction.atomic
def create_application(*, actor, licence_type: LicenceType, kind: str = ApplicationKind.NEW, licence=None,
                       idempotency_key: str | None = None, **fields) -> tuple[Application, bool]:
    """A draft for the actor's enterprise; returns (application, created).

    The same ``idempotency_key`` (a form token or the API's Idempotency-Key) returns the application it
    created the first time instead of a second one.
    """
    enterprise = getattr(actor, "enterprise", None)
    if enterprise is None or actor.kind not in (UserKind.ENTERPRISE, UserKind.MACHINE):
        raise PermissionDenied(_("Only an enterprise applies for a licence."))
    if actor.kind == UserKind.MACHINE and not actor.api_client.can_write:
        raise PermissionDenied(_("This client may only read."))
    if idempotency_key:
        existing = Application.objects.filter(enterprise=enterprise, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({field: _("This field cannot be set.") for field in unknown})
    errors = {}
    if kind == ApplicationKind.NEW:
        if licence is not None:
            errors["licence"] = [_("A new application does not name an existing licence.")]
        if licence_type.enterprise_types and enterprise.enterprise_type not in licence_type.enterprise_types:
            errors["licence_type"] = [_("A %(type)s cannot hold this licence.")
                                      % {"type": enterprise.get_enterprise_type_display()}]
    else:
        if licence is None or licence.enterprise_id != enterprise.pk:
            errors["licence"] = [_("Name one of your enterprise's licences.")]
        elif licence.licence_type_id != licence_type.pk:
            errors["licence_type"] = [_("The licence is of another type.")]
        elif licence.status not in (LicenceStatus.ACTIVE, LicenceStatus.EXPIRING):
            errors["licence"] = [_("Only a valid licence can be renewed, changed or cancelled.")]
        elif kind == ApplicationKind.RENEWAL and licence.valid_until is None:
            errors["licence"] = [_("A filing does not expire and is not renewed.")]
        if kind == ApplicationKind.CHANGE and fields.get("change_kind") not in ChangeKind.values:
            errors["change_kind"] = [_("Say what changes.")]
    if errors:
        raise ValidationError(errors)
    application = Application(enterprise=enterprise, jurisdiction_id=enterprise.jurisdiction_id,
                              licence_type=licence_type, kind=kind, licence=licence,
                              idempotency_key=idempotency_key or None, **fields)
    if kind == ApplicationKind.NEW:
        application.address = application.address or enterprise.address
        application.legal_representative = application.legal_representative or enterprise.legal_representative
    application.full_clean(exclude=["idempotency_key"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # The same key, sent twice at the same moment: the first one won.
        return Application.objects.get(enterprise=enterprise, idempotency_key=idempotency_key), False
    return application, True


@transaction.atomic
def update_draft(application: Application, *, actor, **fields) -> Application:
    application = _lock(application)
    _require_applicant(application, actor)
    if application.status not in (S.DRAFT, S.CORRECTION_REQUESTED):
        raise ValidationError({"status": _("Only a draft or an application returned for correction can be edited.")})
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({field: _("This field cannot be set.") for field in unknown})
    for field, value in fields.items():
        setattr(application, field, value)
    application.full_clean(exclude=["idempotency_key"])
    application.save()
    return application


@transaction.atomic
def add_document(application: Application, uploaded, *, actor, purpose: str = ""):
    """Attach a document (PDF, JPEG, PNG; checked by content and size, virus-scanned). A refused file
    raises ``ValidationError`` on ``document`` and changes nothing else."""
    application = _lock(application)
    _require_applicant(application, actor)
    if application.status not in (S.DRAFT, S.SUBMITTED, S.CORRECTION_REQUESTED):
        raise ValidationError({"document": _("Documents can no longer be added to this application.")})
    return store_attachment(application, uploaded, actor=actor, field="document", purpose=purpose)


def _licence_number(licence_type: LicenceType, enterprise, on: date) -> str:
    code = enterprise.jurisdiction.code
    legal_person = "A" if enterprise.credit_code.startswith("91") else "B"
    context = {"province": PROVINCE_ABBREVIATIONS.get(code[:2], ""), "city": CITY_ABBREVIATIONS.get(code[:4], ""),
               "letters": licence_type.type_letter + legal_person, "region": code[2:6], "year": f"{on:%Y}"}
    prefix = licence_type.number_format.format(**context, seq="#")
    sequence, _created = LicenceNumberSequence.objects.get_or_create(prefix=prefix)
    sequence = LicenceNumberSequence.objects.select_for_update().get(pk=sequence.pk)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return licence_type.number_format.format(**context, seq=f"{sequence.last_value:0{licence_type.sequence_digits}d}")


def _issue_licence(application: Application, *, actor, on: date, needs_verification: bool = False) -> Licence:
    enterprise = application.enterprise
    licence = Licence(
        number=_licence_number(application.licence_type, enterprise, on),
        public_id=uuid.uuid4(), licence_type=application.licence_type, enterprise=enterprise,
        jurisdiction_id=enterprise.jurisdiction_id, holder_name=enterprise.name, credit_code=enterprise.credit_code,
        address=application.address or enterprise.address, business_scope=application.business_scope,
        legal_representative=application.legal_representative,
        responsible_pharmacist=application.responsible_pharmacist, issued_on=on, valid_from=on,
        valid_until=validity_end(application.licence_type, on),
        issuing_agency=issuing_agency(application.licence_type, enterprise), needs_verification=needs_verification,
    )
    licence.full_clean(exclude=["public_id"])
    licence.save()
    application.licence = licence
    application.save(update_fields=["licence", "updated_at"])
    events.record_event("licence.issued", subject=licence, actor=actor, payload={
        "number": licence.number, "licence_type": application.licence_type.code, "application": application.pk,
        "needs_verification": needs_verification, "filing": application.licence_type.is_filing})
    return licence


@transaction.atomic
def import_licence(*, enterprise, licence_type: LicenceType, issued_on: date, business_scope: str = "",
                   public_id=None) -> Licence:
    """Enter a licence issued before the platform (the legacy register); numbered like any other."""
    licence = Licence(
        number=_licence_number(licence_type, enterprise, issued_on), public_id=public_id or uuid.uuid4(),
        licence_type=licence_type, enterprise=enterprise, jurisdiction_id=enterprise.jurisdiction_id,
        holder_name=enterprise.name, credit_code=enterprise.credit_code, address=enterprise.address,
        business_scope=business_scope, legal_representative=enterprise.legal_representative, issued_on=issued_on,
        valid_from=issued_on, valid_until=validity_end(licence_type, issued_on),
        issuing_agency=issuing_agency(licence_type, enterprise),
    )
    licence.save()
    return licence


@transaction.atomic
def submit(application: Application, *, actor, on: date | None = None) -> Application:
    """Send the application in. A Class II device filing is recorded (and numbered) at once; a
    notification-commitment application with the written commitment is licensed the same day and
    flagged for a verification inspection."""
    on = _today(on)
    application = _lock(application)
    _require_applicant(application, actor)
    licence_type = application.licence_type
    commitment_route = (licence_type.notification_commitment and application.commitment
                        and application.kind == ApplicationKind.NEW)
    if application.kind in (ApplicationKind.NEW, ApplicationKind.CHANGE) and not application.business_scope.strip() \
            and application.change_kind in ("", ChangeKind.BUSINESS_SCOPE):
        raise ValidationError({"business_scope": _("Give the business scope applied for.")})
    if application.kind == ApplicationKind.RENEWAL:
        window = renewal_window(application.licence)
        if window and not window[0] <= on <= window[1]:
            raise ValidationError({"licence": _("A renewal is filed between %(start)s and %(end)s.")
                                   % {"start": window[0], "end": window[1]}})
    application.submitted_at = timezone.now()
    transition(APPLICATION, application, S.SUBMITTED, actor=actor)
    events.record_event("licence_application.submitted", subject=application, actor=actor,
                        payload={"licence_type": licence_type.code, "kind": application.kind})
    if licence_type.is_filing and application.kind == ApplicationKind.NEW:
        licence = _issue_licence(application, actor=actor, on=on)
        transition(APPLICATION, application, S.FILED, actor_label=_("system"),
                   note=_("Filing recorded: %(number)s") % {"number": licence.number})
        if rule_for(licence_type, "inspection", on):
            kernel.start_deadline(licence, licence_type.rule_code("inspection"), started_on=on)
    elif commitment_route:
        licence = _issue_licence(application, actor=actor, on=on, needs_verification=True)
        application.decided_on = on
        transition(APPLICATION, application, S.ISSUED, actor_label=_("system"),
                   note=_("Issued on the applicant's written commitment; a verification inspection follows."))
    return application


@transaction.atomic
def request_correction(application: Application, *, actor, note: str, on: date | None = None) -> Application:
    """Ask the applicant for missing or corrected materials; the decision clock stops until they resubmit."""
    on = _today(on)
    application = _lock(application)
    _require_issuer(application, actor, Role.OFFICER, Role.REVIEWER)
    if not note.strip():
        raise ValidationError({"note": _("Say what must be corrected.")})
    transition(APPLICATION, application, S.CORRECTION_REQUESTED, actor=actor, note=note)
    deadline = decision_deadline(application)
    if deadline is not None and deadline.status == DeadlineStatus.RUNNING:
        kernel.stop_clock(deadline, on=on, reason=_("Waiting for the applicant's corrections"))
    return application


@transaction.atomic
def resubmit(application: Application, *, actor, note: str = "", on: date | None = None) -> Application:
    on = _today(on)
    application = _lock(application)
    _require_applicant(application, actor)
    target = S.UNDER_REVIEW if application.accepted_on else S.SUBMITTED
    transition(APPLICATION, application, target, actor=actor, note=note)
    deadline = decision_deadline(application)
    if deadline is not None and deadline.status == DeadlineStatus.STOPPED:
        kernel.resume_clock(deadline, on=on)
    return application


@transaction.atomic
def accept(application: Application, *, actor, note: str = "", on: date | None = None) -> Application:
    """Accept the application: the statutory decision clock starts today."""
    on = _today(on)
    application = _lock(application)
    _require_issuer(application, actor, Role.OFFICER)
    transition(APPLICATION, application, S.ACCEPTED, actor=actor, note=note)
    application.accepted_on = on
    application.save(update_fields=["accepted_on", "updated_at"])
    kernel.start_deadline(application, application.licence_type.rule_code("decision"), started_on=on)
    return application


@transaction.atomic
def not_accept(application: Application, *, actor, reason: str, on: date | None = None) -> Application:
    application = _lock(application)
    _require_issuer(application, actor, Role.OFFICER)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for not accepting.")})
    transition(APPLICATION, application, S.NOT_ACCEPTED, actor=actor, note=reason)
    application.decision_reason = reason
    application.decided_on = _today(on)
    application.appeal_rights = appeal_rights_text()
    application.save()
    return application


@transaction.atomic
def start_review(application: Application, *, actor, note: str = "") -> Application:
    application = _lock(application)
    _require_issuer(application, actor, Role.REVIEWER)
    transition(APPLICATION, application, S.UNDER_REVIEW, actor=actor, note=note, internal=bool(note))
    application.reviewer = actor
    application.save(update_fields=["reviewer", "updated_at"])
    return application


@transaction.atomic
def request_inspection(application: Application, *, actor, note: str = "") -> Application:
    application = _lock(application)
    _require_issuer(application, actor, Role.REVIEWER)
    transition(APPLICATION, application, S.INSPECTION, actor=actor, note=note, internal=True)
    return application


@transaction.atomic
def record_inspection(application: Application, *, actor, inspected_on: date, inspectors: list[str], result: str,
                      note: str = "") -> Application:
    """Record the on-site inspection (date, at least two inspectors, result) and return to review."""
    application = _lock(application)
    _require_issuer(application, actor, Role.INSPECTOR, Role.REVIEWER)
    names = [name.strip() for name in inspectors if name.strip()]
    errors = {}
    if len(set(names)) < 2:
        errors["inspectors"] = [_("An on-site inspection needs at least two inspectors.")]
    if result not in InspectionResult.values:
        errors["result"] = [_("The result is passed or failed.")]
    if inspected_on > timezone.localdate():
        errors["inspected_on"] = [_("An inspection cannot be recorded before it happens.")]
    if errors:
        raise ValidationError(errors)
    application.inspection_date = inspected_on
    application.inspectors = "、".join(names)[:200]
    application.inspection_result = result
    transition(APPLICATION, application, S.UNDER_REVIEW, actor=actor, internal=True,
               note=_("On-site inspection on %(date)s by %(who)s: %(result)s. %(note)s") % {
                   "date": inspected_on, "who": application.inspectors,
                   "result": InspectionResult(result).label, "note": note})
    return application


def _needs_inspection(application: Application) -> bool:
    return application.licence_type.requires_inspection and (
        application.kind == ApplicationKind.NEW
        or (application.kind == ApplicationKind.CHANGE and application.change_kind == ChangeKind.ADDRESS))


@transaction.atomic
def complete_review(application: Application, *, actor, opinion: str) -> Application:
    """The reviewer's opinion, for the approver (internal: the applicant does not see it)."""
    application = _lock(application)
    _require_issuer(application, actor, Role.REVIEWER)
    if not opinion.strip():
        raise ValidationError({"opinion": _("Write the review opinion.")})
    if _needs_inspection(application) and not application.inspection_result:
        raise ValidationError({"inspection": _("This licence type needs an on-site inspection before the decision.")})
    application.review_opinion = opinion
    application.reviewer = application.reviewer or actor
    transition(APPLICATION, application, S.PENDING_DECISION, actor=actor, note=opinion, internal=True)
    return application


def _require_approver(application: Application, actor) -> None:
    _require_issuer(application, actor, Role.APPROVER)
    if application.reviewer_id == actor.pk:
        raise PermissionDenied(_("The reviewer of an application may not decide it."))


def _finish_deadline(application: Application, on: date) -> None:
    deadline = decision_deadline(application)
    if deadline is not None:
        if deadline.status == DeadlineStatus.STOPPED:
            kernel.resume_clock(deadline, on=on)
        kernel.complete_deadline(deadline, on=on)


@transaction.atomic
def approve(application: Application, *, actor, note: str = "", on: date | None = None) -> Application:
    """Grant the application and carry it out: issue, renew, change or cancel the licence."""
    on = _today(on)
    application = _lock(application)
    _require_approver(application, actor)
    if _needs_inspection(application) and application.inspection_result != InspectionResult.PASSED:
        raise ValidationError({"inspection": _("The on-site inspection did not pass; the application cannot be "
                                               "approved.")})
    transition(APPLICATION, application, S.APPROVED, actor=actor, note=note)
    application.approver, application.decided_on = actor, on
    application.save(update_fields=["approver", "decided_on", "updated_at"])
    _finish_deadline(application, on)
    events.record_event("licence_application.approved", subject=application, actor=actor,
                        payload={"kind": application.kind})
    _carry_out(application, actor=actor, on=on)
    return application


def _carry_out(application: Application, *, actor, on: date, deemed: bool = False) -> None:
    kind = application.kind
    if kind == ApplicationKind.NEW:
        licence = _issue_licence(application, actor=actor, on=on)
        transition(APPLICATION, application, S.ISSUED, actor_label=_("system"),
                   note=_("Licence %(number)s issued") % {"number": licence.number})
        return
    licence = Licence.objects.select_for_update().get(pk=application.licence_id)
    if kind == ApplicationKind.RENEWAL:
        start = licence.valid_until + timedelta(days=1)
        licence.valid_until = validity_end(licence.licence_type, start)
        licence.status, licence.reminded_on = LicenceStatus.ACTIVE, None
        licence.save()
        events.record_event("licence.renewed", subject=licence, actor=actor,
                            payload={"number": licence.number, "valid_until": licence.valid_until.isoformat(),
                                     "deemed_granted": deemed})
    elif kind == ApplicationKind.CHANGE:
        field = application.change_kind
        setattr(licence, field, getattr(application, field))
        licence.save()
        events.record_event("licence.changed", subject=licence, actor=actor,
                            payload={"number": licence.number, "changed": field})
    elif kind == ApplicationKind.CANCELLATION:
        _set_licence_status(licence, LicenceStatus.CANCELLED, actor=actor, reason=_("Cancelled on application"),
                            kind="licence.cancelled")
        return
    if not deemed:
        transition(APPLICATION, application, S.ISSUED, actor_label=_("system"),
                   note=_("Licence %(number)s re-issued") % {"number": licence.number})


def appeal_rights_text() -> str:
    return _("If you disagree with this decision, you may apply for administrative reconsideration or bring an "
             "administrative lawsuit within the periods set by law, counted from the day you receive it.")


@transaction.atomic
def deny(application: Application, *, actor, reasons: str, on: date | None = None) -> Application:
    on = _today(on)
    application = _lock(application)
    _require_approver(application, actor)
    if not reasons.strip():
        raise ValidationError({"reasons": _("A denial states its reasons.")})
    transition(APPLICATION, application, S.DENIED, actor=actor, note=reasons)
    application.approver, application.decided_on = actor, on
    application.decision_reason, application.appeal_rights = reasons, appeal_rights_text()
    application.save()
    _finish_deadline(application, on)
    events.record_event("licence_application.denied", subject=application, actor=actor,
                        payload={"kind": application.kind})
    return application


# --- Licences ------------------------------------------------------------------------------------

def _set_licence_status(licence: Licence, status: str, *, actor, kind: str, reason: str = "",
                        legal_basis: str = "") -> Licence:
    previous = licence.status
    licence.status = status
    if reason:
        licence.status_reason = reason
    if legal_basis:
        licence.legal_basis = legal_basis
    licence.save()
    events.record_event(kind, subject=licence, actor=actor, payload={
        "number": licence.number, "from": previous, "to": status, "reason": reason, "legal_basis": legal_basis})
    return licence


def _require_licence_authority(licence: Licence, actor) -> None:
    if not (getattr(actor, "kind", None) == UserKind.STAFF and actor.has_role(Role.APPROVER)):
        raise PermissionDenied(_("Only an approver (head of unit) may suspend, reinstate or revoke a licence."))
    if actor.agency_id != licence.issuing_agency_id:
        raise PermissionDenied(_("This licence was issued by another agency."))


def _regulator_action(licence: Licence, *, actor, allowed_from: tuple, status: str, kind: str, reason: str,
                      legal_basis: str) -> Licence:
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    _require_licence_authority(licence, actor)
    errors = {}
    if not reason.strip():
        errors["reason"] = [_("Give the reason.")]
    if not legal_basis.strip():
        errors["legal_basis"] = [_("Give the legal basis.")]
    if errors:
        raise ValidationError(errors)
    if licence.status not in allowed_from:
        from regulator.workflow import InvalidTransition

        raise InvalidTransition(licence.status, status, [])
    return _set_licence_status(licence, status, actor=actor, kind=kind, reason=reason, legal_basis=legal_basis)


LIVE = (LicenceStatus.ACTIVE, LicenceStatus.EXPIRING)


@transaction.atomic
def suspend_licence(licence: Licence, *, actor, reason: str, legal_basis: str) -> Licence:
    return _regulator_action(licence, actor=actor, allowed_from=LIVE, status=LicenceStatus.SUSPENDED,
                             kind="licence.suspended", reason=reason, legal_basis=legal_basis)


@transaction.atomic
def reinstate_licence(licence: Licence, *, actor, reason: str, legal_basis: str) -> Licence:
    return _regulator_action(licence, actor=actor, allowed_from=(LicenceStatus.SUSPENDED,),
                             status=LicenceStatus.ACTIVE, kind="licence.reinstated", reason=reason,
                             legal_basis=legal_basis)


@transaction.atomic
def revoke_licence(licence: Licence, *, actor, reason: str, legal_basis: str) -> Licence:
    return _regulator_action(licence, actor=actor, allowed_from=(*LIVE, LicenceStatus.SUSPENDED),
                             status=LicenceStatus.REVOKED, kind="licence.revoked", reason=reason,
                             legal_basis=legal_basis)


# --- Nightly jobs (province-wide, safe to run twice) -----------------------------------------------

def refresh_licence_statuses(*, today: date | None = None) -> dict:
    """Expiring when the renewal window opens (with a reminder event), expired after the last valid day."""
    today = _today(today)
    counts = {"expiring": 0, "expired": 0}
    with rls_bypass("nightly licence expiry (province-wide)"), transaction.atomic():
        expired = Licence.objects.select_for_update(skip_locked=True).filter(status__in=LIVE, valid_until__lt=today)
        for licence in expired:
            _set_licence_status(licence, LicenceStatus.EXPIRED, actor=None, kind="licence.expired")
            counts["expired"] += 1
        candidates = (Licence.objects.select_for_update(skip_locked=True, of=("self",)).select_related("licence_type")
                      .filter(status=LicenceStatus.ACTIVE, valid_until__gte=today,
                              valid_until__lte=_add_months(today, 12)))
        for licence in candidates:
            window = renewal_window(licence)
            if window and window[0] <= today:
                licence.reminded_on = today
                _set_licence_status(licence, LicenceStatus.EXPIRING, actor=None, kind="licence.expiring")
                counts["expiring"] += 1
    return counts


def send_renewal_reminder(licence: Licence) -> int:
    """E-mail the holder's active users that the renewal window of ``licence`` is open; how many were sent."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse

    from regulator.models import User

    window = renewal_window(licence)
    addresses = list(User.objects.filter(enterprise_id=licence.enterprise_id, kind=UserKind.ENTERPRISE,
                                         is_active=True).exclude(email="").values_list("email", flat=True))
    if window is None or not addresses:
        return 0
    facts = {"number": licence.number, "type": licence.licence_type.name, "holder": licence.holder_name,
             "until": licence.valid_until.isoformat(), "opens": window[0].isoformat(),
             "closes": window[1].isoformat(),
             "url": settings.SITE_URL + reverse("licensing:licence-detail", args=[licence.pk])}
    subject = _("Licence %(number)s: apply for renewal by %(closes)s") % facts
    body = _("The licence %(number)s (%(type)s) of %(holder)s is valid until %(until)s.\n\n"
             "A renewal may be filed from %(opens)s to %(closes)s. Sign in and open the licence to apply "
             "online: %(url)s\n") % facts
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
    return len(addresses)


def on_licence_expiring(event) -> None:
    """Kernel event ``licence.expiring``: remind the holder by e-mail (the event feed already tells systems)."""
    licence = Licence.objects.select_related("licence_type").filter(pk=event.subject_id).first()
    if licence is not None and licence.status == LicenceStatus.EXPIRING:
        send_renewal_reminder(licence)


def flag_overdue_applications(*, today: date | None = None) -> dict:
    """Flag applications past their decision deadline (shown to the head of unit); a device renewal not
    decided in time is deemed granted, as SAMR Order 54 says."""
    today = _today(today)
    counts = {"overdue": 0, "deemed_granted": 0}
    application_type = ContentType.objects.get_for_model(Application)
    with rls_bypass("nightly licensing deadline escalation (province-wide)"), transaction.atomic():
        late_ids = (Deadline.objects.filter(subject_type=application_type, status=DeadlineStatus.RUNNING,
                                            due_on__lt=today, rule__code__endswith=".decision")
                    .values_list("subject_id", flat=True))
        late = (Application.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("licence_type", "enterprise__jurisdiction", "licence")
                .filter(pk__in=[int(pk) for pk in late_ids], status__in=PENDING))
        for application in late:
            if application.kind == ApplicationKind.RENEWAL and application.licence_type.renewal_deemed_granted:
                transition(APPLICATION, application, S.DEEMED_GRANTED, actor_label=_("system"),
                           note=_("Not decided within the statutory period: the renewal is deemed granted."))
                application.decided_on = today
                application.save(update_fields=["decided_on", "updated_at"])
                _finish_deadline(application, today)
                _carry_out(application, actor=None, on=today, deemed=True)
                counts["deemed_granted"] += 1
            elif not application.overdue:
                application.overdue = True
                application.save(update_fields=["overdue", "updated_at"])
                events.record_event("licence_application.overdue", subject=application,
                                    payload={"reference": application.reference})
                counts["overdue"] += 1
    return counts
