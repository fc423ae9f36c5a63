"""The letter PDF (reference §3.3, §3.8, §12): checked with pypdf, a standard reader and text extractor.

Layout measurements follow Notify's letter print stylesheet; these tests check what a reader of
the PDF sees (page size, the text and its order, page numbers) and that the file is well formed.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import warnings
import zlib

import pytest
from pypdf import PdfReader, PdfWriter

from pytest_notify.domain.letter_pdf import count_pdf_pages, is_pdf, render_letter_pdf
from pytest_notify.domain.pdf_writer import encode_text, text_width

DATE = dt.date(2026, 5, 17)
ADDRESS = ("Jo Bloggs", "1 Example Street", "London", "SW1A 1AA")
CONTACT = "Pigeon Affairs Bureau\n10 Whitechapel High Street\nLondon\nE1 8QS"
A4 = (595.28, 841.89)


def render(body: str = "Hello.", **overrides: object) -> bytes:
    arguments: dict[str, object] = {
        "address_lines": ADDRESS,
        "subject": "Your application",
        "body": body,
        "contact_block": CONTACT,
        "date": DATE,
    }
    arguments.update(overrides)
    return render_letter_pdf(**arguments)  # type: ignore[arg-type]


def read(data: bytes) -> PdfReader:
    """Open strictly: pypdf raises on malformed structure and any warning fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reader = PdfReader(io.BytesIO(data), strict=True)
        for page in reader.pages:
            page.extract_text()
    return reader


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in read(data).pages]


def text_of(data: bytes) -> str:
    return "\n".join(page_texts(data))


def lines_of(data: bytes) -> list[str]:
    return [line.strip() for line in text_of(data).splitlines() if line.strip()]


def assert_in_order(text: str, *parts: str) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} not found after position {position} in {text!r}"
        position = found + len(part)


def filler(paragraphs: int) -> str:
    return "\n\n".join(
        f"Paragraph {n} of the filler text, long enough to wrap onto a second line." for n in range(paragraphs)
    )


# ---------------------------------------------------------------------------------------------
# A valid PDF
# ---------------------------------------------------------------------------------------------


def test_opens_strictly_with_no_warnings(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    reader = read(render(filler(60)))
    assert len(reader.pages) > 1
    assert [record for record in caplog.records if record.name.startswith("pypdf")] == []


def test_every_page_is_a4() -> None:
    for page in read(render(filler(60))).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == A4


def test_structure_xref_offsets_and_trailer() -> None:
    data = render(filler(40))
    assert data.startswith(b"%PDF-1.4\n")
    assert data.endswith(b"%%EOF\n")
    startxref = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))  # type: ignore[union-attr]
    assert data[startxref:].startswith(b"xref\n0 ")
    size = int(data[startxref:].split(b"\n")[1].split()[1])
    entries = data[startxref:].split(b"\n")[2 : 2 + size]
    assert entries[0] == b"0000000000 65535 f "
    for number, entry in enumerate(entries[1:], start=1):
        assert len(entry) + 1 == 20  # each entry is exactly 20 bytes with its end of line
        offset = int(entry[:10])
        assert data[offset:].startswith(b"%d 0 obj\n" % number)
    assert re.search(
        rb"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R /ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\] >>" % size, data
    )


def test_content_streams_are_ascii_and_the_file_is_small() -> None:
    data = render("It’s “quoted” – naïve café…")
    assert data[15:].isascii()  # after the binary-marker comment of the header
    assert len(data) < 4000


def test_metadata_title_and_producer() -> None:
    metadata = read(render(title="Letter to Jo &amp; Sam ’ 漢字")).metadata
    assert metadata is not None
    assert metadata.title == "Letter to Jo & Sam ’ 漢字"  # metadata is not limited to WinAnsi
    assert metadata.producer == "pytest-govuk-notify"
    assert "/CreationDate" not in metadata


