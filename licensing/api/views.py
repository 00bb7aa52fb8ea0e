from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.viewsets import ReadOnlyModelViewSet

from licensing import services
from licensing.api import filters
from licensing.api import serializers as s
from licensing.models import Application, Licence, LicenceType
from regulator.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet
from regulator.api.views import HistoryMixin

IDEMPOTENCY = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                               description="Sending the same key again returns the application created the first time.")


class LicenceTypeViewSet(ReadOnlyModelViewSet):
    """The licence-type catalogue (reference data, the same for everyone)."""

    queryset = LicenceType.objects.order_by("id")
    serializer_class = s.LicenceTypeSerializer
    lookup_field = "code"
    filter_backends = []


class LicenceViewSet(HistoryMixin, ScopedReadOnlyViewSet):
    """Licences and filings in your scope. Search by number, holder or credit code."""

    queryset = Licence.objects.all()
    serializer_class = s.LicenceSerializer
    filterset_class = filters.LicenceFilter
    search_fields = ["number", "holder_name", "credit_code"]

    def scoped_queryset(self):
        return self.queryset.select_related("jurisdiction", "licence_type", "enterprise",
                                            "issuing_agency__jurisdiction")

    def _act(self, request, func):
        data = s.LicenceStatusActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        licence = func(self.get_object(), actor=self.actor, **data.validated_data)
        return Response(s.LicenceSerializer(licence).data)

    @extend_schema(request=s.LicenceStatusActionSerializer, responses=s.LicenceSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._act(request, services.suspend_licence)

    @extend_schema(request=s.LicenceStatusActionSerializer, responses=s.LicenceSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        return self._act(request, services.reinstate_licence)

    @extend_schema(request=s.LicenceStatusActionSerializer, responses=s.LicenceSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._act(request, services.revoke_licence)


class ApplicationViewSet(HistoryMixin, ScopedModelViewSet):
    """Licence applications in your scope. Enterprises create and submit them; the issuing agency decides.

    Each step is a POST to ``/{id}/<step>/``; a step the application's state does not allow answers 409
    with the allowed ones.
    """

    queryset = Application.objects.all()
    serializer_class = s.ApplicationSerializer
    filterset_class = filters.ApplicationFilter
    search_fields = ["enterprise__name", "enterprise__credit_code"]

    def scoped_queryset(self):
        return self.queryset.select_related("jurisdiction", "licence_type", "enterprise", "licence")

    def get_serializer_class(self):
        return {"create": s.ApplicationCreateSerializer, "partial_update": s.ApplicationUpdateSerializer}.get(
            self.action, s.ApplicationSerializer)

    @extend_schema(request=s.ApplicationCreateSerializer, responses={201: s.ApplicationSerializer,
                                                                    200: s.ApplicationSerializer},
                   parameters=[IDEMPOTENCY])
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        number = fields.pop("licence", None)
        licence = None
        if number:
            licence = Licence.objects.visible_to(self.actor).filter(number=number).first()
            if licence is None:
                raise serializers.ValidationError({"licence": _("No licence with this number in your scope.")})
        key = (request.headers.get("Idempotency-Key") or "")[:64] or None
        application, created = services.create_application(actor=self.actor, licence=licence, idempotency_key=key,
                                                           **fields)
        return Response(s.ApplicationSerializer(application).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=s.ApplicationUpdateSerializer, responses=s.ApplicationSerializer)
    def partial_update(self, request, *args, **kwargs):
        application = self.get_object()
        data = self.get_serializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        application = services.update_draft(application, actor=self.actor, **data.validated_data)
        return Response(s.ApplicationSerializer(application).data)

    def _step(self, request, func, serializer_class=None, rename=None):
        kwargs = {}
        if serializer_class is not None:
            data = serializer_class(data=request.data)
            data.is_valid(raise_exception=True)
            kwargs = {(rename or {}).get(key, key): value for key, value in data.validated_data.items()}
        application = func(self.get_object(), actor=self.actor, **kwargs)
        application.refresh_from_db()
        return Response(s.ApplicationSerializer(application).data)

    @extend_schema(request=None, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(request, services.submit)

    @extend_schema(request=s.LicensingNoteSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._step(request, services.resubmit, s.LicensingNoteSerializer)

    @extend_schema(request=s.CorrectionNoteSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="request-correction")
    def request_correction(self, request, pk=None):
        return self._step(request, services.request_correction, s.CorrectionNoteSerializer)

    @extend_schema(request=s.LicensingNoteSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._step(request, services.accept, s.LicensingNoteSerializer)

    @extend_schema(request=s.NotAcceptReasonSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="not-accept")
    def not_accept(self, request, pk=None):
        return self._step(request, services.not_accept, s.NotAcceptReasonSerializer)

    @extend_schema(request=s.LicensingNoteSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        return self._step(request, services.start_review, s.LicensingNoteSerializer)

    @extend_schema(request=s.LicensingNoteSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="request-inspection")
    def request_inspection(self, request, pk=None):
        return self._step(request, services.request_inspection, s.LicensingNoteSerializer)

    @extend_schema(request=s.InspectionRecordSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="record-inspection")
    def record_inspection(self, request, pk=None):
        return self._step(request, services.record_inspection, s.InspectionRecordSerializer)

    @extend_schema(request=s.ReviewOpinionSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="complete-review")
    def complete_review(self, request, pk=None):
        return self._step(request, services.complete_review, s.ReviewOpinionSerializer)

    @extend_schema(request=s.LicensingNoteSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, services.approve, s.LicensingNoteSerializer)

    @extend_schema(request=s.DenialSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def deny(self, request, pk=None):
        return self._step(request, services.deny, s.DenialSerializer)

    @extend_schema(request={"multipart/form-data": s.ApplicationDocumentSerializer},
                   responses={201: s.ApplicationAttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def documents(self, request, pk=None):
        data = s.ApplicationDocumentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.add_document(self.get_object(), data.validated_data["file"], actor=self.actor,
                                           purpose=data.validated_data["purpose"])
        return Response(s.ApplicationAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
