from django.db import migrations

from regulator.rls import tenant_rls


def record_past_escalations(apps, schema_editor):
    """Filings already escalated before escalations were recorded one by one count as escalated for the clock
    now running, so that the first nightly run after the upgrade does not mail the heads of unit again."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Complaint = apps.get_model("complaints", "Complaint")
    Deadline = apps.get_model("regulator", "Deadline")
    Escalation = apps.get_model("complaints", "Escalation")
    content_type = ContentType.objects.filter(app_label="complaints", model="complaint").first()
    if content_type is None:
        return
    for complaint in Complaint.objects.exclude(attention="").filter(escalated_at__isnull=False).iterator():
        deadline = (Deadline.objects.filter(subject_type=content_type, subject_id=str(complaint.pk), status="running")
                    .exclude(rule__code="complaint.jurisdiction_dispute").order_by("due_on").first())
        if deadline is not None:
            Escalation.objects.get_or_create(deadline=deadline, level=complaint.attention, due_on=deadline.due_on,
                                             defaults={"complaint": complaint,
                                                       "jurisdiction_id": complaint.jurisdiction_id})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_case_decision_notify_parties_escalations")]

    operations = [
        tenant_rls("complaints_escalation"),
        migrations.RunPython(record_past_escalations, migrations.RunPython.noop),
    ]
