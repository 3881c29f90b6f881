"""The pipeline's composite transforms: match and read, parse, write outcomes.

One linear chain::

    Listing         Create(chunks of the input listing) → Reshuffle (the chunks, ~100 inputs each)
    Parse           → ParDo(ParseListedFn): (kind, record or dead letter) per input of a chunk
    WriteOutcomes   → ParDo(StageOutcomeFn): one staged shard (+ Arrow rows) per bundle;
                      emits (agency key, facts) per record that names an agency and a year
    CrossYear       → GroupByKey → ParDo(CrossYearFn): one agency's years checked, staged per bundle

The chain has no branches and its sinks are safe to re-execute, because
some runners (Beam 2.77's Dask runner) compute only the last sink of a graph,
do not split tagged outputs and may process an element twice. So
:class:`ParseFn` emits records and dead letters on its one output, tagged by
kind, and :class:`StageOutcomeFn` appends them to a shard that is committed
atomically when its bundle finishes: a failed bundle leaves nothing, a
re-executed element may be staged twice, and the launcher's merge
(:func:`nianbao.pipelines.run.merge`) keeps exactly one outcome per input. The
cross-year groups come after the outcomes in the same chain, so the last
transform depends on everything before it; a re-executed record adds its facts
twice, which :func:`nianbao.crossyear.cross_year_checks` counts once (by URI),
and the launcher keeps one staged group per agency
(:func:`nianbao.pipelines.crossyear.merge_cross_checks`).

DoFns live here, in the installed package, so every worker imports them by name.
Parsing goes through :func:`nianbao.parse.process_bytes`, the entry point the
CLI uses; this module imports no reader or extractor.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import apache_beam as beam
import orjson
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from nianbao.agency import Aliases
from nianbao.archive import is_archive, is_member, read_member
from nianbao.crossyear import cross_year_checks, keyed_facts
from nianbao.derive import Populations
from nianbao.errors import NianbaoError, PluginError, ReadError
from nianbao.host import PluginHost, build_host
from nianbao.limits import DEFAULT_LIMITS, Limits
from nianbao.parse import process_bytes
from nianbao.record import dead_letter, source_of

from .heap import tune_worker, untune_worker
from .listing import Chunk, open_input, read_chunk
from .staging import (
    DEAD_LETTER,
    FRAGMENT_ROWS,
    PART,
    RECORD,
    SHARD,
    encode_staged,
    fragment_name,
    stage_dead_letter,
    stage_record,
    write_fragment,
)
from .storage import is_local, join

_LOG = logging.getLogger(__name__)
NAMESPACE = "nianbao"
#: A staged shard's write buffer, and how long after its last flush an outcome staged flushes it again to the
#: ``.part`` file (where the launcher's progress counts them): one write a few outcomes, not one each. The
#: buffer is flushed at a commit too (closing the file, before its rename): resuming reads committed shards only.
STAGE_BUFFER = 1 << 16
FLUSH_INTERVAL = 0.25

#: One element between Parse and WriteOutcomes: ``(kind, record or dead letter)``.
Parsed = tuple[str, dict[str, Any]]


class MatchAndRead(beam.PTransform):
    """Files → one ``ReadableFile`` each, spread over the workers.

    ``files`` are glob patterns matched in the pipeline (``fileio.MatchAll``),
    or, with ``match=False``, paths the launcher has already matched with the
    same ``FileSystems.match`` (``nianbao run`` does: it needs the list first,
    and Beam compiles a regular expression per pattern, a cost per file).
    ``ReadMatches`` opens nothing yet (bytes are read in :class:`ParseFn`), so
    the ``Reshuffle`` that breaks fusion before parsing moves only file metadata.
    """

    def __init__(self, files: Sequence[str], *, match: bool = True) -> None:
        super().__init__()
        self.files = list(files)
        self.match = match

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        # Create redistributes patterns before matching (one listing per pattern, many workers); matched
        # files need no second shuffle before the Reshuffle below.
        files = pbegin | "Files" >> beam.Create(self.files, reshuffle=self.match)
        if self.match:
            files = files | "Match" >> fileio.MatchAll(fileio.EmptyMatchTreatment.ALLOW)
        return (
            files
            | "Read" >> fileio.ReadMatches(compression=CompressionTypes.UNCOMPRESSED, skip_directories=True)
            | "Spread" >> beam.Reshuffle()
        )


@lru_cache(maxsize=4)
def worker_host(plugins: tuple[str, ...]) -> PluginHost:
    """The plugin host of this worker process for a plugin selection, built once.

    Some runners call ``DoFn.setup`` once per bundle (Dask: per partition), so
    the host is cached per process here. Every named plugin must load: a
    worker without it fails with an install hint instead of writing records
    that differ from the launcher's.
    """
    host = build_host(entry_points=plugins)
    loaded = {info.name for info in host.infos if info.error is None}
    failed = {info.name: info.error for info in host.infos if info.error is not None}
    missing = [name for name in plugins if name not in loaded]
    if missing:
        details = "; ".join(failed.get(name) or f"{name!r} is not installed" for name in missing)
        raise PluginError(
            f"worker {socket.gethostname()}:{os.getpid()} cannot load plugin(s) {', '.join(missing)}: {details}. "
            "Install them on the workers (--requirements_file, --setup_file or --extra_package) "
            "or leave them out with --plugins.")
    return host


def read_failure(uri: str, exc: OSError | NianbaoError) -> dict[str, Any]:
    """The dead letter of an input whose bytes cannot be had at all (``stage`` ``read``): a file that
    cannot be opened, or an archive member refused (:mod:`nianbao.archive`)."""
    error = exc if isinstance(exc, NianbaoError) else ReadError(f"cannot open the file: {exc.strerror or exc}", uri=uri)
    source = {"uri": uri, "format": None, "reader": None, "sha256": None, "bytes": None}
    return dead_letter(source, error.to_error())


class ParseFn(beam.DoFn):
    """``ReadableFile`` → ``(kind, record or dead letter)`` through :func:`~nianbao.parse.process_bytes`.

    The plugin host is built in ``setup()`` (once per worker process, see
    :func:`worker_host`) from the ``plugins`` selection that travelled with the
    pipeline options; every document runs under the ``limits`` the launcher
    resolved. An unreadable document becomes a dead letter with its stage; an
    exception that escapes the parse entry point (a bug in a reader)
    is a backstop dead letter of stage ``read``, logged, never a lost document.
    """

    def __init__(self, plugins: Sequence[str] = (), limits: Limits | None = None) -> None:
        super().__init__()
        self.plugins = tuple(plugins)
        self.limits = limits or DEFAULT_LIMITS  # never the worker's environment: the launcher's, or the defaults
        self.host: PluginHost | None = None
        self._gc_before: tuple[int, ...] = ()
        self.documents = Metrics.counter(NAMESPACE, "documents")
        self.records = Metrics.counter(NAMESPACE, "records")
        self.dead_letters = Metrics.counter(NAMESPACE, "dead_letters")
        self.unexpected = Metrics.counter(NAMESPACE, "unexpected_errors")
        #: ``format.html`` …, ``dead_letters.read`` …: made once each (a counter is a name; the worker's current
        #: metrics container is looked up when it counts).
        self._named: dict[str, Any] = {}

    def setup(self) -> None:
        self.host = worker_host(self.plugins)
        self._gc_before = tune_worker()  # the parse allocates a great deal beside Beam's heap (pipelines.heap)

    def teardown(self) -> None:
        if self._gc_before:
            untune_worker(self._gc_before)

    def process(self, readable: fileio.ReadableFile) -> Iterator[Parsed]:
        uri = readable.metadata.path
        yield self.parse(uri, lambda: readable.open(compression_type=CompressionTypes.UNCOMPRESSED))

    def parse(self, uri: str, opener: Callable[[], Any]) -> Parsed:
        """One input's ``(kind, record or dead letter)``; ``opener()`` opens its bytes (not an archive member)."""
        self.documents.inc()
        try:
            if is_member(uri) or is_archive(uri):  # an archive's member, or an archive that could not be listed
                data = read_member(uri, open_input)
            else:
                with opener() as handle:
                    data = handle.read()
        except (OSError, NianbaoError) as exc:  # unreadable, or a member refused (a zip bomb, path traversal)
            return self._dead(read_failure(uri, exc))
        try:
            outcome = process_bytes(data, uri, host=self.host, limits=self.limits)
        except Exception as exc:  # the backstop: process_bytes should never raise for bad input
            _LOG.exception("unexpected error parsing %s", uri)
            self.unexpected.inc()
            error = {"stage": "read", "type": type(exc).__name__,
                     "message": f"unexpected error while parsing: {exc}"}
            return self._dead(dead_letter(source_of(data, uri), error))
        if outcome.record is None:
            assert outcome.dead_letter is not None
            return self._dead(outcome.dead_letter)
        record = outcome.record
        self.records.inc()
        self._counter(f"format.{record['source']['format']}").inc()
        return RECORD, record

    def _dead(self, letter: dict[str, Any]) -> Parsed:
        self.dead_letters.inc()
        self._counter(f"dead_letters.{letter['error']['stage']}").inc()
        return DEAD_LETTER, letter

    def _counter(self, name: str) -> Any:
        counter = self._named.get(name)
        if counter is None:
            counter = self._named[name] = Metrics.counter(NAMESPACE, name)
        return counter


