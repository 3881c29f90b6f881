"""Running the record checks: each rule yields results, the runner stamps the rule name."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .record import CheckResult

Rule = Callable[[Mapping[str, Any]], Iterable[CheckResult]]
Number = "int | float | None"


def compare(where: str, parts: Sequence[int | float | None], total: int | float | None) -> CheckResult:
    """``sum(parts) == total``; null anywhere makes the check fail with ``actual`` null."""
    expected = None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]
    if expected is None or total is None:
        return CheckResult(where=where, ok=False, expected=expected, actual=None)
    ok = abs(expected - total) < 1e-6
    return CheckResult(where=where, ok=ok, expected=expected, actual=total)


def run_checks(rules: Sequence[tuple[str, Rule]], record: Mapping[str, Any]) -> list[CheckResult]:
    """Every result of every rule, in registry order; never stops at the first failure."""
    results: list[CheckResult] = []
    for name, rule in rules:
        results.extend(dataclasses.replace(result, rule=name) for result in rule(record))
    return results
