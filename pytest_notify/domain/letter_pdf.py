"""The PDF of a templated letter, laid out as Notify's letter template does (reference §3.3, §3.8).

Measurements come from Notify's print stylesheet (notifications-utils ``letter_pdf/_main_css``):
A4, the address in the envelope window at the top left (upper case, 8pt), the service's contact
block at the top right, then the date, the subject as a heading and the body, with
``Page N of M`` at the bottom right of every page.

The body is Notify's letter markdown, rendered as Notify's letter renderer does:

* a blank line separates paragraphs; a single newline is a line break (Notify uses ``hard_wrap``);
* ``# heading`` is a bold heading; ``##`` and deeper headings are plain paragraphs;
* lines starting ``*``, ``-`` or ``•`` make a bulleted list, ``1.`` a numbered one (numbered from 1,
  as HTML does); nested lists are flattened;
* ``---`` and ``***`` (any horizontal rule) start a new page, as Notify turns rules into page breaks;
  a line of ``---`` or ``===`` right under text makes that text a paragraph or a heading instead;
* ``^`` block quotes print as plain paragraphs; ``**bold**`` and ``_emphasis_`` print as typed,
  since Notify switches emphasis off;
* ``[text](https://url)`` prints ``text: url`` and bare URLs print in bold without ``https://``;
* HTML character references print decoded (``&amp;`` as ``&``); tags print as typed.

Text that would not fit a page flows onto the next; a word too long for a line is not broken.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pytest_notify.domain.pdf_writer import (
    A4,
    FONT_BOLD,
    FONT_REGULAR,
    build_pdf,
    count_pdf_pages,
    is_pdf,
    pdf_number,
    pdf_string,
    text_width,
)

__all__ = ["count_pdf_pages", "is_pdf", "render_letter_pdf"]

_MM = 72 / 25.4
_PAGE_HEIGHT = A4[1]
_LEFT = 15 * _MM
_CONTENT_WIDTH = 137.5 * _MM
_FIRST_PAGE_CONTENT_TOP = (10 + 94) * _MM  # page margin, then the body's padding below the address
_CONTENT_TOP = 15 * _MM
_CONTENT_BOTTOM = (297 - 15) * _MM  # all distances below are from the top of the page
_ADDRESS = (24.6 * _MM, 66.2 * _MM, 85 * _MM)  # left, bottom, width: the envelope window
_CONTACT = ((210 - 10 - 71.2) * _MM, 82.2 * _MM, 71.2 * _MM)
_FOOTER_RIGHT, _FOOTER_BASELINE = (210 - 10) * _MM, 282 * _MM + 9
_ASCENT, _DESCENT = 0.718, 0.207  # Helvetica's, in em: to put a baseline inside a CSS line box
# Not strftime("%B"): that follows the locale.
_MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
_MONTHS += ("August", "September", "October", "November", "December")


@dataclass(frozen=True)
class _Style:
    font: str
    size: float
    leading: float
    before: float = 0.0  # CSS margins; adjacent ones collapse to the larger
    after: float = 0.0


_DATE = _Style(FONT_REGULAR, 12.5, 16, 0, 16)
_SUBJECT = _Style(FONT_BOLD, 20, 23.4, 18.16, 7.68)
_HEADING = _Style(FONT_BOLD, 14, 17.4, 8.35, 16)  # 8.35pt is the h1 + h2 margin, the only case it wins
_TEXT = _Style(FONT_REGULAR, 12.5, 16, 0, 16)
_BULLET_INDENT, _NUMBER_INDENT = 0.8 * 12.5, 1.4 * 12.5  # the list paddings, 0.8em and 1.4em

_Span = tuple[str, bool]  # text and whether it is bold


# ---------------------------------------------------------------------------------------------
# Inline text
# ---------------------------------------------------------------------------------------------

# Only complete references are decoded, as Notify's escape_html does.
_REFERENCE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{0,31});")
_ESCAPE = re.compile(r"\\([\\`*{}\[\]()#+\-.!_>~|])")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^\s)>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_URL = re.compile(r"""https?://[^\s<]+[^<.,:"')\]\s]""")


