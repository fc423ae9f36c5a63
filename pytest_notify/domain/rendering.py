"""Placeholders, personalisation and the rendering of message content (reference §3.2, §8.1, §9).

Notify fills a template in several flavours, and the API echoes each one back:

* SMS bodies are plain text: lists read ``a, b and c``, whitespace is tidied and characters that
  GSM-7 cannot carry are downgraded (:func:`render_sms_body`).
* Email and letter bodies are the *markdown source* with values inserted, lists turned into
  markdown bullets (:func:`render_email_body`, :func:`render_letter_body`).
* Subjects get "nice typography": curly quotes and spaced en dashes (:func:`render_email_subject`);
  letter subjects are HTML-escaped first (:func:`render_letter_subject`).

Placeholder names and personalisation keys match ignoring case, spaces, ``_`` and ``-``.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .sms_encoding import downgrade_to_gsm, sms_character_count, sms_fragment_count

__all__ = [
    "missing_personalisation",
    "placeholder_key",
    "placeholder_names",
    "render_email_body",
    "render_email_subject",
    "render_letter_body",
    "render_letter_subject",
    "render_sms_body",
    "sanitise_personalisation",
    "sanitise_value",
    "sms_character_count",
    "sms_fragment_count",
]

# ---------------------------------------------------------------------------------------------
# Placeholders and keys
# ---------------------------------------------------------------------------------------------

# ((name)) or ((name??text)); the body cannot contain parentheses (§9.1).
_PLACEHOLDER = re.compile(r"\({2}([^()]+)\){2}")
_CONDITIONAL = "??"
_KEY_IGNORED = str.maketrans("", "", " _-")
# Values that show a conditional placeholder's text (Notify's ``str2bool``).
_TRUTHY = frozenset({"yes", "y", "true", "t", "1", "include", "show"})


def placeholder_key(name: str) -> str:
    """How Notify compares placeholder names and personalisation keys: lower-cased, without
    spaces, ``_`` and ``-``."""
    # Only the ASCII space is ignored, not other whitespace, matching Notify's InsensitiveDict.
    return name.translate(_KEY_IGNORED).lower()


def placeholder_names(*texts: str | None) -> list[str]:
    """Placeholder names in first-occurrence order and spelling across ``texts``.

    A conditional ``((name??text))`` contributes ``name``. Names equal under
    :func:`placeholder_key` appear once.
    """
    seen: set[str] = set()
    names: list[str] = []
    for text in texts:
        if not text:
            continue
        for match in _PLACEHOLDER.finditer(text):
            name = match.group(1).partition(_CONDITIONAL)[0]
            key = placeholder_key(name)
            if key not in seen:
                seen.add(key)
                names.append(name)
    return names


def _lookup(values: Mapping[str, Any], transform_key: Callable[[str], str] = str) -> dict[str, Any]:
    """Personalisation keyed by :func:`placeholder_key`. If two keys collide the later one wins,
    as it does in Notify's InsensitiveDict."""
    return {placeholder_key(transform_key(key)): value for key, value in values.items()}


def missing_personalisation(texts: Iterable[str | None], values: Mapping[str, Any]) -> list[str]:
    """Placeholder names (first-occurrence spelling, in order) whose value is absent or None."""
    lookup = _lookup(values)
    return [name for name in placeholder_names(*texts) if lookup.get(placeholder_key(name)) is None]


# ---------------------------------------------------------------------------------------------
# Whitespace helpers (Notify's formatters)
# ---------------------------------------------------------------------------------------------

_ZERO_WIDTH = "\u180e\u200b\u200c\u200d\u2060\ufeff\u2028\u2029"
_NO_BREAK_SPACES = "\u00a0\u202f"
_DROP_ZERO_WIDTH = str.maketrans("", "", _ZERO_WIDTH)
_DROP_OBSCURE = str.maketrans("", "", _ZERO_WIDTH + _NO_BREAK_SPACES)
_SPACE_NO_BREAK = str.maketrans(dict.fromkeys(_NO_BREAK_SPACES, " "))
_SPACE_BEFORE_PUNCTUATION = re.compile(r"[ \t]+([,.])")
_THREE_OR_MORE_NEWLINES = re.compile(r"\n{3,}")


def _strip_obscure_whitespace(value: str) -> str:
    """How each list item is cleaned: invisible and no-break spaces removed, ends stripped."""
    return value.translate(_DROP_OBSCURE).strip(string.whitespace)


