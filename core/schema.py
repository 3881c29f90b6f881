"""The JSON Schema of the record, derived from the template's key tables.

``core/record.schema.json`` is this schema written out (``python -m
nianbao.schema > core/record.schema.json``); a test keeps the two equal.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from typing import Any

from .derive import MEASURES
from .template import APPLICATION_COLUMNS, APPLICATION_ROWS, REVIEW_FIELDS, REVIEW_GROUPS, proactive_fields

SCHEMA_FILE = "record.schema.json"
_DATE = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_STR = {"type": ["string", "null"]}


def _table(rows: dict[str, tuple[str, ...]], value: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            row: {"type": "object", "additionalProperties": False, "properties": dict.fromkeys(cols, value)}
            for row, cols in rows.items()
        },
    }


def source_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["uri", "format", "reader", "sha256", "bytes"],
        "properties": {
            "uri": {"type": "string"},
            "format": _STR,
            "reader": _STR,
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "bytes": {"type": "integer", "minimum": 0},
        },
    }


def record_schema() -> dict[str, Any]:
    """The schema every record validates against (extra top-level keys allowed, as docs/record.md says)."""
    integer = {"type": ["integer", "null"]}
    number = {"type": ["number", "null"]}
    app_cols = tuple(APPLICATION_COLUMNS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://nianbao.invalid/record.schema.json",
        "title": "nianbao report record",
        "type": "object",
        "required": ["schema_version", "source", "title", "agency", "year", "published", "signed", "template",
                     "sections", "proactive", "applications", "review_litigation", "checks", "issues"],
        "properties": {
            "schema_version": {"const": 1},
            "source": source_schema(),
            "title": _STR,
            "agency": _STR,
            "year": {"type": ["integer", "null"], "minimum": 1990, "maximum": 2100},
            "published": _DATE,
            "signed": _DATE,
            "template": {"enum": ["2019", "2021", "mixed", None]},
            "sections": {
                "type": "object",
                "required": ["overview", "problems", "other"],
                "properties": {k: _STR for k in ("overview", "problems", "other")},
            },
            "proactive": _table(proactive_fields(), number),
            "applications": _table(dict.fromkeys(APPLICATION_ROWS, app_cols), integer),
            "review_litigation": _table(dict.fromkeys(REVIEW_GROUPS, tuple(REVIEW_FIELDS)), integer),
            "timeliness": {
                "type": "object",
                "required": ["status", "level", "deadline", "basis", "date", "days_late"],
                "properties": {
                    "status": {"enum": ["on_time", "late", "unknown"]},
                    "level": {"enum": ["department", "government", "township", None]},
                    "deadline": _DATE,
                    "basis": {"enum": ["published", "signed", None]},
                    "date": _DATE,
                    "days_late": {"type": ["integer", "null"], "minimum": 0},
                },
            },
            "measures": {
                "type": "object",
                "additionalProperties": False,
                "properties": {key: {"type": ["number", "null"], "minimum": 0} for key in MEASURES},
            },
            "checks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["rule", "where", "ok", "expected", "actual"],
                    "properties": {
                        "rule": {"type": "string"},
                        "where": {"type": "string"},
                        "ok": {"type": "boolean"},
                        "expected": number,
                        "actual": number,
                    },
                },
            },
            "issues": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["level", "code", "message", "where"],
                    "properties": {
                        "level": {"enum": ["warning", "error"]},
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "where": {"type": "string"},
                    },
                },
            },
        },
    }


def dead_letter_schema() -> dict[str, Any]:
    """The schema of a dead-letter record."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["source", "error"],
        "properties": {
            "source": source_schema(),
            "error": {
                "type": "object",
                "required": ["stage", "type", "message"],
                "properties": {
                    "stage": {"enum": ["detect", "read", "extract"]},
                    "type": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    }


def load_schema() -> dict[str, Any]:
    """The schema file shipped in the package."""
    return json.loads(resources.files("nianbao").joinpath(SCHEMA_FILE).read_text("utf-8"))


if __name__ == "__main__":
    json.dump(record_schema(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