def _plain(text: str) -> str:
    """Text as a reader sees it: character references decoded."""
    return _REFERENCE.sub(lambda match: html.unescape(match.group(0)), text)


def _plain_spans(text: str) -> list[_Span]:
    """Text that is not markdown (the date, subject and contact block) as one regular span."""
    return [(_plain(text), False)]


def _bold_url(url: str) -> _Span:
    # Notify's letter renderer prints links in bold with the protocol taken off.
    return re.sub(r"^https?://", "", url), True


def _inline(text: str) -> list[_Span]:
    """One line of markdown as spans: links and bare URLs bold, the rest regular."""
    text = _ESCAPE.sub(r"\1", _plain(text))
    spans: list[_Span] = []
    position = 0
    for match in re.finditer(f"{_LINK.pattern}|{_URL.pattern}", text):
        spans.append((text[position : match.start()], False))
        if match.group(0).startswith("["):
            spans += [(f"{match.group(1)}: ", False), _bold_url(match.group(2))]
        else:
            spans.append(_bold_url(match.group(0)))
        position = match.end()
    spans.append((text[position:], False))
    return [span for span in spans if span[0]]


# ---------------------------------------------------------------------------------------------
# Blocks: Notify's letter markdown
# ---------------------------------------------------------------------------------------------

_RULE = re.compile(r"^ {0,3}[-*_](?: *[-*_]){2,} *$")
_ATX = re.compile(r"^ *(#{1,6}) *(.+?) *#* *$")
_UNDERLINE = re.compile(r"^ *(=+|-+) *$")
_BULLET = re.compile(r"^ *([•*-]|\d+\.)[ \t]*")  # Notify's list grammar: no space needed after the marker
_LIST_AFTER_TEXT = re.compile(r"^ *([*+-]|\d+\.) ")  # what ends a paragraph (mistune's own list pattern)
_QUOTE = re.compile(r"^ *\^ ?")


@dataclass
class _Block:
    """A heading, a paragraph, a list (``ordered`` set) or a page break (no items)."""

    style: _Style
    items: list[list[str]]  # source lines, one list per list item (a single item otherwise)
    ordered: bool | None = None  # None: not a list


_BREAK = _Block(_TEXT, [])


def _underlined(lines: list[str], index: int) -> bool:
    return index + 1 < len(lines) and bool(lines[index].strip()) and bool(_UNDERLINE.match(lines[index + 1]))


def _starts_block(lines: list[str], index: int, *, in_quote: bool) -> bool:
    line = lines[index]
    return bool(
        not line.strip()
        or _RULE.match(line)
        or _ATX.match(line)
        or _LIST_AFTER_TEXT.match(line)
        or (_QUOTE.match(line) and not in_quote)
        or _underlined(lines, index)
    )


