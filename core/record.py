"""The report record of docs/record.md: its value objects, its skeleton and its JSON form.

Keys here are the output contract. The numeric keys come from
:mod:`nianbao.template`; nothing else in the code base spells them out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

SCHEMA_VERSION = 1


# Issue and CheckResult are frozen keyword dataclasses with their own ``__init__`` (``init=False``), as the
# Document's Cell: it stores through the slot descriptors instead of ``object.__setattr__`` (a type lookup per
# field), 35% faster; a report makes some 45 check results and a dozen issues.


@dataclass(frozen=True, kw_only=True, slots=True, init=False)
class Issue:
    """A problem found in a document that was still read: an ``issues`` entry."""

    level: str  # "warning" | "error"
    code: str
    message: str
    where: str

    def __init__(self, *, level: str, code: str, message: str, where: str) -> None:
        _set_level(self, level)
        _set_code(self, code)
        _set_message(self, message)
        _set_issue_where(self, where)

    def to_dict(self) -> dict[str, str]:
        # spelled out, in field order: ``dataclasses.asdict`` recurses and deep-copies, 10× slower for four strings
        return {"level": self.level, "code": self.code, "message": self.message, "where": self.where}


_set_level, _set_code, _set_message, _set_issue_where = (
    vars(Issue)[name].__set__ for name in ("level", "code", "message", "where"))


def warning(code: str, message: str, where: str) -> Issue:
    return Issue(level="warning", code=code, message=message, where=where)


def error(code: str, message: str, where: str) -> Issue:
    return Issue(level="error", code=code, message=message, where=where)


@dataclass(frozen=True, kw_only=True, slots=True, init=False)
class CheckResult:
    """One evaluated cross-check; the runner stamps ``rule`` from the registry key."""

    where: str
    ok: bool
    expected: float | int | None
    actual: float | int | None
    rule: str = ""

    def __init__(self, *, where: str, ok: bool, expected: float | int | None, actual: float | int | None,
                 rule: str = "") -> None:
        _set_where(self, where)
        _set_ok(self, ok)
        _set_expected(self, expected)
        _set_actual(self, actual)
        _set_rule(self, rule)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "where": self.where, "ok": self.ok, "expected": self.expected,
                "actual": self.actual}


_set_where, _set_ok, _set_expected, _set_actual, _set_rule = (
    vars(CheckResult)[name].__set__ for name in ("where", "ok", "expected", "actual", "rule"))


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
