"""Public read functions of the complaints app; other apps read it only through these."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from complaints import services
from complaints.choices import Status
from complaints.models import Complaint, Message
from regulator.choices import DeadlineStatus
from regulator.models import Deadline
from regulator.workflow import timeline


def complaints_for(actor):
    return Complaint.objects.visible_to(actor)


def queue_for(actor):
    """Open filings the actor's bureau handles, by due date (those without a clock last), and closed ones whose
    clock still runs (the parties of an ended mediation are still to be notified)."""
    queryset = (complaints_for(actor).filter(~Q(status=Status.CLOSED) | Q(due_on__isnull=False))
                .select_related("enterprise", "jurisdiction", "assigned_to"))
    if getattr(actor, "agency_id", None):
        queryset = queryset.filter(handling_agency_id=actor.agency_id)
    return queryset.order_by("due_on", "received_at", "id")


def on_time_rate(actor) -> dict:
    """Statutory clocks of filings in the actor's scope that finished: how many were met in time."""
    counts = (Deadline.objects.visible_to(actor)
              .filter(subject_type=ContentType.objects.get_for_model(Complaint),
                      status__in=[DeadlineStatus.MET, DeadlineStatus.MISSED])
              .aggregate(met=Count("id", filter=Q(status=DeadlineStatus.MET)), total=Count("id")))
    counts["rate"] = round(100 * counts["met"] / counts["total"], 1) if counts["total"] else None
    return counts


def possible_duplicates(actor, complaint: Complaint, *, limit: int = 5) -> list[Complaint]:
    """Filings about the same enterprise within 30 days whose text is similar, most similar first."""
    if complaint.enterprise_id is None:
        return []
    window = timedelta(days=services.DUPLICATE_WINDOW_DAYS)
    candidates = (complaints_for(actor).filter(enterprise_id=complaint.enterprise_id,
                                               received_on__gte=complaint.received_on - window,
                                               received_on__lte=complaint.received_on + window)
                  .exclude(pk=complaint.pk).only("id", "tracking_number", "subject", "description", "status",
                                                 "received_on", "kind")[:200])
    text = f"{complaint.subject} {complaint.description}"
    scored = []
    for other in candidates:
        score = services.similarity(text, f"{other.subject} {other.description}")
        if score >= services.DUPLICATE_SIMILARITY:
            other.similarity = round(score * 100)
            scored.append(other)
    return sorted(scored, key=lambda c: -c.similarity)[:limit]


def public_view(complaint: Complaint) -> dict:
    """What the status page may show: progress and replies, never internal notes or who handled it."""
    steps = [{"at": entry.at, "to_state": entry.to_state, "label": Status(entry.to_state).label}
             for entry in timeline(complaint, include_internal=False) if entry.from_state != entry.to_state]
    messages = [{"at": m.at, "sender": m.sender, "body": m.body, "is_question": m.is_question}
                for m in Message.objects.filter(complaint=complaint, internal=False).order_by("at", "id")]
    return {"steps": steps, "conversation": messages}


def substantiated_count(actor, enterprise_id: int) -> int:
    """Closed filings about an enterprise that were substantiated or referred to a case (for credit)."""
    return complaints_for(actor).filter(enterprise_id=enterprise_id,
                                        outcome__in=["substantiated", "referred"]).count()


def _licence_credit_codes(query: str) -> list[str]:
    """Credit codes of licence holders matching ``query``, through licensing's selectors when that app has them."""
    try:
        from licensing import selectors as licensing_selectors
    except ImportError:
        return []
    search = getattr(licensing_selectors, "public_register_search", None)
    if search is None:
        return []
    return [row["credit_code"] for row in search(query, limit=10) if row.get("credit_code")]


