"""The tail of ``nianbao run`` after its pipeline: the merge, the page's process, the Parquet process.

The merge must be bound by its own work (it never waits for the page's process, which reads the records
files behind it), the launcher's memory must not follow the input count (the Parquet footer is held by a
process of its own; the external sort holds one item per run while its output is read), and every output
stays what it was: the page is the one ``nianbao report`` builds, the Parquet file the one written in
one process.
"""

from __future__ import annotations

import functools
import os
import pathlib
import random
import re
import signal
import threading

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nianbao.flat_table import arrow_schema, flat_row, rows_to_batch
from nianbao.parse import process_bytes
from nianbao.pipelines import extsort
from nianbao.pipelines import run as run_module
from nianbao.pipelines.report import ReportFeed, build_report
from nianbao.pipelines.run_files import REPORT
from nianbao.pipelines.staging import write_fragment
from nianbao.pipelines.table_files import ParquetProcess
from nianbao.record import dumps
from nianbao.synth.corpus import generate

from .test_pipeline import read_outputs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """300 generated reports: about 3 MB of records, fifty times what a pipe holds."""
    folder = tmp_path_factory.mktemp("tail") / "in"
    generate(folder, 300, 18)
    (folder / "z-unreadable.bin").write_bytes(b"\x00\x01 not a report")  # a dead letter among them
    return folder


def test_the_merge_finishes_while_the_page_process_is_stopped(corpus, tmp_path, monkeypatch):
    """The page's process is stopped (SIGSTOP) from its start to the end of the merge: the merge still
    writes every outcome (it hands the page's entries to a spool file, not to the process), and the page,
    built afterwards from the spool it follows, is byte for byte the page ``nianbao report`` builds."""
    stopped: list[int] = []
    rescued = threading.Event()

    class StoppedFeed(ReportFeed):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            assert self.spooled
            os.kill(self._process.pid, signal.SIGSTOP)
            stopped.append(self._process.pid)
            # had the merge waited for the page, the run would hang: wake the process, and fail below
            self._timer = threading.Timer(120, lambda: (rescued.set(), os.kill(self._process.pid, signal.SIGCONT)))
            self._timer.start()

        def outcomes_done(self):
            self._timer.cancel()
            assert not rescued.is_set()
            os.kill(self._process.pid, signal.SIGCONT)
            super().outcomes_done()

    monkeypatch.setattr(run_module, "ReportFeed", StoppedFeed)
    out = tmp_path / "out"
    summary = run_module.run([f"--input={corpus}", f"--output={out}", "--plugins=none", "--direct_num_workers=1"])
    assert stopped and not rescued.is_set()
    assert summary["records"] + summary["dead_letters"] == summary["documents_in"] == 301
    assert summary["dead_letters"] == 1 and summary["missing"] == 0
    records, letters = read_outputs(out)
    assert len(records) == 300 and len(letters) == 1
    assert not [name for name in os.listdir(out) if name.startswith(".")]  # links and temporary files gone
    written, built = (out / REPORT).read_bytes(), build_report(str(out)).encode("utf-8")
    built_at = re.compile(r"生成于 \d{4}-\d\d-\d\d \d\d:\d\d UTC".encode())
    assert built_at.sub(b"", written) == built_at.sub(b"", built)


def test_a_page_process_whose_spool_holds_a_line_that_is_not_json_says_why(tmp_path):
    (tmp_path / "kept.txt").write_bytes(b"")
    feed = ReportFeed(str(tmp_path), spool=str(tmp_path))
    assert feed.spooled
    feed.add(True, b'{"source": {"uri": "/a.txt"}}')
    feed.add(True, b"{not json")
    feed.outcomes_done()
    with pytest.raises(OSError, match=r"JSONDecodeError"):
        feed.finish()
    feed.abort()
    assert not (tmp_path / REPORT).exists()
    assert sorted(os.listdir(tmp_path)) == ["kept.txt"]  # the spool is removed


def write_fragments(rows: list[list], folder) -> list[str]:
    """The rows as staged Arrow fragments of 30 rows each in ``folder``; their paths."""
    fragments = []
    for number in range(0, len(rows), 30):
        fragments.append(str(folder / f"f{number:03d}.arrow"))
        write_fragment(fragments[-1], rows[number:number + 30])
    return fragments


@pytest.fixture(scope="module")
def rows(corpus):
    return [flat_row(process_bytes(path.read_bytes(), str(path)).record) for path in sorted(corpus.glob("*.txt"))]


