"""The PDF reader on PDFs built in the test: detection, spans, split tables, shading, errors."""

from __future__ import annotations

import pytest

import nianbao
from nianbao.document import Cell, Paragraph, Table
from nianbao.errors import ReadError
from nianbao.plugins.pdf import PdfReader, PdfReadError
from nianbao.source import SourceInfo

from .pdfgen import PdfBuilder

pytest.importorskip("pdfplumber", reason="the pdf extra is not installed: pip install -e '.[pdf]'")

PDF = SourceInfo.from_uri("report.pdf")


def blocks_of(data: bytes) -> list[object]:
    return list(PdfReader().read(data, PDF).blocks)


def texts(blocks: list[object]) -> list[str]:
    return [b.text if isinstance(b, Paragraph) else "<table>" for b in blocks]


@pytest.mark.parametrize(
    ("head", "uri", "mimetype", "accepted"),
    [
        (b"%PDF-1.7\n", "a.pdf", None, True),
        (b"%PDF-1.4\n", "noext", None, True),  # magic bytes alone
        (b"\r\n\r\n%PDF-1.4\n", "a.bin", None, True),  # junk before the header is allowed
        (b"<html>", "a.PDF", None, True),  # by extension (then read says what it really is)
        (b"...", "download", "application/pdf", True),  # by declared mime type
        (b"hello", "a.txt", None, False),
        (b"PK\x03\x04", "a.docx", None, False),
    ],
)
def test_accepts(head, uri, mimetype, accepted):
    source = SourceInfo.from_uri(uri, mimetype=mimetype) if mimetype else SourceInfo.from_uri(uri)
    assert PdfReader().accepts(head, source) is accepted


def test_merged_cells_become_spans_with_none_in_the_covered_slots():
    b = PdfBuilder()
    b.page().table(72, 100, [120, 60, 60, 60], [24, 24, 24, 24], {
        (0, 0): ("Item", 2, 1), (0, 1): ("Applicants", 1, 3),
        (1, 1): "Person", (1, 2): "Company", (1, 3): "Total",
        (2, 0): "Received", (2, 1): "3", (2, 2): "1", (2, 3): "4",
        (3, 0): "Granted", (3, 1): "2", (3, 2): "", (3, 3): "2",
    })
    [table] = blocks_of(bytes(b))
    assert isinstance(table, Table)
    assert table.rows[0] == (Cell(text="Item", row=0, col=0, rowspan=2), Cell(text="Applicants", row=0, col=1,
                             colspan=3), None, None)
    assert table.rows[1][0] is None  # under Item's rowspan
    assert [c.text for c in table.rows[2]] == ["Received", "3", "1", "4"]
    assert table.rows[3][2] == Cell(text="", row=3, col=2)  # an empty cell is a cell, not a covered slot


def test_a_table_continued_on_the_next_page_is_two_consecutive_tables_between_the_text():
    b = PdfBuilder()
    b.page().text(100, 60, "Section two heading", 14).table(72, 100, [150, 100], [24] * 3, {
        (0, 0): "Item", (0, 1): "Count", (1, 0): "Licensing", (1, 1): "5", (2, 0): "Penalty", (2, 1): "7"})
    b.page().table(72, 72, [150, 100], [24] * 2, {(0, 0): "Enforcement", (0, 1): "9", (1, 0): "Fees",
                                                  (1, 1): "1.5"})
    b.pages[1].text(100, 150, "Section three heading", 14)
    blocks = blocks_of(bytes(b))
    assert texts(blocks) == ["Section two heading", "<table>", "<table>", "Section three heading"]
    assert [[c.text for c in row] for row in blocks[2].rows] == [["Enforcement", "9"], ["Fees", "1.5"]]


def test_white_shading_behind_text_is_not_a_table_and_a_one_column_frame_is_text():
    b = PdfBuilder()
    page = b.page()
    for i in range(4):  # Word/WPS paint a white box behind each shaded line
        page.fill(72, 100 + 28 * i, 450, 28, (1, 1, 1))
        page.text(100, 106 + 28 * i, f"Shaded line {i}", 12)
    page.table(72, 300, [450], [24, 24], {(0, 0): "A framed note", (1, 0): "in one column"})
    blocks = blocks_of(bytes(b))
    assert not any(isinstance(block, Table) for block in blocks)
    assert "Shaded line 0" in " ".join(texts(blocks)) and "A framed note" in " ".join(texts(blocks))


