import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from regulator import audit, selectors, services
from regulator.api.errors import error_body
from regulator.celery import app as celery_app
from regulator.choices import ApiScope, EnterpriseType, Role, UserKind
from regulator.models import Deadline, Enterprise, Event, Jurisdiction, Product
from regulator.tasks import HEARTBEAT_KEY
from regulator.tenancy import scope_for
from regulator.web import charts, presenters, registry
from regulator.web.base import ScopedViewMixin
from regulator.web.forms import ApiClientForm, EnterpriseSearchForm, add_service_errors

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    """The public front page: what the platform is, and the way in for staff and enterprises."""

    template_name = "regulator/home.html"
    extra_context = {"public_links": registry.public_links}

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("start")
        return super().get(request, *args, **kwargs)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "failure_limit": settings.AXES_FAILURE_LIMIT}


class LogoutView(auth_views.LogoutView):
    pass


class StartView(ScopedViewMixin, TemplateView):
    """Each role's start page: the panels registered for it, in order."""

    template_name = "regulator/start.html"

    def get(self, request, *args, **kwargs):
        if request.user.kind == UserKind.PLATFORM:
            return redirect("admin:index")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = [
            {"panel": panel, **panel.context(self.request)} for panel in registry.panels_for(self.request.user)
        ]
        role_labels = dict(Role.choices)
        context["role_labels"] = [role_labels.get(role, role) for role in self.request.user.roles]
        return context


def _jurisdictions_in_scope(user):
    scope = scope_for(user)
    queryset = Jurisdiction.objects.current().filter(level="county")
    if not scope.unrestricted:
        queryset = queryset.filter(pk__in=scope.jurisdiction_ids)
    return list(queryset.order_by("code"))


class DashboardView(ScopedViewMixin, TemplateView):
    """Real counts of the register in the actor's scope, by type and jurisdiction, with a chart."""

    template_name = "regulator/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = selectors.enterprise_counts(self.request.user)
        jurisdictions = _jurisdictions_in_scope(self.request.user)
        type_labels = dict(EnterpriseType.choices)
        matrix: dict[str, dict[str, int]] = {}
        for row in counts["matrix"]:
            matrix.setdefault(row["enterprise_type"], {})[row["jurisdiction__code"]] = row["n"]
        rows = [(str(type_labels.get(row["enterprise_type"], row["enterprise_type"])),
                 matrix.get(row["enterprise_type"], {})) for row in counts["by_type"]]
        series = [(j.code, j.name) for j in jurisdictions]
        table = [
            {"type": label, "cells": [values.get(code, 0) for code, _ in series], "total": sum(values.values())}
            for label, values in rows
        ]
        context.update(counts=counts, chart=charts.stacked_bars(rows, series, width=760, label_width=250),
                       jurisdictions=jurisdictions, table=table, column_totals=[
                           sum(row["cells"][i] for row in table) for i in range(len(series))])
        return context


