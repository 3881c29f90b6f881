"""Cross-year checks: one agency's reports, year after year (pure logic; the pipeline only groups).

The pipeline keys each record by its agency (:func:`keyed_facts`: the key of
:mod:`nianbao.agency` and the few fields the rules read, never the whole record),
groups by that key, and hands each group to :func:`cross_year_checks`, which
returns the lines of ``cross-checks.jsonl``::

    {"rule", "agency", "years": [y0, y1], "where", "ok", "expected", "actual", "uris": [...]}

Rules (``docs/checks.md`` has their sources):

* ``cross_year.carried_over``, per column of section 三: this year's 上年结转 (``carried_over``)
  equals last year's 结转下年度继续办理 (``carried_forward``). Both template versions print both rows.
* ``cross_year.in_force``, for 规章 and 规范性文件: this year's 现行有效件数 equals last year's plus
  本年制发件数 minus 本年废止件数, where both years print the 2021 columns.
* ``cross_year.gap``: a year missing between two reported years (``years`` are the years around the hole).
* ``cross_year.duplicate``: two or more reports of one agency-year (``years`` is the year twice).

Only consecutive years are chained. ``ok`` is ``true`` or ``false`` when both sides are known, and
``null`` when the rule cannot compare them ("not comparable"): a year without the 2021 columns (the
2020 → 2021 template change, a ``mixed`` report without them), a value left null, or duplicate reports
of a year that disagree on the values compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise, product
from typing import Any

from .agency import Aliases, display_name
from .template import APPLICATION_COLUMNS

CARRIED_OVER, IN_FORCE = "cross_year.carried_over", "cross_year.in_force"
GAP, DUPLICATE = "cross_year.gap", "cross_year.duplicate"
RULES: tuple[str, ...] = (DUPLICATE, GAP, CARRIED_OVER, IN_FORCE)
#: Section 二 items whose 现行有效件数 chains from year to year (2021 columns).
IN_FORCE_ITEMS: tuple[str, ...] = ("regulations", "normative_documents")
_IN_FORCE_COLUMNS = ("issued", "repealed", "in_force")
_COLUMNS: tuple[str, ...] = tuple(APPLICATION_COLUMNS)
Facts = dict[str, Any]


def facts_of(record: Mapping[str, Any], canonical: str | None = None) -> Facts:
    """The few fields of a record the cross-year rules read (a group holds these, not records)."""
    applications = record.get("applications") or {}
    proactive = record.get("proactive") or {}

    def row(key: str) -> dict[str, Any] | None:
        values = applications.get(key)
        return {c: values.get(c) for c in _COLUMNS} if isinstance(values, dict) else None

    in_force: dict[str, dict[str, Any] | None] = {}
    for item in IN_FORCE_ITEMS:
        values = proactive.get(item)
        printed = isinstance(values, dict) and all(c in values for c in _IN_FORCE_COLUMNS)
        in_force[item] = {c: values[c] for c in _IN_FORCE_COLUMNS} if printed else None
    return {"uri": record["source"]["uri"], "year": record.get("year"), "name": record.get("agency"),
            "canonical": canonical, "template": record.get("template"),
            "carried_over": row("carried_over"), "carried_forward": row("carried_forward"), "in_force": in_force}


def keyed_facts(record: Mapping[str, Any], aliases: Aliases | None = None) -> tuple[str, Facts] | None:
    """``(agency key, facts)`` of a record, or ``None`` when it names no agency or no year."""
    resolved = (aliases or Aliases()).resolve(record.get("agency"))
    if resolved is None or not isinstance(record.get("year"), int):
        return None
    key, canonical = resolved
    return key, facts_of(record, canonical)


def _line(rule: str, agency: str, years: Sequence[int], where: str, ok: bool | None, expected: Any, actual: Any,
          uris: Iterable[str]) -> dict[str, Any]:
    return {"rule": rule, "agency": agency, "years": list(years), "where": where, "ok": ok,
            "expected": expected, "actual": actual, "uris": sorted(set(uris))}


def _compare(pairs: set[tuple[Any, Any]]) -> tuple[bool | None, Any, Any]:
    """``(ok, expected, actual)`` from the value pairs of every report pairing of two years.

    One pairing (or duplicates that agree) gives one comparison; duplicates that disagree are not comparable.
    A pairing with a null (a copy whose value could not be read) gives way to pairings without one.
    """
    known = {pair for pair in pairs if None not in pair}
    pairs = known or pairs
    if len(pairs) != 1:
        return None, None, None
    ((expected, actual),) = pairs
    if expected is None or actual is None:
        return None, expected, actual
    return abs(expected - actual) < 1e-6, expected, actual


#: A year's report without a row or item (where ``None`` would be a cell left null).
_ABSENT = object()


def _in_force_pair(before: Any, now: Any) -> tuple[Any, Any] | None:
    """``(expected, actual)`` of the in-force chain from last year's 现行有效件数 (``before``) and this year's three
    cells (``now``), or ``None`` when a year lacks the 2021 columns."""
    if before is _ABSENT or now is _ABSENT:
        return None
    issued, repealed, in_force = now
    expected = None if None in (before, issued, repealed) else before + issued - repealed
    return expected, in_force


def _pair_lines(agency: str, y0: int, y1: int, prevs: list[Facts], curs: list[Facts]) -> list[dict[str, Any]]:
    """The chain lines of two consecutive years, over every pairing of a report of each.

    A rule's value pairs over the pairings are the pairs of the two years' distinct values, so those are what is
    paired (an agency-year printed under fifty names pairs its one value, not 2,500 reports).
    """
    uris = [f["uri"] for f in (*prevs, *curs)]
    lines = []
    for column in _COLUMNS:
        forwards = {(p["carried_forward"] or {}).get(column) for p in prevs}
        overs = {(c["carried_over"] or {}).get(column) for c in curs}
        ok, expected, actual = _compare(set(product(forwards, overs)))
        lines.append(_line(CARRIED_OVER, agency, (y0, y1), column, ok, expected, actual, uris))
    for item in IN_FORCE_ITEMS:
        befores = {_ABSENT if p["in_force"].get(item) is None else p["in_force"][item]["in_force"] for p in prevs}
        nows = {_ABSENT if c["in_force"].get(item) is None else tuple(c["in_force"][item][k] for k in _IN_FORCE_COLUMNS)
                for c in curs}
        found = {_in_force_pair(before, now) for before, now in product(befores, nows)}
        if None in found:  # the 2020 → 2021 change, or a mixed report without the 2021 columns
            actuals = {(c["in_force"].get(item) or {}).get("in_force") for c in curs}
            lines.append(_line(IN_FORCE, agency, (y0, y1), item, None, None,
                               actuals.pop() if len(actuals) == 1 else None, uris))
            continue
        ok, expected, actual = _compare(found)  # type: ignore[arg-type]
        lines.append(_line(IN_FORCE, agency, (y0, y1), item, ok, expected, actual, uris))
    return lines


def agency_display(facts: Iterable[Facts]) -> str:
    """The agency's name on its lines: the alias file's canonical name, else the most printed name."""
    facts = list(facts)
    canonical = [(f["canonical"], f["year"]) for f in facts if f["canonical"]]
    return display_name(canonical or [(f["name"], f["year"]) for f in facts])


def cross_year_checks(facts: Iterable[Facts]) -> list[dict[str, Any]]:
    """Every cross-year line of one agency's reports (one group), years in order.

    A report seen twice (a runner that re-executes an element) counts once: facts are
    told apart by URI.
    """
    unique = {f["uri"]: f for f in facts}
    if not unique:
        return []
    agency = agency_display(unique.values())
    by_year: dict[int, list[Facts]] = {}
    for fact in sorted(unique.values(), key=lambda f: f["uri"]):
        by_year.setdefault(fact["year"], []).append(fact)
    years = sorted(by_year)
    lines = []
    for year in years:
        if len(by_year[year]) > 1:
            reports = by_year[year]
            lines.append(_line(DUPLICATE, agency, (year, year), "report", False, 1, len(reports),
                               [f["uri"] for f in reports]))
    for y0, y1 in pairwise(years):
        if y1 - y0 > 1:
            missing = str(y0 + 1) if y1 - y0 == 2 else f"{y0 + 1}-{y1 - 1}"
            lines.append(_line(GAP, agency, (y0, y1), missing, False, None, None,
                               [f["uri"] for f in (*by_year[y0], *by_year[y1])]))
        else:
            lines.extend(_pair_lines(agency, y0, y1, by_year[y0], by_year[y1]))
    return lines


def count_lines(lines: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Per rule: how many lines passed (``ok``), failed and were not comparable."""
    counts = {rule: {"ok": 0, "failed": 0, "not_comparable": 0} for rule in RULES}
    for line in lines:
        outcome = "not_comparable" if line["ok"] is None else "ok" if line["ok"] else "failed"
        counts.setdefault(line["rule"], {"ok": 0, "failed": 0, "not_comparable": 0})[outcome] += 1
    return counts
