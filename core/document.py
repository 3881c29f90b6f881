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

from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from types import MappingProxyType

_EMPTY: Mapping[str, str] = MappingProxyType({})


# Cell and Paragraph are frozen keyword dataclasses with their own ``__init__`` (``init=False``): every reader
# makes one per table cell or line, hundreds a report. The generated ``__init__`` of a frozen dataclass stores
# each field through ``object.__setattr__`` (a type lookup per field); theirs stores through the slot
# descriptors directly, 35% faster for a Cell; the readers' :func:`new_cell` skips keyword parsing and the
# descriptors as well (2.5× faster than the generated one). Same keywords, defaults, equality, hash, repr,
# ``dataclasses.replace`` and frozenness.


@dataclass(frozen=True, kw_only=True, slots=True, init=False)
class Cell:
    """One table cell: its text (line breaks kept as ``\\n``) and grid position."""

    text: str
    row: int = 0
    col: int = 0
    rowspan: int = 1
    colspan: int = 1

    def __init__(self, *, text: str, row: int = 0, col: int = 0, rowspan: int = 1, colspan: int = 1) -> None:
        _set_text(self, text)
        _set_row(self, row)
        _set_col(self, col)
        _set_rowspan(self, rowspan)
        _set_colspan(self, colspan)


_set_text, _set_row, _set_col, _set_rowspan, _set_colspan = (
    vars(Cell)[name].__set__ for name in ("text", "row", "col", "rowspan", "colspan")
)
_new = object.__new__


class CellSlots:
    """A :class:`Cell` being filled: the same slots, in the same order, but writable by plain attribute stores
    (the interpreter's fastest store, where a frozen class needs a descriptor call a field). Once filled, it
    becomes a Cell by ``cell.__class__ = Cell``, which CPython allows between classes of the same layout; the
    object is then a Cell like any other (type, equality, hash, frozenness). :func:`new_cell` does it; the
    readers that make hundreds of cells a report use it (a Cell in 2.8 k instructions against 5.0 k through
    the slot descriptors and 7.0 k through the keyword ``__init__``)."""

    __slots__ = Cell.__slots__  # the same names in the same order: the same layout


def new_cell(text: str, row: int, col: int, rowspan: int = 1, colspan: int = 1) -> Cell:
    """``Cell(text=…, row=…, col=…, rowspan=…, colspan=…)`` without the keyword call, filled as a
    :class:`CellSlots`: the readers' cells, one per table cell."""
    cell = _new(CellSlots)
    cell.text = text
    cell.row = row
    cell.col = col
    cell.rowspan = rowspan
    cell.colspan = colspan
    cell.__class__ = Cell  # type: ignore[assignment]
    return cell  # type: ignore[return-value]



@dataclass(frozen=True, kw_only=True, slots=True, init=False)
class Paragraph:
    """A paragraph of running text (a heading, a line of prose, a lone cell)."""

    text: str

    def __init__(self, *, text: str) -> None:
        _set_paragraph_text(self, text)


_set_paragraph_text = vars(Paragraph)["text"].__set__


def paragraph(text: str) -> Paragraph:
    """``Paragraph(text=text)`` without the keyword call (0.9 of its 3 k instructions): the readers' paragraphs,
    one a line of text or a page's block."""
    block = _new(Paragraph)
    _set_paragraph_text(block, text)
    return block


def paragraphs(texts: Sequence[str]) -> list[Paragraph]:
    """``[paragraph(text) for text in texts]`` made by C iterators, no Python call a paragraph (0.3 k
    instructions a paragraph against 1.3 k): a text reader's lines, hundreds a report."""
    blocks = list(map(_new, repeat(Paragraph, len(texts))))
    deque(map(_set_paragraph_text, blocks, texts), maxlen=0)  # each slot filled in C; the Nones dropped
    return blocks


#: A table cell as a reader found it: ``(text, rowspan, colspan)``, spans as given (``0`` rows: to the end).
RawCell = tuple[str, int, int]


