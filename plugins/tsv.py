"""Tab-table reader: text where each table row is one line of tab-separated cells (seed 001).

Consecutive tab lines form one table (blank lines inside it are skipped: exports
put them between rows); a line without tabs is a paragraph and ends the table.
Cells keep their positions, blank ones included: the fitter tells padding of
merged label columns from blank values.
"""

from __future__ import annotations

import re

from nianbao.budget import check_deadline
from nianbao.document import Block, Document, ReaderNote, Table, paragraph
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
        indexed = False
        tables = in_tables = 0  # counted for the limits as the tables are made

        def end_table() -> None:
            nonlocal rows, indexed, tables, in_tables
            if rows:
                if index_column(rows):
                    rows, indexed = [row[1:] for row in rows], True
                blocks.append(Table.from_texts(rows))
                tables, in_tables = tables + 1, in_tables + sum(map(len, rows))
                rows = []

        lines = quoted_lines(lines)  # a quoted cell's lines joined: no cell is longer than its line
        for index, line in enumerate(lines):
            if not index & 4095:
                check_deadline()
            if "\t" in line:
                # a spreadsheet's quotes are looked for only on a line that holds one (a call a cell otherwise)
                cells = [unquoted(cell.strip()) for cell in line.split("\t")] if '"' in line else \
                    [cell.strip() for cell in line.split("\t")]
                if any(cells):
                    rows.append(cells)
            elif line.strip():
                end_table()
                blocks.append(paragraph(line.strip()))
        end_table()
        if indexed:
            notes = (*notes, INDEX_COLUMN_NOTE)
        return self.document(blocks, notes, (tables, in_tables, max(map(len, lines), default=0)))


#: The header of a spreadsheet's row-number column.
INDEX_HEADER = "序号"
#: Row numbers a first column must count (1, 2, 3, …) to be taken for a row-number column.
MIN_INDEX_ROWS = 3
INDEX_COLUMN_NOTE = ReaderNote(level="warning", code="tsv.index_column", message=(
    "a table's first column only numbers its rows (序号 1, 2, 3, … each before a label): left out"))
#: Lines a quoted cell may run over (a header cell broken with Alt+Enter is a few lines).
MAX_QUOTED_LINES = 12


def index_column(rows: list[list[str]]) -> bool:
    """Whether a table's first column is a spreadsheet's row numbers: blank, ``序号`` or a count 1, 2, 3, … (it may
    start again at 1: a table continued under a repeated header), and either headed ``序号`` or each number before
    a label (the next cell printed is no number), ``MIN_INDEX_ROWS`` of them or more. A value never stands before
    its row's label, so the column holds no value of the report's."""
    count = expected = 0
    headed = labelled = False
    for row in rows:
        first = row[0]
        if not first:
            continue
        if first == INDEX_HEADER:
            headed = True
            continue
        if not first.isdecimal() or int(first) not in (expected + 1, 1):
            return False
        label = next((cell for cell in row[1:] if cell), "")
        if not label:
            return False
        labelled = labelled or not label.replace(",", "").replace(".", "", 1).lstrip("-").isdecimal()
        if not headed and not labelled:
            return False
        expected, count = int(first), count + 1
    return (count >= 1 and headed) or (count >= MIN_INDEX_ROWS and labelled)


def quoted_lines(lines: list[str]) -> list[str]:
    """The lines with a spreadsheet's quoted cells put back on one line: Excel's tab text writes a cell holding a
    line break as ``"本年\n新制作数量"``. A tab line with an odd number of ``"`` is joined with the lines after it
    until the quotes pair up (at most ``MAX_QUOTED_LINES``; else the lines stay as they are)."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if "\t" in line and line.count('"') % 2:
            end = next((n for n in range(index + 1, min(index + MAX_QUOTED_LINES, len(lines)))
                        if sum(lines[k].count('"') for k in range(index, n + 1)) % 2 == 0), None)
            if end is not None:
                out.append("\n".join(lines[index:end + 1]))
                index = end + 1
                continue
        out.append(line)
        index += 1
    return out


def unquoted(cell: str) -> str:
    """A spreadsheet's quoted cell without its quotes (``"a""b"`` → ``a"b``); any other cell as it is."""
    if len(cell) >= 2 and cell[0] == cell[-1] == '"' and ("\n" in cell or '""' in cell):
        return cell[1:-1].replace('""', '"')
    return cell


@hookimpl
def register_readers(register):
    register(TsvReader())
