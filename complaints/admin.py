"""The back office. The filer's identity is deliberately not registered here: it is read only through
``services.reveal_identity`` by the assigned handler and the head of unit, and each read is logged."""

from django.contrib import admin

from complaints.models import Complaint, Escalation, IdentityAccess, Message


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["tracking_number", "kind", "status", "handling_agency", "due_on", "attention", "received_on"]
    list_filter = ["kind", "status", "attention", "handling_agency"]
    search_fields = ["tracking_number", "subject"]
    exclude = ["secret_hash"]
    readonly_fields = ["tracking_number", "kind", "status", "jurisdiction", "handling_agency", "received_at",
                       "received_on", "outcome", "not_accepted_ground", "no_case_reason", "parties_notified_on",
                       "due_on", "attention", "escalated_at",
                       "closed_at", "satisfaction", "extended", "jurisdiction_disputed"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["complaint", "sender", "internal", "is_question", "at"]
    list_filter = ["sender", "internal"]
    readonly_fields = ["complaint", "sender", "author", "jurisdiction", "at"]


@admin.register(IdentityAccess)
class IdentityAccessAdmin(admin.ModelAdmin):
    """Who looked at a filer's identity, when and through what: for the auditors."""

    list_display = ["complaint", "user", "at", "via"]
    readonly_fields = ["complaint", "user", "at", "via", "jurisdiction"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    """What the nightly task escalated to which heads of unit: written by the task only."""

    list_display = ["complaint", "level", "due_on", "created_at"]
    list_filter = ["level"]
    readonly_fields = ["complaint", "deadline", "level", "due_on", "recipients", "jurisdiction"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
