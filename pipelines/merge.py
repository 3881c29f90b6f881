"""The merge: the staged outcomes written to the run's files, one outcome per input, in input order.

:class:`Outcomes` writes the outcome each input keeps (an :class:`~.staged.Entry`: where it lies in which
staged shard) through one :class:`~.run_files.RunFilesWriter`, and hands it to the plugin outputs, the
cross-year facts and the page. Two things drive it:

- :func:`merge`, after the pipeline: every committed shard is indexed and sorted by input path with an
  external sort (:func:`~.staged.sorted_entries`), joined with the listing, written. Other runners, remote
  staging, runs with plugin outputs and in-process workers merge this way.
- :class:`OverlappedMerge`, *during* the pipeline, on the local runner with worker processes: a thread of the
  launcher (idle while the workers parse) looks for shards as the workers commit them, indexes them, and
  writes the outcomes of the inputs in listing order as far as they are staged; when the pipeline ends only
  what the last shards hold is left. The local runner hands the chunks of the listing to its workers in
  listing order, in turn, so the outcomes arrive close to that order and the inputs waiting for an earlier
  one are few (at most :data:`WAITING` entries are held; past that, shards are indexed later, and what the
  pipeline's end leaves is sorted with the external sort, as :func:`merge` does).

Both choose the same outcome for every input and count the same: an input's outcome is its newest
generation's (a resumed run's outcome over an interrupted run's; inputs a resumed run does not parse keep
their staged outcome), the other copies are ``restaged``, staged paths that are not inputs ``unexpected``,
inputs without an outcome ``missing``. Within one generation the local runner stages each input once; were it
staged twice, :func:`merge` keeps the copy of the first shard by name and :class:`OverlappedMerge` the copy
committed first (the same bytes: parsing is deterministic; only the staging worker's name differs).
"""

from __future__ import annotations

import bisect
import itertools
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson

from nianbao.output import Outputs

from .crossyear import FactSorter
from .extsort import external_sort
from .listing import read_listing
from .report import ReportFeed
from .run_files import RunFilesWriter, clear_outputs, clear_pending
from .staged import RUN_ENTRIES, Entry, shard_entries, sorted_entries
from .staging import DEAD_LETTER, FRAGMENT, RECORD, SHARD, StagedOutcome, decode_staged, fragment_starts
from .storage import is_local, join

_LOG = logging.getLogger(__name__)

#: Shard files the merge keeps open at a time (the Parquet process maps the fragments, not the launcher:
#: :class:`~.table_files.ParquetProcess`).
_OPEN = 256
#: Staged entries the overlapped merge holds for inputs after the next one it writes (about 400 bytes each).
WAITING = 50_000
#: Seconds between two looks at the staging folder while the pipeline runs.
POLL = 0.25


def _cached(cache: OrderedDict[Any, Any], key: Hashable, opener: Callable[[Any], Any], *, close: bool = False,
            limit: int = _OPEN) -> Any:
    """``cache[key]``, opened on demand; the least recently used entry goes when there are ``limit``."""
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    if len(cache) >= limit:
        _, old = cache.popitem(last=False)
        if close:
            old.close()
    cache[key] = value = opener(key)
    return value


def _feed(plugin_outputs: Outputs, staged: StagedOutcome) -> None:
    """Hand one staged outcome to the plugin outputs, parsed once for all of them."""
    outcome = orjson.loads(staged.body)
    if staged.kind == DEAD_LETTER:
        plugin_outputs.write_dead_letter(outcome)
    else:
        plugin_outputs.write_record(outcome)


