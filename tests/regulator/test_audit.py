"""The audit trail covers every domain table and names who acted."""

import pytest
from django.apps import apps
from pghistory.models import Events

from regulator import audit
from regulator.models import Enterprise, TenantModel

DOMAIN_APPS = {"regulator", "licensing", "inspections", "traceability", "adr_monitoring", "credit", "complaints"}
# Append-only tables whose rows are themselves the record (the outbox and its deliveries, webhook deliveries,
# workflow timelines, stored attachments), and clock stops, which belong to an audited deadline.
NOT_AUDITED = {"regulator.event", "regulator.eventdelivery", "regulator.clockstop", "regulator.timelineentry",
               "regulator.attachment", "regulator.webhookdelivery"}
# traceability: trace events are the append-only record itself (tens of millions of rows); a code's state is
# derived from them; ingest jobs and reconciliation runs are job bookkeeping, not domain records.
NOT_AUDITED |= {"traceability.traceevent", "traceability.tracecode", "traceability.ingestjob",
                "traceability.reconciliationrun"}


def _domain_models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if (model._meta.app_label in DOMAIN_APPS and not model._meta.auto_created
                and not label.endswith("history") and label not in NOT_AUDITED):
            yield model


@pytest.mark.parametrize("model", list(_domain_models()), ids=lambda m: m._meta.label)
def test_every_domain_table_is_audited(model):
    assert hasattr(model, "history"), f"decorate {model.__name__} with regulator.audit.audited()"


def test_tenant_models_are_domain_models():
    assert {m for m in apps.get_models() if issubclass(m, TenantModel)} - set(_domain_models()) == {
        apps.get_model(label) for label in NOT_AUDITED if issubclass(apps.get_model(label), TenantModel)}


def test_insert_update_and_delete_are_recorded_with_the_context(world):
    enterprise = world.enterprises["rp_devices"]
    with audit.audit_context(command="test"):
        Enterprise.objects.filter(pk=enterprise.pk).update(name="饶平器械（更名）")
        product_less = Enterprise.objects.get(pk=enterprise.pk)
        product_less.delete()

    labels = [event.pgh_label for event in Events.objects.tracks(enterprise).order_by("pgh_id")]
    entries = audit.history(enterprise)

    assert labels == ["insert", "update", "delete"]
    assert entries[1]["changes"]["name"] == {"from": "饶平医疗器械经营部", "to": "饶平器械（更名）"}
    assert entries[0]["actor"] == "test" and entries[0]["actor_kind"] == "system"


@pytest.mark.django_db
def test_constraints_checked_per_statement_inside_and_deferred_again_after(world):
    from django.db import IntegrityError, connection, transaction

    missing = 10**9  # no enterprise has this id
    bad = ("UPDATE regulator_product SET enterprise_id = %s WHERE id = %s", [missing, world.products["ca_tablet"].pk])
    with transaction.atomic(), connection.cursor() as cursor:
        with pytest.raises(IntegrityError), transaction.atomic(), audit.constraints_checked_per_statement(cursor):
            cursor.execute(*bad)  # checked at the end of this statement
        with audit.constraints_checked_per_statement(cursor):
            cursor.execute("SELECT 1")
        cursor.execute(*bad)  # deferred again after the block: accepted until commit
        transaction.set_rollback(True)
