"""Phone number validation, normalisation and billing facts (reference §3.13, §4, §5, §6.2, §8.2, §8.3).

Expected messages are copied from the reference, not from the implementation.
"""

from __future__ import annotations

import pytest

from pytest_notify.domain.phone import (
    LEGACY_V2_MESSAGES,
    PhoneNumber,
    PhoneNumberError,
    check_phone_permissions,
    international_billing_rates,
    normalise_phone_number,
    parse_phone_number,
)

NOT_ENOUGH_DIGITS = "Not enough digits"
TOO_MANY_DIGITS = "Too many digits"
LETTERS_OR_SYMBOLS = "Must not contain letters or symbols"
NOT_VALID = "Number is not valid \u2013 double check the phone number you entered"
NOT_A_UK_MOBILE = "Not a UK mobile number"
NOT_A_COUNTRY_PREFIX = "Not a valid country prefix"


def _error(number: str) -> PhoneNumberError:
    with pytest.raises(PhoneNumberError) as info:
        parse_phone_number(number)
    return info.value


# §3.13 run-verified schema examples (the schema adds the "phone_number " prefix; the domain
# layer returns the bare legacy v2 text).
@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", NOT_ENOUGH_DIGITS),
        ("+44", NOT_ENOUGH_DIGITS),
        ("999", NOT_ENOUGH_DIGITS),
        ("+99912345678", TOO_MANY_DIGITS),
        ("07515111*11", LETTERS_OR_SYMBOLS),
        ("notaphoneumber", LETTERS_OR_SYMBOLS),
        ("08515111111", NOT_VALID),
        ("0800 123 4567", NOT_VALID),
        ("09061234567", NOT_VALID),
    ],
)
def test_schema_examples_give_the_legacy_v2_message(number: str, message: str) -> None:
    assert _error(number).message == message
    assert str(_error(number)) == message


def test_invalid_number_message_uses_an_en_dash() -> None:
    assert "\u2013" in _error("09061234567").message
    assert "-" not in _error("09061234567").message


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("TOO_LONG", TOO_MANY_DIGITS),
        ("TOO_SHORT", NOT_ENOUGH_DIGITS),
        ("NOT_A_UK_MOBILE", NOT_A_UK_MOBILE),
        ("UNKNOWN_CHARACTER", LETTERS_OR_SYMBOLS),
        ("UNSUPPORTED_COUNTRY_CODE", NOT_A_COUNTRY_PREFIX),
        ("INVALID_NUMBER", NOT_VALID),
    ],
)
def test_every_code_has_its_legacy_v2_message(code: str, message: str) -> None:
    assert LEGACY_V2_MESSAGES[code] == message
    error = PhoneNumberError.from_code(code)
    assert (error.code, error.message, str(error)) == (code, message, message)
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("", "TOO_SHORT"),
        ("+44", "TOO_SHORT"),
        ("+99912345678", "TOO_LONG"),
        ("07515111*11", "UNKNOWN_CHARACTER"),
        ("08515111111", "INVALID_NUMBER"),
        ("24741111", "UNSUPPORTED_COUNTRY_CODE"),
    ],
)
def test_errors_carry_notifys_code(number: str, code: str) -> None:
    assert _error(number).code == code


# §8.3 allowed characters: digits, whitespace (including obscure whitespace), ( ) - +.
@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700-900-123",
        "(07700) 900123",
        "+44 (0)7700 900123",
        "\t07700 900123\n",
        "\u200b07700 900123\ufeff",
        "07700\u00a0900123",
    ],
)
def test_allowed_characters(number: str) -> None:
    assert parse_phone_number(number).normalised == "447700900123"


@pytest.mark.parametrize("number", ["07700 900123.", "07700x900123", "+44 07ab cde fgh", "07700/900123"])
def test_other_characters_are_letters_or_symbols(number: str) -> None:
    assert _error(number).message == LETTERS_OR_SYMBOLS


# §8.3: retried after stripping "+" and leading zeros and ASCII-sanitising.
@pytest.mark.parametrize(
    ("number", "normalised"),
    [
        ("0+447700900100", "447700900100"),
        ("+07700900100", "447700900100"),
        ("0+44(0)7700900100", "447700900100"),
        ("000007700900100", "447700900100"),
        ("1\u2011202\u2013555\u2014010\u22124", "12025550104"),  # non-breaking hyphen, dashes, minus
    ],
)
def test_thorough_normalisation_retry(number: str, normalised: str) -> None:
    assert parse_phone_number(number).normalised == normalised