def _normalise_whitespace(value: str) -> str:
    """One line's whitespace collapsed to single spaces, zero-width characters removed."""
    return " ".join(value.translate(_SPACE_NO_BREAK).translate(_DROP_ZERO_WIDTH).split())


def _remove_whitespace_before_punctuation(value: str) -> str:
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", value)


# ---------------------------------------------------------------------------------------------
# Filling placeholders
# ---------------------------------------------------------------------------------------------


def _list_as_prose(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} and {items[-1]}"


def list_as_markdown(items: list[str]) -> str:
    """A bullet list preceded by a blank line, so it starts a new markdown block."""
    return "\n\n" + "\n".join(f"* {item}" for item in items)


def fill_placeholders(
    content: str,
    values: Mapping[str, Any],
    *,
    format_list: Callable[[list[str]], str],
    escape: Callable[[str], str] | None = None,
) -> str:
    """Replace each placeholder with its value (``str(value)``); leave missing ones as written.

    ``escape`` is applied to the template text and to every value before they are combined, as
    Notify does for letter subjects; placeholder names are then matched in escaped form too.
    """
    if escape is not None:
        content = escape(content)
        lookup = _lookup(values, escape)
    else:
        lookup = _lookup(values)

    def replacement(match: re.Match[str]) -> str:
        name, conditional, shown_text = match.group(1).partition(_CONDITIONAL)
        value = lookup.get(placeholder_key(name))
        if value is None:
            # Unreachable through the API, which refuses missing personalisation first.
            return match.group(0)
        if isinstance(value, list):
            items = [_strip_obscure_whitespace(str(item)) for item in value if item is not None]
            items = [item for item in items if item]
            text = format_list(items) if items else ""
        else:
            text = str(value)
        if escape is not None:
            text = escape(text)
        if conditional:
            return shown_text if text.lower() in _TRUTHY else ""
        return text

    return _PLACEHOLDER.sub(replacement, content)


# ---------------------------------------------------------------------------------------------
# SMS
# ---------------------------------------------------------------------------------------------


def render_sms_body(content: str, values: Mapping[str, Any], prefix: str | None = None) -> str:
    """The text of an SMS: fill, optionally prefix ``"{prefix}: "``, normalise whitespace, GSM-downgrade."""
    text = fill_placeholders(content, values, format_list=_list_as_prose)
    if prefix:
        text = f"{prefix.strip()}: {text}"
    text = _remove_whitespace_before_punctuation(text)
    # splitlines() also ends lines at CR, CRLF and the other Unicode line breaks, so CRLF becomes LF.
    text = "\n".join(_normalise_whitespace(line) for line in text.splitlines())
    text = _THREE_OR_MORE_NEWLINES.sub("\n\n", text).strip()
    return downgrade_to_gsm(text)


# ---------------------------------------------------------------------------------------------
# Email and letter bodies
# ---------------------------------------------------------------------------------------------


def render_email_body(content: str, values: Mapping[str, Any]) -> str:
    """Markdown source with placeholders filled in (lists become bullets), trimmed."""
    # Nothing else is normalised: CRLF and HTML in the template or the values pass through.
    return fill_placeholders(content, values, format_list=list_as_markdown).strip()


def render_letter_body(content: str, values: Mapping[str, Any]) -> str:
    """The letter's ``content.body``: rendered exactly as :func:`render_email_body`."""
    return render_email_body(content, values)


# ---------------------------------------------------------------------------------------------
# Subjects: HTML escaping and "nice typography"
# ---------------------------------------------------------------------------------------------

# Entity references that Python's html module would accept without the trailing ";" but Notify
# does not: it only decodes complete references.
_CHARACTER_REFERENCE = re.compile(r"&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[^\t\n\f <&#;]{1,32};)")
# These two survive escaping untouched, so that "&amp;" is not turned into "&amp;amp;".
_PRESERVED_ENTITIES = (("&nbsp;", "\x00nbsp\x00"), ("&amp;", "\x00amp\x00"))


def escape_html(value: str) -> str:
    """Notify's ``escape_html``: decode complete entity references, then escape ``& < >``.

    Quotes are not escaped, so typography still sees them.
    """
    if not value:
        return value
    for entity, token in _PRESERVED_ENTITIES:
        value = value.replace(entity, token)
    if "&" in value:
        value = _CHARACTER_REFERENCE.sub(lambda match: html.unescape(match.group(0)), value)
    value = html.escape(value, quote=False)
    for entity, token in _PRESERVED_ENTITIES:
        value = value.replace(token, entity)
    return value


