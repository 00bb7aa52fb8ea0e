"""What other apps read from licensing: who may receive which products (used by traceability)."""

from licensing import selectors
from licensing.models import Licence
from tests.licensing.conftest import issued_licence


def _without(kind):
    return {pk for pk, k in selectors.enterprises_without_valid_licence(product_kinds=[kind]) if k == kind}


def test_a_pharmacy_without_a_valid_licence_may_not_receive_drugs(world, lic):
    pharmacy = world.enterprises["xq_pharmacy"]
    assert pharmacy.pk in _without("drug")

    licence = issued_licence(world)

    assert licence.enterprise_id == pharmacy.pk and pharmacy.pk not in _without("drug")
    Licence.objects.filter(pk=licence.pk).update(status="suspended")
    assert pharmacy.pk in _without("drug")


def test_only_enterprises_that_need_such_a_licence_are_listed(world, lic):
    drug_side = _without("drug")

    assert world.enterprises["rp_devices"].pk not in drug_side  # a device distributor needs no drug licence
    assert world.enterprises["rp_devices"].pk in _without("device")
    assert _without("vaccine") == set()  # vaccine recipients hold no licence of this catalogue


def test_traceability_reads_the_rule_through_this_selector(world, lic):
    from traceability.services import unlicensed_recipients

    assert (world.enterprises["xq_pharmacy"].pk, "drug") in unlicensed_recipients()
