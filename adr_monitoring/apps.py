from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdrMonitoringConfig(AppConfig):
    name = "adr_monitoring"
    verbose_name = _("Adverse reaction monitoring")
    default_auto_field = "django.db.models.BigAutoField"
