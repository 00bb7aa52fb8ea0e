"""Small builders for test data. Credit codes are valid and unique; nothing is random."""

import itertools
from datetime import date

from django.test import Client

from regulator.choices import EnterpriseType, ProductKind, Role, UserKind
from regulator.models import Batch, Enterprise, Product, User
from regulator.validators import with_check_character

PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


def credit_code(division: str, n: int | None = None) -> str:
    n = next(_sequence) if n is None else n
    return with_check_character(f"91{division}MA{n:07d}")


def enterprise(jurisdiction, *, name=None, enterprise_type=EnterpriseType.PHARMACY, **fields) -> Enterprise:
    n = next(_sequence)
    return Enterprise.objects.create(
        jurisdiction=jurisdiction,
        credit_code=fields.pop("credit_code", credit_code(jurisdiction.code, n)),
        name=name or f"测试药房{n}号",
        enterprise_type=enterprise_type,
        address=fields.pop("address", f"{jurisdiction.name_zh}测试路{n}号"),
        **fields,
    )


def product(holder, *, kind=ProductKind.DRUG, **fields) -> Product:
    n = next(_sequence)
    return Product.objects.create(
        enterprise=holder, jurisdiction_id=holder.jurisdiction_id, kind=kind,
        name=fields.pop("name", f"测试片{n}"), approval_number=fields.pop("approval_number", f"国药准字H{n:08d}"),
        **fields,
    )


def batch(product_, *, batch_number=None, expires_on=date(2028, 1, 31)) -> Batch:
    return Batch.objects.create(
        product=product_, jurisdiction_id=product_.jurisdiction_id,
        batch_number=batch_number or f"B{next(_sequence):06d}",
        manufactured_on=date(2025, 2, 1), expires_on=expires_on,
    )


def staff(agency, username, *roles) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, kind=UserKind.STAFF, agency=agency,
        roles=list(roles) or [Role.OFFICER], full_name=username.replace(".", " ").title(),
    )


def enterprise_user(holder, username) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, kind=UserKind.ENTERPRISE,
                                    enterprise=holder, full_name=username)


def logged_in(user, *, language: str = "en") -> Client:
    """A test client logged in as ``user``, asking for pages in ``language``."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client
