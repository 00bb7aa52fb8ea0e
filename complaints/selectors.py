"""Public read functions of the complaints app; other apps read it only through these."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q

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
