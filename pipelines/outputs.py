"""What ``nianbao run`` writes: staged shards, JSON Lines shards, the flat table, the summary.

The pipeline's only sink stages its outcomes in shard files, one per bundle,
committed atomically when the bundle finishes (:class:`StagedOutcome`, three
lines per document: its URI, a header with the kind, worker, flat-table row
and failing checks, and the record or dead letter exactly as
:func:`nianbao.record.dumps` writes it). The launcher then merges the shards
through one :class:`OutputWriter`, keeping one outcome per input URI in input
order (a runner that re-executes an element may stage it twice; never is it
written twice), into::

    records-00000-of-0000N.jsonl       one record per line (docs/record.md)
    dead-letters-00000-of-0000N.jsonl  one dead letter per unreadable document
    reports.parquet                    the flat table: one row per record
    reports.csv                        the same table, UTF-8 with BOM for Excel
    summary.json                       counts, timings, outputs

The flat table's columns are :data:`nianbao.table.COLUMNS` (derived from the
template); nothing here spells a record key.
Everything in this module is a pure function or a plain writer, reused by the
benchmarks' plain loop and by the tests.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from nianbao.record import dumps
from nianbao.table import arrow_schema, flat_row, header, rows_to_batch

RECORDS = "records"
DEAD_LETTERS = "dead-letters"
TABLE_PARQUET = "reports.parquet"
TABLE_CSV = "reports.csv"
SUMMARY = "summary.json"
#: One line per cross-year check (nianbao.pipelines.crossyear).
CROSS_CHECKS = "cross-checks.jsonl"
REPORT = "report.html"  # written by nianbao.pipelines.report from the files above
#: Lines per JSON Lines shard.
SHARD_LINES = 50_000
#: Rows per Parquet record batch.
BATCH_ROWS = 10_000

RECORD = "record"
DEAD_LETTER = "dead_letter"


# --------------------------------------------------------------------------
# The flat table (its columns are nianbao.table's)
# --------------------------------------------------------------------------


def _csv_cell(value: Any) -> Any:
    return "" if value is None else value


_CSV = threading.local()  # one buffer and writer per thread: DoFns may run on several threads


def csv_line(row: list[Any]) -> str:
    """A flat-table row as one CSV line (``\\r\\n``-terminated), as the table's CSV writer writes it."""
    state = getattr(_CSV, "state", None)
    if state is None:
        buffer = io.StringIO()
        state = _CSV.state = (buffer, csv.writer(buffer))
    buffer, writer = state
    buffer.seek(0)
    buffer.truncate()
    writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def warm_up() -> None:
    """Pay pyarrow's one-off lazy imports (pandas, on the first ``pa.array`` of a list) ahead of the merge."""
    import pyarrow as pa

    pa.array([0], type=pa.int64())


# --------------------------------------------------------------------------
# Staged outcomes: what the pipeline's sink writes, three lines per document
# --------------------------------------------------------------------------

#: Staged shard names: ``.part`` while its bundle runs, ``.shard`` once committed; beside a shard, its
#: records' flat-table rows as Arrow IPC fragments ``<shard name>.<k>.arrow`` of up to FRAGMENT_ROWS rows.
PART, SHARD, FRAGMENT = ".part", ".shard", ".arrow"
FRAGMENT_ROWS = 10_000


@dataclass(frozen=True, slots=True)
class StagedOutcome:
    """One document's outcome in output form: the JSON body plus what the merge needs without parsing it."""

    uri: str
    kind: str  # RECORD | DEAD_LETTER
    body: bytes  # the record or dead letter, as nianbao.record.dumps writes it
    worker: str = ""
    format: str | None = None
    stage: str | None = None  # dead letters: error stage
    error_type: str | None = None  # dead letters: error type
    row: list[Any] | None = None  # records: the flat-table row
    failed_checks: dict[str, int] = field(default_factory=dict)  # records: failing results per rule
    csv: str | None = None  # records: the row as a CSV line, rendered where the record was made
    sha256: str | None = None  # the input bytes' SHA-256 (source.sha256; None: the file could not be read)


