"""Row-level security: the database's own backstop behind visible_to."""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from regulator.models import Enterprise, Event, TenantModel
from regulator.tenancy import rls_bypass, rls_scope
from tests import factories


def test_a_query_that_forgets_the_scope_still_returns_only_scoped_rows(world):
    with transaction.atomic(), rls_scope(world.users["xq_officer"]):
        forgotten = set(Enterprise.objects.values_list("credit_code", flat=True))  # no visible_to()

    assert forgotten == {world.enterprises["xq_pharmacy"].credit_code, world.enterprises["xq_wholesaler"].credit_code}


def test_the_city_scope_covers_its_three_counties_at_database_level(world):
    with transaction.atomic(), rls_scope(world.users["city_officer"]):
        counties = set(Enterprise.objects.values_list("jurisdiction__code", flat=True))

    assert counties == {"445102", "445103", "445122"}


def test_an_enterprise_user_is_confined_to_its_enterprises_jurisdiction(world):
    with transaction.atomic(), rls_scope(world.users["xq_enterprise_user"]):
        codes = set(Enterprise.objects.values_list("jurisdiction__code", flat=True))

    assert codes == {"445102"}


def test_writing_a_row_into_another_jurisdiction_is_refused_by_the_database(world):
    with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic(), \
            rls_scope(world.users["xq_officer"]):
        factories.enterprise(world.j["445122"], name="越权写入")

    assert not Enterprise.objects.filter(name="越权写入").exists()


def test_the_named_bypass_sees_the_whole_province_and_restores_the_scope(world):
    with transaction.atomic(), rls_scope(world.users["xq_officer"]):
        with rls_bypass("test: province-wide job"):
            everything = Enterprise.objects.count()
        after = Enterprise.objects.count()

    assert everything == len(world.enterprises)
    assert after == 2


def test_the_scope_ends_with_the_block(world):
    with transaction.atomic():
        with rls_scope(world.users["xq_officer"]):
            pass
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user <> 'regulator_scoped'")
            assert cursor.fetchone()[0]
        assert Enterprise.objects.count() == len(world.enterprises)


@pytest.mark.django_db(transaction=True)
def test_a_scope_outside_a_transaction_is_refused(world):
    with pytest.raises(RuntimeError, match="transaction"), rls_scope(world.users["xq_officer"]):
        pass


def test_anonymous_scope_sees_no_tenant_rows(world):
    from django.contrib.auth.models import AnonymousUser

    with transaction.atomic(), rls_scope(AnonymousUser()):
        assert Enterprise.objects.count() == 0
        assert Event.objects.count() == 0


@pytest.mark.parametrize("model", [m for m in apps.get_models() if issubclass(m, TenantModel)],
                         ids=lambda m: m._meta.label)
def test_every_tenant_table_has_row_level_security(db, model):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relrowsecurity, count(p.polname) FROM pg_class c "
            "LEFT JOIN pg_policy p ON p.polrelid = c.oid AND p.polname = 'tenant_scope' "
            "WHERE c.relname = %s GROUP BY c.relrowsecurity",
            [model._meta.db_table],
        )
        enabled, policies = cursor.fetchone()

    assert enabled and policies == 1, f"{model._meta.db_table}: add regulator.rls.tenant_rls() to its migration"