class ParseListedFn(ParseFn):
    """A chunk of the input listing (:mod:`.listing`) → ``(kind, record or dead letter)`` per input in it.

    The worker reads the chunk's paths from the listing file and each input's bytes itself: one
    pipeline element per :data:`~.listing.CHUNK` inputs, not per input.
    """

    def process(self, chunk: Chunk) -> Iterator[Parsed]:
        for uri in read_chunk(chunk):
            yield self.parse(uri, functools.partial(open_input, uri))


class Parse(beam.PTransform):
    """``ReadableFile`` → ``(kind, record or dead letter)``: one output, exactly one element per document."""

    def __init__(self, plugins: Sequence[str] = (), limits: Limits | None = None) -> None:
        super().__init__()
        self.plugins = tuple(plugins)
        self.limits = limits

    def expand(self, files: beam.PCollection) -> beam.PCollection:
        return files | "ParseFn" >> beam.ParDo(ParseFn(self.plugins, self.limits))


def open_staged(staging: str, name: str, part: str, final: str) -> tuple[Any, str, str]:
    """``(handle, path written, committed path)`` of a staged file: ``name + part`` renamed to ``name + final``
    when committed locally; on object stores written under its final name, visible only once closed."""
    committed = join(staging, name + final)
    if is_local(staging):
        path = join(staging, name + part)
        return open(path, "wb", buffering=STAGE_BUFFER), path, committed  # closed when the bundle ends or fails
    return FileSystems.create(committed, compression_type=CompressionTypes.UNCOMPRESSED), committed, committed


