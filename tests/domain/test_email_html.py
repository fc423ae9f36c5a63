"""The ``html`` of an email preview (reference §3.11).

Cases marked UPSTREAM copy their input and expected HTML from alphagov/notifications-utils
``tests/test_markdown.py`` (``notify_email_markdown``), ``tests/test_template_types.py`` (the whole
``HTMLEmailTemplate`` pipeline) or alphagov/notifications-api ``tests/app/v2/template/test_post_template.py``.
The others were derived from the mistune 3 rules Notify patches (notifications-utils ``markdown.py``) and
are not confirmed against running Notify.
"""

from __future__ import annotations

import pytest

from pytest_notify.domain.email_html import email_html_body, render_email_html, render_markdown

P = '<p style="Margin: 0 0 20px 0; font-size: 19px; line-height: 25px; color: #0B0C0C;">'
A = '<a style="word-wrap: break-word; color: #1D70B8;" href="{}">'
H2 = (
    '<h2 style="Margin: 0 0 15px 0; padding: 10px 0 0 0; font-size: 27px; line-height: 35px; '
    'font-weight: bold; color: #0B0C0C;">'
)
H3 = (
    '<h3 style="Margin: 0 0 15px 0; padding: 10px 0 0 0; font-size: 19px; line-height: 25px; '
    'font-weight: bold; color: #0B0C0C;">'
)
HR = '<hr style="border: 0; height: 1px; background: #B1B4B6; Margin: 30px 0 30px 0;">'
QUOTE = (
    '<div style="Margin: 0 0 20px 0;"><blockquote style="Margin: 0; border-left: 10px solid #B1B4B6;'
    'padding: 15px 0 0.1px 15px; font-size: 19px; line-height: 25px;">'
)
TABLE = '<table role="presentation" style="padding: 0 0 20px 0;"><tr><td style="font-family: Helvetica, Arial, sans-serif;">'
UL = '<ul style="Margin: 0 0 0 20px; padding: 0; list-style-type: disc;">'
OL = '<ol style="Margin: 0 0 0 20px; padding: 0; list-style-type: decimal;">'
LI = '<li style="Margin: 5px 0 5px; padding: 0 0 0 5px; font-size: 19px;line-height: 25px; color: #0B0C0C;">'
END_TABLE = "</td></tr></table>"


def ul(*items: str) -> str:
    return f"{TABLE}{UL}{''.join(f'{LI}{item}</li>' for item in items)}</ul>{END_TABLE}"


def ol(*items: str) -> str:
    return f"{TABLE}{OL}{''.join(f'{LI}{item}</li>' for item in items)}</ol>{END_TABLE}"


def link(url: str, text: str | None = None) -> str:
    return f"{A.format(url)}{url if text is None else text}</a>"


# ---------------------------------------------------------------------------------------------
# UPSTREAM: notify_email_markdown (tests/test_markdown.py)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "http://www.gov.uk/",
        "https://www.gov.uk/",
        "http://service.gov.uk",
        "http://service.gov.uk/blah.ext?q=a%20b%20c&order=desc#fragment",
    ],
)
def test_makes_links_out_of_urls(url: str) -> None:
    assert render_markdown(url) == f"{P}{link(url)}</p>"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "this is some text with a link http://example.com in the middle",
            f"this is some text with a link {link('http://example.com')} in the middle",
        ),
        ("this link is in brackets (http://example.com)", f"this link is in brackets ({link('http://example.com')})"),
    ],
)
def test_makes_links_out_of_urls_in_context(markdown: str, expected: str) -> None:
    assert render_markdown(markdown) == f"{P}{expected}</p>"


@pytest.mark.parametrize("text", ["example.com", "www.example.com", "ftp://example.com", "test@example.com"])
def test_doesnt_make_links_out_of_invalid_urls(text: str) -> None:
    assert render_markdown(text) == f"{P}{text}</p>"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            """https://example.com"onclick="alert('hi')""",
            f"""{A.format("https://example.com%22onclick=%22alert%28%27hi")}https://example.com"onclick="alert('hi</a>')""",
        ),
        (
            "https://example.com/login?redirect=%2Fhomepage%3Fsuccess=true%26page=blue",
            link("https://example.com/login?redirect=%2Fhomepage%3Fsuccess=true%26page=blue"),
        ),
        (
            """https://example.com"style='text-decoration:blink'""",
            f"""{A.format("https://example.com%22style=%27text-decoration:blink")}https://example.com"style='text-decoration:blink</a>'""",
        ),
    ],
)
def test_urls_get_escaped(url: str, expected: str) -> None:
    assert render_markdown(url) == f"{P}{expected}</p>"


