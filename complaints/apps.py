from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from complaints import panels
        from complaints.demo import seed_complaints
        from regulator.choices import Role
        from regulator.management.demo_data import register_seeder
        from regulator.web import registry

        registry.add_public_link(registry.PublicLink("complaint-file", _("File a complaint or report"),
                                                     "complaints:file", order=20))
        registry.add_public_link(registry.PublicLink("complaint-status", _("Follow your complaint with its receipt"),
                                                     "complaints:status-lookup", order=21))

        handlers = frozenset({Role.OFFICER, Role.REVIEWER, Role.APPROVER, Role.INSPECTOR})
        registry.add_nav(registry.NavItem("complaints", _("Complaints"), "complaints:queue",
                                          registry.Audience(roles=handlers), order=40))
        registry.add_panel(registry.Panel("complaints", _("Complaints and reports due"),
                                          "complaints/panels/queue.html", registry.Audience(roles=handlers),
                                          panels.queue, order=15, wide=True))
        for kind, label in [
            ("complaint.filed", _("Complaint or report filed")),
            ("complaint.accepted", _("Complaint accepted")),
            ("complaint.closed", _("Complaint or report closed")),
            ("complaint.substantiated", _("Complaint or report substantiated")),
            ("complaint.transferred", _("Complaint transferred to another bureau")),
            ("complaint.escalated", _("Complaint escalated to the head of unit")),
            ("complaint.parties_notified", _("Both parties notified that the mediation ended")),
            ("complaint.jurisdiction_disputed", _("Complaint jurisdiction disputed")),
            ("complaint.filer_answered", _("The filer answered")),
            ("complaint.rated", _("The filer rated the handling")),
        ]:
            registry.add_event_label(kind, label)
        register_seeder("complaints", seed_complaints, order=60)
