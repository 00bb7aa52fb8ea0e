from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegulatorConfig(AppConfig):
    name = "regulator"
    verbose_name = _("Platform kernel")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from regulator import webhooks  # noqa: F401  (its fan-out receives every event)
        from regulator.api import schema  # noqa: F401  (registers the bearer-token scheme)
        from regulator.web import registry

        registry.register_kernel_entries()
