"""Table fitting: the cells of a section in, the template's rows and columns out.

One algorithm for every format. The blocks of a section become a stream of
:class:`Token` (a cell's text and, where the format had rows, the row it came
from). :func:`walk` cuts the stream into labelled rows: a recognised label
opens a row and the value cells after it are that row's values, so a row with
too many or too few values can never push its surplus into the next one. The
per-section fitters then map each row's values onto the template's columns and
report every mismatch as an issue, leaving the values null rather than
guessing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from .agree import Sums, agree, contradicted
from .budget import check_deadline
from .checks import applications_balance, applications_handled_total
from .document import Block, Paragraph, Table
from .glued import MAX_CANDIDATES, Number, Split, TooManySplits, agreed_split, describe, split_by_count, split_run
from .record import Issue, error, warning
from .template import (
    AMBIGUOUS_GROUP_ROWS,
    AMOUNT_COLUMNS,
    APPLICATION_COLUMN_LOOKUP,
    APPLICATION_COLUMNS,
    APPLICATION_GROUP_LOOKUP,
    APPLICATION_GROUPS,
    APPLICATION_ROW_LOOKUP,
    APPLICATION_ROWS,
    APPLICATION_VERSION_ROWS,
    BLANK,
    CELL_NUMBER_SEPARATORS,
    DECIMAL,
    GARBAGE,
    LAST_YEAR_WORDS,
    MARKED,
    NONE_SPELLING,
    OTHER_COUNT_HEADERS,
    PAGE_NUMBER,
    PROACTIVE_COLUMN_LOOKUP,
    PROACTIVE_COLUMNS,
    PROACTIVE_HEADER_START,
    PROACTIVE_ITEM_LOOKUP,
    PROACTIVE_SHAPES,
    REVIEW_FIELDS,
    REVIEW_GROUPS,
    REVIEW_HEADER_WORDS,
    REVIEW_SLOTS,
    SEVERAL,
    SIGNED_COLUMNS,
    UNIT_COUNT,
    UNIT_WAN,
    UNIT_YUAN,
    WAN_YUAN,
    YUAN,
    Parsed,
    closest_label,
    combine_versions,
    is_group_numbered,
    is_numbered,
    is_table_label,
    match_label,
    normalise_label,
    numbered_tail,
    parse_cell,
    section_number,
    simplified,
    within_label,
    yuan_in_wan,
)
from .witness import Fact, narrow, quoted

#: Row id of a token that came from a paragraph (no row structure).
NO_ROW = -1
#: A token's text.
_TEXT = itemgetter(0)


class Token(NamedTuple):
    """A cell's text and the table row it came from (``NO_ROW`` for a paragraph).

    The fitter reads tokens as ``(text, row)`` pairs: :func:`tokens_of` makes plain tuples (a ``Token`` equals
    the plain pair), since a tuple subclass costs 2.5× a plain tuple to make, per cell; build a ``Token`` for
    readability where a token is written by hand.
    """

    text: str
    row: int = NO_ROW


def tokens_of(blocks: Iterable[Block]) -> list[tuple[str, int]]:
    """The cells of a section in reading order as ``(text, row)`` pairs, row ids where the format had rows.

    A paragraph that prints only a page number (``6``, ``— 6 —``, ``第6页 共7页``) between two tables is the foot of
    the page that broke a table in two, not a value of the row above it (``template.PAGE_NUMBER``)."""
    blocks = tuple(blocks)
    if all(issubclass(kind, Paragraph) for kind in set(map(type, blocks))):  # paragraphs only: no page number
        return [(block.text, NO_ROW) for block in blocks]  # between tables, one comprehension
    out: list[tuple[str, int]] = []
    row_id = 0
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            if not (0 < index < len(blocks) - 1 and isinstance(blocks[index - 1], Table)
                    and isinstance(blocks[index + 1], Table) and PAGE_NUMBER.fullmatch(block.text)):
                out.append((block.text, NO_ROW))  # not a page number between the two parts of a split table
            continue
        # one comprehension a table, not one a row (a comprehension is a call; a row has about eight cells); a
        # table of texts (the text readers') is read as its texts, without making its Cells
        texts = block.texts
        if texts is not None:
            out += [(text, number) for number, row in enumerate(texts, row_id + 1) for text in row]
            row_id += len(texts)
            continue
        rows = block.rows
        out += [(cell.text, number) for number, row in enumerate(rows, row_id + 1) for cell in row if cell is not None]
        row_id += len(rows)
    return out


#: A line of PDF text or OCR printing a row's label and then its values with spaces between
#: (``行政许可 97``, ``1.属于国家秘密 0 0 0 0 0 0 0``, ``规章 / / /``), or only the values (``0 0 0 0 0 0 0``).
_LOOSE_VALUE = rf"[-+—–/\d][\d.,]*(?:{WAN_YUAN}|{YUAN})?"  # ``134.8万元``: an amount with its unit
_LOOSE_LINE = re.compile(rf"^(?:(?P<label>.*?[^\s\d.,，．+/])\s+)?(?P<values>{_LOOSE_VALUE}(?:\s+{_LOOSE_VALUE})+|"
                         rf"(?<=\s){_LOOSE_VALUE})\s*$")


#: Whitespace between two printed characters: a paragraph without any is one cell.
_INNER_SPACE = re.compile(r"\S\s+\S")

#: What each trailing piece of a loose line must read as: a number (an amount may have decimals) or a printed 0.
_LOOSE_NOTES = (None, NONE_SPELLING, DECIMAL, UNIT_WAN, UNIT_YUAN)


def loose_lines(tokens: Sequence[tuple[str, int]], width: int | None = None) -> list[tuple[str, int]]:
    """The tokens with each paragraph that prints a table row as a line of text cut in cells, each such line a
    row of its own (a row id below ``NO_ROW``), as if the table's rules had been printed.

    A line of table labels spaced apart (a header: ``信息内容 本年制发件数 本年废止件数``) is cut at its spaces.
    A paragraph (no row of its own) is cut when every piece after its text reads as
    one value and its text is a table label of the template, whole or cut short
    (``行政许可 97``; :func:`nianbao.template.is_table_label`), or, with ``width``
    (section 三), when it prints exactly ``width`` values after any text or none
    (``申请 0 0 0 0 0 0 0``, the end of a wrapped label; ``0 0 0 0 0 0 0``, a row
    whose label is printed elsewhere). Not for glued crawler text, whose spaces do
    not mark cells.
    """
    out: list[tuple[str, int]] = []
    line_row = NO_ROW
    for token in tokens:
        text, row = token
        if row != NO_ROW or _INNER_SPACE.search(text) is None:  # a cell, or a paragraph of one piece
            out.append(token)
            continue
        stripped = text.strip()
        pieces = stripped.split()
        # a header line: ``信息内容 本年制发件数 本年废止件数 现行有效件数``
        if all(is_table_label(piece) or normalise_label(piece) == PROACTIVE_HEADER_START for piece in pieces):
            line_row -= 1
            out += [(piece, line_row) for piece in pieces]
            continue
        last = stripped[-1]
        if last.isdigit() or last in "-—–/" or last == YUAN:  # ``规章 / / /``, ``行政事业性收费 0万元``
            match = _LOOSE_LINE.match(stripped)
            if match is not None:
                label, pieces = match["label"], match["values"].split()
                whole = is_table_label(label) if label else False
                labels = label.split() if label and not whole else []  # ``行政诉讼  未经复议直接起诉  0 0 1 1 2``
                split = len(labels) > 1 and all(map(is_table_label, labels))  # two label cells spaced apart
                if (whole or split or len(pieces) == width) and all(
                        parse_cell(piece)[1] in _LOOSE_NOTES for piece in pieces):
                    line_row -= 1
                    out += [*((cell, line_row) for cell in (labels if split else [label] if label else [])),
                            *((piece, line_row) for piece in pieces)]
                    continue
        out.append((text, row))
    return out


# --------------------------------------------------------------------------
# The walker
# --------------------------------------------------------------------------

ROW, GROUP, HEADER = "row", "group", "header"
Hit = tuple[str, str]  # (kind, key)


@dataclass(slots=True)
class RawRow:
    """A label and the value cells that followed it, before fitting to columns."""

    kind: str | None  # ROW, GROUP, HEADER, or None for an unrecognised label
    key: str | None
    label: str
    values: list[tuple[str, Parsed]] = field(default_factory=list)
    #: For values printed in a table row of their own under two or more labels still waiting for values
    #: (PDF text printing ``5.属于…`` and ``1.本机关不掌握…`` above one bare row): the rows they could belong to.
    #: Such a row has no kind or key: its values are reported, never assigned.
    pending: tuple[RawRow, ...] = ()


class Walker:
    """State of a walk: the rows so far and the context a resolver may consult."""

    def __init__(self) -> None:
        self.rows: list[RawRow] = []
        #: The last group label seen (``（三）不予公开`` → ``denied``).
        self.group: str | None = None
        #: Whether the last label recognised was a row or group, not a header: the header is behind us
        #: (until a header label comes back, as it does atop the second part of a split table).
        self.in_body = False
        #: The label as printed (numbering and all) that the resolver is being asked about.
        self.printed = ""
        #: Whether that label stands after another text cell in a row of column headers (``类别 | 数据1 | … |
        #: 总计``; ``walk``'s ``header_row``), whose later cells label no row.
        self.in_header_row = False

    @property
    def current(self) -> RawRow | None:
        return self.rows[-1] if self.rows else None


Resolver = Callable[[str, Walker], "Hit | None"]


def walk(tokens: Sequence[tuple[str, int]], resolve: Resolver, *, width: int | None = None,
         header_row: Callable[[list[str]], bool] | None = None) -> list[RawRow]:
    """Cut a token stream into labelled rows.

    - a text cell that ``resolve`` recognises opens a row (or a group or header);
    - a text cell and the text cell after it (in the same table row) that together
      make up one label are read as that label: a label broken over two cells,
      where either piece alone reads as nothing or as a different label
      (``上一年`` + ``项目数量``, ``属于行政`` + ``查询事项``);
    - an unrecognised text cell continues the current label while that label has
      no values yet (a label broken over lines), else opens an unknown row whose
      values will be reported, not assigned;
    - a value cell (number, none-spelling) is appended to the current row;
    - a blank cell is a value slot only after something else in the same table
      row: blank cells before the label are the padding of merged label columns;
      in a row of values without any label (section 四's) every cell is a value.

    With ``width`` (the table's columns; section 三's walk), a table row of values
    without a label is a row of its own (no kind or key: a *floating* row, whose
    label PDF text printed elsewhere) when the row before it already holds
    ``width`` values or none: :func:`place_by_order` may place it later. A row
    of values after a row short of values continues that row, as before.

    With ``header_row``, a table row of text cells only (no value) for whose texts it
    holds is a row of column headers: the resolver sees ``walker.in_header_row`` for
    its cells after the first.
    """
    walker = Walker()
    rows = walker.rows
    # Each cell is parsed once (the cache makes a repeat cheap, not free); the pre-pass, the walk and the
    # look-ahead of a broken label all read this list. Notes are compared by identity: parse_cell returns the
    # template's constants. ``values`` is the last row's value list (``None`` before the first row).
    parsed_all = list(map(parse_cell, map(_TEXT, tokens)))  # in C: no bytecode a token (a cache hit each)
    labelled: set[int] = set()
    printed: set[int] = set()
    text_cells: dict[int, list[str]] = {}  # the text cells of each table row, for ``header_row``
    for (text, row), (_, note) in zip(tokens, parsed_all, strict=True):
        if note is not BLANK and row != NO_ROW:
            if note is GARBAGE:
                labelled.add(row)
                if header_row is not None:
                    text_cells.setdefault(row, []).append(text)
            else:
                printed.add(row)
    value_rows = printed - labelled  # 四's values: no label, some value
    header_rows = {row for row, texts in text_cells.items() if row not in printed and header_row is not None
                   and header_row(texts)}
    last = len(tokens) - 1
    last_row = None
    seen_in_row = False
    skip = False
    values: list[tuple[str, Parsed]] | None = None
    last_value_row = None  # the table row the last value cell came from
    valued_row = None  # the table row the last value appended came from
    for index, (text, row) in enumerate(tokens):
        if not index & 255:
            check_deadline()
        if skip:
            skip = False
            continue
        if row != last_row:
            last_row, seen_in_row = row, False
        parsed = parsed_all[index]
        note = parsed[1]
        if row != last_value_row and row in value_rows:
            last_value_row = row
            if width is not None and values is not None and (not values or _printed_count(values) >= width):
                rows.append(RawRow(None, None, "", [], _pending(rows)))  # floating: placed, if at all, later
                values = rows[-1].values
            elif width is None and note is not BLANK and values is not None and not values and rows[-1].kind == ROW:
                pending = _pending(rows)
                if len(pending) > 1:  # a bare row under several labels: not the last label's by position alone
                    rows.append(RawRow(None, None, "", [], pending))
                    values = rows[-1].values
        if note is BLANK:
            if values is not None and row != NO_ROW and (seen_in_row or row in value_rows):
                values.append((text, parsed))
            continue
        if note is not GARBAGE:  # a value (most tokens): nothing below reads ``walker.in_header_row`` for it
            seen_in_row = True
            if values is None:
                rows.append(RawRow(None, None, "", []))
                values = rows[-1].values
            values.append((text, parsed))
            valued_row = row
            continue
        walker.in_header_row = seen_in_row and row in header_rows
        seen_in_row = True
        norm = normalise_label(text)
        if not norm:
            continue
        walker.printed = text
        hit = resolve(norm, walker)
        # _broken_label's first test inline: most labels are followed by a value or another row's cell
        if index < last and tokens[index + 1][1] == row and parsed_all[index + 1][1] is GARBAGE:
            broken = _broken_label(tokens, index, walker, resolve)
            if broken is not None:
                (hit, token), skip = broken, True
                text = token.text
        if hit is None and values is not None and not values:
            current = rows[-1]
            if current.kind is None:  # a label broken over two cells: try the two together
                joined = resolve(normalise_label(current.label + text), walker)
                if joined is not None:
                    rows.pop()
                    hit, text = joined, current.label + text
            if hit is None and current.kind in (ROW, HEADER):
                current.label += text
                continue
        if hit is None and row != NO_ROW and row == valued_row and values:
            values.append((text, parsed))  # no label after the row's values in its table row: a cell that is no
            continue  # number (``1\u200b6``, ``约16``) keeps its slot, so the values after the label do not shift
        if hit is None:
            values = []
            rows.append(RawRow(None, None, text, values))
            continue
        kind, key = hit
        if kind == GROUP:
            walker.group = key
        walker.in_body = kind != HEADER and (walker.in_body or kind in (ROW, GROUP))
        values = []
        rows.append(RawRow(kind, key, text, values))
    return rows


def _printed_count(values: Sequence[tuple[str, Parsed]]) -> int:
    """How many of a row's value cells are printed (not blank)."""
    return sum(note is not BLANK for _, (_, note) in values)


#: A table row of at least this many text cells and no value, the last a column header, is a row of headers.
_HEADER_ROW_CELLS = 3


def _application_header_row(texts: list[str]) -> bool:
    """A row of section 三's column headers: OCR's ``类别 | 数据1 | … | 总计``, a garbled ``项目 | 本年新收件数 | …
    | 总计``, the template's own; not a row whose values are all blank (it ends in its label)."""
    return len(texts) >= _HEADER_ROW_CELLS and normalise_label(texts[-1]) in APPLICATION_COLUMN_LOOKUP


def _pending(rows: Sequence[RawRow]) -> tuple[RawRow, ...]:
    """The rows at the end of ``rows`` still waiting for values (group labels between them skipped), in order."""
    out: list[RawRow] = []
    for raw in reversed(rows):
        if raw.kind == GROUP:
            continue
        if raw.kind != ROW or raw.values:
            break
        out.append(raw)
    return tuple(reversed(out))


def _broken_label(tokens: Sequence[tuple[str, int]], index: int, walker: Walker,
                  resolve: Resolver) -> tuple[Hit, Token] | None:
    """The label that ``tokens[index]`` and the text cell after it make together, if they make one.

    Both must be text in the same table row, and their joined text must be a
    table label or the start of one (``within_label``), so two whole labels side
    by side (``本年新制作数量`` ``本年新公开数量``) are never joined.
    """
    if index + 1 >= len(tokens):
        return None
    (first, row), (second, following_row) = tokens[index], tokens[index + 1]
    if following_row != row or parse_cell(second)[1] != GARBAGE:
        return None
    text = first + second
    norm = normalise_label(text)
    if not within_label(norm):
        return None
    printed, walker.printed = walker.printed, text
    hit = resolve(norm, walker)
    walker.printed = printed
    return (hit, Token(text, row)) if hit is not None else None


# --------------------------------------------------------------------------
# Fitting values to columns
# --------------------------------------------------------------------------


@dataclass(slots=True)
class Fitted:
    """A fitted table: values by row and column, the template version it follows, issues."""

    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    version: str | None = None
    issues: list[Issue] = field(default_factory=list)


def _printed(values: Sequence[tuple[str, Parsed]]) -> str:
    return " / ".join(text.strip() or "(blank)" for text, _ in values)


def _cut_by_sums(values: list[tuple[str, Parsed]], width: int, sums: Sums | None) -> list[tuple[str, Parsed]] | None:
    """Of the cuts of a row with blank cells at both edges, the one its sums do not contradict, if only one.

    ``| 0 | 2 | 0 | 0 | 0 | 0 | |`` after a padding blank: read from the first blank, 总计 would be 0 under a 2.
    """
    printed = [i for i, (_, (_, note)) in enumerate(values) if note != BLANK]
    if sums is None or not printed or any(values[i][1][1] not in _AGREEABLE_NOTES for i in printed):
        return None
    fits = []
    for start in range(max(0, printed[-1] - width + 1), min(printed[0], len(values) - width) + 1):
        cut = values[start:start + width]
        if not contradicted([value if note != BLANK else None for _, (value, note) in cut], sums):
            fits.append(cut)
    return fits[0] if len(fits) == 1 else None


def _blank_cuts(values: list[tuple[str, Parsed]], width: int) -> list[list[tuple[str, Parsed]]]:
    """The cuts of a row too long whose printed cells span fewer slots than its columns: one of its blank edges is
    padding, the other a value printed blank (``| （一）予以公开 | | 0 | 0 | 0 | 0 | 0 | 0 | |``); ``[]`` for any
    other row, or one holding a cell that is no plain number."""
    printed = [i for i, (_, (_, note)) in enumerate(values) if note != BLANK]
    if not printed or printed[-1] - printed[0] + 1 >= width or any(
            values[i][1][1] not in _AGREEABLE_NOTES for i in printed):
        return []
    starts = range(max(0, printed[-1] - width + 1), min(printed[0], len(values) - width) + 1)
    return [values[start:start + width] for start in starts] if len(starts) > 1 else []


def _cells_every_cut_gives(raw: RawRow, cuts: list[list[tuple[str, Parsed]]], columns: Sequence[str], where: str,
                           issues: list[Issue], out: dict[str, Any]) -> None:
    """Fill ``out`` with the cells every cut reads alike; a blank is null, so where the cuts put the blank value
    differently the cell stays null (a blank cell is no value the sums may fill)."""
    readings = [[None if note == BLANK else value for _, (value, note) in cut] for cut in cuts]
    for n, column in enumerate(columns):
        if len({reading[n] for reading in readings}) == 1:
            out[column] = readings[0][n]
    unread = [column for column in columns if out[column] is None]
    issues.append(error("row.blank_edge_ambiguous", f"row {raw.label.strip()!r}: {_printed(raw.values)} has a "
                          f"blank cell at each edge, one padding and one a value printed blank, and its sums do not "
                          f"tell which; the cells every reading gives alike are taken, {', '.join(unread)} "
                          "left null", where))


def _slots(values: list[tuple[str, Parsed]], width: int) -> list[tuple[str, Parsed]]:
    """Drop blank cells at the edges of a row that has more cells than columns, where only one cut fits.

    The printed cells must fall inside the ``width`` slots kept. When blank cells
    at both edges could be the surplus (padding, and a value left blank at the
    end of the row), which blank is a value cannot be told: the row is returned
    as it is, to be reported with too many values rather than shifted.
    """
    values = list(values)
    if len(values) <= width:
        return values
    printed = [i for i, (_, (_, note)) in enumerate(values) if note != BLANK]
    if not printed:
        return values[:width]
    starts = range(max(0, printed[-1] - width + 1), min(printed[0], len(values) - width) + 1)
    return values[starts[0]:starts[0] + width] if len(starts) == 1 else values


def fit_row(
    raw: RawRow,
    columns: Sequence[str],
    where: str,
    issues: list[Issue],
    *,
    integer: bool,
    yuan_columns: frozenset[str] = frozenset(),
    sums: Sums | None = None,
) -> dict[str, Any]:
    """Map a row's values onto ``columns``; any mismatch leaves every value null with an issue.

    With ``sums`` (the row's arithmetic), a row with too many or too few values
    is filled when every reading the arithmetic allows gives the same numbers
    (:func:`nianbao.agree.agree`), with a ``row.values_agree`` warning.
    """
    values = raw.values
    if len(values) == len(columns) and not yuan_columns:
        # the common row, plain numbers only: nothing to convert or report (one pass, no generator)
        out: dict[str, Any] = {}
        for column, (_, (value, note)) in zip(columns, values, strict=True):
            if note is not None:
                break
            out[column] = value
        else:
            return out
    out = dict.fromkeys(columns)
    if any(note is SEVERAL for _, (_, note) in values):
        split = _split_several(raw, columns, where, issues, sums)
        if split is None:
            return out
        values = split
    if any(note is GARBAGE for _, (_, note) in values) and len(values) != len(columns):
        issues.append(error("cell.unreadable", f"row {raw.label.strip()!r}: {_printed(values)} holds a cell that is no "
                            f"number and has {len(values)} cells for {len(columns)} columns: which cell is which "
                            "cannot be told, the row is left null", where))
        return out
    values = _slots(values, len(columns))
    if len(values) > len(columns) and (cut := _cut_by_sums(values, len(columns), sums)) is not None:
        issues.append(warning("row.cut_by_sums", f"row {raw.label.strip()!r}: of the blank cells at its two edges, "
                              "only one reading as padding keeps the row's sums", where))
        values = cut
    if not values:
        issues.append(error("row.no_values", f"row {raw.label.strip()!r} has no values", where))
        return out
    if len(values) > len(columns) and (cuts := _blank_cuts(values, len(columns))):
        _cells_every_cut_gives(raw, cuts, columns, where, issues, out)
        return out
    if len(values) != len(columns):
        if sums is not None and _agreed(raw, values, columns, where, issues, sums, out, integer=integer):
            for column in yuan_columns & set(columns):  # a header in 元: amounts are kept in 万元
                out[column] = round(out[column] / 10000, 6)
            return out
        kind = "too_many_values" if len(values) > len(columns) else "too_few_values"
        issues.append(
            error(
                f"row.{kind}",
                f"row {raw.label.strip()!r} has {len(values)} values for {len(columns)} columns "
                f"({', '.join(columns)}): {_printed(values)}; left null rather than guess which is which",
                where,
            )
        )
        return out
    blanks: list[str] = []
    for column, (text, (value, note)) in zip(columns, values, strict=True):
        amount = column in AMOUNT_COLUMNS
        if column in yuan_columns and note in (None, DECIMAL):
            note = UNIT_YUAN  # a plain number under a header in 元
        if note is None or note == NONE_SPELLING:
            out[column] = value
            continue
        if note == BLANK:
            blanks.append(column)
            continue
        if note == UNIT_YUAN:
            if amount and value is not None:
                out[column] = round(value / 10000, 6)
                issues.append(warning("cell.converted_yuan", f"{text.strip()!r} in 元 read as 万元",
                                      f"{where}.{column}"))
            else:
                issues.append(error("cell.unexpected_unit", f"{text.strip()!r}: an amount in a count column",
                                    f"{where}.{column}"))
            continue
        if note == UNIT_WAN and not amount:
            issues.append(error("cell.unexpected_unit", f"{text.strip()!r}: an amount in a count column",
                                f"{where}.{column}"))
            continue
        if note == DECIMAL and integer:
            issues.append(error("cell.not_integer", f"{text.strip()!r} is not a whole number", f"{where}.{column}"))
            continue
        if note == UNIT_COUNT:
            issues.append(warning("cell.unit_dropped", f"{text.strip()!r} read as {value}", f"{where}.{column}"))
        elif note == MARKED:
            issues.append(warning("cell.mark_dropped", f"{text.strip()!r} read as {value}: the mark after it is a "
                                  "footnote's", f"{where}.{column}"))
        elif note == GARBAGE:
            issues.append(error("cell.unreadable", f"{text.strip()!r} is no number", f"{where}.{column}"))
            continue
        out[column] = value
    if blanks:
        issues.append(warning("cell.blank", f"blank cells read as null: {', '.join(blanks)}", where))
    return out


def _split_several(raw: RawRow, columns: Sequence[str], where: str, issues: list[Issue],
                   sums: Sums | None) -> list[tuple[str, Parsed]] | None:
    """A row with a cell holding several numbers (``1 2``): its cells with that cell split, or ``None``.

    Split, the row must have one value per column and keep its arithmetic (``sums``, with an equation: a row
    of section 二 has none, so its crowded cells always leave it null),
    and the other reading (the cell one number, its digits run together) must not:
    then the split is the only reading. Otherwise the whole row is left null (its
    cells after the crowded one may be shifted too), with an error.
    """
    split: list[tuple[str, Parsed]] = []
    joined: list[Number] = []  # the other reading: each crowded cell one number, its digits run together
    joined_cells: list[tuple[str, Parsed]] = []
    wrapped = True  # every crowded cell's numbers on lines of their own: one number wrapped in a narrow cell?
    for text, parsed in raw.values:
        if parsed[1] is SEVERAL:
            lines = text.strip().split("\n")
            wrapped = wrapped and len(lines) > 1 and all(line.strip().isdecimal() for line in lines)
            pieces = [piece for piece in CELL_NUMBER_SEPARATORS.split(text.strip()) if piece]
            split += [(piece, parse_cell(piece)) for piece in pieces]
            parsed = parse_cell("".join(pieces))
            joined_cells.append(("".join(pieces), parsed))
        else:
            split.append((text, parsed))
            joined_cells.append((text, parsed))
        if parsed[1] in _AGREEABLE_NOTES and parsed[0] is not None:
            joined.append(parsed[0])
    split = _slots(split, len(columns))
    numbers = [value for _, (value, note) in split if note in _AGREEABLE_NOTES and value is not None]
    joined_holds = sums is not None and (sums.holds(joined) if len(joined) == len(columns)
                                         else agree(joined, len(columns), sums) is not None)
    split_holds = (sums is not None and sums.equations and len(split) == len(numbers) == len(columns)
                   and sums.holds(numbers))
    crowded = " / ".join(repr(text.strip()) for text, (_, note) in raw.values if note is SEVERAL)
    if split_holds and not joined_holds:
        issues.append(warning("cell.several_split", f"row {raw.label.strip()!r}: {crowded} holds several numbers; "
                              "split, the row has one per column and keeps its sums (read as one number it "
                              "would not)", where))
        return split
    if (wrapped and sums is not None and sums.equations and len(joined) == len(joined_cells) == len(columns)
            and sums.holds(joined) and not split_holds):
        issues.append(warning("cell.several_joined", f"row {raw.label.strip()!r}: {crowded} is one number wrapped "
                              "over lines in a narrow cell: read whole, the row has one value per column and keeps "
                              "its sums (split it would not)", where))
        return joined_cells
    issues.append(error("cell.several_values", f"row {raw.label.strip()!r}: {crowded} holds several numbers "
                        f"(a lost column rule?) and the row's arithmetic does not tell them apart: "
                        f"{_printed(raw.values)}; the row is left null", where))
    return None


#: Cell notes a row read by the agreement rule may hold: plain numbers and printed zeros (``—``, ``无``).
_AGREEABLE_NOTES = (None, NONE_SPELLING)


def _agreed(raw: RawRow, values: list[tuple[str, Parsed]], columns: Sequence[str], where: str, issues: list[Issue],
            sums: Sums, out: dict[str, Any], *, integer: bool) -> bool:
    """Fill ``out`` when every reading of a short or long row gives the same numbers; whether it did."""
    if len(values) > len(columns):  # in a row too long, blank cells at its edges are padding, never values
        printed = [i for i, (_, (_, note)) in enumerate(values) if note != BLANK]
        values = values[printed[0]:printed[-1] + 1] if printed else []
    if any(note not in _AGREEABLE_NOTES and (integer or note != DECIMAL) for _, (_, note) in values):
        return False
    agreement = agree([value for _, (value, _) in values if value is not None], len(columns), sums)
    if agreement is None:
        return False
    out.update(zip(columns, agreement.values, strict=True))
    how = ("every choice of the values to leave out" if len(values) > len(columns) else
           "every position of the missing value" + ("s" if len(columns) - len(values) > 1 else ""))
    checks = " under the template's sums" if sums.equations else ""
    issues.append(warning("row.values_agree", f"row {raw.label.strip()!r} has {len(values)} values for "
                          f"{len(columns)} columns ({_printed(values)}); {how}{checks} gives "
                          f"{' / '.join(f'{v:g}' for v in agreement.values)} ({agreement.readings} of "
                          f"{agreement.tried} readings allowed): taken by the agreement rule", where))
    return True


def fit_glued_row(
    raw: RawRow,
    columns: Sequence[str],
    where: str,
    issues: list[Issue],
    accept: Callable[[Split], bool],
    yuan_columns: frozenset[str] = frozenset(),
    *,
    sums: Sums | None = None,
    signed: Collection[str] | None = None,
) -> tuple[dict[str, Any], list[Split]]:
    """Fit a row whose values a crawler glued together (``3960181``): every split the template allows.

    One candidate fills the row; several are returned for the caller to narrow
    down (by cross-checks) or report, values null. When none fits, two readings
    that need no fit still fill the row, each with a warning: exactly as many
    digits as cells (:func:`nianbao.glued.split_by_count`: the printed numbers,
    whatever sums they break, ``glued.split_by_count``), or, with ``sums``, fewer
    digits than cells and every reading of the lost cells giving the same numbers
    (:func:`nianbao.glued.agreed_split`, ``glued.values_agree``). Otherwise an
    error (``glued.no_split``), values null. ``signed`` names the columns a
    printed sign may start a number in (``None``: any).
    """
    out: dict[str, Any] = dict.fromkeys(columns)
    texts = [text for text, (_, note) in raw.values if note != BLANK]
    if not texts:
        issues.append(error("row.no_values", f"row {raw.label.strip()!r} has no values", where))
        return out, []
    try:
        candidates = split_run(texts, len(columns), accept,
                               None if signed is None else [n for n, c in enumerate(columns) if c in signed])
    except TooManySplits as exc:
        issues.append(error("glued.too_many_splits", f"row {raw.label.strip()!r}: {exc}, too many to try "
                            f"(nianbao.glued.MAX_SPLITS_TRIED); values left null", where))
        return out, []
    if not candidates:
        candidates = _unfitted_reading(raw, texts, columns, where, issues, sums)
    if len(candidates) == 1:
        for column, value in zip(columns, candidates[0], strict=True):
            out[column] = _in_wan(column, value, texts, yuan_columns)
    return out, candidates


def _unfitted_reading(raw: RawRow, texts: Sequence[str], columns: Sequence[str], where: str, issues: list[Issue],
                      sums: Sums | None) -> list[Split]:
    """A glued row no split fits: its one reading by digit count, or by the agreement rule, or none (an error)."""
    label, printed, width = raw.label.strip(), " ".join(texts), len(columns)
    forced = split_by_count(texts, width)
    if forced is not None:
        issues.append(warning("glued.split_by_count", f"row {label!r}: {printed!r} has exactly as many digits as "
                              f"the row has cells ({width}), so it splits one way only, a digit a cell: "
                              f"{describe([forced])}; taken as printed although no split keeps the template's "
                              "sums (the checks report where the document breaks them)", where))
        return [forced]
    agreed = agreed_split(texts, width, sums) if sums is not None else None
    if agreed is not None:
        values, count = agreed
        issues.append(warning("glued.values_agree", f"row {label!r}: {printed!r} has fewer digits than the row "
                              f"has cells ({width}): cells were lost; every cut and every position of the lost "
                              f"cells the template's sums allow gives {describe([values])} ({count} readings): "
                              "taken by the agreement rule", where))
        return [values]
    issues.append(error("glued.no_split", f"row {label!r}: no cut of {printed!r} into {width} values "
                        f"({', '.join(columns)}) fits the template", where))
    return []


def _in_wan(column: str, value: Number, texts: Sequence[str], yuan_columns: frozenset[str]) -> Number:
    """A glued row's value in its record unit: an amount printed in 元 (its run ends in 元, or its header says so)
    in 万元."""
    last = simplified(texts[-1].strip())
    if column in AMOUNT_COLUMNS and ((last.endswith(YUAN) and not last.endswith(WAN_YUAN)) or column in yuan_columns):
        return yuan_in_wan(value)
    return value


def _cells_every_split_gives(raw: RawRow, columns: Sequence[str], candidates: Sequence[Split], where: str,
                             issues: list[Issue], yuan_columns: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The cells of an ambiguous glued row that every split gives alike (``5 5270`` under 本年制发件数, 本年废止件数,
    现行有效件数: 5 whatever the cut of ``5270``), the others null; only when the splits were all listed."""
    out: dict[str, Any] = dict.fromkeys(columns)
    if len(candidates) >= MAX_CANDIDATES:
        return out
    agreed = [n for n in range(len(columns)) if len({split[n] for split in candidates}) == 1]
    if not agreed:
        return out
    texts = [text for text, (_, note) in raw.values if note != BLANK]
    for n in agreed:
        out[columns[n]] = _in_wan(columns[n], candidates[0][n], texts, yuan_columns)
    issues.append(warning("glued.cells_agreed", f"row {raw.label.strip()!r}: "
                          f"{', '.join(columns[n] for n in agreed)} read the same in all {len(candidates)} splits, "
                          "taken; the others left null", where))
    return out


def _report_ambiguous(raw: RawRow, candidates: Sequence[Split], where: str, issues: list[Issue]) -> None:
    texts = " ".join(text.strip() for text, _ in raw.values)
    issues.append(error("glued.ambiguous", f"row {raw.label.strip()!r}: {texts!r} splits {len(candidates)} ways "
                        f"the template allows, left null: {describe(candidates)}", where))


def _agreeing(kept: dict[str, Any], again: Mapping[str, Any], label: str, where: str, issues: list[Issue]) -> None:
    """A row printed twice (a table repeated for last year, for each body a report covers, or a table of other
    counts naming the same items): each value both printings agree on stays, each they disagree on is null with an
    error naming both. Which printing is the report's own the fitter cannot tell; taking the first (or the last)
    would give a wrong value whenever it is the other one."""
    differ = [column for column, value in kept.items() if value != again.get(column)]
    if not differ:
        issues.append(warning("row.duplicate", f"row {label!r} printed twice, the same values", where))
        return
    for column in differ:
        issues.append(error("row.duplicate_disagrees", f"row {label!r} printed twice with different values "
                            f"({kept[column]} and {again.get(column)}): left null", f"{where}.{column}"))
        kept[column] = None


def _none_spellings(rows: Iterable[RawRow], section: str, issues: list[Issue]) -> None:
    """One warning per section for the cells that spelled zero as a dash, slash or 无."""
    spelled = sorted({text.strip() for raw in rows if raw.kind is not None
                      for text, (_, note) in raw.values if note == NONE_SPELLING})
    if spelled:
        issues.append(warning("cell.none_spelling", f"cells spelled {' '.join(spelled)} read as 0", section))


# --------------------------------------------------------------------------
# Section 二: proactive disclosure (第二十条 items)
# --------------------------------------------------------------------------


#: Labels up to this long are kept in section 二's resolver cache; a longer text is no label of the template.
_CACHED_LABEL_CHARS = 64


def _resolve_proactive(norm: str, walker: Walker) -> Hit | None:
    # The answer depends on the label alone, and the same few dozen labels recur in every report: cached (two
    # label lookups a label otherwise, each trying the label's starts when it is no exact label of its table).
    if len(norm) <= _CACHED_LABEL_CHARS:
        return _proactive_hit(norm)
    return _proactive_hit.__wrapped__(norm)


@lru_cache(maxsize=4096)
def _proactive_hit(norm: str) -> Hit | None:
    if norm == PROACTIVE_HEADER_START:
        return HEADER, ""
    item = match_label(norm, PROACTIVE_ITEM_LOOKUP)
    if item is not None:
        return ROW, item
    column = match_label(norm, PROACTIVE_COLUMN_LOOKUP)
    if column is not None:
        return HEADER, column
    if norm.startswith(PROACTIVE_HEADER_START):  # ``信息内容本年处理决定数量``: a header row printed as one line
        column = PROACTIVE_COLUMN_LOOKUP.get(norm[len(PROACTIVE_HEADER_START):])
        if column is not None:
            return HEADER, column
    return None


#: A header cell is short: a longer line naming 公开数量 is a sentence.
_HEADER_MAX_CHARS = 16


#: The column a header of last year's counts stands for in section 二's columns (a place, no template key).
LAST_YEAR_COLUMN = "<last year>"


def _without_column(raw: RawRow, columns: list[str], column: str) -> RawRow | None:
    """``raw`` without the values under ``column``, when its values stand one a column (else ``None``). Blank cells
    after them are no values (a table whose merged header cell became a row of cells, the last ones blank)."""
    values = raw.values
    if len(values) > len(columns) and all(note is BLANK for _, (_, note) in values[len(columns):]):
        values = values[:len(columns)]
    if len(values) != len(columns):
        return None
    values = [value for value, name in zip(values, columns, strict=True) if name != column]
    return RawRow(raw.kind, raw.key, raw.label, values)


def _other_counts_header(label: str) -> bool:
    norm = normalise_label(label)
    return len(norm) <= _HEADER_MAX_CHARS and any(word in norm for word in OTHER_COUNT_HEADERS)


def _proactive_shape(item: str, columns: Sequence[str], width: int) -> tuple[str | None, tuple[str, ...] | None]:
    """The version and columns an item's header (or, lacking one, its value count) fits."""
    if columns:
        for version, shape in PROACTIVE_SHAPES.items():
            if shape.get(item) == tuple(columns):
                return version, tuple(columns)
        for version, shape in PROACTIVE_SHAPES.items():
            if item in shape and set(columns) <= set(shape[item]):
                return version, shape[item]
        return None, None
    fits = [(v, shape[item]) for v, shape in PROACTIVE_SHAPES.items() if item in shape and len(shape[item]) == width]
    return fits[0] if len(fits) == 1 else (None, None)


#: Section 二's column key → its normalised labels (each header row asks for its own).
_COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    key: tuple(n for n, k in PROACTIVE_COLUMN_LOOKUP.items() if k == key) for key in PROACTIVE_COLUMN_LOOKUP.values()}


def _misspelt_header(raw: RawRow) -> tuple[str, str] | None:
    """A misspelt header cell that the walk joined to the header before it: its column and its text.

    The walk continues a label with an unknown cell that follows it (a label
    broken over lines), so ``信息内容`` + ``本年新制做数量`` arrive as one header.
    What is left after the header's own label is read as the one known column
    header it closely resembles, if there is one.
    """
    norm = normalise_label(raw.label)
    own = _COLUMN_LABELS.get(raw.key, ()) if raw.key else (PROACTIVE_HEADER_START,)
    head = max((label for label in own if norm.startswith(label)), key=len, default=None)
    if head is None or len(norm) - len(head) < 3:
        return None
    rest = norm[len(head):]
    if match_label(rest, PROACTIVE_COLUMN_LOOKUP) is not None:
        return None  # a header broken over cells that the walk read whole: not a misspelling
    if any(word in rest for word in LAST_YEAR_WORDS):
        return (LAST_YEAR_COLUMN, rest)  # last year's column: one of its own, no misspelling of this year's
    key = closest_label(rest, PROACTIVE_COLUMN_LOOKUP)
    return (key, rest) if key is not None else None


@lru_cache(maxsize=64)  # one a row, from a handful of headers: made once each
def _proactive_sums(columns: tuple[str, ...]) -> Sums:
    """Section 二 has no sums: counts are whole and not negative, 本年增/减 may be, amounts may have decimals."""
    return Sums(signed=frozenset(i for i, c in enumerate(columns) if c == "change"),
                whole=frozenset(i for i, c in enumerate(columns) if c not in AMOUNT_COLUMNS))


def _proactive_accept(columns: Sequence[str]) -> Callable[[Split], bool]:
    """Counts are whole and not negative (本年增/减 may be); amounts may have decimals."""
    def accept(split: Split) -> bool:
        for column, value in zip(columns, split, strict=True):
            if column in AMOUNT_COLUMNS:
                if value < 0:
                    return False
            elif not isinstance(value, int) or (value < 0 and column not in SIGNED_COLUMNS):
                return False
        return True
    return accept


def _ambiguous_proactive(raw: RawRow, columns: Sequence[str], candidates: list[Split], where: str,
                         issues: list[Issue], yuan_columns: frozenset[str], facts: Sequence[Fact]) -> dict[str, Any]:
    """A glued row of section 二 that splits several ways: the splits the overview's statements about the row
    agree with (:mod:`nianbao.witness`), then the one left, or the cells all left give alike; null otherwise."""
    if facts and len(candidates) < MAX_CANDIDATES:
        texts = [text for text, (_, note) in raw.values if note != BLANK]
        readings = [tuple(_in_wan(c, v, texts, yuan_columns) for c, v in zip(columns, split, strict=True))
                    for split in candidates]
        narrowed = narrow(columns, readings, facts)
        if narrowed.disagreeing:
            issues.append(warning("glued.prose_disagrees", f"row {raw.label.strip()!r}: the overview's "
                                  f"{quoted(narrowed.disagreeing)} agrees with none of the {len(candidates)} splits "
                                  f"({describe(candidates)}) together with the rest; the prose is not used", where))
        elif narrowed.used:
            kept = [candidates[k] for k in narrowed.kept]
            said = (f"row {raw.label.strip()!r}: of {describe(candidates)}, the overview's {quoted(narrowed.used)} "
                    f"leaves {describe(kept)}")
            if len(kept) == 1:
                issues.append(warning("glued.split_by_prose", f"{said}: taken", where))
                return {c: readings[narrowed.kept[0]][n] for n, c in enumerate(columns)}
            issues.append(warning("glued.narrowed_by_prose", said, where))
            candidates = kept
    _report_ambiguous(raw, candidates, where, issues)
    return _cells_every_split_gives(raw, columns, candidates, where, issues, yuan_columns)


def fit_proactive(tokens: Sequence[tuple[str, int]], where: str = "proactive", *, glued: bool = False,
                  prose: Mapping[str, Sequence[Fact]] | None = None) -> Fitted:
    """Fit section 二: each item row under the column headers printed above it. ``prose``: what the overview
    states about the items (:func:`nianbao.witness.prose_facts`), a second witness for glued rows that split
    several ways."""
    fitted = Fitted()
    issues = fitted.issues
    rows = walk(tokens if glued else loose_lines(tokens), _resolve_proactive)
    columns: list[str] = []
    yuan: set[str] = set()
    header_open = False
    versions: list[str | None] = []
    other_counts = False  # under the header of a table of other counts (``信息类别 | 公开数量（条）``)
    for raw in rows:
        if raw.kind == HEADER:
            other_counts = False
            if not header_open:
                columns, yuan, header_open = [], set(), True
            if raw.key:
                columns.append(raw.key)
                text = simplified("".join(raw.label.split()))  # 万\n元 in a broken header is still 万元; 萬元 too
                if raw.key in AMOUNT_COLUMNS and YUAN in text and WAN_YUAN not in text:
                    yuan.add(raw.key)
            misspelt = _misspelt_header(raw)
            if misspelt is not None and misspelt[0] == LAST_YEAR_COLUMN:
                columns.append(LAST_YEAR_COLUMN)
                issues.append(warning("table.extra_column", f"column {misspelt[1]!r} is last year's, none of the "
                                      "template's: its values are left out", where))
            elif misspelt is not None:
                columns.append(misspelt[0])
                issues.append(warning("table.header_misspelt", f"header {misspelt[1]!r} read as "
                                      f"{PROACTIVE_COLUMNS[misspelt[0]].zh!r}, the one known header it is close to",
                                      where))
            continue
        header_open = False
        if raw.kind is None:
            if not raw.values and _other_counts_header(raw.label):
                other_counts = True
                issues.append(warning("table.other_counts", f"a table of other counts (header {raw.label.strip()!r}):"
                                      " its rows are no items of the template's", where))
                continue
            _report_unknown(raw, where, issues)
            continue
        if other_counts:
            continue
        item = raw.key
        assert item is not None
        known = columns
        if LAST_YEAR_COLUMN in columns:
            known = [column for column in columns if column != LAST_YEAR_COLUMN]
            raw = _without_column(raw, columns, LAST_YEAR_COLUMN)
            if raw is None:
                issues.append(error("row.unplaced", f"item {item!r}: its values do not stand one a column, so "
                                    "last year's cannot be told from this year's: left null", f"{where}.{item}"))
                continue
        version, shape = _proactive_shape(item, known, len(_slots(raw.values, 99)))
        if shape is None:
            issues.append(error("table.unknown_columns", f"item {raw.label.strip()!r}: columns {known or 'missing'}"
                                f" fit neither template", f"{where}.{item}"))
            continue
        if not known:
            issues.append(warning("table.no_header", f"item {raw.label.strip()!r} has no column header; "
                                  f"columns inferred from its {len(shape)} values", f"{where}.{item}"))
        elif tuple(known) != shape:
            missing = [c for c in shape if c not in known]
            issues.append(error("table.missing_columns", f"item {raw.label.strip()!r}: no column "
                                f"{', '.join(missing)} in the header", f"{where}.{item}"))
        again = item in fitted.values
        printed = [c for c in shape if c in known] if known else list(shape)
        row_issues = [] if again else issues  # a second printing's own issues are not the record's
        if glued:
            row, candidates = fit_glued_row(raw, printed, f"{where}.{item}", row_issues, _proactive_accept(printed),
                                            frozenset(yuan), signed=SIGNED_COLUMNS)
            if len(candidates) > 1:
                row = _ambiguous_proactive(raw, printed, candidates, f"{where}.{item}", row_issues, frozenset(yuan),
                                           (prose or {}).get(item, ()))
        else:
            row = fit_row(raw, printed, f"{where}.{item}", row_issues, integer=False, yuan_columns=frozenset(yuan),
                          sums=_proactive_sums(tuple(printed)))
        values = {c: row.get(c) for c in shape}
        if again:
            _agreeing(fitted.values[item], values, raw.label.strip(), f"{where}.{item}", issues)
            continue
        fitted.values[item] = values
        versions.append(version)
    _none_spellings(rows, where, issues)
    fitted.version = combine_versions(versions)
    return fitted


# --------------------------------------------------------------------------
# Section 三: applications
# --------------------------------------------------------------------------


def _resolve_application(norm: str, walker: Walker) -> Hit | None:
    # The answer depends on the label, as normalised and as printed, and on where the walk is: cached, since the
    # same labels come at the same places in every report (labels over _CACHED_LABEL_CHARS not kept).
    context = (norm, walker.printed, walker.in_header_row, walker.in_body, walker.group == "other")
    if len(walker.printed) <= _CACHED_LABEL_CHARS:
        hit, group = _application_hit(*context)
    else:
        hit, group = _application_hit.__wrapped__(*context)
    if group is not None:
        walker.group = group
    return hit


@lru_cache(maxsize=4096)
def _application_hit(norm: str, printed: str, in_header_row: bool, in_body: bool, in_other: bool
                     ) -> tuple[Hit | None, str | None]:
    """:func:`_resolve_application`'s answer: ``printed`` the label as printed (numbering and all), the flags
    the walker's (``in_other``: the last group label seen is （六）其他处理). With it the group the walk is in
    from this label on when the cell printed a group's label and then a row's own (``（六）其他处理 1.申请人…``:
    the row, its group then 其他处理, as if the group's cell had been printed alone); ``None`` when unchanged."""
    if in_header_row and norm not in _APPLICATION_HEADER_ONLY:
        return None, None  # 总计 closing OCR's ``类别 | 数据1 | … | 总计``, 予以公开 or 不予公开 in a garbled header
    group = APPLICATION_GROUP_LOOKUP.get(norm)
    if group is not None:
        return (GROUP, group), None
    column = _APPLICATION_HEADER_ONLY.get(norm)
    if column is not None:  # 自然人, 商业企业, …: a header, also when repeated atop a split table
        return (HEADER, column), None
    if APPLICATION_ROW_LOOKUP.get(norm) in _GROUP_ROWS and is_group_numbered(printed):  # the lookup first
        # ``（六）其他``: a group's number, a row's name
        return (GROUP, _GROUP_ROWS[APPLICATION_ROW_LOOKUP[norm]]), None
    if not in_body and not is_numbered(printed):  # in the header, 其他 and 总计 are columns
        row = APPLICATION_ROW_LOOKUP.get(norm)
        if row in ("other_misc", "total_handled"):
            return None, None
    key = match_label(norm, APPLICATION_ROW_LOOKUP)
    if key is None or APPLICATION_ROW_LOOKUP.get(norm) is None:  # none, or a label the text only starts with
        tail = numbered_tail(printed)  # ``（四）无 1.本机关不掌握相关政府信息``: the row's own numbered label
        if tail is not None:  # (``（六）其他处理 1.申请人无正当理由…`` starts with 2019's row 其他处理)
            answer = _tail_hit(printed, tail, in_header_row, in_body, in_other)
            if answer[0] is not None or key is None:
                return answer
        elif key is None:
            return None, None
    if APPLICATION_ROWS[key].group == "other" and not in_other:
        return None, None  # 其他 outside （六）其他处理 is not a row
    return (ROW, key), None


def _tail_hit(printed: str, tail: str, in_header_row: bool, in_body: bool, in_other: bool
              ) -> tuple[Hit | None, str | None]:
    """A row's own numbered label ``tail`` printed after its group's in one cell: the row, and its group (when the
    head is a group's label) for the walk to be in from here on."""
    group = APPLICATION_GROUP_LOOKUP.get(normalise_label(printed[: len(printed) - len(tail)]))
    hit, inner = _application_hit.__wrapped__(normalise_label(tail), tail, in_header_row, in_body,
                                              in_other if group is None else group == "other")
    return (None, None) if hit is None else (hit, inner or group)


#: Leaf rows whose label, numbered as a group (``（六）其他``), is that group's heading cut short: 其他 → 其他处理.
_GROUP_ROWS = {key: group for key, group in ((k, r.group) for k, r in APPLICATION_ROWS.items()) if group
               and any(heading.startswith(label) for heading in APPLICATION_GROUPS[group].labels
                       for label in APPLICATION_ROWS[key].labels)}

#: Column labels of section 三 that are no row label (all but 其他 and 总计).
_APPLICATION_HEADER_ONLY = {norm: key for norm, key in APPLICATION_COLUMN_LOOKUP.items()
                            if match_label(norm, APPLICATION_ROW_LOOKUP) is None}


def _check_header(rows: Sequence[RawRow], where: str, issues: list[Issue]) -> None:
    header = ""
    for raw in rows:
        if raw.kind == ROW:
            break
        header += normalise_label(raw.label)
    missing = [c.zh for c in APPLICATION_COLUMNS.values() if normalise_label(c.zh) not in header]
    if missing:
        issues.append(warning("table.header_incomplete", f"column headers not found: {', '.join(missing)}; "
                              "columns taken in template order", where))


def _report_unknown(raw: RawRow, where: str, issues: list[Issue]) -> None:
    """An unrecognised label followed by printed values: reported, never assigned."""
    if raw.pending and any(note != BLANK for _, (_, note) in raw.values):
        labels = " / ".join(repr(p.label.strip()) for p in raw.pending)
        under = f"under the labels {labels} together" if len(raw.pending) > 1 else f"after the label {labels}"
        issues.append(error("row.ambiguous_label", f"values {_printed(raw.values)} printed in a row of their own "
                            f"{under}: which row they belong to is not told by their place (nor by the template's "
                            "order of rows), and the cross-checks need every row it could be; left null", where))
    elif raw.label and any(note != BLANK for _, (_, note) in raw.values):
        issues.append(error("row.unknown", f"unknown row {raw.label.strip()!r} with values "
                            f"{_printed(raw.values)}", where))


#: Section 三's row arithmetic: 总计 is the sum of the six applicant columns; every cell a count.
_APPLICATION_SUMS = Sums(equations=((tuple(range(len(APPLICATION_COLUMNS) - 1)), len(APPLICATION_COLUMNS) - 1),),
                         whole=frozenset(range(len(APPLICATION_COLUMNS))))


def _application_row_fits(split: Split) -> bool:
    """Whole, not negative, and 总计 the sum of the six applicant columns."""
    return all(isinstance(v, int) and v >= 0 for v in split) and sum(split[:-1]) == split[-1]


#: Combinations of section 三's ambiguous glued rows tried against the column cross-checks; more and each row is
#: settled by its own splits alone.
MAX_COMBINATIONS = 100_000


def _resolve_by_column_checks(fitted: Fitted, ambiguous: dict[str, tuple[RawRow, list[Split]]],
                              where: str) -> None:
    """Narrow the glued rows that split several ways to the combinations under which the column cross-checks
    hold: a row one split in every such combination gives is taken (``glued.split_by_checks``); of a row still
    ambiguous, the cells every such combination gives alike are taken (``glued.narrowed_by_checks``, then
    ``glued.cells_agreed``), the others null. With no such combination, a row's cells every split of its own
    gives alike (its sum holds in each) are taken, as in section 二.

    Not when a row taken breaks its own sum (printed so, read by digit count): a table known to be wrong
    somewhere is no witness to which split is right. Nor when a row's splits were too many to list.
    """
    columns = tuple(APPLICATION_COLUMNS)
    keys = list(ambiguous)
    combos = 1
    for _, candidates in ambiguous.values():
        combos *= len(candidates)
    fitting: list[tuple[Split, ...]] = []
    broken = [key for key, row in fitted.values.items() if key not in ambiguous and None not in row.values()
              and not _application_row_fits(tuple(row[c] for c in columns))]
    if broken:
        fitted.issues.append(warning("glued.checks_not_used", f"rows {', '.join(broken)} break their own sums as "
                                     "printed: the column cross-checks are not used to choose between the splits "
                                     f"of {', '.join(keys)}", where))
    elif combos <= MAX_COMBINATIONS and all(len(c) < MAX_CANDIDATES for _, c in ambiguous.values()):
        for number, combo in enumerate(itertools.product(*(ambiguous[k][1] for k in keys))):
            if not number & 255:
                check_deadline()
            table = {**fitted.values, **{k: dict(zip(columns, c, strict=True)) for k, c in zip(keys, combo,
                                                                                         strict=True)}}
            results = [*applications_balance({"applications": table}),
                       *applications_handled_total({"applications": table})]
            if results and all(r.ok for r in results):
                fitting.append(combo)
    for n, key in enumerate(keys):
        raw, candidates = ambiguous[key]
        kept = list(dict.fromkeys(combo[n] for combo in fitting)) if fitting else candidates
        if len(kept) == 1:
            fitted.values[key] = dict(zip(columns, kept[0], strict=True))
            message = (f"row {raw.label.strip()!r}: of {describe(candidates)}, only {describe(kept)} keeps the "
                       "column cross-checks")
            fitted.issues.append(warning("glued.split_by_checks", message, f"{where}.{key}"))
            continue
        if len(kept) < len(candidates):
            fitted.issues.append(warning("glued.narrowed_by_checks", f"row {raw.label.strip()!r}: of "
                                         f"{describe(candidates)}, the column cross-checks leave {describe(kept)}",
                                         f"{where}.{key}"))
        _report_ambiguous(raw, kept, f"{where}.{key}", fitted.issues)
        fitted.values[key] = _cells_every_split_gives(raw, columns, kept, f"{where}.{key}", fitted.issues)


#: Section 三's rows in template order, each with its place and its normalised labels.
_ROW_PLACE = {key: place for place, key in enumerate(APPLICATION_ROWS)}
_ROW_LABELS = {key: tuple(normalise_label(text) for text in row.labels) for key, row in APPLICATION_ROWS.items()}
#: The rows of one template version only: 2019's （六）其他处理 leaf, 2021's three rows under it.
_ROWS_2019 = frozenset(AMBIGUOUS_GROUP_ROWS)
_ROWS_2021 = frozenset(key for key, row in APPLICATION_ROWS.items() if row.group in AMBIGUOUS_GROUP_ROWS.values())
#: A label is taken for printed somewhere when this many of its first characters are.
_EVIDENT_CHARS = 4


def place_by_order(rows: list[RawRow], where: str, issues: list[Issue]) -> list[RawRow]:
    """Section 三's floating value rows placed by the template's row order, where only one placing is possible.

    PDF text and OCR print a wrapped label column apart from the value rows (labels in a block, then bare
    rows of values). The rows that came with their labels (*anchors*) must stand in template order; between
    two anchors, the floating rows (bare, or under a label fragment no row is known by) are placed on the
    rows the template has there that no anchor took and whose label is printed somewhere in the section
    (at least its first characters), in order, only when there are exactly as many of those rows as floating
    rows, each fragment is part of its row's label, and the template version is known where the two differ.
    A row placed so is a ``row.placed_by_order`` warning; anything else stays where it was (reported later).
    """
    body = next((i for i, raw in enumerate(rows) if raw.kind in (ROW, GROUP)), len(rows))
    floating = [i for i, raw in enumerate(rows) if i > body and raw.kind is None and _printed_count(raw.values)]
    if not floating:
        return rows
    anchors = [(i, raw.key) for i, raw in enumerate(rows) if raw.kind == ROW and raw.values and raw.key]
    places = [_ROW_PLACE[key] for _, key in anchors]
    if any(later <= earlier for earlier, later in itertools.pairwise(places)):
        return rows  # rows out of the template's order: no order to place by
    waiting: dict[str, int] = {}
    for i, raw in enumerate(rows):
        if raw.kind == ROW and not raw.values and raw.key:
            waiting.setdefault(raw.key, i)
    printed = "".join(normalise_label(raw.label) for i, raw in enumerate(rows)
                      if i >= body and raw.kind != HEADER and not (raw.kind == ROW and raw.values))

    def evident(key: str) -> bool:
        return key in waiting or any(label[:_EVIDENT_CHARS] in printed for label in _ROW_LABELS[key])

    # 2021's rows under （六） tell the version where printed (anchored, waiting, or a label long enough to
    # be no other's); 2019's row never does here: its label 其他处理 is also 2021's group heading
    known = {key for _, key in anchors} | set(waiting)
    version_rows = _ROWS_2019 | _ROWS_2021
    excluded = _ROWS_2019 if known & _ROWS_2021 or any(
        evident(key) for key in _ROWS_2021 if min(map(len, _ROW_LABELS[key])) > _EVIDENT_CHARS) else None
    taken = {key for _, key in anchors}
    bounds = [(-1, -1), *((i, _ROW_PLACE[key]) for i, key in anchors), (len(rows), len(APPLICATION_ROWS))]
    placed: dict[int, tuple[str, str, str]] = {}
    for (start, low), (end, high) in itertools.pairwise(bounds):
        group = [i for i in floating if start < i < end]
        if not group:
            continue
        slots = [key for key in APPLICATION_ROWS if low < _ROW_PLACE[key] < high and key not in taken
                 and key not in (excluded or ()) and evident(key)]
        if excluded is None and version_rows & set(slots):
            continue  # 2019's one row or 2021's three: the version is not told
        if len(slots) != len(group) or not all(
                _fragment_of(rows[i].label, key) for i, key in zip(group, slots, strict=True)):
            continue
        before = rows[start].label.strip() if start >= 0 else "the header"
        after = rows[end].label.strip() if end < len(rows) else "the end of the table"
        placed.update((i, (key, before, after)) for i, key in zip(group, slots, strict=True))
    out: list[RawRow] = []
    moved: dict[int, list[tuple[str, Parsed]]] = {}
    for i, (key, _, _) in placed.items():
        if key in waiting:
            moved[waiting[key]] = rows[i].values
    for i, raw in enumerate(rows):
        if i in placed:
            key, before, after = placed[i]
            under = f"under {raw.label.strip()!r}, no label of the template" if raw.label.strip() else \
                "apart from their label"
            issues.append(warning("row.placed_by_order", f"values {_printed(raw.values)} printed {under}: "
                                  f"placed in row {APPLICATION_ROWS[key].zh!r}, the template's rows "
                                  f"between {before!r} and {after!r} being as many as the value rows there, each "
                                  "label printed", f"{where}.{key}"))
            if key in waiting:
                continue
            raw = RawRow(ROW, key, raw.label or APPLICATION_ROWS[key].zh, raw.values)
        elif i in moved:
            raw = RawRow(raw.kind, raw.key, raw.label, moved[i])
        out.append(raw)
    return out


#: A label printed with at most this many of its characters missing, and at least :data:`_MISPRINT_KEPT` of them
#: kept (``其他法律行政止公开`` for ``其他法律行政法规禁止公开``), is still that label's misprint.
_MISPRINT_CHARS = 3
_MISPRINT_KEPT = 0.75


def _fragment_of(label: str, key: str) -> bool:
    """Whether a printed label fragment (or none) can be part of row ``key``'s label, or its misprint.

    A fragment is a piece of the label (``行政机关不再处理其政府信息公``); a misprint is the whole label with
    at most :data:`_MISPRINT_CHARS` characters left out and :data:`_MISPRINT_KEPT` kept, the rest in order
    (``2.其他法律行政止公开``).
    """
    norm = normalise_label(label)
    return not norm or any(norm in full or (max(len(full) - _MISPRINT_CHARS, len(full) * _MISPRINT_KEPT) <= len(norm)
                                            < len(full) and _in_order(norm, full)) for full in _ROW_LABELS[key])


def _in_order(short: str, full: str) -> bool:
    """Whether every character of ``short`` is in ``full``, in the same order."""
    rest = iter(full)
    return all(char in rest for char in short)


def fit_applications(tokens: Sequence[tuple[str, int]], where: str = "applications", *, glued: bool = False) -> Fitted:
    """Fit section 三: 26 possible rows × 7 columns, version told by （六）."""
    fitted = Fitted()
    ambiguous: dict[str, tuple[RawRow, list[Split]]] = {}
    subtotals: list[RawRow] = []
    issues = fitted.issues
    if glued:
        rows = walk(tokens, _resolve_application)
    else:
        width = len(APPLICATION_COLUMNS)
        rows = place_by_order(walk(loose_lines(tokens, width), _resolve_application, width=width,
                                   header_row=_application_header_row), where, issues)
    _check_header(rows, where, issues)
    columns = tuple(APPLICATION_COLUMNS)
    versions: set[str] = set()
    valueless: set[str] = set()  # rows whose label came without a single value cell so far
    for index, raw in enumerate(rows):
        if raw.kind == GROUP:
            if raw.key in AMBIGUOUS_GROUP_ROWS.values():
                # the next row recognised (OCR prints a header between ``（六）其他`` and its first row)
                following = next((r for r in rows[index + 1:] if r.kind is not None or r.values), None)
                is_group = following is not None and following.kind == ROW and (
                    APPLICATION_ROWS[following.key or ""].group == raw.key
                )
                if not is_group:  # 2019: （六）其他处理 is a row of its own
                    raw = RawRow(ROW, next(k for k, g in AMBIGUOUS_GROUP_ROWS.items() if g == raw.key),
                                 raw.label, raw.values)
            if raw.kind == GROUP:
                if raw.values and not glued and raw.key in _GROUP_LEAVES:
                    subtotals.append(raw)  # checked against its rows once they are all fitted
                elif raw.values:
                    issues.append(error("row.unknown", f"values after group label {raw.label.strip()!r}: "
                                        f"{_printed(raw.values)}", where))
                continue
        if raw.kind == HEADER:
            _report_unknown(raw, where, issues)
            continue
        if raw.kind is None:
            _report_unknown(raw, where, issues)
            if raw.values and not raw.label and not raw.pending and fitted.values:
                issues.append(error("row.orphan_values", f"values with no row label: {_printed(raw.values)}",
                                    where))
            continue
        key = raw.key
        assert key is not None
        if key in fitted.values:
            if key in valueless and raw.values and APPLICATION_ROW_LOOKUP.get(normalise_label(raw.label)) == key:
                # The label first stood alone (a heading over the row, as OCR Markdown prints each row as its
                # own small table under a heading of its label), then came, printed whole, with values: those
                # are the row's. A label glued to another one (``总计1. 申请人…``) is no second print.
                _drop_issue(issues, "row.no_values", f"{where}.{key}")
                issues.append(warning("row.label_repeated", f"row {raw.label.strip()!r} printed first without "
                                      f"values (a heading), then with them; those are used", f"{where}.{key}"))
                valueless.discard(key)
            else:
                if raw.values and not glued:
                    again = fit_row(raw, columns, f"{where}.{key}", [], integer=True, sums=_APPLICATION_SUMS)
                    _agreeing(fitted.values[key], again, raw.label.strip(), f"{where}.{key}", issues)
                elif raw.values:  # glued text: a second printing that splits one way only is compared
                    again, candidates = fit_glued_row(raw, columns, f"{where}.{key}", [], _application_row_fits,
                                                      sums=_APPLICATION_SUMS)
                    if len(candidates) > 1 or key in ambiguous:
                        again = dict.fromkeys(columns)
                    ambiguous.pop(key, None)
                    _agreeing(fitted.values[key], again, raw.label.strip(), f"{where}.{key}", issues)
                else:
                    issues.append(warning("row.duplicate", f"row {raw.label.strip()!r} printed twice; first kept",
                                          f"{where}.{key}"))
                continue
        elif not raw.values:
            valueless.add(key)
        if glued:
            fitted.values[key], candidates = fit_glued_row(raw, columns, f"{where}.{key}", issues,
                                                           _application_row_fits, sums=_APPLICATION_SUMS)
            if len(candidates) > 1:
                ambiguous[key] = (raw, candidates)
        else:
            fitted.values[key] = fit_row(raw, columns, f"{where}.{key}", issues, integer=True,
                                         sums=_APPLICATION_SUMS)
        if key in APPLICATION_VERSION_ROWS:
            versions.add(APPLICATION_VERSION_ROWS[key])
    if ambiguous:
        _resolve_by_column_checks(fitted, ambiguous, where)
    for raw in subtotals:
        _check_subtotal(raw, fitted, where)
    missing = [k for k in APPLICATION_ROWS if k not in fitted.values and k not in APPLICATION_VERSION_ROWS
               and k != "other_misc"]
    if fitted.values and missing:
        issues.append(warning("table.missing_rows", f"rows not found: {', '.join(missing)}", where))
    _none_spellings(rows, where, issues)
    fitted.version = combine_versions(versions)
    return fitted


#: Section 三's groups whose rows a sub-total printed on the group's own row sums (（三）不予公开 … （六）其他处理).
_GROUP_LEAVES = {group: tuple(key for key, row in APPLICATION_ROWS.items() if row.group == group)
                 for group in APPLICATION_GROUPS if group != "results"}


def _check_subtotal(raw: RawRow, fitted: Fitted, where: str) -> None:
    """A group's row printed with values (``（三）不予公开 | 0 | 3 | … | 49``, a table made in Excel): its sub-total,
    no row of the record. Checked against the sum of the group's rows: a warning when they agree, an error when
    they do not (one of them is misprinted) or when the sub-total cannot be read one value a column."""
    label, columns = raw.label.strip(), tuple(APPLICATION_COLUMNS)
    printed = fit_row(raw, columns, where, [], integer=True, sums=_APPLICATION_SUMS)
    if None in printed.values():
        fitted.issues.append(error("row.unknown", f"values after group label {label!r}: {_printed(raw.values)}",
                                   where))
        return
    leaves = _GROUP_LEAVES[raw.key or ""]
    shown = " / ".join(str(printed[c]) for c in columns)
    if any(key not in fitted.values or None in fitted.values[key].values() for key in leaves):
        fitted.issues.append(warning("row.subtotal_unchecked", f"group {label!r} prints a sub-total ({shown}); "
                                     "its rows are not all printed and read, so it is not checked; no row of the "
                                     "record", where))
        return
    sums = {c: sum(fitted.values[key][c] for key in leaves) for c in columns}
    if sums == printed:
        fitted.issues.append(warning("row.subtotal", f"group {label!r} prints a sub-total ({shown}), the sum of its "
                                     f"{len(leaves)} rows: checked, no row of the record", where))
        return
    fitted.issues.append(error("row.subtotal_disagrees", f"group {label!r} prints a sub-total ({shown}) that is "
                               f"not the sum of its {len(leaves)} rows ({' / '.join(str(sums[c]) for c in columns)})"
                               ": a row or the sub-total is misprinted", where))


#: Section 四's group names, longest first (``未经复议直接起诉`` before a shorter name it might contain).
_GROUP_NAMES_LONGEST_FIRST = sorted(((key, label.zh) for key, label in REVIEW_GROUPS.items()),
                                    key=lambda pair: -len(pair[1]))
_GROUP_ORDER = {key: index for index, key in enumerate(REVIEW_GROUPS)}


def _group_runs(rows: Sequence[RawRow], width: int) -> list[list[tuple[str, Parsed]]] | None:
    """Section 四's values as three runs, one per group in template order, or ``None``.

    Applies when exactly three header rows carry values. A run belongs to the
    group named in the header cells printed since the previous run
    (``行政诉讼（复议后起诉）``); when not all three are named, the runs are taken
    in template order. Two runs naming one group: ``None``. A run is cut to
    ``width`` where its blank edges allow (:func:`_slots`); one left longer or
    shorter is its group's own problem: each group is fitted alone.
    """
    runs, named, seen = [], [], ""
    for row in rows:
        seen += row.label
        if row.values:
            runs.append(_slots(row.values, width))
            named.append(next((key for key, zh in _GROUP_NAMES_LONGEST_FIRST if zh in seen), None))
            seen = ""
    if len(runs) != len(REVIEW_GROUPS):
        return None
    keys = [key for key in named if key is not None]
    if len(keys) != len(runs):  # a run names no group: template order
        return runs
    if len(set(keys)) != len(runs):
        return None
    return [run for _, run in sorted(zip(keys, runs, strict=True), key=lambda pair: _GROUP_ORDER[pair[0]])]


def _drop_issue(issues: list[Issue], code: str, where: str) -> None:
    """Remove the issues of ``code`` at ``where`` (what they reported was put right later)."""
    issues[:] = [issue for issue in issues if issue.code != code or issue.where != where]


# --------------------------------------------------------------------------
# Section 四: review and litigation
# --------------------------------------------------------------------------


def _resolve_review(norm: str, walker: Walker) -> Hit | None:
    return (HEADER, norm) if norm in REVIEW_HEADER_WORDS else None


#: Section 四's arithmetic: each group's 总计 is the sum of its four results; every cell a count.
_REVIEW_SUMS = Sums(equations=tuple((tuple(range(start, start + len(REVIEW_FIELDS) - 1)),
                                     start + len(REVIEW_FIELDS) - 1)
                                    for start in range(0, len(REVIEW_SLOTS), len(REVIEW_FIELDS))),
                    whole=frozenset(range(len(REVIEW_SLOTS))))


#: One group of section 四 alone: 总计 is the sum of the four results.
_GROUP_SUMS = Sums(equations=((tuple(range(len(REVIEW_FIELDS) - 1)), len(REVIEW_FIELDS) - 1),),
                   whole=frozenset(range(len(REVIEW_FIELDS))))


def _group_fits(values: Sequence[Number]) -> bool:
    """Whole, not negative, and 总计 the sum of the four results."""
    return all(isinstance(v, int) and v >= 0 for v in values) and sum(values[:-1]) == values[-1]


def _review_fits(split: Split) -> bool:
    """Each group whole, not negative, and its 总计 the sum of its four results."""
    width = len(REVIEW_FIELDS)
    return all(_group_fits(split[i: i + width]) for i in range(0, len(split), width))


def _whole_counts(split: Split) -> bool:
    return all(isinstance(v, int) and v >= 0 for v in split)


def _glued_groups(raw: RawRow, candidates: list[Split], where: str, issues: list[Issue]) -> dict[str, Any]:
    """Section 四's glued values when no single split fits all three groups: each group stands alone.

    With no split keeping every group's sum (the document breaks one), the
    splits into whole counts that break the fewest groups are the readings;
    with several splits keeping them all, those are. A group is filled when
    every reading gives it the same five values and they keep its sum; any
    other group stays null with an error. So one inconsistent or ambiguous
    group no longer takes the groups that split one way down with it.
    """
    width = len(REVIEW_FIELDS)
    groups = list(REVIEW_GROUPS)
    if not candidates:
        texts = [text for text, (_, note) in raw.values if note != BLANK]
        try:
            every = split_run(texts, len(REVIEW_SLOTS), _whole_counts) if texts else []
        except TooManySplits:
            every = []
        broken = [sum(not _group_fits(c[i * width:(i + 1) * width]) for i in range(len(groups))) for c in every]
        fewest = min(broken, default=len(groups))
        candidates = [c for c, b in zip(every, broken, strict=True) if b == fewest] if fewest < len(groups) else []
    out: dict[str, Any] = {}
    for index, group in enumerate(groups):
        readings = sorted({c[index * width:(index + 1) * width] for c in candidates})
        if len(readings) == 1 and _group_fits(readings[0]):
            out.update({f"{group}.{f}": v for f, v in zip(REVIEW_FIELDS, readings[0], strict=True)})
            continue
        shown = describe(readings) if readings else "nothing"
        issues.append(error("glued.group_unresolved", f"group {REVIEW_GROUPS[group].zh}: its values in "
                            f"{' '.join(t.strip() for t, _ in raw.values)!r} read as {shown}; left null",
                            f"{where}.{group}"))
    if out:
        _drop_issue(issues, "glued.no_split", where)
        taken = sorted({slot.split(".")[0] for slot in out}, key=groups.index)
        issues.append(warning("glued.groups_alone", f"groups {', '.join(REVIEW_GROUPS[g].zh for g in taken)} read "
                              f"the same in all {len(candidates)} readings of the glued values (each group's 总计 "
                              "the sum of its results) and are taken; the others are left null", where))
    return out


#: A label this long is a sentence of prose, not a header cell.
PROSE_CHARS = 40


def _prose(raw: RawRow) -> bool:
    return raw.kind is None and len(raw.label.strip()) > PROSE_CHARS


def _after_table(body: Sequence[RawRow]) -> bool:
    """Whether section 四's last row is prose after its table: a sentence, what follows one (六's 无), or a header
    word inside one (``…相关行政诉讼案件。`` glued after the values: a header row without values after a sentence)."""
    last = body[-1]
    if last.kind is None:
        return not last.values or _prose(last)
    return not last.values and len(body) > 1 and _prose(body[-2])


def _before_next_section(rows: Sequence[RawRow], where: str, issues: list[Issue]) -> list[RawRow]:
    """Section 四's rows up to a numbered heading after its values (``五、信息处理费收取情况…000``: a section the
    template does not have, glued after 四's table in crawler text): that heading and what follows are no part of
    四's table."""
    seen_values = False
    for index, row in enumerate(rows):
        if row.kind is None and seen_values and section_number(row.label) is not None:
            issues.append(warning("table.ends_at_heading", f"section 四's table ends at {row.label.strip()!r}, a "
                                  "numbered heading after its values: what follows is not read", where))
            return list(rows[:index])
        seen_values = seen_values or bool(row.values)
    return list(rows)


def fit_review(tokens: Sequence[tuple[str, int]], where: str = "review_litigation", *, glued: bool = False) -> Fitted:
    """Fit section 四: the 15 values after the last header cell, in template order; each group stands alone."""
    fitted = Fitted()
    # text a row a line (``pdftotext -layout``): header words and the 15 values spaced apart on their lines
    rows = walk(tokens if glued else loose_lines(tokens, len(REVIEW_SLOTS)), _resolve_review)
    headers = [r for r in rows if r.kind == HEADER]
    body = _before_next_section(rows, where, fitted.issues)
    # prose after the table (the next heading missing): sentences, and what follows them (六's 无)
    while body and _after_table(body):
        body.pop()
    values_row = body[-1] if body and (body[-1].kind == HEADER or not headers) else None
    raw = RawRow(HEADER, None, "行政复议、行政诉讼", values_row.values if values_row else [])
    runs = _group_runs(rows, len(REVIEW_FIELDS)) if not glued and headers else None
    if not headers:
        fitted.issues.append(warning("table.no_header", "section 四 has no column header; values taken "
                                     "in template order", where))
    slots = [f"{g}.{f}" for g, f in REVIEW_SLOTS]
    if runs is not None:
        # One small table per group (行政复议, then the two 行政诉讼), each header followed by its five values,
        # as OCR and some offices print it: each run is its group's row, fitted alone.
        fitted.issues.append(warning("table.groups_apart", "section 四 printed as one table per group; their "
                                     "values taken by the group each follows", where))
        flat = {}
        for group, run in zip(REVIEW_GROUPS, runs, strict=True):
            part = RawRow(HEADER, None, REVIEW_GROUPS[group].zh, run)
            row = fit_row(part, tuple(REVIEW_FIELDS), f"{where}.{group}", fitted.issues, integer=True,
                          sums=_GROUP_SUMS)
            flat.update({f"{group}.{f}": v for f, v in row.items()})
        raw = RawRow(HEADER, None, raw.label, [v for run in runs for v in run])
    elif glued:
        flat, candidates = fit_glued_row(raw, slots, where, fitted.issues, _review_fits, sums=_REVIEW_SUMS)
        if len(candidates) != 1 and raw.values:
            flat = _glued_groups(raw, candidates, where, fitted.issues)
    else:
        flat = fit_row(raw, slots, where, fitted.issues, integer=True, sums=_REVIEW_SUMS)
        for other in (r for r in body if r.kind == HEADER and _printed_count(r.values) and r is not values_row):
            again = fit_row(other, slots, where, [], integer=True, sums=_REVIEW_SUMS)  # the table printed again
            _agreeing(flat, again, raw.label, where, fitted.issues)
    for (group, field_), slot in zip(REVIEW_SLOTS, slots, strict=True):
        fitted.values.setdefault(group, {})[field_] = flat.get(slot)
    _none_spellings([raw], where, fitted.issues)
    return fitted
