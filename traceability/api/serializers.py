from rest_framework import serializers

from regulator.api.base import TenantSerializer
from traceability.models import Discrepancy, IngestJob, Recall, RecallTask, TraceCode, TraceEvent


class TraceCodeSerializer(TenantSerializer):
    holder = serializers.CharField(source="holder.credit_code", default=None, read_only=True)
    parent = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = TraceCode
        fields = ["id", "code", "code_type", "product", "batch", "batch_number", "expires_on", "holder", "status",
                  "parent", "last_event_at", "jurisdiction"]


class TraceEventSerializer(TenantSerializer):
    code = serializers.CharField(source="code.code", read_only=True)
    kind = serializers.CharField(source="get_kind_display", read_only=True)
    party = serializers.CharField(source="enterprise.credit_code", read_only=True)
    counterparty = serializers.CharField(source="counterparty.credit_code", default=None, read_only=True)
    parent = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = TraceEvent
        fields = ["id", "event_id", "code", "kind", "occurred_at", "party", "counterparty", "parent", "jurisdiction"]


class IngestResultSerializer(serializers.Serializer):
    job = serializers.IntegerField()
    received = serializers.IntegerField()
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    stored = serializers.IntegerField(
        help_text="New events stored; duplicates of stored events are accepted, not stored.")
    rejections = serializers.ListField(child=serializers.DictField())


class IngestJobSerializer(TenantSerializer):
    class Meta:
        model = IngestJob
        fields = ["id", "source", "status", "filename", "received", "accepted", "rejected", "stored", "rejections",
                  "error", "created_at", "finished_at", "jurisdiction"]


class DiscrepancySerializer(TenantSerializer):
    code = serializers.CharField(source="code.code", read_only=True)
    enterprise = serializers.CharField(source="enterprise.credit_code", read_only=True)
    other_enterprise = serializers.CharField(source="other_enterprise.credit_code", default=None, read_only=True)

    class Meta:
        model = Discrepancy
        fields = ["id", "rule", "status", "code", "enterprise", "other_enterprise", "event_ids", "assignee", "note",
                  "created_at", "jurisdiction"]


class DiscrepancyUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Discrepancy._meta.get_field("status").choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    assignee = serializers.IntegerField(required=False, allow_null=True)


class RecallTaskSerializer(TenantSerializer):
    holder = serializers.CharField(source="holder.credit_code", read_only=True)
    holder_name = serializers.CharField(source="holder.name", read_only=True)

    class Meta:
        model = RecallTask
        fields = ["id", "holder", "holder_name", "held", "recovered", "status", "deadline", "jurisdiction"]


class RecallSerializer(TenantSerializer):
    batch_number = serializers.CharField(source="batch.batch_number", read_only=True)
    effectiveness = serializers.FloatField(read_only=True)

    class Meta:
        model = Recall
        fields = ["id", "product", "batch", "batch_number", "status", "reason", "deadline", "started_at",
                  "total_codes", "held_codes", "dispensed_codes", "recovered_codes", "effectiveness", "jurisdiction"]


class RecallCreateSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000)
    deadline = serializers.DateField(required=False)
