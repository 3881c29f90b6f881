"""The three statistics tables as grids of merged cells, with every number spelled as printed.

A :class:`Grid` is the Word table a disclosure office fills in: cells placed
on a fixed column grid with row and column spans. Every output format is
rendered from the same grids (HTML ``rowspan``/``colspan``, DOCX
``cell.merge``, the text exports' cell orders), so one report reads the same
in every format. :class:`Style` holds a report's printing habits: how it
spells zero, whether it pads, uses full-width digits or thousands separators,
how it numbers labels and breaks them over lines.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

from nianbao.template import (
    AMOUNT_COLUMNS,
    APPLICANT_COLUMNS,
    APPLICATION_COLUMNS,
    PROACTIVE_SHAPES,
    REVIEW_FIELDS,
    REVIEW_GROUPS,
)

from . import vocab
from .model import Spec

_FULL_WIDTH = str.maketrans("0123456789,-.", "０１２３４５６７８９，－．")


@dataclass(frozen=True, slots=True)
class GridCell:
    """A table cell at its top-left grid slot, with its spans; ``\\n`` marks a printed line break."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    value: bool = False  # a value slot (number, none-spelling or blank), not a label


@dataclass(slots=True)
class Grid:
    """A table: ``width`` grid columns, cells placed on it (origins only), built row by row."""

    width: int
    cells: list[GridCell] = field(default_factory=list)
    height: int = 0

    def new_row(self) -> int:
        """Open a row and return its index."""
        self.height += 1
        return self.height - 1

    def add(self, row: int, col: int, text: str, *, rowspan: int = 1, colspan: int = 1,
            value: bool = False) -> None:
        """Place a cell; spans must stay inside the grid."""
        if col + colspan > self.width or rowspan < 1 or colspan < 1:
            raise ValueError(f"cell {text!r} at ({row}, {col}) spans outside a {self.width}-column grid")
        self.cells.append(GridCell(row, col, text, rowspan, colspan, value))

    def rows(self) -> list[list[GridCell]]:
        """Origin cells per row, left to right."""
        out: list[list[GridCell]] = [[] for _ in range(self.height)]
        for cell in self.cells:
            out[cell.row].append(cell)
        for row in out:
            row.sort(key=lambda c: c.col)
        return out

    def slots(self) -> Iterator[list[tuple[GridCell, bool]]]:
        """Per row, every cell that touches it, left to right: ``(cell, is_origin_row)``.

        A cell spanning rows appears in each row it covers; the flag tells the
        row it starts in from the rows its vertical merge continues into.
        """
        by_row: list[list[tuple[GridCell, bool]]] = [[] for _ in range(self.height)]
        for cell in self.cells:
            for r in range(cell.row, min(cell.row + cell.rowspan, self.height)):
                by_row[r].append((cell, r == cell.row))
        for row in by_row:
            row.sort(key=lambda pair: pair[0].col)
            yield row


def split_grid(grid: Grid, at: int, *, header_rows: int = 0, repeat_labels: bool = False) -> tuple[Grid, Grid]:
    """A table broken in two before row ``at``, as page breaks leave it in converted documents.

    A cell merged across the break ends in the first part and continues in the
    second as an empty cell (or, with ``repeat_labels``, printed again). The
    second part repeats the first ``header_rows`` rows when asked to.
    """
    top, bottom = Grid(grid.width, height=at), Grid(grid.width, height=grid.height - at + header_rows)
    shift = at - header_rows
    for cell in grid.cells:
        end = cell.row + cell.rowspan
        if cell.row >= at:
            bottom.cells.append(replace(cell, row=cell.row - shift))
            continue
        top.cells.append(replace(cell, rowspan=min(end, at) - cell.row))
        if end <= header_rows:
            bottom.cells.append(cell)
        elif end > at:
            text = cell.text if repeat_labels else ""
            bottom.cells.append(replace(cell, row=header_rows, rowspan=end - at, text=text))
    return top, bottom


