"""A small supply chain on top of the kernel's ``world``: ca_maker → xq_wholesaler → the pharmacies."""

from datetime import timedelta

import pytest
from django.utils import timezone

from regulator.choices import ProductKind
from tests import factories
from traceability import codes as codelib
from traceability import services


def pack(n: int, prefix: str = "8123456") -> str:
    return f"{prefix}{n:013d}"


def sscc(n: int) -> str:
    return codelib.with_check_digit(f"06901234{n:09d}")


class Chain:
    def __init__(self, world):
        self.world = world
        self.maker = world.enterprises["ca_maker"]
        self.wholesaler = world.enterprises["xq_wholesaler"]
        self.pharmacy = world.enterprises["xq_pharmacy"]
        self.rp_pharmacy = world.enterprises["rp_pharmacy"]
        self.product = world.products["ca_tablet"]
        self.batch = self.product.batches.get()
        self.now = timezone.now().replace(microsecond=0)

    def at(self, days_ago: float) -> str:
        return (self.now - timedelta(days=days_ago)).isoformat()

    def record(self, code, kind, days_ago, party, **extra):
        return {"code": code, "kind": kind, "time": self.at(days_ago), "party": party.credit_code,
                **{k: v.credit_code if hasattr(v, "credit_code") else v for k, v in extra.items()}}

    def ingest(self, *records, actor=None):
        return services.ingest(enumerate(records), actor=actor)

    def journey(self, code, *, to_pharmacy=True, days=10):
        """Commissioned, shipped to the wholesaler, received, (shipped to and received by the pharmacy)."""
        records = [
            self.record(code, "commissioning", days, self.maker, batch=self.batch.batch_number),
            self.record(code, "shipping", days - 1, self.maker, counterparty=self.wholesaler),
            self.record(code, "receiving", days - 2, self.wholesaler, counterparty=self.maker),
        ]
        if to_pharmacy:
            records += [self.record(code, "shipping", days - 3, self.wholesaler, counterparty=self.pharmacy),
                        self.record(code, "receiving", days - 4, self.pharmacy, counterparty=self.wholesaler)]
        return records


@pytest.fixture
def chain(world):
    return Chain(world)


@pytest.fixture
def vaccine(world):
    product = factories.product(world.enterprises["ca_maker"], kind=ProductKind.VACCINE, name="乙肝疫苗",
                                trace_prefix="8765432")
    factories.batch(product, batch_number="V1")
    return product


@pytest.fixture(autouse=True)
def _recipients_are_licensed(monkeypatch):
    """The hand-built chains hold no licences; the unlicensed-recipient rule has its own tests, which say
    explicitly who is unlicensed (test_reconcile), and licensing's selector is tested in tests/licensing."""
    from traceability import services

    monkeypatch.setattr(services, "unlicensed_recipients", lambda: [])
