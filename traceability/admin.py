from django.contrib import admin

from traceability.models import Discrepancy, IngestJob, Recall, RecallTask


@admin.register(Discrepancy)
class DiscrepancyAdmin(admin.ModelAdmin):
    list_display = ["id", "rule", "status", "enterprise", "code", "assignee"]
    list_filter = ["rule", "status"]
    readonly_fields = ["key", "rule", "status", "jurisdiction", "code", "enterprise", "other_enterprise", "event_ids"]
    raw_id_fields = ["assignee", "run"]


@admin.register(Recall)
class RecallAdmin(admin.ModelAdmin):
    list_display = ["id", "product", "batch", "status", "deadline"]
    list_filter = ["status"]
    readonly_fields = ["status", "jurisdiction", "product", "batch"]


@admin.register(RecallTask)
class RecallTaskAdmin(admin.ModelAdmin):
    list_display = ["id", "recall", "holder", "held", "recovered", "status"]
    readonly_fields = ["jurisdiction", "recall", "holder"]


@admin.register(IngestJob)
class IngestJobAdmin(admin.ModelAdmin):
    list_display = ["id", "source", "status", "enterprise", "received", "accepted", "rejected"]
    readonly_fields = ["jurisdiction", "status"]
    raw_id_fields = ["enterprise", "submitted_by"]
