"""Markdown reader: what OCR and PDF-to-text tools make of a report (MinerU, marker, MarkItDown, pandoc).

Scanned reports only become text through OCR, and today's OCR and PDF
converters write Markdown: headings marked with ``#``, tables as pipe tables
(``| 行政许可 | 517645 |``) or as HTML ``<table>`` blocks with their spans.
Read as plain text, the pipes are glued into the cell texts and no table
is found; read here:

- a line that starts and ends with ``|`` is a table row, its cells split at
  unescaped pipes, ``<br>`` a line break in the cell; delimiter rows
  (``|---|:--:|``) and grid borders (``+----+``) are skipped; consecutive rows
  are one table, and a row of another width starts a new one (OCR tools cut a
  table into pieces wherever a page or a merged cell confuses them; the fitter
  reads the pieces in order). A grid table's row (pandoc's ``+---+`` tables)
  runs from border to border, each column's lines one cell, ``\\`` at a
  line's end a line break. A GitHub table without outer pipes is recognised
  by its delimiter row; pandoc's simple and multiline tables (columns aligned
  by spaces under a line of dash runs) are cut by column; a run of equal
  texts in a row (Docling prints a merged cell's text in every slot it
  covers) is one cell spanning the run (:func:`spanned`);
- an HTML block (``<table>…</table>``, how MinerU writes tables with merged
  cells) goes through the HTML reader, so spans come out as on a web page;
- headings lose their ``#`` marks, block quotes their ``>``; emphasis marks,
  images, link targets, pandoc's attributes (``[]{#_Toc1 .anchor}``) and
  inline HTML tags (``<span>``, ``<sup>``) are
  dropped, a link within a link too; any other non-blank line is a
  paragraph, as in the plain-text reader.

The reader keeps the structure and invents none: which rows belong to which
template table is the fitter's business, as for every format.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import cached_property

from nianbao.budget import check_deadline
from nianbao.document import Block, Cell, Document, Embedded, Paragraph, Table, new_cell
from nianbao.hookspecs import hookimpl
from nianbao.source import SourceInfo

from ._text import TextReaderBase, sniff_text
from .html import HtmlReader

MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mdown", ".mkd"})
MARKDOWN_MIMETYPES = frozenset({"text/markdown", "text/x-markdown"})

#: A delimiter row of a pipe table, ``|---|:--:|``, ``---|---`` or ``|---|``: one pattern for lines and heads.
_DELIMITER_ROW = (r"(?:\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?"
                  r"|\|[ \t]*:?-{3,}:?[ \t]*\|)")
_DELIMITER = re.compile(_DELIMITER_ROW + "$")  # on a stripped line
_DELIMITER_BYTES = re.compile(rf"^[ \t]*{_DELIMITER_ROW}[ \t]*\r?$".encode(), re.M)  # anywhere in a head
#: A grid-table border or a thematic break: ``+----+----+``, ``***``, ``___``, ``===`` (setext underline).
_RULE = re.compile(r"^(?:\+[-=:+]+\+|[-*_=]{3,})$")
_GRID_BORDER = re.compile(r"^\+[-=:+]+\+$")
#: The column line of pandoc's simple and multiline tables: two or more runs of dashes, spaced (``---- -----``).
_SEGMENTS = re.compile(r"[ \t]*-{2,}(?:[ \t]+-{2,})+[ \t]*")
#: A multiline table's opening or closing line: one run of dashes.
_DASHES = re.compile(r"[ \t]*-{3,}[ \t]*")
_HEADING = re.compile(r"^#{1,6}(?:\s+|$)")
_CLOSING_HASHES = re.compile(r"\s+#+$")
_QUOTE = re.compile(r"^(?:>\s?)+")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
#: A link, or pandoc's bracketed span with attributes (``[]{#_Toc0 .anchor}``, ``[文字]{.underline}``): its text.
_LINK = re.compile(r"\[([^\]\n]*)\](?:\([^)\n]*\)|\{[^}\n]*\})")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_BREAK = re.compile(r"<br\s*/?>", re.I)
#: Inline HTML that converters leave in a paragraph or cell (pandoc's bookmark anchors, MarkItDown's ``<sup>``):
#: the tags go, their text stays.
_INLINE_TAG = re.compile(r"</?(?:span|a|font|sup|sub|u|b|i|em|strong|mark|small|ins)\b[^<>]*>", re.I)
_PIPE = re.compile(r"(?<!\\)\|")
_HTML_OPEN = re.compile(r"^<(table|div|html|body)\b", re.I)


def _inline(text: str) -> str:
    """A paragraph's or cell's text without Markdown's inline marks, links within links (pandoc's table of contents:
    ``[一、总体情况 [1](#_Toc0)](#_Toc0)``) and inline HTML tags (``<span id="_Toc0" class="anchor"></span>``)."""
    if "<" in text:
        text = _INLINE_TAG.sub("", text)
    if "!" in text or "[" in text:
        text = _IMAGE.sub("", text)
        linked = _LINK.sub(r"\1", text)
        while linked != text:
            text, linked = linked, _LINK.sub(r"\1", linked)
    if "*" in text or "_" in text:
        text = _EMPHASIS.sub("", text)
    return text.strip()


def split_row(line: str) -> list[str]:
    """The cells of a pipe-table row (outer pipes optional), ``<br>`` as a line break, ``\\|`` as a pipe."""
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [_inline(_BREAK.sub("\n", cell).replace("\\|", "|")) for cell in _PIPE.split(line)]


def grid_row(lines: list[list[str]]) -> list[list[str]]:
    """One row of a grid table from the cells of its lines (pandoc's ``+---+`` tables, a cell over several lines):
    each column's pieces joined, a piece ending in ``\\`` (a hard line break) with a line break, others as wrapped
    text (nothing between CJK characters). Lines of different widths (spanned cells) stay rows of their own."""
    if len(lines) < 2 or any(len(cells) != len(lines[0]) for cells in lines):
        return lines
    row = []
    for pieces in zip(*lines, strict=True):
        text = ""
        for piece in pieces:
            if not piece:
                continue
            if text.endswith("\\"):
                text = text[:-1] + "\n" + piece
            elif text and text[-1].isascii() and text[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
                text += " " + piece
            else:
                text += piece
        row.append(text.removesuffix("\\"))
    return [row]


def aligned_tables(lines: list[str]) -> dict[int, tuple[int, list[list[str]]]]:
    """pandoc's simple and multiline tables (``-t markdown``: columns aligned by spaces under a line of dash runs),
    as ``{first line: (line after the table, rows)}``. A column holds what is printed from its dash run's start to
    the next one's (characters counted by display width: a CJK character is two columns). A multiline table opens
    and closes with a line of dashes and its rows are separated by blank lines, each row's lines joined per column
    as a grid table's are (:func:`grid_row`); a simple table is a row a line, up to a blank line."""
    out: dict[int, tuple[int, list[list[str]]]] = {}
    index = 0
    while index < len(lines):
        if not _SEGMENTS.fullmatch(lines[index]):
            index += 1
            continue
        starts = [m.start() for m in re.finditer(r"-+", lines[index])]
        head = index
        while head and lines[head - 1].strip() and not _DASHES.fullmatch(lines[head - 1]):
            head -= 1
        multiline = head > 0 and _DASHES.fullmatch(lines[head - 1]) is not None
        groups = [lines[head:index]]  # the header (none: an empty group)
        end, closed = index + 1, not multiline
        current: list[str] = []
        while end < len(lines):
            line = lines[end]
            if multiline and (_DASHES.fullmatch(line) or _SEGMENTS.fullmatch(line)):
                end, closed = end + 1, True
                break
            if not line.strip() and not multiline:
                break
            if not line.strip() or not multiline:  # a multiline table's rows end at a blank line
                groups.append(current)
                current = []
            if line.strip():
                current.append(line)
            end += 1
        groups.append(current)
        rows = [row for group in groups if group for row in grid_row([_aligned_cells(line, starts) for line in group])]
        if closed and rows:
            out[head - 1 if multiline else head] = (end, rows)
        index = end
    return out


def _aligned_cells(line: str, starts: list[int]) -> list[str]:
    """The cells of a line of an aligned table: its characters by the display column they start at."""
    cells = [""] * len(starts)
    position = 0
    for char in line:
        column = max(bisect_right(starts, position) - 1, 0)
        cells[column] += char
        position += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return [_inline(cell) for cell in cells]


#: A cell that prints a value: a number (half or full width, a sign, separators) or a zero's spelling.
_VALUE_CELL = re.compile(r"[-+−－]?[0-9０-９][0-9０-９,，.．]*|[—–\-/／无]")


def spanned(rows: list[list[str]]) -> Table:
    """A pipe table, with the spans of a converter that prints a merged cell's text in every slot it covers (Docling:
    ``| 第二十条第（五）项 | 第二十条第（五）项 | … |``, ``| 行政许可 | 3183 | 3183 | 3183 |``) read back: a run of
    identical texts in a row is one cell spanning the run; a run of identical values only where the last row of
    texts above prints a run over the same columns (``本年处理决定数量`` three times), since ``| 0 | 0 | 0 |`` under
    three headers is three zeros."""
    out: list[tuple[Cell | None, ...]] = []
    header_runs: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        runs = [(start, end) for start, end in _runs(row) if end - start > 1]
        values = any(_VALUE_CELL.fullmatch(text) for text in row)
        cells: list[Cell | None] = [new_cell(text, r, c) for c, text in enumerate(row)]
        for start, end in runs:
            if values and _VALUE_CELL.fullmatch(row[start]) and (start, end) not in header_runs:
                continue
            cells[start] = new_cell(row[start], r, start, colspan=end - start)
            cells[start + 1:end] = [None] * (end - start - 1)
        if not values:
            header_runs = set(runs)
        out.append(tuple(cells))
    return Table(rows=tuple(out))


def _runs(row: list[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of equal, non-blank texts in ``row``."""
    out, start = [], 0
    for index in range(1, len(row) + 1):
        if index == len(row) or row[index] != row[start]:
            if row[start]:
                out.append((start, index))
            start = index
    return out


class MarkdownReader(TextReaderBase):
    """Markdown files, and text files that hold Markdown pipe tables (OCR output saved as .txt)."""

    name = "markdown"
    format = "markdown"
    priority = 20  # above the plain-text readers (0, 10): a .txt holding pipe tables is Markdown
    extensions = MARKDOWN_EXTENSIONS
    mimetypes = MARKDOWN_MIMETYPES

    def accepts(self, head: bytes, source: SourceInfo) -> bool:
        if source.extension in self.extensions or source.mimetype in self.mimetypes:
            return True
        if source.extension not in (None, ".txt", ".text"):
            return False
        if b"---" not in head or b"|" not in head:  # two C scans spare most text files the line regex
            return False
        return _DELIMITER_BYTES.search(head) is not None and sniff_text(head) is not None

    def read(self, data: bytes, source: SourceInfo) -> Document:
        lines, notes = self.lines(data, source)
        blocks: list[Block] = []
        rows: list[list[str]] = []
        embedded = Embedded()

        def end_table() -> None:
            if rows:
                blocks.append(spanned(rows))
                rows.clear()

        def add_row(cells: list[str]) -> None:
            if rows and len(cells) != len(rows[-1]):
                end_table()  # another width: the next piece of a table cut by the converter
            rows.append(cells)

        def end_grid_row() -> None:
            for cells in grid_row(grid):
                add_row(cells)
            grid.clear()

        aligned = aligned_tables(lines)
        index = 0
        count = len(lines)
        loose = False  # inside a table whose rows have no outer pipes (GitHub's ``a | b``)
        grid: list[list[str]] = []  # the lines of a grid table's row so far (between two ``+---+`` borders)
        in_grid = False
        while index < count:
            if not index & 4095:
                check_deadline()
            if index in aligned:
                end_grid_row()
                in_grid = False
                end_table()
                index, table = aligned[index]
                for cells in table:
                    add_row(cells)
                end_table()
                continue
            text = lines[index].strip()
            index += 1
            if in_grid and _GRID_BORDER.match(text):
                end_grid_row()
                continue
            piped = text.startswith("|") and text.endswith("|") and len(text) > 1
            if in_grid and piped:
                grid.append(split_row(text))
                continue
            if in_grid:
                end_grid_row()
                in_grid = False
            if _GRID_BORDER.match(text):
                in_grid = True
                continue
            if not text:
                end_table()
                continue
            if _DELIMITER.match(text):
                continue  # between a header row and the body, or a leftover of a cut table
            if not piped and "|" in text and not (loose and rows):
                loose = index < count and _DELIMITER.match(lines[index].strip()) is not None
            if piped or (loose and "|" in text):
                add_row(split_row(text))
                continue
            loose = False
            end_table()
            if _RULE.match(text):
                continue
            opening = _HTML_OPEN.match(text)
            if opening:
                index = self._html_block(lines, index - 1, f"</{opening.group(1).lower()}>", blocks, source,
                                         embedded)
                continue
            text = _QUOTE.sub("", text)
            if _HEADING.match(text):
                text = _CLOSING_HASHES.sub("", _HEADING.sub("", text))
            text = _inline(text)
            if text:
                blocks.append(Paragraph(text=text))
        end_grid_row()
        end_table()
        if not embedded.pages:
            return self.document(blocks, notes)
        return Document(blocks=tuple(blocks), format=self.format, notes=notes, paths=embedded.paths(blocks),
                        pages=tuple(embedded.pages))

    def _html_block(self, lines: list[str], start: int, closing: str, blocks: list[Block], source: SourceInfo,
                    embedded: Embedded) -> int:
        """Read the HTML block starting at line ``start`` through the HTML reader; the index after it.

        The block runs to the line holding ``closing``, the end tag of its
        first element (``</table>``), or else to the next blank line, as
        CommonMark's HTML blocks do.
        """
        end = start
        while end < len(lines):
            line = lines[end]
            end += 1
            if closing in line.lower() or not line.strip():
                break
        fragment = "\n".join(lines[start:end]).encode("utf-8")
        source = SourceInfo(uri=source.uri, extension=".html", mimetype="text/html", charset="utf-8")
        blocks.extend(embedded.add(self.html.read(fragment, source)))
        return end

    @cached_property
    def html(self) -> HtmlReader:
        """The HTML reader for embedded HTML blocks: one implementation of tables with spans for every format."""
        return HtmlReader()


@hookimpl
def register_readers(register):
    register(MarkdownReader())