def test_preserves_whitespace_when_making_links() -> None:
    assert render_markdown("https://example.com\n\nNext paragraph") == (
        f"{P}{link('https://example.com')}</p>{P}Next paragraph</p>"
    )


def test_block_code() -> None:
    assert render_markdown('```\nprint("hello")\n```') == 'print("hello")'


def test_block_quote() -> None:
    assert render_markdown("^ inset text") == f"{QUOTE}{P}inset text</p></blockquote></div>"


@pytest.mark.parametrize("heading", ["# heading", "#heading"])
def test_level_1_header(heading: str) -> None:
    assert render_markdown(heading) == f"{H2}heading</h2>"


def test_level_2_header() -> None:
    assert render_markdown("## heading") == f"{H3}heading</h3>"


def test_level_3_header() -> None:
    assert render_markdown("### inset text") == f"{P}inset text</p>"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Visit our [website](www.example.com/xyz).", f"Visit our {link('http://www.example.com/xyz', 'website')}."),
        (
            "Visit our [website](https://www.example.com/xyz).",
            f"Visit our {link('https://www.example.com/xyz', 'website')}.",
        ),
        (
            "Visit our [website](www.example.com/xyz 'Link Title').",
            'Visit our <a style="word-wrap: break-word; color: #1D70B8;" href="http://www.example.com/xyz" '
            'title="Link Title">website</a>.',
        ),
        (
            "Visit our [website](https://www.example.com/xyz 'Link Title').",
            'Visit our <a style="word-wrap: break-word; color: #1D70B8;" href="https://www.example.com/xyz" '
            'title="Link Title">website</a>.',
        ),
        ("[Example](http://example.com)", link("http://example.com", "Example")),
        (
            '[Example](http://example.com "An example URL")',
            '<a style="word-wrap: break-word; color: #1D70B8;" href="http://example.com" title="An example URL">'
            "Example</a>",
        ),
    ],
)
def test_links(markdown: str, expected: str) -> None:
    assert render_markdown(markdown) == f"{P}{expected}</p>"


@pytest.mark.parametrize(
    ("url", "expected_href"),
    [
        ("mailto:unsubscribe@example.com", "mailto:unsubscribe%40example.com"),
        ("mailto:unsubscribe%40example.com", "mailto:unsubscribe%40example.com"),
        (r"file:///C:\Windows\system32\mspaint.exe", "file:///C:%5CWindows%5Csystem32%5Cmspaint.exe"),
        ("tel:+44123", "tel:%2B44123"),
        ("ftp://username:password@ftp.example.com/folder/", "ftp://username:password%40ftp.example.com/folder/"),
    ],
)
def test_unusual_link_schemes(url: str, expected_href: str) -> None:
    assert render_markdown(f"Unusual [link]({url})") == f"{P}Unusual {link(expected_href, 'link')}</p>"


@pytest.mark.parametrize("markdown", ["a\n\n***\n\nb", "a\n\n---\n\nb"])
def test_hrule(markdown: str) -> None:
    assert render_markdown(markdown) == f"{P}a</p>{HR}{P}b</p>"


@pytest.mark.parametrize("markdown", ["1. one\n2. two\n3. three\n", "1.one\n2.two\n3.three\n"])
def test_ordered_list(markdown: str) -> None:
    assert render_markdown(markdown) == ol("one", "two", "three")


@pytest.mark.parametrize(
    "markdown",
    [
        "*one\n*two\n*three\n",
        "* one\n* two\n* three\n",
        "*  one\n*  two\n*  three\n",
        "*\tone\n*\ttwo\n*\tthree\n",
        "- one\n- two\n- three\n",
        "• one\n• two\n• three\n",
    ],
)
def test_unordered_list(markdown: str) -> None:
    assert render_markdown(markdown) == ul("one", "two", "three")


def test_pluses_dont_render_as_lists() -> None:
    assert render_markdown("+ one\n+ two\n+ three\n") == f"{P}+ one</p>{P}+ two</p>{P}+ three</p>"


def test_paragraphs() -> None:
    assert render_markdown("line one\nline two\n\nnew paragraph") == f"{P}line one<br>line two</p>{P}new paragraph</p>"


def test_multiple_newlines_get_truncated() -> None:
    assert render_markdown("before\n\n\n\n\n\nafter") == f"{P}before</p>{P}after</p>"


def test_table() -> None:
    assert render_markdown("col | col\n----|----\nval | val\n") == ""


@pytest.mark.parametrize(
    "text", ["variable called `thing`", "something **important**", "something *important*", "foo ****** bar"]
)
def test_no_code_spans_or_emphasis(text: str) -> None:
    assert render_markdown(text) == f"{P}{text}</p>"


