from django.contrib import admin

from licensing.models import Application, Licence, LicenceType


@admin.register(LicenceType)
class LicenceTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "issuing_level", "rule_prefix", "number_format", "notification_commitment",
                    "is_filing"]


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["number", "holder_name", "licence_type", "status", "valid_until", "jurisdiction"]
    list_filter = ["status", "licence_type"]
    search_fields = ["number", "holder_name", "credit_code"]
    readonly_fields = ["number", "status", "jurisdiction", "enterprise", "public_id"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["id", "enterprise", "licence_type", "kind", "status", "overdue", "jurisdiction"]
    list_filter = ["status", "kind", "licence_type"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    readonly_fields = ["status", "jurisdiction", "enterprise", "licence"]