def test_deterministic() -> None:
    assert render(filler(30)) == render(filler(30))
    assert render(filler(30)) != render(filler(30), date=DATE + dt.timedelta(days=1))


# ---------------------------------------------------------------------------------------------
# What the letter says, and in what order
# ---------------------------------------------------------------------------------------------


def test_address_contact_block_date_subject_then_body() -> None:
    body = "Dear Jo,\n\nFirst paragraph.\n\n* apples\n* pears\n\nLast paragraph."
    text = text_of(render(body))
    assert_in_order(
        text,
        "JO BLOGGS",
        "1 EXAMPLE STREET",
        "LONDON",
        "SW1A 1AA",
        "Pigeon Affairs Bureau",
        "10 Whitechapel High Street",
        "E1 8QS",
        "17 May 2026",
        "Your application",
        "Dear Jo,",
        "First paragraph.",
        "apples",
        "pears",
        "Last paragraph.",
        "Page 1 of 1",
    )


def test_address_is_printed_in_upper_case_as_notify_prints_it() -> None:
    lines = lines_of(render(address_lines=("Mr ß Example", "Flat 1", "sw1a 1aa")))
    assert lines[:3] == ["MR SS EXAMPLE", "FLAT 1", "SW1A 1AA"]


def test_no_contact_block() -> None:
    lines = lines_of(render(contact_block=None))
    assert lines[:6] == ["JO BLOGGS", "1 EXAMPLE STREET", "LONDON", "SW1A 1AA", "17 May 2026", "Your application"]


def test_date_has_no_leading_zero_and_english_month() -> None:
    assert "3 January 2027" in text_of(render(date=dt.date(2027, 1, 3)))


def test_subject_entities_are_decoded() -> None:
    text = text_of(render(subject="Re: Jo &amp; co – x &lt;b&gt;"))
    assert "Re: Jo & co – x <b>" in text
    assert "&amp;" not in text


def test_body_paragraphs_and_line_breaks() -> None:
    lines = lines_of(render("First line\nsecond line\r\nthird line\n\n\n\nNext paragraph"))
    assert_in_order("\n".join(lines), "First line\nsecond line\nthird line\nNext paragraph")


def test_heading_and_deeper_headings() -> None:
    lines = lines_of(render("# Main heading\n\nText.\n\n## Smaller\n\nUnderlined\n===\n\nMore."))
    assert "Main heading" in lines
    assert "Smaller" in lines
    assert "Underlined" in lines
    assert not any(line.startswith("#") or line.startswith("===") for line in lines)


def test_bulleted_and_numbered_lists() -> None:
    text = text_of(render("Intro:\n\n* one\n- two\n• three\n\nThen:\n\n1. first\n2. second\n10. third"))
    assert_in_order(text, "Intro:", "•", "one", "•", "two", "•", "three", "Then:", "1.", "first", "2.", "second", "3.")
    assert "third" in text
    assert "10." not in text  # numbered from 1, as HTML numbers an <ol>


def test_list_item_continuation_lines() -> None:
    lines = lines_of(render("* item one\n  continues here\n* item two"))
    assert_in_order("\n".join(lines), "item one\ncontinues here", "item two")


def test_links_print_as_notify_prints_them() -> None:
    text = text_of(render("Apply at https://www.gov.uk/apply. Or use [the form](https://example.com/form)."))
    assert "Apply at www.gov.uk/apply. Or use the form: example.com/form." in text
    assert "https://" not in text


def test_emphasis_is_not_rendered_and_escapes_are() -> None:
    text = text_of(render("Some **bold** and _under_ text, 2 \\* 3"))
    assert "Some **bold** and _under_ text, 2 * 3" in text


def test_html_tags_print_as_typed_and_references_decoded() -> None:
    text = text_of(render("<b>Not bold</b> &amp; &pound;5 &copy"))
    assert "<b>Not bold</b> & £5 &copy" in text


def test_block_quote_prints_as_a_paragraph() -> None:
    lines = lines_of(render("^ Quoted one\n^ quoted two\n\nAfter."))
    assert_in_order("\n".join(lines), "Quoted one\nquoted two\nAfter.")