def test_the_parquet_process_writes_the_file_one_process_writes(rows, tmp_path):
    """Batches taken from fragment files (runs of rows, rows out of order, rows of several fragments) and
    batches of rows as lists: the Parquet process's file is byte for byte the one pyarrow writes in this
    process from the same rows, batch by batch."""
    fragments = write_fragments(rows, tmp_path)
    refs = [(fragments[i // 30], i % 30) for i in range(len(rows))]
    shuffled = refs[:40]
    random.Random(18).shuffle(shuffled)
    batches = [refs[:25], refs[25:95], shuffled, refs[95:]]  # within a fragment, across fragments, any order
    process = ParquetProcess(str(tmp_path / "apart.parquet"))
    for batch in batches:
        process.write_refs(batch)
    process.write_rows(rows[:7])
    process.close()
    with pq.ParquetWriter(tmp_path / "here.parquet", arrow_schema(), compression="zstd") as writer:
        for batch in batches:
            writer.write_table(pa.Table.from_batches([rows_to_batch([rows[30 * fragments.index(f) + r]
                                                                     for f, r in batch])]))
        writer.write_batch(rows_to_batch(rows[:7]))
    assert (tmp_path / "apart.parquet").read_bytes() == (tmp_path / "here.parquet").read_bytes()
    assert pq.read_table(tmp_path / "apart.parquet").num_rows == sum(map(len, batches)) + 7


def test_a_parquet_process_that_cannot_read_a_fragment_says_which(tmp_path):
    process = ParquetProcess(str(tmp_path / "t.parquet"))
    process.write_refs([(str(tmp_path / "gone.arrow"), 0)])
    with pytest.raises(OSError, match=r"gone\.arrow"):
        process.close()
    process.abort()


def test_reading_a_sorted_spill_holds_one_item_per_run(tmp_path):
    """Once runs were spilled, the last, partial run is spilled too: reading the sorted items holds one item
    per run file, never a run's worth, and the order is the stable sort's."""
    items = [(random.Random(i).randrange(50), i) for i in range(1003)]
    runs = extsort.Runs(str(tmp_path), run_items=100, key=lambda item: item[0], decode=tuple)
    for item in items:
        runs.add(item)
    merged = runs.sorted()
    assert runs.buffer == [] and len(runs.runs) == 11  # ten full runs and the last three items
    assert list(merged) == sorted(items, key=lambda item: item[0])
    small = extsort.Runs(str(tmp_path), run_items=100, prefix="small")
    for item in range(5):
        small.add(item)
    assert list(small.sorted()) == list(range(5)) and small.runs == []  # no run: nothing written


def test_the_staged_outcomes_name_their_length(corpus, tmp_path, monkeypatch):
    """A real run's staged shards: each outcome's first line gives the length of the rest, which is what the
    merge's index skips (the staging folder is kept here to look at it, then resumed from)."""
    monkeypatch.setattr(run_module, "_remove", lambda directory: None)
    out = tmp_path / "out"
    run_module.run([f"--input={corpus}", f"--output={out}", "--plugins=none", "--direct_num_workers=1"])
    shards = sorted((out / ".nianbao-staging").glob("*.shard"))
    assert shards
    seen = 0
    for shard in shards:
        lines = shard.read_bytes().split(b"\n")[:-1]
        for start in range(0, len(lines), 3):
            key = orjson.loads(lines[start])
            assert key[3] == len(lines[start + 1]) + len(lines[start + 2]) + 2
            seen += 1
    assert seen == 301
    # a launcher killed in its merge leaves the links its page's process read through: a rerun resumes
    # (parses nothing), drops them, and writes the same records
    leftover = out / ".nianbao-staging" / ".nianbao-page-killed"
    leftover.mkdir()
    os.link(next(out.glob("records-*.jsonl")), leftover / "00001.jsonl")
    before = read_outputs(out)
    monkeypatch.undo()
    summary = run_module.run([f"--input={corpus}", f"--output={out}", "--plugins=none", "--direct_num_workers=1"])
    assert summary["resumed"] == 301 and summary["records"] == 300 and summary["missing"] == 0
    assert read_outputs(out) == before and not (out / ".nianbao-staging").exists()


@pytest.mark.parametrize("batch_rows", [40, 10_000])
def test_the_flat_table_of_many_batches_goes_through_the_process_and_of_one_is_written_here(
        rows, tmp_path, monkeypatch, batch_rows):
    """Rows taken from fragment files by the table's writer: many batches go to the Parquet process (the
    footer grows with them), a table of one batch is written in the launcher (no process to start); the file
    is the one pyarrow writes from the same rows in batches of that size, and the CSV has every row."""
    from nianbao.pipelines import table_files

    monkeypatch.setattr(table_files, "BATCH_ROWS", batch_rows)
    fragments = write_fragments(rows, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    files = table_files.TableFiles(str(out))
    for index, row in enumerate(rows):
        files.add_fragment_row(fragments[index // 30], index % 30, table_files.csv_line(row))
    assert (files._parquet is not None) == (batch_rows < len(rows))
    written = files.close()
    with pq.ParquetWriter(tmp_path / "here.parquet", arrow_schema(), compression="zstd") as writer:
        for start in range(0, len(rows), batch_rows):
            writer.write_batch(rows_to_batch(rows[start:start + batch_rows]))
    assert (out / "reports.parquet").read_bytes() == (tmp_path / "here.parquet").read_bytes()
    assert written["parquet"].endswith("reports.parquet")
    assert (out / "reports.csv").read_bytes().count(b"\r\n") == len(rows) + 1


def test_a_records_entry_is_what_the_page_reads_of_the_record(corpus):
    """The entry a worker stages (:mod:`~nianbao.pipelines.page_entry`) is the same from the record in memory as
    from its JSON, and a page fed entries (their tables cut off past the limit, as the launcher sends them) holds
    what a page fed the records holds: the same rows, chunks of tables, counts and chart data."""
    from nianbao.pipelines import page_entry
    from nianbao.pipelines.report import Collector

    outcomes = [process_bytes(path.read_bytes(), str(path)) for path in sorted(corpus.iterdir())]
    records = [outcome.record for outcome in outcomes if outcome.record is not None]
    assert len(records) == 300
    entries = [page_entry.encode(record) for record in records]
    assert entries == [page_entry.encode(orjson.loads(dumps(record))) for record in records]
    from_records, from_entries = Collector(limit=120, chunk=50), Collector(limit=120, chunk=50)
    for number, (record, entry) in enumerate(zip(records, entries, strict=True)):
        from_records.add_record(orjson.loads(dumps(record)))
        from_entries.add_outcome(True, entry if number < 120 else entry.partition(page_entry.SEPARATOR)[0])
    assert from_entries.page() == from_records.page()
    assert len(from_entries.rows) == 120 and len(from_entries.chunks) == 3
    assert vars(from_entries) == vars(from_records)
    with pytest.raises(ValueError, match="has no tables"):
        Collector().add_entry(entries[0].partition(page_entry.SEPARATOR)[0])


def _untimed(page: bytes) -> bytes:
    """A page without what differs between two runs of the same outcomes: the minute it was built, the wall time."""
    page = re.sub(r"生成于 \d{4}-\d\d-\d\d \d\d:\d\d UTC".encode(), b"", page)
    return re.sub(r'<span class="num">[0-9.,]+ 秒</span><span>用时[^<]*</span>'.encode(), b"", page, count=1)


def _strip_entries(shard: pathlib.Path, first: int) -> int:
    """Rewrite every other outcome of a staged shard (from the ``first``-th, 0 or 1) as a nianbao without page
    entries staged it; how many entries it dropped."""
    lines, out, dropped = shard.read_bytes().split(b"\n")[:-1], [], 0
    for start in range(0, len(lines), 3):
        key, head, body = orjson.loads(lines[start]), lines[start + 1], lines[start + 2]
        if start // 3 % 2 == first:
            body, cut, _ = body.partition(b"\t")
            dropped += bool(cut)
        key[3] = len(head) + len(body) + 2
        out += [orjson.dumps(key), head, body]
    shard.write_bytes(b"\n".join(out) + b"\n")
    return dropped


def test_a_run_resumed_from_shards_staged_without_page_entries_builds_the_same_page(corpus, tmp_path, monkeypatch):
    """Outcomes staged by a nianbao that staged no page entries (every other one here) are still merged: their
    records go to the page whole. The resumed run parses nothing and writes the records and the page of the first run; a
    page that lists fewer reports than the run has (the launcher cuts the entries' tables past it) is the one
    ``nianbao report --limit`` builds."""
    monkeypatch.setattr(run_module, "_remove", lambda directory: None)
    out = tmp_path / "out"
    argv = [f"--input={corpus}", f"--output={out}", "--plugins=none", "--direct_num_workers=1"]
    run_module.run(argv)
    before, page = read_outputs(out), (out / REPORT).read_bytes()
    shards = sorted((out / ".nianbao-staging").glob("*.shard"))
    assert sum(_strip_entries(shard, 0) for shard in shards) >= 100
    monkeypatch.undo()
    summary = run_module.run(argv)
    assert summary["resumed"] == 301 and summary["records"] == 300 and summary["missing"] == 0
    assert read_outputs(out) == before
    assert _untimed((out / REPORT).read_bytes()) == _untimed(page)
    # again, each time from shards without entries, listing 120 of the 300 reports
    monkeypatch.setattr(run_module, "_remove", lambda directory: None)
    run_module.run([*argv, "--fresh"])
    for shard in sorted((out / ".nianbao-staging").glob("*.shard")):
        _strip_entries(shard, 1)
    monkeypatch.setattr(run_module, "ReportFeed", functools.partial(ReportFeed, limit=120))
    run_module.run(argv)
    assert _untimed((out / REPORT).read_bytes()) == _untimed(build_report(str(out), limit=120).encode())