def _parse(body: str) -> list[_Block]:
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[_Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
        elif _RULE.match(line):
            blocks.append(_BREAK)
            index += 1
        elif heading := _ATX.match(line):
            blocks.append(_Block(_HEADING if len(heading.group(1)) == 1 else _TEXT, [[heading.group(2)]]))
            index += 1
        elif _underlined(lines, index):
            blocks.append(_Block(_HEADING if "=" in lines[index + 1] else _TEXT, [[line]]))
            index += 2
        elif bullet := _BULLET.match(line):
            index = _parse_list(lines, index, blocks, ordered="." in bullet.group(1))
        else:
            # A quote's lines make one paragraph, as Notify prints a block quote as its bare text.
            in_quote = bool(_QUOTE.match(line))
            paragraph = [_QUOTE.sub("", line)]
            index += 1
            while index < len(lines) and not _starts_block(lines, index, in_quote=in_quote):
                paragraph.append(_QUOTE.sub("", lines[index]) if in_quote else lines[index])
                index += 1
            blocks.append(_Block(_TEXT, [paragraph]))
    return blocks


def _parse_list(lines: list[str], index: int, blocks: list[_Block], *, ordered: bool) -> int:
    """Add the list starting at ``lines[index]``; return the index after it."""
    items: list[list[str]] = []
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            # After a blank line the list goes on only with another item or an indented line.
            following = next((i for i in range(index, len(lines)) if lines[i].strip()), len(lines))
            if following == len(lines) or not (lines[following].startswith(" ") or _BULLET.match(lines[following])):
                break
            index = following
            continue
        if _RULE.match(line):
            break
        if bullet := _BULLET.match(line):
            items.append([line[bullet.end() :]])
        else:
            items[-1].append(line)
        index += 1
    blocks.append(_Block(_TEXT, items, ordered=ordered))
    return index


# ---------------------------------------------------------------------------------------------
# Lines: word wrapping
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """One printed line: runs of text in one font each, from ``indent`` past the left margin."""

    style: _Style
    runs: tuple[tuple[str, str], ...]  # (text, font)
    indent: float = 0.0
    marker: str = ""  # a list item's bullet or number, set to the left of the text
    before: float = 0.0
    after: float = 0.0
    keep_with_next: bool = False
    page_break: bool = False


def _runs(words: list[list[_Span]], style: _Style) -> tuple[tuple[str, str], ...]:
    runs: list[tuple[str, str]] = []
    for number, word in enumerate(words):
        for piece_number, (text, bold) in enumerate(word):
            font = FONT_BOLD if bold else style.font
            text = " " + text if number and not piece_number else text
            if runs and runs[-1][1] == font:
                runs[-1] = (runs[-1][0] + text, font)
            else:
                runs.append((text, font))
    return tuple(runs)


def _width(runs: tuple[tuple[str, str], ...], size: float) -> float:
    return sum(text_width(text, font, size) for text, font in runs)


def _words(spans: list[_Span]) -> list[list[_Span]]:
    """Spans split at (ASCII) whitespace, so no-break spaces hold words together as in HTML."""
    words: list[list[_Span]] = [[]]
    for text, bold in spans:
        for number, piece in enumerate(re.split(r"[ \t\f\v]+", text)):
            if number:
                words.append([])
            if piece:
                words[-1].append((piece, bold))
    return [word for word in words if word]


def _wrap(spans: list[_Span], style: _Style, width: float) -> list[tuple[tuple[str, str], ...]]:
    """Greedy word wrap; an empty line still takes a line (as ``<br><br>`` does)."""
    lines: list[list[list[_Span]]] = [[]]
    for word in _words(spans):
        if lines[-1] and _width(_runs([*lines[-1], word], style), style.size) > width:
            lines.append([])
        lines[-1].append(word)
    return [_runs(line, style) for line in lines]


def _block_rows(block: _Block, inline: Callable[[str], list[_Span]] = _inline) -> list[_Row]:
    """The rows of a block, the block's margins on its first and last."""
    style = block.style
    if not block.items:
        return [_Row(style, (), page_break=True)]
    rows: list[_Row] = []
    indent = 0.0 if block.ordered is None else _NUMBER_INDENT if block.ordered else _BULLET_INDENT
    for number, item in enumerate(block.items, start=1):
        item_rows: list[_Row] = []
        for source_line in "\n".join(item).strip().split("\n"):
            for runs in _wrap(inline(source_line.strip()), style, _CONTENT_WIDTH - indent):
                item_rows.append(_Row(style, runs, indent, keep_with_next=style.font == FONT_BOLD))
        if block.ordered is not None:
            item_rows[0] = dataclasses.replace(item_rows[0], marker=f"{number}." if block.ordered else "•")
        rows += item_rows
    if not any(run for row in rows for run in row.runs):
        return []  # Notify drops paragraphs with no text
    rows[0] = dataclasses.replace(rows[0], before=style.before)
    rows[-1] = dataclasses.replace(rows[-1], after=style.after)
    return rows


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def _text(x: float, top: float, runs: Sequence[tuple[str, str]], size: float) -> bytes:
    """Text whose line starts at ``x`` with its baseline ``top`` points below the top of the page."""
    shows = b"".join(b"/%s %s Tf %s Tj " % (font.encode(), pdf_number(size), pdf_string(text)) for text, font in runs)
    return b"BT %s %s Td %sET\n" % (pdf_number(x), pdf_number(_PAGE_HEIGHT - top), shows)


def _baseline(top: float, style: _Style) -> float:
    """The baseline of a CSS line box whose top is ``top``: half the leading above the glyphs."""
    return top + (style.leading - (_ASCENT + _DESCENT) * style.size) / 2 + _ASCENT * style.size


def _header(address_lines: Sequence[str], contact_block: str | None) -> bytes:
    """The address (upper case, clipped to the window, sitting on its bottom edge) and contact block."""
    left, bottom, width = _ADDRESS
    address = [_plain(line).strip().upper() for line in address_lines if line.strip()]
    top = bottom - 8.5 * len(address)
    out = b"q %s %s %s %s re W n\n" % (
        pdf_number(left),
        pdf_number(_PAGE_HEIGHT - bottom),
        pdf_number(width),
        pdf_number(bottom - top),
    )
    for number, line in enumerate(address):
        baseline = _baseline(top + 8.5 * number, _Style(FONT_REGULAR, 8, 8.5))
        out += _text(left, baseline, [(line, FONT_REGULAR)], 8)
    out += b"Q\n"
    if contact_block and contact_block.strip():
        style = _Style(FONT_REGULAR, 10, 12)
        left, bottom, width = _CONTACT
        rows = [runs for line in contact_block.strip().split("\n") for runs in _wrap(_plain_spans(line), style, width)]
        for number, runs in enumerate(rows):
            out += _text(left, _baseline(bottom - 12 * (len(rows) - number), style), runs, 10)
    return out


def _paginate(rows: list[_Row]) -> list[bytes]:
    """Place rows down the pages, carrying margins over and breaking before a row that would not fit."""
    pages: list[bytearray] = [bytearray()]
    top, margin, at_top = _FIRST_PAGE_CONTENT_TOP, 0.0, True
    for index, row in enumerate(rows):
        if row.page_break:
            if index + 1 < len(rows) and not at_top:
                pages.append(bytearray())
                top, margin, at_top = _CONTENT_TOP, 0.0, True
            continue
        gap = 0.0 if at_top else max(margin, row.before)
        needed = gap + row.style.leading
        if row.keep_with_next and index + 1 < len(rows):
            needed += rows[index + 1].style.leading  # a heading must not end a page
        if top + needed > _CONTENT_BOTTOM and not at_top:
            pages.append(bytearray())
            top, gap = _CONTENT_TOP, 0.0
        top += gap
        baseline = _baseline(top, row.style)
        x = _LEFT + row.indent
        if row.marker:
            # Markers hang outside the text, as list-style-position: outside puts them.
            marker_x = x - 9 if row.marker == "•" else x - 4 - text_width(row.marker, FONT_REGULAR, row.style.size)
            pages[-1] += _text(marker_x, baseline, [(row.marker, FONT_REGULAR)], row.style.size)
        pages[-1] += _text(x, baseline, row.runs, row.style.size)
        top += row.style.leading
        margin, at_top = row.after, False
    return [bytes(page) for page in pages]


def render_letter_pdf(
    *,
    address_lines: Sequence[str],
    subject: str,
    body: str,
    contact_block: str | None = None,
    date: datetime.date,
    title: str = "Letter",
) -> bytes:
    """The letter as an A4 PDF, as many pages as the body needs, the same bytes for the same arguments.

    ``subject`` is the letter's rendered subject (HTML-escaped; references are decoded to print),
    ``body`` its markdown with placeholders filled in, ``contact_block`` the service's letter contact
    block (one line per line). Characters WinAnsiEncoding lacks print as ``?``.
    """
    date_text = f"{date.day} {_MONTHS[date.month - 1]} {date.year}"
    rows = [
        *_block_rows(_Block(_DATE, [[date_text]]), _plain_spans),
        *_block_rows(_Block(_SUBJECT, [[subject.replace("\n", " ")]]), _plain_spans),
    ]
    for block in _parse(body):
        rows += _block_rows(block)
    pages = _paginate(rows)
    pages[0] = _header(address_lines, contact_block) + pages[0]
    for number, page in enumerate(pages, start=1):
        label = f"Page {number} of {len(pages)}"
        x = _FOOTER_RIGHT - text_width(label, FONT_REGULAR, 10)
        pages[number - 1] = page + _text(x, _FOOTER_BASELINE, [(label, FONT_REGULAR)], 10)
    return build_pdf([page.rstrip(b"\n") for page in pages], title=_plain(title))