def test_image() -> None:
    assert render_markdown("![alt text](http://example.com/image.png)") == ""


def test_strikethrough() -> None:
    assert render_markdown("~~Strike~~") == f"{P}~~Strike~~</p>"


# ---------------------------------------------------------------------------------------------
# UPSTREAM: the whole pipeline (HTMLEmailTemplate, notifications-api preview)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Some content", f"{P}Some content</p>"),
        (
            "Dear Jo, Hello. Yours Truly, The Government.",
            f"{P}Dear Jo, Hello. Yours Truly, The Government.</p>",
        ),
    ],
)
def test_notify_api_preview_html(content: str, expected: str) -> None:
    assert render_email_html(content) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            """https://example.com"onclick="alert('hi')""",
            f"""{A.format("https://example.com%22onclick=%22alert%28%27hi")}https://example.com"onclick="alert('hi</a>‘)""",
        ),
        (
            """https://example.com"style='text-decoration:blink'""",
            f"""{A.format("https://example.com%22style=%27text-decoration:blink")}https://example.com"style='text-decoration:blink</a>’""",
        ),
    ],
)
def test_urls_in_template_get_typography_outside_the_link(url: str, expected: str) -> None:
    assert render_email_html(url) == f"{P}{expected}</p>"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("gov.uk", "gov.\u200buk"),
        ("GOV.UK", "GOV.\u200bUK"),
        ("Gov.uk", "Gov.\u200buk"),
        ("www.gov.uk", "www.gov.uk"),
        ("gov.uk/register-to-vote", "gov.uk/register-to-vote"),
        ("gov.uk?q=", "gov.uk?q="),
    ],
)
def test_govuk_is_not_linkable(content: str, expected: str) -> None:
    assert render_email_html(content) == f"{P}{expected}</p>"


@pytest.mark.parametrize("url", ["https://gov.uk", "https://www.gov.uk"])
def test_govuk_urls_stay_links(url: str) -> None:
    assert render_email_html(url) == f"{P}{link(url)}</p>"


def test_unsupported_characters_are_removed() -> None:
    assert render_email_html("line one\u2028line two") == f"{P}line oneline two</p>"


def test_html_in_the_content_is_escaped() -> None:
    # notifications-api send tests: '&lt;em&gt;some HTML&lt;/em&gt;' in html_body
    assert render_email_html("with <em>some HTML</em>") == f"{P}with &lt;em&gt;some HTML&lt;/em&gt;</p>"


def test_url_with_ampersands_is_escaped_once() -> None:
    # The expectation of test_HTML_template_has_URLs_replaced_with_links (mistune 0.8 era).
    url = "https://service.example.com/accept_invite/?a=b&amp;c=d&amp;"
    assert render_email_html("https://service.example.com/accept_invite/?a=b&c=d&") == f"{P}{link(url)}</p>"


