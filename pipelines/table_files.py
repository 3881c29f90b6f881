"""The flat table's files: ``reports.parquet`` and ``reports.csv`` (UTF-8 with BOM, for Excel).

One row per record; the columns are :data:`nianbao.flat_table.COLUMNS` (derived from
the template), so nothing here spells a record key. A row arrives as a list, or as a
row of an Arrow fragment a worker staged (:mod:`.staging`), with its CSV line rendered
where the record was made.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import threading
from typing import Any

import orjson

from nianbao.flat_table import arrow_schema, header, rows_to_batch

from .storage import PendingFile, is_local

TABLE_PARQUET = "reports.parquet"
TABLE_CSV = "reports.csv"
#: Rows per Parquet record batch.
BATCH_ROWS = 10_000


_CSV = threading.local()  # one buffer and writer per thread: DoFns may run on several threads


def csv_line(row: list[Any]) -> str:
    """A flat-table row as one CSV line (``\\r\\n``-terminated), as :class:`TableFiles` writes it."""
    state = getattr(_CSV, "state", None)
    if state is None:
        buffer = io.StringIO()
        state = _CSV.state = (buffer, csv.writer(buffer))
    buffer, writer = state
    buffer.seek(0)
    buffer.truncate()
    writer.writerow(row)  # the csv module writes None as an empty field
    return buffer.getvalue()


def warm_up() -> None:
    """Pay pyarrow's one-off lazy imports (pandas, on the first ``pa.array`` of a list) ahead of the merge."""
    import pyarrow as pa

    pa.array([0], type=pa.int64())


def take_rows(refs: list[tuple[Any, int]]) -> Any:
    """The table of rows ``refs`` names (``(table, row)`` pairs), in the order given.

    Consecutive refs to one table are taken together, a run of consecutive rows as a slice (no copy):
    the merge reads a chunk of the listing's outcomes from one shard, in order, so a batch is mostly
    a few slices of memory-mapped fragments, copied once, into one contiguous table.
    """
    import pyarrow as pa

    pieces: list[Any] = []
    start = 0
    for end in range(1, len(refs) + 1):
        if end < len(refs) and refs[end][0] is refs[start][0]:
            continue
        table, rows = refs[start][0], [row for _, row in refs[start:end]]
        if rows == list(range(rows[0], rows[0] + len(rows))):
            pieces.append(table.slice(rows[0], len(rows)))
        else:
            pieces.append(table.take(pa.array(rows, type=pa.int64())))
        start = end
    return pa.concat_tables(pieces)  # written as it is: the Parquet bytes are the same as from one contiguous table


