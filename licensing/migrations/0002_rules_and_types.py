from django.db import migrations

from licensing.rules import RULES, seed_licence_types
from regulator.statutory import seed_rules


def forwards(apps, schema_editor):
    seed_rules(apps.get_model("regulator", "StatutoryRule"), RULES)
    seed_licence_types(apps.get_model("licensing", "LicenceType"))


class Migration(migrations.Migration):
    dependencies = [("licensing", "0001_initial"), ("regulator", "0004_workflow_and_attachments")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
