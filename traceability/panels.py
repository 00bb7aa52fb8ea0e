"""Start-page panels: the traceability rate per jurisdiction against the national targets."""

from regulator.models import Jurisdiction
from regulator.tenancy import scope_for
from traceability import services


def kpi(request) -> dict:
    scope = scope_for(request.user)
    jurisdictions = Jurisdiction.objects.current().order_by("code")
    if not scope.unrestricted:
        jurisdictions = jurisdictions.filter(id__in=scope.jurisdiction_ids)
    rows = []
    for jurisdiction in jurisdictions.filter(level="county")[:20]:
        rows.append({"jurisdiction": jurisdiction, "rates": services.traceability_rates([jurisdiction.pk])})
    ids = scope.jurisdiction_ids if not scope.unrestricted else list(jurisdictions.values_list("id", flat=True))
    return {"total": services.traceability_rates(ids), "rows": rows}
