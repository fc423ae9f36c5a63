"""The ``html`` of an email preview: Notify's markdown subset with its inline-styled tags (reference §3.11).

Notify builds it in ``HTMLEmailTemplate.html_body`` (notifications-utils): fill the placeholders with
HTML escaped in the template and in every value, put a zero-width space into "GOV.UK" so that email
clients do not link it, drop unsupported characters, render the markdown, then apply "nice typography"
(curly quotes, spaced en dashes) to the HTML.

The markdown is mistune's, cut down and patched by Notify: ``^`` marks inset text, ``•`` ``*`` ``-`` and
``1.`` start list items with or without a following space, ``+`` is never a bullet, emphasis and inline
code are left as typed, tables and images vanish, bare ``http(s)://`` URLs become links and every line
break is a ``<br>``. The renderer here reproduces that subset; it is not a general markdown parser.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

# The escaping, filling and typography must be exactly the ones the subjects and bodies use, so
# they are shared with the rendering module rather than restated.
from pytest_notify.domain.rendering import escape_html, fill_placeholders, list_as_markdown, nice_typography

__all__ = ["email_html_body", "render_email_html", "render_markdown"]

# Notify's tags (notifications-utils markdown.py, NotifyEmailMarkdownRenderer).
_P = '<p style="Margin: 0 0 20px 0; font-size: 19px; line-height: 25px; color: #0B0C0C;">'
# "# " gives an <h2> (27px/35px), "## " an <h3> (19px/25px), deeper headings a paragraph.
_HEADING = (
    '<h{0} style="Margin: 0 0 15px 0; padding: 10px 0 0 0; font-size: {1}px; line-height: {2}px; '
    'font-weight: bold; color: #0B0C0C;">{3}</h{0}>'
)
_HR = '<hr style="border: 0; height: 1px; background: #B1B4B6; Margin: 30px 0 30px 0;">'
# The missing space in "border-left: ...;padding" and "19px;line-height" is Notify's.
_QUOTE = (
    '<div style="Margin: 0 0 20px 0;"><blockquote style="Margin: 0; border-left: 10px solid #B1B4B6;'
    'padding: 15px 0 0.1px 15px; font-size: 19px; line-height: 25px;">{}</blockquote></div>'
)
_LIST = (
    '<table role="presentation" style="padding: 0 0 20px 0;"><tr>'
    '<td style="font-family: Helvetica, Arial, sans-serif;">{}</td></tr></table>'
)
_OL = '<ol style="Margin: 0 0 0 20px; padding: 0; list-style-type: decimal;">{}</ol>'
_UL = '<ul style="Margin: 0 0 0 20px; padding: 0; list-style-type: disc;">{}</ul>'
_LI = '<li style="Margin: 5px 0 5px; padding: 0 0 0 5px; font-size: 19px;line-height: 25px; color: #0B0C0C;">{}</li>'
_LINK_STYLE = "word-wrap: break-word; color: #1D70B8;"
_PROTOCOLS = ("ftp:", "file:", "http:", "https:", "mailto:", "tel:")

# --- The pipeline -----------------------------------------------------------------------------

_GOVUK = re.compile(r"(^|\s)(#|\*|\^)?(GOV)\.(UK)(?!\/|\?|#)", re.IGNORECASE)


def render_email_html(markdown: str) -> str:
    """Notify's ``html`` for email content whose placeholders are already filled in.

    HTML in ``markdown`` is escaped first, as Notify escapes the template and the values.
    """
    return _finish(escape_html(markdown))


def email_html_body(content: str, values: Mapping[str, Any]) -> str:
    """``html_body`` of an email template: ``content`` filled with ``values``, then rendered.

    Unlike ``render_email_html(render_email_body(content, values))``, the content is not trimmed
    first, and the template text and each value are escaped separately, as Notify does.
    """
    return _finish(fill_placeholders(content, values, format_list=list_as_markdown, escape=escape_html))


def _finish(escaped: str) -> str:
    # unlink_govuk_escaped, strip_unsupported_characters, add_trailing_newline, markdown, typography.
    text = _GOVUK.sub("\\1\\2\\3.\u200b\\4", escaped)
    text = text.replace("\u2028", "").replace("\u3164", "")
    return nice_typography(render_markdown(text + "\n"))


def render_markdown(text: str) -> str:
    """Notify's ``notify_email_markdown`` alone: no escaping beforehand, no typography after.

    Raw HTML is not recognised (Notify never lets any reach the markdown), so ``<`` is escaped.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return _render(_parse(lines, 0, _TOP))


