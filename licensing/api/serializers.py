from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from licensing.choices import ApplicationKind, ChangeKind, InspectionResult
from licensing.models import Application, Licence, LicenceType
from regulator.api.base import TenantSerializer


class LicenceTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = LicenceType
        fields = ["code", "name", "issuing_level", "rule_prefix", "number_format", "enterprise_types",
                  "notification_commitment", "requires_inspection", "is_filing", "renewal_deemed_granted"]
        read_only_fields = fields


class LicenceSerializer(TenantSerializer):
    licence_type = serializers.CharField(source="licence_type.code", read_only=True)
    enterprise = serializers.CharField(source="enterprise.credit_code", read_only=True)
    issuing_agency = serializers.CharField(source="issuing_agency.jurisdiction.code", read_only=True)

    class Meta:
        model = Licence
        fields = ["id", "number", "public_id", "licence_type", "enterprise", "holder_name", "credit_code", "address",
                  "business_scope", "legal_representative", "responsible_pharmacist", "status", "issued_on",
                  "valid_from", "valid_until", "issuing_agency", "needs_verification", "status_reason",
                  "legal_basis", "jurisdiction", "created_at", "updated_at"]
        read_only_fields = fields


class ApplicationSerializer(TenantSerializer):
    reference = serializers.CharField(read_only=True)
    licence_type = serializers.CharField(source="licence_type.code", read_only=True)
    enterprise = serializers.CharField(source="enterprise.credit_code", read_only=True)
    licence = serializers.CharField(source="licence.number", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Application
        fields = ["id", "reference", "licence_type", "kind", "enterprise", "licence", "change_kind", "status",
                  "address", "business_scope", "legal_representative", "responsible_pharmacist", "commitment",
                  "submitted_at", "accepted_on", "decided_on", "decision_reason", "appeal_rights", "overdue",
                  "jurisdiction", "created_at", "updated_at"]
        read_only_fields = fields


class ApplicationCreateSerializer(serializers.Serializer):
    """What an applicant sends; the applicant enterprise and the jurisdiction come from the credentials."""

    licence_type = serializers.SlugRelatedField(slug_field="code", queryset=LicenceType.objects.all())
    kind = serializers.ChoiceField(choices=ApplicationKind.choices, default=ApplicationKind.NEW)
    licence = serializers.CharField(required=False, max_length=64, help_text=_("Number of the licence to renew, "
                                                                               "change or cancel."))
    change_kind = serializers.ChoiceField(choices=ChangeKind.choices, required=False)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    business_scope = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    legal_representative = serializers.CharField(max_length=64, required=False, allow_blank=True)
    responsible_pharmacist = serializers.CharField(max_length=64, required=False, allow_blank=True)
    commitment = serializers.BooleanField(required=False)


class ApplicationUpdateSerializer(serializers.Serializer):
    change_kind = serializers.ChoiceField(choices=ChangeKind.choices, required=False)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    business_scope = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    legal_representative = serializers.CharField(max_length=64, required=False, allow_blank=True)
    responsible_pharmacist = serializers.CharField(max_length=64, required=False, allow_blank=True)
    commitment = serializers.BooleanField(required=False)


class NameListField(serializers.ListField):
    """A list of names whose errors are reported flat (one list of messages), in the API's one error shape."""

    def run_child_validation(self, data):
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as exc:
            detail = exc.detail.values() if isinstance(exc.detail, dict) else [exc.detail]
            raise serializers.ValidationError([str(message) for messages in detail for message in messages]) from None


class LicensingNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CorrectionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class NotAcceptReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReviewOpinionSerializer(serializers.Serializer):
    opinion = serializers.CharField(max_length=2000)


class DenialSerializer(serializers.Serializer):
    reasons = serializers.CharField(max_length=2000)


class InspectionRecordSerializer(serializers.Serializer):
    inspected_on = serializers.DateField()
    inspectors = NameListField(child=serializers.CharField(max_length=32), min_length=1, max_length=10)
    result = serializers.ChoiceField(choices=InspectionResult.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ApplicationDocumentSerializer(serializers.Serializer):
    file = serializers.FileField()
    purpose = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class ApplicationAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    purpose = serializers.CharField()


class LicenceStatusActionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    legal_basis = serializers.CharField(max_length=200)
