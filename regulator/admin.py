"""The platform administrators' back office (Django admin). Staff work in the regular pages, scoped;
only platform administrators (kind "platform", superuser) reach this."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from regulator import services
from regulator.models import (
    Agency,
    ApiClient,
    Batch,
    CalendarDay,
    Deadline,
    Enterprise,
    Event,
    EventDelivery,
    Jurisdiction,
    Product,
    StatutoryRule,
    User,
    Webhook,
)


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "parent", "population", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]
    readonly_fields = ["path"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "jurisdiction"]
    search_fields = ["name_zh", "name_en", "jurisdiction__code"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "kind", "agency", "enterprise", "roles", "is_active"]
    list_filter = ["kind", "is_active", "agency"]
    search_fields = ["username", "full_name", "enterprise__credit_code"]
    raw_id_fields = ["enterprise"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Platform"), {"fields": ["kind", "full_name", "agency", "enterprise", "roles"]}),
    ]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "scopes", "created_at", "revoked_at"]
    readonly_fields = ["user", "created_at", "created_by", "revoked_at"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected clients"))
    def revoke(self, request, queryset):
        for client in queryset.filter(revoked_at__isnull=True):
            services.revoke_api_client(client, actor=request.user)


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Clients manage their webhooks through the API; here platform staff see them and switch one off."""

    list_display = ["client", "url", "kinds", "active", "failures_in_row", "disabled_reason"]
    list_filter = ["active"]
    readonly_fields = ["client", "url", "kinds", "failures_in_row", "disabled_reason", "created_at"]
    fields = ["client", "url", "kinds", "active", "failures_in_row", "disabled_reason", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "enterprise_type", "jurisdiction", "status"]
    list_filter = ["enterprise_type", "status", "jurisdiction"]
    search_fields = ["name", "credit_code", "address"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "approval_number", "enterprise", "trace_prefix"]
    list_filter = ["kind"]
    search_fields = ["name", "approval_number", "trace_prefix"]
    raw_id_fields = ["enterprise"]


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["product", "batch_number", "manufactured_on", "expires_on"]
    search_fields = ["batch_number", "product__name"]
    raw_id_fields = ["product"]


@admin.register(StatutoryRule)
class StatutoryRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "amount", "unit", "effective_from", "effective_to", "source"]
    list_filter = ["unit"]
    search_fields = ["code", "title", "source"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["rule", "subject_type", "subject_id", "started_on", "due_on", "status", "jurisdiction"]
    list_filter = ["status", "rule__code"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "occurred_at", "jurisdiction", "enterprise", "subject_type", "subject_id"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Event._meta.fields]


@admin.register(EventDelivery)
class EventDeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "handler", "status", "attempts", "delivered_at"]
    list_filter = ["status", "handler"]
    readonly_fields = [f.name for f in EventDelivery._meta.fields]
    actions = ["retry"]

    @admin.action(description=_("Deliver again"))
    def retry(self, request, queryset):
        for delivery in queryset.exclude(status="done"):
            services.retry_failed_delivery(delivery)
