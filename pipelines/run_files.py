"""The files ``nianbao run`` writes in its output directory, their names, and reading them back.

The launcher merges the staged outcomes (:mod:`.staging`) through one
:class:`RunFilesWriter`, keeping one outcome per input URI in input order, into::

    records-00000-of-0000N.jsonl       one record per line (docs/record.md)
    dead-letters-00000-of-0000N.jsonl  one dead letter per unreadable document
    reports.parquet, reports.csv       the flat table (:mod:`.table_files`)
    summary.json                       counts, timings, outputs
    cross-checks.jsonl                 the cross-year checks (:mod:`.crossyear`)
    report.html                        the page (:mod:`.report`)

Not to be confused with :mod:`nianbao.output`, the contract of output *plugins*,
which write more files beside these.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from nianbao.flat_table import flat_row

from .staging import DEAD_LETTER, StagedOutcome
from .storage import PendingFile, is_local, join, read_bytes, write_atomic
from .table_files import TABLE_CSV, TABLE_PARQUET, TableFiles

RECORDS = "records"
DEAD_LETTERS = "dead-letters"
SUMMARY = "summary.json"
#: One line per cross-year check (nianbao.pipelines.crossyear).
CROSS_CHECKS = "cross-checks.jsonl"
REPORT = "report.html"  # written by nianbao.pipelines.report from the files above
#: Lines per JSON Lines shard.
SHARD_LINES = 50_000


class _Shards:
    """JSON Lines written in shards of at most ``per_shard`` lines, named ``prefix-00000-of-0000N.jsonl``."""

    def __init__(self, directory: str, prefix: str, per_shard: int) -> None:
        self.directory, self.prefix, self.per_shard = directory, prefix, per_shard
        self.done: list[PendingFile] = []
        self.current: PendingFile | None = None
        self.lines = 0

    def write(self, line: bytes) -> None:
        if self.current is None or self.lines >= self.per_shard:
            if self.current is not None:
                self.current.handle.close()  # whole, and its buffer freed; renamed at commit
                self.done.append(self.current)
            self.current = PendingFile(self.directory, f"{self.prefix}-{len(self.done):05d}.jsonl")
            self.lines = 0
        self.current.handle.write(line + b"\n")
        self.lines += 1

    def commit(self) -> list[str]:
        if self.current is None:  # an empty output is still one (empty) shard: globs find it
            self.current = PendingFile(self.directory, f"{self.prefix}-00000.jsonl")
        targets = [*self.done, self.current]
        total = len(targets)
        return [t.commit(f"{self.prefix}-{i:05d}-of-{total:05d}.jsonl") for i, t in enumerate(targets)]

    def abort(self) -> None:
        for target in [*self.done, *([self.current] if self.current else [])]:
            target.abort()


def clear_outputs(directory: str) -> None:
    """Delete the files of an earlier run in ``directory`` (only files this module names)."""
    from apache_beam.io.filesystems import FileSystems

    patterns = [join(directory, f"{RECORDS}-*.jsonl"), join(directory, f"{DEAD_LETTERS}-*.jsonl"),
                join(directory, TABLE_PARQUET), join(directory, TABLE_CSV), join(directory, SUMMARY),
                join(directory, CROSS_CHECKS), join(directory, REPORT)]
    stale = [m.path for result in FileSystems.match(patterns) for m in result.metadata_list]
    if stale:
        FileSystems.delete(stale)


def clear_pending(directory: str) -> None:
    """Delete what a run stopped while writing its files left behind (their temporary names,
    :class:`~.storage.PendingFile`): only files this module names."""
    from apache_beam.io.filesystems import FileSystems

    names = [f"{RECORDS}-*.jsonl", f"{DEAD_LETTERS}-*.jsonl", TABLE_PARQUET, TABLE_CSV]
    patterns = [join(directory, f".{name}.*.tmp") for name in names]
    stale = [m.path for result in FileSystems.match(patterns) for m in result.metadata_list]
    if stale:
        FileSystems.delete(stale)


class RunFilesWriter:
    """Writes staged outcomes to the run's files and counts them for the summary.

    ``add`` takes :class:`~.staging.StagedOutcome` objects in the order they
    should appear; ``close`` commits every file (JSON Lines shards, Parquet,
    CSV) and returns the counting part of the summary. Use as a context
    manager: an exception aborts and removes the partial files.
    """

    def __init__(self, directory: str, *, labels: str = "key", shard_lines: int = SHARD_LINES) -> None:
        self.directory = directory
        if is_local(directory):
            os.makedirs(directory, exist_ok=True)
        self.records = _Shards(directory, RECORDS, shard_lines)
        self.dead_letters = _Shards(directory, DEAD_LETTERS, shard_lines)
        self.table = TableFiles(directory, labels=labels)
        self.formats: Counter[str] = Counter()
        self.stages: Counter[str] = Counter()
        self.error_types: Counter[str] = Counter()
        self.failed_checks: Counter[str] = Counter()
        self.workers: Counter[str] = Counter()
        self.n_records = self.n_dead_letters = self.records_failing_checks = 0

    def add(self, staged: StagedOutcome, *, fragment: str | None = None, ordinal: int = -1) -> None:
        """Write one outcome; its table row is ``staged.row``, or row ``ordinal`` of the Arrow IPC file
        ``fragment`` (a staged fragment, local)."""
        self.workers[staged.worker or "?"] += 1
        if staged.kind == DEAD_LETTER:
            self.dead_letters.write(staged.body)
            self.n_dead_letters += 1
            self.stages[staged.stage or "?"] += 1
            self.error_types[staged.error_type or "?"] += 1
            return
        self.records.write(staged.body)
        self.n_records += 1
        self.formats[staged.format or "?"] += 1
        self.failed_checks.update(staged.failed_checks)
        self.records_failing_checks += bool(staged.failed_checks)
        if fragment is not None and ordinal >= 0:
            if staged.csv is None:
                raise ValueError(f"staged record {staged.uri} has a table row but no CSV line")
            self.table.add_fragment_row(fragment, ordinal, staged.csv)
        else:
            row = staged.row if staged.row is not None else flat_row(orjson.loads(staged.body))
            self.table.add_row(row, staged.csv)

    def close(self) -> dict[str, Any]:
        """Commit every file; the counts and file names for the summary."""
        table = self.table.close()
        files = {"records": self.records.commit(), "dead_letters": self.dead_letters.commit(), **table}
        return {
            "records": self.n_records,
            "dead_letters": self.n_dead_letters,
            "formats": dict(sorted(self.formats.items())),
            "dead_letter_stages": dict(sorted(self.stages.items())),
            "dead_letter_types": dict(sorted(self.error_types.items())),
            "checks_failed": dict(sorted(self.failed_checks.items())),
            "records_failing_checks": self.records_failing_checks,
            "workers": dict(sorted(self.workers.items())),
            "files": {k: [os.path.basename(p) for p in v] if isinstance(v, list) else os.path.basename(v)
                      for k, v in files.items()},
        }

    def abort(self) -> None:
        """Remove every partial file."""
        self.table.abort()
        self.records.abort()
        self.dead_letters.abort()

    def __enter__(self) -> RunFilesWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.abort()


def write_summary(directory: str, summary: dict[str, Any]) -> str:
    """Write ``summary.json`` (indented, UTF-8) and return its path."""
    path = join(directory, SUMMARY)
    write_atomic(path, orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n")
    return path


def iter_jsonl(paths: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Every JSON object in the given JSON Lines files, in order."""
    for path in paths:
        for line in read_bytes(path).splitlines():
            if line.strip():
                yield orjson.loads(line)


def output_files(directory: str, prefix: str) -> list[str]:
    """The shards of one output (``records`` or ``dead-letters``) in ``directory``, sorted."""
    from apache_beam.io.filesystems import FileSystems

    (result,) = FileSystems.match([join(directory, f"{prefix}-*-of-*.jsonl")])
    return sorted(m.path for m in result.metadata_list)
