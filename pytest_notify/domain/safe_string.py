"""Notify's "make string safe" rules, for key names and email sender local parts (reference §1.1, §3.2)."""

from __future__ import annotations

import functools
import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def make_string_safe(value: str, whitespace: str) -> str:
    """Strip diacritics, lower-case, turn whitespace runs into ``whitespace``, drop other punctuation.

    Runs of ``.`` collapse to one and leading or trailing dots go, as in Notify's admin.
    """
    # Only accents go: NFD then dropping non-spacing marks keeps "²" and full-width letters.
    decomposed = unicodedata.normalize("NFD", value)
    no_marks = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    spaced = _WHITESPACE.sub(whitespace, no_marks.strip())
    kept = "".join(c.lower() for c in spaced if c.isalnum() or c == whitespace)
    return re.sub(r"\.{2,}", ".", kept).strip(".")


@functools.lru_cache(maxsize=256)  # every test's service gets keys with the same three names
def make_key_name_safe(name: str) -> str:
    """The key-name part of an API key string: ``My Test Key!`` becomes ``my_test_key``."""
    return make_string_safe(name, "_")


def make_email_local_part_safe(name: str) -> str:
    """The local part of a service's ``from_email``: ``Pigeon Affairs Bureau`` becomes ``pigeon.affairs.bureau``."""
    return make_string_safe(name, ".")
