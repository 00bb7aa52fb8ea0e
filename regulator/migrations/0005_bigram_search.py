from django.db import migrations

from regulator.search import CREATE_FUNCTION, DROP_FUNCTION


class Migration(migrations.Migration):
    dependencies = [("regulator", "0004_workflow_and_attachments")]

    operations = [migrations.RunSQL(CREATE_FUNCTION, DROP_FUNCTION, elidable=False)]