class Outcomes:
    """The writing side of a merge: the outcome each input keeps, written in the order given (:meth:`write`).

    ``shards`` are the staged shards (local paths) with their Arrow fragments, numbered as the entries name
    them; a merge that finds shards as they are committed appends them (:meth:`add_shard`). The final files
    replace an earlier run's only when :meth:`close` commits them; what an interrupted run left half-written
    (temporary files of a killed launcher) is removed first.
    """

    def __init__(self, output: str, *, labels: str = "key", plugin_outputs: Outputs | None = None,
                 facts: FactSorter | None = None, page: ReportFeed | None = None, local: bool = True) -> None:
        clear_pending(output)
        self.output = output
        self.writer = RunFilesWriter(output, labels=labels)
        self.plugin_outputs, self.facts, self.page = plugin_outputs, facts, page
        self.local = local  # the shards stay where they are until the run ends (else: copies in a scratch folder)
        self.shards: list[tuple[str, list[str]]] = []
        self.starts: OrderedDict[int, list[int]] = OrderedDict()  # each shard's fragments' first ordinals
        self.handles: OrderedDict[int, Any] = OrderedDict()  # the last _OPEN shards' files
        self.written = 0
        self.closed = False

    def add_shard(self, shard: str, fragments: list[str]) -> int:
        self.shards.append((shard, fragments))
        return len(self.shards) - 1

    def write(self, entry: Entry) -> None:
        """Write one input's outcome, everywhere it goes."""
        shards = self.shards
        handle = _cached(self.handles, entry.shard, lambda n: open(shards[n][0], "rb"), close=True)  # noqa: SIM115
        handle.seek(entry.offset)
        data = handle.read(entry.length)
        staged = decode_staged(data)
        fragment, ordinal = None, entry.ordinal
        if ordinal >= 0:  # a record: its flat-table row is row `ordinal` of its shard's fragments
            begins = _cached(self.starts, entry.shard, lambda n: fragment_starts(shards[n][1]))
            number = bisect.bisect_right(begins, ordinal) - 1
            ordinal -= begins[number]
            fragment = shards[entry.shard][1][number]
        self.writer.add(staged, fragment=fragment, ordinal=ordinal)
        self.written += 1
        if self.plugin_outputs is not None and self.plugin_outputs.active:
            _feed(self.plugin_outputs, staged)
        if self.facts is not None and staged.kind == RECORD:
            self.facts.add(staged)
        if self.page is not None:  # a record's entry in the page (the record, if staged without one)
            what = staged.body if staged.page is None else staged.page
            if self.local:  # the page's process reads it from the shard: the outcome's line ends with it
                self.page.add_at(staged.kind == RECORD, shards[entry.shard][0],
                                 entry.offset + len(data) - 1 - len(what), len(what))
            else:  # a copy in the scratch folder, gone when the merge ends
                self.page.add(staged.kind == RECORD, what)

    def close(self, joined: _Join) -> dict[str, Any]:
        """Commit every file in place of an earlier run's; the counting part of the summary."""
        self._close_handles()
        clear_outputs(self.output)
        counts = self.writer.close()
        self.closed = True
        counts["outputs"] = self.plugin_outputs.close() if self.plugin_outputs is not None else {}
        counts["missing"] = joined.missing
        counts["missing_uris"] = joined.missing_uris
        counts["restaged"] = joined.restaged
        counts["unexpected"] = joined.unexpected
        return counts

    def abort(self) -> None:
        """Remove every partial file, once (nothing once :meth:`close` has committed them: they are the run's)."""
        self._close_handles()
        if not self.closed:
            self.closed = True  # once
            self.writer.abort()

    def _close_handles(self) -> None:
        for handle in self.handles.values():
            handle.close()
        self.handles.clear()


