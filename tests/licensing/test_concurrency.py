"""Two officers accepting the same application at the same moment: exactly one succeeds."""

import threading

import pytest
from django.db import connection

from licensing import services
from licensing.models import Application, LicenceType
from licensing.rules import RULES, seed_licence_types
from regulator.models import StatutoryRule
from regulator.statutory import seed_rules
from regulator.workflow import InvalidTransition
from tests import factories
from tests.licensing.conftest import DAY, draft


@pytest.fixture
def committed(transactional_db, lic):
    # A transactional test before this one may have flushed the rows the data migrations seeded.
    seed_rules(StatutoryRule)
    seed_rules(StatutoryRule, RULES)
    seed_licence_types(LicenceType)
    return lic


def test_two_officers_at_once_cannot_both_accept(committed):
    from regulator.choices import Role

    world = committed
    second_officer = factories.staff(world.agencies["445102"], "xq.officer2", Role.OFFICER)
    application = draft(world)
    services.submit(application, actor=world.users["xq_enterprise_user"], on=DAY)
    barrier = threading.Barrier(2)
    outcomes = []

    def act(officer):
        try:
            barrier.wait()
            services.accept(Application.objects.get(pk=application.pk), actor=officer, on=DAY)
            outcomes.append("accepted")
        except InvalidTransition:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(officer,)) for officer in (world.users["xq_officer"],
                                                                             second_officer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["accepted", "conflict"]
    assert services.decision_deadline(application) is not None
    from regulator.models import Deadline
    assert Deadline.objects.filter(subject_id=str(application.pk)).count() == 1
