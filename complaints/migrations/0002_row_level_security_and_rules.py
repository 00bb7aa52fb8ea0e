from django.db import migrations

from regulator.rls import tenant_rls


def load(apps, schema_editor):
    from complaints.rules import RULES
    from regulator.statutory import seed_rules

    seed_rules(apps.get_model("regulator", "StatutoryRule"), RULES)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("regulator", "0004_workflow_and_attachments")]

    operations = [
        tenant_rls("complaints_complaint"),
        tenant_rls("complaints_fileridentity"),
        tenant_rls("complaints_identityaccess"),
        tenant_rls("complaints_message"),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
