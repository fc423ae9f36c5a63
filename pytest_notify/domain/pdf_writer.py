"""A minimal PDF writer and reader for text-only documents, with no PDF library.

:func:`build_pdf` writes pages of text in the standard Type 1 fonts Helvetica and Helvetica-Bold,
which every PDF reader must provide, so nothing is embedded and the output stays small.
:func:`count_pdf_pages` finds the page count of any PDF, ours or a client's, by reading its page tree.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
import zlib
from collections.abc import Iterator, Sequence

__all__ = [
    "A4",
    "FONT_BOLD",
    "FONT_REGULAR",
    "build_pdf",
    "count_pdf_pages",
    "encode_text",
    "is_pdf",
    "pdf_number",
    "pdf_string",
    "text_width",
]

A4 = (595.28, 841.89)
FONT_REGULAR = "F1"
FONT_BOLD = "F2"
_BASE_FONTS = {FONT_REGULAR: "Helvetica", FONT_BOLD: "Helvetica-Bold"}

# Advance widths (1/1000 em) of WinAnsi codes 32 to 255, from Adobe's Core 14 AFM files
# (Helvetica.afm, Helvetica-Bold.afm; via pypdf's core_font_metrics). Line wrapping needs them,
# and they match what readers and text extractors use for the standard fonts.
_WIDTHS = {
    FONT_REGULAR: (
        "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
        "278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667 "
        "611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 500 222 833 "
        "556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584 0 556 0 222 556 333 1000 556 556 333 "
        "1000 667 333 1000 0 611 0 0 222 222 333 333 350 556 1000 333 1000 500 333 944 0 500 667 278 333 556 556 "
        "556 556 260 556 333 737 370 556 584 333 737 333 400 584 333 333 333 556 537 278 333 333 365 556 834 834 "
        "834 611 667 667 667 667 667 667 1000 722 667 667 667 667 278 278 278 278 722 722 778 778 778 778 778 584 "
        "778 722 722 722 722 667 667 611 556 556 556 556 556 556 889 500 556 556 556 556 278 278 278 278 556 556 "
        "556 556 556 556 556 584 611 556 556 556 556 500 556 500"
    ),
    FONT_BOLD: (
        "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
        "333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 667 "
        "611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 611 278 278 556 278 889 "
        "611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584 0 556 0 278 556 500 1000 556 556 333 "
        "1000 667 333 1000 0 611 0 0 278 278 500 500 350 556 1000 333 1000 556 333 944 0 500 667 278 333 556 556 "
        "556 556 280 556 333 737 370 556 584 333 737 333 400 584 333 333 333 611 556 278 333 333 365 556 834 834 "
        "834 611 722 722 722 722 722 722 1000 722 667 667 667 667 278 278 278 278 722 722 778 778 778 778 778 584 "
        "778 722 722 722 722 667 667 611 556 556 556 556 556 556 889 556 556 556 556 556 278 278 278 278 611 611 "
        "611 611 611 611 611 584 611 611 611 611 611 556 611 556"
    ),
}
_WIDTH_TABLES = {font: tuple(int(width) for width in table.split()) for font, table in _WIDTHS.items()}

# Lookalikes of characters WinAnsi lacks; the typographic quotes, dashes, ellipsis and bullet
# are in WinAnsi (cp1252) itself.
_LOOKALIKES = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2212": "-",
        "\u2032": "'",
        "\u2033": '"',
        "\u202f": "\u00a0",
        **{chr(code): " " for code in range(0x2000, 0x200B)},
    }
)


def encode_text(text: str) -> bytes:
    """``text`` in WinAnsiEncoding: lookalikes for a few characters, ``?`` for anything else it lacks."""
    text = text.translate(_LOOKALIKES)
    # Invisible format characters (zero-width space, soft hyphen, BOM) print as nothing in a letter.
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    # Control characters have no glyph in Helvetica; they would print as blanks or garbage.
    text = "".join("?" if unicodedata.category(c) == "Cc" or c == "\x7f" else c for c in text)
    return text.encode("cp1252", errors="replace")


def text_width(text: str, font: str, size: float) -> float:
    """The printed width of ``text`` in points."""
    widths = _WIDTH_TABLES[font]
    return sum(widths[code - 32] if code >= 32 else 0 for code in encode_text(text)) * size / 1000


def pdf_string(text: str) -> bytes:
    """A PDF literal string; non-ASCII bytes as octal escapes so the content stream stays ASCII."""
    out = bytearray(b"(")
    for code in encode_text(text):
        if code in b"()\\":
            out += b"\\" + bytes([code])
        elif 32 <= code < 127:
            out.append(code)
        else:
            out += b"\\%03o" % code
    return bytes(out + b")")


def pdf_text_string(text: str) -> bytes:
    """A string for the document information (not page content): PDFDocEncoding differs from
    WinAnsi above 127, so anything beyond ASCII goes as UTF-16 with a byte order mark."""
    if text.isascii():
        return pdf_string(text)
    return b"<FEFF%s>" % text.encode("utf-16-be", errors="replace").hex().upper().encode()


def pdf_number(value: float) -> bytes:
    """A number for a PDF operand: at most two decimals, no trailing zeros."""
    # Two decimals are far finer than print needs, and fixed rounding keeps output deterministic.
    return (b"%.2f" % value).rstrip(b"0").rstrip(b".") or b"0"


def build_pdf(pages: Sequence[bytes], *, title: str, size: tuple[float, float] = A4) -> bytes:
    """A complete PDF with one page per content stream in ``pages``, fonts ``F1`` and ``F2`` available.

    The output depends only on the arguments: no dates, and the file ID is a hash of the content.
    """
    width, height = size
    fonts = b" ".join(b"/%s %d 0 R" % (name.encode(), 3 + index) for index, name in enumerate(_BASE_FONTS))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (6 + 2 * index) for index in range(len(pages))), len(pages)),
        *(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>" % base.encode()
            for base in _BASE_FONTS.values()
        ),
        b"<< /Title %s /Producer (pytest-govuk-notify) >>" % pdf_text_string(title),
    ]
    for index, content in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Resources << /Font << %s >> >> /Contents %d 0 R >>"
            % (pdf_number(width), pdf_number(height), fonts, 7 + 2 * index)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    # The binary comment tells transfer tools the file is binary, as the PDF spec recommends.
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    file_id = hashlib.sha256(bytes(out)).hexdigest()[:32].encode()
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R /ID [<%s> <%s>] >>\n" % (len(objects) + 1, file_id, file_id)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# Reading: is it a PDF, and how many pages
# ---------------------------------------------------------------------------------------------

_OBJECT = re.compile(rb"(?<![0-9])\d+\s+\d+\s+obj\b")
_PAGES = re.compile(rb"/Type\s*/Pages\b")
_PAGE = re.compile(rb"/Type\s*/Page\b")
_COUNT = re.compile(rb"/Count\s+(\d+)")
_PARENT = re.compile(rb"/Parent\b")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
_FIRST = re.compile(rb"/First\s+(\d+)")


def is_pdf(data: bytes) -> bool:
    """Whether ``data`` starts like a PDF: a ``%PDF-`` header within its first 1024 bytes, as readers allow."""
    return b"%PDF-" in data[:1024]


def _stream_data(body: bytes) -> bytes | None:
    """The decoded data of a Flate-encoded stream object, or None if it has none or will not inflate."""
    start = re.search(rb"\bstream\r?\n", body)
    if start is None or b"/FlateDecode" not in body[: start.start()]:
        return None
    try:
        # decompressobj stops at the end of the zlib data, so trailing bytes and "endstream" do no harm.
        return zlib.decompressobj().decompress(body[start.end() :])
    except zlib.error:
        return None


def _objects(data: bytes) -> Iterator[bytes]:
    """The dictionaries of every object, including those packed in object streams, in file order."""
    starts = [match.end() for match in _OBJECT.finditer(data)]
    for start, end in itertools.pairwise([*starts, len(data)]):
        body = data[start:end]
        stream = re.search(rb"\bstream\r?\n", body)
        yield body if stream is None else body[: stream.start()]
        if stream is not None and _OBJECT_STREAM.search(body, 0, stream.start()):
            first = _FIRST.search(body, 0, stream.start())
            packed = _stream_data(body)
            if first is not None and packed is not None:
                # The header is pairs of (object number, offset from /First); an object runs to the next one.
                numbers = [int(n) for n in re.findall(rb"\d+", packed[: int(first.group(1))])]
                offsets = [int(first.group(1)) + offset for offset in numbers[1::2]]
                for begin, finish in itertools.pairwise([*offsets, len(packed)]):
                    yield packed[begin:finish]


def count_pdf_pages(data: bytes) -> int | None:
    """The number of pages of a PDF, or None if ``data`` is not one (no ``%PDF-`` header).

    The count comes from the root of the page tree (the ``/Type /Pages`` node with no ``/Parent``;
    the last one wins, as an incremental update appends the new version). Without a page tree,
    ``/Type /Page`` objects are counted, so a damaged PDF may give 0.
    """
    if not is_pdf(data):
        return None
    root_count: int | None = None
    pages = 0
    for body in _objects(data):
        if _PAGES.search(body):
            count = _COUNT.search(body)
            if count is not None and not _PARENT.search(body):
                root_count = int(count.group(1))
        elif _PAGE.search(body):
            pages += 1
    return root_count if root_count is not None else pages
