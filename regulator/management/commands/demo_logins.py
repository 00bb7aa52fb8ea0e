import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from regulator.choices import UserKind
from regulator.management import demo_data
from regulator.models import User


class Command(BaseCommand):
    help = _(
        "Print the demo logins as JSON lines: username, password, role (the kind for enterprise and platform "
        "users), and the agency's jurisdiction code or the enterprise's credit code."
    )

    def handle(self, *args, **options):
        usernames = [login.username for login in demo_data.build_plan().logins]
        users = {user.username: user for user in User.objects.filter(username__in=usernames, is_active=True)
                 .select_related("agency__jurisdiction", "enterprise")}
        if not users:
            raise CommandError(_("No demo users found: run `python manage.py seed_demo` first."))
        for username in usernames:
            user = users.get(username)
            if user is None:
                continue
            row = {"username": user.username, "password": demo_data.PASSWORD,
                   "role": user.roles[0] if user.kind == UserKind.STAFF and user.roles else user.kind,
                   "kind": user.kind}
            if user.agency_id:
                row["jurisdiction"] = user.agency.jurisdiction.code
            if user.enterprise_id:
                row["credit_code"] = user.enterprise.credit_code
            row["full_name"] = user.full_name
            self.stdout.write(json.dumps(row, ensure_ascii=False))
