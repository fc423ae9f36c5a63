"""UK and international phone numbers as Notify validates them (reference §8.2, §8.3).

Notify parses numbers with ``phonenumbers`` (Google's libphonenumber) and layers its own rules on
top: a strict character check, a second attempt after tidying up spreadsheet damage, a retry as an
international number when the leading ``+`` was lost, OFCOM's drama numbers, and a list of countries
it can bill. Errors carry the *legacy v2* texts, because that is what the v2 API returns.
"""

from __future__ import annotations

import functools
import json
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import phonenumbers
from phonenumbers import PhoneNumberType, ValidationResult

# Error codes, named as Notify names them (``InvalidPhoneError.Codes``).
INVALID_NUMBER = "INVALID_NUMBER"
TOO_LONG = "TOO_LONG"
TOO_SHORT = "TOO_SHORT"
NOT_A_UK_MOBILE = "NOT_A_UK_MOBILE"
UNKNOWN_CHARACTER = "UNKNOWN_CHARACTER"
UNSUPPORTED_COUNTRY_CODE = "UNSUPPORTED_COUNTRY_CODE"

LEGACY_V2_MESSAGES: Mapping[str, str] = {
    INVALID_NUMBER: "Number is not valid \u2013 double check the phone number you entered",
    TOO_LONG: "Too many digits",
    TOO_SHORT: "Not enough digits",
    NOT_A_UK_MOBILE: "Not a UK mobile number",
    UNKNOWN_CHARACTER: "Must not contain letters or symbols",
    UNSUPPORTED_COUNTRY_CODE: "Not a valid country prefix",
}
"""The texts the v2 API sends for each code (reference §8.3)."""

UK_COUNTRY_CODE = 44

# Characters Notify treats as whitespace: ASCII whitespace plus zero-width and no-break spaces.
ZERO_WIDTH_WHITESPACE = "\u180e\u200b\u200c\u200d\u2060\ufeff\u2028\u2029"
NO_BREAK_WHITESPACE = "\u00a0\u202f"
ALL_WHITESPACE = string.whitespace + ZERO_WIDTH_WHITESPACE + NO_BREAK_WHITESPACE

_ALLOWED_CHARACTERS = frozenset(string.digits + "()-+" + ALL_WHITESPACE)

_ALLOWED_TYPES = frozenset(
    {
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
        PhoneNumberType.UAN,
        PhoneNumberType.PERSONAL_NUMBER,
    }
)
_LANDLINE_TYPES = frozenset({PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.UAN})

# Notify's regex is "7700[900000-900999]": the brackets are a character class, so any digit
# after 7700 matches. Reproduced as it behaves, not as it was meant (reference §8.3).
_TV_NUMBER = re.compile(r"7700\d")

# Characters the ASCII sanitiser turns into something else before the second parsing attempt.
_ASCII_REPLACEMENTS = {
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u202f": " ",
    **dict.fromkeys(ZERO_WIDTH_WHITESPACE, ""),
}


class PhoneNumberError(ValueError):
    """A number Notify refuses; ``code`` is Notify's name, ``message`` the legacy v2 text."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @classmethod
    def from_code(cls, code: str) -> PhoneNumberError:
        """Build the error for ``code`` with its legacy v2 message."""
        return cls(code, LEGACY_V2_MESSAGES[code])


@dataclass(frozen=True)
class BillingRate:
    """One entry of Notify's international billing rates table."""

    prefix: str
    """E.164 prefix without ``+``: a country code, or ``1`` plus an area code (e.g. ``1664``)."""
    rate_multiplier: float
    """How many UK-priced fragments one fragment to this destination costs."""
    dlr: str | None
    """The table's raw ``dlr`` value (``YES``, ``Carrier DLR``, ``NO``, empty or None)."""
    names: tuple[str, ...]
    """Countries and territories that use this prefix."""

    @property
    def delivery_receipts(self) -> bool:
        """True when networks there send receipts; otherwise the SMS stays ``sent`` (§5.1)."""
        return (self.dlr or "").lower() == "yes"