# --- Blocks -----------------------------------------------------------------------------------

_TOP, _IN_QUOTE, _IN_LIST = "top", "quote", "list"
# mistune stops recognising lists and inset text this deep (max_nested_level 6, minus one).
_MAX_DEPTH = 5

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*(.*)$")
_INDENTED = re.compile(r"^(?: {4}| *\t)")
# "#heading" is a heading too: Notify does not require the space.
_ATX = re.compile(r"^ {0,3}(#{1,6})(?!#)([ \t]*.*?)$")
_ATX_CLOSING = re.compile(r"(\s+|^)#+\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|(?:\*[ \t]*){3,})$")
_QUOTE_START = re.compile(r"^ {0,3}\^.")
_QUOTE_LINE = re.compile(r"^ *\^.")
_QUOTE_MARK = re.compile(r"^ *\^ ?")
_LIST_ITEM = re.compile(r"^( {0,3})([•*-]|\d{1,9}\.)([ \t]*.*)$")
_PLUS = re.compile(r"^ {0,3}\+")
_TABLE_ROW = re.compile(r"^ {0,3}\|(.+)\|[ \t]*$")
_TABLE_ALIGN = re.compile(r"^ {0,3}\|( *[-:]+[-| :]*)\|[ \t]*$")
_NPTABLE_HEAD = re.compile(r"^ {0,3}(\S.*\|.*)$")
_NPTABLE_ALIGN = re.compile(r"^ {0,3}([-:]+ *\|[-| :]*)$")
_NPTABLE_ROW = re.compile(r"(.*\|.*)")
_LEADING_TAB = re.compile(r"^( {0,3})\t")
_CELL_SPLIT = re.compile(r" *(?<!\\)\| *")


@dataclass
class _Block:
    kind: str  # paragraph, heading, hr, code, quote, list, table, blank
    text: str = ""
    level: int = 0
    children: list[_Block] = field(default_factory=list)
    items: list[list[_Block]] = field(default_factory=list)
    ordered: bool = False
    tight: bool = True


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _expand_leading_tab(line: str) -> str:
    return _LEADING_TAB.sub(lambda match: match.group(1).ljust(4), line)


def _parse(lines: list[str], depth: int, context: str) -> list[_Block]:
    """Split lines into blocks, as mistune's block parser with Notify's rules does."""
    blocks: list[_Block] = []
    nested, i = depth < _MAX_DEPTH, 0
    while i < len(lines):
        line, block = lines[i], None
        last = blocks[-1] if blocks and blocks[-1].kind == "paragraph" else None
        fence = _FENCE.match(line)
        if not line.strip():
            block, i = (None if blocks and blocks[-1].kind == "blank" else _Block("blank")), i + 1
        elif fence and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
            block, i = _parse_fence(lines, i, fence)
        elif _INDENTED.match(line) and not last:  # indented code cannot interrupt a paragraph
            block, i = _parse_indented(lines, i)
        elif heading := _ATX.match(line):
            text = heading.group(2).strip()
            block, i = _Block("heading", _ATX_CLOSING.sub("", text) if text else "", len(heading.group(1))), i + 1
        elif last and context != _IN_LIST and (setext := _SETEXT.match(line)):
            last.kind, last.level, i = "heading", 1 if setext.group(1)[0] == "=" else 2, i + 1
        elif _THEMATIC.match(line):
            block, i = _Block("hr"), i + 1
        elif nested and _QUOTE_START.match(line):
            block, i = _parse_quote(lines, i, depth)
        elif nested and (item := _LIST_ITEM.match(line)) and _may_start_list(item, last):
            block, i = _parse_list(lines, i, item, depth)
        elif context == _TOP and (table_end := _table_end(lines, i)):
            block, i = _Block("table"), table_end
        elif last and not (context == _TOP and _PLUS.match(line)):
            last.text, i = f"{last.text}\n{line}", i + 1
        else:  # "+ text" is no list item, but each such line starts a paragraph of its own
            block, i = _Block("paragraph", line), i + 1
        if block is not None:
            blocks.append(block)
    return blocks