# §8.3: a number that is not "possible" as a UK number is tried as "+{number}".
@pytest.mark.parametrize(
    ("number", "normalised", "prefix"),
    [
        ("33612345678", "33612345678", "33"),
        ("12025550104", "12025550104", "1"),
        ("8613812345678", "8613812345678", "86"),
    ],
)
def test_forced_international_retry(number: str, normalised: str, prefix: str) -> None:
    phone = parse_phone_number(number)
    assert (phone.normalised, phone.prefix, phone.international) == (normalised, prefix, True)


# §8.3 number types: fixed line, mobile, UAN, personal allowed; premium and the rest refused.
@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",  # mobile (drama range)
        "07123 456789",  # mobile
        "0117 496 0860",  # fixed line
        "020 7946 0991",  # fixed line
        "0300 123 4567",  # UAN
        "07044 123456",  # personal number
    ],
)
def test_allowed_number_types(number: str) -> None:
    parse_phone_number(number)


@pytest.mark.parametrize(
    "number",
    [
        "09061234567",  # premium rate
        "0900 123 4567",  # premium rate
        "0800 123 4567",  # toll free
        "08515111111",  # unassigned
        "0400 123 4567",  # not in use
    ],
)
def test_refused_number_types(number: str) -> None:
    assert _error(number).message == NOT_VALID


# §8.3: numbers whose national number starts 7700 are accepted even when libphonenumber calls
# them invalid; the "[900000-900999]" class means any digit may follow.
@pytest.mark.parametrize(
    ("number", "normalised"),
    [
        ("07700 900123", "447700900123"),
        ("+447700900000", "447700900000"),
        ("07700 900999", "447700900999"),
        ("07700 999999", "447700999999"),
    ],
)
def test_ofcom_drama_numbers_are_accepted(number: str, normalised: str) -> None:
    phone = parse_phone_number(number)
    assert phone.normalised == normalised
    assert (phone.international, phone.crown_dependency, phone.uk, phone.uk_landline) == (
        False,
        False,
        True,
        False,
    )


def test_country_must_be_in_the_billing_rates_list() -> None:
    # +247 (Ascension Island) parses, but Notify has no rate for it.
    assert _error("24741111").message == NOT_A_COUNTRY_PREFIX


# §4 normalised matching, §5.2 smoke-test numbers, §8.3 normalised form.
@pytest.mark.parametrize(
    ("number", "normalised"),
    [
        ("07700 900123", "447700900123"),
        ("+44 7700 900123", "447700900123"),
        ("07700900123", "447700900123"),
        ("+447700900000", "447700900000"),
        ("07700 900 000", "447700900000"),
        ("+447700900111", "447700900111"),
        ("+447700900222", "447700900222"),
        ("+4407900 900 123", "447900900123"),
        ("1-202-555-0104", "12025550104"),
        ("0012025550104", "12025550104"),
    ],
)
def test_normalise_phone_number(number: str, normalised: str) -> None:
    assert normalise_phone_number(number) == normalised


@pytest.mark.parametrize("number", ["", "+44", "notaphoneumber", "07515111*11", "jo@example.com", "   "])
def test_normalise_phone_number_is_none_when_unparseable(number: str) -> None:
    assert normalise_phone_number(number) is None


def test_normalising_only_parses() -> None:
    # Allow-list matching uses the parsed form; the billing-country check is not part of it.
    assert normalise_phone_number("24741111") == "24741111"


def test_team_member_and_recipient_spellings_match() -> None:
    assert normalise_phone_number("+44 7700 900123") == normalise_phone_number("07700900123")


def test_magic_numbers_with_spaces_normalise_although_endswith_fails() -> None:
    # §5.1: test-key outcomes use endswith on the raw string, so "07700 900 003" is *delivered*
    # even though it is the same number as 07700900003.
    raw = "07700 900 003"
    assert parse_phone_number(raw).normalised == "447700900003"
    assert not raw.strip().endswith("7700900003")


# §8.2 and §6.2: international flag, prefix, multiplier and delivery receipts.
@pytest.mark.parametrize(
    ("number", "international", "crown", "prefix", "multiplier", "receipts"),
    [
        ("07700 900123", False, False, "44", 1.0, True),  # UK
        ("07123 456789", False, False, "44", 1.0, True),  # UK
        ("+441534 123456", True, True, "44", 2.0, True),  # Jersey landline
        ("07781 123456", True, True, "44", 2.0, True),  # crown dependency mobile range
        ("+447797292290", True, True, "44", 2.0, True),  # Jersey mobile
        ("+447624123456", True, True, "44", 2.0, True),  # Isle of Man mobile
        ("+441481 256789", True, True, "44", 2.0, True),  # Guernsey landline
        ("+33 6 12 34 56 78", True, False, "33", 2.0, True),  # France
        ("+1 202 555 0104", True, False, "1", 1.0, False),  # USA: dlr "Carrier DLR"
        ("+86 138 1234 5678", True, False, "86", 1.0, False),  # China
        ("+1 664 491 3789", True, False, "1664", 6.0, True),  # Montserrat: +1 billed by area code
    ],
)
def test_international_billing_facts(
    number: str, international: bool, crown: bool, prefix: str, multiplier: float, receipts: bool
) -> None:
    phone = parse_phone_number(number)
    assert phone.international is international
    assert phone.crown_dependency is crown
    assert phone.prefix == prefix
    assert phone.rate_multiplier == multiplier
    assert phone.delivery_receipts is receipts