@cache
def international_billing_rates() -> Mapping[str, BillingRate]:
    """The billing rates table, keyed by prefix; read from package data on first use."""
    raw = resources.files(__package__).joinpath("data/international_billing_rates.json").read_text("utf-8")
    return {
        prefix: BillingRate(prefix, float(entry["rate_multiplier"]), entry["dlr"], tuple(entry["names"]))
        for prefix, entry in json.loads(raw)["rates"].items()
    }


@dataclass(frozen=True)
class PhoneNumber:
    """A number that passed validation."""

    normalised: str
    """E.164 digits without the ``+``, e.g. ``447700900123``."""
    international: bool
    """True for non-UK numbers and for crown dependencies (Notify's ``international`` flag)."""
    uk: bool
    """True when the country code is 44 (crown dependencies included)."""
    uk_landline: bool
    """True for +44 numbers of a landline type (fixed line, fixed line or mobile, UAN)."""
    prefix: str
    """The billing prefix, e.g. ``44``, ``33``, ``1``, ``1664``."""
    rate_multiplier: float
    """International billing rate multiplier (1.0 for UK numbers that are not crown dependencies)."""
    delivery_receipts: bool
    """Whether the country's networks send delivery receipts (``dlr: yes``)."""
    crown_dependency: bool = False
    """True for Jersey, Guernsey and Isle of Man numbers (+44 but not region GB)."""
    country_code: int = UK_COUNTRY_CODE
    """The E.164 country calling code, e.g. 44, 33, 1."""


# Pure and costly (about 200 us of libphonenumber), and called twice per text message (schema
# check, then the send); tests send to a few numbers again and again. Errors are not cached.
@functools.lru_cache(maxsize=4096)
def parse_phone_number(number: str) -> PhoneNumber:
    """Validate as the v2 schema does (international numbers and landlines allowed).

    Raises :class:`PhoneNumberError` with the legacy v2 message on failure.
    """
    parsed = _parse_with_retry(number)
    if str(parsed.country_code) not in international_billing_rates():
        raise PhoneNumberError.from_code(UNSUPPORTED_COUNTRY_CODE)
    return _describe(parsed)


def check_phone_permissions(phone: PhoneNumber, *, allow_international: bool, allow_uk_landline: bool) -> None:
    """Raise :class:`PhoneNumberError` (``NOT_A_UK_MOBILE``) when the service may not send there.

    As in Notify, "international" here means a country code other than 44, so crown-dependency
    mobiles need no ``international_sms`` permission; +44 landlines (crown dependencies' too) need
    ``sms_to_uk_landlines``. The caller turns the error into ``Cannot send to international mobile
    numbers`` when ``phone.international and not phone.crown_dependency`` (reference §8.2).
    """
    if not allow_international and not phone.uk:
        raise PhoneNumberError.from_code(NOT_A_UK_MOBILE)
    if not allow_uk_landline and phone.uk and phone.uk_landline:
        raise PhoneNumberError.from_code(NOT_A_UK_MOBILE)


@functools.lru_cache(maxsize=4096)
def normalise_phone_number(number: str) -> str | None:
    """The E.164-without-plus form used for allow-list matching, or None if it does not parse.

    Like Notify's ``format_recipient`` this only parses: it skips the billing-country check.
    """
    try:
        return _e164_digits(_parse_with_retry(number))
    except PhoneNumberError:
        return None


def _parse_with_retry(number: str) -> phonenumbers.PhoneNumber:
    try:
        return _parse(number)
    except PhoneNumberError:
        # A second chance for spreadsheet damage such as "0+447700900100" or "+07700900100";
        # if that fails too, its error is the one reported.
        return _parse(_thoroughly_normalise(number))


