"""The staging walk: what a worker makes of each record (its flat-table row, its entry in the page, its staged
lines, the shard they go to), checked against the record itself.

Each expected value is computed here from the record, the plain way (a column's value is its record path walked
key by key; a table's row is its values looked up in template column order), on real and generated reports,
reports in traditional characters, and records changed to have nulls, missing tables, rows printed short and keys
in another order.
"""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path

import apache_beam as beam
import orjson
import pyarrow as pa
import pytest
from apache_beam.metrics.metric import MetricsFilter

from nianbao.flat_table import COLUMNS, flat_row
from nianbao.parse import process_bytes
from nianbao.pipelines import page_entry, staging, transforms
from nianbao.pipelines.staging import RECORD, SHARD, decode_staged, encode_staged, index_shard, stage_record
from nianbao.pipelines.transforms import StageOutcomeFn, WriteOutcomes
from nianbao.template import APPLICATION_COLUMNS, REVIEW_FIELDS

from .conftest import DATA, REAL, SAMPLES


def _walk(record: dict, path: tuple[str, ...]):
    value = record
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def expected_row(record: dict) -> list:
    """The flat row as the columns say: each column's record path walked, then the two counts."""
    values = [_walk(record, column.path) for column in COLUMNS if column.path]
    failing = sum(1 for check in record.get("checks", ()) if not check.get("ok"))
    return [*values, failing, len(record.get("issues", ()))]


def _changed(record: dict) -> list[dict]:
    """Records as a worker may see them: nulls, tables missing or not dicts, rows printed short, keys reordered."""
    nulls = copy.deepcopy(record)
    for table in ("proactive", "applications", "review_litigation"):
        for values in (nulls.get(table) or {}).values():
            for key in values:
                values[key] = None
    nulls.update(title=None, agency=None, year=None, published=None, source={**nulls["source"], "bytes": None})
    missing = copy.deepcopy(record)
    del missing["applications"], missing["measures"], missing["checks"], missing["issues"]
    missing.update(proactive=None, review_litigation="not a table", timeliness=[], source={})
    short = copy.deepcopy(record)
    for table in ("proactive", "applications", "review_litigation"):
        for row, values in list((short.get(table) or {}).items())[::2]:
            short[table][row] = {key: value for key, value in list(values.items())[1:]}
    reordered = copy.deepcopy(record)
    for table in ("proactive", "applications", "review_litigation"):
        for row, values in list((reordered.get(table) or {}).items()):
            reordered[table][row] = dict(reversed(list(values.items())))
    reordered["source"] = dict(reversed(list(reordered["source"].items())))
    swapped = copy.deepcopy(record)  # as many keys as the template's columns, not the same ones
    for values in (swapped.get("applications") or {}).values():
        total = values.pop("total", None)
        values["sum"] = total
    for check in swapped.get("checks", ())[:3]:
        check["ok"] = None  # not judged: counted as not passing in the flat row, not failing in the page
    return [nulls, missing, short, reordered, swapped]


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> list[dict]:
    from nianbao.synth.corpus import generate

    corpus = tmp_path_factory.mktemp("generated")
    generate(corpus, 16, 7)
    paths = [*sorted(SAMPLES.iterdir()), *sorted(REAL.iterdir()), *sorted((DATA / "traditional").iterdir()),
             *sorted(p for p in corpus.iterdir() if not p.name.endswith(".json"))]
    parsed = [process_bytes(p.read_bytes(), str(p)).record for p in paths if p.is_file()]
    parsed = [r for r in parsed if r is not None]
    assert any("traditional" in r["source"]["uri"] for r in parsed)
    assert any(r.get("template") == "2019" for r in parsed) and any(r.get("template") == "2021" for r in parsed)
    return parsed + [changed for record in parsed[:6] for changed in _changed(record)]


def test_the_flat_row_is_each_columns_record_path_walked(records):
    for record in records:
        assert flat_row(record) == expected_row(record), record["source"]


def test_the_flat_row_reads_a_row_printed_short_and_keys_in_another_order():
    record = process_bytes((SAMPLES / sorted(os.listdir(SAMPLES))[0]).read_bytes(), "a.txt").record
    row = next(iter(record["applications"]))
    record["applications"][row] = {"total": 7, "natural_person": 3}  # two of seven columns, the last one first
    values = dict(zip([c.name for c in COLUMNS], flat_row(record), strict=True))
    assert values[f"applications.{row}.natural_person"] == 3 and values[f"applications.{row}.total"] == 7
    assert values[f"applications.{row}.commercial"] is None


def test_the_page_entry_lists_each_table_row_in_template_column_order(records):
    for record in records:
        tables = page_entry.tables(record)
        for name, columns in (("applications", APPLICATION_COLUMNS), ("review_litigation", REVIEW_FIELDS)):
            table = record.get(name)
            expected = ([[row, *(values.get(c) for c in columns)] for row, values in table.items()
                         if isinstance(values, dict)] if isinstance(table, dict) else [])
            assert tables[name] == expected


