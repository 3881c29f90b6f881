"""Running the record checks: each rule yields results, the runner stamps the rule name."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from itertools import chain
from typing import Any

from .record import CheckResult
from .template import (
    APPLICANT_COLUMNS,
    APPLICATION_COLUMNS,
    HANDLED_LEAF_ROWS,
    PROSE_CELL_PATTERNS,
    PROSE_CLAUSE_ENDS,
    PROSE_EXCLUDE,
    PROSE_NOT_COUNT,
    PROSE_OWN_WORDS,
    PROSE_PATTERNS,
    PROSE_UNITS,
    REVIEW_FIELDS,
    REVIEW_GROUPS,
    simplified,
    word_pattern,
)

Rule = Callable[[Mapping[str, Any]], Iterable[CheckResult]]


class _ResultSlots:
    """A :class:`CheckResult` being filled: the same slots in the same order, written by plain attribute stores,
    then made a CheckResult by assigning ``__class__`` (as :class:`nianbao.document.CellSlots` makes cells)."""

    __slots__ = CheckResult.__slots__  # the same names in the same order: the same layout


def _result(where: str, ok: bool, expected: float | int | None, actual: float | int | None) -> CheckResult:
    """``CheckResult(where=…, ok=…, expected=…, actual=…)`` without the generated frozen ``__init__``
    (``object.__setattr__`` a field) or the slot descriptors' calls: for :func:`compare`'s 40 results a report."""
    result = object.__new__(_ResultSlots)
    result.where = where
    result.ok = ok
    result.expected = expected
    result.actual = actual
    result.rule = ""
    result.__class__ = CheckResult  # type: ignore[assignment]
    return result  # type: ignore[return-value]


def compare(where: str, parts: Sequence[int | float | None], total: int | float | None) -> CheckResult:
    """``sum(parts) == total``; null anywhere makes the check fail with ``actual`` null."""
    expected = None if None in parts else sum(parts)  # type: ignore[arg-type]
    if expected is None or total is None:
        return _result(where, False, expected, None)
    return _result(where, abs(expected - total) < 1e-6, expected, total)


def run_checks_to_dicts(rules: Sequence[tuple[str, Rule]], record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every result of every rule, in registry order, as the record's ``checks`` dicts, the rule name stamped.

    Never stops at the first failure. A plain ``CheckResult`` becomes its dict directly (43 results a
    report); a subclass a plugin made is stamped with ``dataclasses.replace`` first.
    """
    out: list[dict[str, Any]] = []
    for name, rule in rules:
        for result in rule(record):
            if type(result) is CheckResult:
                out.append({"rule": name, "where": result.where, "ok": result.ok, "expected": result.expected,
                            "actual": result.actual})
            else:  # a subclass a plugin made: stamped as always
                out.append(dataclasses.replace(result, rule=name).to_dict())
    return out


# The four cross-checks of the template (勾稽关系); plugins/checks.py registers them.

_PARTS = tuple(REVIEW_FIELDS)[:-1]


def applications_balance(record: Mapping[str, Any]) -> Iterator[CheckResult]:
    """For each column: 一 (new) + 二 (carried over) = 三（七） (handled) + 四 (carried forward)."""
    rows = record["applications"]
    if not rows:
        return
    need = ("new_received", "carried_over", "total_handled", "carried_forward")
    for column in APPLICATION_COLUMNS:
        new, old, handled, forward = (rows.get(r, {}).get(column) for r in need)
        yield compare(column, [new, old], None if handled is None or forward is None else handled + forward)


def applications_row_total(record: Mapping[str, Any]) -> Iterator[CheckResult]:
    """For each row of 三: 总计 = the sum of the six applicant columns."""
    for key, row in record["applications"].items():
        yield compare(key, list(map(row.get, APPLICANT_COLUMNS)), row.get("total"))


def applications_handled_total(record: Mapping[str, Any]) -> Iterator[CheckResult]:
    """三（七）总计 = the sum of every leaf row of （一）…（六）, per column."""
    rows = record["applications"]
    if "total_handled" not in rows:
        return
    leaves = [rows[k] for k in HANDLED_LEAF_ROWS if k in rows]
    for column in APPLICATION_COLUMNS:
        yield compare(column, [leaf.get(column) for leaf in leaves], rows["total_handled"].get(column))


def review_litigation_total(record: Mapping[str, Any]) -> Iterator[CheckResult]:
    """Section 四: each group's 总计 = the sum of the four results before it."""
    for group, fields in record["review_litigation"].items():
        yield compare(group, list(map(fields.get, _PARTS)), fields.get("total"))