def stage_record(record: dict[str, Any], *, worker: str = "") -> StagedOutcome:
    """A record ready to stage or write: JSON body, flat row, failing checks per rule."""
    failed = Counter(check["rule"] for check in record.get("checks", ()) if not check.get("ok"))
    row = flat_row(record)
    return StagedOutcome(uri=record["source"]["uri"], kind=RECORD, body=dumps(record), worker=worker,
                         format=record["source"].get("format"), row=row, failed_checks=dict(failed),
                         csv=csv_line(row), sha256=record["source"].get("sha256"))


def stage_dead_letter(letter: dict[str, Any], *, worker: str = "") -> StagedOutcome:
    """A dead letter ready to stage or write."""
    error = letter["error"]
    return StagedOutcome(uri=letter["source"]["uri"], kind=DEAD_LETTER, body=dumps(letter), worker=worker,
                         format=letter["source"].get("format"), stage=error.get("stage"),
                         error_type=error.get("type"), sha256=letter["source"].get("sha256"))


def encode_staged(staged: StagedOutcome, *, ordinal: int = -1, with_row: bool = True) -> bytes:
    """Three lines: ``[uri, ordinal, sha256]``, a header, the body. JSON never holds a raw newline.

    ``ordinal`` is the record's row in its shard's Arrow fragments (-1: none);
    a sink that writes fragments leaves the row out of the header (``with_row=False``).
    """
    head = {"kind": staged.kind, "worker": staged.worker, "format": staged.format, "stage": staged.stage,
            "error_type": staged.error_type, "row": staged.row if with_row else None,
            "failed_checks": staged.failed_checks, "csv": staged.csv}
    key = orjson.dumps([staged.uri, ordinal, staged.sha256])
    return b"".join((key, b"\n", orjson.dumps(head), b"\n", staged.body, b"\n"))


def decode_staged(data: bytes) -> StagedOutcome:
    """Read back what :func:`encode_staged` wrote."""
    key_line, head_line, body = data.split(b"\n", 2)
    head = orjson.loads(head_line)
    key = orjson.loads(key_line)
    return StagedOutcome(uri=key[0], kind=head["kind"], body=body.rstrip(b"\n"),
                         worker=head["worker"], format=head["format"], stage=head["stage"],
                         error_type=head["error_type"], row=head["row"], failed_checks=head["failed_checks"] or {},
                         csv=head.get("csv"), sha256=key[2] if len(key) > 2 else None)


def index_shard(handle: IO[bytes]) -> Iterator[tuple[str, int, int, int, str | None]]:
    """``(uri, ordinal, offset, length, sha256)`` of every staged outcome in a shard, parsing only the first lines.

    A last outcome cut short (a shard that was not committed whole) is left out.
    """
    offset = 0
    while True:
        key_line = handle.readline()
        head_line = handle.readline()
        body_line = handle.readline()
        if not body_line.endswith(b"\n"):
            return
        length = len(key_line) + len(head_line) + len(body_line)
        key = orjson.loads(key_line)
        yield key[0], key[1], offset, length, key[2] if len(key) > 2 else None
        offset += length


def fragment_name(shard_name: str, number: int) -> str:
    """The name of a shard's ``number``-th Arrow fragment: ``<shard name>.<number>.arrow``."""
    return f"{shard_name}.{number:04d}{FRAGMENT}"


def write_fragment(path: str, rows: list[list[Any]]) -> None:
    """Write flat-table rows as an Arrow IPC file, atomically (see :func:`write_atomic`)."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    batch = rows_to_batch(rows)
    with pa.ipc.new_file(sink, batch.schema) as writer:
        writer.write_batch(batch)
    write_atomic(path, sink.getvalue().to_pybytes())


def read_fragments(paths: list[str]) -> Any:
    """A shard's fragments, in order, as one Arrow table (memory-mapped, nothing copied)."""
    import pyarrow as pa

    tables = [pa.ipc.open_file(pa.memory_map(path)).read_all() for path in paths]
    if not tables:
        return pa.Table.from_batches([], schema=arrow_schema())
    return pa.concat_tables(tables)


# --------------------------------------------------------------------------
# Files: local or any Beam filesystem, each written under a temporary name
# --------------------------------------------------------------------------


def is_local(path: str) -> bool:
    """Whether ``path`` is on the local filesystem (no ``scheme://``)."""
    return "://" not in path or path.startswith("file://")


