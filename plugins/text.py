"""Plain-text reader: the cell-per-line layouts of text exported from Word and web pages.

Two layouts, told apart line by line:

- a line that starts with a tab is a table cell; a blank line ends a table row;
  a following line without indentation continues the cell (a cell's text broken
  over lines); a paragraph line ends the table (seeds 000, 004);
- any other non-blank line is a paragraph. Exports that lose the table marks
  (one cell a paragraph, seeds 002, 003) therefore yield their cells as
  paragraphs in reading order; the template fitter rebuilds the rows.
"""

from __future__ import annotations

from nianbao.budget import check_deadline
from nianbao.document import Block, Document, Paragraph, Table
from nianbao.hookspecs import hookimpl
from nianbao.source import SourceInfo

from ._text import TextReaderBase, sniff_text


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
        lines, notes = self.lines(data, source)
        blocks: list[Block] = []
        rows: list[list[str]] = []
        row: list[str] = []
        previous = "blank"

        def end_table() -> None:
            nonlocal row
            if row:
                rows.append(row)
                row = []
            if rows:
                blocks.append(Table.from_texts(rows))
                rows.clear()

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
            else:
                if row or rows:
                    end_table()
                blocks.append(Paragraph(text=text))
                previous = "paragraph"
        end_table()
        return self.document(blocks, notes)


@hookimpl
def register_readers(register):
    register(TextReader())