def test_coloured_header_shading_does_not_break_the_grid():
    b = PdfBuilder()
    page = b.page().fill(72, 100, 300, 24, (0.776, 0.851, 0.945))  # the blue band of 第二十条 rows
    page.table(72, 100, [150, 150], [24, 24], {(0, 0): ("Article 20 (1)", 1, 2), (1, 0): "Rules", (1, 1): "1"})
    [table] = blocks_of(bytes(b))
    assert table.rows[0][0].colspan == 2 and [c.text for c in table.rows[1]] == ["Rules", "1"]


def test_chinese_text_and_cells_read_without_inferred_spaces():
    b = PdfBuilder()
    b.page().text(100, 60, "二、主动公开政府信息情况", 16).table(72, 100, [200, 150], [24, 24], {
        (0, 0): "信息内容", (0, 1): "本年处理决定数量", (1, 0): "行政许可", (1, 1): "447228"})
    blocks = blocks_of(bytes(b))
    assert texts(blocks) == ["二、主动公开政府信息情况", "<table>"]
    assert [[c.text for c in row] for row in blocks[1].rows] == [["信息内容", "本年处理决定数量"],
                                                                 ["行政许可", "447228"]]


def test_digits_drawn_past_the_right_border_are_the_last_cells_when_they_continue_its_run():
    digit = 0.556 * 10  # Helvetica's digit width at 10 pt
    b = PdfBuilder()
    page = b.page().table(72, 100, [120, 60], [24, 24, 24], {
        (0, 0): "Received", (0, 1): "", (1, 0): "Handled", (1, 1): "", (2, 0): "Total", (2, 1): ""})
    right = 72 + 120 + 60
    page.text(right - 2 * digit, 103, "11", 10).text(right, 103, "9", 10)  # 119, its 9 wholly past the border
    page.text(right - 2 * digit, 127, "11", 10).text(right, 127, "9", 10).text(right + digit, 127, "0", 10)
    page.text(right - digit, 151, "5", 10).text(right + 12, 151, "8", 10)  # a gap: the 8 is no digit of the 5
    table = next(block for block in blocks_of(bytes(b)) if isinstance(block, Table))
    assert [row[1].text for row in table.rows] == ["119", "1190", "5"]


def test_page_numbers_are_dropped():
    b = PdfBuilder()
    b.page().text(100, 100, "Body text", 12).text(280, 800, "- 1 -", 10)
    b.page().text(100, 100, "More body text", 12).text(280, 800, "- 2 -", 10)
    assert texts(blocks_of(bytes(b))) == ["Body text", "More body text"]


def test_a_pdf_without_text_is_refused_as_a_scan():
    b = PdfBuilder()
    b.page().line(72, 72, 300, 72)
    with pytest.raises(PdfReadError, match=r"scanned PDF, no text layer: OCR it first .*1 page"):
        PdfReader().read(bytes(b), PDF)


def test_not_a_pdf_under_a_pdf_name_is_a_read_error_that_says_so():
    with pytest.raises(PdfReadError, match=r"not a PDF.*<!DOCTYPE html.*web page"):
        PdfReader().read(b"<!DOCTYPE html><html><body>404</body></html>", PDF)


def test_a_truncated_pdf_is_a_read_error_not_a_crash():
    b = PdfBuilder()
    b.page().text(100, 100, "Body text", 12)
    broken = bytes(b)[:60]
    with pytest.raises(ReadError, match="cannot read the PDF"):
        PdfReader().read(broken, PDF)
    outcome = nianbao.process_bytes(broken, "broken.pdf")
    assert outcome.dead_letter is not None
    assert outcome.dead_letter["error"]["stage"] == "read"
    assert outcome.dead_letter["error"]["type"] == "PdfReadError"


def test_a_page_limit_guards_the_workers(monkeypatch):
    b = PdfBuilder()
    for _ in range(3):
        b.page().text(100, 100, "x", 12)
    with pytest.raises(PdfReadError, match=r"3 pages, over the limit of 2 .*NIANBAO_PDF_MAX_PAGES"):
        PdfReader(max_pages=2).read(bytes(b), PDF)
    monkeypatch.setenv("NIANBAO_PDF_MAX_PAGES", "2")
    with pytest.raises(PdfReadError, match="over the limit of 2"):
        PdfReader().read(bytes(b), PDF)
