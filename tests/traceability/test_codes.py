"""Code parsers: check digits, every accepted form, round trips, and reasons a person understands."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from traceability import codes
from traceability.codes import CodeError


@pytest.fixture(autouse=True)
def _english():
    """The assertions read the reasons in English; in production they follow the request's language."""
    from django.utils import translation

    with translation.override("en"):
        yield

digits = st.text("0123456789", min_size=1, max_size=1)
serials = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789-./", min_size=1, max_size=20)
batches = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=20)
gtin_bodies = st.text("0123456789", min_size=13, max_size=13)
expiries = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


def test_known_check_digits():
    assert codes.gs1_check_digit("0950110153000") == 3  # GTIN-13 9501101530003 (GS1 example)
    assert codes.validate_gtin("9501101530003") == "09501101530003"
    assert codes.gs1_check_digit("400638133393") == 1  # EAN-13 4006381333931
    assert codes.validate_sscc("376104250021234569")  # SSCC example of the GS1 General Specifications


@given(gtin_bodies)
def test_a_computed_check_digit_validates(body):
    assert codes.validate_gtin(codes.with_check_digit(body)) == codes.with_check_digit(body)


@given(gtin_bodies, st.integers(1, 9))
def test_any_other_check_digit_is_rejected_and_says_which(body, delta):
    wrong = body + str((codes.gs1_check_digit(body) + delta) % 10)
    with pytest.raises(CodeError, match="check digit"):
        codes.validate_gtin(wrong)


@given(gtin_bodies, st.integers(0, 12), st.integers(1, 9))
def test_a_single_digit_typo_is_caught(body, position, delta):
    gtin = codes.with_check_digit(body)
    typo = gtin[:position] + str((int(gtin[position]) + delta) % 10) + gtin[position + 1:]
    with pytest.raises(CodeError):
        codes.validate_gtin(typo)


@given(gtin_bodies, serials, batches, expiries)
def test_element_string_round_trip(body, serial, batch, expiry):
    parsed = codes.ParsedCode(codes.SGTIN, "", product_code=codes.with_check_digit(body), serial=serial,
                              batch=batch, expiry=expiry)
    again = codes.parse_element_string(codes.to_element_string(parsed))
    assert (again.product_code, again.serial, again.batch, again.expiry) == (parsed.product_code, serial, batch,
                                                                            expiry)


@given(gtin_bodies, serials, batches, expiries)
def test_fnc1_form_with_group_separators_round_trip(body, serial, batch, expiry):
    gtin = codes.with_check_digit(body)
    raw = f"01{gtin}17{codes.format_expiry(expiry)}10{batch}{codes.GS}21{serial}"
    parsed = codes.parse_code(raw)
    assert (parsed.product_code, parsed.serial, parsed.batch, parsed.expiry) == (gtin, serial, batch, expiry)
    assert parsed.key == f"01{gtin}21{serial}"


@given(gtin_bodies, serials, batches, expiries)
def test_digital_link_round_trip(body, serial, batch, expiry):
    parsed = codes.ParsedCode(codes.SGTIN, "", product_code=codes.with_check_digit(body), serial=serial,
                              batch=batch, expiry=expiry)
    again = codes.parse_code(codes.to_digital_link(parsed))
    assert (again.product_code, again.serial, again.batch, again.expiry) == (parsed.product_code, serial, batch,
                                                                            expiry)


@given(st.text("0123456789", min_size=13, max_size=13), st.integers(6, 12),
       st.text(alphabet="ABCDEFGH0123456789", min_size=1, max_size=20))
def test_sgtin_epc_uri_round_trip(body, prefix_length, serial):
    gtin = codes.with_check_digit(body)
    parsed = codes.parse_code(f"01{gtin}21{serial}")
    uri = codes.to_epc_uri(parsed, prefix_length)
    assert codes.parse_epc_uri(uri).key == parsed.key


@given(st.text("0123456789", min_size=17, max_size=17), st.integers(6, 12))
def test_sscc_round_trip(body, prefix_length):
    sscc = codes.with_check_digit(body)
    parsed = codes.parse_code(f"(00){sscc}")
    assert parsed.kind == codes.SSCC and parsed.is_container
    assert codes.parse_epc_uri(codes.to_epc_uri(parsed, prefix_length)).key == parsed.key
    assert codes.parse_code(sscc).key == parsed.key


def test_nmpa_code_needs_20_digits_and_a_known_prefix():
    assert codes.parse_nmpa("81234560000000000001", {"8123456"}).product_code == "8123456"
    with pytest.raises(CodeError, match="20 digits; this one has 19"):
        codes.parse_nmpa("8123456000000000001")
    with pytest.raises(CodeError, match="“X” is not a digit"):
        codes.parse_nmpa("8123456000000000000X")
    with pytest.raises(CodeError, match="first 7 digits “9999999”"):
        codes.parse_nmpa("99999990000000000001", {"8123456"})


@pytest.mark.parametrize("value, reason", [
    ("", "empty"),
    ("(01)09501101530003", "no serial number"),
    ("(01)09501101530004(21)A1", "check digit"),
    ("(01)0950110153000(21)A1", "14 characters"),
    ("(01)09501101530003(21)A1(17)251341", "not a real date"),
    ("(01)09501101530003(99)X(21)A1", "(99)"),
    ("https://example.cn/gtin/123", "not a GS1 Digital Link"),
    ("urn:epc:id:sgtin:0614141.812345", "no serial"),
    ("12345", "20-digit"),
    ("(01)09501101530003(21)" + "A" * 21, "1 to 20"),
])
def test_bad_codes_name_the_part_and_the_rule(value, reason):
    with pytest.raises(CodeError) as error:
        codes.parse_code(value)
    assert reason in str(error.value)


def test_expiry_day_00_is_the_end_of_the_month():
    assert codes.parse_expiry("270200") == date(2027, 2, 28)


@given(st.sampled_from(["(00)376104250021234569", "(01)09501101530003(21)A1/2", "81234560000000000001",
                        "(01)09501101530003(21)12"]))
def test_a_stored_key_parses_back_to_itself(value):
    key = codes.parse_code(value).key
    assert codes.parse_code(key).key == key
