import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from regulator import services
from regulator.audit import audit_context
from regulator.models import ApiClient


class Command(BaseCommand):
    help = _("Revoke a machine client: its token stops working at once. Prints the client as JSON.")

    def add_arguments(self, parser):
        parser.add_argument("client_id", type=int, help=_("The client_id printed by create_api_client."))

    def handle(self, *args, client_id, **options):
        client = ApiClient.objects.select_related("user").filter(pk=client_id).first()
        if client is None:
            raise CommandError(_("No API client with id %(id)s.") % {"id": client_id})
        if client.revoked_at is None:
            with audit_context(command="revoke_api_client"):
                client = services.revoke_api_client(client)
        else:
            self.stderr.write(_("Client %(id)s was already revoked.") % {"id": client_id})
        self.stdout.write(json.dumps({
            "client_id": client.pk, "name": client.name, "revoked_at": client.revoked_at.isoformat(),
        }, ensure_ascii=False))
