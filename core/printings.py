"""A statistics table a section prints more than once, each printing under a caption: which one is the report's.

Reports print a section's template table more than once: for the body and each of its units and then as 合计 (a
report covering them all), or for this year and last year (两年对比), each under a caption of its own
(``（一）局机关`` … ``（三）合计``; ``2021年度情况：`` / ``2020年度情况：``). The fitter alone keeps what the
printings agree on and leaves the rest null (``row.duplicate_disagrees``): it cannot tell which is the report's. The
captions can: the 合计 is the whole the report covers, and of captions naming years the one naming the report's year
is its own. That printing is fitted alone, and taken only when it holds every value the printings agreed on and
nothing else disagrees (``table.printing_chosen``); when the captions decide nothing, or the printing so cut is not
one whole table, the nulls stay and ``table.printing_undecided`` says why.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .fit import NO_ROW, Fitted
from .record import warning
from .template import (
    BLANK,
    COMPARISON_HEAD,
    COMPARISON_WORDS,
    GARBAGE,
    LAST_YEAR_CAPTIONS,
    LAST_YEAR_WORD,
    OTHER_TABLE_HEADS,
    PART_CAPTIONS,
    PROACTIVE_COLUMN_LOOKUP,
    THIS_YEAR_CAPTIONS,
    THIS_YEAR_WORD,
    WHOLE_CAPTIONS,
    YEAR_CAPTION,
    YEAR_HEADER,
    normalise_label,
    parse_cell,
)

#: A caption is a short line: ``（三）合计``, ``2021年度情况：``.
CAPTION_MAX_CHARS = 16
WHOLE, PART, YEAR = "whole", "part", "year"
#: The code of the error a row printed twice with different values gives (the fitter's).
DISAGREES = "row.duplicate_disagrees"
Tokens = Sequence[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class Caption:
    """A caption over one printing: where it stands in the token stream, as printed, and what it names."""

    index: int
    text: str
    kind: str  # WHOLE, PART or YEAR
    #: For a YEAR caption the year it names, relative (0 this year, -1 last year) when ``relative``.
    year: int | None = None
    relative: bool = False


def caption_of(index: int, text: str) -> Caption | None:
    """What a short line names as a caption over a table, or ``None`` when it is no caption."""
    if len(text) > CAPTION_MAX_CHARS * 2 or len(stripped := "".join(text.split())) > CAPTION_MAX_CHARS:
        return None
    year = YEAR_CAPTION.fullmatch(unicodedata.normalize("NFKC", stripped))
    if year is not None:
        return Caption(index, text, YEAR, int(year.group(1)))
    norm = normalise_label(text)
    if norm in WHOLE_CAPTIONS:
        return Caption(index, text, WHOLE)
    if norm in PART_CAPTIONS:
        return Caption(index, text, PART)
    if norm in THIS_YEAR_CAPTIONS or norm in LAST_YEAR_CAPTIONS:
        return Caption(index, text, YEAR, 0 if norm in THIS_YEAR_CAPTIONS else -1, relative=True)
    return None


def captions(tokens: Tokens) -> list[Caption]:
    """The captions of a section's token stream: a caption line alone in its table row (or a paragraph), after and
    before no other caption (``项目 | 2022年 | 2021年 | 同比``: column headers, not captions), followed by text (a
    table's header or first label), not by values (``2022年 | 0 | 1 …``: a row labelled with its year)."""
    found: dict[int, Caption] = {}
    for index, (text, row) in enumerate(tokens):
        caption = caption_of(index, text)
        if caption is None:
            continue
        if row != NO_ROW and any(tokens[j][1] == row and parse_cell(tokens[j][0])[1] is not BLANK
                                 for j in (index - 1, index + 1) if 0 <= j < len(tokens)):
            continue  # a cell of a table row holding other cells
        found[index] = caption
    notes = [parse_cell(text)[1] for text, _ in tokens]
    return [caption for index, caption in found.items()
            if index - 1 not in found and index + 1 not in found
            and next((note for note in notes[index + 1:] if note is not BLANK), None) is GARBAGE]


def year_rows(tokens: Tokens, width: int) -> list[tuple[Caption, int]]:
    """The rows of a table labelled with the year they count (``2022年 | 0 | 1 | …`` under section 四's header, a row
    a year; ``本年`` / ``上年``), each with where its values end: a year label opening its table row (or a paragraph)
    and followed by exactly ``width`` value cells. Two or more, or none."""
    notes = [parse_cell(text)[1] for text, _ in tokens]
    out = []
    for index, (text, row) in enumerate(tokens):
        if notes[index] is not GARBAGE or (row != NO_ROW and index and tokens[index - 1][1] == row and
                                           notes[index - 1] is not BLANK):
            continue
        caption = caption_of(index, text)
        if caption is None or caption.kind != YEAR:
            continue
        end = next((j for j in range(index + 1, len(tokens)) if notes[j] is GARBAGE), len(tokens))
        if sum(note is not BLANK for note in notes[index + 1:end]) == width:
            out.append((caption, end))
    return out if len(out) > 1 else []


def choose(found: Sequence[Caption], year: int | None) -> tuple[Caption | None, str]:
    """The caption of the report's own printing and why, or ``None`` and why none is: the one 合计 caption (the whole
    the report covers), else the one caption naming the report's year ``year``."""
    wholes = [c for c in found if c.kind == WHOLE]
    if len(wholes) == 1:
        return wholes[0], "the 合计, the whole the report covers"
    if wholes:
        return None, "more than one caption names a 合计"
    years = [c for c in found if c.kind == YEAR]
    if not years:
        return None, "no caption names a 合计 or a year"
    if year is None:
        return None, "the report's year is not known"
    mine = [c for c in years if (year + c.year if c.relative else c.year) == year]
    if len(mine) == 1:
        return mine[0], f"the report's year, {year}"
    return None, f"{'no' if not mine else 'more than one'} caption names the report's year, {year}"


def printing(tokens: Tokens, found: Sequence[Caption], chosen: Caption) -> list[tuple[str, int]]:
    """What comes before the first caption (the section's own text) and the chosen caption's printing, up to the
    next caption."""
    end = next((c.index for c in found if c.index > chosen.index), len(tokens))
    return [*tokens[:found[0].index], *tokens[chosen.index + 1:end]]


def _one_row(tokens: Tokens, rows: Sequence[tuple[Caption, int]], chosen: Caption) -> list[tuple[str, int]]:
    """The tokens without the year-labelled rows other than ``chosen``'s, and without ``chosen``'s label."""
    drop = {chosen.index} | {i for caption, end in rows if caption is not chosen for i in range(caption.index, end)}
    return [token for i, token in enumerate(tokens) if i not in drop]


def _keeps(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> bool:
    """Whether ``after`` has every row ``before`` has, and no other, with every value ``before`` states."""
    return before.keys() == after.keys() and all(
        after[key].get(column) == value for key, row in before.items() for column, value in row.items()
        if value is not None)


def settle_printings(fitted: Fitted, tokens: Tokens, refit: Callable[[list[tuple[str, int]]], Fitted],
                     year: Callable[[], int | None], where: str, row_width: int | None = None) -> Fitted:
    """``fitted`` (the section's fit) or, when its rows were printed more than once with different values and a
    caption says which printing is the report's, the fit of that printing alone (``refit`` fits a token stream).

    The printing is taken only when its fit keeps every row and every value ``fitted`` has, in the same template
    edition, and prints no row twice itself: then the only change is the nulls it fills. ``year`` is asked only
    when the captions name years. With ``row_width`` (section 四's 15 values), a table with a row a year (``2022年 |
    0 | 1 | …``, ``本年`` / ``上年``) is read the same way: its rows' labels are the captions."""
    if not any(issue.code == DISAGREES for issue in fitted.issues):
        return fitted
    found = captions(tokens)
    rows = year_rows(tokens, row_width) if row_width and len(found) < 2 else []
    if rows:
        found = [caption for caption, _ in rows]
    elif len(found) < 2:
        return fitted
    chosen, why = choose(found, year() if any(c.kind == YEAR for c in found) else None)
    names = ", ".join(repr(c.text.strip()) for c in found)
    what = "its rows are labelled" if rows else "the table is printed under the captions"
    if chosen is None:
        fitted.issues.append(warning("table.printing_undecided", f"{what} {names}: {why}, so the values the "
                                     "printings differ on are left null", where))
        return fitted
    again = refit(_one_row(tokens, rows, chosen) if rows else printing(tokens, found, chosen))
    if again.version != fitted.version or not _keeps(fitted.values, again.values) or any(
            issue.code == DISAGREES for issue in again.issues):
        fitted.issues.append(warning("table.printing_undecided", f"{what} {names}; {chosen.text.strip()!r} names "
                                     f"{why}, but what it heads is not one whole table of the section, so the values "
                                     "the printings differ on are left null", where))
        return fitted
    again.issues.append(warning("table.printing_chosen", f"{what} {names}: the one under {chosen.text.strip()!r} "
                                f"({why}) is read", where))
    return again


def _other_head(texts: Sequence[str]) -> bool:
    """Whether a table's header cells (normalised) open a table of other counts: a head of such a table (``部门``,
    ``年度``: :data:`~nianbao.template.OTHER_TABLE_HEADS`) or ``项目`` with a comparison's column (``同比``)."""
    return len(texts) >= 3 and (texts[0] in OTHER_TABLE_HEADS or (
        texts[0] == COMPARISON_HEAD and any(text in COMPARISON_WORDS for text in texts[1:])))


#: A change printed in a comparison's 同比 column (``-4.1%``, ``+5.0%``): no label.
_PERCENT = re.compile(r"[+\-−]?\d[\d.,]*\s*%")


def other_tables(tokens: Tokens) -> list[range]:
    """The tables of other counts in a section's token stream, as ranges of tokens: a header of text cells only
    that opens such a table (:func:`_other_head`) and the rows after it with as many cells. In a table, its rows
    (:func:`_other_rows`); in paragraphs a cell a line, the header's cells up to the last text before the first value
    (the first row's label) and then, while they hold, runs of as many cells, a label then values (a change in per
    cent counts as one)."""
    out = _other_rows(tokens)
    notes: list[str | None] | None = None
    index, last = 0, len(tokens)
    while index < last:
        text, row = tokens[index]
        if row != NO_ROW or normalise_label(text) not in _HEADS:
            index += 1
            continue
        if notes is None:
            notes = [parse_cell(t)[1] for t, _ in tokens]
        first = next((j for j in range(index + 1, last) if notes[j] is not GARBAGE), last)
        width = first - 1 - index  # the header's cells: the head to the text before the first row's label
        end = first - 1
        if first < last and _other_head([normalise_label(t) for t, _ in tokens[index:end]]):
            while end + width <= last and notes[end] is GARBAGE and not _PERCENT.fullmatch(tokens[end][0]) and all(
                    notes[j] is not GARBAGE or _PERCENT.fullmatch(tokens[j][0]) for j in range(end + 1, end + width)):
                end += width
        if end > first - 1 and all(row == NO_ROW for _, row in tokens[index:end]):
            out.append(range(index, end))
            index = end
        else:
            index += 1
    return out


def _header(tokens: Tokens, cut: range) -> list[str]:
    """The header cells of a table of other counts: its first table row, or in paragraphs the texts before its first
    value but the last (the first row's label)."""
    if tokens[cut[0]][1] != NO_ROW:
        return [tokens[i][0].strip() for i in cut if tokens[i][1] == tokens[cut[0]][1]]
    texts = list(itertools.takewhile(lambda text: parse_cell(text)[1] is GARBAGE, (tokens[i][0] for i in cut)))
    return [text.strip() for text in texts[:-1]]


#: Every head a table of other counts may open with.
_HEADS = OTHER_TABLE_HEADS | {COMPARISON_HEAD}


def _other_rows(tokens: Tokens) -> list[range]:
    """:func:`other_tables` in a table: a row of text cells only opening such a table, and the rows after it with as
    many cells."""
    cells: dict[int, list[int]] = {}
    for index, (_, row) in enumerate(tokens):
        if row != NO_ROW:
            cells.setdefault(row, []).append(index)
    out = []
    for row, indices in cells.items():
        if any(parse_cell(tokens[i][0])[1] is not GARBAGE for i in indices) or not _other_head(
                [normalise_label(tokens[i][0]) for i in indices]):
            continue
        end = row + 1
        while len(cells.get(end, ())) == len(indices):
            end += 1
        if end > row + 1:
            out.append(range(indices[0], cells[end - 1][-1] + 1))
    return out


def without_other_tables(fitted: Fitted, tokens: Tokens, refit: Callable[[list[tuple[str, int]]], Fitted],
                         where: str) -> tuple[Fitted, Tokens]:
    """``fitted`` and ``tokens`` or, when it holds an error and the section holds a table of other counts
    (:func:`other_tables`: a breakdown by department, a row a year, a comparison with last year) whose rows were read
    as the template's,
    the fit of the section without that table: taken when it keeps every row and value ``fitted`` has (the only
    change the nulls it fills), with ``table.other_table`` naming what was left out, and the tokens without it."""
    if not any(issue.level == "error" for issue in fitted.issues):
        return fitted, tokens
    tables = other_tables(tokens)
    if not tables:
        return fitted, tokens
    drop = {i for cut in tables for i in cut}
    rest = [token for i, token in enumerate(tokens) if i not in drop]
    again = refit(rest)
    if again.version != fitted.version or not _keeps(fitted.values, again.values):
        return fitted, tokens
    heads = ", ".join(repr(" | ".join(_header(tokens, cut))) for cut in tables)
    again.issues.append(warning("table.other_table", f"a table of other counts headed {heads} is not the "
                                f"section's table: left out", where))
    return again, rest


def year_headers(tokens: Tokens, year: Callable[[], int | None]) -> Tokens:
    """Section 二's tokens with each column header that names a year (``2020年新制作数量``, ``2019年项目数量``) named
    as the template does, relative to the report's year ``year()``: the report's year is ``本年``
    (``本年新制作数量``), the year before ``上一年`` (``上一年项目数量``), when the header so named is one the
    template knows; any other header, or any other year, is left as printed. ``year`` is asked only when a header
    names a year."""
    hits = []
    for index, (text, _) in enumerate(tokens):
        if "年" in text and len(text) <= CAPTION_MAX_CHARS * 2 and (match := YEAR_HEADER.fullmatch(
                unicodedata.normalize("NFKC", "".join(text.split())))):
            hits.append((index, int(match.group(1)), match.group(2)))
    if not hits or (report := year()) is None:
        return tokens
    out = list(tokens)
    for index, named, rest in hits:
        word = THIS_YEAR_WORD if named == report else LAST_YEAR_WORD if named == report - 1 else None
        if word is not None and normalise_label(word + rest) in PROACTIVE_COLUMN_LOOKUP:
            out[index] = (word + rest, tokens[index][1])
    return out
