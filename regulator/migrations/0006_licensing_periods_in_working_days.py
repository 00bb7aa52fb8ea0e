"""Licensing periods given in "days" are working days (Administrative Licensing Law art. 82).

The first seed stored three licensing rules in calendar days. This corrects those rule rows in place (the law did
not change; the reading did) and moves the due date of every clock on them that is still running and was never
stopped to what the working-day count gives. Clocks that were stopped keep their dates: their remaining time was
fixed when they stopped, and an officer should look at them (the migration prints how many there are).
"""

from django.db import migrations

from regulator.calendar import WorkingCalendar
from regulator.statutory import CORRECTED_TO_WORKING_DAYS, WORKING_DAYS_BY_LAW


def to_working_days(apps, schema_editor):
    StatutoryRule = apps.get_model("regulator", "StatutoryRule")
    Deadline = apps.get_model("regulator", "Deadline")
    CalendarDay = apps.get_model("regulator", "CalendarDay")
    ClockStop = apps.get_model("regulator", "ClockStop")
    cal = WorkingCalendar({day.date: day.is_workday for day in CalendarDay.objects.all()})
    rules = list(StatutoryRule.objects.filter(code__in=CORRECTED_TO_WORKING_DAYS, unit="calendar_days"))
    for rule in rules:
        rule.unit = "working_days"
        rule.source = WORKING_DAYS_BY_LAW % rule.source
        rule.save(update_fields=["unit", "source"])
    kept = 0
    for deadline in Deadline.objects.filter(rule__in=rules, status__in=("running", "stopped")).select_related("rule"):
        if deadline.status == "stopped" or ClockStop.objects.filter(deadline=deadline).exists():
            kept += 1
            continue
        deadline.due_on = cal.add_working_days(deadline.started_on, deadline.rule.amount)
        deadline.save(update_fields=["due_on"])
    if kept:
        print(f"\n  {kept} stopped licensing clocks keep their calendar-day due dates; review them.")


class Migration(migrations.Migration):
    dependencies = [("regulator", "0005_bigram_search")]

    operations = [migrations.RunPython(to_working_days, migrations.RunPython.noop)]