# ---- Printing habits -----------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Style:
    """How one report prints numbers and labels."""

    zero: str = "0"
    none_word: str | None = None
    none_rate: float = 0.0
    full_width: bool = False
    pad: bool = False
    thousands: bool = True
    amount_unit: str = "wan"  # wan | wan-suffix | yuan-suffix | yuan-header
    amount_note: str = ""
    leaf_number: str = "{}."  # 1.  1、  1．
    group_number: str = "（{}）"  # （一）  (一)  (一)␠
    article_brackets: str = "（）"
    break_rate: float = 0.0
    char_break_header: bool = False
    balance_note: bool = True
    header_variants: bool = False
    count_unit: str = ""  # 件 after the counts of 规章 and 规范性文件 (a few reports)

    @classmethod
    def draw(cls, rng: random.Random, features: list[str]) -> Style:
        """A random style; notable choices are appended to ``features``."""
        zero = rng.choices(["0", " 0", "  0", "０"], weights=[82, 5, 5, 8])[0]
        none_word = rng.choice(["—", "-", "/", "无"]) if rng.random() < 0.08 else None
        amount_unit = rng.choices(["wan", "wan-suffix", "yuan-suffix", "yuan-header"], weights=[60, 20, 12, 8])[0]
        notes = vocab.AMOUNT_NOTES_YUAN if amount_unit == "yuan-header" else vocab.AMOUNT_NOTES_WAN
        style = cls(
            zero=zero,
            none_word=none_word,
            none_rate=rng.choice([0.2, 0.5, 1.0]) if none_word else 0.0,
            full_width=zero == "０",
            pad=zero.startswith(" "),
            thousands=rng.random() < 0.6,
            amount_unit=amount_unit,
            amount_note=rng.choice(notes),
            leaf_number=rng.choice(["{}.", "{}、", "{}．"]),
            group_number=rng.choice(["（{}）", "({})", "({}) "]),
            article_brackets=rng.choice(["（）", "()"]),
            break_rate=rng.choice([0.0, 0.0, 0.05, 0.2]),
            char_break_header=rng.random() < 0.25,
            balance_note=rng.random() < 0.85,
            header_variants=rng.random() < 0.15,
            count_unit="件" if rng.random() < 0.03 else "",
        )
        features.extend(f for f, on in (
            ("zero:padded", style.pad), ("zero:full-width", style.full_width),
            (f"none-spelling:{none_word}", none_word is not None), (f"amount:{amount_unit}", True),
            ("labels:broken", style.break_rate > 0), ("headers:variants", style.header_variants),
            ("count-unit", bool(style.count_unit)),
        ) if on)
        return style

    def count(self, value: int | None, rng: random.Random) -> str:
        """A count as printed: zero spellings, padding, full-width digits, thousands separators."""
        if value is None:
            return ""
        if value == 0:
            return self.none_word if self.none_word and rng.random() < self.none_rate else self.zero
        text = f"{value:,}" if self.thousands and abs(value) >= 1000 else str(value)
        if self.full_width:
            text = text.translate(_FULL_WIDTH)
        return text.rjust(3) if self.pad else text

    def leaf(self, n: int) -> str:
        """A leaf row's number: ``1.``, ``1、``, ``1．`` (full-width digits in full-width reports)."""
        number = str(n).translate(_FULL_WIDTH) if self.full_width else str(n)
        return self.leaf_number.format(number)

    def amount(self, yuan: int | None, rng: random.Random) -> str:
        """An amount (given in 元) as printed in this report's unit habit."""
        if yuan is None:
            return ""
        if yuan == 0:
            return rng.choice(["0", "0", "0.00"]) if self.amount_unit.startswith("wan") else "0"
        wan = format((Decimal(yuan) / 10000).normalize(), "f")
        if self.amount_unit == "wan":
            return wan
        if self.amount_unit == "wan-suffix":
            return f"{wan}万元"
        if self.amount_unit == "yuan-suffix":
            return f"{yuan:,}元" if self.thousands else f"{yuan}元"
        return str(yuan)

    def label(self, text: str, rng: random.Random) -> str:
        """A label, sometimes broken over two lines as narrow Word columns print it."""
        if len(text) > 5 and rng.random() < self.break_rate:
            cut = rng.randint(4, len(text) - 2)
            return f"{text[:cut]}\n{text[cut:]}"
        return text

    def header(self, text: str, rng: random.Random) -> str:
        """A short column header, sometimes broken after every character (``自\\n然\\n人``)."""
        if self.char_break_header and len(text) <= 4:
            return "\n".join(text)
        return self.label(text, rng)


