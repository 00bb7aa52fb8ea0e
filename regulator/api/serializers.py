from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from regulator.api.base import TenantSerializer
from regulator.choices import EnterpriseType, ProductKind
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


class JurisdictionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Jurisdiction
        fields = ["code", "name_zh", "name_en", "level", "parent", "population", "population_year",
                  "valid_from", "valid_to"]


class AgencySerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)

    class Meta:
        model = Agency
        fields = ["id", "name_zh", "name_en", "jurisdiction"]


class EnterpriseSerializer(TenantSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "credit_code", "name", "enterprise_type", "legal_representative", "address", "status",
                  "registered_on", "jurisdiction", "created_at", "updated_at"]
        read_only_fields = fields


class EnterpriseCreateSerializer(serializers.Serializer):
    """Input for registering an enterprise; the rules themselves are in services.register_enterprise."""

    credit_code = serializers.CharField(max_length=18, help_text=_("GB 32100-2015 code, 18 characters."))
    name = serializers.CharField(max_length=200)
    enterprise_type = serializers.ChoiceField(choices=EnterpriseType.choices)
    address = serializers.CharField(max_length=255)
    jurisdiction = serializers.CharField(
        max_length=6, required=False,
        help_text=_("District/county code where the enterprise is; defaults to the caller's own county."),
    )
    legal_representative = serializers.CharField(max_length=64, required=False, allow_blank=True)
    registered_on = serializers.DateField(required=False, allow_null=True)


class EnterpriseUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    enterprise_type = serializers.ChoiceField(choices=EnterpriseType.choices, required=False)
    address = serializers.CharField(max_length=255, required=False)
    jurisdiction = serializers.CharField(max_length=6, required=False)
    legal_representative = serializers.CharField(max_length=64, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Enterprise._meta.get_field("status").choices, required=False)
    registered_on = serializers.DateField(required=False, allow_null=True)


class ProductSerializer(TenantSerializer):
    enterprise = serializers.CharField(source="enterprise.credit_code", read_only=True)

    class Meta:
        model = Product
        fields = ["id", "enterprise", "kind", "name", "approval_number", "specification", "trace_prefix",
                  "jurisdiction", "created_at", "updated_at"]
        read_only_fields = fields


class ProductCreateSerializer(serializers.Serializer):
    enterprise = serializers.CharField(max_length=18, help_text=_("Credit code of the holder."))
    kind = serializers.ChoiceField(choices=ProductKind.choices)
    name = serializers.CharField(max_length=200)
    approval_number = serializers.CharField(max_length=64)
    specification = serializers.CharField(max_length=128, required=False, allow_blank=True)
    trace_prefix = serializers.CharField(max_length=7, required=False, allow_blank=True, allow_null=True)


class BatchSerializer(TenantSerializer):
    product = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Batch
        fields = ["id", "product", "batch_number", "manufactured_on", "expires_on", "jurisdiction", "created_at"]
        read_only_fields = fields


class BatchCreateSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1)
    batch_number = serializers.CharField(max_length=20)
    manufactured_on = serializers.DateField()
    expires_on = serializers.DateField()


class EventSerializer(TenantSerializer):
    enterprise = serializers.CharField(source="enterprise.credit_code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Event
        fields = ["id", "kind", "occurred_at", "jurisdiction", "enterprise", "subject_type", "subject_id", "payload"]
        read_only_fields = fields


class DeadlineSerializer(TenantSerializer):
    rule = serializers.CharField(source="rule.code", read_only=True)
    subject_type = serializers.CharField(source="subject_type.model", read_only=True)

    class Meta:
        model = Deadline
        fields = ["id", "rule", "subject_type", "subject_id", "started_on", "due_on", "status", "completed_on",
                  "jurisdiction"]
        read_only_fields = fields


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    changes = serializers.DictField(child=serializers.DictField())
    actor = serializers.CharField()
    actor_kind = serializers.CharField()
    via = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    kind = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    agency = serializers.CharField(allow_null=True)
    enterprise = serializers.CharField(allow_null=True)
    scope = serializers.ListField(child=serializers.CharField(), help_text=_("Jurisdiction codes you can see."))
    api_scopes = serializers.ListField(child=serializers.CharField())


class StrictBooleanField(serializers.BooleanField):
    """JSON ``true`` or ``false`` only: DRF's own also takes 0, "yes", "on" …, which the schema does not allow."""

    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class StrictCharField(serializers.CharField):
    """A JSON string only: DRF's own turns 0 into "0", which the schema does not allow."""

    default_error_messages = {"invalid": _("Must be a string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class WebhookSerializer(serializers.ModelSerializer):
    active = StrictBooleanField(required=False)
    kinds = serializers.ListField(child=StrictCharField(max_length=64), required=False,
                                  help_text=_("Kinds (\"licence.issued\") or prefixes ending in a dot (\"licence.\"); "
                                              "empty or absent: every kind you may read in the feed."))

    class Meta:
        model = Webhook
        fields = ["id", "url", "kinds", "active", "disabled_reason", "created_at"]
        read_only_fields = ["id", "disabled_reason", "created_at"]


class WebhookWithSecretSerializer(WebhookSerializer):
    secret = serializers.CharField(read_only=True, help_text=_(
        "Key of the HMAC-SHA256 signature in X-Regulator-Signature. Shown only when created or rotated."))

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="event.kind", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event", "kind", "status", "attempts", "response_status", "last_error", "next_attempt_at",
                  "created_at", "delivered_at"]
        read_only_fields = fields


class WebhookPingSerializer(serializers.Serializer):
    delivered = serializers.BooleanField()
    status = serializers.IntegerField(allow_null=True, help_text=_("The receiver's HTTP status, if it answered."))
    error = serializers.CharField(allow_blank=True)
