import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from regulator import services
from regulator.audit import audit_context
from regulator.choices import ApiScope
from regulator.models import Agency, Enterprise


def parse_scopes(values: list[str] | None) -> list[str]:
    """``--scope read --scope write`` or ``--scope read,write``; read when none is given."""
    scopes = [item.strip().lower() for value in values or [] for item in value.split(",") if item.strip()]
    bad = [scope for scope in scopes if scope not in ApiScope.values]
    if bad:
        raise CommandError(_("Unknown scope(s) %(bad)s: a scope is read or write.") % {"bad": ", ".join(bad)})
    return sorted(set(scopes or [ApiScope.READ]))


class Command(BaseCommand):
    help = _(
        "Create a machine client bound to an agency (by division code) or an enterprise (by credit code) "
        "and print its credentials as one JSON object. The token is shown once; it is stored hashed."
    )

    def add_arguments(self, parser):
        owner = parser.add_mutually_exclusive_group(required=True)
        owner.add_argument("--agency", metavar="DIVISION_CODE",
                           help=_("GB/T 2260 code of the agency's jurisdiction, e.g. 445102."))
        owner.add_argument("--enterprise", metavar="CREDIT_CODE",
                           help=_("Unified social credit code of the enterprise."))
        parser.add_argument("--name", required=True,
                            help=_("What the client is, e.g. the provincial system."))
        parser.add_argument("--scope", action="append", dest="scopes", metavar="read|write",
                            help=_("read (default) or write; repeat or separate with commas. "
                                   "write implies read."))

    def handle(self, *args, agency=None, enterprise=None, name, scopes=None, **options):
        scopes = parse_scopes(scopes)
        name = name.strip()
        if not name:
            raise CommandError(_("--name must not be empty."))
        owner_agency = owner_enterprise = None
        if agency is not None:
            owner_agency = Agency.objects.select_related("jurisdiction").filter(
                jurisdiction__code=agency.strip(), jurisdiction__valid_to__isnull=True).first()
            if owner_agency is None:
                raise CommandError(_("No agency for the division code %(code)s.") % {"code": agency})
        else:
            owner_enterprise = Enterprise.objects.filter(credit_code=enterprise.strip().upper()).first()
            if owner_enterprise is None:
                raise CommandError(_("No enterprise with the credit code %(code)s.") % {"code": enterprise})
        try:
            with audit_context(command="create_api_client"):
                client, token = services.create_api_client(
                    agency=owner_agency, enterprise=owner_enterprise, name=name, scopes=scopes)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(json.dumps({
            "client_id": client.pk,
            "name": client.name,
            "token": token,
            "token_type": "Bearer",
            "agency": owner_agency.jurisdiction.code if owner_agency else None,
            "enterprise": owner_enterprise.credit_code if owner_enterprise else None,
            "scopes": client.scopes,
            "api": "/api/v1/",
        }, ensure_ascii=False))