def commit_staged(shard: tuple[Any, str, str]) -> None:
    """Close a staged file and give it its committed name."""
    handle, path, final = shard
    handle.close()
    if path != final:
        os.replace(path, final)


def discard_staged(shard: tuple[Any, str, str]) -> None:
    """Close and remove a staged file whose bundle failed: it must not count."""
    handle, path, final = shard
    with contextlib.suppress(Exception):
        handle.close()
        if path != final:
            os.remove(path)


class StageOutcomeFn(beam.DoFn):
    """Append each ``(kind, body)`` to this bundle's shard in ``staging``; commit it when the bundle ends.

    Locally the shard is written as ``<name>.part`` and renamed to
    ``<name>.shard`` in ``finish_bundle``; on object stores it is written
    under its final name, which becomes visible only when closed. Either way
    a bundle that fails leaves no committed shard, and one that is retried or
    re-executed commits another: the merge keeps one outcome per input. The
    records' flat-table rows go to Arrow fragments beside the shard (written
    before it is committed), so the merge assembles the Parquet table by
    columns. Each outcome's header names this worker (``host:pid``). With
    ``checkpoint`` seconds, the shard is also committed (and a new one begun)
    once it is that old, so a long bundle's work survives a worker or launcher
    killed mid-run: ``nianbao run`` resumes from the committed shards. Emits
    ``(agency key, facts)`` for each record that names an agency and a year
    (:func:`nianbao.crossyear.keyed_facts`), unless ``emit`` is off (nothing downstream). The shard is
    written through a buffer of :data:`STAGE_BUFFER` bytes, flushed by the first outcome staged
    :data:`FLUSH_INTERVAL` seconds after the last flush (for the launcher's progress) and when committed;
    the ``staged`` counter is updated at each commit with the outcomes the shard holds.
    """

    def __init__(self, staging: str, aliases: Aliases | None = None, populations: Populations | None = None, *,
                 prefix: str = "", checkpoint: float | None = None, emit: bool = True) -> None:
        super().__init__()
        self.staging = staging
        self.emit = emit  # yield (agency key, facts) for CrossYear; off when the checks run after the merge
        self.aliases = aliases or Aliases()
        self.populations = populations
        self.prefix = prefix  # the run's generation (nianbao.pipelines.resume.shard_prefix)
        self.checkpoint = checkpoint  # commit the shard after this many seconds, within a bundle too
        self._opened = 0.0
        self._flushed = 0.0  # when the shard's buffer was last flushed
        self._uncounted = 0  # outcomes staged since the "staged" counter was last updated (at a commit)
        self.worker = ""
        self._shard: tuple[Any, str, str] | None = None  # (handle, path written, committed path)
        self._name = ""
        self._rows: list[list[Any]] = []  # rows not yet in a fragment
        self._records = 0  # records in this bundle's shard
        self._fragments: list[str] = []
        self.written = Metrics.counter(NAMESPACE, "staged")

    def setup(self) -> None:
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        if is_local(self.staging):
            os.makedirs(self.staging, exist_ok=True)

    def start_bundle(self) -> None:
        self._shard, self._rows, self._records, self._fragments, self._uncounted = None, [], 0, [], 0

    def _open(self) -> tuple[Any, str, str]:
        self._opened = self._flushed = time.monotonic()
        self._name = f"{self.prefix}{os.getpid()}-{uuid.uuid4().hex}"
        return open_staged(self.staging, self._name, PART, SHARD)

    def _write_fragment(self) -> None:
        path = join(self.staging, fragment_name(self._name + SHARD, len(self._fragments)))
        write_fragment(path, self._rows)
        self._fragments.append(path)
        self._rows = []

    def process(self, element: Parsed) -> Iterator[tuple[str, dict[str, Any]]]:
        kind, body = element
        if self._shard is None:
            self._shard = self._open()
        if kind == RECORD:
            if self.populations is not None:
                self.populations.apply(body, self.aliases)
            staged = stage_record(body, worker=self.worker, aliases=self.aliases)
            data = encode_staged(staged, ordinal=self._records, with_row=False)
            self._rows.append(staged.row)
            self._records += 1
            if len(self._rows) >= FRAGMENT_ROWS:
                self._write_fragment()
        else:
            data = encode_staged(stage_dead_letter(body, worker=self.worker))
        handle = self._shard[0]
        handle.write(data)
        self._uncounted += 1
        now = time.monotonic()
        if now - self._flushed >= FLUSH_INTERVAL:
            handle.flush()  # progress is counted from the staged bytes: behind by what the buffer holds
            self._flushed = now
        if self.checkpoint is not None and now - self._opened >= self.checkpoint:
            self._commit()  # what is staged so far survives an interruption; the next outcome opens a new shard
        if kind == RECORD and self.emit and staged.facts:
            yield tuple(staged.facts)

    def finish_bundle(self) -> None:
        self._commit()

    def _commit(self) -> None:
        if self._shard is None:
            return
        if self._rows:
            self._write_fragment()
        shard, self._shard = self._shard, None
        self._records, self._fragments = 0, []
        commit_staged(shard)
        self.written.inc(self._uncounted)  # the counter counts committed outcomes, updated once a shard
        self._uncounted = 0

    def teardown(self) -> None:
        if self._shard is not None:  # the bundle failed: its partial shard must not count
            shard, self._shard = self._shard, None
            self._uncounted = 0
            discard_staged(shard)


