"""Postal addresses as Notify reads and validates them for letters (reference §3.3, §8.5).

The address comes from the letter's personalisation: ``address_line_1`` to ``address_line_6`` and
``postcode``, or ``address_line_1`` to ``address_line_7`` when ``address_line_7`` is given. The
keys are matched exactly (snake_case, case-sensitive). Lines are tidied, a BFPO line and a trailing
country are recognised, and the last line must then be a real UK postcode or (with the
``international_letters`` permission) another country.

Data: ``data/uk_postcode_areas.txt`` is Notify's list of postcode areas
(alphagov/notifications-utils ``countries/_data/uk-postcode-zones.txt``); ``data/countries.json``
holds the country names and the Royal Mail Europe zone (see the comment in that file).
"""

from __future__ import annotations

import json
import re
import string
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

MIN_LINES = 3
MAX_LINES = 7

TOO_FEW_LINES = f"Address must be at least {MIN_LINES} lines"
TOO_MANY_LINES = f"Address must be no more than {MAX_LINES} lines"
FIRST_LINES_NOT_ALPHANUMERIC = "The first 2 lines of the address must both include at least one alphanumeric character"
BFPO_WITH_COUNTRY = "The last line of a BFPO address must not be a country."
NOT_POSTCODE_OR_COUNTRY = "Last line of address must be a real UK postcode or another country"
NOT_UK_POSTCODE = "Must be a real UK postcode"
# The text lists U+201D where the check uses an ASCII double quote, and leaves out "~": both as in Notify.
INVALID_FIRST_CHARACTER = (
    "Address lines must not start with any of the following characters: @ ( ) = [ ] \u201d \\ / , < >"
)
NO_FIXED_ABODE = "Must be a real address"

INVALID_FIRST_CHARACTERS = tuple('@()=[]"\\/,<>~')
"""Characters no address line may start with (what Notify checks, not what its message lists)."""

UNITED_KINGDOM = "United Kingdom"
EUROPE = "europe"
REST_OF_WORLD = "rest-of-world"

_ADDRESS_LINE_KEYS = tuple(f"address_line_{number}" for number in range(1, 7))

# Zero-width characters are deleted and no-break spaces count as spaces, as in all of Notify's text handling.
_ZERO_WIDTH = "\u180e\u200b\u200c\u200d\u2060\ufeff\u2028\u2029"
_NO_BREAK_SPACES = "\u00a0\u202f"
_ALL_WHITESPACE = string.whitespace + _ZERO_WIDTH + _NO_BREAK_SPACES
_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<![ \t])[ \t]+([,.])")
_BFPO_LINE = re.compile(r"^\s*bfpo\s*(?:c\/o)?(?:\s*(\d+))?\s*$")
_NO_FIXED_ABODE = re.compile(r"no fixed (abode|address)", re.IGNORECASE)
_ALPHANUMERIC = re.compile(r"[a-zA-Z0-9]")