@pytest.mark.parametrize(
    ("number", "uk", "landline"),
    [
        ("07700 900123", True, False),
        ("0117 496 0860", True, True),
        ("+44 117 496 0860", True, True),
        ("0300 123 4567", True, True),  # UAN counts as a landline
        ("07044 123456", True, False),  # personal number is not a landline
        ("+441534 123456", True, True),  # crown-dependency landline
        ("+447797292290", True, False),
        ("+33 1 22 33 44 55", False, False),  # French landline is international, not a UK landline
    ],
)
def test_uk_and_landline_flags(number: str, uk: bool, landline: bool) -> None:
    phone = parse_phone_number(number)
    assert (phone.uk, phone.uk_landline) == (uk, landline)


# §8.2 / §8.3 permissions: NOT_A_UK_MOBILE ("Not a UK mobile number") when refused.
@pytest.mark.parametrize(
    ("number", "allow_international", "allow_uk_landline", "refused"),
    [
        ("07700 900123", False, False, False),
        ("+33612345678", False, False, True),
        ("+33612345678", False, True, True),
        ("+33612345678", True, False, False),
        ("+12025550104", False, False, True),
        ("0117 496 0860", False, False, True),
        ("0117 496 0860", True, False, True),
        ("0117 496 0860", False, True, False),
        ("0300 123 4567", False, False, True),
        ("+447797292290", False, False, False),  # crown-dependency mobile: country code 44
        ("+441534 123456", False, False, True),  # crown-dependency landline
        ("+441534 123456", False, True, False),
        ("+33 1 22 33 44 55", True, False, False),  # landline permission is only about +44
    ],
)
def test_check_phone_permissions(
    number: str, allow_international: bool, allow_uk_landline: bool, refused: bool
) -> None:
    phone = parse_phone_number(number)
    if refused:
        with pytest.raises(PhoneNumberError) as info:
            check_phone_permissions(phone, allow_international=allow_international, allow_uk_landline=allow_uk_landline)
        assert (info.value.code, info.value.message) == ("NOT_A_UK_MOBILE", NOT_A_UK_MOBILE)
    else:
        check_phone_permissions(phone, allow_international=allow_international, allow_uk_landline=allow_uk_landline)


@pytest.mark.parametrize(
    ("number", "cannot_send_to_international"),
    [
        ("+33612345678", True),  # caller says "Cannot send to international mobile numbers"
        ("0117 496 0860", False),  # caller says "Not a UK mobile number"
        ("+441534 123456", False),  # crown dependency: "Not a UK mobile number"
    ],
)
def test_caller_can_tell_which_message_to_use(number: str, cannot_send_to_international: bool) -> None:
    phone = parse_phone_number(number)
    with pytest.raises(PhoneNumberError):
        check_phone_permissions(phone, allow_international=False, allow_uk_landline=False)
    assert (phone.international and not phone.crown_dependency) is cannot_send_to_international


def test_phone_number_is_frozen() -> None:
    phone = parse_phone_number("07700 900123")
    assert isinstance(phone, PhoneNumber)
    with pytest.raises(AttributeError):
        phone.normalised = "0"  # type: ignore[misc]


def test_billing_rates_table() -> None:
    rates = international_billing_rates()
    assert rates is international_billing_rates()  # loaded once
    assert all(prefix.isdigit() for prefix in rates)
    assert all(rate.rate_multiplier >= 1 for rate in rates.values())
    assert all(rate.names for rate in rates.values())
    assert rates["1"].dlr == "Carrier DLR"
    assert not rates["1"].delivery_receipts
    assert rates["33"].delivery_receipts
    assert rates["44"].names == ("Guernsey", "Isle of Man", "Jersey")
    assert (rates["33"].rate_multiplier, rates["1"].rate_multiplier, rates["86"].rate_multiplier) == (2, 1, 1)
    assert rates["44"].rate_multiplier == 2
