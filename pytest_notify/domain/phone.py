"""UK and international phone numbers as Notify validates them (reference §8.2, §8.3).

STUB: interface only; being implemented.
"""

from __future__ import annotations

from dataclasses import dataclass


class PhoneNumberError(ValueError):
    """A number Notify refuses; ``code`` is Notify's name, ``message`` the legacy v2 text."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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
    """True for UK numbers that are not mobiles."""
    prefix: str
    """The billing prefix, e.g. ``44``, ``33``, ``1``."""
    rate_multiplier: float
    """International billing rate multiplier (1.0 for UK mobiles)."""
    delivery_receipts: bool
    """Whether the country's networks send delivery receipts (``dlr: yes``)."""


def parse_phone_number(number: str) -> PhoneNumber:
    """Validate as the v2 schema does (international numbers and landlines allowed)."""
    raise NotImplementedError


def check_phone_permissions(
    phone: PhoneNumber, *, allow_international: bool, allow_uk_landline: bool
) -> None:
    """Raise :class:`PhoneNumberError` (``NOT_A_UK_MOBILE``) when the service may not send there."""
    raise NotImplementedError


def normalise_phone_number(number: str) -> str | None:
    """The E.164-without-plus form used for allow-list matching, or None if it does not parse."""
    raise NotImplementedError
