"""DOCX renderer: the report as a Word file, built with python-docx.

Title and headings as formatted paragraphs, prose split into runs, the
statistics tables with their label columns and headers merged by
``cell.merge`` (so Word writes ``w:gridSpan`` and ``w:vMerge``), a cell's
printed line breaks as ``w:br`` or as separate paragraphs, the signature
right-aligned. The zip is rewritten with fixed timestamps so that a seed
always gives the same bytes.
"""

from __future__ import annotations

import io
import random
import zipfile

from .grid import Grid, Style
from .model import Spec
from .page import DATE, HEADING, PARA, SIGNER, TABLE, TITLE, Block, runs

#: Timestamp of every zip entry (python-docx would stamp the current time).
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _docx():
    try:
        import docx
    except ImportError as exc:  # an optional dependency: say how to get it
        raise ImportError("rendering DOCX needs python-docx: pip install 'nianbao[test]' "
                          "or pip install python-docx") from exc
    return docx


def _add_runs(paragraph, text: str, rng: random.Random, *, bold: bool = False) -> None:
    """Add ``text`` as one to three runs cut at arbitrary points, as Word's edits leave it."""
    for piece in runs(text, rng, 2) if len(text) > 3 and rng.random() < 0.6 else [text]:
        run = paragraph.add_run(piece)
        run.bold = bold or None


def _set_cell(cell, text: str, rng: random.Random) -> None:
    """A cell's text: lines as ``w:br`` breaks or as paragraphs of their own."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    lines = text.split("\n")
    first = cell.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if len(lines) > 1 and rng.random() < 0.5:
        run = first.add_run(lines[0])
        for line in lines[1:]:
            run.add_break()
            run = first.add_run(line)
        return
    first.add_run(lines[0])
    for line in lines[1:]:
        cell.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER


def add_table(document, grid: Grid, rng: random.Random) -> None:
    """A grid as a Word table: merge every spanned region first, then fill the origin cells.

    The cell objects are taken row by row before any merge (``Table.cell`` rebuilds
    the whole grid on every call); merging keeps each region's top-left ``w:tc``.
    """
    table = document.add_table(rows=grid.height, cols=grid.width)
    table.style = "Table Grid"
    cells = [row.cells for row in table.rows]
    for cell in grid.cells:
        if cell.rowspan > 1 or cell.colspan > 1:
            cells[cell.row][cell.col].merge(cells[cell.row + cell.rowspan - 1][cell.col + cell.colspan - 1])
    for cell in grid.cells:
        if cell.text:
            _set_cell(cells[cell.row][cell.col], cell.text, rng)


def _title(document, lines: tuple[str, ...], rng: random.Random, features: list[str]) -> None:
    """Title lines as centred bold paragraphs, or as one paragraph with line breaks."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    one = len(lines) > 1 and rng.random() < 0.5
    if one:
        features.append("docx:title-break")
    p = None
    for n, line in enumerate(lines):
        if p is None or not one:
            p = document.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif n:
            p.runs[-1].add_break()
        _add_runs(p, line, rng, bold=True)
    document.add_paragraph()


def _paragraph(document, block: Block, rng: random.Random, features: list[str]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    if block.kind == TITLE:
        _title(document, block.lines, rng, features)
        return
    p = document.add_paragraph()
    if block.kind in (SIGNER, DATE):
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif block.kind == PARA:
        p.paragraph_format.first_line_indent = Pt(32)
    _add_runs(p, block.text, rng, bold=block.kind == HEADING)


def render_docx(blocks: list[Block], spec: Spec, style: Style, rng: random.Random, features: list[str]) -> bytes:
    """The report as DOCX bytes (deterministic for a given ``rng`` state)."""
    docx = _docx()
    document = docx.Document()
    for block in blocks:
        if block.kind == TABLE:
            assert block.grid is not None
            add_table(document, block.grid, rng)
            if rng.random() < 0.5:
                document.add_paragraph()
        else:
            _paragraph(document, block, rng, features)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's timestamp fixed (python-docx stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
