"""Start-page panels of the licensing app; each runs inside the request's tenant scope."""

from django.utils import timezone

from licensing import selectors, services
from licensing.choices import ApplicationStatus as S
from licensing.views import QUEUES
from regulator import services as kernel
from regulator.choices import UserKind


def my_queue(request):
    user = request.user
    queryset = selectors.applications_for(user)
    if user.kind == UserKind.STAFF:
        states = next((states for role, states in QUEUES if role in user.roles), [])
        queryset = queryset.filter(status__in=states)
    else:
        queryset = queryset.exclude(status__in=[S.ISSUED, S.FILED, S.DENIED, S.NOT_ACCEPTED])
    rows = list(queryset.order_by("id")[:10])
    today = timezone.localdate()
    for row in rows:
        deadline = services.decision_deadline(row)
        row.days_left = kernel.working_days_left(deadline, today=today) if deadline else None
    return {"applications": rows}


def overdue(request):
    return {"applications": list(selectors.overdue_applications(request.user).order_by("id")[:10])}
