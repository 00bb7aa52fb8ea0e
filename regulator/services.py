"""Every state change of the kernel: atomic, validated, audited, recording events.

Callers pass ``actor=`` by keyword. Errors a person can fix raise ``ValidationError`` keyed by field;
acting without the right raises ``PermissionDenied``.
"""

import calendar as month_calendar
import enum
import logging
import traceback
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from regulator import events
from regulator.calendar import WorkingCalendar
from regulator.choices import (
    ApiScope,
    DeadlineStatus,
    DeadlineUnit,
    DeliveryStatus,
    EnterpriseType,
    JurisdictionLevel,
    ProductKind,
    Role,
    UserKind,
)
from regulator.models import (
    Agency,
    ApiClient,
    Batch,
    ClockStop,
    Deadline,
    Enterprise,
    EventDelivery,
    Jurisdiction,
    Product,
    StatutoryRule,
    User,
)
from regulator.tenancy import rls_bypass, scope_for
from regulator.validators import validate_credit_code, validate_drug_approval_number

logger = logging.getLogger(__name__)

# --- Who may act -------------------------------------------------------------------------------

REGISTRY_ROLES = (Role.OFFICER, Role.AGENCY_ADMIN)


def require_registry_writer(actor) -> None:
    """Staff officers and agency admins keep the register; so do machine clients with write scope."""
    if getattr(actor, "kind", None) == UserKind.MACHINE:
        if actor.agency_id and actor.api_client.can_write:
            return
    elif (getattr(actor, "kind", None) == UserKind.PLATFORM and actor.is_superuser) or actor.has_role(*REGISTRY_ROLES):
        return
    raise PermissionDenied(_("Only intake officers and agency administrators may change the register."))


def resolve_jurisdiction(code: str, *, actor, field: str = "jurisdiction") -> Jurisdiction:
    """A current district/county inside the actor's scope, or a field error saying which rule failed."""
    try:
        jurisdiction = Jurisdiction.objects.by_code(code)
    except Jurisdiction.DoesNotExist:
        raise ValidationError({field: _("No current jurisdiction has the code %(code)s.") % {"code": code}}) from None
    if jurisdiction.level != JurisdictionLevel.COUNTY:
        raise ValidationError({field: _("Enterprises belong to a district or county, not a %(level)s.")
                               % {"level": jurisdiction.get_level_display()}})
    if not scope_for(actor).includes_jurisdiction(jurisdiction.id):
        raise ValidationError({field: _("%(code)s is outside your jurisdiction.") % {"code": code}})
    return jurisdiction


# --- Enterprises, products, batches ------------------------------------------------------------

ENTERPRISE_EDITABLE = ("name", "enterprise_type", "legal_representative", "address", "status", "registered_on")


@transaction.atomic
def register_enterprise(*, actor, credit_code: str, name: str, enterprise_type: str, address: str,
                        jurisdiction_code: str | None = None, legal_representative: str = "",
                        registered_on: date | None = None) -> Enterprise:
    """Add an enterprise to the register of the district/county where it is.

    A county bureau's staff may leave the jurisdiction out (it is their own county); a city or
    province must name one of its counties.
    """
    require_registry_writer(actor)
    if not jurisdiction_code:
        own = actor.agency.jurisdiction if getattr(actor, "agency_id", None) else None
        if own is None or own.level != JurisdictionLevel.COUNTY:
            raise ValidationError({"jurisdiction": _("Give the district/county code of the enterprise.")})
        jurisdiction_code = own.code
    credit_code = (credit_code or "").strip().upper()
    errors = {}
    try:
        validate_credit_code(credit_code)
    except ValidationError as exc:
        errors["credit_code"] = exc.messages
    if not errors and Enterprise.objects.filter(credit_code=credit_code).exists():
        errors["credit_code"] = [_("An enterprise with this credit code is already registered.")]
    try:
        jurisdiction = resolve_jurisdiction(jurisdiction_code, actor=actor)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    enterprise = Enterprise(
        credit_code=credit_code, name=name, enterprise_type=enterprise_type, address=address,
        jurisdiction=jurisdiction, legal_representative=legal_representative, registered_on=registered_on,
    )
    enterprise.full_clean()
    enterprise.save()
    events.record_event("enterprise.registered", subject=enterprise, actor=actor,
                        payload={"credit_code": credit_code, "enterprise_type": enterprise_type})
    return enterprise


