"""A record's entry in ``report.html``: what the page reads of it, taken where the record is made.

The page (:mod:`.report`) reads every record once: it counts it (format, failing rules, the applications'
totals, the agency's new applications, the publication month), lists it in its table (agency, year, …) and
packs its three tables for the row that opens them. Reading a record there meant parsing its JSON, about
10 KB, and walking it: about 200 µs a record, after the merge, in one process (20 s at 100,000 records,
the tail of ``nianbao run``). A worker has the record in hand when it stages it, so it writes this entry
beside it (:func:`encode`, one line: a small JSON array of what the page counts, a tab, the JSON of the
tables' view), and the page's process joins entries: it parses the small array and copies the tables' JSON
as bytes into its chunks. ``nianbao report`` builds the same entry from each record it reads
(:func:`entry`), so the page is byte for byte the same whichever way it was fed.

No Beam, no Jinja2, no matplotlib here: workers import this module.
"""

from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import Any, NamedTuple

import orjson

from nianbao.agency import agency_key
from nianbao.checks import involved_cells
from nianbao.template import AMBIGUOUS_GROUP_ROWS, APPLICATION_COLUMNS, APPLICATION_ROWS, REVIEW_FIELDS

#: Issues kept per report in its tables' view (the record has all of them).
MAX_ISSUES = 100
#: What separates an entry's head from its tables' view in :func:`encode`'s line (JSON never holds a raw tab).
SEPARATOR = b"\t"


def outcome_group(row: str) -> str | None:
    """The bar an application row adds to: its own (予以公开, 总计, …) or its group's (不予公开, …)."""
    group = AMBIGUOUS_GROUP_ROWS.get(row) or APPLICATION_ROWS[row].group
    return row if group in (None, "results") else group


#: Each application row's bar (:func:`outcome_group`), looked up once.
OUTCOME_BARS: dict[str, str] = {row: outcome_group(row) or row for row in APPLICATION_ROWS}


class Head(NamedTuple):
    """What the page counts and lists of one record (its table row and its charts), in a JSON array."""

    format: Any  # source.format as recorded (None: unknown; counted as "?")
    uri: str
    rules: list[Any]  # the rules with a result, each once, in the record's order
    failed: list[Any]  # the rules with a failing result, each once
    listed_rules: list[str]  # the failing rules' names, sorted (the table's column)
    failing: int  # failing results
    issues: int
    errors: int  # issues of level error
    bars: list[list[Any]]  # [bar, total] of each application row with a number in its 总计 column, in order
    received: int | float | None  # new applications received (总计), when a number
    agency_key: str | None  # the agency's key (nianbao.agency), when received is a number
    agency: Any
    level: str  # timeliness level, "unknown" when none
    status: str  # timeliness status, "unknown" when none
    month: int | None  # publication month after the year's end, 0 before, 13 later; None: no date
    year: Any
    template: Any


_NUMBER = (int, float)  # a tuple, not ``int | float``: isinstance with a union builds it on every call


def number(value: Any) -> int | float | None:
    return value if isinstance(value, _NUMBER) and not isinstance(value, bool) else None


#: ``(columns, their keys, an itemgetter of them)`` by ``id(columns)`` (the template's column dicts; the
#: dict is kept, so its id is not reused).
_TAKE: dict[int, tuple[Any, tuple[str, ...], Any]] = {}


def _take(columns: Any) -> tuple[tuple[str, ...], Any]:
    cached = _TAKE.get(id(columns))
    if cached is None or cached[0] is not columns:
        keys = tuple(columns)
        cached = _TAKE[id(columns)] = (columns, keys, itemgetter(*keys) if len(keys) > 1 else None)
    return cached[1], cached[2]


def rows(table: Any, columns: dict[str, Any]) -> list[list[Any]]:
    """A table of the record as ``[row key, value, …]`` lists, values in template column order (a quarter
    smaller than the record's dicts once gzipped: 10 MB less at 100,000 reports)."""
    if not isinstance(table, dict):
        return []
    keys, take = _take(columns)
    out = []
    for row, values in table.items():
        if isinstance(values, dict):
            if take is not None and len(values) == len(keys):  # a row printed whole: its values in one call
                try:
                    out.append([row, *take(values)])
                    continue
                except KeyError:
                    pass
            out.append([row, *map(values.get, keys)])
    return out


