"""Complaint fixtures on top of the shared personas: heads of unit, and a helper that files."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from complaints import services
from regulator.choices import Role
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def heads(world):
    """Heads of unit (approvers) of Xiangqiao and of the city; another Xiangqiao officer."""
    return {
        "xq_head": factories.staff(world.agencies["445102"], "xq.head", Role.APPROVER),
        "city_head": factories.staff(world.agencies["445100"], "city.head", Role.APPROVER),
        "xq_officer2": factories.staff(world.agencies["445102"], "xq.officer2", Role.OFFICER),
    }


@pytest.fixture
def file(world):
    """File through the service: ``file("report", enterprise="xq_pharmacy", received=at(2026, 9, 28))``."""
    def make(kind="complaint", *, enterprise="xq_pharmacy", received=None, **fields):
        defaults = {
            "subject": "过期药品", "description": "在该药店购买的阿莫西林胶囊已过有效期，包装批号A250101，"
                                              "店员拒绝退换并态度恶劣。",
            "name": "张三", "phone": "13800000000", "email": "zhang@example.com",
        }
        defaults.update(fields)
        return services.file_complaint(kind=kind, enterprise=world.enterprises[enterprise] if enterprise else None,
                                       received_at=received, **defaults)

    return make


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    """Rate-limit counters live in Redis across tests; tests of the limit set their own rate and address."""
    settings.COMPLAINTS_FILING_RATE = "100000/hour"
    settings.COMPLAINTS_LOOKUP_RATE = "100000/hour"
    settings.COMPLAINTS_SEARCH_RATE = "100000/hour"
