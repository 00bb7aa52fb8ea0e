"""Pages: the public filing form, receipt and status page (no login), the bureau's queue and case page.

Views shape requests and responses only; every rule is in ``complaints.services``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from complaints import abuse, selectors, services
from complaints.choices import CLOSE_OUTCOMES, Kind, Status
from complaints.forms import (
    CaseDecisionForm,
    CloseForm,
    ExportForm,
    FilerMessageForm,
    FilingForm,
    MessageForm,
    NotAcceptForm,
    PartiesNotifiedForm,
    RatingForm,
    ReasonForm,
    StatusLookupForm,
    TransferForm,
)
from complaints.models import Complaint, Message
from regulator import services as kernel
from regulator.attachments import attachments_of, download
from regulator.choices import DeadlineStatus
from regulator.models import Agency, Deadline, Jurisdiction, User
from regulator.tenancy import scope_for
from regulator.web.base import ScopedViewMixin
from regulator.web.exports import csv_response
from regulator.web.forms import add_service_errors
from regulator.workflow import InvalidTransition, labelled, timeline

RECEIPT_KEY = "complaints_receipt"
ACCESS_KEY = "complaints_access"


# --- Public ------------------------------------------------------------------------------------

def _filing_page(request, form, *, status=200, refused=""):
    challenge = abuse.new_challenge()
    if form.is_bound:
        data = form.data.copy()
        data["challenge_token"], data["challenge_answer"] = challenge["token"], ""
        form.data = data
    else:
        form.initial["challenge_token"] = challenge["token"]
    chosen = selectors.public_enterprise(form.data.get("enterprise", "")) if form.is_bound else None
    return render(request, "complaints/file.html", {"form": form, "challenge": challenge, "refused": refused,
                                                    "files_lost": form.is_bound and bool(request.FILES),
                                                    "chosen_enterprise": chosen}, status=status)


class FileView(View):
    """The public filing form. Refusals say why; whatever the filer typed is shown again."""

    def get(self, request):
        return _filing_page(request, FilingForm(initial={"kind": request.GET.get("kind", Kind.COMPLAINT)}))

    def post(self, request):
        form = FilingForm(request.POST, request.FILES)
        address = abuse.client_address(request)
        if not abuse.allow("file", address, abuse.filing_rate()):
            return _filing_page(request, form, status=429, refused=_(
                "Too many filings have come from your network address recently. Please try again in an hour; "
                "what you typed is still here."))
        if request.POST.get("website"):
            return _filing_page(request, form, status=400, refused=_(
                "The filing was refused because a field meant to stay empty was filled in."))
        valid = form.is_valid()
        if not abuse.check_challenge(request.POST.get("challenge_token", ""), request.POST.get("challenge_answer")):
            form.add_error("challenge_answer", _("The answer to the sum was wrong or the sum has expired; "
                                                 "please answer the new one."))
            valid = False
        if not valid:
            return _filing_page(request, form, status=400)
        data = form.cleaned_data
        enterprise = selectors.public_enterprise(data["enterprise"])
        if enterprise is None and data["enterprise_query"]:  # without JavaScript: a single exact match will do
            matches = selectors.public_enterprise_search(data["enterprise_query"], limit=2)
            if len(matches) == 1:
                enterprise = selectors.public_enterprise(matches[0]["credit_code"])
        county = Jurisdiction.objects.current().filter(code=data["county"]).first() if data["county"] else None
        try:
            complaint, code = services.file_complaint(
                kind=data["kind"], enterprise=enterprise, county=county, files=data["attachments"],
                **{field: data[field] for field in ("subject", "description", "enterprise_description", "place",
                                                     "product_name", "approval_number", "batch_number",
                                                     "trace_code", "occurred_on", "name", "phone", "email")})
        except ValidationError as exc:
            add_service_errors(form, exc)
            return _filing_page(request, form, status=400)
        request.session[RECEIPT_KEY] = {"tracking_number": complaint.tracking_number, "code": code,
                                        "kind": complaint.kind, "email": bool(data["email"])}
        request.session.setdefault(ACCESS_KEY, []).append(complaint.tracking_number)
        request.session.modified = True
        return redirect("complaints:receipt")


def receipt(request):
    """The receipt, shown once: a reload shows that it has already been shown."""
    return render(request, "complaints/receipt.html", {"receipt": request.session.pop(RECEIPT_KEY, None)})


def enterprise_search(request):
    if not abuse.allow("search", abuse.client_address(request), abuse.search_rate()):
        return JsonResponse({"results": [], "error": _("Too many searches; wait a little.")}, status=429)
    return JsonResponse({"results": selectors.public_enterprise_search(request.GET.get("q", ""))})


class StatusLookupView(View):
    def get(self, request):
        return render(request, "complaints/status_lookup.html", {"form": StatusLookupForm()})

    def post(self, request):
        form = StatusLookupForm(request.POST)
        if not abuse.allow("lookup", abuse.client_address(request), abuse.lookup_rate()):
            return render(request, "complaints/status_lookup.html", {"form": form, "refused": _(
                "Too many attempts from your network address. Please try again in an hour.")}, status=429)
        complaint = services.locate(form.data.get("tracking_number", ""), form.data.get("code", "")) \
            if form.is_valid() else None
        if complaint is None:
            form.add_error(None, _("No filing matches this tracking number and secret code."))
            return render(request, "complaints/status_lookup.html", {"form": form}, status=400)
        access = request.session.get(ACCESS_KEY, [])
        if complaint.tracking_number not in access:
            request.session[ACCESS_KEY] = [*access, complaint.tracking_number][-20:]
        return redirect("complaints:status", complaint.tracking_number)


class StatusView(View):
    """The filer's view: progress and replies, never internal notes or the handler's name."""

    def _complaint(self, request, tracking_number):
        if tracking_number not in request.session.get(ACCESS_KEY, []):
            return None
        return selectors.public_complaint(tracking_number)

    def get(self, request, tracking_number, answer_form=None, rating_form=None, status=200):
        complaint = self._complaint(request, tracking_number)
        if complaint is None:
            return redirect("complaints:status-lookup")
        return render(request, "complaints/status.html", {
            "complaint": complaint, **selectors.public_view(complaint),
            "answer_form": answer_form or FilerMessageForm(), "rating_form": rating_form or RatingForm(),
        }, status=status)

    def post(self, request, tracking_number):
        complaint = self._complaint(request, tracking_number)
        if complaint is None:
            return redirect("complaints:status-lookup")
        if request.POST.get("action") == "rate":
            form = RatingForm(request.POST)
            if form.is_valid():
                try:
                    services.rate(complaint, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
                    messages.success(request, _("Thank you for rating the handling."))
                    return redirect("complaints:status", tracking_number)
                except ValidationError as exc:
                    form.add_error(None, exc.messages[0])
            return self.get(request, tracking_number, rating_form=form, status=400)
        form = FilerMessageForm(request.POST)
        if form.is_valid():
            try:
                services.filer_message(complaint, body=form.cleaned_data["body"])
                messages.success(request, _("Your answer has been sent to the bureau."))
                return redirect("complaints:status", tracking_number)
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
        return self.get(request, tracking_number, answer_form=form, status=400)


# --- Staff -------------------------------------------------------------------------------------

class QueueView(ScopedViewMixin, ListView):
    """The bureau's open filings by due date, with its on-time rate."""

    model = Complaint
    template_name = "complaints/queue.html"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff_member:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def scoped_queryset(self):
        queryset = selectors.queue_for(self.request.user)
        for field in ("kind", "attention"):
            value = self.request.GET.get(field)
            if value:
                queryset = queryset.filter(**{field: value})
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queue = selectors.queue_for(self.request.user)
        context.update(export_form=ExportForm(),
                       on_time=selectors.on_time_rate(self.request.user), total=queue.count(),
                       overdue=queue.filter(attention="overdue").count(),
                       due_soon=queue.filter(attention="due_soon").count(), today=timezone.localdate(),
                       kinds=Kind.choices, current_kind=self.request.GET.get("kind", ""))
        return context


