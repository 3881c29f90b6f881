"""The report record of docs/record.md: its value objects, its skeleton and its JSON form.

Keys here are the output contract. The numeric keys come from
:mod:`nianbao.template`; nothing else in the code base spells them out.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from itertools import chain
from typing import Any

import orjson

SCHEMA_VERSION = 1


# Issue and CheckResult keep the generated ``__init__``: a report makes some 45 check results and a dozen issues,
# and the hand-written one the Document's Cell has would save about 16 µs of a report's milliseconds
# (docs/benchmarks.md, "Hand-written __init__s").


@dataclass(frozen=True, kw_only=True, slots=True)
class Issue:
    """A problem found in a document that was still read: an ``issues`` entry."""

    level: str  # "warning" | "error"
    code: str
    message: str
    where: str

    def to_dict(self) -> dict[str, str]:
        # spelled out, in field order: ``dataclasses.asdict`` recurses and deep-copies, 10× slower for four strings
        return {"level": self.level, "code": self.code, "message": self.message, "where": self.where}


def warning(code: str, message: str, where: str) -> Issue:
    return Issue(level="warning", code=code, message=message, where=where)


def error(code: str, message: str, where: str) -> Issue:
    return Issue(level="error", code=code, message=message, where=where)


@dataclass(frozen=True, kw_only=True, slots=True)
class CheckResult:
    """One evaluated cross-check; the runner stamps ``rule`` from the registry key."""

    where: str
    ok: bool
    expected: float | int | None
    actual: float | int | None
    rule: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "where": self.where, "ok": self.ok, "expected": self.expected,
                "actual": self.actual}


def source_of(data: bytes, uri: str, *, fmt: str | None = None, reader: str | None = None) -> dict[str, Any]:
    """The ``source`` object: uri, format, reader, sha256 and size of the input bytes."""
    return {
        "uri": uri,
        "format": fmt,
        "reader": reader,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }


def new_record(source: dict[str, Any]) -> dict[str, Any]:
    """A record with every contract key present and nothing known yet."""
    return {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "title": None,
        "agency": None,
        "year": None,
        "published": None,
        "signed": None,
        "template": None,
        "sections": {"overview": None, "problems": None, "other": None},
        "proactive": {},
        "applications": {},
        "review_litigation": {},
        "checks": [],
        "issues": [],
    }


def dead_letter(source: dict[str, Any], error: dict[str, str]) -> dict[str, Any]:
    """The dead-letter record for a document that could not be read at all."""
    return {"source": source, "error": error}


def dumps(record: dict[str, Any], *, pretty: bool = False) -> bytes:
    """A record as JSON bytes (orjson), non-ASCII kept as UTF-8."""
    option = orjson.OPT_INDENT_2 if pretty else 0
    return orjson.dumps(record, option=option)


# --------------------------------------------------------------------------
# Clean-up before a record leaves process_bytes: values it can write, issues it can hold
# --------------------------------------------------------------------------

#: Largest magnitude of a value in a record: JSON's safe integers (2**53 - 1). Beyond it JSON readers
#: lose precision (and orjson cannot write an int over 64 bits at all); no report prints such a number.
MAX_VALUE = 2**53 - 1
#: The record's sections of numbers: ``{row: {column: number | None}}``.
NUMERIC_SECTIONS = ("proactive", "applications", "review_litigation")


#: The types of a section's values that need no look one by one (``bool`` is an ``int`` but not a number here).
_PLAIN_VALUES = frozenset({int, float, type(None)})
_DICTS = frozenset({dict})


def clamp_values(record: dict[str, Any]) -> list[Issue]:
    """Null every value beyond ±``MAX_VALUE`` or not finite, with an ``error`` issue each; the record stays writable.

    Extractors (plugins' too) could otherwise hand on a number the outputs cannot write. A section whose rows
    are all plain dicts of ints, floats and nulls, finite and within range (every report's) is checked in C
    (``map``, ``min``, ``max``, ``math.isfinite``); any other is looked at value by value.
    """
    issues: list[Issue] = []
    for section in NUMERIC_SECTIONS:
        rows = record.get(section)
        if not isinstance(rows, dict):
            continue
        if _DICTS.issuperset(map(type, rows.values())):
            values = [*chain.from_iterable(map(dict.values, rows.values()))]
            if _PLAIN_VALUES.issuperset(map(type, values)):
                numbers = [*filter(None, values)]  # without None (and 0, which is in range)
                if not numbers or (max(numbers) <= MAX_VALUE and min(numbers) >= -MAX_VALUE
                                   and all(map(math.isfinite, numbers))):  # NaN compares false, wherever it is
                    continue
        for row, columns in rows.items():
            if not isinstance(columns, dict):
                continue
            for column, value in columns.items():
                if isinstance(value, int | float) and not isinstance(value, bool) and not (
                        math.isfinite(value) and -MAX_VALUE <= value <= MAX_VALUE):
                    columns[column] = None
                    shown = f"{value:.3g}" if isinstance(value, float) else f"a {len(str(abs(value)))}-digit number"
                    issues.append(Issue(level="error", code="value.out_of_range", where=f"{section}.{row}.{column}",
                                        message=f"{shown} is no number a report prints (beyond ±2^53 - 1 or not "
                                        "finite): left null"))
    return issues


#: Issues of one code kept on a record; the rest are counted in one more issue of that code. A hostile file
#: can make one issue per line (``row.duplicate`` 20,000 times), a record bigger than the file.
MAX_ISSUES_PER_CODE = 50


def cap_issues(issues: list[Issue]) -> list[Issue]:
    """``issues`` with at most ``MAX_ISSUES_PER_CODE`` of each code, the surplus summed up in one issue per code."""
    counts: dict[str, int] = {}
    kept: list[Issue] = []
    for issue in issues:
        seen = counts[issue.code] = counts.get(issue.code, 0) + 1
        if seen <= MAX_ISSUES_PER_CODE:
            kept.append(issue)
    for code, count in counts.items():
        if count > MAX_ISSUES_PER_CODE:
            first = next(i for i in issues if i.code == code)
            kept.append(Issue(level=first.level, code=code, where="document",
                              message=f"… and {count - MAX_ISSUES_PER_CODE:,} more {code} issues, not listed "
                              f"(at most {MAX_ISSUES_PER_CODE} of a kind are)"))
    return kept
