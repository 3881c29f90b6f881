"""Staged outcomes: what the pipeline's sink writes per bundle, and the launcher's merge reads back.

A staged shard holds three lines per document: its ``[uri, ordinal, sha256, rest]``, a header
(kind, worker, format, dead-letter stage and type, failing checks per rule, the
flat-table row as a CSV line, the record's cross-year facts) and the record or dead letter exactly as
:func:`nianbao.record.dumps` writes it, followed on a record's line by a tab and its entry in
``report.html`` (:mod:`.page_entry`; a shard staged by an older nianbao has none). Beside a shard, its
records' flat-table rows as Arrow IPC fragments, so the merge assembles the Parquet table by columns.
The failing checks of a record are counted here, once, where it is staged; the
summary's ``checks_failed`` adds up these counts (:class:`~.run_files.RunFilesWriter`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from nianbao.agency import Aliases
from nianbao.crossyear import keyed_facts
from nianbao.flat_table import flat_row, rows_to_batch
from nianbao.record import dumps

from . import page_entry
from .storage import write_atomic
from .table_files import csv_line

RECORD = "record"
DEAD_LETTER = "dead_letter"

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
    facts: list[Any] | None = None  # records: [agency key, cross-year facts]; [] no agency or year; None not staged
    page: bytes | None = None  # records: the entry in report.html (page_entry.encode); None: not staged


def stage_record(record: dict[str, Any], *, worker: str = "", aliases: Aliases | None = None) -> StagedOutcome:
    """A record ready to stage or write: JSON body, flat row, failing checks per rule, cross-year facts
    (:func:`nianbao.crossyear.keyed_facts`, agency names resolved through ``aliases``), its entry in the page."""
    failed: dict[str, int] = {}
    for check in record.get("checks", ()):
        if not check.get("ok"):
            rule = check["rule"]
            failed[rule] = failed.get(rule, 0) + 1
    row = flat_row(record)
    keyed = keyed_facts(record, aliases)
    return StagedOutcome(uri=record["source"]["uri"], kind=RECORD, body=dumps(record), worker=worker,
                         format=record["source"].get("format"), row=row, failed_checks=failed,
                         csv=csv_line(row), sha256=record["source"].get("sha256"),
                         facts=list(keyed) if keyed is not None else [], page=page_entry.encode(record))


def stage_dead_letter(letter: dict[str, Any], *, worker: str = "") -> StagedOutcome:
    """A dead letter ready to stage or write."""
    error = letter["error"]
    return StagedOutcome(uri=letter["source"]["uri"], kind=DEAD_LETTER, body=dumps(letter), worker=worker,
                         format=letter["source"].get("format"), stage=error.get("stage"),
                         error_type=error.get("type"), sha256=letter["source"].get("sha256"))


#: What follows a staged record's body on its line, before its entry in the page (JSON never holds a raw tab).
_PAGE = b"\t"


def encode_staged(staged: StagedOutcome, *, ordinal: int = -1, with_row: bool = True) -> bytes:
    """Three lines: ``[uri, ordinal, sha256, rest]``, a header, the body, and after the body, when the outcome
    has one, a tab and its entry in the page. JSON never holds a raw newline or tab (nor the entry's head).

    ``ordinal`` is the record's row in its shard's Arrow fragments (-1: none); ``rest`` is the length in
    bytes of the two lines after the first, so that the merge's index (:func:`index_shard`) reads the
    first line of each outcome and skips the rest without reading it.
    A sink that writes fragments leaves the row out of the header (``with_row=False``).
    """
    head = {"kind": staged.kind, "worker": staged.worker, "format": staged.format, "stage": staged.stage,
            "error_type": staged.error_type, "row": staged.row if with_row else None,
            "failed_checks": staged.failed_checks, "csv": staged.csv, "facts": staged.facts}
    head_line = orjson.dumps(head)
    if staged.page is None:
        key = orjson.dumps([staged.uri, ordinal, staged.sha256, len(head_line) + len(staged.body) + 2])
        return b"".join((key, b"\n", head_line, b"\n", staged.body, b"\n"))
    rest = len(head_line) + len(staged.body) + len(_PAGE) + len(staged.page) + 2
    key = orjson.dumps([staged.uri, ordinal, staged.sha256, rest])
    return b"".join((key, b"\n", head_line, b"\n", staged.body, _PAGE, staged.page, b"\n"))  # the body copied once


def decode_staged(data: bytes) -> StagedOutcome:
    """Read back what :func:`encode_staged` wrote."""
    key_line, head_line, rest = data.split(b"\n", 2)
    body, cut, page = rest.rstrip(b"\n").partition(_PAGE)
    head = orjson.loads(head_line)
    key = orjson.loads(key_line)
    return StagedOutcome(uri=key[0], kind=head["kind"], body=body, page=page if cut else None,
                         worker=head["worker"], format=head["format"], stage=head["stage"],
                         error_type=head["error_type"], row=head["row"], failed_checks=head["failed_checks"] or {},
                         csv=head.get("csv"), sha256=key[2] if len(key) > 2 else None, facts=head.get("facts"))


#: Bytes read at a time for the first line of a staged outcome (a path and a hash: about 200 bytes).
_KEY_BLOCK = 1024


def _line_end(handle: IO[bytes], start: int, end: int) -> int:
    """The offset just past the newline that ends the line starting at ``start``, or -1 (the file ends first)."""
    handle.seek(start)
    position = start
    while position < end:
        block = handle.read(min(1 << 16, end - position) if position > start else min(_KEY_BLOCK, end - position))
        if not block:
            return -1
        cut = block.find(b"\n")
        if cut >= 0:
            return position + cut + 1
        position += len(block)
    return -1


def index_shard(handle: IO[bytes]) -> Iterator[tuple[str, int, int, int, str | None]]:
    """``(uri, ordinal, offset, length, sha256)`` of every staged outcome in a shard, reading only the first
    line of each (its ``rest`` says where the next begins: the bodies are not read).

    A shard staged by an older nianbao (a first line without ``rest``) is read line by line. A last outcome
    cut short (a shard that was not committed whole) is left out. Open the file unbuffered: each first line
    is one small read.
    """
    end = handle.seek(0, os.SEEK_END)
    offset = 0
    while offset < end:
        key_end = _line_end(handle, offset, end)
        if key_end < 0:
            return
        handle.seek(offset)
        key = orjson.loads(handle.read(key_end - offset))
        if len(key) > 3:
            length = key_end - offset + key[3]
            if offset + length > end:
                return
        else:  # no rest: find the ends of the header and the body
            head_end = _line_end(handle, key_end, end)
            body_end = _line_end(handle, head_end, end) if head_end >= 0 else -1
            if body_end < 0:
                return
            length = body_end - offset
        yield key[0], key[1], offset, length, key[2] if len(key) > 2 else None
        offset += length


def fragment_name(shard_name: str, number: int) -> str:
    """The name of a shard's ``number``-th Arrow fragment: ``<shard name>.<number>.arrow``."""
    return f"{shard_name}.{number:04d}{FRAGMENT}"


def write_fragment(path: str, rows: list[list[Any]]) -> None:
    """Write flat-table rows as an Arrow IPC file, atomically (see :func:`~.storage.write_atomic`)."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    batch = rows_to_batch(rows)
    with pa.ipc.new_file(sink, batch.schema) as writer:
        writer.write_batch(batch)
    write_atomic(path, sink.getvalue().to_pybytes())


def fragment_starts(paths: list[str]) -> list[int]:
    """The shard ordinal of each fragment's first row (from the files' footers; no column is read)."""
    import pyarrow as pa

    starts, total = [], 0
    for path in paths:
        starts.append(total)
        with pa.memory_map(path) as source:
            reader = pa.ipc.open_file(source)
            total += sum(reader.get_batch(i).num_rows for i in range(reader.num_record_batches))
    return starts