def _release_unused() -> None:
    """Give the memory of a written batch back: Arrow's allocator (mimalloc) keeps freed pages otherwise,
    and the launcher's resident memory would stay at its peak for the rest of the run."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


class ParquetProcess:
    """``reports.parquet`` written in a process of its own (``python -m nianbao.pipelines.table_files PATH``).

    A Parquet file's footer describes every row group and column chunk (with their statistics), and the
    writer holds it in memory until the file is closed: about 0.2 MB per row group of the flat table's 246
    columns, 20 MB at a million records, and as much again while it is serialised at the end. In the
    launcher that was the one part of its memory that followed the input count. Here it costs the
    launcher nothing, nor do the fragments' mapped pages and the batches: the launcher sends, per batch,
    which rows of which staged fragment files to take (:meth:`write_refs`) or, for rows given as lists,
    the batch as Arrow IPC (:meth:`write_rows`); the process maps the fragments (the last
    :data:`MAPPED`), assembles the batch as :func:`take_rows` does and writes it: the file is byte for
    byte the one the launcher wrote itself. A failure is an ``OSError`` whose message is the process's
    last line (a full disk: ``[Errno 28] No space left on device``).
    """

    def __init__(self, path: str) -> None:
        import subprocess
        import sys
        import tempfile

        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close/abort)
        self._process = subprocess.Popen([sys.executable, "-m", "nianbao.pipelines.table_files", path],
                                         stdin=subprocess.PIPE, stderr=self._errors, bufsize=1 << 16)

    def write_refs(self, refs: list[tuple[str, int]]) -> None:
        """One batch: row ``r`` of the fragment file ``f`` for each ``(f, r)``, in order."""
        self._send(_REFS, orjson.dumps(_runs(refs)))

    def write_rows(self, rows: list[list[Any]]) -> None:
        """One batch of rows as lists."""
        import pyarrow as pa

        batch = rows_to_batch(rows)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, batch.schema) as writer:
            writer.write_batch(batch)
        self._send(_ROWS, sink.getvalue().to_pybytes())

    def _send(self, kind: bytes, payload: bytes) -> None:
        try:
            self._process.stdin.write(kind + len(payload).to_bytes(8, "little") + payload)
        except BrokenPipeError:  # the process failed: say why
            self._process.wait()
            raise OSError(self._last_line()) from None

    def _last_line(self) -> str:
        self._errors.seek(0)
        lines = self._errors.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"the Parquet process exited with {self._process.returncode}"

    def close(self) -> None:
        """Write the footer and wait for the file to be whole."""
        self._send(_END, b"")
        with contextlib.suppress(BrokenPipeError):
            self._process.stdin.close()
        if self._process.wait() != 0:
            raise OSError(self._last_line())
        self._errors.close()

    def abort(self) -> None:
        """Stop the process, if it still runs."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        self._errors.close()


def _table(batch: Any) -> Any:
    import pyarrow as pa

    return pa.Table.from_batches([batch])


#: Kinds of :class:`ParquetProcess`'s messages: rows of fragment files, a batch as Arrow IPC, the end.
_REFS, _ROWS, _END = b"f", b"a", b"e"
#: Fragment files the Parquet process keeps memory-mapped (a fragment's touched pages count in its RSS).
MAPPED = 4


def _runs(refs: list[tuple[str, int]]) -> list[list[Any]]:
    """``(fragment file, row)`` refs as ``[file, [rows]]`` runs of one file each, in order."""
    runs: list[list[Any]] = []
    for path, row in refs:
        if runs and runs[-1][0] == path:
            runs[-1][1].append(row)
        else:
            runs.append([path, [row]])
    return runs


class _ParquetSink:
    """Batches into one Parquet file: rows of fragment files (memory-mapped, the last :data:`MAPPED`) or tables."""

    def __init__(self, path: str) -> None:
        import pyarrow.parquet as pq

        self._writer = pq.ParquetWriter(path, arrow_schema(), compression="zstd")
        self._mapped: dict[str, Any] = {}  # insertion order: least recently used first

    def _fragment(self, name: str) -> Any:
        import pyarrow as pa

        table = self._mapped.pop(name, None)
        if table is None:
            if len(self._mapped) >= MAPPED:
                del self._mapped[next(iter(self._mapped))]
            table = pa.ipc.open_file(pa.memory_map(name)).read_all()
        self._mapped[name] = table
        return table

    def write_runs(self, runs: list[list[Any]]) -> None:
        self.write(take_rows([(self._fragment(name), row) for name, rows in runs for row in rows]))

    def write(self, table: Any) -> None:
        self._writer.write_table(table)
        del table
        _release_unused()

    def close(self) -> None:
        self._writer.close()
        self._mapped.clear()


def _parquet_main(path: str) -> None:
    """The process behind :class:`ParquetProcess`: batches from standard input to ``path``."""
    import signal
    import sys

    import pyarrow as pa

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the launcher stops this process itself
    source = sys.stdin.buffer
    sink = _ParquetSink(path)
    while True:
        head = source.read(9)
        if len(head) < 9:
            raise SystemExit("the run ended before the flat table was whole")
        kind, size = head[:1], int.from_bytes(head[1:], "little")
        payload = source.read(size)
        if kind == _END:
            break
        if kind == _ROWS:
            sink.write(pa.ipc.open_stream(payload).read_all())
        else:
            sink.write_runs(orjson.loads(payload))
    sink.close()