# --- Smart quotes -----------------------------------------------------------------------------
# Notify curls quotes with the SmartyPants rules (quotes only, Unicode output). They are
# restated here as regular expressions applied in order; see _curl_quotes.

# Text inside these elements is left alone. The pattern has no word boundary after the name,
# so e.g. <abbr> counts as <a>, as it does in SmartyPants.
_SKIPPED_ELEMENT = re.compile(r"<(/)?(pre|samp|code|tt|kbd|script|style|math|a)[^>]*>", re.IGNORECASE)
_TEXT_THEN_TAG = re.compile(r"([^<]*)(<!--.*?--\s*>|<[^>]*>)", re.DOTALL)
# Backslash escapes force a straight character; the entity stays in the output as written.
_BACKSLASH_ESCAPES = (
    ("\\\\", "&#92;"),
    ('\\"', "&#34;"),
    ("\\'", "&#39;"),
    ("\\.", "&#46;"),
    ("\\-", "&#45;"),
    ("\\`", "&#96;"),
)
# Numeric references to typographic characters are turned into the characters themselves.
_TYPOGRAPHIC_REFERENCES = (
    ("&#8211;", "\u2013"),
    ("&#8212;", "\u2014"),
    ("&#8216;", "\u2018"),
    ("&#8217;", "\u2019"),
    ("&#8220;", "\u201c"),
    ("&#8221;", "\u201d"),
    ("&#8230;", "\u2026"),
)
_PUNCTUATION = r"""[!"#$%'()*+,\-./:;<=>?@\[\\\]^_`{|}~]"""
# What may come right before an opening quote: whitespace, "--", or a no-break space or named
# dash entity. SmartyPants means to accept numeric dash references too, but its verbose-mode
# pattern reads their "#" as the start of a comment, which leaves the odd "&&#x2013;" instead.
_OPENING_CONTEXT = r"(\s|&nbsp;|--|&[mn]dash;|&&#x201[34];)"
# A character after which a quote closes.
_CLOSING_CONTEXT = r"([^ \t\r\n\[{(\-])"
_QUOTE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # A quote at the very start followed by punctuation closes. (SmartyPants' own pattern
        # also demands a literal "\B" after the punctuation, so in practice this rarely fires.)
        (rf"^'(?={_PUNCTUATION}\\B)", "\u2019"),
        (rf'^"(?={_PUNCTUATION}\\B)', "\u201d"),
        # Nested quotes opening together: "'word or '"word.
        (r""""'(?=\w)""", "\u201c\u2018"),
        (r"""'"(?=\w)""", "\u2018\u201c"),
        # Decade abbreviations: the '80s.
        (r"\b'(?=\d{2}s)", "\u2019"),
        (rf"{_OPENING_CONTEXT}'(?=\w)", "\\1\u2018"),
        (rf"{_CLOSING_CONTEXT}'(?!\s|s\b|\d)", "\\1\u2019"),
        (rf"{_CLOSING_CONTEXT}'(\s|s\b)", "\\1\u2019\\2"),
        ("'", "\u2018"),
        (rf'{_OPENING_CONTEXT}"(?=\w)', "\\1\u201c"),
        (r'"(?=\s)', "\u201d"),
        (rf'{_CLOSING_CONTEXT}"', "\\1\u201d"),
        ('"', "\u201c"),
    )
)


# (opening, closing) forms of a quote that makes up a whole run of text on its own.
_LONE_QUOTE = {"'": ("\u2018", "\u2019"), '"': ("\u201c", "\u201d")}


def _curl_quotes_in_run(text: str, previous_char: str) -> str:
    """Curl the quotes in one run of text between HTML tags."""
    for escape, entity in _BACKSLASH_ESCAPES:
        text = text.replace(escape, entity)
    if text in _LONE_QUOTE:
        # A lone quote between two tags: only the text before it says which way it faces.
        closing = bool(previous_char) and not previous_char.isspace()
        text = _LONE_QUOTE[text][closing]
    else:
        for pattern, replacement in _QUOTE_RULES:
            text = pattern.sub(replacement, text)
    for reference, char in _TYPOGRAPHIC_REFERENCES:
        text = text.replace(reference, char)
    return text