@transaction.atomic
def update_enterprise(enterprise: Enterprise, *, actor, jurisdiction_code: str | None = None, **changes) -> Enterprise:
    require_registry_writer(actor)
    unknown = set(changes) - set(ENTERPRISE_EDITABLE)
    if unknown:
        raise ValidationError({field: _("This field cannot be changed.") for field in unknown})
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    changed = {field: value for field, value in changes.items() if getattr(enterprise, field) != value}
    for field, value in changed.items():
        setattr(enterprise, field, value)
    if jurisdiction_code is not None and jurisdiction_code != enterprise.jurisdiction.code:
        enterprise.jurisdiction = resolve_jurisdiction(jurisdiction_code, actor=actor)
        changed["jurisdiction"] = jurisdiction_code
    if not changed:
        return enterprise
    enterprise.full_clean()
    enterprise.save()
    events.record_event("enterprise.updated", subject=enterprise, actor=actor,
                        payload={"changed": sorted(changed)})
    return enterprise


PRODUCT_KINDS_BY_HOLDER = {
    ProductKind.DRUG: {EnterpriseType.DRUG_MANUFACTURER, EnterpriseType.HOSPITAL_PREPARATION},
    ProductKind.VACCINE: {EnterpriseType.DRUG_MANUFACTURER},
    ProductKind.DEVICE: {EnterpriseType.DEVICE_MANUFACTURER},
    ProductKind.COSMETIC: {EnterpriseType.COSMETICS_MANUFACTURER},
}


@transaction.atomic
def register_product(*, actor, enterprise: Enterprise, kind: str, name: str, approval_number: str,
                     specification: str = "", trace_prefix: str | None = None) -> Product:
    require_registry_writer(actor)
    errors = {}
    if kind in (ProductKind.DRUG, ProductKind.VACCINE):
        try:
            validate_drug_approval_number(approval_number)
        except ValidationError as exc:
            errors["approval_number"] = exc.messages
    if kind in PRODUCT_KINDS_BY_HOLDER and enterprise.enterprise_type not in PRODUCT_KINDS_BY_HOLDER[kind]:
        errors["enterprise"] = [_("A %(type)s cannot hold a %(kind)s approval.") % {
            "type": enterprise.get_enterprise_type_display(), "kind": ProductKind(kind).label}]
    if trace_prefix and not (len(trace_prefix) == 7 and trace_prefix.isdigit()):
        errors["trace_prefix"] = [_("The traceability product code is exactly 7 digits.")]
    if errors:
        raise ValidationError(errors)
    product = Product(enterprise=enterprise, jurisdiction_id=enterprise.jurisdiction_id, kind=kind, name=name,
                      approval_number=approval_number, specification=specification, trace_prefix=trace_prefix or None)
    product.full_clean()
    product.save()
    events.record_event("product.registered", subject=product, actor=actor,
                        payload={"approval_number": approval_number, "kind": kind})
    return product


@transaction.atomic
def register_batch(*, actor, product: Product, batch_number: str, manufactured_on: date, expires_on: date) -> Batch:
    require_registry_writer(actor)
    if expires_on <= manufactured_on:
        raise ValidationError({"expires_on": _("A batch must expire after the day it was made.")})
    batch = Batch(product=product, jurisdiction_id=product.jurisdiction_id, batch_number=batch_number,
                  manufactured_on=manufactured_on, expires_on=expires_on)
    batch.full_clean()
    batch.save()
    return batch


# --- Staff and machine clients -----------------------------------------------------------------

