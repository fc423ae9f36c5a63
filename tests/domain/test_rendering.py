"""Rendering of message content: reference §3.2, §3.3, §8.1 and §9.

Expected values are copied from the reference unless a comment says they were derived, and how.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_notify.domain import rendering
from pytest_notify.domain.rendering import (
    missing_personalisation,
    placeholder_key,
    placeholder_names,
    render_email_body,
    render_email_subject,
    render_letter_body,
    render_letter_subject,
    render_sms_body,
    sanitise_personalisation,
    sms_character_count,
    sms_fragment_count,
)
from pytest_notify.domain.sms_encoding import (
    GSM_EXTENSION_CHARACTERS,
    SMS_CHAR_COUNT_LIMIT,
    WELSH_NON_GSM_CHARACTERS,
    downgrade_to_gsm,
)

# --- §9.1 Placeholder syntax -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("Hi ((name))",), ["name"]),
        # The conditional's name is the part before "??" (§9.1).
        (("Hi ((name??yes show))",), ["name"]),
        # Derived: the regex \({2}([^()]+)\){2} cannot match a body containing parentheses.
        (("((a(b)c))",), []),
        # Derived: first-occurrence order and spelling across texts; equal keys appear once (§9.2).
        (("((Subj)) ((First Name))", "((first_name)) ((other))", None), ["Subj", "First Name", "other"]),
        ((None, ""), []),
    ],
)
def test_placeholder_names(texts: tuple[str | None, ...], expected: list[str]) -> None:
    assert placeholder_names(*texts) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("yes", "Hi yes show"),  # §9.1 example
        ("no", "Hi"),  # §9.1 example
        # Every truthy word of str2bool, case-insensitively (§9.1).
        ("y", "Hi yes show"),
        ("TRUE", "Hi yes show"),
        ("t", "Hi yes show"),
        ("1", "Hi yes show"),
        ("Include", "Hi yes show"),
        ("SHOW", "Hi yes show"),
        # Derived: values are str(value) first (§9.4), so True → "True" and 1 → "1" are truthy.
        (True, "Hi yes show"),
        (1, "Hi yes show"),
        # Derived: anything else hides the text.
        ("", "Hi"),
        ("false", "Hi"),
        (0, "Hi"),
        ("yes please", "Hi"),
    ],
)
def test_conditional_placeholder(value: Any, expected: str) -> None:
    assert render_sms_body("Hi ((name??yes show))", {"name": value}) == expected


# --- §9.2 Key matching ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["first_name", "FIRSTNAME", "first-name", "First Name"])
def test_keys_match_ignoring_case_spaces_underscores_and_hyphens(key: str) -> None:
    assert placeholder_key(key) == placeholder_key("First Name") == "firstname"
    assert render_sms_body("Dear ((First Name))", {key: "Jo"}) == "Dear Jo"
    assert missing_personalisation(["((First Name))"], {key: "Jo"}) == []


# --- §9.3 Missing and extra personalisation ------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "values", "expected"),
    [
        # §9.3 example: email subject placeholders come first, then the body's.
        (["((subj))", "Hi ((name)), ((other))"], {"name": "Jo"}, ["subj", "other"]),
        # §9.3 example: the letter contact block.
        (["((contact block))", "body"], {}, ["contact block"]),
        # None counts as missing; "" does not.
        (["((a)) ((b)) ((c))"], {"a": None, "b": ""}, ["a", "c"]),
        # Conditional placeholders with no value count as missing.
        (["((show??text))"], {}, ["show"]),
        # Extra keys are ignored.
        (["((a))"], {"a": "x", "unused": "y"}, []),
        # Derived: a name used twice is reported once, in its first spelling.
        (["((Name))", "((name))"], {}, ["Name"]),
    ],
)
def test_missing_personalisation(texts: list[str], values: dict[str, Any], expected: list[str]) -> None:
    assert missing_personalisation(texts, values) == expected


# --- §9.4 Value rendering ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, "5"),  # §9.4
        (True, "True"),  # §9.4
        (["a", "b", "c"], "a, b and c"),  # §9.4 / §8.1
        (["a"], "a"),
        ([], ""),
        ([None, None], ""),
        (["a", None, "b"], "a and b"),
    ],
)
def test_sms_values(value: Any, expected: str) -> None:
    assert render_sms_body("((v))", {"v": value}) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["a", "b"], "x\n\n* a\n* b"),  # §9.4: bullets prefixed by a blank line
        (5, "x5"),
        (True, "xTrue"),
        # Derived from the SMS rules of §9.4, which are the same for every channel.
        ([], "x"),
        ([None, "a"], "x\n\n* a"),
    ],
)
def test_email_and_letter_body_values(value: Any, expected: str) -> None:
    assert render_email_body("x((v))", {"v": value}) == expected
    assert render_letter_body("x((v))", {"v": value}) == expected


def test_body_is_markdown_source_with_values_inserted() -> None:
    # §9.4, run-verified.
    content = 'Dear ((name)),\n\n((items))\n\nThanks - bye "quoted"'
    expected = 'Dear Jo,\n\n\n\n* a\n* b\n\nThanks - bye "quoted"'
    assert render_email_body(content, {"name": "Jo", "items": ["a", "b"]}) == expected
    assert render_letter_body(content, {"name": "Jo", "items": ["a", "b"]}) == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # official-clients.md §4: CRLF is kept for email and letter bodies.
        ("Dear ((name)),\r\n\r\nBye", "Dear Jo,\r\n\r\nBye"),
        # §3.2: the body is trimmed.
        ("\n  Hi ((name))  \n\n", "Hi Jo"),
        # §3.3: HTML passes through (no escaping in bodies).
        ("<b>((name))</b> & co", "<b>Jo</b> & co"),
    ],
)
def test_email_body_keeps_content_as_written(content: str, expected: str) -> None:
    assert render_email_body(content, {"name": "Jo"}) == expected


@pytest.mark.parametrize(
    ("subject", "values", "expected"),
    [
        ('Hi ((name)) - "x"', {"name": "Jo"}, "Hi Jo – “x”"),  # §9.4 example
        # Whitespace is normalised (§3.2, §9.4). Derived expectation.
        ("  Hi \t ((name))\n\nthere  ", {"name": "Jo"}, "Hi Jo there"),
        # Derived: email subjects are not HTML-escaped (only letter subjects are, §9.4).
        ("((name)) & <co>", {"name": "Jo"}, "Jo & <co>"),
        # Derived from SmartyPants' rules, which Notify uses for smart quotes.
        ("It's ((name))'s", {"name": "Jo"}, "It’s Jo’s"),
        ("'single'", {}, "‘single’"),
        # Derived: Notify straightens apostrophes again inside anything containing an @.
        ("For o'neil@example.com", {}, "For o'neil@example.com"),
        # Derived: one to three hyphens or dashes between spaces become one spaced en dash.
        ("a -- b — c", {}, "a – b – c"),
        ("well-known", {}, "well-known"),
        # Derived: lists read as in SMS.
        ("((v))", {"v": ["a", "b"]}, "a and b"),
    ],
)
def test_email_subject(subject: str, values: dict[str, Any], expected: str) -> None:
    assert render_email_subject(subject, values) == expected


@pytest.mark.parametrize(
    ("subject", "values", "expected"),
    [
        ("Re: ((name)) & co - x", {"name": "Jo"}, "Re: Jo &amp; co – x"),  # §3.3 / §9.4, run-verified
        # Derived: values are escaped as well as the template text.
        ("Re: ((name))", {"name": "<Jo & Al>"}, "Re: &lt;Jo &amp; Al&gt;"),
        # Derived: escaping leaves double quotes, so they are still curled.
        ('Re: "((name))"', {"name": "Jo"}, "Re: “Jo”"),
    ],
)
def test_letter_subject(subject: str, values: dict[str, Any], expected: str) -> None:
    assert render_letter_subject(subject, values) == expected


# --- §8.1 SMS rendering pipeline -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "values", "prefix", "expected"),
    [
        # §8.1 example.
        ("Hello ((name)) 😀 – “quotes” …", {"name": "Jo"}, None, 'Hello Jo ? - "quotes" ...'),
        # Step 2: the prefix "{service name}: ".
        ("Hello ((name))", {"name": "Jo"}, "Service", "Service: Hello Jo"),
        # Step 3: spaces or tabs before "," and "." are removed.
        ("Hello ((name)) , bye \t.", {"name": "Jo"}, None, "Hello Jo, bye."),
        # Step 4: whitespace collapsed and stripped per line.
        ("  a \t  b  \n   c  ", {}, None, "a b\nc"),
        # Step 5: three or more newlines become two.
        ("a\n\n\n\nb\n \n \n c", {}, None, "a\n\nb\n\nc"),
        # Step 6: the whole message is stripped.
        ("\n\n  hi \n\n", {}, None, "hi"),
        # official-clients.md §4: CRLF becomes LF for SMS.
        ("a\r\nb\r\n\r\n\r\nc", {}, None, "a\nb\n\nc"),
        # §9.4: list values in SMS.
        ("((v))", {"v": ["a", "b", "c"]}, None, "a, b and c"),
    ],
)
def test_render_sms_body(content: str, values: dict[str, Any], prefix: str | None, expected: str) -> None:
    assert render_sms_body(content, values, prefix) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # §8.1 step 7: each downgrade rule.
        ("– — ‑ −", "- - - -"),
        ("…", "..."),
        ("‘’“”", "''\"\""),
        ("a\u200bb\u200cc\u2060d\ufeffe", "abcde"),  # zero-width characters removed
        ("a\u00a0b\tc", "a b c"),  # NBSP and tab become a space
        # Ł ł → L l. Derived: ó is one of the Welsh characters, so it stays; ź loses its accent.
        ("Łódź ł", "Lódz l"),
        ("ça ō ő", "ca o o"),  # accents removed via Unicode decomposition
        ("😀 中文", "? ??"),  # anything else becomes "?"
        # Kept: GSM-7, its extension table, and the Welsh diacritics.
        ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà", None),
        ("^{}\\[~]|€", None),
        ("àèìòùẁỳ ÀÈÌÒÙẀỲ áéíóúẃý ÁÉÍÓÚẂÝ äëïöüẅÿ ÄËÏÖÜẄŸ âêîôûŵŷ ÂÊÎÔÛŴŶ", None),
    ],
)
def test_downgrade_to_gsm(text: str, expected: str | None) -> None:
    assert downgrade_to_gsm(text) == (text if expected is None else expected)


def test_sms_body_keeps_welsh_characters() -> None:
    # §8.1 step 7: Welsh diacritics are kept by the downgrade.
    assert render_sms_body("Croeso ŵ ŷ â ((name))", {"name": "Siân"}) == "Croeso ŵ ŷ â Siân"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a" * 160, 1),  # §8.1 examples
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("ŵ" * 70, 1),
        ("ŵ" * 71, 2),
        ("é" * 200, 2),
        # Derived: 81 extension characters count as 162 > 160, so ceil(162/153) = 2.
        ("€" * 81, 2),
        # Derived: UCS-2 past 70 characters is ceil(n/67): 134 → 2, 135 → 3.
        ("ŵ" * 134, 2),
        ("ŵ" * 135, 3),
        # Derived: "â" is a Welsh non-GSM character too (§8.1 names it), so 71 of them is UCS-2.
        ("â" + "a" * 70, 2),
        # Derived from Notify's fragment_count (utils template.py), where the reference is
        # silent: extension characters count double in UCS-2 messages as well, so 69 + 2 = 71 > 70.
        ("ŵ" * 69 + "€", 2),
        ("", 1),
    ],
)
def test_sms_fragment_count(body: str, expected: int) -> None:
    assert sms_fragment_count(body) == expected


def test_fragment_examples_hold_for_rendered_bodies() -> None:
    # The §8.1 examples, going through render_sms_body as the API does.
    for text, expected in [("a" * 160, 1), ("a" * 161, 2), ("€" * 80, 1), ("ŵ" * 71, 2), ("é" * 200, 2)]:
        assert sms_fragment_count(render_sms_body("((t))", {"t": text})) == expected


def test_billable_fragments_include_the_prefix() -> None:
    # §8.1: fragments are computed with the prefix. Derived: "Service: " is 9 characters, so
    # 151 + 9 = 160 is one fragment and 152 + 9 = 161 is two.
    assert sms_fragment_count(render_sms_body("a" * 151, {}, prefix="Service")) == 1
    assert sms_fragment_count(render_sms_body("a" * 152, {}, prefix="Service")) == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a" * 918, 918),  # §8.1: 918 is the limit
        ("a" * 919, 919),
        ("€€", 2),  # Derived: the length is not the GSM septet count
        ("a😀", 3),  # Derived: a non-BMP character is two UTF-16 code units
    ],
)
def test_sms_character_count(body: str, expected: int) -> None:
    assert sms_character_count(body) == expected


def test_character_count_is_of_the_sanitised_text() -> None:
    # §8.1: counting is done on the sanitised text, where the emoji has become "?" and "…" "...".
    body = render_sms_body("((x)) 😀…", {"x": "a" * 10})
    assert body == "aaaaaaaaaa ?..."
    assert sms_character_count(body) == 15  # Derived: 10 + 1 + 1 + 3.


def test_sms_limit_constant() -> None:
    assert SMS_CHAR_COUNT_LIMIT == 918  # §8.1


def test_character_tables() -> None:
    # §8.1 lists the extension characters; ŵ and â are its examples of Welsh non-GSM characters,
    # and é is its example of a Welsh character that is already GSM.
    assert set("^{}\\[~]|€") == GSM_EXTENSION_CHARACTERS
    assert {"ŵ", "â"} <= WELSH_NON_GSM_CHARACTERS
    assert "é" not in WELSH_NON_GSM_CHARACTERS


# --- §3.2 sanitise_content_for -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # §3.2 example (run-verified).
        (
            "Anne Example, now [click this evil link](https://evil.link)",
            "Anne Example, now \\[click this evil link\\]\\(\\)",
        ),
        # official-clients.md §4 verified examples.
        ("User, [click here](https://evil.link)", "User, \\[click here\\]\\(\\)"),
        ("gov.uk", "gov\\. uk"),
        (
            "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
            "6ba7b810\\-9dad\\-11d1\\-80b4\\-00c04fd430c8",
        ),
        # Derived: every character of `*_()\{}[]<>#+-.!| gets a backslash (§3.2 step 2).
        ("`*_()\\{}[]<>#+-.!|", "\\`\\*\\_\\(\\)\\\\\\{\\}\\[\\]\\<\\>\\#\\+\\-\\.\\!\\|"),
        # Derived: a URL with anything but [a-zA-Z0-9.-] is removed (§3.2 step 1).
        ("see www.example.com/path?q=1 now", "see  now"),
        ("see http://example.com now", "see  now"),
        # Derived: an accidental link keeps its text, with ". " for each "." (§3.2 step 1).
        ("Sentence.Next", "Sentence\\. Next"),
        # Derived: an email address is not a URL (the pattern refuses matches next to "@").
        ("jo@example.com", "jo@example\\.com"),
        ("Plain text, nothing to do", "Plain text, nothing to do"),
    ],
)
def test_sanitise_value(value: str, expected: str) -> None:
    new_values, sanitised_content = sanitise_personalisation({"field": value}, ["field"])
    assert new_values == {"field": expected}
    if expected == value:
        assert sanitised_content == {}
    else:
        assert sanitised_content == {"field": {"unsanitised": value, "sanitised": expected}}


def test_sanitise_personalisation_keys_and_report() -> None:
    values = {"First_Name": "gov.uk", "other": "a.b", "same": "plain", "number": 5}
    new_values, sanitised_content = sanitise_personalisation(values, ["first name", "SAME", "number"])
    # §3.2: keys match insensitively; only changed keys are reported, under the key as given.
    assert sanitised_content == {"First_Name": {"unsanitised": "gov.uk", "sanitised": "gov\\. uk"}}
    # Unlisted keys are untouched; so (our choice) are values that are not strings.
    assert new_values == {"First_Name": "gov\\. uk", "other": "a.b", "same": "plain", "number": 5}
    assert values["First_Name"] == "gov.uk"  # the input is not modified


def test_sanitise_personalisation_with_no_keys() -> None:
    # §3.2: sanitised_content is an empty object when nothing changed.
    assert sanitise_personalisation({"a": "gov.uk"}, []) == ({"a": "gov.uk"}, {})


# --- The interface -------------------------------------------------------------------------------


def test_public_names_are_exported() -> None:
    for name in rendering.__all__:
        assert callable(getattr(rendering, name))