class WriteOutcomes(beam.PTransform):
    """Stage every outcome in shards under ``staging``; the launcher merges them into the final outputs.

    Its output is each keyed record's ``(agency key, facts)``, for :class:`CrossYear`.
    """

    def __init__(self, staging: str, aliases: Aliases | None = None, populations: Populations | None = None, *,
                 prefix: str = "", checkpoint: float | None = None, emit: bool = True) -> None:
        super().__init__()
        self.staging = staging
        self.aliases = aliases
        self.populations = populations
        self.prefix, self.checkpoint, self.emit = prefix, checkpoint, emit

    def expand(self, parsed: beam.PCollection) -> beam.PCollection:
        return parsed | "Stage" >> beam.ParDo(StageOutcomeFn(self.staging, self.aliases, self.populations,
                                                             prefix=self.prefix, checkpoint=self.checkpoint,
                                                             emit=self.emit))


#: Staged cross-year groups: ``.crosswip`` while the bundle runs, ``.cross`` once committed.
CROSS_PART, CROSS = ".crosswip", ".cross"


def group_line(key: str, facts: Iterable[dict[str, Any]]) -> bytes:
    """One agency's staged cross-year line: ``{"key", "records", "lines"}`` (a re-executed record counted once)."""
    unique = {f["uri"]: f for f in facts}
    lines = cross_year_checks(unique.values())
    return orjson.dumps({"key": key, "records": len(unique), "lines": lines}) + b"\n"


