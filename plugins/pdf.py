"""The PDF reader (the ``pdf`` extra): a PDF's text and ruled tables into a nianbao Document, with pdfplumber.

Installed with ``pip install 'nianbao[pdf]'``. Without pdfplumber the reader is
still registered, so a PDF is recognised and becomes a dead letter at stage
``read`` that names the extra to install, rather than "no reader accepts".
A PDF without a text layer (a scan) is a ``read`` dead letter too, saying to
OCR it first: an empty record would look like a report with no numbers.

Per page, in one pass:

1. invisible shapes are dropped (white, unstroked rectangles: Word and WPS paint
   one behind each shaded line of text, and pdfplumber would take their edges
   for a table grid);
2. ruled tables are found from the remaining lines and rectangles
   (pdfplumber's ``lines`` strategy); a "table" of one column is a text frame,
   not a table, and is read as text;
3. each table becomes a :class:`~nianbao.document.Table` with row and column
   spans measured from the grid: the slots a merged cell covers are ``None``;
   a character drawn across a rule is the cell's it starts in where no number
   can change by it, and superscript digits (footnote marks) are left out
   (:func:`_cell_chars`);
4. the characters outside every table become lines, and
   :func:`nianbao.plugins._pdflayout.assemble` turns lines and tables into blocks in
   reading order.

pdfplumber is imported on the first ``read``, not when the plugin loads, so
``nianbao`` starts as fast with the extra installed as without it.
"""

from __future__ import annotations

import io
import os
import statistics
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from nianbao.document import Cell, Document, Table
from nianbao.errors import NianbaoError, ReadError
from nianbao.hookspecs import hookimpl
from nianbao.readers import Reader
from nianbao.source import SourceInfo

from ._pdflayout import Line, PlacedTable, assemble, drop_autospace

if TYPE_CHECKING:
    from pdfplumber.page import Page
    from pdfplumber.table import Table as PlumberTable

#: Magic bytes of a PDF; the format allows junk before them within the first 1024 bytes.
PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024
#: A report runs to tens of pages; more is not a report and would hold a worker for minutes.
DEFAULT_MAX_PAGES = 500
MAX_PAGES_ENV = "NIANBAO_PDF_MAX_PAGES"
#: pdfplumber table settings: ruled tables only (text-aligned "tables" are prose in these reports).
TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
#: Grid coordinates closer than this (points) are the same line.
GRID_TOLERANCE = 1.0


#: The dead-letter message of a PDF without a text layer.
SCANNED = "scanned PDF, no text layer: OCR it first (e.g. ocrmypdf), then parse the result"
#: What to install for PDFs.
INSTALL_HINT = "PDF support is not installed: pip install 'nianbao[pdf]' (it adds pdfplumber)"


class PdfReadError(ReadError):
    """A PDF that pdfplumber (pdfminer) cannot open or interpret, or that has no text to read."""


class PdfReader(Reader):
    """Reads PDF files (text layer and ruled tables); a scan without text is refused, naming OCR."""

    name = "pdf"
    format = "pdf"
    priority = 70  # magic bytes are the strongest evidence: before Word (60), HTML (50) and text
    extensions = frozenset({".pdf"})
    mimetypes = frozenset({"application/pdf", "application/x-pdf"})

    def __init__(self, *, max_pages: int | None = None) -> None:
        """``max_pages`` defaults to ``NIANBAO_PDF_MAX_PAGES``, else 500."""
        self.max_pages = max_pages or int(os.environ.get(MAX_PAGES_ENV) or DEFAULT_MAX_PAGES)

    def accepts(self, head: bytes, source: SourceInfo) -> bool:
        """By extension, mime type, or the ``%PDF-`` magic near the start of the bytes."""
        return (
            source.extension in self.extensions or source.mimetype in self.mimetypes or PDF_MAGIC in head[:MAGIC_WINDOW]
        )

    def read(self, data: bytes, source: SourceInfo) -> Document:
        """Read every page's tables and text into one Document."""
        if PDF_MAGIC not in data[:MAGIC_WINDOW]:
            raise PdfReadError(
                f"not a PDF: no {PDF_MAGIC.decode()} header in the first {MAGIC_WINDOW} bytes "
                f"(starts with {data[:16]!r}); is it a web page saved under a .pdf name?"
            )
        pdfplumber = _pdfplumber()
        items: list[Line | PlacedTable] = []
        heights: list[float] = []
        with _translated(), pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > self.max_pages:
                raise PdfReadError(
                    f"the PDF has {len(pdf.pages)} pages, over the limit of {self.max_pages} "
                    f"(set {MAX_PAGES_ENV} to raise it)"
                )
            for number, page in enumerate(pdf.pages):
                heights.append(float(page.height))
                try:
                    items.extend(read_page(page, number))
                finally:
                    page.close()  # drop the page's parsed objects: memory stays flat on long PDFs
        blocks = assemble(items, heights)
        if not blocks:
            raise PdfReadError(f"{SCANNED} ({len(heights)} page(s), not one character of text)")
        return Document(blocks=tuple(blocks), format=self.format, properties={"pages": str(len(heights))})