def _parse(number: str) -> phonenumbers.PhoneNumber:
    # Stricter than phonenumbers, which would accept letters ("phonewords").
    if not set(number) <= _ALLOWED_CHARACTERS:
        raise PhoneNumberError.from_code(UNKNOWN_CHARACTER)
    if number == "":
        raise PhoneNumberError.from_code(TOO_SHORT)
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException as error:
        raise PhoneNumberError.from_code(INVALID_NUMBER) from error

    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason != ValidationResult.IS_POSSIBLE:
        forced = _as_forced_international(number)
        if forced is None:
            raise PhoneNumberError.from_code(_code_for_impossible(reason))
        parsed = forced

    if not (phonenumbers.is_valid_number(parsed) and _is_allowed_type(parsed)):
        # OFCOM reserves 07700 900xxx for drama; libphonenumber calls them invalid, Notify does not.
        if _is_tv_number(parsed):
            return parsed
        raise PhoneNumberError.from_code(INVALID_NUMBER)
    return parsed


def _as_forced_international(number: str) -> phonenumbers.PhoneNumber | None:
    # Spreadsheets drop a leading "+", so "33612345678" may really be a French number.
    try:
        forced = phonenumbers.parse(f"+{number}")
    except phonenumbers.NumberParseException:
        return None
    return forced if phonenumbers.is_possible_number(forced) else None


def _code_for_impossible(reason: int) -> str:
    if reason == ValidationResult.TOO_LONG:
        return TOO_LONG
    if reason in (ValidationResult.TOO_SHORT, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        return TOO_SHORT
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        return UNSUPPORTED_COUNTRY_CODE
    return INVALID_NUMBER


def _is_allowed_type(parsed: phonenumbers.PhoneNumber) -> bool:
    # Premium rate, toll free, shared cost, VoIP, pagers and the like are refused.
    return phonenumbers.number_type(parsed) in _ALLOWED_TYPES


def _is_tv_number(parsed: phonenumbers.PhoneNumber) -> bool:
    return _TV_NUMBER.match(str(parsed.national_number)) is not None


def _thoroughly_normalise(number: str) -> str:
    return _ascii_sanitise(number).replace("+", "").lstrip("0")


def _ascii_sanitise(value: str) -> str:
    """Downgrade to ASCII as Notify's sanitiser does: dashes to ``-``, accents dropped, else ``?``."""
    out = []
    for character in value:
        character = _ASCII_REPLACEMENTS.get(character, character)
        if not character.isascii():
            decomposed = unicodedata.normalize("NFKD", character)
            character = "".join(c for c in decomposed if not unicodedata.combining(c))
            if not character.isascii():
                character = "?"
        out.append(character)
    return "".join(out)


def _e164_digits(parsed: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[1:]


def _billing_prefix(parsed: phonenumbers.PhoneNumber) -> str:
    # North American destinations outside the US/Canada share +1 but are billed by area code.
    if parsed.country_code == 1:
        country_and_area = _e164_digits(parsed)[:4]
        if country_and_area in international_billing_rates():
            return country_and_area
    return str(parsed.country_code)


def _describe(parsed: phonenumbers.PhoneNumber) -> PhoneNumber:
    country_code = parsed.country_code or 0  # always set once parsing has succeeded
    tv_number = _is_tv_number(parsed)
    region_is_gb = phonenumbers.region_code_for_number(parsed) == "GB"
    uk = country_code == UK_COUNTRY_CODE
    # Drama numbers are not "valid", so libphonenumber gives them no region; Notify counts them as UK.
    international = not (region_is_gb or tv_number)
    prefix = _billing_prefix(parsed)
    rate = international_billing_rates()[prefix]
    return PhoneNumber(
        normalised=_e164_digits(parsed),
        international=international,
        uk=uk,
        uk_landline=uk and phonenumbers.number_type(parsed) in _LANDLINE_TYPES,
        prefix=prefix,
        # The table's "44" row prices crown dependencies; numbers in Great Britain cost the base rate.
        rate_multiplier=rate.rate_multiplier if international else 1.0,
        # Receipts are only missing for international destinations whose networks do not send them.
        delivery_receipts=rate.delivery_receipts if international else True,
        crown_dependency=uk and international,
        country_code=country_code,
    )
