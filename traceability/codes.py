"""Parsing and validation of pack codes: the NMPA 20-digit drug traceability code and GS1 identifiers.

Every parser returns a ``ParsedCode`` or raises ``CodeError`` whose message says which part is wrong and
which rule it breaks, in words a pharmacist at a counter understands (reference/RULES.md, "Identifiers").

The canonical key of a code (``ParsedCode.key``) is what the database stores: the 20 digits of an NMPA
code, ``01<gtin14>21<serial>`` for a GS1 serialised item, ``00<sscc18>`` for a logistic unit.
"""

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, quote, unquote, urlsplit

from django.utils.translation import gettext as _

GS = "\x1d"  # FNC1 as transmitted by scanners: ASCII group separator

NMPA = "nmpa"
SGTIN = "sgtin"
SSCC = "sscc"

_GS1_CHARSET = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$")  # GS1 AI encodable character set 82
_DIGITS = re.compile(r"^\d+$")

# Fixed-length AIs used here and their lengths; variable-length ones end at GS or the end of the string.
_FIXED = {"00": 18, "01": 14, "17": 6, "11": 6}
_VARIABLE = {"10": 20, "21": 20}


class CodeError(ValueError):
    """A code that cannot be accepted; ``str(error)`` is the reason for a person."""


@dataclass(frozen=True)
class ParsedCode:
    kind: str  # NMPA, SGTIN or SSCC
    key: str
    product_code: str = ""  # the NMPA 7-digit prefix or the GTIN-14
    serial: str = ""
    batch: str = ""
    expiry: date | None = None

    @property
    def is_container(self) -> bool:
        return self.kind == SSCC