@pytest.mark.parametrize("rule", ["***", "---", "* * *", "___"])
def test_rules_are_page_breaks(rule: str) -> None:
    texts = page_texts(render(f"Before.\n\n{rule}\n\nAfter."))
    assert len(texts) == 2
    assert "Before." in texts[0]
    assert "After." in texts[1]
    assert "Page 1 of 2" in texts[0]
    assert "Page 2 of 2" in texts[1]


def test_dashes_under_text_are_not_a_page_break() -> None:
    assert len(page_texts(render("Some text\n---\n\nMore."))) == 1


def test_trailing_page_break_adds_no_page() -> None:
    assert len(page_texts(render("Text.\n\n***"))) == 1


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def test_long_body_flows_onto_numbered_pages() -> None:
    texts = page_texts(render(filler(120)))
    assert len(texts) >= 4
    for number, text in enumerate(texts, start=1):
        assert text.rstrip().endswith(f"Page {number} of {len(texts)}")
    # Nothing is lost or repeated across the page breaks.
    found = [int(n) for n in re.findall(r"Paragraph (\d+) of", "\n".join(texts))]
    assert found == list(range(120))
    assert "JO BLOGGS" in texts[0]
    assert "JO BLOGGS" not in "".join(texts[1:])


def test_lines_are_wrapped_within_the_text_column() -> None:
    word = "wrap "
    lines = lines_of(render(word * 300))
    body = [line for line in lines if line.startswith("wrap")]
    assert len(body) > 5
    width = 137.5 * 72 / 25.4
    assert all(text_width(line, "F1", 12.5) <= width for line in body)
    assert sum(line.count("wrap") for line in body) == 300


def test_a_heading_never_ends_a_page() -> None:
    for paragraphs in range(28, 44):
        texts = page_texts(render(f"{filler(paragraphs)}\n\n# Stranded heading\n\nThe text under it."))
        for text in texts:
            lines = [line for line in text.splitlines() if line.strip()]
            assert lines[-2] != "Stranded heading", paragraphs  # the last line is the page number


def test_very_long_word_does_not_break_anything() -> None:
    assert "x" * 500 in text_of(render("x" * 500))


def test_empty_body() -> None:
    assert page_texts(render(""))[0].rstrip().endswith("Page 1 of 1")


# ---------------------------------------------------------------------------------------------
# Characters
# ---------------------------------------------------------------------------------------------


def test_typographic_characters_survive() -> None:
    typographic = "It’s ‘single’ and “double” – en — em … dots • bullet € £ é"
    text = text_of(render(typographic, subject="Subject’s “quotes” – …", contact_block="O’Brien – Office"))
    assert typographic in text
    assert "Subject’s “quotes” – …" in text
    assert "O’Brien – Office" in text


def test_unencodable_characters_become_question_marks() -> None:
    text = text_of(render("漢字 and emoji 😀 and Ω", subject="Привет", address_lines=("Ελένη", "1 Road", "SW1A 1AA")))
    assert "?? and emoji ? and ?" in text
    assert "??????" in text
    assert "?????" in text


def test_lookalikes_and_invisible_characters() -> None:
    assert encode_text("non\u2011breaking \u2212 minus\u200b\u00ad") == b"non-breaking - minus"
    assert encode_text("tab\x07bell") == b"tab?bell"
    assert "a (b) \\ c" in text_of(render("a (b) \\ c"))


# ---------------------------------------------------------------------------------------------
# Counting pages, is_pdf
# ---------------------------------------------------------------------------------------------


def pages_letter(pages: int) -> bytes:
    return render("\n\n***\n\n".join(f"Page {n} body." for n in range(pages)))


@pytest.mark.parametrize("pages", [1, 2, 5])
def test_count_pages_of_our_letters(pages: int) -> None:
    data = pages_letter(pages)
    assert len(read(data).pages) == pages
    assert count_pdf_pages(data) == pages