def test_the_page_entry_counts_what_the_record_holds(records):
    for record in records:
        head, view = page_entry.decode(page_entry.encode(record))
        checks, issues = record.get("checks") or [], record.get("issues") or []
        failing = [c for c in checks if c.get("ok") is False]
        assert head.failing == len(failing) and head.issues == len(issues)
        assert head.errors == sum(1 for i in issues if i.get("level") == "error")
        assert head.rules == list(dict.fromkeys(c["rule"] for c in checks))
        assert head.failed == list(dict.fromkeys(c["rule"] for c in failing))
        assert head.listed_rules == sorted({c["rule"] for c in failing})
        assert orjson.loads(view) == orjson.loads(orjson.dumps(page_entry.tables(record)))
        assert tuple(head) == tuple(orjson.loads(orjson.dumps(tuple(page_entry.head(record)))))


def test_a_staged_record_reads_back_whole_and_its_length_skips_it(records):
    for record in records[:20]:
        if not isinstance(record.get("source"), dict):
            continue
        staged = stage_record(record, worker="w:1")
        failing = [c["rule"] for c in record.get("checks", ()) if not c.get("ok")]
        assert staged.failed_checks == {rule: failing.count(rule) for rule in dict.fromkeys(failing)}
        data = encode_staged(staged, ordinal=4, with_row=False) + encode_staged(staged, ordinal=5, with_row=False)
        back = decode_staged(data[: len(data) // 2])
        assert orjson.loads(back.body) == record and back.page == page_entry.encode(record)
        assert back.csv == staged.csv and back.failed_checks == staged.failed_checks and back.row is None
        import io

        assert [(ordinal, length) for _, ordinal, _, length, _ in index_shard(io.BytesIO(data))] == \
            [(4, len(data) // 2), (5, len(data) // 2)]


@pytest.fixture
def five(records) -> list[dict]:
    return [r for r in records if isinstance(r.get("source"), dict) and "uri" in r["source"]][:5]


def _outcomes(path: Path) -> list[str]:
    with open(path, "rb", buffering=0) as handle:
        return [uri for uri, *_ in index_shard(handle)]


def test_the_writer_buffers_outcomes_and_commits_them_all(five, tmp_path, monkeypatch):
    monkeypatch.setattr(transforms, "FLUSH_INTERVAL", 3600.0)  # no timed flush while the bundle runs
    fn = StageOutcomeFn(str(tmp_path))
    fn.setup()
    fn.start_bundle()
    for record in five:
        list(fn.process((RECORD, record)))
    (part,) = [p for p in tmp_path.iterdir() if p.name.endswith(staging.PART)]
    assert part.stat().st_size < sum(len(encode_staged(stage_record(r))) for r in five)  # still in the buffer
    fn.finish_bundle()
    (shard,) = [p for p in tmp_path.iterdir() if p.name.endswith(SHARD)]
    assert not part.exists() and _outcomes(shard) == [r["source"]["uri"] for r in five]
    (fragment,) = [p for p in tmp_path.iterdir() if p.name.endswith(staging.FRAGMENT)]
    table = pa.ipc.open_file(pa.memory_map(str(fragment))).read_all()
    assert table.column("uri").to_pylist() == [r["source"]["uri"] for r in five]
    assert table.column("checks_failed").to_pylist() == [expected_row(r)[-2] for r in five]


def test_the_writer_flushes_for_the_progress_once_its_interval_is_past(five, tmp_path, monkeypatch):
    monkeypatch.setattr(transforms, "FLUSH_INTERVAL", 0.0)  # every outcome is past the interval
    fn = StageOutcomeFn(str(tmp_path))
    fn.setup()
    fn.start_bundle()
    for done, record in enumerate(five, 1):
        list(fn.process((RECORD, record)))
        (part,) = [p for p in tmp_path.iterdir() if p.name.endswith(staging.PART)]
        assert len(_outcomes(part)) == done  # what the launcher's progress reads
    fn.teardown()  # the bundle failed: nothing of it counts
    assert os.listdir(tmp_path) == []


def test_the_staged_counter_counts_committed_outcomes(five, tmp_path):
    pipeline = beam.Pipeline(runner="FnApiRunner")
    _ = (pipeline | beam.Create([(RECORD, r) for r in five], reshuffle=False)
         | WriteOutcomes(str(tmp_path / "staging"), checkpoint=0.0))  # a commit after each outcome
    result = pipeline.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_name("staged"))["counters"]
    assert sum(c.committed for c in counters) == len(five)
    shards = sorted((tmp_path / "staging").glob(f"*{SHARD}"))
    assert sorted(uri for shard in shards for uri in _outcomes(shard)) == sorted(r["source"]["uri"] for r in five)
    shutil.rmtree(tmp_path / "staging")
