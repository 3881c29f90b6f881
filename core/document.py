"""The Document model: what every reader produces and every extractor reads.

A :class:`Document` is an ordered tuple of blocks. A block is a
:class:`Paragraph` (text) or a :class:`Table` (rows of :class:`Cell`). Readers
keep the structure their format gives them and invent none: a plain-text export
without table marks yields one paragraph per cell, in reading order, and
rebuilding the rows is the template fitter's job (:mod:`nianbao.fit`).

Merged cells are not copied into the slots they cover: the grid slot under a
span holds ``None`` so that a number counts once; the origin cell carries its
``rowspan``/``colspan``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, kw_only=True, slots=True)
class Cell:
    """One table cell: its text (line breaks kept as ``\\n``) and grid position."""

    text: str
    row: int = 0
    col: int = 0
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True, kw_only=True, slots=True)
class Paragraph:
    """A paragraph of running text (a heading, a line of prose, a lone cell)."""

    text: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Table:
    """A table as rows of cells; a covered slot of a merged cell is ``None``."""

    rows: tuple[tuple[Cell | None, ...], ...]

    def cells(self) -> Iterator[Cell]:
        """Every origin cell in reading order (row by row, left to right)."""
        for row in self.rows:
            for cell in row:
                if cell is not None:
                    yield cell

    @classmethod
    def from_texts(cls, rows: Sequence[Sequence[str]]) -> Table:
        """A table of plain cells, one per text, without spans."""
        return cls(
            rows=tuple(
                tuple(Cell(text=text, row=r, col=c) for c, text in enumerate(row)) for r, row in enumerate(rows)
            )
        )


Block = Paragraph | Table


@dataclass(frozen=True, kw_only=True, slots=True)
class ReaderNote:
    """Something a reader noticed that the record should report (a guessed encoding, say)."""

    level: str
    code: str
    message: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Document:
    """A read document: blocks in reading order, plus what the reader learnt on the way.

    ``properties`` holds facts a format states outside its text (an HTML
    page's ``<publishtime>``, say) under well-known keys such as ``"published"``.
    """

    blocks: tuple[Block, ...]
    format: str
    properties: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    notes: tuple[ReaderNote, ...] = ()

    def paragraphs(self) -> Iterator[Paragraph]:
        """Every paragraph, in order (tables skipped)."""
        for block in self.blocks:
            if isinstance(block, Paragraph):
                yield block

    def tables(self) -> Iterator[Table]:
        """Every table, in order."""
        for block in self.blocks:
            if isinstance(block, Table):
                yield block