# Prose against tables (prose.*): the numbers 一、总体情况 states, against the tables' values.

_CLAUSE = re.compile(f"[{re.escape(PROSE_CLAUSE_ENDS)}]")
#: The prose checks' rules, then the rules of the cells prose states (``nianbao.witness``): one reader for both.
_PROSE = {rule: tuple(re.compile(p) for p in patterns)
          for rule, patterns in chain(PROSE_PATTERNS.items(), PROSE_CELL_PATTERNS.items())}
#: A number as every pattern ends or continues: digits (``\d`` takes full-width ones too) before a unit, in its
#: traditional forms too (``個``, ``項``, ``萬``: the clause is folded only after this search).
_COUNTED = re.compile(rf"\d\s*(?:{'|'.join(word_pattern(unit) for unit in PROSE_UNITS)})")
Number = int | float


def _number(text: str) -> Number:
    return float(text) if "." in text else int(text)


@lru_cache(maxsize=64)
def statements(text: str) -> dict[str, tuple[tuple[Number, str], ...]]:
    """Every number the overview states per measure (``applications``, ``review``, ``litigation``, items, and
    the section 二 cells of ``PROSE_CELL_PATTERNS``), each with the clause it is read from, as printed.

    The text is cut into clauses (at commas, full stops, semicolons, colons, line breaks, full or half
    width), each clause that holds a count folded by NFKC; a
    clause that speaks of a change, a share or another year (``较去年``, ``结转``) is skipped, unless the
    word names the rule's own measure (``废止规范性文件6件``: ``PROSE_OWN_WORDS``).
    """
    found: dict[str, list[tuple[Number, str]]] = {rule: [] for rule in _PROSE}
    for printed in _CLAUSE.split(text):
        if not _COUNTED.search(printed):
            continue  # most clauses state no count at all: one search rules them out, before NFKC
        clause = simplified(unicodedata.normalize("NFKC", printed))  # 收到申請 as 收到申请
        other = [word for word in PROSE_NOT_COUNT if word in clause]
        for rule, patterns in _PROSE.items():
            if any(word not in PROSE_OWN_WORDS.get(rule, ()) for word in other):
                continue
            if any(word in clause for word in PROSE_EXCLUDE.get(rule, ())):
                continue
            for pattern in patterns:
                found[rule].extend((_number(match.group(1)), printed.strip()) for match in pattern.finditer(clause))
    return {rule: tuple(numbers) for rule, numbers in found.items()}


def stated_numbers(text: str) -> dict[str, frozenset[Number]]:
    """Every number the overview states per measure: :func:`statements` without the clauses."""
    return {rule: frozenset(number for number, _ in said) for rule, said in statements(text).items()}


def stated(record: Mapping[str, Any], measure: str) -> int | None:
    """The one number the overview states for a measure; ``None`` when it states none, or two different ones."""
    text = (record.get("sections") or {}).get("overview")
    # the measure's numbers only (five prose rules ask, each for one): not stated_numbers' set for every measure
    found = {number for number, _ in statements(text).get(measure, ())} if text else set()
    return next(iter(found)) if len(found) == 1 else None


def _value(record: Mapping[str, Any], section: str, row: str, column: str) -> Any:
    return ((record.get(section) or {}).get(row) or {}).get(column)


def prose_applications(record: Mapping[str, Any]) -> Iterator[CheckResult]:
    """The applications the overview says were received = 本年新收 总计 (or 本年新收 + 上年结转, which some count)."""
    said = stated(record, "applications")
    new = _value(record, "applications", "new_received", "total")
    if said is None or new is None:
        return
    over = _value(record, "applications", "carried_over", "total")
    if said != new and over and said == new + over:
        yield CheckResult(where="applications.new_received.total+carried_over.total", ok=True, expected=new + over,
                          actual=said)
        return
    yield CheckResult(where="applications.new_received.total", ok=said == new, expected=new, actual=said)


def prose_review(record: Mapping[str, Any]) -> Iterator[CheckResult]:
    """The administrative reviews the overview states = section 四 行政复议 总计."""
    said, total = stated(record, "review"), _value(record, "review_litigation", "review", "total")
    if said is not None and total is not None:
        yield CheckResult(where="review_litigation.review.total", ok=said == total, expected=total, actual=said)


def prose_litigation(record: Mapping[str, Any]) -> Iterator[CheckResult]:
    """The lawsuits the overview states = 未经复议直接起诉 总计 + 复议后起诉 总计."""
    said = stated(record, "litigation")
    parts = [_value(record, "review_litigation", group, "total") for group in REVIEW_GROUPS if group != "review"]
    if said is not None and None not in parts:
        yield CheckResult(where="review_litigation.litigation_direct.total+litigation_after_review.total",
                          ok=said == sum(parts), expected=sum(parts), actual=said)


