"""Running the record checks: each rule yields results, the runner stamps the rule name."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from .record import CheckResult
from .template import APPLICANT_COLUMNS, APPLICATION_COLUMNS, HANDLED_LEAF_ROWS, REVIEW_FIELDS

Rule = Callable[[Mapping[str, Any]], Iterable[CheckResult]]


def compare(where: str, parts: Sequence[int | float | None], total: int | float | None) -> CheckResult:
    """``sum(parts) == total``; null anywhere makes the check fail with ``actual`` null."""
    expected = None if None in parts else sum(parts)  # type: ignore[arg-type]
    if expected is None or total is None:
        return CheckResult(where=where, ok=False, expected=expected, actual=None)
    ok = abs(expected - total) < 1e-6
    return CheckResult(where=where, ok=ok, expected=expected, actual=total)


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
