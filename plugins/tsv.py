"""Tab-table reader: text where each table row is one line of tab-separated cells (seed 001).

Consecutive tab lines form one table (blank lines inside it are skipped: exports
put them between rows); a line without tabs is a paragraph and ends the table.
Cells keep their positions, blank ones included: the fitter tells padding of
merged label columns from blank values.
"""

from __future__ import annotations

import re
from itertools import islice

from nianbao.budget import check_deadline
from nianbao.document import Block, Document, Paragraph, Table
from nianbao.hookspecs import hookimpl
from nianbao.source import SourceInfo

from ._text import TextReaderBase, sniff_text

#: A line with a tab after visible text (a separator, not a cell-per-line indent), matched from the line's
#: start: at most one match a line, all found in one C scan of the head.
_INNER_TAB_LINE = re.compile(r"^[^\n]*?\S\t", re.MULTILINE)
#: Lines with inner tabs needed in the head to take a text file for a tab table.
MIN_TAB_ROWS = 3


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
        # lines with an inner tab, counted up to MIN_TAB_ROWS without splitting the head into lines
        return sum(1 for _ in islice(_INNER_TAB_LINE.finditer(text), MIN_TAB_ROWS)) >= MIN_TAB_ROWS

    def read(self, data: bytes, source: SourceInfo) -> Document:
        lines, notes = self.lines(data, source)
        blocks: list[Block] = []
        rows: list[list[str]] = []
        for index, line in enumerate(lines):
            if not index & 4095:
                check_deadline()
            if "\t" in line:
                cells = [cell.strip() for cell in line.split("\t")]
                if any(cells):
                    rows.append(cells)
            elif line.strip():
                if rows:
                    blocks.append(Table.from_texts(rows))
                    rows = []
                blocks.append(Paragraph(text=line.strip()))
        if rows:
            blocks.append(Table.from_texts(rows))
        return self.document(blocks, notes)


@hookimpl
def register_readers(register):
    register(TsvReader())