def _pdfplumber() -> Any:
    """The pdfplumber module, imported on first use."""
    try:
        import pdfplumber
    except ImportError as exc:
        raise PdfReadError(INSTALL_HINT) from exc
    return pdfplumber


@contextmanager
def _translated() -> Iterator[None]:
    """pdfminer/pdfplumber failures (of any type: malformed PDFs raise many) become a ``PdfReadError``."""
    try:
        yield
    except NianbaoError:
        raise
    except Exception as exc:
        message = str(exc) or "no detail"
        raise PdfReadError(f"cannot read the PDF: {type(exc).__name__}: {message}") from exc


def read_page(page: Page, number: int) -> list[Line | PlacedTable]:
    """The lines of text and the tables of one page, positioned."""
    page = page.dedupe_chars().filter(_visible)
    found = [t for t in page.find_tables(TABLE_SETTINGS) if _columns(t) >= 2]
    items: list[Line | PlacedTable] = [PlacedTable(table_of(t), float(t.bbox[1]), number) for t in found]
    boxes = [t.bbox for t in found]
    if boxes:
        page = page.filter(lambda obj: obj.get("object_type") != "char" or not _centre_in(obj, boxes))
    for line in page.extract_text_lines(return_chars=True):
        text = line["text"].strip()
        if not text:
            continue
        size = statistics.median(float(c["size"]) for c in line["chars"]) if line["chars"] else 0.0
        items.append(
            Line(text, float(line["x0"]), float(line["x1"]), float(line["top"]), float(line["bottom"]), size, number)
        )
    return items


def _visible(obj: dict[str, Any]) -> bool:
    """False for a filled, unstroked rectangle painted white: it shades text, it rules no table."""
    if obj.get("object_type") != "rect" or obj.get("stroke") or not obj.get("fill"):
        return True
    return not _is_white(obj.get("non_stroking_color"))


def _is_white(colour: Any) -> bool:
    """Whether a pdfplumber colour (grey, RGB or CMYK) is white."""
    if isinstance(colour, (int, float)):
        return colour >= 0.99
    if isinstance(colour, (tuple, list)):
        if len(colour) in (1, 3):
            return all(isinstance(c, (int, float)) and c >= 0.99 for c in colour)
        if len(colour) == 4:  # CMYK
            return all(isinstance(c, (int, float)) and c <= 0.01 for c in colour)
    return False


def _centre_in(obj: dict[str, Any], boxes: Sequence[tuple[float, float, float, float]]) -> bool:
    """Whether the centre of ``obj`` lies in one of ``boxes``."""
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _columns(table: PlumberTable) -> int:
    """How many grid columns a pdfplumber table has."""
    return len(_grid(c[0] for c in table.cells))


