from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.viewsets import ModelViewSet, ReadOnlyModelViewSet

from regulator import audit, services, webhooks
from regulator.api import filters
from regulator.api import serializers as s
from regulator.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet
from regulator.api.permissions import ApiClientPermission
from regulator.models import (
    Agency,
    Batch,
    Deadline,
    Enterprise,
    Event,
    Jurisdiction,
    Product,
    Webhook,
    WebhookDelivery,
)
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


class WebhookViewSet(ModelViewSet):
    """Your client's webhooks: the events you may read in the feed, POSTed to your URL as they happen.

    Each POST carries the event as `/api/v1/events/` shows it, and the headers `X-Regulator-Event` (kind),
    `X-Regulator-Delivery` (one id per event and webhook, the same on every retry: de-duplicate on it) and
    `X-Regulator-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the secret>`.
    Answer 2xx within the timeout; anything else is retried with back-off, and a webhook that keeps failing is
    switched off (`active: false`, `disabled_reason`) until you PATCH it back on. Only API clients have webhooks.
    """

    serializer_class = s.WebhookSerializer
    permission_classes = [ApiClientPermission]
    queryset = Webhook.objects.none()  # for the schema; requests see only their own client's webhooks
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Webhook.objects.none()
        return Webhook.objects.filter(client=webhooks.client_of(self.request.user))

    @extend_schema(responses={201: s.WebhookWithSecretSerializer})
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        webhook = webhooks.create_webhook(actor=request.user, url=data.validated_data["url"],
                                          kinds=data.validated_data.get("kinds", []))
        return Response(s.WebhookWithSecretSerializer(webhook).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        webhook = webhooks.update_webhook(self.get_object(), actor=request.user, **data.validated_data)
        return Response(s.WebhookSerializer(webhook).data)

    @extend_schema(request=None, responses=s.WebhookWithSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new secret; the old one stops working at once."""
        webhook = webhooks.rotate_secret(self.get_object(), actor=request.user)
        return Response(s.WebhookWithSecretSerializer(webhook).data)

    @extend_schema(request=None, responses=s.WebhookPingSerializer)
    @action(detail=True, methods=["post"])
    def ping(self, request, pk=None):
        """POST a signed test body (`{"kind": "webhook.ping", …}`) now and report what your receiver answered."""
        return Response(webhooks.ping(self.get_object(), actor=request.user))

    @extend_schema(responses=s.WebhookDeliverySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def deliveries(self, request, pk=None):
        """What was sent to this webhook, oldest first: status, attempts, your last answer, the next attempt."""
        queryset = WebhookDelivery.objects.filter(webhook=self.get_object()).select_related("event")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(request=None, responses=s.WebhookDeliverySerializer)
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>\d+)/redeliver")
    def redeliver(self, request, pk=None, delivery_id=None):
        """Send one delivery again (say, after fixing your receiver), with a fresh count of attempts."""
        delivery = WebhookDelivery.objects.filter(webhook=self.get_object(), pk=delivery_id).select_related(
            "webhook", "event").first()
        if delivery is None:
            raise NotFound(_("No such delivery of this webhook."))
        return Response(s.WebhookDeliverySerializer(webhooks.redeliver(delivery, actor=request.user)).data)