def gs1_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of ``body`` (all digits but the check): weights 3,1,3,1… from the right."""
    total = sum(int(ch) * (3 if i % 2 == 0 else 1) for i, ch in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def with_check_digit(body: str) -> str:
    return body + str(gs1_check_digit(body))


def _check_gs1_number(value: str, length: int, name: str) -> str:
    if not _DIGITS.match(value or ""):
        raise CodeError(_("The %(name)s must contain digits only; got “%(value)s”.") % {"name": name, "value": value})
    if len(value) != length:
        raise CodeError(_("The %(name)s must have %(length)d digits; “%(value)s” has %(n)d.")
                        % {"name": name, "length": length, "value": value, "n": len(value)})
    expected = gs1_check_digit(value[:-1])
    if int(value[-1]) != expected:
        raise CodeError(_("The check digit of the %(name)s “%(value)s” is wrong: "
                          "the last digit should be %(expected)d.")
                        % {"name": name, "value": value, "expected": expected})
    return value


def validate_gtin(value: str) -> str:
    """A GTIN-8/12/13/14, returned as GTIN-14 (left-padded with zeros) after checking its check digit."""
    value = (value or "").strip()
    if _DIGITS.match(value) and len(value) in (8, 12, 13):
        value = value.zfill(14)
    return _check_gs1_number(value, 14, _("GTIN"))


def validate_sscc(value: str) -> str:
    return _check_gs1_number((value or "").strip(), 18, _("SSCC"))


def validate_serial(value: str) -> str:
    if not _GS1_CHARSET.match(value or ""):
        raise CodeError(_("The serial number “%(value)s” must be 1 to 20 letters, digits or GS1 punctuation.")
                        % {"value": value})
    return value


def validate_batch(value: str) -> str:
    if not _GS1_CHARSET.match(value or ""):
        raise CodeError(_("The batch number “%(value)s” must be 1 to 20 letters, digits or GS1 punctuation.")
                        % {"value": value})
    return value


def parse_expiry(value: str) -> date:
    """GS1 AI (17) YYMMDD; a day of 00 means the last day of the month (GS1 General Specifications)."""
    if not re.match(r"^\d{6}$", value or ""):
        raise CodeError(_("The expiry date must be six digits YYMMDD; got “%(value)s”.") % {"value": value})
    year, month, day = 2000 + int(value[:2]), int(value[2:4]), int(value[4:])
    if day == 0:
        import calendar

        if not 1 <= month <= 12:
            raise CodeError(_("The expiry date “%(value)s” has no month %(month)02d.")
                            % {"value": value, "month": month})
        day = calendar.monthrange(year, month)[1]
    try:
        return date(year, month, day)
    except ValueError:
        raise CodeError(_("The expiry date “%(value)s” is not a real date.") % {"value": value}) from None


def format_expiry(value: date) -> str:
    return value.strftime("%y%m%d")


def parse_nmpa(value: str, known_prefixes=None) -> ParsedCode:
    """The 20-digit NMPA code: 7-digit product identification code + 13 production digits.

    The check digits of the legacy supervision code are not public, so only the format and, when
    ``known_prefixes`` is given, the product prefix are checked.
    """
    value = (value or "").strip()
    if not _DIGITS.match(value):
        bad = next((ch for ch in value if not ch.isdigit()), "")
        raise CodeError(_("A drug traceability code has digits only; “%(ch)s” is not a digit.") % {"ch": bad})
    if len(value) != 20:
        raise CodeError(_("A drug traceability code has 20 digits; this one has %(n)d.") % {"n": len(value)})
    prefix = value[:7]
    if known_prefixes is not None and prefix not in known_prefixes:
        raise CodeError(_("The first 7 digits “%(prefix)s” are not the product code of any registered product.")
                        % {"prefix": prefix})
    return ParsedCode(NMPA, value, product_code=prefix, serial=value[7:])


def _sgtin(gtin: str, serial: str, batch: str = "", expiry: date | None = None) -> ParsedCode:
    gtin = validate_gtin(gtin)
    serial = validate_serial(serial)
    if batch:
        validate_batch(batch)
    return ParsedCode(SGTIN, f"01{gtin}21{serial}", product_code=gtin, serial=serial, batch=batch, expiry=expiry)


def parse_element_string(value: str) -> ParsedCode:
    """A GS1 element string, human-readable ``(01)…(21)…`` or raw with FNC1/GS separators."""
    value = (value or "").strip()
    if value.startswith("]d2") or value.startswith("]C1") or value.startswith("]Q3"):
        value = value[3:]  # symbology identifier
    fields: dict[str, str] = {}
    if value.startswith("("):
        parts = re.findall(r"\((\d{2,4})\)([^(]*)", value)
        if "".join(f"({ai}){data}" for ai, data in parts) != value:
            raise CodeError(_("The element string is not a sequence of (AI)value parts."))
        for ai, data in parts:
            _store_ai(fields, ai, data)
    else:
        rest = value.lstrip(GS)
        while rest:
            ai = rest[:2]
            if ai in _FIXED:
                data, rest = rest[2:2 + _FIXED[ai]], rest[2 + _FIXED[ai]:]
                rest = rest.lstrip(GS)
            elif ai in _VARIABLE:
                end = rest.find(GS)
                data, rest = (rest[2:], "") if end < 0 else (rest[2:end], rest[end + 1:])
            else:
                raise CodeError(_("Application identifier (%(ai)s) is not one this platform reads "
                                  "(00, 01, 10, 11, 17, 21).") % {"ai": ai})
            _store_ai(fields, ai, data)
    return _from_ais(fields)


def _store_ai(fields: dict, ai: str, data: str) -> None:
    if ai not in _FIXED and ai not in _VARIABLE:
        raise CodeError(_("Application identifier (%(ai)s) is not one this platform reads (00, 01, 10, 11, 17, 21).")
                        % {"ai": ai})
    if ai in _FIXED and len(data) != _FIXED[ai]:
        raise CodeError(_("(%(ai)s) must be followed by %(n)d characters; got “%(data)s”.")
                        % {"ai": ai, "n": _FIXED[ai], "data": data})
    if ai in fields:
        raise CodeError(_("(%(ai)s) appears twice.") % {"ai": ai})
    fields[ai] = data


def _from_ais(fields: dict) -> ParsedCode:
    if "00" in fields:
        if "01" in fields:
            raise CodeError(_("A code is either a logistic unit (00) or a trade item (01), not both."))
        return ParsedCode(SSCC, "00" + validate_sscc(fields["00"]))
    if "01" not in fields:
        raise CodeError(_("The code has no GTIN (01) and no SSCC (00)."))
    if "21" not in fields:
        raise CodeError(_("The code has a GTIN but no serial number (21): a pack cannot be traced without it."))
    expiry = parse_expiry(fields["17"]) if "17" in fields else None
    return _sgtin(fields["01"], fields["21"], fields.get("10", ""), expiry)


def parse_digital_link(value: str) -> ParsedCode:
    """``https://host/…/01/{gtin}/21/{serial}?10={batch}&17={expiry}`` (or ``/00/{sscc}``)."""
    parts = urlsplit((value or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CodeError(_("A GS1 Digital Link is a web address starting with https://."))
    segments = [unquote(s) for s in parts.path.split("/") if s]
    fields: dict[str, str] = {}
    for i, segment in enumerate(segments):
        if segment in ("01", "00") and i + 1 < len(segments):
            rest = segments[i:]
            for ai, data in zip(rest[::2], rest[1::2], strict=False):
                _store_ai(fields, ai, data)
            break
    else:
        raise CodeError(_("The web address has no /01/{GTIN} or /00/{SSCC} part: it is not a GS1 Digital Link."))
    for ai, values in parse_qs(parts.query).items():
        if ai in ("10", "17", "11"):
            _store_ai(fields, ai, values[0])
    return _from_ais(fields)


def parse_epc_uri(value: str) -> ParsedCode:
    """``urn:epc:id:sgtin:CompanyPrefix.IndicatorItemRef.Serial`` or ``urn:epc:id:sscc:CompanyPrefix.SerialRef``."""
    value = (value or "").strip()
    match = re.match(r"^urn:epc:id:(sgtin|sscc):(\d+)\.(\d+)(?:\.(.+))?$", value)
    if not match:
        raise CodeError(_("“%(value)s” is not an SGTIN or SSCC EPC URI (urn:epc:id:sgtin:…).") % {"value": value})
    scheme, company, reference, serial = match.groups()
    if scheme == "sgtin":
        if serial is None:
            raise CodeError(_("The SGTIN EPC URI has no serial number after the second dot."))
        if len(company) + len(reference) != 13:
            raise CodeError(_("Company prefix and indicator + item reference must have 13 digits together; "
                              "they have %(n)d.") % {"n": len(company) + len(reference)})
        body = reference[0] + company + reference[1:]
        return _sgtin(with_check_digit(body), unquote(serial))
    if serial is not None or len(company) + len(reference) != 17:
        raise CodeError(_("An SSCC EPC URI has a company prefix and a serial reference of 17 digits together."))
    body = reference[0] + company + reference[1:]
    return ParsedCode(SSCC, "00" + with_check_digit(body))


def to_epc_uri(code: ParsedCode, company_prefix_length: int = 7) -> str:
    """The EPC URI of an SGTIN or SSCC, for a given GS1 company prefix length."""
    n = company_prefix_length
    if code.kind == SGTIN:
        gtin = code.product_code
        return f"urn:epc:id:sgtin:{gtin[1:1 + n]}.{gtin[0]}{gtin[1 + n:13]}.{code.serial}"
    if code.kind == SSCC:
        sscc = code.key[2:]
        return f"urn:epc:id:sscc:{sscc[1:1 + n]}.{sscc[0]}{sscc[1 + n:17]}"
    raise CodeError(_("An NMPA code has no EPC URI."))


def to_element_string(code: ParsedCode) -> str:
    if code.kind == SSCC:
        return f"({code.key[:2]}){code.key[2:]}"
    if code.kind != SGTIN:
        return code.key
    out = f"(01){code.product_code}(21){code.serial}"
    if code.batch:
        out += f"(10){code.batch}"
    if code.expiry:
        out += f"(17){format_expiry(code.expiry)}"
    return out


def to_digital_link(code: ParsedCode, host: str = "https://id.example.cn") -> str:
    if code.kind == SSCC:
        return f"{host}/00/{code.key[2:]}"
    query = "&".join(p for p in (f"10={quote(code.batch, safe='')}" if code.batch else "",
                                 f"17={format_expiry(code.expiry)}" if code.expiry else "") if p)
    return f"{host}/01/{code.product_code}/21/{quote(code.serial, safe='')}" + (f"?{query}" if query else "")


def parse_code(value: str, known_prefixes=None) -> ParsedCode:
    """Any accepted form, recognised by its shape."""
    value = (value or "").strip()
    if not value:
        raise CodeError(_("The code is empty."))
    if value.startswith(("http://", "https://")):
        return parse_digital_link(value)
    if value.startswith("urn:epc:"):
        return parse_epc_uri(value)
    if value.startswith(("(", "]", GS)) or GS in value:
        return parse_element_string(value)
    if _DIGITS.match(value):
        if value.startswith("01") and len(value) >= 19 and value[16:18] == "21":
            return parse_element_string(value)  # (01)GTIN(21)serial without parentheses
        if value.startswith("00") and len(value) == 20:
            return parse_element_string(value)  # (00)SSCC without parentheses, the canonical key of a case
        if len(value) == 20:
            return parse_nmpa(value, known_prefixes)
        if len(value) == 18:
            return ParsedCode(SSCC, "00" + validate_sscc(value))
        if len(value) > 20 and value[:2] in ("01", "00"):
            return parse_element_string(value)
        raise CodeError(_("A numeric code must be a 20-digit drug traceability code or an 18-digit SSCC; "
                          "this one has %(n)d digits.") % {"n": len(value)})
    if value[:2] == "01" and len(value) > 16:
        return parse_element_string(value)
    raise CodeError(_("“%(value)s” is not a drug traceability code, GS1 element string, Digital Link or EPC URI.")
                    % {"value": value[:40]})