@dataclass(frozen=True, kw_only=True, slots=True)
class Table:
    """A table as rows of cells; a covered slot of a merged cell is ``None``.

    A table a reader makes from texts keeps them in ``texts`` and makes its Cells only when ``rows`` is first
    read: the record's path reads the texts alone (the fitter's tokens, the publish-date look, the limits), so
    a report's few hundred cells are never made (2.8 k instructions a Cell, and for a table with spans the grid
    besides). :meth:`from_texts` makes one of plain texts (the text readers' rows, no spans); :meth:`from_cells`
    one of cells with their spans (a web page's), ``spans`` keeping them for the grid. Such a table equals,
    hashes, prints and pickles as the same table made by ``Table(rows=…)``; ``texts`` and ``spans`` are not
    compared and are ``None`` for a table made from cells.
    """

    rows: tuple[tuple[Cell | None, ...], ...]
    #: The cell texts by row, as :meth:`from_texts` or :meth:`from_cells` got them (no covered slot); ``None``
    #: for a table of cells.
    texts: tuple[tuple[str, ...], ...] | None = field(default=None, init=False, repr=False, compare=False)
    #: The cells :meth:`from_cells` got, ``(text, rowspan, colspan)`` by row; ``None`` otherwise.
    spans: tuple[tuple[RawCell, ...], ...] | None = field(default=None, init=False, repr=False, compare=False)

    def __getattr__(self, name: str) -> object:
        # reached only for an attribute not found: ``rows`` of a table from_texts or from_cells left unset until now
        if name != "rows" or self.texts is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        if self.spans is not None:
            rows = expand_spans(self.spans)
        else:
            rows = tuple(tuple([new_cell(text, r, c) for c, text in enumerate(row)])
                         for r, row in enumerate(self.texts))
        _set_rows(self, rows)
        return rows

    def cells(self) -> Iterator[Cell]:
        """Every origin cell in reading order (row by row, left to right)."""
        # C iteration, no generator frame: a Cell is always true, a covered slot is None
        return filter(None, chain.from_iterable(self.rows))

    def cell_texts(self) -> Iterator[str]:
        """The text of every origin cell in reading order, without making Cells for a table of texts."""
        if self.texts is not None:
            return chain.from_iterable(self.texts)
        return map(_cell_text, self.cells())

    def row_texts(self) -> Iterator[list[str]]:
        """Each row's cell texts, covered slots left out (without making Cells for a table of texts)."""
        if self.texts is not None:
            return map(list, self.texts)
        return ([cell.text for cell in row if cell is not None] for row in self.rows)

    def row_count(self) -> int:
        """How many rows the table has (without making Cells for a table of texts)."""
        return len(self.texts if self.texts is not None else self.rows)

    def row_origins(self, r: int) -> list[tuple[str, int]]:
        """``(text, rowspan)`` of each cell that starts in row ``r``, its row span clamped to the rows there are
        as in ``rows`` (without making Cells for a table of texts)."""
        if self.spans is not None:
            left = len(self.spans) - r
            return [(text, rowspan if rowspan == 1 else clamped_rowspan(rowspan, left))
                    for text, rowspan, _ in self.spans[r]]
        if self.texts is not None:
            return [(text, 1) for text in self.texts[r]]
        return [(cell.text, cell.rowspan) for cell in self.rows[r] if cell is not None]

    @classmethod
    def from_texts(cls, rows: Sequence[Sequence[str]]) -> Table:
        """A table of plain cells, one per text, without spans; its Cells are made when ``rows`` is first read."""
        table = _new(cls)
        _set_texts(table, tuple(map(tuple, rows)))
        _set_spans(table, None)
        return table

    @classmethod
    def from_cells(cls, rows: Sequence[Sequence[RawCell]]) -> Table:
        """A table of cells ``(text, rowspan, colspan)`` by row, as a page's markup gives them: its grid
        (:func:`expand_spans`) and Cells are made when ``rows`` is first read."""
        table = _new(cls)
        spans = tuple(map(tuple, rows))
        _set_texts(table, tuple([tuple(map(_raw_text, row)) for row in spans]))
        _set_spans(table, spans)
        return table


_set_rows, _set_texts, _set_spans = (vars(Table)[name].__set__ for name in ("rows", "texts", "spans"))
_raw_text = itemgetter(0)


def clamped_rowspan(rowspan: int, left: int) -> int:
    """A cell's row span within the ``left`` rows from its own to the table's end (``0``, "to the end", is all)."""
    return min(rowspan or left, left)


def expand_spans(rows: Sequence[Sequence[RawCell]]) -> tuple[tuple[Cell | None, ...], ...]:
    """Rows of ``(text, rowspan, colspan)`` as a grid, in one pass with a carry list of open row spans.

    ``carry`` maps a column to the number of rows its open row span still
    covers. The origin cell carries its spans; every slot it covers is
    ``None``, so a merged value counts once. A row span past the last row is
    clamped to the rows there are (``0``, "to the end", is that too).
    """
    grid: list[tuple[Cell | None, ...]] = []
    carry: dict[int, int] = {}
    total = len(rows)
    for r, cells in enumerate(rows):
        slots: list[Cell | None] = []
        following: dict[int, int] = {}
        col = 0
        left = total - r
        for text, rowspan, colspan in cells:
            if col in carry:
                col = _covered(carry, following, slots, col)
            if rowspan != 1:
                rowspan = clamped_rowspan(rowspan, left)
            slots.append(new_cell(text, r, col, rowspan, colspan))
            if colspan > 1:
                slots.extend([None] * (colspan - 1))
            if rowspan > 1:
                for c in range(col, col + colspan):
                    following[c] = rowspan - 1
            col += colspan
        for c in sorted(carry):  # spans still open after the row's last cell, or overlapped by a colspan
            if c not in carry:  # covered in an earlier turn of this loop
                continue
            if c >= col:
                slots.extend([None] * (c - col))  # a gap: no cell printed there
                col = _covered(carry, following, slots, c)
            else:
                rest = carry.pop(c) - 1
                if rest:
                    following.setdefault(c, rest)
        carry = following
        grid.append(tuple(slots))
    return tuple(grid)