# ---------------------------------------------------------------------------------------------
# Derived from the rules (not confirmed against Notify)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('Say "hi" - it\'s fine', f"{P}Say “hi” – it’s fine</p>"),
        ("Tea &amp; cake &copy; &nbsp;x", f"{P}Tea &amp; cake © &nbsp;x</p>"),
        ("a & b < c", f"{P}a &amp; b &lt; c</p>"),
        ("word , next .", f"{P}word, next.</p>"),
        ("Email jo'x@example.com", f"{P}Email jo'x@example.com</p>"),
        ("", ""),
    ],
)
def test_pipeline_escaping_and_typography(content: str, expected: str) -> None:
    assert render_email_html(content) == expected


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        # sanitise_content_for output renders as the characters typed
        (r"User, \[click here\]\(\)", f"{P}User, [click here]()</p>"),
        (r"\* not a list", f"{P}* not a list</p>"),
        (r"a\\b", f"{P}a\\b</p>"),
        ("a  \n   b\nc", f"{P}a<br>b<br>c</p>"),
        ("# Title ##", f"{H2}Title</h2>"),
        ("####### seven", f"{P}####### seven</p>"),
        ("Title\n===", f"{H2}Title</h2>"),
        ("Title\n---", f"{H3}Title</h3>"),
        ("===", f"{P}===</p>"),
        ("a\n# b", f"{P}a</p>{H2}b</h2>"),
        ("~~~\ncode\n  more\n~~~\nafter", f"code\n  more{P}after</p>"),
        ("    indented\n\n    code\n\ntext", f"indented\n\ncode{P}text</p>"),
        ("text\n    not code", f"{P}text<br>not code</p>"),
        ("^ one\nlazy\n\n^ two", f"{QUOTE}{P}one<br>lazy</p>{P}two</p></blockquote></div>"),
        ("^ # heading\n^ * item", f"{QUOTE}{H2}heading</h2>{ul('item')}</blockquote></div>"),
        ("^", f"{P}^</p>"),
        ("| a | b |\n|---|---|\n| 1 | 2 |\n\nafter", f"{P}after</p>"),
        ("a | b\n:--|--|--", f"{P}a | b<br>:--|--|--</p>"),  # cell counts differ: not a table
        ("[a [b] c](http://x.com)", f"{P}{link('http://x.com', 'a [b] c')}</p>"),
        (
            "[wiki](https://en.wikipedia.org/wiki/A_(b))",
            f"{P}{link('https://en.wikipedia.org/wiki/A_%28b%29', 'wiki')}</p>",
        ),
        ("[](http://x.com)", f"{P}{link('http://x.com')}</p>"),
        ("[a]()", f"{P}[a]()</p>"),
        ("[a] (http://x.com)", f"{P}[a] ({link('http://x.com')})</p>"),
        ("[see http://x.com](http://y.com)", f"{P}{link('http://y.com', 'see http://x.com')}</p>"),
        ("[a](javascript:alert(1))", f"{P}{link('http://javascript:alert%281%29', 'a')}</p>"),
        ("[a](http://x.com?a=1&amp;b=2)", f"{P}{link('http://x.com?a=1&b=2', 'a')}</p>"),
        ("before ![alt](http://x.com/i.png) after", f"{P}before  after</p>"),
        (
            "https://example.com/café.",
            f"{P}{A.format('https://example.com/caf%C3%A9')}https://example.com/café</a>.</p>",
        ),
    ],
)
def test_derived_constructs(markdown: str, expected: str) -> None:
    assert render_markdown(markdown) == expected


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("* a\n\n* b", f"{TABLE}{UL}{LI}{P}a</p></li>{LI}{P}b</p></li></ul>{END_TABLE}"),
        ("* a\n  * b\n* c", ul(f"a{ul('b')}", "c")),
        ("* a\ncontinued", ul("a<br>continued")),
        ("1. a\n   continued", ol("a<br>continued")),
        ("* a\n- b", ul("a") + ul("b")),
        ("3. a\n4. b", ol("a", "b")),
        ("Hello\n* a\n* b", f"{P}Hello</p>{ul('a', 'b')}"),
        ("Hello\n2. a", f"{P}Hello<br>2. a</p>"),
        ("Hello\n1. a", f"{P}Hello</p>{ol('a')}"),
        ("Hello\n*", f"{P}Hello<br>*</p>"),
        ("* a\n\ntext", f"{ul('a')}{P}text</p>"),
        ("* a\n# b", f"{ul('a')}{H2}b</h2>"),
        ("* a\n* * *", f"{ul('a')}{HR}"),
        ("**bold** text", ul(ul("bold** text"))),
        ("-5 degrees", ul("5 degrees")),
        ("* a\n\n  more", f"{TABLE}{UL}{LI}{P}a</p>{P}more</p></li></ul>{END_TABLE}"),
    ],
)
def test_derived_lists(markdown: str, expected: str) -> None:
    assert render_markdown(markdown) == expected


def test_deep_nesting_stops_at_mistunes_limit() -> None:
    assert render_markdown("^ ^ ^ ^ ^ ^ deep") == QUOTE * 5 + f"{P}^ deep</p>" + "</blockquote></div>" * 5


def test_crlf_and_cr_are_newlines() -> None:
    assert render_markdown("a\r\nb\rc\r\n\r\nd") == f"{P}a<br>b<br>c</p>{P}d</p>"


# ---------------------------------------------------------------------------------------------
# email_html_body: the template and each value escaped on their own, nothing trimmed
# ---------------------------------------------------------------------------------------------


def test_email_html_body_fills_escapes_and_lists() -> None:
    html = email_html_body("Dear ((name)),\n\n((items))", {"name": "<b>Jo</b>", "items": ["tea & cake", "jam"]})
    assert html == f"{P}Dear &lt;b&gt;Jo&lt;/b&gt;,</p>{ul('tea &amp; cake', 'jam')}"


def test_email_html_body_conditional_and_insensitive_keys() -> None:
    assert email_html_body("((First Name)) ((show??Shown))", {"first_name": "Jo", "SHOW": "yes"}) == f"{P}Jo Shown</p>"


def test_email_html_body_does_not_trim_the_content() -> None:
    # Leading spaces make an indented code block, which Notify returns unwrapped.
    assert email_html_body("    ((x))", {"x": "code"}) == "code"
    assert render_email_html("    code".strip()) == f"{P}code</p>"