class TableFiles:
    """``reports.parquet`` and ``reports.csv`` in ``directory``, written row by row and committed together.

    The CSV is written here; the Parquet file by a :class:`ParquetProcess` (into the file's temporary name,
    or, for an output that is not local, into a local temporary file copied into place at the end), started
    with the first whole batch: a table of one batch (fewer than :data:`BATCH_ROWS` rows) is written here, at
    the end, the same bytes without a process's start-up (a small run's merge takes a fraction of a second).
    """

    def __init__(self, directory: str, *, labels: str = "key") -> None:
        import tempfile

        self._parquet_target = PendingFile(directory, TABLE_PARQUET)
        self._local: str | None = None
        if not is_local(directory):
            handle, self._local = tempfile.mkstemp(prefix="nianbao-", suffix=".parquet")
            os.close(handle)
        self._parquet: ParquetProcess | None = None  # started at the first whole batch
        self._csv_target = PendingFile(directory, TABLE_CSV)
        self._csv_text = io.TextIOWrapper(self._csv_target.handle, encoding="utf-8-sig", newline="")
        csv.writer(self._csv_text).writerow(header(labels))
        self._batch: list[list[Any]] = []
        self._refs: list[tuple[str, int]] = []  # (fragment file, row) per record, when rows were staged apart

    def add_row(self, row: list[Any], csv_text: str | None = None) -> None:
        """One row as a list (its CSV line rendered here unless given)."""
        self._csv_text.write(csv_text if csv_text is not None else csv_line(row))
        self._batch.append(row)
        self._maybe_flush()

    def add_fragment_row(self, fragment: str, ordinal: int, csv_text: str) -> None:
        """Row ``ordinal`` of the Arrow IPC file ``fragment`` (a staged fragment, local), with its CSV line."""
        self._csv_text.write(csv_text)
        self._refs.append((fragment, ordinal))
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self._batch) + len(self._refs) >= BATCH_ROWS:
            self._flush()

    def _flush(self, *, last: bool = False) -> None:
        if self._batch and self._refs:
            raise ValueError("the flat table takes rows either as lists or from fragments, not both")
        path = self._local or self._parquet_target.tmp
        if last and self._parquet is None:  # the whole table is this batch (or nothing): written here
            sink = _ParquetSink(path)
            if self._batch:
                sink.write(_table(rows_to_batch(self._batch)))
            elif self._refs:
                sink.write_runs(_runs(self._refs))
            sink.close()
        elif self._batch or self._refs:
            if self._parquet is None:
                self._parquet = ParquetProcess(path)
            if self._batch:
                self._parquet.write_rows(self._batch)
                _release_unused()
            else:
                self._parquet.write_refs(self._refs)
        self._batch.clear()
        self._refs.clear()

    def close(self) -> dict[str, str]:
        """Commit both files; their paths as ``{"parquet": …, "csv": …}``."""
        self._flush(last=True)
        if self._parquet is not None:
            self._parquet.close()
        if self._local is not None:
            with open(self._local, "rb") as source:
                shutil.copyfileobj(source, self._parquet_target.handle, 1 << 20)
            os.remove(self._local)
        self._csv_text.flush()
        self._csv_text.detach()
        return {"parquet": self._parquet_target.commit(), "csv": self._csv_target.commit()}

    def abort(self) -> None:
        """Remove both partial files."""
        if self._parquet is not None:
            self._parquet.abort()
        with contextlib.suppress(Exception):  # already broken: we are cleaning up
            self._csv_text.flush()
        if self._local is not None:
            with contextlib.suppress(OSError):
                os.remove(self._local)
        self._parquet_target.abort()
        self._csv_target.abort()


if __name__ == "__main__":  # python -m nianbao.pipelines.table_files PATH (ParquetProcess)
    import sys

    _parquet_main(sys.argv[1])
