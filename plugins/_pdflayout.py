"""Page layout to blocks: text lines and tables in, nianbao Paragraphs and Tables out, in reading order.

Pure functions over plain values (no pdfplumber here), so the rules can be tested
without PDFs. A PDF has no paragraphs, only positioned lines; :func:`assemble`
rebuilds them with the rules a reader's eye uses:

- a line that is indented (or centred), that follows a line ending short of the
  right margin, that opens with list numbering (``一、``, ``（二）``), that changes
  type size or that follows a wide vertical gap starts a new paragraph;
- any other line continues the paragraph above it, across a page break too,
  unless a table came in between;
- page numbers (``- 3 -``, ``第3页``, ``第3页共4页``) in the top or bottom margin are dropped, and so are
  running headers and footers (a line printed at the same height on three pages or more, digits aside);
- the spaces a text extractor infers from the gap a typesetter leaves between
  Chinese characters and digits (``2024 年``) are dropped (:func:`drop_autospace`),
  so a PDF reads like the same report's Word or web version (``2024年``).

Tables sit in the stream at their top edge, so a table lands between the
paragraphs printed above and below it; a table continued on the next page is
simply the next Table block, except that a row the page break cut in two is
mended (:func:`continue_row`).
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nianbao.document import Block, Cell, Paragraph, Table

#: A line indented by more than this many character widths starts a paragraph (or is centred).
INDENT_CHARS = 1.0
#: A line ending more than this many character widths before the right margin ends its paragraph.
SHORT_CHARS = 1.5
#: A vertical gap above a line of more than this many character heights starts a paragraph.
GAP_CHARS = 1.5
#: Type sizes that differ by more than this ratio are different paragraphs (a title, a heading).
SIZE_RATIO = 1.15
#: Page numbers are looked for in this fraction of the page height at the top and at the bottom.
MARGIN_BAND = 0.12
#: How many lines must share a left (or right) edge for it to count as the margin.
MARGIN_VOTES = 3

PAGE_NUMBER = re.compile(
    r"^[-–—−\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/，,]?\s*(?:共\s*)?\d{1,4}\s*页?)?[-–—−\s]*$")
#: A running header or footer: a line in the top or bottom band printed at the same height (within this many points)
#: on another page, its digits aside (``宜昌市统计局2024年度…年度报告`` atop every page, ``第2页共3页``).
RUNNING_TOLERANCE = 2.0
#: On this many pages at least: a title's first line (the body's name) and the signature at the top of the last
#: page print the same words at the same height on two pages.
RUNNING_PAGES = 3
#: List numbering that opens a heading or an item: 一、  （二）  (3)  4.  第五部分
NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+部分)"
)
_CJK = "\u2e80-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_AUTOSPACE = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}A-Za-z0-9])|(?<=[A-Za-z0-9]) +(?=[{_CJK}])")


def drop_autospace(text: str) -> str:
    """Drop spaces next to a Chinese character (``"信息 5500 余条"`` → ``"信息5500余条"``).

    PDF text has no space characters there: the extractor infers them from the
    gap that Word and WPS leave between Chinese and Latin text, or from
    justified (letter-spaced) Chinese. Spaces between Latin words are kept.
    """
    return _AUTOSPACE.sub("", text)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text outside any table, with its box (PDF points, top-left origin) and type size."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int


@dataclass(frozen=True, slots=True)
class PlacedTable:
    """A Table block and where its top edge is on its page."""

    table: Table
    top: float
    page: int


@dataclass(frozen=True, slots=True)
class Margins:
    """The body text's left and right edges, voted by the lines of the whole document."""

    left: float
    right: float


def is_page_number(line: Line, page_height: float) -> bool:
    """Whether ``line`` is a page number (``- 3 -``, ``3``, ``第3页``) in the top or bottom margin."""
    in_band = line.bottom > page_height * (1 - MARGIN_BAND) or line.top < page_height * MARGIN_BAND
    return in_band and PAGE_NUMBER.fullmatch(line.text) is not None


def margins(lines: Sequence[Line]) -> Margins:
    """The left and right text edges most lines share; the extremes when too few lines agree."""
    if not lines:
        return Margins(0.0, 0.0)
    size = statistics.median(line.size for line in lines)
    return Margins(
        left=_voted([line.x0 for line in lines], tolerance=size / 4, from_left=True),
        right=_voted([line.x1 for line in lines], tolerance=size, from_left=False),
    )


def _voted(edges: list[float], *, tolerance: float, from_left: bool) -> float:
    """The outermost edge that at least ``MARGIN_VOTES`` edges lie within ``tolerance`` of (O(n log n))."""
    ordered = sorted(edges)
    need = min(MARGIN_VOTES, len(ordered))
    for edge in ordered if from_left else reversed(ordered):
        votes = bisect.bisect_right(ordered, edge + tolerance) - bisect.bisect_left(ordered, edge - tolerance)
        if votes >= need:
            return edge
    return ordered[0] if from_left else ordered[-1]


