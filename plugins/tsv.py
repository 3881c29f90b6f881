"""Tab-table reader: text where each table row is one line of tab-separated cells (seed 001).

Consecutive tab lines form one table (blank lines inside it are skipped: exports
put them between rows); a line without tabs is a paragraph and ends the table.
Cells keep their positions, blank ones included: the fitter tells padding of
merged label columns from blank values.
"""

from __future__ import annotations

import re

from nianbao.budget import check_deadline
from nianbao.document import Block, Document, Table, paragraph
from nianbao.hookspecs import hookimpl
from nianbao.source import SourceInfo

from ._text import TextReaderBase, sniff_text

#: A tab after visible text (a separator, not a cell-per-line indent). The pattern opens with the tab, so ``re``
#: jumps from tab to tab in C and looks back only there (``^[^\n]*?\S\t`` from each line's start tried every
#: character: 80-180 µs a 2,000-character head, against 1-7 µs).
_INNER_TAB = re.compile(r"\t(?<=\S\t)")
#: Lines with inner tabs needed in the head to take a text file for a tab table.
MIN_TAB_ROWS = 3


def inner_tab_lines(text: str, most: int) -> int:
    """How many lines of ``text`` hold a tab after visible text, counted up to ``most``, without splitting it."""
    count, start = 0, 0
    while count < most:
        found = _INNER_TAB.search(text, start)
        if found is None:
            break
        count += 1
        start = text.find("\n", found.end())  # the next line: one count a line
        if start < 0:
            break
    return count


class TsvReader(TextReaderBase):
    name = "tsv"
    format = "tsv"
    priority = 10

    def accepts(self, head: bytes, source: SourceInfo) -> bool:
        if source.extension in (".tsv", ".tab"):
            return True
        if source.extension not in (None, ".txt", ".text") and source.mimetype not in self.mimetypes:
            return False
        text = sniff_text(head)
        if text is None:
            return False
        return inner_tab_lines(text, MIN_TAB_ROWS) >= MIN_TAB_ROWS

    def read(self, data: bytes, source: SourceInfo) -> Document:
        lines, notes = self.lines(data, source)
        blocks: list[Block] = []
        rows: list[list[str]] = []
        for index, line in enumerate(lines):
            if not index & 4095:
                check_deadline()
            if "\t" in line:
                cells = list(map(str.strip, line.split("\t")))  # in C: no bytecode per cell
                if any(cells):
                    rows.append(cells)
            elif line.strip():
                if rows:
                    blocks.append(Table.from_texts(rows))
                    rows = []
                blocks.append(paragraph(line.strip()))
        if rows:
            blocks.append(Table.from_texts(rows))
        return self.document(blocks, notes)


@hookimpl
def register_readers(register):
    register(TsvReader())
