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
from operator import itemgetter
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


_Runs = tuple[tuple[str | None, tuple[str, ...], Any], ...]


def _blocks(columns: tuple[Column, ...]) -> tuple[tuple[str | None, _Runs, int], ...]:
    """The columns with a record path as ``(key, runs, width)`` blocks, in :data:`COLUMNS` order.

    A block is a dict of the record (``key``: ``source``, a table such as ``applications``, ``measures``;
    ``None``: the record itself), a run a dict in it (``(item, leaves, take)``: a table's row, or ``None`` for
    the block's dict itself) whose keys ``leaves`` are consecutive columns, ``take`` an ``itemgetter`` of them
    giving a tuple; ``width``: the block's columns. Paths are one to three keys long.
    """
    runs: list[tuple[tuple[str, ...], list[str]]] = []
    for column in columns:
        if not 1 <= len(column.path) <= 3:
            raise ValueError(f"flat-table column {column.name}: a record path of one to three keys")
        parent, leaf = column.path[:-1], column.path[-1]
        if runs and runs[-1][0] == parent:
            runs[-1][1].append(leaf)
        else:
            runs.append((parent, [leaf]))
    blocks: list[tuple[str | None, list[tuple[str | None, tuple[str, ...]]]]] = []
    for parent, leaves in runs:
        key, item = (*parent, None, None)[:2]
        if blocks and key is not None and blocks[-1][0] == key:
            blocks[-1][1].append((item, tuple(leaves)))
        else:
            blocks.append((key, [(item, tuple(leaves))]))
    return tuple((key, tuple((item, leaves, _getter(leaves)) for item, leaves in items),
                  sum(len(leaves) for _, leaves in items)) for key, items in blocks)


def _getter(leaves: tuple[str, ...]) -> Any:
    """``itemgetter(*leaves)``, a tuple even of one leaf."""
    return itemgetter(*leaves) if len(leaves) > 1 else (lambda mapping: (mapping[leaves[0]],))


#: Every column but the two counts, as blocks of runs of one dict's keys (:func:`_blocks`).
_BLOCKS = _blocks(COLUMNS[: -len(_COUNT_COLUMNS)])
_NONES = {n: (None,) * n for _, runs, width in _BLOCKS for n in (width, *(len(leaves) for _, leaves, _ in runs))}


def flat_row(record: dict[str, Any]) -> list[Any]:
    """A record as one flat-table row, values in :data:`COLUMNS` order (``None`` when absent).

    One pass over :data:`_BLOCKS`: each dict the columns read (``source``, each table and its rows,
    ``measures``, ``timeliness``) is looked up once and its values taken in one call (an ``itemgetter`` when
    the dict has as many keys as the run has columns, as a row printed whole has; else ``dict.get`` of each,
    as for a 2019 row of a table whose columns are both versions'); a key that is not there, or a parent that
    is not a dict, gives ``None``.
    """
    row: list[Any] = []
    extend = row.extend
    for key, runs, width in _BLOCKS:
        block = record if key is None else record.get(key)
        if not isinstance(block, dict):
            extend(_NONES[width])
            continue
        for item, leaves, take in runs:
            node = block if item is None else block.get(item)
            if not isinstance(node, dict):
                extend(_NONES[len(leaves)])
                continue
            if len(node) == len(leaves):
                try:
                    extend(take(node))
                    continue
                except KeyError:  # as many keys, not the same ones
                    pass
            extend(map(node.get, leaves))
    row.append(len([None for check in record.get("checks", ()) if not check.get("ok")]))
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
