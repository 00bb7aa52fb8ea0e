"""Context for the kernel's start-page panels. Each runs inside the request's tenant scope."""

from django.utils import timezone

from regulator import selectors, services
from regulator.choices import DeadlineStatus, EnterpriseType, Role
from regulator.models import ApiClient, Deadline, Event, User
from regulator.web import registry


def deadlines(request):
    today = timezone.localdate()
    rows = list(Deadline.objects.visible_to(request.user)
                .filter(status__in=[DeadlineStatus.RUNNING, DeadlineStatus.STOPPED])
                .select_related("rule", "jurisdiction", "subject_type").order_by("due_on")[:10])
    for row in rows:
        row.days_left = services.working_days_left(row, today=today)
    return {"deadlines": rows}


def register_summary(request):
    counts = selectors.enterprise_counts(request.user)
    type_labels = dict(EnterpriseType.choices)
    return {
        "counts": counts,
        "by_type": [{"label": type_labels.get(row["enterprise_type"], row["enterprise_type"]), "n": row["n"]}
                    for row in counts["by_type"]],
    }


def recent_events(request):
    return {"events": registry.label_events(Event.objects.visible_to(request.user)
                                            .select_related("jurisdiction", "enterprise").order_by("-id")[:8])}


def agency_people(request):
    agency = request.user.agency
    role_labels = dict(Role.choices)
    staff = list(User.objects.filter(agency=agency, kind="staff").order_by("username"))
    for person in staff:
        person.role_labels = [role_labels.get(role, role) for role in person.roles]
    return {
        "agency": agency,
        "staff": staff,
        "clients": ApiClient.objects.filter(user__agency=agency).order_by("name"),
    }


def my_enterprise(request):
    enterprise = selectors.enterprises_for(request.user).first()
    return {"enterprise": enterprise,
            "products": enterprise.products.order_by("name")[:20] if enterprise else []}
