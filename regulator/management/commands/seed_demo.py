from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regulator.management import demo_data

KINDS = {
    "users": gettext_lazy("users"),
    "enterprises": gettext_lazy("enterprises"),
    "products": gettext_lazy("products"),
    "batches": gettext_lazy("batches"),
    "deadlines": gettext_lazy("deadlines"),
    # What the domain apps' seeders count (regulator.management.demo_data.register_seeder).
    "licences": gettext_lazy("licences"),
    "licence applications": gettext_lazy("licence applications"),
    "licence applications deemed granted": gettext_lazy("licence applications deemed granted"),
    "trace events": gettext_lazy("trace events"),
    "discrepancies": gettext_lazy("discrepancies"),
    "recalls": gettext_lazy("recalls"),
    "complaints": gettext_lazy("complaints and reports"),
}


class Command(BaseCommand):
    help = _(
        "Load the demo data: Guangdong › Chaozhou and its three districts/counties, staff in every role, "
        "Chaozhou's regulated enterprises with products and batches, enterprise users and a few running "
        "deadlines. Deterministic and idempotent: a second run creates nothing."
    )

    def handle(self, *args, **options):
        created = demo_data.seed()
        if not any(created.values()):
            self.stdout.write(_("Demo data already complete; nothing to do."))
            return
        summary = ", ".join(f"{count} {KINDS.get(kind, kind)}" for kind, count in created.items() if count)
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded: %(summary)s.") % {"summary": summary}))
        self.stdout.write(
            _("All demo users share the password %(password)s; `manage.py demo_logins` lists them.")
            % {"password": demo_data.PASSWORD})