class EnterpriseListView(ScopedViewMixin, ListView):
    model = Enterprise
    template_name = "regulator/enterprise_list.html"
    paginate_by = 50

    def scoped_queryset(self):
        self.form = EnterpriseSearchForm(self.request.GET or None,
                                         jurisdictions=_jurisdictions_in_scope(self.request.user))
        return self.form.filter(Enterprise.objects.select_related("jurisdiction").order_by("name", "id"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(form=self.form, querystring=query.urlencode())
        return context


class EnterpriseDetailView(ScopedViewMixin, DetailView):
    model = Enterprise
    template_name = "regulator/enterprise_detail.html"
    context_object_name = "enterprise"

    def scoped_queryset(self):
        return Enterprise.objects.select_related("jurisdiction")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enterprise = self.object
        today = timezone.localdate()
        deadlines = list(Deadline.objects.visible_to(self.request.user).filter(
            subject_type__model="enterprise", subject_id=str(enterprise.pk)).select_related("rule"))
        for deadline in deadlines:
            deadline.days_left = services.working_days_left(deadline, today=today)
        context.update(
            products=Product.objects.visible_to(self.request.user).filter(enterprise=enterprise)
            .prefetch_related("batches").order_by("name"),
            events=registry.label_events(Event.objects.visible_to(self.request.user).filter(enterprise=enterprise)
                                         .select_related("actor").order_by("-id")[:20]),
            history=presenters.describe_history(Enterprise, audit.history(enterprise, limit=10),
                                                viewer=self.request.user),
            deadlines=deadlines,
        )
        return context


class HistoryView(ScopedViewMixin, DetailView):
    """The audit trail of one record, for whoever may see the record."""

    template_name = "regulator/history.html"
    context_object_name = "record"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = presenters.describe_history(self.model, audit.history(self.object),
                                                         viewer=self.request.user)
        context["record_kind"] = self.model._meta.verbose_name
        context["back_url"] = self.back_url()
        return context


class EnterpriseHistoryView(HistoryView):
    model = Enterprise

    def back_url(self):
        return self.object.get_absolute_url()


class ProductHistoryView(HistoryView):
    model = Product

    def back_url(self):
        return self.object.enterprise.get_absolute_url()


class EventListView(ScopedViewMixin, ListView):
    model = Event
    template_name = "regulator/event_list.html"
    paginate_by = 50

    def scoped_queryset(self):
        queryset = Event.objects.select_related("jurisdiction", "enterprise", "actor").order_by("-id")
        kind = self.request.GET.get("kind", "").strip()
        if kind:
            queryset = queryset.filter(kind__startswith=kind)
        return queryset

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # The event log grows without bound: page without counting it.
        return _UncountedPaginator(queryset, per_page, orphans, allow_empty_first_page)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registry.label_events(context["object_list"])
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(kind=self.request.GET.get("kind", "").strip(), querystring=query.urlencode())
        return context


class _UncountedPaginator(Paginator):
    """Pages by offset and knows whether a next page exists by reading one row more; never counts."""

    @property
    def count(self):
        return 10**9

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        return max(number, 1)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom:bottom + self.per_page + 1])
        return _UncountedPage(rows[:self.per_page], number, self, has_more=len(rows) > self.per_page)


class _UncountedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_more):
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self):
        return self.has_more


def healthz(request):
    """Database, Redis and worker status; 503 unless database and Redis answer."""
    report = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
    except Exception as exc:  # any failure is the answer here
        report["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "ok", timeout=10)
        report["redis"] = "ok" if cache.get("healthz") == "ok" else "error: no echo"
    except Exception as exc:
        report["redis"] = f"error: {exc.__class__.__name__}"
    report["worker"] = _worker_status()
    healthy = report["database"] == "ok" and report["redis"] == "ok"
    report["status"] = "ok" if healthy and report["worker"] == "ok" else ("degraded" if healthy else "error")
    return JsonResponse(report, status=200 if healthy else 503)


def _worker_status() -> str:
    try:
        if celery_app.control.ping(timeout=0.5):
            return "ok"
        beat = cache.get(HEARTBEAT_KEY)
        return f"no worker answered (last beat heartbeat {beat})" if beat else "no worker answered"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body(404, "not_found", _("Not found.")), status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(error_body(500, "server_error", _("Internal error; it has been logged.")), status=500)
    return render(request, "500.html", status=500)


class AgencyClientsView(LoginRequiredMixin, View):
    """An agency administrator's API clients: issue one (its token is shown once), revoke one, see webhooks."""

    template_name = "regulator/api_clients.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.agency_id is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, form, *, token=None, status=200):
        services.require_agency_admin(request.user, request.user.agency)
        response = render(request, self.template_name, {
            "form": form, "token": token, "clients": selectors.agency_api_clients(request.user),
            "agency": request.user.agency}, status=status)
        if token:
            response["Cache-Control"] = "no-store"  # the token must not outlive this page
        return response

    def get(self, request):
        return self.render(request, ApiClientForm())

    def post(self, request):
        if "revoke" in request.POST:
            if not request.POST["revoke"].isdigit():
                raise Http404
            client = get_object_or_404(selectors.agency_api_clients(request.user), pk=int(request.POST["revoke"]))
            services.revoke_agency_client(client, actor=request.user)
            messages.success(request, _("“%(name)s” is revoked: its token no longer works.") % {"name": client.name})
            return redirect("agency-clients")
        form = ApiClientForm(request.POST)
        if form.is_valid():
            scopes = [ApiScope.READ, ApiScope.WRITE] if form.cleaned_data["write"] else [ApiScope.READ]
            try:
                client, token = services.create_agency_client(actor=request.user, name=form.cleaned_data["name"],
                                                              scopes=scopes)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return self.render(request, ApiClientForm(), token={"client": client, "value": token})
        return self.render(request, form, status=400)