def _covered(carry: dict[int, int], following: dict[int, int], slots: list[Cell | None], col: int) -> int:
    """Fill the slots from ``col`` that open row spans cover; the next free column."""
    while col in carry:
        left = carry.pop(col) - 1
        if left:
            following[col] = left
        slots.append(None)
        col += 1
    return col


_cell_text = attrgetter("text")


Block = Paragraph | Table


@dataclass(frozen=True, kw_only=True, slots=True)
class ReaderNote:
    """Something a reader noticed that the record should report (a guessed encoding, say)."""

    level: str
    code: str
    message: str


Path = tuple[int, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class Page:
    """What a web page states outside its blocks, as markup gives it (no interpretation).

    ``title`` is the ``<title>`` text; ``metas`` the ``(name, content)`` of its
    ``<meta>`` elements (name lower case: ``name``, ``property`` or ``itemprop``);
    ``stamps`` the text of CMS date elements (``<publishtime>``); ``hidden`` the
    texts the reader dropped as hidden, and ``unhidden`` reads the page again
    with them (a Document of this one page, its paths rooted at 0).
    """

    title: str | None = None
    metas: tuple[tuple[str, str], ...] = ()
    stamps: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    unhidden: Callable[[], Document] | None = field(default=None, compare=False)


@dataclass(frozen=True, kw_only=True, slots=True)
class Document:
    """A read document: blocks in reading order, plus what the reader learnt on the way.

    ``properties`` holds facts a format states outside its text under
    well-known keys such as ``"published"``. A document read from markup keeps
    its provenance for :mod:`nianbao.page`: ``paths`` gives each block the ids
    of the elements it came from, outermost first, or ``()`` (empty when no
    block has one); a path's first id is the index of its page in ``pages``.
    """

    blocks: tuple[Block, ...]
    format: str
    properties: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    notes: tuple[ReaderNote, ...] = ()
    paths: tuple[Path, ...] = ()
    pages: tuple[Page, ...] = ()
    #: What :func:`nianbao.limits.check_document` counts, counted by the reader as it read (:func:`counted`):
    #: ``(blocks, longest)``, the paragraphs plus table cells and a length no text exceeds (the longest line it
    #: cut them from); ``None`` when the reader did not count, and the limits walk the blocks. Not carried by
    #: ``dataclasses.replace``: a document made from another is counted anew.
    sizes: tuple[int, int] | None = field(default=None, init=False, repr=False, compare=False)

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


_set_sizes = vars(Document)["sizes"].__set__


def counted(document: Document, blocks: int, longest: int) -> Document:
    """``document`` with the sizes its reader counted (:attr:`Document.sizes`): ``blocks`` paragraphs and cells
    exactly, ``longest`` at least the length of its longest text."""
    _set_sizes(document, (blocks, longest))
    return document


class Embedded:
    """The pages of documents a reader embeds (an HTML chunk in Word, an HTML block in Markdown), kept with
    their blocks' paths while the reader assembles its own blocks: page ids renumbered, one page list."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self._paths: dict[int, tuple[Block, Path]] = {}  # id of an embedded block → it and its path

    def add(self, document: Document) -> list[Block]:
        """``document``'s blocks, their paths remembered (their pages numbered after those already added)."""
        offset = len(self.pages)
        self.pages.extend(document.pages)
        for block, path in zip(document.blocks, document.paths, strict=False):
            if path:
                self._paths[id(block)] = (block, (path[0] + offset, *path[1:]))
        return list(document.blocks)

    def paths(self, blocks: Sequence[Block]) -> tuple[Path, ...]:
        """The paths of ``blocks`` (``()`` for a block of the reader's own), or ``()`` when no page was added."""
        if not self._paths:
            return ()
        empty: tuple[None, Path] = (None, ())
        return tuple(path if kept is block else () for block in blocks
                     for kept, path in (self._paths.get(id(block), empty),))