def assemble(items: Iterable[Line | PlacedTable], page_heights: Sequence[float]) -> list[Block]:
    """Blocks in reading order from the lines and tables of every page.

    ``items`` may come in any order: they are sorted by page, then by top edge.
    """
    ordered = sorted(items, key=lambda i: (i.page, i.top, i.x0 if isinstance(i, Line) else 0.0))
    lines = [i for i in ordered if isinstance(i, Line) and not is_page_number(i, page_heights[i.page])]
    running = running_lines(lines, page_heights)
    lines = [line for line in lines if id(line) not in running]
    edges = margins(lines)
    keep = set(map(id, lines))
    blocks: list[Block] = []
    parts: list[str] = []
    previous: Line | None = None

    def flush() -> None:
        if parts:
            blocks.append(Paragraph(text=join_lines(parts)))
            parts.clear()

    last_table: PlacedTable | None = None  # the table last placed, while nothing has been placed after it
    for item in ordered:
        if isinstance(item, PlacedTable):
            flush()
            table = item.table
            if last_table is not None and item.page > last_table.page and blocks and blocks[-1] is last_table.table:
                continued = continue_row(last_table.table, table)
                if continued is not None:
                    blocks[-1], table = continued
            blocks.append(table)
            last_table = PlacedTable(table, item.top, item.page)
            previous = None
            continue
        if id(item) not in keep:
            continue
        if previous is None or starts_paragraph(item, previous, edges):
            flush()
        parts.append(item.text)
        previous = item
        last_table = None
    flush()
    return blocks


def running_lines(lines: Sequence[Line], page_heights: Sequence[float]) -> set[int]:
    """The ``id`` of every running header or footer line: in the top or bottom band of its page, and printed at the
    same height on ``RUNNING_PAGES`` pages or more, digits aside. A report's title under a running header of the
    same words stands lower, so it stays."""
    seen: dict[str, list[Line]] = {}
    for line in lines:
        height = page_heights[line.page]
        if line.bottom > height * (1 - MARGIN_BAND) or line.top < height * MARGIN_BAND:
            seen.setdefault(_DIGITS.sub("#", line.text.strip()), []).append(line)
    out: set[int] = set()
    for same in seen.values():
        for line in same:
            pages = {other.page for other in same if abs(other.top - line.top) <= RUNNING_TOLERANCE}
            if len(pages) >= RUNNING_PAGES:
                out.add(id(line))
    return out


_DIGITS = re.compile(r"\d+")
#: A digit, half or full width: a cell holding one is a value, not the rest of a label.
_ANY_DIGIT = re.compile(r"[0-9０-９]")


def continue_row(upper: Table, lower: Table) -> tuple[Table, Table] | None:
    """A table row broken by a page break, mended: ``upper`` ends one page, ``lower`` starts the next, and
    ``lower``'s first row holds only the rest of texts the last row of ``upper`` began (``2．其`` / ``他法律行政法规禁止
    公开``, ``结果维`` / ``持``): each joined to the cell it continues, the row dropped from ``lower``. Not when that
    row holds a number, a numbered label (a row of its own) or text under a cell of ``upper`` that is blank or a
    number (a header repeated over values); ``None`` then. A cell of that row spanning rows below it (the rest of a
    group's name, ``）不予公开``) gives its text all the same: the slots it covers stay covered."""
    if not upper.rows or not lower.rows or len(upper.rows[-1]) != len(lower.rows[0]):
        return None
    last = len(upper.rows) - 1
    joined: dict[tuple[int, int], str] = {}
    for col, cell in enumerate(lower.rows[0]):
        if cell is None or not cell.text.strip():
            continue
        if _ANY_DIGIT.search(cell.text) or NUMBERING.match(cell.text):
            return None
        above = _covering(upper, last, col)
        if above is None or not above.text.strip() or _ANY_DIGIT.fullmatch(above.text.strip()[-1]):
            return None
        key = (above.row, above.col)
        # joined with nothing between: a label of its own glued on (``行政处罚`` + ``行政强制``, a row printed blank at
        # the page's top) makes one unknown label, never two rows the values could go to the second of
        joined[key] = joined.get(key, above.text.rstrip()) + cell.text.strip()
    if not joined:
        return None
    rows = tuple(tuple(c if c is None or (c.row, c.col) not in joined else
                       Cell(text=joined[c.row, c.col], row=c.row, col=c.col, rowspan=c.rowspan, colspan=c.colspan)
                       for c in row) for row in upper.rows)
    rest = tuple(tuple(None if c is None else Cell(text=c.text, row=c.row - 1, col=c.col, rowspan=c.rowspan,
                                                   colspan=c.colspan) for c in row) for row in lower.rows[1:])
    return Table(rows=rows), Table(rows=rest)


def _covering(table: Table, row: int, col: int) -> Cell | None:
    """The cell of ``table`` whose span covers slot (``row``, ``col``)."""
    for r in range(row, -1, -1):
        for cell in table.rows[r]:
            if cell is not None and cell.row + cell.rowspan > row and cell.col <= col < cell.col + cell.colspan:
                return cell
    return None


def starts_paragraph(line: Line, previous: Line, edges: Margins) -> bool:
    """Whether ``line`` opens a new paragraph rather than continuing the one ``previous`` is in."""
    size = max(line.size, 1.0)
    if line.x0 > edges.left + INDENT_CHARS * size:
        return True
    if previous.x1 < edges.right - SHORT_CHARS * size:
        return True
    if NUMBERING.match(line.text):
        return True
    if max(line.size, previous.size) > SIZE_RATIO * min(line.size, previous.size):
        return True
    return line.page == previous.page and line.top - previous.bottom > GAP_CHARS * size


def join_lines(parts: Sequence[str]) -> str:
    """Join wrapped lines: no space between CJK characters, one between two Latin words."""
    text = drop_autospace(parts[0].strip())
    for part in parts[1:]:
        part = drop_autospace(part.strip())
        if not part:
            continue
        if text and text[-1].isascii() and text[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            text += " " + part
        else:
            text += part
    return text