def prose_proactive(record: Mapping[str, Any]) -> Iterator[CheckResult]:
    """The 规章 and 规范性文件 the overview says were made or published = a count of section 二's item.

    The 2021 columns have one count (本年制发件数), the 2019 ones two (本年新制作数量, 本年新公开数量):
    the stated number holds when it is one of them.
    """
    for item in ("regulations", "normative_documents"):
        said = stated(record, item)
        values = (record.get("proactive") or {}).get(item) or {}
        counts = [(c, values[c]) for c in ("issued", "new_published", "new_made") if values.get(c) is not None]
        if said is None or not counts:
            continue
        column, value = next(((c, v) for c, v in counts if v == said), counts[0])
        yield CheckResult(where=f"proactive.{item}.{column}", ok=value == said, expected=value, actual=said)


# Plausibility (plausibility.*): values no report can print.

#: Section 二 columns that may be negative (本年增/减).
SIGNED_COLUMNS = frozenset({"change"})


def _today() -> dt.date:
    return dt.date.today()


def plausibility_non_negative(record: Mapping[str, Any]) -> Iterator[CheckResult]:
    """No count or amount is negative (本年增/减 may be): a failure per negative value, else one pass."""
    sections = [rows for rows in map(record.get, ("proactive", "applications", "review_litigation"))
                if isinstance(rows, dict)]
    try:  # every report's case, in C: all values of plain rows, nulls left out, none negative
        values = [v for v in chain.from_iterable(map(dict.values, chain.from_iterable(
            map(dict.values, sections)))) if v is not None]
        if values and min(values) >= 0:
            yield CheckResult(where="all", ok=True, expected=0, actual=min(values))
            return
    except TypeError:  # a row that is not a dict, a value that is not a number: looked at one by one
        pass
    smallest = None
    for section in ("proactive", "applications", "review_litigation"):
        for row, values in (record.get(section) or {}).items():
            for column, value in (values or {}).items():
                if column in SIGNED_COLUMNS or not isinstance(value, int | float):
                    continue
                if value < 0:
                    yield CheckResult(where=f"{section}.{row}.{column}", ok=False, expected=0, actual=value)
                smallest = value if smallest is None else min(smallest, value)
    if smallest is not None and smallest >= 0:
        yield CheckResult(where="all", ok=True, expected=0, actual=smallest)


def plausibility_pending(record: Mapping[str, Any]) -> Iterator[CheckResult]:
    """Section 四: 尚未审结 is at most 总计, per group (``expected`` is the bound, 总计)."""
    for group, fields in (record.get("review_litigation") or {}).items():
        pending, total = fields.get("pending"), fields.get("total")
        if pending is not None and total is not None:
            yield CheckResult(where=group, ok=pending <= total, expected=total, actual=pending)


def plausibility_year(record: Mapping[str, Any]) -> Iterator[CheckResult]:
    """The year reported on is not in the future (``expected`` is this year, the bound)."""
    year = record.get("year")
    if isinstance(year, int):
        today = _today().year
        yield CheckResult(where="year", ok=year <= today, expected=today, actual=year)

# Which cells a result compares: the batch report (``nianbao report``) highlights them beside the result.

Cell = tuple[str, str, str]  # (section, row or group, column or field), record keys


def involved_cells(rule: str, where: str, record: Mapping[str, Any]) -> list[Cell]:
    """The table cells ``(section, row, column)`` of ``record`` that a built-in rule's result at ``where`` compares.

    Only rows the record has (a 2019 report has no 2021 rows, and the rules skip absent rows too). ``[]`` for a
    rule that is not one of the four above (a plugin's, a batch rule): the result is still shown, with no cells
    to point at.
    """
    if rule == "applications.balance":
        cells = [("applications", row, where)
                 for row in ("new_received", "carried_over", "total_handled", "carried_forward")]
    elif rule == "applications.row_total":
        cells = [("applications", where, column) for column in APPLICATION_COLUMNS]
    elif rule == "applications.handled_total":
        cells = [("applications", row, where) for row in (*HANDLED_LEAF_ROWS, "total_handled")]
    elif rule == "review_litigation.total":
        cells = [("review_litigation", where, field) for field in REVIEW_FIELDS]
    else:
        return []
    return [cell for cell in cells if cell[1] in (record.get(cell[0]) or {})]