def _parse_fence(lines: list[str], i: int, fence: re.Match[str]) -> tuple[_Block, int]:
    indent, marker = len(fence.group(1)), fence.group(2)
    closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
    end = i + 1
    while end < len(lines) and not closing.match(lines[end]):
        end += 1
    code = "\n".join(re.sub(rf"^ {{0,{indent}}}", "", line) if indent else line for line in lines[i + 1 : end])
    return _Block("code", code.rstrip("\n")), min(end + 1, len(lines))


def _parse_indented(lines: list[str], i: int) -> tuple[_Block, int]:
    end = i
    while end < len(lines) and (_INDENTED.match(lines[end]) or not lines[end].strip()):
        end += 1
    while end > i and not lines[end - 1].strip():  # trailing blank lines are not part of the code
        end -= 1
    code = "\n".join(re.sub(r"^ {1,4}", "", _expand_leading_tab(line)) for line in lines[i:end])
    return _Block("code", code.strip("\n")), end


def _parse_quote(lines: list[str], i: int, depth: int) -> tuple[_Block, int]:
    # Notify's rule: a "^" line, then any non-empty lines, then empty lines, repeated while the next
    # line is another "^" line. The marker is removed from every line that has one.
    end = i
    while end < len(lines) and _QUOTE_LINE.match(lines[end]):
        end += 1
        while end < len(lines) and lines[end]:
            end += 1
        while end < len(lines) and not lines[end]:
            end += 1
    body = [_QUOTE_MARK.sub("", line) for line in lines[i:end]]
    return _Block("quote", children=_parse(body, depth + 1, _IN_QUOTE)), end


def _may_start_list(item: re.Match[str], paragraph: _Block | None) -> bool:
    """Whether a list item may interrupt ``paragraph`` (CommonMark's rule, as mistune applies it)."""
    marker = item.group(2)
    starts_at_one = not marker.endswith(".") or int(marker[:-1]) == 1
    return paragraph is None or (bool(item.group(3).strip()) and starts_at_one)


def _parse_list(lines: list[str], i: int, first: re.Match[str], depth: int) -> tuple[_Block, int]:
    marker = first.group(2)
    # A different bullet starts a new list; all numbers count as the same "bullet".
    bullet = r"\d{0,9}\." if marker.endswith(".") else re.escape(marker)
    block = _Block("list", ordered=marker.endswith("."))
    groups: tuple[str, ...] | None = first.groups()
    i += 1
    while groups is not None:
        groups, i = _parse_item(lines, i, groups, bullet, block, depth)
    return block, i


def _parse_item(
    lines: list[str], i: int, groups: tuple[str, ...], bullet: str, block: _Block, depth: int
) -> tuple[tuple[str, ...] | None, int]:
    """One list item from ``groups`` (its first line) on; returns the next item's groups, if any."""
    spaces, marker, text = groups
    # Notify's patch: continuation lines need only be indented as far as the marker's end.
    width = len(spaces) + len(marker)
    text, shallow = _expand_leading_tab(text), min(width, 3)
    text = text[1 if _indent(text) >= 5 else _indent(text) :] if text.strip() else ""
    next_item = re.compile(rf"^( {{0,{shallow}}})({bullet})([ \t]*.*)$")
    continuation, item_lines = " " * width, [text] if text else []
    next_groups: tuple[str, ...] | None = None
    blank_before = False
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            item_lines.append("")
            blank_before, i = True, i + 1
            continue
        line = _expand_leading_tab(line)
        if line.startswith(continuation):
            if blank_before and not text and not "".join(item_lines).strip():
                break  # an item can begin with at most one blank line
            item_lines.append(line[width:])
            blank_before, i = False, i + 1
            continue
        if _indent(line) <= shallow and not _THEMATIC.match(line) and (match := next_item.match(line)):
            block.tight = block.tight and not blank_before
            next_groups, i = match.groups(), i + 1
            break
        if blank_before or _ends_item(line, shallow):
            break
        item_lines.append(line)  # a lazy continuation line
        i += 1
    while item_lines and not item_lines[-1].strip():
        item_lines.pop()
    children = _parse(item_lines, depth + 1, _IN_LIST)
    loose = any(child.kind == "blank" for child in children) or [c.kind for c in children].count("paragraph") > 1
    block.tight = block.tight and not loose
    block.items.append(children)
    return next_groups, i


