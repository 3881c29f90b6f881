"""A nianbao output plugin: ``nianbao run`` also writes ``reports.sqlite``.

One SQLite database per run, with a table per kind of row, so a run can be
opened in Datasette or queried with ``sqlite3`` directly:

``reports``
    the flat table (:data:`nianbao.flat_table.COLUMNS`): one row per record, its
    metadata and every number of the three tables, keyed by ``uri``;
``checks``
    one row per cross-check result (``uri``, ``rule``, ``where``, ``ok``,
    ``expected``, ``actual``);
``issues``
    one row per issue (``uri``, ``level``, ``code``, ``message``, ``where``);
``dead_letters``
    one row per document that could not be read (``uri``, ``stage``, ``type``,
    ``message``, ``sha256``, ``bytes``);
``records``
    each whole record as JSON (``uri``, ``record``), for SQLite's JSON
    functions and for keys other plugins add.

The database is written under a temporary name in one transaction and moved
into place when the run closes, so a failed run leaves the previous database
(or none), never half of one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from typing import Any

from nianbao import Output, Sink, hookimpl
from nianbao.flat_table import COLUMNS, flat_row

#: The database's file name in the run's output directory.
FILE_NAME = "reports.sqlite"
_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "date": "TEXT"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def schema() -> list[str]:
    """The ``CREATE TABLE`` statements of the database."""
    columns = ",\n  ".join(
        f"{_quote(c.name)} {_TYPES[c.type]}" + (" PRIMARY KEY" if c.name == "uri" else "") for c in COLUMNS)
    return [
        f"CREATE TABLE reports (\n  {columns}\n)",
        "CREATE TABLE checks (uri TEXT NOT NULL REFERENCES reports(uri), rule TEXT NOT NULL, "
        '"where" TEXT, ok INTEGER NOT NULL, expected REAL, actual REAL)',
        "CREATE TABLE issues (uri TEXT NOT NULL REFERENCES reports(uri), level TEXT NOT NULL, "
        'code TEXT NOT NULL, message TEXT, "where" TEXT)',
        "CREATE TABLE dead_letters (uri TEXT PRIMARY KEY, stage TEXT, type TEXT, message TEXT, "
        "sha256 TEXT, bytes INTEGER)",
        "CREATE TABLE records (uri TEXT PRIMARY KEY REFERENCES reports(uri), record TEXT NOT NULL)",
        "CREATE INDEX checks_by_rule ON checks (rule, ok)",
        "CREATE INDEX issues_by_code ON issues (code)",
    ]


_INSERT_REPORT = (f"INSERT INTO reports ({', '.join(_quote(c.name) for c in COLUMNS)}) "
                  f"VALUES ({', '.join('?' * len(COLUMNS))})")


class SQLiteSink(Sink):
    """One run's database, open under a temporary name until :meth:`close`."""

    def __init__(self, directory: str) -> None:
        self.path = os.path.join(directory, FILE_NAME)
        self.tmp = os.path.join(directory, f".{FILE_NAME}.{uuid.uuid4().hex}.tmp")
        self.db = sqlite3.connect(self.tmp, isolation_level=None)
        # The file only becomes the database when the run ends well: no journal needed.
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("BEGIN")
        for statement in schema():
            self.db.execute(statement)

    def write_record(self, record: dict[str, Any]) -> None:
        uri = record["source"]["uri"]
        self.db.execute(_INSERT_REPORT, flat_row(record))
        self.db.executemany(
            'INSERT INTO checks (uri, rule, "where", ok, expected, actual) VALUES (?, ?, ?, ?, ?, ?)',
            [(uri, c["rule"], c.get("where"), bool(c["ok"]), c.get("expected"), c.get("actual"))
             for c in record.get("checks", ())])
        self.db.executemany(
            'INSERT INTO issues (uri, level, code, message, "where") VALUES (?, ?, ?, ?, ?)',
            [(uri, i["level"], i["code"], i.get("message"), i.get("where")) for i in record.get("issues", ())])
        self.db.execute("INSERT INTO records (uri, record) VALUES (?, ?)",
                        (uri, json.dumps(record, ensure_ascii=False)))

    def write_dead_letter(self, letter: dict[str, Any]) -> None:
        source, error = letter["source"], letter["error"]
        self.db.execute("INSERT INTO dead_letters (uri, stage, type, message, sha256, bytes) VALUES (?, ?, ?, ?, ?, ?)",
                        (source["uri"], error["stage"], error["type"], error["message"], source.get("sha256"),
                         source.get("bytes")))

    def close(self) -> list[str]:
        self.db.execute("COMMIT")
        self.db.close()
        os.replace(self.tmp, self.path)
        return [self.path]

    def abort(self) -> None:
        try:
            self.db.close()
        finally:
            if os.path.exists(self.tmp):
                os.remove(self.tmp)


class SQLiteOutput(Output):
    """``reports.sqlite`` in the run's output directory."""

    name = "sqlite"
    description = f"{FILE_NAME}: tables reports, checks, issues, dead_letters, records"

    def open(self, directory: str) -> SQLiteSink:
        if "://" in directory and not directory.startswith("file://"):
            raise ValueError(f"SQLite writes a local file and {directory} is not local: run with a local "
                             f"--output, or leave this output out (--outputs none)")
        return SQLiteSink(directory.removeprefix("file://"))


@hookimpl
def register_outputs(register):
    register(SQLiteOutput())
