from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from complaints import selectors, services
from complaints.api import serializers as s
from complaints.api.filters import ComplaintFilter
from complaints.models import Complaint, Message
from regulator.api.base import ScopedReadOnlyViewSet
from regulator.models import Agency, User


class ComplaintViewSet(ScopedReadOnlyViewSet):
    """Complaints, reports and enquiries in your scope. The filer's identity is never part of these
    resources; the assigned handler and the head of unit read it from `…/identity/` (each read is logged)."""

    queryset = Complaint.objects.all()
    serializer_class = s.ComplaintSerializer
    filterset_class = ComplaintFilter
    search_fields = ["tracking_number", "subject", "enterprise__name"]

    def scoped_queryset(self):
        return self.queryset.select_related("jurisdiction", "handling_agency__jurisdiction", "enterprise",
                                            "assigned_to")

    def _respond(self, complaint):
        complaint = self.scoped_queryset().get(pk=complaint.pk)
        return Response(s.ComplaintSerializer(complaint).data)

    def _input(self, serializer_class):
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    @extend_schema(request=s.NoteSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept a complaint for handling (7 working days from receipt)."""
        data = self._input(s.NoteSerializer)
        return self._respond(services.accept(self.get_object(), actor=self.actor, note=data["note"]))

    @extend_schema(request=s.NotAcceptSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="not-accept")
    def not_accept(self, request, pk=None):
        """Decline a complaint with its ground (complaints only; a report ends with its case-filing decision)."""
        data = self._input(s.NotAcceptSerializer)
        return self._respond(services.not_accept(self.get_object(), actor=self.actor, **data))

    @extend_schema(request=None, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="start-mediation")
    def start_mediation(self, request, pk=None):
        return self._respond(services.start_mediation(self.get_object(), actor=self.actor))

    @extend_schema(request=s.ReasonSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="pause-mediation")
    def pause_mediation(self, request, pk=None):
        data = self._input(s.ReasonSerializer)
        return self._respond(services.pause_mediation(self.get_object(), actor=self.actor, reason=data["reason"]))

    @extend_schema(request=None, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="resume-mediation")
    def resume_mediation(self, request, pk=None):
        return self._respond(services.resume_mediation(self.get_object(), actor=self.actor))

    @extend_schema(request=None, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="start-verification")
    def start_verification(self, request, pk=None):
        return self._respond(services.start_verification(self.get_object(), actor=self.actor))

    @extend_schema(request=s.ReasonSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """The head of unit extends the verification of a report by 15 working days (once)."""
        data = self._input(s.ReasonSerializer)
        return self._respond(services.extend_verification(self.get_object(), actor=self.actor,
                                                          reason=data["reason"]))

    @extend_schema(request=s.CaseDecisionSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="open-case")
    def open_case(self, request, pk=None):
        """Decide to open a case on a verified report (立案) and tell the reporter."""
        data = self._input(s.CaseDecisionSerializer)
        return self._respond(services.decide_case(self.get_object(), actor=self.actor, open_case=True,
                                                  reply=data["reply"]))

    @extend_schema(request=s.NoCaseSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="no-case")
    def no_case(self, request, pk=None):
        """Decide to open no case on a verified report (不予立案), with the reason, and tell the reporter."""
        data = self._input(s.NoCaseSerializer)
        return self._respond(services.decide_case(self.get_object(), actor=self.actor, open_case=False,
                                                  reason=data["reason"], reply=data["reply"]))

    @extend_schema(request=s.PartiesNotifiedSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="parties-notified")
    def parties_notified(self, request, pk=None):
        """Record that the complainant and the enterprise were notified that the mediation ended."""
        data = self._input(s.PartiesNotifiedSerializer)
        return self._respond(services.record_parties_notified(self.get_object(), actor=self.actor,
                                                              note=data["note"], on=data["on"]))

    @extend_schema(request=s.CloseSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = self._input(s.CloseSerializer)
        return self._respond(services.close(self.get_object(), actor=self.actor, **data))

    @extend_schema(request=s.TransferSerializer, responses={200: s.ComplaintSerializer, 204: None})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        data = self._input(s.TransferSerializer)
        complaint = self.get_object()
        agency = Agency.objects.filter(jurisdiction__code=data["to"], jurisdiction__valid_to__isnull=True).first()
        if agency is None:
            raise serializers.ValidationError({"to": _("No bureau has this code.")})
        services.transfer(complaint, actor=self.actor, to_agency=agency, reason=data["reason"])
        complaint = Complaint.objects.visible_to(self.actor).filter(pk=complaint.pk).first()
        if complaint is None:  # transferred out of the actor's sight (e.g. up to the city)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return self._respond(complaint)

    @extend_schema(request=s.AssignSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = self._input(s.AssignSerializer)
        complaint = self.get_object()
        assignee = User.objects.filter(username=data["username"], agency_id=complaint.handling_agency_id).first()
        if assignee is None:
            raise serializers.ValidationError({"username": _("No staff member of the handling bureau has this "
                                                             "username.")})
        return self._respond(services.assign(complaint, actor=self.actor, assignee=assignee))

    @extend_schema(methods=["get"], responses=s.MessageSerializer(many=True))
    @extend_schema(methods=["post"], request=s.MessageCreateSerializer, responses={201: s.MessageSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def messages(self, request, pk=None):
        """Questions and replies to the filer, the filer's answers and (for staff) internal notes."""
        complaint = self.get_object()
        if request.method == "GET":
            rows = (Message.objects.visible_to(self.actor).filter(complaint=complaint).select_related("author")
                    .order_by("at", "id"))
            if not request.user.is_staff_member:
                rows = rows.filter(internal=False)
            return Response(s.MessageSerializer(rows, many=True).data)
        data = self._input(s.MessageCreateSerializer)
        if data["internal"]:
            message = services.add_note(complaint, actor=self.actor, body=data["body"])
        else:
            message = services.message_filer(complaint, actor=self.actor, body=data["body"],
                                              question=data["question"])
        return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.IdentitySerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def identity(self, request, pk=None):
        """Who filed: only for the assigned handler and the head of unit, never for machine clients. Logged."""
        complaint = self.get_object()
        if not services.can_see_identity(self.actor, complaint):
            raise PermissionDenied(_("Only the assigned handler and the head of unit may see who filed this."))
        identity = services.reveal_identity(complaint, actor=self.actor, via=request.path)
        return Response(s.IdentitySerializer(identity).data)

    @extend_schema(responses=s.DuplicateSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def duplicates(self, request, pk=None):
        """Possible duplicates: the same enterprise, similar text, within 30 days."""
        rows = selectors.possible_duplicates(self.actor, self.get_object())
        return Response(s.DuplicateSerializer(rows, many=True).data)