def _ends_item(line: str, shallow: int) -> bool:
    """A line that starts a block of its own at the list's level ends the current item."""
    patterns = (_THEMATIC, _FENCE, _ATX, _QUOTE_START, _LIST_ITEM)
    return _indent(line) <= shallow and any(pattern.match(line) for pattern in patterns)


def _table_end(lines: list[str], i: int) -> int | None:
    """Where a GFM table starting at ``i`` ends (the table plugin Notify enables renders it as nothing)."""
    if i + 1 >= len(lines):
        return None
    head, align, row = _TABLE_ROW.match(lines[i]), _TABLE_ALIGN.match(lines[i + 1]), _TABLE_ROW
    if not (head and align):
        head, align, row = _NPTABLE_HEAD.match(lines[i]), _NPTABLE_ALIGN.match(lines[i + 1]), _NPTABLE_ROW
    if not (head and align) or len(_CELL_SPLIT.split(head.group(1))) != len(_CELL_SPLIT.split(align.group(1))):
        return None
    end = i + 2
    while end < len(lines) and (match := row.match(lines[end])):
        if len(_CELL_SPLIT.split(match.group(1))) != len(_CELL_SPLIT.split(align.group(1))):
            return None  # one bad row and it is no table at all
        end += 1
    while end < len(lines) and not lines[end]:
        end += 1
    return end


def _render(blocks: list[_Block], tight: bool = False) -> str:
    out: list[str] = []
    for block in blocks:
        if block.kind == "paragraph":
            text = _inline(block.text.strip(" \r\n\t\f"))
            out.append(text if tight else _paragraph(text))
        elif block.kind == "heading":
            text = _inline(block.text.strip(" \r\n\t\f"))
            sizes = {1: (2, 27, 35), 2: (3, 19, 25)}.get(block.level)
            out.append(_HEADING.format(*sizes, text) if sizes else _paragraph(text))
        elif block.kind == "hr":
            out.append(_HR)
        elif block.kind == "code":
            out.append(block.text)  # Notify's block_code returns the code as it is, unwrapped
        elif block.kind == "quote":
            out.append(_QUOTE.format(_render(block.children)))
        elif block.kind == "list":
            items = "".join(_LI.format(_render(item, block.tight).strip()) for item in block.items)
            out.append(_LIST.format((_OL if block.ordered else _UL).format(items)))
    return "".join(out)


def _paragraph(text: str) -> str:
    return f"{_P}{text}</p>" if text.strip() else ""


# --- Inline -----------------------------------------------------------------------------------

# Backslash escapes of any ASCII punctuation except "<" (a quirk of Notify's that it kept).
_ESCAPABLE = string.punctuation.replace("<", "")
_PUNCTUATION = re.escape(string.punctuation)
_INLINE = re.compile(
    rf"(?P<escape>(?:\\[{re.escape(_ESCAPABLE)}])+)"
    r"|(?P<link>!?\[)"
    r"""|(?P<url>https?://[^\s<]+[^<.,:"')\]\s])"""
    r"|(?P<linebreak> *\n\s*)"
)
_UNESCAPE = re.compile(rf"\\([{_PUNCTUATION}])")
_BARE_AMPERSAND = re.compile(r"&(?!#[0-9]{1,7};|#[xX][0-9a-fA-F]+;|[^\t\n\f <&#;]{1,32};)")
_LINK_START = re.compile(r"[ \t]*\n?[ \t]*")
_LINK_TITLE = re.compile(rf"""[ \t\n]+("(?:\\[{_PUNCTUATION}]|[^"\x00])*"|'(?:\\[{_PUNCTUATION}]|[^'\x00])*')""")
_ASCII_WHITESPACE = " \t\n\r\f\v"


