"""Placeholders, personalisation and the rendering of message content (reference §3.2, §8.1, §9).

STUB: interface only; being implemented.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def placeholder_key(name: str) -> str:
    """How Notify compares placeholder names and personalisation keys: lower-cased, without
    spaces, ``_`` and ``-``."""
    raise NotImplementedError


def placeholder_names(*texts: str | None) -> list[str]:
    """Placeholder names in first-occurrence order and spelling across ``texts``.

    A conditional ``((name??text))`` contributes ``name``. Names equal under
    :func:`placeholder_key` appear once.
    """
    raise NotImplementedError


def missing_personalisation(texts: Iterable[str | None], values: Mapping[str, Any]) -> list[str]:
    """Placeholder names (first-occurrence spelling, in order) whose value is absent or None."""
    raise NotImplementedError


def render_sms_body(content: str, values: Mapping[str, Any], prefix: str | None = None) -> str:
    """The text of an SMS: fill, optionally prefix ``"{prefix}: "``, normalise whitespace, GSM-downgrade."""
    raise NotImplementedError


def sms_character_count(body: str) -> int:
    """UTF-16 code units of the sanitised body (what the 918 limit is measured on)."""
    raise NotImplementedError


def sms_fragment_count(body: str) -> int:
    """Fragments of an SMS body (GSM-7 with double-width extension characters, or UCS-2)."""
    raise NotImplementedError


def render_email_body(content: str, values: Mapping[str, Any]) -> str:
    """Markdown source with placeholders filled in (lists become bullets), trimmed."""
    raise NotImplementedError


def render_email_subject(subject: str, values: Mapping[str, Any]) -> str:
    """Filled subject with smart quotes, `` - `` to `` – `` and normalised whitespace."""
    raise NotImplementedError


def render_letter_subject(subject: str, values: Mapping[str, Any]) -> str:
    """As :func:`render_email_subject`, HTML-escaped first."""
    raise NotImplementedError


def sanitise_personalisation(
    values: Mapping[str, Any], keys: Iterable[str]
) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """Apply ``sanitise_content_for``: return the new values and ``sanitised_content``."""
    raise NotImplementedError