def _split_tags(text: str) -> list[tuple[bool, str]]:
    """``(is_tag, piece)`` pairs. An HTML comment containing ``--`` counts as text."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    match = _TEXT_THEN_TAG.match(text)
    while match:
        if match.group(1):
            pieces.append((False, match.group(1)))
        tag = match.group(2)
        is_tag = not (tag.startswith("<!--") and "--" in tag[4:].rstrip(">").rstrip().rstrip("-"))
        pieces.append((is_tag, tag))
        position = match.end()
        match = _TEXT_THEN_TAG.match(text, position)
    if position < len(text):
        pieces.append((False, text[position:]))
    return pieces


def _curl_quotes(text: str) -> str:
    """Straight quotes to curly ones, leaving HTML tags and code-like elements alone."""
    if not any(char in text for char in "'\"&\\"):
        return text  # no quotes, escapes or entity references: nothing to change
    out: list[str] = []
    open_skipped: list[str] = []
    previous_char = ""
    for is_tag, piece in _split_tags(text):
        if is_tag:
            out.append(piece)
            skipped = _SKIPPED_ELEMENT.match(piece)
            if skipped:
                element = skipped.group(2).lower()
                if not skipped.group(1):
                    open_skipped.append(element)
                elif open_skipped and open_skipped[-1] == element:
                    open_skipped.pop()
            continue
        out.append(piece if open_skipped else _curl_quotes_in_run(piece, previous_char))
        previous_char = piece[-1:]
    return "".join(out)


# "Words" containing an @: a curly apostrophe in an email address would break it.
_EMAIL_LIKE = re.compile(r"(^|\s)\S+@\S+(\s|$)", re.MULTILINE)
_UNCURL_SINGLE = str.maketrans("\u2018\u2019", "''")
_SPACED_HYPHEN = re.compile(r"\s+[-–—]{1,3}\s+")


def nice_typography(text: str) -> str:
    text = _remove_whitespace_before_punctuation(text)
    text = _curl_quotes(text)
    text = _EMAIL_LIKE.sub(lambda match: match.group(0).translate(_UNCURL_SINGLE), text)
    return _SPACED_HYPHEN.sub(" \u2013 ", text)


def render_email_subject(subject: str, values: Mapping[str, Any]) -> str:
    """Filled subject with smart quotes, `` - `` to `` – `` and normalised whitespace."""
    text = fill_placeholders(subject, values, format_list=_list_as_prose)
    return _normalise_whitespace(nice_typography(text))


def render_letter_subject(subject: str, values: Mapping[str, Any]) -> str:
    """As :func:`render_email_subject`, HTML-escaped first."""
    text = fill_placeholders(subject, values, format_list=_list_as_prose, escape=escape_html)
    return _normalise_whitespace(nice_typography(text))


# ---------------------------------------------------------------------------------------------
# sanitise_content_for (§3.2)
# ---------------------------------------------------------------------------------------------

# Notify's "does this look like a URL" pattern (utils formatters.url).
_URL = re.compile(r"(?i)\b(?<![\@\.])(https?:\/\/)?([\w\-]+\.{1})+([a-z]{2,63})(?!\@)\b([/\?#][^<\s]*)?")
# A "URL" made only of these is probably an accident of punctuation, like "gov.uk" or "end.Next".
_ACCIDENTAL_URL = re.compile(r"[a-zA-Z0-9.-]+")
_MARKDOWN_SPECIAL = re.compile(r"([`*_()\\{}\[\]<>#+\-.!|])")


def _defuse_url(match: re.Match[str]) -> str:
    url = match.group(0)
    if _ACCIDENTAL_URL.fullmatch(url):
        return url.replace(".", ". ")
    return ""


def sanitise_value(value: str) -> str:
    """One personalisation value made safe to drop into markdown: URLs removed (or, for
    accidental ones like ``gov.uk``, broken with a space), then markdown characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _URL.sub(_defuse_url, value))


def sanitise_personalisation(
    values: Mapping[str, Any], keys: Iterable[str]
) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """Apply ``sanitise_content_for``: return the new values and ``sanitised_content``.

    ``keys`` match personalisation keys as placeholders do. Only string values are sanitised
    (Notify assumes strings); ``sanitised_content`` lists only the keys whose value changed,
    under the key as it was given in the personalisation.
    """
    # Items that are not strings name no personalisation key (Notify itself fails on them).
    wanted = {placeholder_key(key) for key in keys if isinstance(key, str)}
    new_values = dict(values)
    sanitised_content: dict[str, dict[str, str]] = {}
    if not wanted:
        return new_values, sanitised_content
    for key, value in values.items():
        if not isinstance(value, str) or placeholder_key(key) not in wanted:
            continue
        sanitised = sanitise_value(value)
        if sanitised != value:
            new_values[key] = sanitised
            sanitised_content[key] = {"unsanitised": value, "sanitised": sanitised}
    return new_values, sanitised_content