def join(directory: str, name: str) -> str:
    """``directory/name`` for local paths and URLs alike."""
    if is_local(directory):
        return os.path.join(directory, name)
    return directory.rstrip("/") + "/" + name


def write_atomic(path: str, data: bytes) -> None:
    """Write ``data`` so that readers see the old file or the whole new one, never a part.

    Locally: a uniquely named temporary file beside the target, then
    ``os.replace``. Object stores (gs://, s3://) commit an object only when it
    is closed, which is already atomic.
    """
    if is_local(path):
        tmp = f"{path}.{uuid.uuid4().hex}.tmp"
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        return
    from apache_beam.io.filesystems import FileSystems

    with FileSystems.create(path) as handle:
        handle.write(data)


def read_bytes(path: str) -> bytes:
    """The bytes of a local file or of any Beam filesystem object."""
    if is_local(path):
        with open(path, "rb") as handle:
            return handle.read()
    from apache_beam.io.filesystems import CompressionTypes, FileSystems

    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return handle.read()


class _Target:
    """A file being written under a temporary name, renamed into place by :meth:`commit`."""

    def __init__(self, directory: str, name: str) -> None:
        self.directory = directory
        self.name = name
        self.tmp = join(directory, f".{name}.{uuid.uuid4().hex}.tmp")
        if is_local(directory):
            self.handle: IO[bytes] = open(self.tmp, "wb")  # noqa: SIM115 (closed in commit/abort)
        else:
            from apache_beam.io.filesystems import CompressionTypes, FileSystems

            self.handle = FileSystems.create(self.tmp, compression_type=CompressionTypes.UNCOMPRESSED)

    def commit(self, name: str | None = None) -> str:
        self.handle.close()
        final = join(self.directory, name or self.name)
        if is_local(self.directory):
            os.replace(self.tmp, final)
        else:
            from apache_beam.io.filesystems import FileSystems

            FileSystems.rename([self.tmp], [final])
        return final

    def abort(self) -> None:
        self.handle.close()
        try:
            if is_local(self.directory):
                os.remove(self.tmp)
            else:
                from apache_beam.io.filesystems import FileSystems

                FileSystems.delete([self.tmp])
        except OSError:
            pass


class _Shards:
    """JSON Lines written in shards of at most ``per_shard`` lines, named ``prefix-00000-of-0000N.jsonl``."""

    def __init__(self, directory: str, prefix: str, per_shard: int) -> None:
        self.directory, self.prefix, self.per_shard = directory, prefix, per_shard
        self.done: list[_Target] = []
        self.current: _Target | None = None
        self.lines = 0

    def write(self, line: bytes) -> None:
        if self.current is None or self.lines >= self.per_shard:
            if self.current is not None:
                self.done.append(self.current)
            self.current = _Target(self.directory, f"{self.prefix}-{len(self.done):05d}.jsonl")
            self.lines = 0
        self.current.handle.write(line + b"\n")
        self.lines += 1

    def commit(self) -> list[str]:
        if self.current is None:  # an empty output is still one (empty) shard: globs find it
            self.current = _Target(self.directory, f"{self.prefix}-00000.jsonl")
        targets = [*self.done, self.current]
        total = len(targets)
        return [t.commit(f"{self.prefix}-{i:05d}-of-{total:05d}.jsonl") for i, t in enumerate(targets)]

    def abort(self) -> None:
        for target in [*self.done, *([self.current] if self.current else [])]:
            target.abort()


def clear_outputs(directory: str) -> None:
    """Delete the outputs of an earlier run in ``directory`` (only files this module names)."""
    from apache_beam.io.filesystems import FileSystems

    patterns = [join(directory, f"{RECORDS}-*.jsonl"), join(directory, f"{DEAD_LETTERS}-*.jsonl"),
                join(directory, TABLE_PARQUET), join(directory, TABLE_CSV), join(directory, SUMMARY),
                join(directory, CROSS_CHECKS), join(directory, REPORT)]
    stale = [m.path for result in FileSystems.match(patterns) for m in result.metadata_list]
    if stale:
        FileSystems.delete(stale)