def _month(record: dict[str, Any]) -> int | None:
    year, published = record.get("year"), record.get("published")
    if not isinstance(year, int) or not isinstance(published, str):
        return None
    try:
        day = dt.date.fromisoformat(published)
    except ValueError:
        return None
    months = (day.year - year - 1) * 12 + day.month  # 1 = January of the next year
    return max(0, min(months, 13))


class _Read(NamedTuple):
    """What :func:`head` and :func:`tables` both read of a record, read once when :func:`encode` makes both."""

    source: dict[str, Any]
    checks: list[Any]
    failing: list[Any]  # the results whose "ok" is False, in order
    issues: list[Any]


def _read(record: dict[str, Any]) -> _Read:
    checks = record.get("checks") or []
    return _Read(record.get("source") or {}, checks, [c for c in checks if c.get("ok") is False],
                 record.get("issues") or [])


def head(record: dict[str, Any], read: _Read | None = None) -> Head:
    """What the page counts and lists of ``record`` (``read``: :func:`_read` of it, when made already)."""
    source, checks, failing, issues = read or _read(record)
    applications = record.get("applications") or {}
    bars = []
    for row, values in applications.items():
        bar = OUTCOME_BARS.get(row)
        if bar is None or not isinstance(values, dict):
            continue
        total = values.get("total")
        if isinstance(total, _NUMBER) and not isinstance(total, bool):
            bars.append([bar, total])
    received = number((applications.get("new_received") or {}).get("total"))
    timeliness = record.get("timeliness") or {}
    failed_rules = [c.get("rule") for c in failing]
    return Head(
        format=source.get("format"), uri=str(source.get("uri") or ""),
        rules=list(dict.fromkeys([c.get("rule") for c in checks])),
        failed=list(dict.fromkeys(failed_rules)),
        listed_rules=sorted(set(map(str, failed_rules))),
        failing=len(failing), issues=len(issues), errors=[i.get("level") for i in issues].count("error"),
        bars=bars, received=received, agency_key=agency_key(record.get("agency")) if received is not None else None,
        agency=record.get("agency"), level=timeliness.get("level") or "unknown",
        status=timeliness.get("status") or "unknown", month=_month(record), year=record.get("year"),
        template=record.get("template"),
    )


def tables(record: dict[str, Any], read: _Read | None = None) -> dict[str, Any]:
    """The report's view when its row is opened: its three tables as read, the failing checks with the
    cells they compare, its issues (the first :data:`MAX_ISSUES`). ``read``: :func:`_read` of it, when made."""
    source, checks, failing, issues = read or _read(record)
    return {
        "uri": str(source.get("uri") or ""), "title": record.get("title"), "agency": record.get("agency"),
        "year": record.get("year"), "published": record.get("published"), "signed": record.get("signed"),
        "template": record.get("template"), "format": source.get("format"), "reader": source.get("reader"),
        "bytes": source.get("bytes"),
        "proactive": record.get("proactive") or {},
        "applications": rows(record.get("applications"), APPLICATION_COLUMNS),
        "review_litigation": rows(record.get("review_litigation"), REVIEW_FIELDS),
        "checks": len(checks),
        "failing": [[c.get("rule"), c.get("where"), c.get("expected"), c.get("actual"),
                     involved_cells(str(c.get("rule")), str(c.get("where")), record)] for c in failing],
        "issues": [[i.get("level"), i.get("code"), i.get("message"), i.get("where")] for i in issues[:MAX_ISSUES]],
    }


def encode(record: dict[str, Any]) -> bytes:
    """The record's entry as one line (no newline): its :class:`Head` as a JSON array, :data:`SEPARATOR`,
    its :func:`tables` as JSON. What both read of the record (its checks, failing ones, issues) is read once."""
    read = _read(record)
    return b"".join((orjson.dumps(tuple(head(record, read))), SEPARATOR, orjson.dumps(tables(record, read))))


def decode(line: bytes) -> tuple[Head, bytes]:
    """An :func:`encode` line (or its head alone) read back: the head, and the tables' JSON (``b""`` if cut off)."""
    first, _, rest = line.partition(SEPARATOR)
    return Head(*orjson.loads(first)), rest


def is_entry(line: bytes) -> bool:
    """Whether an outcome line is an entry (a JSON array) rather than a whole record (a JSON object)."""
    return line[:1] == b"["
