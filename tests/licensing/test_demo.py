"""The licensing demo data: applications in every state, licences for the demo enterprises, idempotent."""

import pytest

from licensing.choices import ApplicationStatus, LicenceStatus
from licensing.models import Application, Licence, LicenceNumberSequence
from regulator.management import demo_data
from regulator.models import Enterprise, Event


@pytest.fixture
def only_licensing_seeder(monkeypatch):
    monkeypatch.setattr(demo_data, "_seeders", {"licensing": demo_data._seeders["licensing"]})


def counts():
    return (Application.objects.count(), Licence.objects.count(), Event.objects.count(),
            sum(LicenceNumberSequence.objects.values_list("last_value", flat=True)))


def test_the_demo_has_every_state_and_licences_and_a_second_run_adds_nothing(db, only_licensing_seeder):
    demo_data.seed()

    states = set(Application.objects.values_list("status", flat=True))
    assert set(ApplicationStatus.values) <= states
    assert Licence.objects.filter(status=LicenceStatus.CANCELLED).exists()
    licensed_types = {"pharmacy", "chain_store", "retail_chain_hq", "wholesaler", "drug_manufacturer",
                      "device_distributor", "cosmetics_manufacturer"}
    assert not Enterprise.objects.filter(enterprise_type__in=licensed_types).exclude(licences__isnull=False).exists()
    assert Licence.objects.filter(status=LicenceStatus.EXPIRING).exists()
    assert Application.objects.filter(overdue=True).exists()
    before = counts()

    demo_data.seed()

    assert counts() == before
