from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = _("Licensing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from licensing import panels, services
        from licensing.demo import seed_licensing
        from regulator import events
        from regulator.choices import Role, UserKind
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

        add_public_link(PublicLink("licence-register", _("Check a licence in the public register"),
                                   "licensing:register", order=10))

        staff_and_enterprise = Audience(kinds=frozenset({UserKind.STAFF, UserKind.ENTERPRISE}))
        add_nav(NavItem("licence-applications", _("Licence applications"), "licensing:application-list",
                        staff_and_enterprise, order=30))
        add_nav(NavItem("licences", _("Licences"), "licensing:licence-list", staff_and_enterprise, order=31))
        add_panel(Panel("licensing-queue", _("Licence applications waiting for me"), "licensing/panels/queue.html",
                        Audience(kinds=frozenset({UserKind.STAFF, UserKind.ENTERPRISE}),
                                 roles=frozenset({Role.OFFICER, Role.REVIEWER, Role.APPROVER, Role.INSPECTOR})),
                        panels.my_queue, 12, wide=True))
        add_panel(Panel("licensing-overdue", _("Overdue licence applications"), "licensing/panels/overdue.html",
                        Audience(roles=frozenset({Role.APPROVER, Role.AGENCY_ADMIN})), panels.overdue, 11))
        for kind, label in [
            ("licence.issued", _("Licence issued")),
            ("licence.renewed", _("Licence renewed")),
            ("licence.changed", _("Licence changed")),
            ("licence.expiring", _("Licence renewal due")),
            ("licence.expired", _("Licence expired")),
            ("licence.suspended", _("Licence suspended")),
            ("licence.reinstated", _("Licence reinstated")),
            ("licence.revoked", _("Licence revoked")),
            ("licence.cancelled", _("Licence cancelled")),
            ("licence_application.submitted", _("Licence application submitted")),
            ("licence_application.approved", _("Licence application approved")),
            ("licence_application.denied", _("Licence application denied")),
            ("licence_application.overdue", _("Licence application overdue")),
        ]:
            add_event_label(kind, label)
        register_seeder("licensing", seed_licensing, order=50)
        events.handler("licence.expiring")(services.on_licence_expiring)
