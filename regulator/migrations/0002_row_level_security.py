from django.db import migrations

from regulator.rls import setup_scoped_role, tenant_rls


class Migration(migrations.Migration):
    dependencies = [("regulator", "0001_initial")]

    operations = [
        setup_scoped_role(),
        tenant_rls("regulator_enterprise"),
        tenant_rls("regulator_product"),
        tenant_rls("regulator_batch"),
        tenant_rls("regulator_event"),
        tenant_rls("regulator_deadline"),
    ]
