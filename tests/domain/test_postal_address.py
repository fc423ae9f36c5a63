"""Letter addresses: line handling, postcodes, countries, BFPO and the error order (reference §3.3, §8.5).

Messages are copied from the reference. Cases marked "upstream" take their expected values from
alphagov/notifications-utils (``recipient_validation/postal_address.py`` and its tests, and
``tests/test_countries.py``) where the reference does not spell them out.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_notify.domain.postal_address import (
    AddressError,
    PostalAddress,
    address_from_personalisation,
    find_country,
    normalise_postcode,
    validate_address,
)

TOO_FEW_LINES = "Address must be at least 3 lines"
TOO_MANY_LINES = "Address must be no more than 7 lines"
FIRST_TWO_LINES = "The first 2 lines of the address must both include at least one alphanumeric character"
BFPO_WITH_COUNTRY = "The last line of a BFPO address must not be a country."
POSTCODE_OR_COUNTRY = "Last line of address must be a real UK postcode or another country"
UK_POSTCODE = "Must be a real UK postcode"
BAD_FIRST_CHARACTER = "Address lines must not start with any of the following characters: @ ( ) = [ ] \u201d \\ / , < >"
NOT_REAL = "Must be a real address"


def _address(*lines: Any, **extra: Any) -> dict[str, Any]:
    """Personalisation with ``lines`` in ``address_line_1`` onwards."""
    return {f"address_line_{number}": line for number, line in enumerate(lines, start=1)} | extra


def _error(personalisation: dict[str, Any], *, allow_international: bool = False) -> str:
    with pytest.raises(AddressError) as info:
        validate_address(personalisation, allow_international=allow_international)
    assert str(info.value) == info.value.message
    return info.value.message


def test_messages_are_the_exact_texts() -> None:
    # The one message with unusual characters: U+201D and a single backslash.
    assert "\u201d \\ /" in BAD_FIRST_CHARACTER
    assert BAD_FIRST_CHARACTER.count("\\") == 1
    assert issubclass(AddressError, ValueError)


# ---------------------------------------------------------------------------------------------
# Reading the lines
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("personalisation", "lines"),
    [
        (_address("1 Street", "Town", postcode="SW1A 1AA"), ["1 Street", "Town", "SW1A 1AA"]),
        # Gaps are dropped.
        ({"address_line_1": "A", "address_line_4": "B", "postcode": "C"}, ["A", "B", "C"]),
        # address_line_7 present: postcode is ignored (§3.3).
        (_address("A", "B", address_line_7="C", postcode="ignored"), ["A", "B", "C"]),
        # Trailing " ," trimmed, whitespace collapsed, space before punctuation removed (upstream).
        (
            _address("123 Example St. \t  ,  ", " , , ", "City   of Town, Region,"),
            ["123 Example St.", "City of Town, Region"],
        ),
        (_address("123 Example    St  .", "A\u00a0B\u200bC"), ["123 Example St.", "A BC"]),
        # Values are str()-ed; falsy values count as empty (upstream ``or ""``).
        (_address(123, "Example Street", 0, None, "City"), ["123", "Example Street", "City"]),
        # A value with line breaks gives several lines.
        (_address("a\nb\r\nc"), ["a", "b", "c"]),
        # Keys are exact snake_case: other spellings are not read (§3.3).
        ({"Address_Line_1": "A", "address line 2": "B", "ADDRESS_LINE_3": "C", "Postcode": "D"}, []),
    ],
)
def test_address_from_personalisation(personalisation: dict[str, Any], lines: list[str]) -> None:
    assert address_from_personalisation(personalisation) == lines


# ---------------------------------------------------------------------------------------------
# Every message, and the order they come in
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("personalisation", "allow_international", "message"),
    [
        ({}, False, TOO_FEW_LINES),
        (_address("A", postcode="SW1A 1AA"), False, TOO_FEW_LINES),
        # §8.5 run-verified: wrong-case keys are not read.
        ({"Address_Line_1": "A", "address line 2": "B", "postcode": "SW1A 1AA"}, False, TOO_FEW_LINES),
        (_address("a\nb\nc\nd\ne\nf\ng", postcode="SW1A 1AA"), False, TOO_MANY_LINES),
        (_address("...", "Street", postcode="SW1A 1AA"), False, FIRST_TWO_LINES),
        (_address("Person", "- -", postcode="SW1A 1AA"), False, FIRST_TWO_LINES),
        (_address("Test User", "Abroad", "BFPO 1234", "USA"), True, BFPO_WITH_COUNTRY),
        (_address("Test User", "Abroad", "BFPO 1234", "USA"), False, BFPO_WITH_COUNTRY),
        # §8.5 run-verified: ZZ is not a postcode area.
        (_address("A", "B", postcode="ZZ1 1ZZ"), False, UK_POSTCODE),
        (_address("A", "B", postcode="ZZ1 1ZZ"), True, POSTCODE_OR_COUNTRY),
        # §8.5 run-verified: a country without the permission is not a UK postcode.
        (_address("A", "B", "France"), False, UK_POSTCODE),
        (_address("A", "B", "Narnia"), True, POSTCODE_OR_COUNTRY),
        (_address("A", "(B)", postcode="SW1A 1AA"), False, BAD_FIRST_CHARACTER),
        (_address("A", "B", "\\C", postcode="SW1A 1AA"), False, BAD_FIRST_CHARACTER),
        (_address("A", "B", "=C", postcode="SW1A 1AA"), False, BAD_FIRST_CHARACTER),
        # The check uses the ASCII quote and "~", though the message shows U+201D and omits "~" (upstream).
        (_address("A", "B", '"C"', postcode="SW1A 1AA"), False, BAD_FIRST_CHARACTER),
        (_address("A", "B", "~C", postcode="SW1A 1AA"), False, BAD_FIRST_CHARACTER),
        (_address("A Person", "NFA", postcode="SW1A 1AA"), False, NOT_REAL),
        (_address("A Person", "nfa,", postcode="SW1A 1AA"), False, NOT_REAL),
        (_address("User with no Fixed Address", "London", postcode="SW1A 1AA"), False, NOT_REAL),
        (_address("A Person", "NO FIXED ABODE", postcode="SW1A 1AA"), False, NOT_REAL),
        (_address("nfa", "Berlin", "Deutschland"), True, NOT_REAL),
        # Order: too few lines beats everything else.
        (_address("@", postcode="ZZ1 1ZZ"), False, TOO_FEW_LINES),
        # Order: the first-two-lines rule beats the postcode.
        (_address("!!", "B", postcode="ZZ1 1ZZ"), False, FIRST_TWO_LINES),
        # Order: the postcode beats bad first characters and NFA.
        (_address("A", "@B", "NFA", postcode="ZZ1 1ZZ"), False, UK_POSTCODE),
        # Order: bad first characters beat NFA.
        (_address("A", "<NFA", "NFA", postcode="SW1A 1AA"), False, BAD_FIRST_CHARACTER),
    ],
)
def test_errors(personalisation: dict[str, Any], allow_international: bool, message: str) -> None:
    assert _error(personalisation, allow_international=allow_international) == message


def test_nfa_must_be_a_whole_line() -> None:
    # Upstream test: "NFA" inside a longer line is allowed.
    address = validate_address(_address("A", "NFA NFA2024", postcode="SW1A 1AA"), allow_international=False)
    assert address.lines[1] == "NFA NFA2024"


def test_characters_are_only_refused_at_the_start_of_a_line() -> None:
    address = validate_address(
        _address("1[23 Example Street)", "C@ity of Town", postcode="SW1A 1AA"), allow_international=False
    )
    assert address.lines == ("1[23 Example Street)", "C@ity of Town", "SW1A 1AA")


# ---------------------------------------------------------------------------------------------
# Valid addresses
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("personalisation", "allow_international", "expected"),
    [
        # §8.5 run-verified normalisation of the postcode.
        (
            _address("1 Street", "Town", postcode="sw1a1aa"),
            False,
            PostalAddress(("1 Street", "Town", "SW1A 1AA"), "SW1A 1AA", None, False, None, False),
        ),
        (
            _address("1 Street", "Town", postcode=" S W1 A 1 AA "),
            False,
            PostalAddress(("1 Street", "Town", "SW1A 1AA"), "SW1A 1AA", None, False, None, False),
        ),
        # §8.5: trailing "United Kingdom"-style lines are dropped.
        (
            _address("1 Street", "Town", "SW1A 1AA", "United Kingdom"),
            False,
            PostalAddress(("1 Street", "Town", "SW1A 1AA"), "SW1A 1AA", None, False, None, False),
        ),
        (
            _address("1 Street", "Town", "EH1 1AA", "Scotland", "UK"),
            False,
            PostalAddress(("1 Street", "Town", "EH1 1AA"), "EH1 1AA", None, False, None, False),
        ),
        # Crown dependencies count as the UK (upstream): not international, postcode required.
        (
            _address("1 Rue", "St Helier", "JE2 3AB", "Jersey"),
            False,
            PostalAddress(("1 Rue", "St Helier", "JE2 3AB"), "JE2 3AB", None, False, None, False),
        ),
        # §8.5 run-verified: France with the permission is Europe.
        (
            _address("1 Rue", "Paris", "France"),
            True,
            PostalAddress(("1 Rue", "Paris", "France"), None, "France", True, "europe", False),
        ),
        # Country names are matched loosely and printed canonically (upstream).
        (
            _address("123 Example Stra\u00dfe", "Berlin", "DEUTSCHLAND"),
            True,
            PostalAddress(("123 Example Stra\u00dfe", "Berlin", "Germany"), None, "Germany", True, "europe", False),
        ),
        (
            _address("Prince Harry", "Toronto", address_line_5="CANADA"),
            True,
            PostalAddress(("Prince Harry", "Toronto", "Canada"), None, "Canada", True, "rest-of-world", False),
        ),
        (
            _address("1 Rue", "Abidjan", "C\u00f4te d'Ivoire"),
            True,
            PostalAddress(("1 Rue", "Abidjan", "Ivory Coast"), None, "Ivory Coast", True, "rest-of-world", False),
        ),
        # A postcode above a foreign country is just another line.
        (
            _address("1 Street", "SW1A 1AA", "Spain"),
            True,
            PostalAddress(("1 Street", "SW1A 1AA", "Spain"), None, "Spain", True, "europe", False),
        ),
        # BFPO: the number line is moved to the end and tidied; the postcode stays (upstream).
        (
            _address("Mx One", "BFPO", "bfpo  123", postcode="bf1 1aa"),
            False,
            PostalAddress(("Mx One", "BF1 1AA", "BFPO 123"), "BF1 1AA", None, False, None, True),
        ),
        (
            _address("Mx One", "Unit 1", "BFPO 123"),
            False,
            PostalAddress(("Mx One", "Unit 1", "BFPO 123"), None, None, False, None, True),
        ),
        (
            _address("Mx One", "Unit 1", "BFPO c/o 123", "United Kingdom"),
            False,
            PostalAddress(("Mx One", "Unit 1", "BFPO 123"), None, None, False, None, True),
        ),
    ],
)
def test_valid_addresses(personalisation: dict[str, Any], allow_international: bool, expected: PostalAddress) -> None:
    assert validate_address(personalisation, allow_international=allow_international) == expected


def test_uk_lines_are_counted_from_the_end_not_just_at_the_end() -> None:
    # Upstream quirk (notifications-utils ``trailing_uk_countries``): walking back from the last
    # line, every line naming the UK is counted until another country is met, and that many lines
    # are dropped from the end. Here "Jersey" and "United Kingdom" make two, so the postcode line
    # goes too and "Jersey" is left to be checked as a postcode.
    personalisation = _address("A Person", "1 High St", "Jersey", "JE2 3AB", "United Kingdom")
    assert _error(personalisation) == UK_POSTCODE


def test_only_uk_names_is_too_few_lines() -> None:
    # Notify itself fails with an IndexError here; the fake reports the line count instead.
    assert _error(_address("England", "Wales", "Scotland")) == TOO_FEW_LINES


# ---------------------------------------------------------------------------------------------
# Postcodes and countries
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("SW1 3EF", "SW1 3EF"),
        ("SE1 63EF", "SE16 3EF"),  # upstream: spaces are ignored, so this is SE16 3EF
        ("N5 1AA", "N5 1AA"),
        ("so14\u00a06wb", "SO14 6WB"),
        ("N5", None),
        ("SO144 6WB", None),
        ("SO14 6WBA", None),
        ("NF1 1AA", None),  # NF is not a postcode area
        ("ZZ1 1ZZ", None),
        ("SW1A 1CA", None),  # C is not allowed in the inward letters
        ("GIR 0AA", None),  # GIR is listed, but the pattern needs a longer postcode
        ("BF1 1AA", "BF1 1AA"),
    ],
)
def test_normalise_postcode(text: str, expected: str | None) -> None:
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        # Upstream tests/test_countries.py.
        ("u.s.a", "United States"),
        ("america", "United States"),
        ("RepOfIreland", "Ireland"),
        ("UK", "United Kingdom"),
        ("N. Ireland", "United Kingdom"),
        ("GB", "United Kingdom"),
        ("gambia", "The Gambia"),
        ("Guernsey", "United Kingdom"),
        ("Sark", "United Kingdom"),
        ("isle-of-man", "United Kingdom"),
        ("ESPA\u00d1A", "Spain"),
        ("Lubn\u0101n", "Lebanon"),
        ("Sao Tome + Principe", "Sao Tome and Principe"),
        ("Antigua, and Barbuda", "Antigua and Barbuda"),
        ("Canaries", "Canary Islands"),
        ("czechoslovakia", "Czechia"),
        ("\u0440\u043e\u0441\u0441\u0438\u044f", "Russia"),
        ("Ffrainc", "France"),
        ("Swistir", "Switzerland"),
        ("Qumran", None),
        ("USSR", None),
        ("yugoslavia", None),
        # A digit means it is not a country.
        ("UM-67", None),
        ("SW1A 1AA", None),
    ],
)
def test_find_country(text: str, canonical: str | None) -> None:
    assert find_country(text) == canonical


@pytest.mark.parametrize(
    ("country_line", "postage"),
    [
        # Upstream tests/test_countries.py and tests/country_synonyms.py.
        ("Rep of Ireland", "europe"),
        ("Khazakhstan", "europe"),
        ("Vatican", "europe"),
        ("Tenerife", "europe"),
        ("Faroe Islands", "europe"),
        ("Turkey", "europe"),
        ("u.s.a", "rest-of-world"),
        ("Burma", "rest-of-world"),
        ("St Helena", "rest-of-world"),
        ("Australia", "rest-of-world"),
    ],
)
def test_international_postage(country_line: str, postage: str) -> None:
    address = validate_address(_address("1 Road", "City", country_line), allow_international=True)
    assert (address.international, address.postage) == (True, postage)
