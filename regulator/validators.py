"""Identifier checks that give a person the reason a code is wrong, not just that it is."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DRUG_APPROVAL_RE = re.compile(r"^国药准字[HZSJ]\d{8}$")


def validate_credit_code(value: str) -> None:
    """GB 32100-2015 unified social credit code: 18 characters ending in a check character."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="length", params={"n": len(code)},
        )
    bad = sorted({ch for ch in code if ch not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _("Character(s) %(chars)s are not allowed in a credit code (I, O, S, V and Z are never used)."),
            code="alphabet", params={"chars": ", ".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a credit code are the six-digit administrative division code."),
            code="division",
        )
    expected = uscc.calc_check_digit(code)
    if code[17] != expected:
        raise ValidationError(
            _("The check character is wrong: for these first 17 characters it must be %(expected)s, not %(got)s."),
            code="checksum", params={"expected": expected, "got": code[17]},
        )


def validate_drug_approval_number(value: str) -> None:
    """国药准字 + H/Z/S/J + 8 digits (RULES.md, "Drug approval number")."""
    if not DRUG_APPROVAL_RE.match(value or ""):
        raise ValidationError(
            _("A drug approval number is 国药准字 followed by H, Z, S or J and 8 digits, e.g. 国药准字H44020000."),
            code="approval_number",
        )


def with_check_character(first17: str) -> str:
    """Complete 17 characters into a valid credit code (used by demo data and tests)."""
    return first17 + uscc.calc_check_digit(first17)