def take_rows(refs: list[tuple[Any, int]]) -> Any:
    """The table of rows ``refs`` names (``(table, row)`` pairs), in the order given: one ``take`` per table."""
    import pyarrow as pa

    by_table: dict[int, tuple[Any, list[int], list[int]]] = {}
    for position, (table, row) in enumerate(refs):
        entry = by_table.setdefault(id(table), (table, [], []))
        entry[1].append(row)
        entry[2].append(position)
    pieces, positions = [], []
    for table, rows, where in by_table.values():
        pieces.append(table.take(pa.array(rows, type=pa.int64())))
        positions.extend(where)
    combined = pa.concat_tables(pieces)
    inverse = [0] * len(positions)
    for index, position in enumerate(positions):
        inverse[position] = index
    return combined.take(pa.array(inverse, type=pa.int64()))


class OutputWriter:
    """Writes outcomes to the final outputs and counts them for the summary.

    ``add`` takes :class:`StagedOutcome` objects in the order they should
    appear; ``close`` commits every file (JSON Lines shards, Parquet, CSV) and
    returns the counting part of the summary. Use as a context manager: an
    exception aborts and removes the partial files.
    """

    def __init__(self, directory: str, *, labels: str = "key", shard_lines: int = SHARD_LINES) -> None:
        import pyarrow.parquet as pq

        self.directory = directory
        if is_local(directory):
            os.makedirs(directory, exist_ok=True)
        self.records = _Shards(directory, RECORDS, shard_lines)
        self.dead_letters = _Shards(directory, DEAD_LETTERS, shard_lines)
        self.schema = arrow_schema()
        self._parquet_target = _Target(directory, TABLE_PARQUET)
        self._parquet = pq.ParquetWriter(self._parquet_target.handle, self.schema, compression="zstd")
        self._csv_target = _Target(directory, TABLE_CSV)
        self._csv_text = io.TextIOWrapper(self._csv_target.handle, encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._csv_text)
        self._csv.writerow(header(labels))
        self._batch: list[list[Any]] = []
        self._refs: list[tuple[Any, int]] = []  # (fragment table, row) per record, when rows were staged apart
        self.formats: Counter[str] = Counter()
        self.stages: Counter[str] = Counter()
        self.error_types: Counter[str] = Counter()
        self.failed_checks: Counter[str] = Counter()
        self.workers: Counter[str] = Counter()
        self.n_records = self.n_dead_letters = self.records_failing_checks = 0

    def add(self, staged: StagedOutcome, *, table: Any = None, ordinal: int = -1) -> None:
        """Write one outcome; its table row is ``staged.row``, or row ``ordinal`` of the Arrow ``table``."""
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
        if table is not None and ordinal >= 0:
            if staged.csv is None:
                raise ValueError(f"staged record {staged.uri} has a table row but no CSV line")
            self._csv_text.write(staged.csv)
            self._refs.append((table, ordinal))
        else:
            row = staged.row if staged.row is not None else flat_row(orjson.loads(staged.body))
            self._csv_text.write(staged.csv if staged.csv is not None else csv_line(row))
            self._batch.append(row)
        if len(self._batch) + len(self._refs) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._batch and self._refs:
            raise ValueError("an OutputWriter takes table rows either as lists or from fragments, not both")
        if self._batch:
            self._parquet.write_batch(rows_to_batch(self._batch))
            self._batch.clear()
        elif self._refs:
            self._parquet.write_table(take_rows(self._refs))
            self._refs.clear()

    def close(self) -> dict[str, Any]:
        """Commit every output file; the counts and file names for the summary."""
        self._flush()
        self._parquet.close()
        self._csv_text.flush()
        self._csv_text.detach()
        files = {
            "records": self.records.commit(),
            "dead_letters": self.dead_letters.commit(),
            "parquet": self._parquet_target.commit(),
            "csv": self._csv_target.commit(),
        }
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
        for closer in (self._parquet.close, self._csv_text.flush):
            with contextlib.suppress(Exception):  # already broken: we are cleaning up
                closer()
        self.records.abort()
        self.dead_letters.abort()
        self._parquet_target.abort()
        self._csv_target.abort()

    def __enter__(self) -> OutputWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.abort()


def write_summary(directory: str, summary: dict[str, Any]) -> str:
    """Write ``summary.json`` (indented, UTF-8) and return its path."""
    path = join(directory, SUMMARY)
    write_atomic(path, orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n")
    return path


# --------------------------------------------------------------------------
# Reading outputs back (tests, downstream scripts)
# --------------------------------------------------------------------------


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