def _grid(values: Any) -> list[float]:
    """Distinct coordinates, merging those within ``GRID_TOLERANCE``."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > GRID_TOLERANCE:
            out.append(value)
    return out


def table_of(table: PlumberTable) -> Table:
    """A pdfplumber table as a nianbao Table: origin cells with spans, covered slots ``None``.

    Columns are the distinct left edges of all cells and rows their distinct top
    edges; a cell spans the columns (rows) whose edge lies inside it.
    """
    xs = _grid(c[0] for c in table.cells)
    ys = _grid(c[1] for c in table.cells)
    texts = _cell_chars(table).extract()  # row by row, on pdfplumber's grid of the same cells
    grid: list[list[Cell | None]] = [[None] * len(xs) for _ in ys]
    for row, row_texts in zip(table.rows, texts, strict=True):
        for bbox, text in zip(row.cells, row_texts, strict=True):
            if bbox is None:
                continue
            x0, top, x1, bottom = bbox
            col = _index(xs, x0)
            row_index = _index(ys, top)
            colspan = sum(1 for x in xs if x0 - GRID_TOLERANCE <= x < x1 - GRID_TOLERANCE) or 1
            rowspan = sum(1 for y in ys if top - GRID_TOLERANCE <= y < bottom - GRID_TOLERANCE) or 1
            grid[row_index][col] = Cell(
                text=drop_autospace((text or "").strip()), row=row_index, col=col, rowspan=rowspan, colspan=colspan
            )
    return Table(rows=tuple(tuple(row) for row in grid))


class _Chars:
    """What ``pdfplumber.table.Table.extract`` reads of a page: its characters."""

    def __init__(self, chars: list[dict[str, Any]]) -> None:
        self.chars = chars


#: A digit this much smaller than the character before it, and raised above its baseline by this share of that
#: character's size, is a superscript: a footnote's reference mark (``17¹``), no digit of the number.
SUPERSCRIPT_SIZE = 0.75
SUPERSCRIPT_RAISE = 0.15


def _cell_chars(table: PlumberTable) -> PlumberTable:
    """``table`` with its page's characters as a reader sees the cells, where pdfplumber's centre rule would not:

    - a character other than a digit or Latin letter drawn across an inner rule is kept in the cell it starts in:
      text runs left to right, so a label's character pushed over the rule (a tab typed after ``2．``, ``其``
      printed half in the value cell beside it) is the label's, not the value cell's (``其0``: no label, no
      number). A digit across an inner rule is left where its centre is: a number aligned right may overflow
      leftwards, and moving its first digit would change the number;
    - the last column reaches as far right as its text runs: a character drawn across the table's right border,
      or wholly past it but continuing with no gap a run of characters from the last column, is the last cell's
      (a number wider than its column: ``17`` with its ``7`` across the border read ``1``, ``119`` with its ``9``
      beyond it read ``11``); there is no cell beyond the border, and a character past it after a gap is in none;
    - a superscript digit (a footnote's mark after a number, ``17¹``) is left out: read, it joins the number (171),
      or, alone in a cell, is taken for its value.
    """
    edges = sorted({x for cell in table.cells for x in (cell[0], cell[2])})
    right, last_column = edges[-1], edges[-2] if len(edges) > 1 else edges[-1]
    chars, changed, base, reach = [], False, None, right
    in_last = False  # whether the character before is in the last column (or carried on past the border)
    for char in table.page.chars:
        x0, x1, text = char["x0"], char["x1"], char["text"]
        if base is not None and text.isdigit() and _superscript(char, base):
            changed = True
            continue  # the base stays: a mark of two digits (``17¹⁰``) goes whole
        middle = (x0 + x1) / 2
        if middle >= right:
            in_last = x0 + GRID_TOLERANCE < right or (in_last and _continues(char, base))
            if in_last:
                reach = max(reach, x1 + GRID_TOLERANCE)
                chars.append(char)
            base, changed = char, True  # a character past the border in no run of the last cell is in no cell
            continue
        in_last = last_column <= middle
        if not text.isascii() and not text.isdigit():
            edge = next((e for e in edges if x0 + GRID_TOLERANCE < e <= middle), None)
            if edge is not None:
                char, changed = {**char, "x1": 2 * edge - x0 - 2 * GRID_TOLERANCE}, True  # its centre left of it
        chars.append(char)
        base = char
    if not changed:
        return table
    cells = [(x0, top, reach, bottom) if x1 >= right - GRID_TOLERANCE else (x0, top, x1, bottom)
             for x0, top, x1, bottom in table.cells]
    return type(table)(_Chars(chars), cells)  # type: ignore[arg-type]


def _continues(char: dict[str, Any], base: dict[str, Any] | None) -> bool:
    """Whether ``char`` is drawn right after ``base`` on its line, with no gap: the next character of one run."""
    return (base is not None and abs(char["top"] - base["top"]) <= GRID_TOLERANCE
            and abs(char["x0"] - base["x1"]) <= GRID_TOLERANCE)


def _superscript(char: dict[str, Any], base: dict[str, Any]) -> bool:
    """Whether ``char`` is printed as a superscript after ``base``: smaller, raised, on its line, to its right (a
    centred number's mark may stand apart from it, even in the next cell: a mark alone in a cell is no value
    either)."""
    size = float(base["size"])
    return (float(char["size"]) < SUPERSCRIPT_SIZE * size and base["bottom"] - char["bottom"] > SUPERSCRIPT_RAISE * size
            and char["top"] < base["bottom"] and base["x1"] - GRID_TOLERANCE <= char["x0"])


def _index(grid: list[float], value: float) -> int:
    """The index of the grid coordinate nearest ``value``."""
    return min(range(len(grid)), key=lambda i: abs(grid[i] - value))


@hookimpl
def register_readers(register):
    """Contribute the PDF reader (registered with or without pdfplumber: without it, a PDF says what to install)."""
    register(PdfReader())
