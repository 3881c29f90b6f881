"""The SQLite output through a real ``nianbao run``: the database holds what the built-in outputs hold."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from nianbao.errors import OutputError
from nianbao.flat_table import COLUMNS
from nianbao.host import build_host
from nianbao.output import Outputs
from nianbao.parse import process_bytes
from nianbao.pipelines.run import RunError, run
from nianbao_sqlite import FILE_NAME, SQLiteOutput

LOCAL = ["--runner=FnApiRunner", "--direct_num_workers=1"]


def lines(out: Path, prefix: str) -> list[dict]:
    return [json.loads(line) for path in sorted(out.glob(f"{prefix}-*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()]


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def ran(reports, tmp_path_factory) -> tuple[Path, dict]:
    folder, _ = reports
    out = tmp_path_factory.mktemp("run") / "out"
    summary = run([f"--input={folder}", f"--output={out}", "--plugins=sqlite", *LOCAL])
    return out, summary


def test_the_entry_point_registers_the_output():
    host = build_host(entry_points=["sqlite"])
    info = host.info("sqlite")
    assert (info.package, info.registers, info.error) == ("nianbao-sqlite", ("output sqlite",), None)
    assert [o.name for o in host.outputs] == ["sqlite"] and host.owner("output", "sqlite") == "sqlite"


def test_the_summary_names_the_database(ran, reports):
    out, summary = ran
    _, truths = reports
    assert summary["outputs"] == {"sqlite": {"plugin": "sqlite", "files": [FILE_NAME], "records": len(truths),
                                             "dead_letters": 2, "error": None}}
    assert (out / FILE_NAME).is_file() and not list(out.glob(f".{FILE_NAME}*"))  # no temporary file left


def test_reports_hold_the_numbers_of_the_truths(ran, reports):
    out, _ = ran
    _, truths = reports
    db = out / FILE_NAME
    by_uri = {Path(uri).name: (granted, handled) for uri, granted, handled in rows(
        db, 'SELECT uri, "applications.granted.total", "applications.total_handled.total" FROM reports')}
    assert set(by_uri) == set(truths)
    for name, truth in truths.items():
        applications = truth["applications"]
        assert by_uri[name] == (applications["granted"]["total"], applications["total_handled"]["total"]), name


def test_reports_table_equals_the_parquet_table(ran):
    out, _ = ran
    table = pq.read_table(out / "reports.parquet").to_pylist()
    names = [c.name for c in COLUMNS]
    columns = ", ".join(f'"{name}"' for name in names)
    db = {row[0]: dict(zip(names, row, strict=True)) for row in rows(out / FILE_NAME, f"SELECT {columns} FROM reports")}
    assert len(db) == len(table)
    for parquet_row in table:
        mine = db[parquet_row["uri"]]
        for column in COLUMNS:
            expected = parquet_row[column.name]
            expected = expected.isoformat() if column.type == "date" and expected is not None else expected
            assert mine[column.name] == expected, (parquet_row["uri"], column.name)


def test_checks_issues_and_records_equal_the_jsonl(ran):
    out, _ = ran
    db = out / FILE_NAME
    records = lines(out, "records")
    assert sorted(rows(db, 'SELECT uri, rule, "where", ok FROM checks')) == sorted(
        (r["source"]["uri"], c["rule"], c["where"], int(c["ok"])) for r in records for c in r["checks"])
    assert sorted(rows(db, "SELECT uri, code FROM issues")) == sorted(
        (r["source"]["uri"], i["code"]) for r in records for i in r["issues"])
    stored = {uri: json.loads(text) for uri, text in rows(db, "SELECT uri, record FROM records")}
    assert stored == {r["source"]["uri"]: r for r in records}
    # The failing checks are one query away, as in Datasette.
    failing = {uri for (uri,) in rows(db, "SELECT DISTINCT uri FROM checks WHERE ok = 0")}
    assert failing == {r["source"]["uri"] for r in records if not all(c["ok"] for c in r["checks"])}


def test_dead_letters_equal_the_jsonl(ran):
    out, _ = ran
    expected = sorted((d["source"]["uri"], d["error"]["stage"], d["error"]["type"]) for d in lines(out, "dead-letters"))
    assert sorted(rows(out / FILE_NAME, "SELECT uri, stage, type FROM dead_letters")) == expected
    assert {Path(uri).name for uri, *_ in expected} == {"empty.txt", "junk.docx"}


def test_a_second_run_replaces_the_database(reports, tmp_path):
    folder, _ = reports
    first = run([f"--input={folder}/*.html", f"--output={tmp_path}", "--plugins=sqlite", *LOCAL])
    assert rows(tmp_path / FILE_NAME, "SELECT count(*) FROM reports") == [(first["records"],)] != [(1,)]
    again = run([f"--input={folder / '00000_text-cells.txt'}", f"--output={tmp_path}", "--plugins=sqlite", *LOCAL])
    assert again["outputs"]["sqlite"]["records"] == 1
    assert rows(tmp_path / FILE_NAME, "SELECT count(*) FROM reports") == [(1,)]


def test_outputs_none_writes_no_database(reports, tmp_path):
    folder, _ = reports
    summary = run([f"--input={folder / '00000_text-cells.txt'}", f"--output={tmp_path}", "--plugins=sqlite",
                   "--outputs=none", *LOCAL])
    assert summary["outputs"] == {} and not (tmp_path / FILE_NAME).exists()


def test_an_aborted_sink_leaves_the_previous_database(reports, tmp_path):
    folder, _ = reports
    (tmp_path / FILE_NAME).write_bytes(b"the previous run's database")
    sink = SQLiteOutput().open(str(tmp_path))
    path = next(folder.glob("*.html"))
    sink.write_record(process_bytes(path.read_bytes(), str(path)).record)
    sink.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]
    assert (tmp_path / FILE_NAME).read_bytes() == b"the previous run's database"


def test_a_remote_directory_is_refused_before_anything_is_parsed(reports, tmp_path):
    with pytest.raises(OutputError, match=r"output 'sqlite' \(plugin 'sqlite'\) cannot open s3://bucket/out: "
                                          r"ValueError: SQLite writes a local file"):
        Outputs([SQLiteOutput()], "s3://bucket/out", owner=lambda name: "sqlite")
    folder, _ = reports
    with pytest.raises(RunError, match="SQLite writes a local file"):
        run([f"--input={folder}", "--output=memory://nianbao-test/out", "--plugins=sqlite", *LOCAL])


def test_the_cli_lists_and_writes_the_output(reports, tmp_path):
    folder, truths = reports
    env = {**os.environ, "NIANBAO_LOAD_PLUGINS": "sqlite"}
    listed = subprocess.run([sys.executable, "-m", "nianbao", "plugins"], capture_output=True, text=True, env=env,
                            check=True)
    assert f"output sqlite: {FILE_NAME}: tables reports" in listed.stdout
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "nianbao", "run", str(folder), "-o", str(out), "--no-progress",
                             "--allow-dead-letters", *LOCAL], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert rows(out / FILE_NAME, "SELECT count(*) FROM reports") == [(len(truths),)]
