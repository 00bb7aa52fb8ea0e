"""Licensing personas on top of the root ``world``: Xiangqiao's approver and inspectors, the city's
device-licensing staff, and an enterprise system with write scope."""

from datetime import date

import pytest

from licensing import services
from licensing.models import LicenceType
from regulator import services as kernel
from regulator.choices import ApiScope, EnterpriseType, Role
from tests import factories

# A Wednesday well clear of holidays.
DAY = date(2026, 3, 4)


@pytest.fixture
def lic(world):
    users = world.users
    users["xq_approver"] = factories.staff(world.agencies["445102"], "xq.approver", Role.APPROVER)
    users["xq_approver_reviewer"] = factories.staff(world.agencies["445102"], "xq.both", Role.APPROVER, Role.REVIEWER)
    users["xq_inspector"] = factories.staff(world.agencies["445102"], "xq.inspector", Role.INSPECTOR)
    users["city_reviewer"] = factories.staff(world.agencies["445100"], "city.reviewer", Role.REVIEWER)
    users["city_approver"] = factories.staff(world.agencies["445100"], "city.approver", Role.APPROVER)
    users["rp_devices_user"] = factories.enterprise_user(world.enterprises["rp_devices"], "rp.devices.clerk")
    users["xq_wholesaler_user"] = factories.enterprise_user(world.enterprises["xq_wholesaler"], "xq.wholesale.clerk")
    client, token = kernel.create_api_client(name="pharmacy ERP", enterprise=world.enterprises["xq_pharmacy"],
                                             scopes=[ApiScope.READ, ApiScope.WRITE])
    users["enterprise_writer"] = client.user
    world.tokens["enterprise_writer"] = token
    world.enterprises["ca_chain_store"] = factories.enterprise(world.j["445103"], name="潮安连锁门店",
                                                               enterprise_type=EnterpriseType.CHAIN_STORE)
    return world


def ltype(code: str) -> LicenceType:
    return LicenceType.objects.get(code=code)


def draft(world, persona="xq_enterprise_user", type_code="drug_retail_single", **fields):
    fields.setdefault("business_scope", "化学药制剂、中成药")
    application, _ = services.create_application(actor=world.users[persona], licence_type=ltype(type_code),
                                                 **fields)
    return application


def to_pending_decision(world, application, on=DAY, inspect=True):
    u = world.users
    services.submit(application, actor=u["xq_enterprise_user"], on=on)
    services.accept(application, actor=u["xq_officer"], on=on)
    services.start_review(application, actor=u["xq_reviewer"])
    if inspect:
        services.request_inspection(application, actor=u["xq_reviewer"])
        services.record_inspection(application, actor=u["xq_inspector"], inspected_on=on,
                                   inspectors=["张三", "李四"], result="passed")
    services.complete_review(application, actor=u["xq_reviewer"], opinion="材料齐全，符合条件")
    application.refresh_from_db()
    return application


def issued_licence(world, on=DAY):
    application = to_pending_decision(world, draft(world), on=on)
    services.approve(application, actor=world.users["xq_approver"], on=on)
    application.refresh_from_db()
    return application.licence
