"""Licensing pages: thin views over licensing.services; the scope comes from ScopedViewMixin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from licensing import certificate, forms, selectors, services
from licensing.choices import ApplicationKind, LicenceStatus
from licensing.choices import ApplicationStatus as S
from licensing.models import Application, Licence
from regulator import services as kernel
from regulator.attachments import attachments_of, download
from regulator.choices import Role, UserKind
from regulator.search import text_contains
from regulator.web.base import ScopedViewMixin
from regulator.web.forms import add_service_errors
from regulator.workflow import InvalidTransition, labelled, timeline

APPLICANT = "applicant"

# name: (service, form, label, who, states). ``who`` only decides which buttons a page shows; the
# service decides who may act.
ACTIONS = {
    "submit": (services.submit, None, _("Submit"), {APPLICANT}, {S.DRAFT}),
    "resubmit": (services.resubmit, forms.NoteForm, _("Resubmit"), {APPLICANT}, {S.CORRECTION_REQUESTED}),
    "accept": (services.accept, forms.NoteForm, _("Accept"), {Role.OFFICER}, {S.SUBMITTED}),
    "not_accept": (services.not_accept, forms.ReasonForm, _("Do not accept"), {Role.OFFICER}, {S.SUBMITTED}),
    "request_correction": (services.request_correction, forms.RequiredNoteForm, _("Request correction"),
                           {Role.OFFICER, Role.REVIEWER}, {S.SUBMITTED, S.ACCEPTED, S.UNDER_REVIEW}),
    "start_review": (services.start_review, forms.NoteForm, _("Start review"), {Role.REVIEWER}, {S.ACCEPTED}),
    "request_inspection": (services.request_inspection, forms.NoteForm, _("Send for on-site inspection"),
                           {Role.REVIEWER}, {S.UNDER_REVIEW}),
    "record_inspection": (services.record_inspection, forms.InspectionForm, _("Record the inspection"),
                          {Role.INSPECTOR, Role.REVIEWER}, {S.INSPECTION}),
    "complete_review": (services.complete_review, forms.OpinionForm, _("Complete the review"), {Role.REVIEWER},
                        {S.UNDER_REVIEW}),
    "approve": (services.approve, forms.NoteForm, _("Approve"), {Role.APPROVER}, {S.PENDING_DECISION}),
    "deny": (services.deny, forms.DenyForm, _("Deny"), {Role.APPROVER}, {S.PENDING_DECISION}),
}

LICENCE_ACTIONS = {
    "suspend": (services.suspend_licence, _("Suspend"), {LicenceStatus.ACTIVE, LicenceStatus.EXPIRING}),
    "reinstate": (services.reinstate_licence, _("Reinstate"), {LicenceStatus.SUSPENDED}),
    "revoke": (services.revoke_licence, _("Revoke"),
               {LicenceStatus.ACTIVE, LicenceStatus.EXPIRING, LicenceStatus.SUSPENDED}),
}

# The queue each role starts with.
QUEUES = [
    (Role.APPROVER, [S.PENDING_DECISION]),
    (Role.REVIEWER, [S.ACCEPTED, S.UNDER_REVIEW, S.INSPECTION]),
    (Role.INSPECTOR, [S.INSPECTION]),
    (Role.OFFICER, [S.SUBMITTED]),
]


def _who(user) -> set:
    if user.kind == UserKind.ENTERPRISE:
        return {APPLICANT}
    return set(user.roles) if user.kind == UserKind.STAFF else set()


def _action_kwargs(name: str, data: dict) -> dict:
    if name == "not_accept":
        return {"reason": data["reason"]}
    return data


class ApplicationListView(ScopedViewMixin, ListView):
    model = Application
    template_name = "licensing/application_list.html"
    context_object_name = "applications"
    paginate_by = 50

    def scoped_queryset(self):
        queryset = Application.objects.select_related("licence_type", "enterprise", "jurisdiction", "licence")
        status = self.request.GET.get("status")
        if status == "overdue":
            return queryset.filter(overdue=True)
        if status in S.values:
            return queryset.filter(status=status)
        if status == "all" or self.request.user.kind != UserKind.STAFF:
            return queryset
        for role, states in QUEUES:
            if role in self.request.user.roles:
                return queryset.filter(status__in=states)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = S.choices
        context["current_status"] = self.request.GET.get("status", "")
        context["can_apply"] = self.request.user.kind == UserKind.ENTERPRISE
        context["nav_current"] = "licensing:application-list"
        return context


class ApplicationCreateView(ScopedViewMixin, FormView):
    model = Application
    form_class = forms.ApplicationForm
    template_name = "licensing/application_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.kind != UserKind.ENTERPRISE:
            raise PermissionDenied(_("Only an enterprise applies for a licence."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(),
                "licences": selectors.active_licences_of(self.request.user, self.request.user.enterprise_id)}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        document = data.pop("document")
        licence_id = data.pop("licence")
        licence = selectors.licences_for(self.request.user).filter(pk=licence_id).first() if licence_id else None
        wants_submit = "submit" in self.request.POST
        fields = {key: data[key] for key in ("business_scope", "address", "legal_representative",
                                             "responsible_pharmacist", "commitment")}
        if data["kind"] == ApplicationKind.CHANGE:
            fields["change_kind"] = data["change_kind"]
        try:
            with transaction.atomic():
                application, _created = services.create_application(
                    actor=self.request.user, licence_type=data["licence_type"], kind=data["kind"], licence=licence,
                    idempotency_key=data["form_token"], **fields)
                if document and _created:
                    services.add_document(application, document, actor=self.request.user)
                if wants_submit and application.status == S.DRAFT:
                    services.submit(application, actor=self.request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Application %(ref)s saved.") % {"ref": application.reference})
        return redirect(application)


class ApplicationDetailView(ScopedViewMixin, DetailView):
    model = Application
    template_name = "licensing/application_detail.html"
    context_object_name = "application"

    def scoped_queryset(self):
        return Application.objects.select_related("licence_type", "enterprise", "jurisdiction", "licence",
                                                  "reviewer", "approver")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application, user = self.object, self.request.user
        staff = user.kind == UserKind.STAFF
        deadline = services.decision_deadline(application)
        if deadline is not None:
            deadline.days_left = kernel.working_days_left(deadline, today=timezone.localdate())
        who = _who(user)
        context.update({
            "staff": staff,
            "deadline": deadline,
            "steps": labelled(timeline(application, include_internal=staff), S),
            "documents": attachments_of(application),
            "actions": [{"name": name, "label": label, "form": form(auto_id=f"{name}-%s") if form else None}
                        for name, (_service, form, label, roles, states) in ACTIONS.items()
                        if application.status in states and roles & who],
            "can_upload": APPLICANT in who and application.status in (S.DRAFT, S.SUBMITTED, S.CORRECTION_REQUESTED),
            "document_form": forms.DocumentForm(),
            "nav_current": "licensing:application-list",
        })
        return context


class ApplicationActionView(ScopedViewMixin, View):
    model = Application

    def post(self, request, pk, name):
        if name not in ACTIONS:
            raise Http404
        application = get_object_or_404(self.get_queryset(), pk=pk)
        service, form_class, *_rest = ACTIONS[name]
        kwargs = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    messages.error(request, " ".join(errors))
                return redirect(application)
            kwargs = _action_kwargs(name, form.cleaned_data)
        try:
            service(application, actor=request.user, **kwargs)
        except InvalidTransition as exc:
            messages.error(request, str(exc))
            response = redirect(application)
            return response
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Done."))
        return redirect(application)


class DocumentUploadView(ScopedViewMixin, View):
    model = Application

    def post(self, request, pk):
        application = get_object_or_404(self.get_queryset(), pk=pk)
        form = forms.DocumentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a file."))
            return redirect(application)
        try:
            services.add_document(application, form.cleaned_data["document"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Document attached."))
        return redirect(application)


class DocumentDownloadView(ScopedViewMixin, View):
    model = Application

    def get(self, request, pk, document_pk):
        application = get_object_or_404(self.get_queryset(), pk=pk)
        document = get_object_or_404(attachments_of(application), pk=document_pk)
        return download(document)


class LicenceListView(ScopedViewMixin, ListView):
    model = Licence
    template_name = "licensing/licence_list.html"
    context_object_name = "licences"
    paginate_by = 50

    def scoped_queryset(self):
        queryset = Licence.objects.select_related("licence_type", "jurisdiction")
        query = (self.request.GET.get("q") or "").strip()
        if query:
            from django.db.models import Q

            queryset = queryset.filter(Q(number=query) | Q(credit_code=query.upper())
                                       | text_contains("holder_name", query))
        status = self.request.GET.get("status")
        if status in LicenceStatus.values:
            queryset = queryset.filter(status=status)
        return queryset

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "statuses": LicenceStatus.choices,
                "query": self.request.GET.get("q", ""), "current_status": self.request.GET.get("status", ""),
                "nav_current": "licensing:licence-list"}


class LicenceDetailView(ScopedViewMixin, DetailView):
    model = Licence
    template_name = "licensing/licence_detail.html"
    context_object_name = "licence"

    def scoped_queryset(self):
        return Licence.objects.select_related("licence_type", "enterprise", "jurisdiction", "issuing_agency")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        licence, user = self.object, self.request.user
        may_act = user.kind == UserKind.STAFF and Role.APPROVER in user.roles
        context["actions"] = [{"name": name, "label": label, "form": forms.LicenceActionForm()}
                              for name, (_service, label, states) in LICENCE_ACTIONS.items()
                              if may_act and licence.status in states]
        context["applications"] = licence.applications.visible_to(user).order_by("-id")
        context["renewal_window"] = services.renewal_window(licence)
        context["nav_current"] = "licensing:licence-list"
        return context


class LicenceActionView(ScopedViewMixin, View):
    model = Licence

    def post(self, request, pk, name):
        if name not in LICENCE_ACTIONS:
            raise Http404
        licence = get_object_or_404(self.get_queryset(), pk=pk)
        form = forms.LicenceActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason and the legal basis."))
            return redirect(licence)
        try:
            LICENCE_ACTIONS[name][0](licence, actor=request.user, **form.cleaned_data)
        except (InvalidTransition, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Done."))
        return redirect(licence)


class CertificateView(ScopedViewMixin, View):
    model = Licence

    def get(self, request, pk):
        licence = get_object_or_404(self.get_queryset().select_related("licence_type", "issuing_agency"), pk=pk)
        url = request.build_absolute_uri(reverse("licensing:verify", args=[licence.public_id]))
        response = HttpResponse(certificate.render(licence, url), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="licence-{licence.pk}.pdf"'
        return response


class RegisterSearchView(TemplateView):
    """The public licence register: no login, nothing personal."""

    template_name = "licensing/register.html"

    def get_context_data(self, **kwargs):
        form = forms.RegisterSearchForm(self.request.GET or None)
        results = selectors.public_register_search(form.cleaned_data["q"]) if form.is_valid() else []
        for row in results:
            row["status_label"] = LicenceStatus(row["status"]).label
        return {**super().get_context_data(**kwargs), "form": form, "results": results,
                "searched": bool(self.request.GET.get("q"))}


def verify(request, public_id):
    licence = selectors.public_licence(public_id)
    if licence is None:
        raise Http404
    return render(request, "licensing/verify.html", {"licence": licence, "status_label": LicenceStatus(
        licence["status"]).label, "valid": licence["status"] in (LicenceStatus.ACTIVE, LicenceStatus.EXPIRING)})


class DraftEditView(ScopedViewMixin, View):
    """The applicant edits a draft, or an application returned for correction, before submitting it."""

    model = Application
    template_name = "licensing/draft_form.html"

    def _application(self, pk):
        return get_object_or_404(self.get_queryset(), pk=pk)

    def get(self, request, pk):
        application = self._application(pk)
        return render(request, self.template_name, {"application": application,
                                                    "form": forms.DraftForm(instance=application)})

    def post(self, request, pk):
        application = self._application(pk)
        form = forms.DraftForm(request.POST, instance=application)
        if form.is_valid():
            try:
                services.update_draft(application, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Application %(ref)s saved.") % {"ref": application.reference})
                return redirect(application)
        return render(request, self.template_name, {"application": application, "form": form}, status=400)
