"""Plain-text reader: the cell-per-line layouts of text exported from Word and web pages.

Two layouts, told apart line by line:

- a line that starts with a tab is a table cell; a blank line ends a table row;
  a following line without indentation continues the cell (a cell's text broken
  over lines); a paragraph line ends the table (seeds 000, 004);
- any other non-blank line is a paragraph. Exports that lose the table marks
  (one cell a paragraph, seeds 002, 003) therefore yield their cells as
  paragraphs in reading order; the template fitter rebuilds the rows.

Web pages copied as text may mark cells with a bar after each (seen: 龙口镇 2022, 佳荣里街 2021, 丰收乡 2022,
北京街道 2020): a line ``规章 | 0 | 0 | 0 | |`` is a table row (cells before each bar, blank ones kept, as a
tab row keeps them), consecutive such lines one table; a line ``规章 |`` is one cell, read as a paragraph like
the cell-per-line layout; a line of bars alone (``|||``) marks slots a spanned cell covers and holds nothing.
"""

from __future__ import annotations

import re

from nianbao.budget import check_deadline
from nianbao.document import Block, Document, Table, paragraph, paragraphs
from nianbao.hookspecs import hookimpl
from nianbao.source import SourceInfo

from ._text import TextReaderBase, sniff_text

#: What a line of bars alone is made of, and a Markdown separator (``|---|:--|``): no cell text. A lone ``-`` is
#: a cell (a zero spelt so).
_BARS = frozenset("| ")
_SEPARATOR = frozenset("|-: ")
#: A line ending in a bar (after its whitespace, as ``str.strip`` strips it: ``\s`` is the same set): a row of
#: cells, or bars alone; a bar inside a line (``网站声明 | 联系我们``, page chrome) makes no row.
_BAR_AT_END = re.compile(r"\|\s*$", re.M)


def bar_cells(text: str) -> list[str] | None:
    """The cells of a stripped line whose cells each end in ``|``; ``[]`` for bars alone; ``None`` for a line
    that is not one."""
    if not text.endswith("|"):
        return None
    if _BARS.issuperset(text) or ("---" in text and _SEPARATOR.issuperset(text)):
        return []
    return [cell.strip() for cell in text[:-1].split("|")]


class TextReader(TextReaderBase):
    name = "text"
    format = "text"
    priority = 0  # the catch-all: tried after every specific format

    def accepts(self, head: bytes, source: SourceInfo) -> bool:
        if source.extension in self.extensions or source.mimetype in self.mimetypes:
            return True
        if source.extension in (None, ".log", ".md"):
            return sniff_text(head) is not None
        return False

    def read(self, data: bytes, source: SourceInfo) -> Document:
        whole, notes = self.text(data, source)
        lines = whole.split("\n")
        if "\t" not in whole and ("|" not in whole or _BAR_AT_END.search(whole) is None):
            # no line is a cell (a tab) or ends in a bar (a row): every line is a paragraph
            return self.document(paragraphs([*filter(None, map(str.strip, lines))]), notes)
        blocks: list[Block] = []
        rows: list[list[str]] = []
        row: list[str] = []
        previous = "blank"

        bars: list[list[str]] = []  # rows of a table whose cells end in bars
        # counted for the limits as the tables are made: tables, cells, a cell joined from lines longer than any
        tables = in_tables = joined = 0

        def end_table() -> None:
            nonlocal row, tables, in_tables
            if row:
                rows.append(row)
                row = []
            for table in (rows, bars):
                if table:
                    blocks.append(Table.from_texts(table))
                    tables, in_tables = tables + 1, in_tables + sum(map(len, table))
                    table.clear()

        for index, line in enumerate(lines):
            if not index & 4095:
                check_deadline()
            text = line.strip()  # once a line: every branch but a blank line's uses it
            if line.startswith("\t"):
                row.append(text)
                previous = "cell"
            elif not text:
                if row:
                    rows.append(row)
                    row = []
                previous = "blank"
            elif previous == "cell" and not line[0].isspace():
                row[-1] = f"{row[-1]}\n{text}"
                joined = max(joined, len(row[-1]))
            else:
                cells = bar_cells(text) if text.endswith("|") else None  # a paragraph (most lines): no call
                if cells == []:
                    continue
                if cells is not None and len(cells) > 1:
                    if row or rows:
                        end_table()
                    bars.append(cells)
                    previous = "bars"
                    continue
                if row or rows or bars:
                    end_table()
                blocks.append(paragraph(cells[0] if cells else text))
                previous = "paragraph"
        end_table()
        return self.document(blocks, notes, (tables, in_tables, max(joined, *map(len, lines))))


@hookimpl
def register_readers(register):
    register(TextReader())