# ---- Section 二 ------------------------------------------------------------------


#: Items whose counts some reports print with a unit word (``3件``).
COUNTED_ITEMS = frozenset({"regulations", "normative_documents"})


def proactive_grids(spec: Spec, style: Style, rng: random.Random, *, one_table: bool) -> list[Grid]:
    """Section 二: one 4-column table, or one table per 第二十条 article."""
    version = spec.proactive_version
    shape = PROACTIVE_SHAPES[version]
    width = 1 + max(len(columns) for columns in shape.values())
    grids: list[Grid] = []
    grid = Grid(width)
    for article, items in vocab.ARTICLES:
        items = tuple(i for i in items if i in shape)
        if not items:
            continue
        if not one_table:
            grid = Grid(width)
        if not grids or not one_table:
            grids.append(grid)
        _article(grid, spec, style, rng, article, items)
    return grids


def _article(grid: Grid, spec: Spec, style: Style, rng: random.Random, article: str,
             items: tuple[str, ...]) -> None:
    version = spec.proactive_version
    columns = PROACTIVE_SHAPES[version][items[0]]
    if any(PROACTIVE_SHAPES[version][i] != columns for i in items):
        raise ValueError(f"synth: items of 第二十条第（{article}）项 have different columns")
    left, right = style.article_brackets
    grid.add(grid.new_row(), 0, f"第二十条第{left}{article}{right}项", colspan=grid.width)
    r = grid.new_row()
    grid.add(r, 0, vocab.CONTENT_HEADER)
    for j, column in enumerate(columns):
        grid.add(r, 1 + j, _column_header(version, items[0], column, style, rng), colspan=_rest(grid, columns, j))
    for item in items:
        r = grid.new_row()
        grid.add(r, 0, vocab.item_label(version, item))
        for j, column in enumerate(columns):
            value = spec.proactive[item][column]
            if column in AMOUNT_COLUMNS:
                text = style.amount(value, rng)
            else:
                text = style.count(value, rng)
                if item in COUNTED_ITEMS and text.strip()[-1:].isdigit():
                    text += style.count_unit
            grid.add(r, 1 + j, text, colspan=_rest(grid, columns, j), value=True)


def _rest(grid: Grid, columns: tuple[str, ...], j: int) -> int:
    """Column span of the ``j``-th value column: the last one fills the row."""
    return grid.width - 1 - j if j == len(columns) - 1 else 1


def _column_header(version: str, item: str, column: str, style: Style, rng: random.Random) -> str:
    variants = vocab.column_variants(version, item, column)
    text = rng.choice(variants) if style.header_variants else variants[0]
    if column in AMOUNT_COLUMNS:
        text += style.amount_note
    return style.label(text, rng)


# ---- Section 三 ------------------------------------------------------------------

#: Label columns of the section 三 grid (一级, 二级, 三级 labels), then the 7 value columns.
LABEL_COLUMNS = 3
#: Rows of the section 三 header (申请人情况 / 自然人, 法人或其他组织, 总计 / 商业企业…).
APPLICATION_HEADER_ROWS = 3


