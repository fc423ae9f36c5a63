"""Email addresses as Notify validates them (reference §8.4).

STUB: interface only; being implemented.
"""

from __future__ import annotations


class EmailAddressError(ValueError):
    """An address Notify refuses: ``Not a valid email address``."""


def validate_email_address(address: str) -> str:
    """Return the address stripped of surrounding (and obscure) whitespace, or raise."""
    raise NotImplementedError


def normalise_email_address(address: str) -> str:
    """Stripped and lower-cased, for allow-list and smoke-test matching."""
    raise NotImplementedError


def strip_obscure_whitespace(value: str) -> str:
    """Strip surrounding whitespace including zero-width characters and NBSP."""
    raise NotImplementedError