def open_cross(staging: str) -> tuple[Any, str, str]:
    """A new staged cross-year file (see :func:`open_staged`)."""
    return open_staged(staging, f"{os.getpid()}-{uuid.uuid4().hex}", CROSS_PART, CROSS)


class CrossYearFn(beam.DoFn):
    """One agency's ``(key, facts)`` group → its cross-year lines, one staged JSON line per group.

    The checks are :func:`nianbao.crossyear.cross_year_checks`; this only stages
    ``{"key", "records", "lines"}`` in a file per bundle, committed when the bundle
    ends (as :class:`StageOutcomeFn`'s shards). Emits nothing.
    """

    def __init__(self, staging: str) -> None:
        super().__init__()
        self.staging = staging
        self._file: tuple[Any, str, str] | None = None
        self.groups = Metrics.counter(NAMESPACE, "agencies")

    def start_bundle(self) -> None:
        self._file = None

    def process(self, group: tuple[str, Iterable[dict[str, Any]]]) -> None:
        if self._file is None:
            self._file = open_cross(self.staging)
        self._file[0].write(group_line(*group))
        self.groups.inc()

    def finish_bundle(self) -> None:
        if self._file is not None:
            staged, self._file = self._file, None
            commit_staged(staged)

    def teardown(self) -> None:
        if self._file is not None:
            staged, self._file = self._file, None
            discard_staged(staged)


class CrossYear(beam.PTransform):
    """``(agency key, facts)`` → grouped by agency (a real ``GroupByKey``) → staged cross-year lines."""

    def __init__(self, staging: str) -> None:
        super().__init__()
        self.staging = staging

    def expand(self, keyed: beam.PCollection) -> beam.PCollection:
        return (keyed
                | "ByAgency" >> beam.GroupByKey()
                | "Check" >> beam.ParDo(CrossYearFn(self.staging)))


def build(pipeline: beam.Pipeline, chunks: Sequence[Chunk], staging: str, plugins: Sequence[str] = (), *,
          aliases: Aliases | None = None, populations: Populations | None = None,
          limits: Limits | None = None, prefix: str = "", checkpoint: float | None = None,
          cross_year: bool = True) -> None:
    """Apply the whole chain to ``pipeline``: read the listing's chunks, parse, write outcomes, check across years.

    ``chunks`` are elements of the run's listing (:meth:`~.listing.Listing.elements`), spread over
    the workers by one ``Reshuffle`` of the chunks, not of the inputs. ``prefix`` starts the staged
    shards' names (a resumable run's generation); ``checkpoint`` commits each worker's shard every
    that many seconds (see :class:`StageOutcomeFn`). ``cross_year=False`` leaves the cross-year checks
    out: a run in waves, or resumed, sees only part of the records in a pipeline, and checks them
    across years afterwards (:func:`nianbao.pipelines.crossyear.cross_year_local` or :func:`build_cross_year`).
    """
    keyed = (
        pipeline
        | "Listing" >> beam.Create(list(chunks), reshuffle=False)
        | "Spread" >> beam.Reshuffle()
        | "Parse" >> beam.ParDo(ParseListedFn(plugins, limits))
        | "WriteOutcomes" >> WriteOutcomes(staging, aliases, populations, prefix=prefix, checkpoint=checkpoint,
                                           emit=cross_year)
    )
    if cross_year:
        _ = keyed | "CrossYear" >> CrossYear(staging)


def facts_of_records(path: str, aliases: Aliases | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(agency key, facts)`` of every record in a written ``records-*.jsonl`` file, read line by line."""
    aliases = aliases or Aliases()
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        for line in handle:
            if line.strip():
                keyed = keyed_facts(orjson.loads(line), aliases)
                if keyed is not None:
                    yield keyed


def build_cross_year(pipeline: beam.Pipeline, record_files: Sequence[str], staging: str,
                     aliases: Aliases | None = None) -> None:
    """The cross-year checks over a run's final records (``records-*.jsonl``): for runs in waves or resumed.

    The records are the merged ones (one per input, the newest outcome), so every agency's group is whole.
    """
    (
        pipeline
        | "RecordFiles" >> beam.Create(list(record_files))
        | "Facts" >> beam.FlatMap(facts_of_records, aliases)
        | "CrossYear" >> CrossYear(staging)
    )


__all__ = ["CrossYear", "CrossYearFn", "MatchAndRead", "Parse", "ParseFn", "ParseListedFn", "StageOutcomeFn",
           "WriteOutcomes", "build",
           "build_cross_year", "facts_of_records", "worker_host"]