def public_enterprise_search(query: str, *, limit: int = 10) -> list[dict]:
    """The directory for the public filing form: by name, credit code or licence number. Public fields only."""
    from django.db.models import Q

    from regulator.models import Enterprise
    from regulator.search import text_contains
    from regulator.tenancy import rls_bypass

    query = (query or "").strip()
    if len(query) < 2:
        return []
    with rls_bypass("public complaint filing: enterprise directory"):
        codes = _licence_credit_codes(query)
        rows = (Enterprise.objects.filter(text_contains("name", query) | Q(credit_code=query.upper())
                                          | Q(credit_code__in=codes))
                .select_related("jurisdiction").order_by("name", "id")[:limit])
        return [{"credit_code": e.credit_code, "name": e.name, "address": e.address,
                 "jurisdiction": e.jurisdiction.name} for e in rows]


def public_enterprise(credit_code: str):
    from regulator.models import Enterprise
    from regulator.tenancy import rls_bypass

    if not credit_code:
        return None
    with rls_bypass("public complaint filing: chosen enterprise"):
        return Enterprise.objects.select_related("jurisdiction__agency").filter(
            credit_code=credit_code.strip().upper()).first()


def public_complaint(tracking_number: str):
    from regulator.tenancy import rls_bypass

    with rls_bypass("public complaint status page"):
        return Complaint.objects.filter(tracking_number=tracking_number).first()


# The export: what the bureau reports and analyses. Never the filer's identity, the description or the
# messages (a filer may name themselves there): those stay on the case page, behind its access rules.
EXPORT_COLUMNS = (
    ("tracking_number", gettext_lazy("Tracking number")),
    ("kind", gettext_lazy("Kind")),
    ("status", gettext_lazy("Status")),
    ("outcome", gettext_lazy("Outcome")),
    ("reason", gettext_lazy("Ground or reason")),
    ("received_on", gettext_lazy("Date of receipt")),
    ("due_on", gettext_lazy("Due on")),
    ("closed_on", gettext_lazy("Closed on")),
    ("handling_agency", gettext_lazy("Handling agency")),
    ("jurisdiction", gettext_lazy("Jurisdiction code")),
    ("enterprise", gettext_lazy("Enterprise")),
    ("credit_code", gettext_lazy("Unified social credit code")),
    ("subject", gettext_lazy("Subject")),
    ("product", gettext_lazy("Product")),
    ("approval_number", gettext_lazy("Approval number")),
    ("batch_number", gettext_lazy("Batch")),
    ("anonymous", gettext_lazy("Anonymous")),
    ("satisfaction", gettext_lazy("Satisfaction (1–5)")),
)


def export_rows(actor, *, received_from=None, received_to=None, kind: str = ""):
    """Filings in the actor's scope received in the period, oldest first, as rows of ``EXPORT_COLUMNS``."""
    from django.utils.timezone import localtime

    from complaints.choices import Kind, NoCaseReason, NotAcceptedGround, Outcome

    queryset = complaints_for(actor).select_related("handling_agency", "jurisdiction", "enterprise")
    if received_from:
        queryset = queryset.filter(received_on__gte=received_from)
    if received_to:
        queryset = queryset.filter(received_on__lte=received_to)
    if kind:
        queryset = queryset.filter(kind=kind)
    yes, no = str(gettext_lazy("yes")), str(gettext_lazy("no"))
    for c in queryset.order_by("received_at", "id").iterator(chunk_size=2000):
        reason = (NotAcceptedGround(c.not_accepted_ground).label if c.not_accepted_ground else
                  NoCaseReason(c.no_case_reason).label if c.no_case_reason else "")
        yield {
            "tracking_number": c.tracking_number, "kind": Kind(c.kind).label, "status": c.get_status_display(),
            "outcome": Outcome(c.outcome).label if c.outcome else "", "reason": reason,
            "received_on": c.received_on.isoformat(), "due_on": c.due_on.isoformat() if c.due_on else "",
            "closed_on": localtime(c.closed_at).date().isoformat() if c.closed_at else "",
            "handling_agency": c.handling_agency.name, "jurisdiction": c.jurisdiction.code,
            "enterprise": c.enterprise.name if c.enterprise else c.enterprise_description,
            "credit_code": c.enterprise.credit_code if c.enterprise else "", "subject": c.subject,
            "product": c.product_name, "approval_number": c.approval_number, "batch_number": c.batch_number,
            "anonymous": yes if c.anonymous else no, "satisfaction": c.satisfaction or "",
        }
