"""Complaint resources. None of them carries the filer's identity except ``IdentitySerializer``, which only the
identity endpoint uses, for the assigned handler and the head of unit."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.choices import CLOSE_OUTCOMES, NoCaseReason, NotAcceptedGround, Outcome
from complaints.models import Complaint, FilerIdentity, Message
from regulator.api.base import TenantSerializer


class ComplaintSerializer(TenantSerializer):
    handling_agency = serializers.CharField(source="handling_agency.jurisdiction.code", read_only=True,
                                            help_text=_("GB/T 2260 code of the handling bureau."))
    enterprise = serializers.CharField(source="enterprise.credit_code", read_only=True, allow_null=True,
                                       default=None)
    assigned_to = serializers.CharField(source="assigned_to.username", read_only=True, allow_null=True,
                                        default=None)

    class Meta:
        model = Complaint
        fields = ["id", "tracking_number", "kind", "status", "received_at", "received_on", "jurisdiction",
                  "handling_agency", "assigned_to", "enterprise", "enterprise_description", "place", "product_name",
                  "approval_number", "batch_number", "trace_code", "subject", "description", "occurred_on",
                  "anonymous", "outcome", "not_accepted_ground", "no_case_reason", "reply", "closed_at",
                  "parties_notified_on", "satisfaction", "due_on", "attention", "extended", "jurisdiction_disputed"]
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Message
        fields = ["id", "sender", "author", "body", "internal", "is_question", "at"]
        read_only_fields = fields


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
    question = serializers.BooleanField(default=False, help_text=_("A question the filer answers on the status page."))
    internal = serializers.BooleanField(default=False, help_text=_("An internal note, never shown to the filer."))


class IdentitySerializer(serializers.ModelSerializer):
    class Meta:
        model = FilerIdentity
        fields = ["name", "phone", "email", "id_number", "address"]
        read_only_fields = fields


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class NotAcceptSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=NotAcceptedGround.choices)
    reply = serializers.CharField(max_length=5000)


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[c for c in Outcome.choices
                                               if any(c[0] in outcomes for outcomes in CLOSE_OUTCOMES.values())])
    reply = serializers.CharField(max_length=5000)


class CaseDecisionSerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=5000, help_text=_("The decision as the reporter reads it."))


class NoCaseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=NoCaseReason.choices)
    reply = serializers.CharField(max_length=5000, help_text=_("The decision as the reporter reads it."))


class PartiesNotifiedSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                 help_text=_("How the parties were notified, e.g. by letter or by phone."))
    on = serializers.DateField(required=False, allow_null=True, default=None,
                               help_text=_("When; today if not given."))


class TransferSerializer(serializers.Serializer):
    to = serializers.CharField(max_length=6, help_text=_("GB/T 2260 code of the receiving bureau."))
    reason = serializers.CharField(max_length=500)


class AssignSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class DuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_number = serializers.CharField()
    subject = serializers.CharField()
    received_on = serializers.DateField()
    status = serializers.CharField()
    similarity = serializers.IntegerField(help_text=_("Percent."))