class AddressError(ValueError):
    """An address Notify would refuse; ``message`` is the exact v2 ``ValidationError`` text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PostalAddress:
    """A valid address, as it will be printed."""

    lines: tuple[str, ...]
    """Normalised lines: tidied, postcode as ``OUTWARD INWARD``, ``BFPO n``, a country by its canonical name."""
    postcode: str | None
    """The normalised UK postcode, if the address has one."""
    country: str | None
    """The canonical country name for an international address; ``None`` for the UK."""
    international: bool
    postage: str | None
    """``europe`` or ``rest-of-world`` for an international address, else ``None`` (the template's postage applies)."""
    bfpo: bool
    """Whether this is a British Forces Post Office address."""


# ---------------------------------------------------------------------------------------------
# Reading the lines
# ---------------------------------------------------------------------------------------------


_WHITESPACE_FIXES = str.maketrans(_NO_BREAK_SPACES, " " * len(_NO_BREAK_SPACES), _ZERO_WIDTH)


def _normalise_whitespace(line: str) -> str:
    return " ".join(line.translate(_WHITESPACE_FIXES).split())


def address_from_personalisation(personalisation: Mapping[str, Any]) -> list[str]:
    """The address lines Notify reads from letter personalisation, tidied but not yet validated.

    Values are turned into strings (a falsy value counts as empty), split on line breaks, their
    whitespace collapsed, trailing spaces and commas removed, spaces before ``,`` and ``.`` removed,
    and empty lines dropped.
    """
    keys = (*_ADDRESS_LINE_KEYS, "address_line_7" if "address_line_7" in personalisation else "postcode")
    raw = "\n".join(str(personalisation.get(key) or "") for key in keys)
    lines = []
    for line in raw.splitlines():
        trimmed = _normalise_whitespace(line).rstrip(" ,")
        if trimmed:
            lines.append(_SPACE_BEFORE_PUNCTUATION.sub(r"\1", trimmed))
    return lines


# ---------------------------------------------------------------------------------------------
# Postcodes
# ---------------------------------------------------------------------------------------------


@cache
def _postcode_pattern() -> re.Pattern[str]:
    areas = resources.files(__package__).joinpath("data/uk_postcode_areas.txt").read_text("utf-8").split()
    return re.compile(rf"({'|'.join(areas)})[0-9][0-9A-Z]?[0-9][A-BD-HJLNP-UW-Z]{{2}}")


def normalise_postcode(text: str) -> str | None:
    """``text`` as a printable UK postcode (``OUTWARD INWARD``), or ``None`` if it is not a real one.

    All whitespace is removed and letters upper-cased before matching, so ``sw1a1aa`` is ``SW1A 1AA``.
    """
    compact = "".join(character for character in text if character not in _ALL_WHITESPACE).upper()
    if not _postcode_pattern().fullmatch(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


# ---------------------------------------------------------------------------------------------
# Countries
# ---------------------------------------------------------------------------------------------

# Characters ignored when matching country names, so "St. Kitts & Nevis" finds "St Kitts and Nevis".
_IGNORED_IN_COUNTRY_NAMES = frozenset(" _-'\u2019,.()")
# Punctuation with no decomposition but an obvious ASCII equivalent. (Whitespace oddities never get
# this far: the lines were normalised first.)
_ASCII_STAND_INS = {"\u2013": "-", "\u2014": "-", "\u2026": "...", "\u2018": "'", "\u201c": '"', "\u201d": '"'}


def _ascii_character(character: str) -> str:
    if " " <= character <= "~":
        return character
    # A canonical decomposition starts with the unaccented letter; "<tag>" forms are not trusted.
    decomposition = unicodedata.decomposition(character)
    if decomposition and not decomposition.startswith("<"):
        return chr(int(decomposition.split()[0], 16))
    return _ASCII_STAND_INS.get(character, "?")


def _country_key(name: str) -> str:
    """How Notify compares country names: case, punctuation and spacing ignored, accents removed where possible."""
    name = name.replace("&", "and").replace("+", "and")
    simplified = "".join(character.lower() for character in name if character not in _IGNORED_IN_COUNTRY_NAMES)
    ascii_form = "".join(_ascii_character(character) for character in simplified)
    # Names in other scripts cannot be written in ASCII, so they are compared as they are.
    return simplified if "?" in ascii_form else ascii_form


@dataclass(frozen=True)
class _Countries:
    by_key: Mapping[str, str]
    europe: frozenset[str]


@cache
def _countries() -> _Countries:
    raw = json.loads(resources.files(__package__).joinpath("data/countries.json").read_text("utf-8"))
    # Later names win when two normalise to the same key, as in Notify.
    by_key = {_country_key(name): canonical for name, canonical in raw["names"].items()}
    return _Countries(by_key, frozenset(raw["europe"]))


def find_country(text: str) -> str | None:
    """The canonical name of the country or territory ``text`` names, or ``None``.

    Anything with a digit in it is never a country (it is most likely a postcode). A missing
    "The", "Yr" or "Y" is allowed for, so ``Gambia`` finds ``The Gambia``.
    """
    if any(character.isdigit() for character in text):
        return None
    by_key = _countries().by_key
    for candidate in (text, f"the {text}", f"yr {text}", f"y {text}"):
        canonical = by_key.get(_country_key(candidate))
        if canonical is not None:
            return canonical
    return None


def postage_zone(country: str) -> str | None:
    """``europe`` or ``rest-of-world`` for a canonical country name; ``None`` for the United Kingdom."""
    if country == UNITED_KINGDOM:
        return None
    return EUROPE if country in _countries().europe else REST_OF_WORLD


# ---------------------------------------------------------------------------------------------
# Parsing and validation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parsed:
    lines: tuple[str, ...]
    postcode: str | None
    country: str
    bfpo_number: int | None

    @property
    def international(self) -> bool:
        return self.country != UNITED_KINGDOM

    @property
    def bfpo(self) -> bool:
        return self.bfpo_number is not None


def _extract_bfpo(lines: Sequence[str]) -> tuple[int | None, list[str]]:
    """The BFPO number from the first ``BFPO n`` line, and the lines without any BFPO line."""
    for line in lines:
        match = _BFPO_LINE.match(line.lower())
        if match and match.group(1):
            return int(match.group(1)), [other for other in lines if not _BFPO_LINE.match(other.lower())]
    return None, list(lines)


def _uk_lines_counted_from_the_end(lines: Sequence[str]) -> int:
    # Notify walks back from the last line counting lines that name the UK, skipping lines that
    # are not countries at all and stopping at another country. It then drops that many lines
    # from the end, so a UK name higher up (say "Jersey" above the postcode) is counted too.
    count = 0
    for line in reversed(lines):
        country = find_country(line)
        if country is None:
            continue
        if country != UNITED_KINGDOM:
            break
        count += 1
    return count


def _parse(raw_lines: Sequence[str]) -> _Parsed:
    bfpo_number, lines = _extract_bfpo(raw_lines)
    country = find_country(lines[-1]) if lines else None
    if country is None:
        country = UNITED_KINGDOM
    else:
        lines = lines[: -(_uk_lines_counted_from_the_end(lines) or 1)]
    postcode = None
    if country == UNITED_KINGDOM and lines:
        postcode = normalise_postcode(lines[-1])
        if postcode:
            lines = [*lines[:-1], postcode]
    if bfpo_number is not None:
        lines.append(f"BFPO {bfpo_number}")
    if country != UNITED_KINGDOM:
        lines.append(country)
    return _Parsed(tuple(lines), postcode, country, bfpo_number)


def _check(parsed: _Parsed, allow_international: bool) -> None:
    lines = parsed.lines
    if len(lines) < MIN_LINES:
        raise AddressError(TOO_FEW_LINES)
    if len(lines) > MAX_LINES:
        raise AddressError(TOO_MANY_LINES)
    if not all(_ALPHANUMERIC.search(line) for line in lines[:2]):
        raise AddressError(FIRST_LINES_NOT_ALPHANUMERIC)
    if parsed.bfpo and parsed.international:
        raise AddressError(BFPO_WITH_COUNTRY)
    valid_last_line = parsed.postcode is not None or parsed.bfpo or (allow_international and parsed.international)
    if not valid_last_line:
        raise AddressError(NOT_POSTCODE_OR_COUNTRY if allow_international else NOT_UK_POSTCODE)
    if any(line.startswith(INVALID_FIRST_CHARACTERS) for line in lines):
        raise AddressError(INVALID_FIRST_CHARACTER)
    if any(line.lower() == "nfa" for line in lines) or _NO_FIXED_ABODE.search("\n".join(lines)):
        raise AddressError(NO_FIXED_ABODE)


def validate_address(personalisation: Mapping[str, Any], *, allow_international: bool) -> PostalAddress:
    """Read and check a letter's address from its personalisation, in Notify's order of checks.

    ``allow_international`` is whether the service has the ``international_letters`` permission.
    Raises :class:`AddressError` with the first problem found.
    """
    parsed = _parse(address_from_personalisation(personalisation))
    _check(parsed, allow_international)
    country = parsed.country if parsed.international else None
    return PostalAddress(
        lines=parsed.lines,
        postcode=parsed.postcode,
        country=country,
        international=parsed.international,
        postage=postage_zone(parsed.country),
        bfpo=parsed.bfpo,
    )