@transaction.atomic
def create_api_client(*, agency: Agency | None = None, enterprise: Enterprise | None = None, name: str,
                      scopes: list[str], created_by=None) -> tuple[ApiClient, str]:
    """Create a machine client and its bearer token. The token is returned once and stored hashed."""
    from knox.models import AuthToken

    if (agency is None) == (enterprise is None):
        raise ValidationError({"agency": _("A client is bound to exactly one agency or one enterprise.")})
    bad = [scope for scope in scopes if scope not in ApiScope.values]
    if bad or not scopes:
        raise ValidationError({"scope": _("Scopes are read and/or write; got %(bad)s.") % {"bad": bad or "none"}})
    if ApiScope.WRITE in scopes and ApiScope.READ not in scopes:
        scopes = [ApiScope.READ, *scopes]
    owner = agency.jurisdiction.code if agency else enterprise.credit_code
    user = User.objects.create_user(
        username=f"client-{owner}-{User.objects.count() + 1}-{timezone.now():%H%M%S%f}"[:150],
        kind=UserKind.MACHINE, agency=agency, enterprise=enterprise, full_name=name,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client = ApiClient.objects.create(user=user, name=name, scopes=sorted(set(scopes)), created_by=created_by)
    _instance, token = AuthToken.objects.create(user=user, expiry=None)
    return client, token


@transaction.atomic
def revoke_api_client(client: ApiClient, *, actor=None) -> ApiClient:
    from knox.models import AuthToken

    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    AuthToken.objects.filter(user=client.user).delete()
    client.user.is_active = False
    client.user.save(update_fields=["is_active"])
    return client


def require_agency_admin(actor, agency: Agency) -> None:
    """Only the agency's own administrators (or the platform operator) manage its API clients."""
    platform = getattr(actor, "kind", None) == UserKind.PLATFORM
    if not platform and not (actor.has_role(Role.AGENCY_ADMIN) and actor.agency_id == agency.pk):
        raise PermissionDenied(_("Only an administrator of %(agency)s manages its API clients.")
                               % {"agency": agency})


def create_agency_client(*, actor, name: str, scopes: list[str]) -> tuple[ApiClient, str]:
    """An agency administrator issues a client for the agency's own systems (the token is shown once)."""
    require_agency_admin(actor, actor.agency)
    if not (name or "").strip():
        raise ValidationError({"name": _("Name the system that will use the client.")})
    return create_api_client(agency=actor.agency, name=name.strip(), scopes=scopes, created_by=actor)


def revoke_agency_client(client: ApiClient, *, actor) -> ApiClient:
    require_agency_admin(actor, client.user.agency)
    if client.revoked_at is not None:
        raise ValidationError({"client": _("This client is already revoked.")})
    return revoke_api_client(client, actor=actor)


# --- Deadlines ---------------------------------------------------------------------------------

def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def due_date(rule: StatutoryRule, start: date, *, amount: int | None = None,
             cal: WorkingCalendar | None = None) -> date:
    """When a period of ``amount`` (default: the rule's) counted from ``start`` ends."""
    cal = cal or WorkingCalendar.current()
    amount = rule.amount if amount is None else amount
    if rule.unit == DeadlineUnit.WORKING_DAYS:
        return cal.add_working_days(start, amount)
    if rule.unit == DeadlineUnit.CALENDAR_DAYS:
        return cal.roll_forward(start + timedelta(days=amount))
    return cal.roll_forward(_add_months(start, amount))


def rule_in_force(code: str, on: date) -> StatutoryRule:
    try:
        return StatutoryRule.objects.in_force(code, on)
    except StatutoryRule.DoesNotExist:
        raise ValidationError({"rule": _("No statutory rule %(code)s is in force on %(date)s.")
                               % {"code": code, "date": on}}) from None


@transaction.atomic
def start_deadline(subject, rule_code: str, *, started_on: date, jurisdiction=None) -> Deadline:
    """Start the statutory clock ``rule_code`` on ``subject``, with the rule version in force that day."""
    rule = rule_in_force(rule_code, started_on)
    return Deadline.objects.create(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        jurisdiction=jurisdiction or subject.jurisdiction,
        rule=rule,
        started_on=started_on,
        due_on=due_date(rule, started_on),
    )


@transaction.atomic
def stop_clock(deadline: Deadline, *, on: date, reason: str) -> Deadline:
    """Stop the clock (e.g. waiting for the applicant's corrections); days from now on do not count."""
    deadline = Deadline.objects.select_for_update().select_related("rule").get(pk=deadline.pk)
    if deadline.status != DeadlineStatus.RUNNING:
        raise ValidationError({"status": _("Only a running clock can be stopped; this one is %(status)s.")
                               % {"status": deadline.get_status_display()}})
    cal = WorkingCalendar.current()
    if deadline.rule.unit == DeadlineUnit.WORKING_DAYS:
        deadline.remaining_working_days = cal.working_days_between(on, deadline.due_on)
    else:
        deadline.remaining_calendar_days = max((deadline.due_on - on).days, 0)
    deadline.status = DeadlineStatus.STOPPED
    deadline.save()
    ClockStop.objects.create(deadline=deadline, stopped_on=on, reason=reason)
    return deadline


@transaction.atomic
def resume_clock(deadline: Deadline, *, on: date) -> Deadline:
    deadline = Deadline.objects.select_for_update().select_related("rule").get(pk=deadline.pk)
    if deadline.status != DeadlineStatus.STOPPED:
        raise ValidationError({"status": _("Only a stopped clock can be resumed.")})
    stop = deadline.stops.get(resumed_on__isnull=True)
    if on < stop.stopped_on:
        raise ValidationError({"resumed_on": _("A clock cannot resume before it stopped.")})
    stop.resumed_on = on
    stop.save(update_fields=["resumed_on"])
    cal = WorkingCalendar.current()
    if deadline.rule.unit == DeadlineUnit.WORKING_DAYS:
        deadline.due_on = cal.add_working_days(on, deadline.remaining_working_days)
    else:
        deadline.due_on = cal.roll_forward(on + timedelta(days=deadline.remaining_calendar_days))
    deadline.remaining_working_days = deadline.remaining_calendar_days = None
    deadline.status = DeadlineStatus.RUNNING
    deadline.save()
    return deadline


@transaction.atomic
def complete_deadline(deadline: Deadline, *, on: date) -> Deadline:
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.status in (DeadlineStatus.MET, DeadlineStatus.MISSED):
        return deadline
    deadline.status = DeadlineStatus.MET if on <= deadline.due_on else DeadlineStatus.MISSED
    deadline.completed_on = on
    deadline.save()
    return deadline


def working_days_left(deadline: Deadline, *, today: date) -> int:
    """Positive: working days still to go; negative: working days overdue."""
    cal = WorkingCalendar.current()
    if deadline.status == DeadlineStatus.STOPPED and deadline.remaining_working_days is not None:
        return deadline.remaining_working_days
    if today <= deadline.due_on:
        return cal.working_days_between(today, deadline.due_on)
    return -cal.working_days_between(deadline.due_on, today)


def flag_overdue_deadlines(*, today: date) -> int:
    """Record ``deadline.overdue`` once for every running deadline past its due date. Safe to rerun."""
    flagged = 0
    with rls_bypass("nightly deadline escalation (province-wide)"), transaction.atomic():
        overdue = (Deadline.objects.select_for_update(skip_locked=True)
                   .filter(status=DeadlineStatus.RUNNING, due_on__lt=today, overdue_flagged_at__isnull=True)
                   .select_related("rule", "jurisdiction"))
        for deadline in overdue:
            deadline.overdue_flagged_at = timezone.now()
            deadline.save(update_fields=["overdue_flagged_at"])
            events.record_event("deadline.overdue", subject=deadline, payload={
                "rule": deadline.rule.code, "due_on": deadline.due_on.isoformat(),
                "subject_type": deadline.subject_type.model, "subject_id": deadline.subject_id,
            })
            flagged += 1
    return flagged


# --- Event delivery ----------------------------------------------------------------------------

class DeliveryOutcome(enum.StrEnum):
    DONE = "done"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


MAX_DELIVERY_ATTEMPTS = 8
SWEEP_AFTER = timedelta(minutes=2)


def deliver_event(delivery_id: int) -> DeliveryOutcome:
    """Run one handler for one event. The handler's writes and the delivery's status commit together."""
    with transaction.atomic():
        delivery = (EventDelivery.objects.select_for_update(skip_locked=True).select_related("event")
                    .filter(pk=delivery_id).first())
        if delivery is None or delivery.status == DeliveryStatus.DONE:
            return DeliveryOutcome.SKIPPED
        func = events.get_handler(delivery.handler)
        delivery.attempts += 1
        if func is None:
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = f"no handler named {delivery.handler} is registered"
            delivery.save()
            return DeliveryOutcome.FAILED
        try:
            with transaction.atomic():
                func(delivery.event)
        except Exception:
            delivery.last_error = traceback.format_exc(limit=5)
            exhausted = delivery.attempts >= MAX_DELIVERY_ATTEMPTS
            delivery.status = DeliveryStatus.FAILED if exhausted else DeliveryStatus.PENDING
            delivery.save()
            logger.warning("handler %s failed on event %s (attempt %s)", delivery.handler, delivery.event_id,
                           delivery.attempts)
            return DeliveryOutcome.FAILED if exhausted else DeliveryOutcome.RETRY
        delivery.status = DeliveryStatus.DONE
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
        delivery.save()
        return DeliveryOutcome.DONE


def pending_deliveries(*, older_than: timedelta = SWEEP_AFTER, limit: int = 1000) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(EventDelivery.objects.filter(status=DeliveryStatus.PENDING, created_at__lt=cutoff)
                .order_by("id").values_list("id", flat=True)[:limit])


@transaction.atomic
def retry_failed_delivery(delivery: EventDelivery) -> EventDelivery:
    """An operator's second chance for a delivery that exhausted its retries."""
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.save(update_fields=["status", "attempts"])
    transaction.on_commit(lambda: events._enqueue([delivery.pk]))
    return delivery
