"""Email addresses as Notify validates them (reference §8.4).

Notify is deliberately stricter than the RFCs about the local part (no quotes or semicolons,
which upset its email provider) and checks the domain label by label after IDNA encoding.
"""

from __future__ import annotations

import re
import string

INVALID_EMAIL_MESSAGE = "Not a valid email address"

# Removed wherever they appear, not only at the ends (as Notify's
# strip_and_remove_obscure_whitespace does): zero-width characters, line/paragraph
# separators, no-break and narrow no-break spaces.
OBSCURE_WHITESPACE = "\u180e\u200b\u200c\u200d\u2060\ufeff\u2028\u2029\u00a0\u202f"

_LOCAL_CHARACTERS = r"a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\-"
_ADDRESS = re.compile(rf"^[{_LOCAL_CHARACTERS}]+@([^.@][^@\s]+)$")
_HOSTNAME_LABEL = re.compile(r"^(xn|[a-z0-9]+)(-?-[a-z0-9]+)*$", re.IGNORECASE)
_TLD = re.compile(r"^([a-z]{2,63}|xn--([a-z0-9]+-)*[a-z0-9]+)$", re.IGNORECASE)

MAX_ADDRESS_LENGTH = 320
MAX_HOSTNAME_LENGTH = 253
MAX_LABEL_LENGTH = 63


class EmailAddressError(ValueError):
    """An address Notify refuses: ``Not a valid email address``."""

    def __init__(self, message: str = INVALID_EMAIL_MESSAGE) -> None:
        super().__init__(message)
        self.message = message


def validate_email_address(address: str) -> str:
    """Return the address stripped of surrounding (and obscure) whitespace, or raise.

    The case is kept: Notify stores and echoes the address as supplied, only tidied.
    Raises :class:`EmailAddressError` for anything §8.4 refuses.
    """
    address = strip_obscure_whitespace(address)
    match = _ADDRESS.match(address)
    if match is None or len(address) > MAX_ADDRESS_LENGTH or ".." in address:
        raise EmailAddressError

    try:
        # Python's built-in "idna" codec (IDNA 2003), the one Notify uses: "例え.テスト" becomes
        # "xn--r8jz45g.xn--zckzah"; labels it cannot encode (e.g. over 63 characters) fail here.
        hostname = match.group(1).encode("idna").decode("ascii")
    except UnicodeError as error:
        raise EmailAddressError from error

    labels = hostname.split(".")
    if len(hostname) > MAX_HOSTNAME_LENGTH or len(labels) < 2:
        raise EmailAddressError
    for label in labels:
        if not label or len(label) > MAX_LABEL_LENGTH or not _HOSTNAME_LABEL.match(label):
            raise EmailAddressError
    if not _TLD.match(labels[-1]):
        raise EmailAddressError
    return address


def normalise_email_address(address: str) -> str:
    """Stripped and lower-cased, for allow-list and smoke-test matching.

    It does not validate, so any two spellings that differ only in case or stray whitespace
    compare equal.
    """
    return strip_obscure_whitespace(address).lower()


def strip_obscure_whitespace(value: str) -> str:
    """Strip surrounding whitespace including zero-width characters and NBSP.

    As in Notify, the zero-width and no-break characters are removed *everywhere* in the value;
    ordinary ASCII whitespace is removed only from the ends. This is also how SMS and email
    recipients are stored (reference §13 "Recipient storage and echo").
    """
    for character in OBSCURE_WHITESPACE:
        value = value.replace(character, "")
    return value.strip(string.whitespace)