def _local_shards(staging: str, scratch: str) -> list[tuple[str, list[str]]]:
    """The committed shards with their Arrow fragments, as local paths, sorted.

    Remote ones are copied to ``scratch`` first (16 at a time), so each is read
    once, sequentially. Fragments of a shard that was never committed are ignored.
    """
    if is_local(staging):
        try:
            names = sorted(e.name for e in os.scandir(staging))
        except FileNotFoundError:
            return []
        paths = [os.path.join(staging, name) for name in names]
    else:
        from apache_beam.io.filesystem import CompressionTypes
        from apache_beam.io.filesystems import FileSystems

        (result,) = FileSystems.match([join(staging, "*")])
        remote = sorted(m.path for m in result.metadata_list if m.path.endswith((SHARD, FRAGMENT)))

        def fetch(path: str) -> str:
            local = os.path.join(scratch, path.rsplit("/", 1)[-1])
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as src, \
                    open(local, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            return local

        with ThreadPoolExecutor(max_workers=16) as pool:
            paths = sorted(pool.map(fetch, remote))
    return _with_fragments(paths)


def _with_fragments(paths: list[str]) -> list[tuple[str, list[str]]]:
    """``(shard, its fragments)`` for each shard among sorted ``paths``."""
    shards = [p for p in paths if p.endswith(SHARD)]
    fragments = [p for p in paths if p.endswith(FRAGMENT)]
    return [(shard, [f for f in fragments if f.startswith(shard + ".")]) for shard in shards]


def merge(paths: Iterable[str], staging: str, output: str, *, labels: str = "key",
          plugin_outputs: Outputs | None = None, facts: FactSorter | None = None,
          page: ReportFeed | None = None) -> dict[str, Any]:
    """Merge the staged shards into the final outputs after the pipeline: one outcome per input, in input order.

    An input staged more than once (a re-executed element, or again by a resumed
    run) is written once, its newest generation's outcome, and the other copies
    are counted in ``restaged``; an input never staged is ``missing``; a staged URI
    that is not an input is counted in ``unexpected``. The Parquet table is
    taken by columns from the shards' Arrow fragments. ``plugin_outputs``, if
    given, receive each outcome as a dict, in the same order, and are closed
    after the built-in files; ``facts``, if given, each record's cross-year facts; ``page``, if given, each
    record's entry in report.html (staged with it; the record when it was staged without one) and each dead
    letter, for the page built beside the merge. Returns the counting part of the summary.
    """
    joined = _Join()
    with tempfile.TemporaryDirectory(prefix="nianbao-merge-") as scratch:
        outcomes = Outcomes(output, labels=labels, plugin_outputs=plugin_outputs, facts=facts, page=page,
                            local=is_local(staging))
        try:
            for shard, fragments in _local_shards(staging, scratch):
                outcomes.add_shard(shard, fragments)
            entries = sorted_entries([shard for shard, _ in outcomes.shards], scratch)
            for _path, entry in joined(paths, entries):
                if entry is not None:
                    outcomes.write(entry)
            return outcomes.close(joined)
        except BaseException:
            outcomes.abort()
            raise


class _Join:
    """Pairs the sorted inputs with the sorted staged entries: ``(path, entry or None)``, counting as it goes.

    The first entry of an input is its newest outcome; the others of the same input are ``restaged``.
    Entries of paths that are not inputs are ``unexpected``; inputs without one are ``missing``.
    """

    def __init__(self) -> None:
        self.missing = self.restaged = self.unexpected = 0
        self.missing_uris: list[str] = []

    def lost(self, path: str) -> None:
        """An input without an outcome."""
        self.missing += 1
        if len(self.missing_uris) < 100:
            self.missing_uris.append(path)

    def __call__(self, paths: Iterable[str], entries: Iterator[Entry]) -> Iterator[tuple[str, Entry | None]]:
        current = next(entries, None)
        for path in paths:
            while current is not None and current.uri < path:
                self.unexpected += 1
                current = next(entries, None)
            if current is None or current.uri != path:
                self.lost(path)
                yield path, None
                continue
            yield path, current
            current = next(entries, None)
            while current is not None and current.uri == path:
                self.restaged += 1
                current = next(entries, None)
        while current is not None:
            self.unexpected += 1
            current = next(entries, None)


class _Peek:
    """An iterator whose next item can be looked at without taking it."""

    _END = object()

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = iter(items)
        self.head: Any = next(self.items, self._END)

    @property
    def done(self) -> bool:
        return self.head is self._END

    def take(self) -> Any:
        item, self.head = self.head, next(self.items, self._END)
        return item

    def take_equal(self, key: str, uri: Callable[[Any], str] = lambda item: item) -> list[Any]:
        """The items at the head whose ``uri`` is ``key`` (items before ``key`` must have been taken)."""
        found = []
        while not self.done and uri(self.head) == key:
            found.append(self.take())
        return found


class _Arrivals:
    """This run's staged entries, indexed as their shards are committed, by input path.

    ``scan`` finds the shards committed since the last look (of this run's generation: ``prefix``) and indexes
    them, in the order found, while fewer than :data:`WAITING` entries wait; ``take`` hands over an input's
    entries. After the pipeline,
    :meth:`settle` indexes what is left; if entries were left unindexed for want of room, what waits and what
    was left are sorted with an external sort and handed over from that stream instead.
    """

    def __init__(self, staging: str, prefix: str, outcomes: Outcomes, *, waiting: int | None = None) -> None:
        self.staging, self.prefix, self.outcomes, self.limit = staging, prefix, outcomes, waiting or WAITING
        self.by_uri: dict[str, list[Entry]] = {}
        self.count = 0  # entries in by_uri
        self.seen: set[str] = set()  # shard names found
        self.left: deque[int] = deque()  # shards (numbers) found, not indexed yet for want of room
        self.stream: _Peek | None = None  # after settle() with shards left: every entry not taken, sorted

    def scan(self) -> None:
        names = sorted(os.listdir(self.staging))
        for name in names:
            if name.startswith(self.prefix) and name.endswith(SHARD) and name not in self.seen:
                self.seen.add(name)
                fragments = [os.path.join(self.staging, f) for f in names
                             if f.startswith(name + ".") and f.endswith(FRAGMENT)]
                self.left.append(self.outcomes.add_shard(os.path.join(self.staging, name), fragments))
        while self.left and self.count < self.limit:  # no room: the rest waits for the merge to catch up
            number = self.left.popleft()
            for entry in _entries(self.outcomes.shards[number][0], number):
                self.by_uri.setdefault(entry.uri, []).append(entry)
                self.count += 1

    def has(self, path: str) -> bool:
        if self.stream is not None:
            return not self.stream.done and self.stream.head.uri == path
        return path in self.by_uri

    def take(self, path: str) -> list[Entry]:
        """This run's entries of ``path``, first committed first."""
        if self.stream is not None:
            return self.stream.take_equal(path, lambda entry: entry.uri)
        found = self.by_uri.pop(path, [])
        self.count -= len(found)
        return found

    def skip_before(self, path: str) -> list[str]:
        """After :meth:`settle`: the paths of entries before ``path`` that no input took."""
        skipped = []
        while self.stream is not None and not self.stream.done and self.stream.head.uri < path:
            skipped.append(self.stream.take().uri)
        return skipped

    def settle(self, scratch: str) -> None:
        """The pipeline has ended: index every shard left, sorted with what waits if room ran out."""
        self.scan()
        if not self.left:
            return
        by_uri, left, shards = self.by_uri, self.left, self.outcomes.shards
        self.by_uri, self.count, self.left = {}, 0, deque()
        waiting = (entry for entries in by_uri.values() for entry in entries)
        rest = (entry for number in left for entry in _entries(shards[number][0], number))
        self.stream = _Peek(external_sort(itertools.chain(waiting, rest), scratch, run_items=RUN_ENTRIES,
                                          decode=lambda item: Entry(*item), prefix="arrivals"))

    def leftovers(self) -> Iterator[str]:
        """The paths of every entry not taken."""
        for uri, entries in self.by_uri.items():
            yield from (uri for _ in entries)
        while self.stream is not None and not self.stream.done:
            yield self.stream.take().uri


def _entries(path: str, number: int) -> Iterator[Entry]:
    """The entries of one staged shard, numbered ``number``."""
    for entry in shard_entries([path]):
        yield entry._replace(shard=number)


class OverlappedMerge:
    """The merge run while the pipeline runs, in a thread of the launcher (local runner, local staging).

    It writes the inputs' outcomes in listing order as the workers commit their shards: an input the run
    parses (``todo``: every input, or a resumed run's listing of what is left) waits for this run's outcome;
    an input a resumed run does not parse takes its newest staged outcome at once (the earlier generations'
    shards, indexed and sorted when the merge starts). :meth:`pipeline_done` says no shard will come;
    :meth:`finish` waits for the rest and returns the counts, as :func:`merge` would have; :meth:`abort`
    stops it and removes its partial files. An exception in the thread is raised by :meth:`finish`.
    """

    def __init__(self, listing: str, todo: str | None, staging: str, prefix: str, outcomes: Outcomes,
                 scratch: str, *, poll: float = POLL, waiting: int | None = None) -> None:
        self.listing, self.todo, self.staging, self.prefix = listing, todo, staging, prefix
        self.outcomes, self.scratch, self.poll = outcomes, scratch, poll
        self.joined = _Join()
        self.arrivals = _Arrivals(staging, prefix, outcomes, waiting=waiting)
        self._done = threading.Event()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self.cpu = 0.0  # the thread's CPU seconds
        self.during = 0  # outcomes written before the pipeline ended
        self._thread = threading.Thread(target=self._run, name="nianbao-merge", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def pipeline_done(self) -> None:
        self._done.set()

    def finish(self) -> dict[str, Any]:
        self._done.set()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.outcomes.close(self.joined)

    def abort(self) -> None:
        self._stop.set()
        self._done.set()
        self._thread.join()
        self.outcomes.abort()

    def _run(self) -> None:
        started = time.thread_time()
        try:
            self._merge()
        except BaseException as exc:  # raised again in the launcher's thread, by finish()
            self._error = exc
        finally:
            self.cpu = time.thread_time() - started

    def _merge(self) -> None:
        older = [name for name in sorted(os.listdir(self.staging))
                 if name.endswith((SHARD, FRAGMENT)) and not name.startswith(self.prefix)]
        for shard, fragments in _with_fragments([os.path.join(self.staging, name) for name in older]):
            self.outcomes.add_shard(shard, fragments)
        # the earlier generations' outcomes (a resumed run), in the order merge() would sort them
        old = _Peek(sorted_entries([shard for shard, _ in self.outcomes.shards], self.scratch))
        parsed = _Peek(read_listing(self.todo)) if self.todo is not None else None
        paths = _Peek(read_listing(self.listing))
        late: list[str] = []  # entries of this run no input took
        settled = False
        while not paths.done:
            done = self._done.is_set()  # before the look: every shard committed by now is seen
            if self._stop.is_set():  # (set before done by abort)
                return
            if settled:
                pass
            elif done:
                self.during = self.outcomes.written
                self.arrivals.settle(self.scratch)
                settled = True
            else:
                self.arrivals.scan()
            while not paths.done and not self._stop.is_set():
                path = paths.head
                waits = parsed is None or (not parsed.done and parsed.head == path)
                if waits and not settled and not self.arrivals.has(path):
                    break  # its outcome is not staged yet
                paths.take()
                if waits and parsed is not None:
                    parsed.take()
                late.extend(self.arrivals.skip_before(path))
                while not old.done and old.head.uri < path:
                    old.take()
                    self.joined.unexpected += 1
                candidates = [*self.arrivals.take(path), *old.take_equal(path, lambda entry: entry.uri)]
                if not candidates:
                    self.joined.lost(path)
                    continue
                self.joined.restaged += len(candidates) - 1
                self.outcomes.write(candidates[0])
            if not paths.done and not settled:
                self._done.wait(self.poll)
        if not settled:  # every input written: what else is staged (copies, strays) is counted, not written
            self.during = self.outcomes.written
            self._done.wait()
            if self._stop.is_set():
                return
            self.arrivals.settle(self.scratch)
        while not old.done:
            old.take()
            self.joined.unexpected += 1
        late.extend(self.arrivals.leftovers())
        if late:  # staged after their input was written (a copy: restaged), or not an input (unexpected)
            self._classify(sorted(late))

    def _classify(self, late: list[str]) -> None:
        inputs = _Peek(read_listing(self.listing))
        for uri in late:
            while not inputs.done and inputs.head < uri:
                inputs.take()
            if not inputs.done and inputs.head == uri:
                self.joined.restaged += 1
            else:
                self.joined.unexpected += 1
        _LOG.warning("%d staged outcome(s) came after their input was written or name no input", len(late))


__all__ = ["WAITING", "Outcomes", "OverlappedMerge", "merge"]