def test_count_pages_of_an_overflowing_letter() -> None:
    data = render(filler(150))
    assert count_pdf_pages(data) == len(read(data).pages) > 4


def pypdf_blank(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("pages", [1, 3, 12])
def test_count_pages_of_a_pdf_made_by_pypdf(pages: int) -> None:
    data = pypdf_blank(pages)
    assert count_pdf_pages(data) == len(PdfReader(io.BytesIO(data)).pages) == pages


def object_stream_pdf(pages: int) -> bytes:
    """A PDF 1.5 with its page tree packed in a compressed object stream, as Chrome and Word write them."""
    kids = " ".join(f"{3 + n} 0 R" for n in range(pages))
    packed = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>",
        *["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages,
    ]
    offsets, body = [], b""
    for obj in packed:
        offsets.append(len(body))
        body += obj.encode() + b"\n"
    header = " ".join(f"{number} {offset}" for number, offset in enumerate(offsets, start=1)).encode() + b"\n"
    stream = zlib.compress(header + body)
    stream_number, xref_number = len(packed) + 1, len(packed) + 2
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    stream_offset = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        stream_number,
        len(packed),
        len(header),
        len(stream),
    )
    out += stream + b"\nendstream\nendobj\n"
    xref_offset = len(out)

    def row(kind: int, field: int, index: int) -> bytes:
        return bytes([kind]) + field.to_bytes(4, "big") + index.to_bytes(2, "big")

    rows = [row(0, 0, 65535), *(row(2, stream_number, n) for n in range(len(packed)))]
    rows += [row(1, stream_offset, 0), row(1, xref_offset, 0)]
    xref = b"".join(rows)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % (
        xref_number,
        xref_number + 1,
        len(xref),
    )
    out += xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


@pytest.mark.parametrize("pages", [1, 4])
def test_count_pages_in_compressed_object_streams(pages: int) -> None:
    data = object_stream_pdf(pages)
    assert len(PdfReader(io.BytesIO(data)).pages) == pages
    assert count_pdf_pages(data) == pages


def test_count_pages_after_incremental_updates() -> None:
    # The updated page tree is appended; the old one, still in the file, must not count.
    grown = PdfWriter(io.BytesIO(pages_letter(2)), incremental=True)
    grown.add_blank_page()
    out = io.BytesIO()
    grown.write(out)
    assert count_pdf_pages(out.getvalue()) == len(PdfReader(out).pages) == 3

    shrunk = PdfWriter(io.BytesIO(pages_letter(5)), incremental=True)
    shrunk.remove_page(0)
    out = io.BytesIO()
    shrunk.write(out)
    assert count_pdf_pages(out.getvalue()) == len(PdfReader(out).pages) == 4


def test_count_pages_without_a_page_tree_counts_page_objects() -> None:
    data = b"%PDF-1.4\n1 0 obj\n<< /Type /Page >>\nendobj\n2 0 obj\n<</Type/Page/Contents 3 0 R>>\nendobj\n"
    assert count_pdf_pages(data) == 2
    assert count_pdf_pages(b"%PDF-1.7\ngarbage") == 0
    broken_object_stream = b"%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /First 4 /Filter /FlateDecode >>\nstream\n"
    assert count_pdf_pages(broken_object_stream + zlib.compress(b"x y z /Type /Page") + b"\nendstream") == 0


@pytest.mark.parametrize("data", [b"", b"hello", b"PK\x03\x04zipfile", b"%PDX-1.4", b"\x00" * 2000 + b"%PDF-1.4"])
def test_not_a_pdf(data: bytes) -> None:
    assert count_pdf_pages(data) is None
    assert not is_pdf(data)


def test_is_pdf() -> None:
    assert is_pdf(render())
    assert is_pdf(pypdf_blank(1))
    assert is_pdf(b"\r\n%PDF-1.7\n")  # readers allow bytes before the header