class ExportView(ScopedViewMixin, View):
    """The filings in scope received in a period, as CSV: no filer identity, description or messages."""

    model = Complaint

    def get(self, request):
        if not request.user.is_staff_member:
            raise Http404
        form = ExportForm(request.GET)
        if not form.is_valid():  # the page's date inputs prevent this; a hand-made URL gets the reason
            return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
        data = form.cleaned_data
        rows = selectors.export_rows(request.user, received_from=data["received_from"],
                                     received_to=data["received_to"], kind=data["kind"])
        period = "-".join(d.strftime("%Y%m%d") for d in (data["received_from"], data["received_to"]) if d)
        return csv_response(f"complaints{'-' + period if period else ''}.csv", selectors.EXPORT_COLUMNS, rows)


class CaseView(ScopedViewMixin, DetailView):
    model = Complaint
    template_name = "complaints/case.html"
    context_object_name = "complaint"

    def scoped_queryset(self):
        return Complaint.objects.select_related("jurisdiction", "handling_agency", "enterprise", "assigned_to")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        complaint, user = self.object, self.request.user
        today = timezone.localdate()
        deadlines = list(Deadline.objects.visible_to(user).filter(
            subject_type__model="complaint", subject_type__app_label="complaints", subject_id=str(complaint.pk))
            .select_related("rule").order_by("started_on", "id"))
        for deadline in deadlines:
            if deadline.status in (DeadlineStatus.RUNNING, DeadlineStatus.STOPPED):
                deadline.days_left = kernel.working_days_left(deadline, today=today)
        handler = services.is_handler(user, complaint)
        allowed = services.MACHINES[complaint.kind].allowed_from(complaint.status) if handler else []
        notify_pending = any(d.rule.code == services.RULE_NOTIFY and d.status in (
            DeadlineStatus.RUNNING, DeadlineStatus.STOPPED) for d in deadlines)
        context.update(
            deadlines=deadlines, timeline=labelled(timeline(complaint, include_internal=True), Status),
            messages_list=Message.objects.visible_to(user).filter(complaint=complaint).select_related("author")
            .order_by("at", "id"),
            attachments=attachments_of(complaint).visible_to(user),
            duplicates=selectors.possible_duplicates(user, complaint), time_barred=services.time_barred(complaint),
            can_see_identity=services.can_see_identity(user, complaint), is_handler=handler,
            is_head=services.is_head_of_unit(user, complaint), allowed=allowed,
            message_form=MessageForm(), not_accept_form=NotAcceptForm(), reason_form=ReasonForm(),
            close_form=CloseForm(outcomes=CLOSE_OUTCOMES[complaint.kind]), decision_form=CaseDecisionForm(),
            notify_form=PartiesNotifiedForm(), notify_pending=notify_pending,
            transfer_form=TransferForm(agencies=self._transfer_targets(complaint)),
            staff=User.objects.filter(agency_id=complaint.handling_agency_id, kind="staff").order_by("username")
            if handler else [],
            Status=Status, Kind=Kind,
        )
        return context

    def _transfer_targets(self, complaint):
        user = self.request.user
        if not services.is_handler(user, complaint):
            return []
        scope = scope_for(user)
        own = user.agency.jurisdiction
        return [a for a in Agency.objects.select_related("jurisdiction").order_by("jurisdiction__code")
                if a.pk != complaint.handling_agency_id and (
                    scope.includes_jurisdiction(a.jurisdiction_id) or a.jurisdiction_id == own.parent_id)]