def _escape_text(text: str) -> str:
    """``&`` (unless it starts an entity), ``<`` and ``>`` escaped; quotes are left for typography."""
    return _BARE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def _inline(text: str, in_link: bool = False) -> str:
    out: list[str] = []
    position = 0
    while match := _INLINE.search(text, position):
        out.append(_escape_text(text[position : match.start()]))
        kind, position = match.lastgroup, match.end()
        if kind == "escape":
            # An escape is a text token of its own, so "\&amp;" gives "&amp;" + "amp;".
            out.append(_escape_text(_UNESCAPE.sub(r"\1", match.group())))
        elif kind == "linebreak":
            out.append("<br>")
        elif kind == "url":
            out.append(_escape_text(match.group()) if in_link else _anchor(match.group()))
        elif (link := _link(text, match, in_link)) is not None:
            html_text, position = link
            out.append(html_text)
        else:  # not a link after all: the "[" (or "!") is text
            position = match.start() + 1
            out.append(_escape_text(text[match.start()]))
    out.append(_escape_text(text[position:]))
    return "".join(out)


def _link(text: str, match: re.Match[str], in_link: bool) -> tuple[str, int] | None:
    """``[text](href "title")`` (a link) or ``![alt](src)`` (an image, which Notify drops)."""
    is_image = match.group().startswith("!")
    if in_link and not is_image:
        return None
    label_end = _closing_bracket(text, match.end())
    if label_end is None or not text.startswith("(", label_end + 1):
        return None
    if (target := _link_target(text, label_end + 2)) is None:
        return None
    url, title, end = target
    return ("" if is_image else _anchor(url, _inline(text[match.end() : label_end], in_link=True), title)), end


def _closing_bracket(text: str, position: int) -> int | None:
    depth = 1  # brackets nest; a backslash escapes the next character
    while position < len(text):
        char = text[position]
        depth += (char == "[") - (char == "]")
        if depth == 0:
            return position
        position += 2 if char == "\\" else 1
    return None


def _link_target(text: str, position: int) -> tuple[str, str | None, int] | None:
    """The href, title and end of ``href "title")``, scanned as Notify's patched mistune does.

    (Notify also lets an href hold a placeholder's ``<span>``; no raw HTML reaches the markdown here.)
    """
    if leading_space := _LINK_START.match(text, position):
        position = leading_space.end()
    start, level = position, 0
    while position < len(text) and text[position] not in _ASCII_WHITESPACE:
        char = text[position]
        if char == "\x00":
            return None
        if char == ")" and level == 0:
            break
        level += (char == "(") - (char == ")")
        position += 2 if char == "\\" else 1
    position = min(position, len(text))
    if level or position == start:
        return None
    href, title = text[start:position], None
    if title_match := _LINK_TITLE.match(text, position):
        title, position = _UNESCAPE.sub(r"\1", title_match.group(1)[1:-1]), title_match.end()
    while position < len(text) and text[position] in _ASCII_WHITESPACE:
        position += 1
    if not text.startswith(")", position):
        return None
    href = quote(html.unescape(_UNESCAPE.sub(r"\1", href)), safe=":/?#@!$&()*+,;=%")  # mistune's escape_url
    return href, title, position + 1


def _anchor(url: str, link_text: str = "", title: str | None = None) -> str:
    """Notify's ``create_sanitised_html_for_url``: ``http://`` added to unknown schemes, href quoted."""
    link_text = link_text or url
    if not url.lower().startswith(_PROTOCOLS):
        url = f"http://{url}"
    href = quote(url, safe=":/?#=&;%")
    title_attribute = f' title="{title}"' if title else ""
    return f'<a style="{_LINK_STYLE}" href="{href}"{title_attribute}>{link_text}</a>'
