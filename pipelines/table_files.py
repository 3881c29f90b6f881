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
import threading
from typing import Any

from nianbao.flat_table import arrow_schema, header, rows_to_batch

from .storage import PendingFile

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


class TableFiles:
    """``reports.parquet`` and ``reports.csv`` in ``directory``, written row by row and committed together."""

    def __init__(self, directory: str, *, labels: str = "key") -> None:
        import pyarrow.parquet as pq

        self._parquet_target = PendingFile(directory, TABLE_PARQUET)
        self._parquet = pq.ParquetWriter(self._parquet_target.handle, arrow_schema(), compression="zstd")
        self._csv_target = PendingFile(directory, TABLE_CSV)
        self._csv_text = io.TextIOWrapper(self._csv_target.handle, encoding="utf-8-sig", newline="")
        csv.writer(self._csv_text).writerow(header(labels))
        self._batch: list[list[Any]] = []
        self._refs: list[tuple[Any, int]] = []  # (fragment table, row) per record, when rows were staged apart

    def add_row(self, row: list[Any], csv_text: str | None = None) -> None:
        """One row as a list (its CSV line rendered here unless given)."""
        self._csv_text.write(csv_text if csv_text is not None else csv_line(row))
        self._batch.append(row)
        self._maybe_flush()

    def add_fragment_row(self, table: Any, ordinal: int, csv_text: str) -> None:
        """Row ``ordinal`` of the Arrow ``table`` (a staged fragment), with its CSV line."""
        self._csv_text.write(csv_text)
        self._refs.append((table, ordinal))
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self._batch) + len(self._refs) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._batch and self._refs:
            raise ValueError("the flat table takes rows either as lists or from fragments, not both")
        if self._batch:
            self._parquet.write_batch(rows_to_batch(self._batch))
            self._batch.clear()
        elif self._refs:
            self._parquet.write_table(take_rows(self._refs))
            self._refs.clear()
        _release_unused()

    def close(self) -> dict[str, str]:
        """Commit both files; their paths as ``{"parquet": …, "csv": …}``."""
        self._flush()
        self._parquet.close()
        self._csv_text.flush()
        self._csv_text.detach()
        return {"parquet": self._parquet_target.commit(), "csv": self._csv_target.commit()}

    def abort(self) -> None:
        """Remove both partial files."""
        for closer in (self._parquet.close, self._csv_text.flush):
            with contextlib.suppress(Exception):  # already broken: we are cleaning up
                closer()
        self._parquet_target.abort()
        self._csv_target.abort()