class IdentityView(ScopedViewMixin, DetailView):
    """The filer's identity, for the assigned handler and the head of unit; each view is logged."""

    model = Complaint
    template_name = "complaints/identity.html"
    context_object_name = "complaint"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["identity"] = services.reveal_identity(self.object, actor=self.request.user,
                                                       via=self.request.path)
        return context


class ActionView(ScopedViewMixin, DetailView):
    """POST one action of the case page; errors come back as messages on the case page."""

    model = Complaint
    http_method_names = ["post"]

    def post(self, request, pk, action):
        complaint = self.get_object()
        user, post = request.user, request.POST
        handlers = {
            "take": lambda: services.assign(complaint, actor=user, assignee=user),
            "assign": lambda: services.assign(complaint, actor=user, assignee=User.objects.get(
                pk=post.get("assignee"), agency_id=complaint.handling_agency_id)),
            "accept": lambda: services.accept(complaint, actor=user, note=post.get("note", "")),
            "not_accept": lambda: services.not_accept(complaint, actor=user, ground=post.get("ground", ""),
                                                      reply=post.get("reply", "")),
            "start_mediation": lambda: services.start_mediation(complaint, actor=user),
            "pause_mediation": lambda: services.pause_mediation(complaint, actor=user, reason=post.get("reason", "")),
            "resume_mediation": lambda: services.resume_mediation(complaint, actor=user),
            "start_verification": lambda: services.start_verification(complaint, actor=user),
            "extend": lambda: services.extend_verification(complaint, actor=user, reason=post.get("reason", "")),
            "close": lambda: services.close(complaint, actor=user, outcome=post.get("outcome", ""),
                                           reply=post.get("reply", "")),
            "decide_case": lambda: services.decide_case(complaint, actor=user, open_case=post.get("decision") == "open",
                                                        reason=post.get("reason", ""), reply=post.get("reply", "")),
            "parties_notified": lambda: services.record_parties_notified(complaint, actor=user,
                                                                         note=post.get("note", "")),
            "message": lambda: self._message(complaint, user, post),
            "transfer": lambda: services.transfer(complaint, actor=user, reason=post.get("reason", ""),
                                                  to_agency=Agency.objects.get(jurisdiction__code=post.get("to"),
                                                                               jurisdiction__valid_to__isnull=True)),
        }
        if action not in handlers:
            raise Http404
        try:
            handlers[action]()
        except (ValidationError, PermissionDenied, InvalidTransition, User.DoesNotExist, Agency.DoesNotExist) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else (str(exc) or _("Not allowed."))
            messages.error(request, text)
            return redirect("complaints:detail", pk)
        messages.success(request, _("Done."))
        if action == "transfer" and not Complaint.objects.visible_to(user).filter(pk=pk).exists():
            return redirect("complaints:queue")
        return redirect(reverse("complaints:detail", args=[pk]))

    @staticmethod
    def _message(complaint, user, post):
        kind = post.get("kind", "question")
        if kind == "note":
            return services.add_note(complaint, actor=user, body=post.get("body", ""))
        return services.message_filer(complaint, actor=user, body=post.get("body", ""), question=kind == "question")


class AttachmentView(ScopedViewMixin, DetailView):
    """An attachment of a filing, for staff who may see the filing. Never from a public media URL."""

    model = Complaint

    def get(self, request, pk, attachment_pk):
        complaint = self.get_object()
        if not request.user.is_staff_member:
            raise Http404
        attachment = get_object_or_404(attachments_of(complaint).visible_to(request.user), pk=attachment_pk)
        return download(attachment, inline=True)
