from django.db import migrations


def load(apps, schema_editor):
    from regulator.calendar import load_official_calendar
    from regulator.statutory import seed_rules

    load_official_calendar(apps.get_model("regulator", "CalendarDay"))
    seed_rules(apps.get_model("regulator", "StatutoryRule"))


class Migration(migrations.Migration):
    dependencies = [("regulator", "0002_row_level_security")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
