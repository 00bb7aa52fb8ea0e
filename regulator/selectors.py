"""The kernel's public read functions. Other apps read kernel data through these, not its models."""

from django.db.models import Count

from regulator.models import Enterprise, Jurisdiction


def enterprises_for(actor):
    return Enterprise.objects.visible_to(actor)


def enterprise_by_credit_code(actor, credit_code: str) -> Enterprise | None:
    return enterprises_for(actor).filter(credit_code=credit_code.upper()).first()


def enterprise_counts(actor) -> dict:
    """Enterprises in the actor's scope by type and by jurisdiction, for the dashboard."""
    queryset = enterprises_for(actor)
    by_type = list(queryset.values("enterprise_type").annotate(n=Count("id")).order_by("-n"))
    by_jurisdiction = list(
        queryset.values("jurisdiction__code", "jurisdiction__name_zh", "jurisdiction__name_en")
        .annotate(n=Count("id")).order_by("jurisdiction__code")
    )
    by_type_and_jurisdiction = list(
        queryset.values("jurisdiction__code", "enterprise_type").annotate(n=Count("id"))
    )
    return {
        "total": sum(row["n"] for row in by_type),
        "by_type": by_type,
        "by_jurisdiction": by_jurisdiction,
        "matrix": by_type_and_jurisdiction,
    }


def current_jurisdictions():
    return Jurisdiction.objects.current()


def agency_api_clients(actor):
    """The API clients of the actor's agency, with their webhooks (for its administrators' page)."""
    from django.db.models import Prefetch

    from regulator.models import ApiClient, Webhook

    return (ApiClient.objects.filter(user__agency_id=actor.agency_id, user__kind="machine")
            .select_related("created_by").prefetch_related(Prefetch("webhooks", Webhook.objects.order_by("id")))
            .order_by("revoked_at", "name", "id"))
