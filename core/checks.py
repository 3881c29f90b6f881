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
