import io

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import parsers, status
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.response import Response

from regulator.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet
from regulator.models import Batch, User
from traceability import ingest, services
from traceability.api import serializers as s
from traceability.choices import JobSource
from traceability.codes import CodeError
from traceability.models import Discrepancy, IngestJob, Recall, RecallTask, TraceCode, TraceEvent


class NDJSONParser(parsers.BaseParser):
    media_type = "application/x-ndjson"

    def parse(self, stream, media_type=None, parser_context=None):
        text = stream.read().decode("utf-8") if stream is not None else ""
        return list(ingest.read_ndjson(io.StringIO(text)))


class TraceCodeViewSet(ScopedReadOnlyViewSet):
    """Codes and their current state (product, batch, expiry, holder, status, parent container)."""

    queryset = TraceCode.objects.all()
    serializer_class = s.TraceCodeSerializer
    filterset_fields = ["status", "code", "batch"]

    def scoped_queryset(self):
        return self.queryset.select_related("jurisdiction", "holder", "parent")


class TraceEventViewSet(ScopedModelViewSet):
    """Supply-chain events. POST a JSON array, NDJSON (``application/x-ndjson``) or an EPCIS 2.0 document:
    each record is accepted or rejected on its own; ``received == accepted + rejected``."""

    queryset = TraceEvent.objects.all()
    serializer_class = s.TraceEventSerializer
    parser_classes = [parsers.JSONParser, NDJSONParser]
    filterset_fields = ["kind"]
    http_method_names = ["get", "post", "head", "options"]

    def scoped_queryset(self):
        return self.queryset.select_related("jurisdiction", "code", "enterprise", "counterparty", "parent")

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: s.IngestResultSerializer})
    def create(self, request, *args, **kwargs):
        try:
            data = request.data
        except ParseError:
            raise
        if self.request.content_type.startswith(NDJSONParser.media_type):
            records, source = data, JobSource.API
        elif ingest.is_epcis(data):
            records, source = ingest.read_epcis(data), JobSource.EPCIS
        elif isinstance(data, list):
            records, source = ingest.read_json_records(data), JobSource.API
        else:
            raise ValidationError({"non_field_errors": [
                _("Send a JSON array of events, NDJSON (one event per line) or an EPCIS document.")]})
        job = services.create_job(actor=self.actor, source=source)
        try:
            result = services.ingest(records, actor=self.actor, job=job)
        except CodeError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc
        return Response(s.IngestResultSerializer({"job": job.pk, **result}).data, status=status.HTTP_200_OK)


class IngestJobViewSet(ScopedReadOnlyViewSet):
    queryset = IngestJob.objects.all()
    serializer_class = s.IngestJobSerializer

    def scoped_queryset(self):
        return self.queryset.select_related("jurisdiction").order_by("id")


class DiscrepancyViewSet(ScopedModelViewSet):
    """What reconciliation found. PATCH ``status`` (explained, confirmed), ``note`` or ``assignee``."""

    queryset = Discrepancy.objects.all()
    serializer_class = s.DiscrepancySerializer
    filterset_fields = ["status", "rule"]
    http_method_names = ["get", "patch", "head", "options"]

    def scoped_queryset(self):
        return self.queryset.select_related("jurisdiction", "code", "enterprise", "other_enterprise").order_by("id")

    @extend_schema(request=s.DiscrepancyUpdateSerializer, responses=s.DiscrepancySerializer)
    def partial_update(self, request, *args, **kwargs):
        discrepancy = self.get_object()
        data = s.DiscrepancyUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if "assignee" in fields:
            assignee = User.objects.filter(pk=fields["assignee"]).first() if fields["assignee"] else None
            if fields["assignee"] and assignee is None:
                raise ValidationError({"assignee": [_("No such user.")]})
            discrepancy = services.assign_discrepancy(discrepancy, actor=self.actor, assignee=assignee)
        if "status" in fields:
            discrepancy = services.set_discrepancy_status(discrepancy, actor=self.actor, status=fields["status"],
                                                          note=fields.get("note", ""))
        return Response(s.DiscrepancySerializer(self.scoped_queryset().get(pk=discrepancy.pk)).data)


class RecallViewSet(ScopedModelViewSet):
    """Recalls of product batches. POST ``batch`` and ``reason`` to start one (staff)."""

    queryset = Recall.objects.all()
    serializer_class = s.RecallSerializer
    http_method_names = ["get", "post", "head", "options"]

    def scoped_queryset(self):
        return self.queryset.select_related("jurisdiction", "batch").prefetch_related(
            Prefetch("tasks", queryset=RecallTask.objects.select_related("holder", "jurisdiction"))).order_by("id")

    @extend_schema(request=s.RecallCreateSerializer, responses={201: s.RecallSerializer})
    def create(self, request, *args, **kwargs):
        data = s.RecallCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = Batch.objects.visible_to(self.actor).select_related("product__enterprise").filter(
            pk=data.validated_data["batch"]).first()
        if batch is None:
            raise ValidationError({"batch": [_("No such batch in your scope.")]})
        if not self.actor.is_staff_member:
            raise PermissionDenied(_("Only regulator staff handle discrepancies and recalls."))
        recall = services.recall_now(batch, actor=self.actor, reason=data.validated_data["reason"],
                                     deadline=data.validated_data.get("deadline"))
        return Response(s.RecallSerializer(recall).data, status=status.HTTP_201_CREATED)


