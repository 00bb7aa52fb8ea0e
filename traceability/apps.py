from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceabilityConfig(AppConfig):
    name = "traceability"
    verbose_name = _("Traceability")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from regulator import events
        from regulator.choices import UserKind
        from regulator.management.demo_data import register_seeder
        from regulator.web.registry import (
            Audience,
            NavItem,
            Panel,
            PublicLink,
            add_event_label,
            add_nav,
            add_panel,
            add_public_link,
        )

        add_public_link(PublicLink("verify-code", _("Verify a pack's traceability code"), "traceability:verify",
                                   order=30))
        from traceability import panels, services
        from traceability.demo import seed_traceability

        events.handler("sampling.unqualified")(services.on_sample_unqualified)
        people = Audience(kinds=frozenset({UserKind.STAFF, UserKind.ENTERPRISE, UserKind.PLATFORM}))
        add_nav(NavItem("traceability", _("Traceability"), "traceability:overview", people, order=40))
        add_panel(Panel("traceability-kpi", _("Traceability rate"), "traceability/panels/kpi.html",
                        Audience(kinds=frozenset({UserKind.STAFF, UserKind.PLATFORM})), panels.kpi, order=25))
        add_event_label("traceability.discrepancy_confirmed", _("Traceability discrepancy confirmed"))
        add_event_label("traceability.recall_proposed", _("Recall proposed"))
        add_event_label("traceability.recall_started", _("Recall started"))
        add_event_label("traceability.recall_closed", _("Recall ended"))
        register_seeder("traceability", seed_traceability, order=50)