def applications_grid(spec: Spec, style: Style, rng: random.Random) -> Grid:
    """Section 三: a 3-row header, then the rows of the template in their merged label columns."""
    grid = Grid(LABEL_COLUMNS + len(APPLICATION_COLUMNS))
    _applications_header(grid, style, rng)
    outline = vocab.application_outline(spec.applications_version)
    results_start: int | None = None
    results_rows = 0
    top_number = sub_number = 0
    for kind, key, leaves in outline:
        if kind == "top":
            top_number += 1
            r = grid.new_row()
            short = style.header_variants and rng.random() < 0.5
            grid.add(r, 0, style.label(f"{vocab.cn(top_number)}、{vocab.row_label(key, short=short)}", rng),
                     colspan=LABEL_COLUMNS)
            _values(grid, r, spec.applications[key], style, rng)
            continue
        if results_start is None:
            results_start, top_number = grid.height, top_number + 1
        sub_number += 1
        numbered = style.group_number.format(vocab.cn(sub_number))
        if kind == "leaf":
            r = grid.new_row()
            grid.add(r, 1, style.label(numbered + vocab.row_label(key), rng), colspan=2)
            _values(grid, r, spec.applications[key], style, rng)
            results_rows += 1
            continue
        first = grid.height
        for n, leaf in enumerate(leaves, 1):
            r = grid.new_row()
            grid.add(r, 2, style.label(style.leaf(n) + vocab.row_label(leaf), rng))
            _values(grid, r, spec.applications[leaf], style, rng)
        grid.add(first, 1, style.label(numbered + vocab.group_label(key), rng), rowspan=len(leaves))
        results_rows += len(leaves)
    assert results_start is not None
    results = vocab.group_label("results")
    grid.add(results_start, 0, f"{vocab.cn(3)}、{results}", rowspan=results_rows)
    return grid


def _applications_header(grid: Grid, style: Style, rng: random.Random) -> None:
    r0, r1, r2 = (grid.new_row() for _ in range(APPLICATION_HEADER_ROWS))
    grid.add(r0, 0, vocab.BALANCE_NOTE if style.balance_note else "", rowspan=APPLICATION_HEADER_ROWS,
             colspan=LABEL_COLUMNS)
    grid.add(r0, LABEL_COLUMNS, vocab.APPLICANT_CAPTION, colspan=len(APPLICATION_COLUMNS))
    first, *orgs = APPLICANT_COLUMNS
    base = LABEL_COLUMNS
    grid.add(r1, base, style.header(APPLICATION_COLUMNS[first].zh, rng), rowspan=2)
    grid.add(r1, base + 1, vocab.ORG_CAPTION, colspan=len(orgs))
    for j, key in enumerate(orgs):
        grid.add(r2, base + 1 + j, style.header(APPLICATION_COLUMNS[key].zh, rng))
    grid.add(r1, grid.width - 1, style.header(APPLICATION_COLUMNS["total"].zh, rng), rowspan=2)


def _values(grid: Grid, row: int, values: dict[str, int | None], style: Style, rng: random.Random) -> None:
    for j, column in enumerate(APPLICATION_COLUMNS):
        grid.add(row, LABEL_COLUMNS + j, style.count(values[column], rng), value=True)


# ---- Section 四 ------------------------------------------------------------------


def review_grid(spec: Spec, style: Style, rng: random.Random) -> Grid:
    """Section 四: 行政复议 (5) | 行政诉讼 (未经复议直接起诉 5, 复议后起诉 5), then 15 values."""
    fields = list(REVIEW_FIELDS)
    n = len(fields)
    grid = Grid(n * len(REVIEW_GROUPS))
    r0, r1, r2, r3 = (grid.new_row() for _ in range(4))
    first, *litigation = REVIEW_GROUPS
    grid.add(r0, 0, REVIEW_GROUPS[first].zh, colspan=n)
    grid.add(r0, n, vocab.LITIGATION_CAPTION, colspan=n * len(litigation))
    for j, key in enumerate(fields):
        grid.add(r1, j, style.header(REVIEW_FIELDS[key].zh, rng), rowspan=2)
    for g, group in enumerate(litigation, 1):
        grid.add(r1, g * n, REVIEW_GROUPS[group].zh, colspan=n)
        for j, key in enumerate(fields):
            grid.add(r2, g * n + j, style.header(REVIEW_FIELDS[key].zh, rng))
    for g, group in enumerate(REVIEW_GROUPS):
        for j, key in enumerate(fields):
            grid.add(r3, g * n + j, style.count(spec.review[group][key], rng), value=True)
    return grid
