"""Traceability pages: uploads with progress, reconciliation runs, discrepancies, recalls, public verification."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from regulator.web.base import ScopedViewMixin
from regulator.web.forms import add_service_errors
from regulator.workflow import InvalidTransition, labelled, timeline
from traceability import services, tasks
from traceability.choices import DiscrepancyStatus, JobSource, RecallStatus
from traceability.forms import (
    DiscrepancyStatusForm,
    RecallCloseForm,
    RecallForm,
    RecallRejectForm,
    RecallStartForm,
    UploadForm,
    VerifyForm,
)
from traceability.models import Discrepancy, IngestJob, Recall, ReconciliationRun, TraceEvent


class OverviewView(ScopedViewMixin, ListView):
    """Open discrepancies first, then the latest uploads and runs."""

    model = Discrepancy
    template_name = "traceability/overview.html"
    paginate_by = 50

    def scoped_queryset(self):
        queryset = Discrepancy.objects.select_related("code", "enterprise", "assignee")
        status = self.request.GET.get("status", DiscrepancyStatus.OPEN)
        if status in DiscrepancyStatus.values:
            queryset = queryset.filter(status=status)
        return queryset.order_by("-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            status=self.request.GET.get("status", DiscrepancyStatus.OPEN), statuses=DiscrepancyStatus.choices,
            jobs=IngestJob.objects.visible_to(user).select_related("enterprise")[:10],
            runs=ReconciliationRun.objects.visible_to(user).select_related("jurisdiction")[:5],
            recalls=Recall.objects.visible_to(user).select_related("product", "batch")[:10],
            can_upload=user.enterprise_id is not None, can_reconcile=user.agency_id is not None,
        )
        return context


class UploadView(ScopedViewMixin, View):
    """An enterprise uploads a CSV file; the worker imports it while the job page shows progress."""

    model = IngestJob

    def get(self, request):
        return render(request, "traceability/upload.html", {"form": UploadForm()})

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "traceability/upload.html", {"form": form}, status=400)
        upload = form.cleaned_data["file"]
        folder = Path(settings.MEDIA_ROOT) / "traceability"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{uuid.uuid4().hex}.csv"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        job = services.create_job(actor=request.user, source=JobSource.CSV, filename=upload.name[:255], path=str(path))
        transaction.on_commit(lambda: tasks.run_csv_job.delay(job.pk))
        return redirect("traceability:job", pk=job.pk)


class JobView(ScopedViewMixin, DetailView):
    model = IngestJob
    template_name = "traceability/job.html"
    context_object_name = "job"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "progress": services.job_progress(self.object)}


class JobProgressView(ScopedViewMixin, DetailView):
    model = IngestJob

    def render_to_response(self, context, **kwargs):
        return JsonResponse(services.job_progress(self.object))


class ReconcileView(ScopedViewMixin, View):
    model = ReconciliationRun

    def post(self, request):
        try:
            run = services.start_reconciliation(actor=request.user)
        except PermissionDenied:
            raise
        transaction.on_commit(lambda: tasks.run_reconciliation.delay(run.pk))
        return redirect("traceability:run", pk=run.pk)


class RunView(ScopedViewMixin, DetailView):
    model = ReconciliationRun
    template_name = "traceability/run.html"
    context_object_name = "run"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "progress": services.run_progress(self.object)}


class RunProgressView(ScopedViewMixin, DetailView):
    model = ReconciliationRun

    def render_to_response(self, context, **kwargs):
        return JsonResponse(services.run_progress(self.object))


class DiscrepancyView(ScopedViewMixin, DetailView):
    model = Discrepancy
    template_name = "traceability/discrepancy.html"
    context_object_name = "discrepancy"

    def scoped_queryset(self):
        return Discrepancy.objects.select_related("code__product", "enterprise", "other_enterprise", "assignee")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=kwargs.get("form") or DiscrepancyStatusForm(),
            events=TraceEvent.objects.visible_to(self.request.user).filter(pk__in=self.object.event_ids)
            .select_related("code", "enterprise", "counterparty").order_by("occurred_at"),
            timeline=labelled(timeline(self.object, include_internal=True), DiscrepancyStatus),
            can_act=self.request.user.is_staff_member,
        )
        return context

    def post(self, request, pk):
        self.object = self.get_object()
        form = DiscrepancyStatusForm(request.POST)
        if form.is_valid():
            try:
                services.set_discrepancy_status(self.object, actor=request.user, status=form.cleaned_data["status"],
                                                note=form.cleaned_data["note"])
                messages.success(request, _("The discrepancy is now “%(status)s”.")
                                 % {"status": DiscrepancyStatus(form.cleaned_data["status"]).label})
                return redirect("traceability:discrepancy", pk=self.object.pk)
            except InvalidTransition as exc:
                form.add_error("status", str(exc))
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _require_staff(user):
    if not user.is_staff_member:
        raise PermissionDenied(_("Only regulator staff handle discrepancies and recalls."))


class RecallCreateView(ScopedViewMixin, View):
    """Staff start a recall of a batch named by approval number and batch number; it starts at once."""

    model = Recall
    template_name = "traceability/recall_form.html"

    def get(self, request):
        _require_staff(request.user)
        initial = {key: request.GET[key] for key in ("approval_number", "batch_number") if key in request.GET}
        return render(request, self.template_name, {"form": RecallForm(initial=initial)})

    def post(self, request):
        _require_staff(request.user)
        form = RecallForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch = services.recall_batch(actor=request.user, approval_number=data["approval_number"],
                                              batch_number=data["batch_number"])
                recall = services.recall_now(batch, actor=request.user, reason=data["reason"],
                                             deadline=data["deadline"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The recall has started: %(holders)d holders have a task.")
                                 % {"holders": recall.tasks.count()})
                return redirect("traceability:recall", pk=recall.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class RecallView(ScopedViewMixin, DetailView):
    """A recall's holders and effectiveness; staff start or reject a proposed one and close an active one."""

    model = Recall
    template_name = "traceability/recall.html"
    context_object_name = "recall"
    actions = {"start": RecallStartForm, "reject": RecallRejectForm, "close": RecallCloseForm}

    def scoped_queryset(self):
        return Recall.objects.select_related("product", "batch")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        forms = {name: form_class(prefix=name) for name, form_class in self.actions.items()}
        forms.update(kwargs.get("forms", {}))
        context.update(
            tasks=self.object.tasks.select_related("holder").order_by("-held"),
            timeline=labelled(timeline(self.object, include_internal=True), RecallStatus),
            can_act=self.request.user.is_staff_member, forms=forms, action_error=kwargs.get("action_error"),
        )
        if self.object.status == RecallStatus.PROPOSED:
            trace = services.forward_trace(self.object.batch)
            context["preview"] = {"holders": sum(1 for row in trace if row["held"]),
                                  "held": sum(row["held"] for row in trace),
                                  "dispensed": sum(row["dispensed"] for row in trace)}
        return context

    def post(self, request, pk):
        _require_staff(request.user)
        self.object = self.get_object()
        action = request.POST.get("action")
        if action not in self.actions:
            return self.render_to_response(self.get_context_data(), status=400)
        form = self.actions[action](request.POST, prefix=action)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "start":
                    services.start_recall(self.object, actor=request.user, deadline=data["deadline"])
                elif action == "reject":
                    services.reject_recall(self.object, actor=request.user, reason=data["reason"])
                else:
                    services.close_recall(self.object, actor=request.user, note=data["note"])
            except InvalidTransition as exc:
                # Someone else moved the recall meanwhile (or a stale page posted): say so above the actions.
                return self.render_to_response(self.get_context_data(action_error=str(exc)), status=409)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                self.object.refresh_from_db()
                messages.success(request, _("The recall is now “%(status)s”.")
                                 % {"status": self.object.get_status_display()})
                return redirect("traceability:recall", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(forms={action: form}), status=400)


def verify(request, link: str = ""):
    """Public: no login. A code typed or scanned, or a GS1 Digital Link opened (``/01/{gtin}/21/{serial}``)."""
    value = request.GET.get("code", "")
    if link:
        value = request.build_absolute_uri()
    form = VerifyForm({"code": value} if value else None)
    result = services.verify_code(value) if value else None
    return render(request, "traceability/verify.html", {"form": form, "result": result})


