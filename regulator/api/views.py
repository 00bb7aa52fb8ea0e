from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.viewsets import ReadOnlyModelViewSet

from regulator import audit, services
from regulator.api import filters
from regulator.api import serializers as s
from regulator.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet
from regulator.models import Agency, Batch, Deadline, Enterprise, Event, Jurisdiction, Product
from regulator.tenancy import scope_for


class HistoryMixin:
    @extend_schema(responses=s.HistoryEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        """Every change to this record: what changed, from what to what, by whom."""
        entries = audit.history(self.get_object())
        return Response(s.HistoryEntrySerializer(entries, many=True).data)


class JurisdictionViewSet(ReadOnlyModelViewSet):
    """Administrative divisions (reference data, the same for everyone)."""

    queryset = Jurisdiction.objects.select_related("parent").order_by("id")
    serializer_class = s.JurisdictionSerializer
    lookup_field = "code"
    filterset_fields = ["level", "code"]
    search_fields = ["name_zh", "name_en", "code"]


class AgencyViewSet(ReadOnlyModelViewSet):
    queryset = Agency.objects.select_related("jurisdiction").order_by("id")
    serializer_class = s.AgencySerializer


class EnterpriseViewSet(HistoryMixin, ScopedModelViewSet):
    """The enterprise register of your jurisdiction. Search by name, credit code or address."""

    queryset = Enterprise.objects.all()
    serializer_class = s.EnterpriseSerializer
    filterset_class = filters.EnterpriseFilter
    search_fields = ["name", "credit_code", "address"]

    def scoped_queryset(self):
        return self.queryset.select_related("jurisdiction")

    def get_serializer_class(self):
        return {"create": s.EnterpriseCreateSerializer, "partial_update": s.EnterpriseUpdateSerializer}.get(
            self.action, s.EnterpriseSerializer)

    @extend_schema(request=s.EnterpriseCreateSerializer, responses={201: s.EnterpriseSerializer})
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        code = fields.pop("jurisdiction", None)
        enterprise = services.register_enterprise(actor=self.actor, jurisdiction_code=code, **fields)
        return Response(s.EnterpriseSerializer(enterprise).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EnterpriseUpdateSerializer, responses=s.EnterpriseSerializer)
    def partial_update(self, request, *args, **kwargs):
        enterprise = self.get_object()
        data = self.get_serializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        code = fields.pop("jurisdiction", None)
        enterprise = services.update_enterprise(enterprise, actor=self.actor, jurisdiction_code=code, **fields)
        return Response(s.EnterpriseSerializer(enterprise).data)


class ProductViewSet(HistoryMixin, ScopedModelViewSet):
    queryset = Product.objects.all()
    serializer_class = s.ProductSerializer
    filterset_class = filters.ProductFilter
    search_fields = ["name", "approval_number"]
    http_method_names = ["get", "post", "head", "options"]

    def scoped_queryset(self):
        return self.queryset.select_related("jurisdiction", "enterprise")

    def get_serializer_class(self):
        return s.ProductCreateSerializer if self.action == "create" else s.ProductSerializer

    @extend_schema(request=s.ProductCreateSerializer, responses={201: s.ProductSerializer})
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        holder = Enterprise.objects.visible_to(self.actor).filter(credit_code=fields.pop("enterprise").upper()).first()
        if holder is None:
            raise serializers.ValidationError({"enterprise": _("No enterprise with this credit code in your scope.")})
        product = services.register_product(actor=self.actor, enterprise=holder, **fields)
        return Response(s.ProductSerializer(product).data, status=status.HTTP_201_CREATED)


class BatchViewSet(ScopedModelViewSet):
    queryset = Batch.objects.all()
    serializer_class = s.BatchSerializer
    filterset_class = filters.BatchFilter
    search_fields = ["batch_number"]
    http_method_names = ["get", "post", "head", "options"]

    def scoped_queryset(self):
        return self.queryset.select_related("jurisdiction")

    def get_serializer_class(self):
        return s.BatchCreateSerializer if self.action == "create" else s.BatchSerializer

    @extend_schema(request=s.BatchCreateSerializer, responses={201: s.BatchSerializer})
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        product = Product.objects.visible_to(self.actor).filter(pk=fields.pop("product")).first()
        if product is None:
            raise serializers.ValidationError({"product": _("No such product in your scope.")})
        batch = services.register_batch(actor=self.actor, product=product, **fields)
        return Response(s.BatchSerializer(batch).data, status=status.HTTP_201_CREATED)


class EventViewSet(ScopedReadOnlyViewSet):
    """The event feed: what happened in your scope, oldest first. Follow it with the `next` cursor,
    or resume from the last id you processed with `?after=<id>`."""

    queryset = Event.objects.all()
    serializer_class = s.EventSerializer
    filterset_class = filters.EventFilter
    search_fields = []

    def scoped_queryset(self):
        return self.queryset.select_related("jurisdiction", "enterprise")


class DeadlineViewSet(ScopedReadOnlyViewSet):
    queryset = Deadline.objects.all()
    serializer_class = s.DeadlineSerializer
    filterset_fields = ["status"]
    search_fields = []

    def scoped_queryset(self):
        return self.queryset.select_related("jurisdiction", "rule", "subject_type")


class MeView(GenericAPIView):
    """Who the credentials belong to, and what they can see."""

    serializer_class = s.MeSerializer
    pagination_class = None
    filter_backends = []

    def get(self, request):
        user = request.user
        scope = scope_for(user)
        codes = (sorted(Jurisdiction.objects.filter(pk__in=scope.jurisdiction_ids).values_list("code", flat=True))
                 if not scope.unrestricted else ["*"])
        client = getattr(user, "api_client", None)
        return Response(s.MeSerializer({
            "username": user.username,
            "kind": user.kind,
            "roles": user.roles,
            "agency": user.agency.jurisdiction.code if user.agency_id else None,
            "enterprise": user.enterprise.credit_code if user.enterprise_id else None,
            "scope": codes,
            "api_scopes": client.scopes if client else [],
        }).data)
