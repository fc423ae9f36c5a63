"""The character side of SMS: the GSM-7 and Welsh sets, downgrading, and counting (reference §8.1).

Notify sends a message as GSM-7 when it can and as UCS-2 when it must. Its sanitiser keeps every
character it can send (GSM-7, the GSM-7 extension table, and the Welsh accented vowels), swaps the
rest for a close GSM equivalent where one exists, and turns anything left into ``?``. Counting is
done on the sanitised text.
"""

from __future__ import annotations

import functools
import math
import unicodedata

__all__ = [
    "GSM_BASIC_CHARACTERS",
    "GSM_EXTENSION_CHARACTERS",
    "KEPT_CHARACTERS",
    "SMS_CHAR_COUNT_LIMIT",
    "WELSH_CHARACTERS",
    "WELSH_NON_GSM_CHARACTERS",
    "downgrade_to_gsm",
    "sms_character_count",
    "sms_fragment_count",
]

SMS_CHAR_COUNT_LIMIT = 918
"""Longest accepted message, in characters and without the service-name prefix (153 × 6)."""

# The GSM 03.38 default alphabet, as Notify lists it (ESC and CR included, as in the standard).
GSM_BASIC_CHARACTERS: frozenset[str] = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)

# The extension table: each of these is sent as ESC + character, so it costs two septets.
GSM_EXTENSION_CHARACTERS: frozenset[str] = frozenset("^{}\\[~]|€")

# Welsh vowels with grave, acute, diaeresis and circumflex. Notify keeps them rather than
# stripping the accent, even though most of them force the whole message into UCS-2.
WELSH_CHARACTERS: frozenset[str] = frozenset("àèìòùẁỳÀÈÌÒÙẀỲáéíóúẃýÁÉÍÓÚẂÝäëïöüẅÿÄËÏÖÜẄŸâêîôûŵŷÂÊÎÔÛŴŶ")

_GSM_CHARACTERS = GSM_BASIC_CHARACTERS | GSM_EXTENSION_CHARACTERS

KEPT_CHARACTERS: frozenset[str] = _GSM_CHARACTERS | WELSH_CHARACTERS
"""Characters the sanitiser leaves alone."""

WELSH_NON_GSM_CHARACTERS: frozenset[str] = WELSH_CHARACTERS - _GSM_CHARACTERS
"""Any one of these in a message makes it UCS-2."""

# Characters with a fixed stand-in. None of them has a canonical Unicode decomposition, so the
# accent-stripping rule below would otherwise turn them into "?".
_REPLACEMENTS: dict[str, str] = {
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2011": "-",  # non-breaking hyphen
    "\u2212": "-",  # minus sign
    "\u2026": "...",  # horizontal ellipsis
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark
    "\u201a": "'",  # single low-9 quotation mark
    "\u201c": '"',  # left double quotation mark
    "\u201d": '"',  # right double quotation mark
    "\u201e": '"',  # double low-9 quotation mark
    "\u180e": "",  # Mongolian vowel separator
    "\u200b": "",  # zero width space (often used to stop "gov.uk" being linked)
    "\u200c": "",  # zero width non-joiner
    "\u200d": "",  # zero width joiner
    "\u2060": "",  # word joiner
    "\ufeff": "",  # zero width no-break space / BOM
    "\u2028": "",  # line separator
    "\u2029": "",  # paragraph separator
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space
    "\t": " ",
    "\u0141": "L",  # Ł: a stroke, not a combining accent, so decomposition does not help
    "\u0142": "l",  # ł
}


# Cached because messages repeat the same few unusual characters (dashes, quotes, emoji).
@functools.lru_cache(maxsize=4096)
def _downgrade_character(char: str) -> str:
    """The stand-in for one character the sanitiser does not keep."""
    replacement = _REPLACEMENTS.get(char)
    if replacement is not None:
        return replacement
    # A canonical decomposition (no "<tag>") is a base letter followed by combining marks, e.g.
    # "ç" is "0063 0327". Keep the base letter when it is itself sendable; compatibility
    # decompositions (ligatures, full-width forms, ...) are not trusted to keep the meaning.
    decomposition = unicodedata.decomposition(char)
    if decomposition and not decomposition.startswith("<"):
        base = chr(int(decomposition.split()[0], 16))
        if base in KEPT_CHARACTERS:
            return base
    return "?"


def downgrade_to_gsm(text: str) -> str:
    """Notify's ``SanitiseSMS.encode``: keep GSM-7 and Welsh characters, downgrade the rest.

    >>> downgrade_to_gsm("ŵ – “ok” … ç 😀")
    'ŵ - "ok" ... c ?'
    """
    return "".join(char if char in KEPT_CHARACTERS else _downgrade_character(char) for char in text)


def sms_character_count(body: str) -> int:
    """UTF-16 code units of an (already sanitised) body: what the 918 limit is measured on."""
    # Characters outside the Basic Multilingual Plane take two code units (a surrogate pair).
    return len(body) + sum(1 for char in body if ord(char) > 0xFFFF)


def sms_fragment_count(body: str) -> int:
    """How many fragments an (already sanitised) SMS body is billed as.

    Welsh characters outside GSM-7 make the message UCS-2 (70 characters in one fragment, 67 per
    fragment once split); otherwise it is GSM-7 (160, then 153). Extension-table characters count
    twice. Notify adds that extra count in both encodings, and so does this function.
    """
    count = sms_character_count(body) + sum(1 for char in body if char in GSM_EXTENSION_CHARACTERS)
    if any(char in WELSH_NON_GSM_CHARACTERS for char in body):
        single, per_part = 70, 67
    else:
        single, per_part = 160, 153
    return 1 if count <= single else math.ceil(count / per_part)
