"""The flat table: one row per record, one column per metadata field and per number of the template.

``nianbao run`` writes it as ``reports.parquet`` and ``reports.csv``; output
plugins (an SQLite database, a spreadsheet) use the same columns, so a number
has one column name everywhere. The numeric columns derive from
:func:`nianbao.template.numeric_fields`; nothing here spells a record key of
the template's tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .template import numeric_fields


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the flat table: its name (a dotted record path), Chinese label, value type, record path."""

    name: str
    zh: str
    type: str  # "string" | "integer" | "number" | "date"
    path: tuple[str, ...] = ()


_META_COLUMNS = (
    Column("uri", "文件", "string", ("source", "uri")),
    Column("format", "格式", "string", ("source", "format")),
    Column("reader", "读取器", "string", ("source", "reader")),
    Column("sha256", "SHA-256", "string", ("source", "sha256")),
    Column("bytes", "字节数", "integer", ("source", "bytes")),
    Column("title", "标题", "string", ("title",)),
    Column("agency", "机关", "string", ("agency",)),
    Column("year", "年度", "integer", ("year",)),
    Column("published", "发布日期", "date", ("published",)),
    Column("signed", "落款日期", "date", ("signed",)),
    Column("template", "模板", "string", ("template",)),
)
#: The record's derived values (nianbao.derive; docs/checks.md defines them), after the numbers.
_DERIVED_COLUMNS = (
    Column("measures.granted_share", "予以公开和部分公开占比", "number", ("measures", "granted_share")),
    Column("measures.review_correction_rate", "行政复议纠正率", "number", ("measures", "review_correction_rate")),
    Column("measures.litigation_lost_share", "行政诉讼被纠正占比", "number", ("measures", "litigation_lost_share")),
    Column("measures.applications_per_10k", "每万人口申请数", "number", ("measures", "applications_per_10k")),
    Column("timeliness.status", "公布时效", "string", ("timeliness", "status")),
    Column("timeliness.deadline", "法定公布期限", "date", ("timeliness", "deadline")),
    Column("timeliness.days_late", "逾期天数", "integer", ("timeliness", "days_late")),
)
_COUNT_COLUMNS = (
    Column("checks_failed", "未通过校验数", "integer"),
    Column("issues", "问题数", "integer"),
)


def table_columns() -> tuple[Column, ...]:
    """Every column of the flat table, in order: metadata, each numeric field, derived values, counts."""
    numeric = tuple(Column(path, zh, kind, tuple(path.split("."))) for path, zh, _section, kind in numeric_fields())
    return (*_META_COLUMNS, *numeric, *_DERIVED_COLUMNS, *_COUNT_COLUMNS)


COLUMNS: tuple[Column, ...] = table_columns()
_COLUMN_NAMES = [c.name for c in COLUMNS]
if len(set(_COLUMN_NAMES)) != len(COLUMNS) or len({c.zh for c in COLUMNS}) != len(COLUMNS):
    raise ValueError("flat-table column names and Chinese labels must be unique")


def _groups() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The numeric columns as ``(section, item, columns)`` runs, in :data:`COLUMNS` order."""
    runs: list[tuple[str, str, list[str]]] = []
    for column in COLUMNS[len(_META_COLUMNS): -len(_DERIVED_COLUMNS) - len(_COUNT_COLUMNS)]:
        section, item, leaf = column.path
        if runs and runs[-1][:2] == (section, item):
            runs[-1][2].append(leaf)
        else:
            runs.append((section, item, [leaf]))
    return tuple((section, item, tuple(leaves)) for section, item, leaves in runs)


_GROUPS = _groups()
_META_PATHS = tuple(c.path for c in _META_COLUMNS)
_DERIVED_PATHS = tuple(c.path for c in _DERIVED_COLUMNS)


def _at(record: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = record
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def flat_row(record: dict[str, Any]) -> list[Any]:
    """A record as one flat-table row, values in :data:`COLUMNS` order (``None`` when absent)."""
    row: list[Any] = [_at(record, path) for path in _META_PATHS]
    for section, item, leaves in _GROUPS:
        group = (record.get(section) or {}).get(item)
        if isinstance(group, dict):
            row.extend([group.get(leaf) for leaf in leaves])
        else:
            row.extend([None] * len(leaves))
    row.extend([_at(record, path) for path in _DERIVED_PATHS])
    row.append(sum(1 for check in record.get("checks", ()) if not check.get("ok")))
    row.append(len(record.get("issues", ())))
    return row


def header(labels: str = "key") -> list[str]:
    """The table's column headers: record keys (``key``) or Chinese labels (``zh``)."""
    if labels not in ("key", "zh"):
        raise ValueError(f"labels must be 'key' or 'zh', not {labels!r}")
    return [c.zh if labels == "zh" else c.name for c in COLUMNS]


# --------------------------------------------------------------------------
# As Arrow: the typed form of reports.parquet and of nianbao.read_reports
# --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def arrow_schema() -> Any:
    """The flat table's Arrow schema: typed columns (counts int64, amounts float64, dates date32), each
    field carrying its Chinese label as metadata (``zh``). Built once; pyarrow is imported on first use."""
    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.date32()}
    return pa.schema([pa.field(c.name, types[c.type], metadata={"zh": c.zh}) for c in COLUMNS])


def rows_to_batch(rows: list[list[Any]]) -> Any:
    """Flat-table rows (:func:`flat_row`) as one Arrow record batch of :func:`arrow_schema`."""
    import pyarrow as pa

    schema = arrow_schema()
    columns = zip(*rows, strict=True) if rows else ([] for _ in COLUMNS)
    arrays = []
    for column, arrow_field, values in zip(COLUMNS, schema, columns, strict=True):
        if column.type == "date":
            values = [None if v is None else dt.date.fromisoformat(v) for v in values]
        elif column.type == "number":
            values = [None if v is None else float(v) for v in values]
        arrays.append(pa.array(values, type=arrow_field.type))
    return pa.record_batch(arrays, schema=schema)
