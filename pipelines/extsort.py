"""Sorting more items than memory should hold: sorted runs spilled to scratch files, merged lazily.

``nianbao run`` sorts three streams that grow with the input count: the input listing
(:mod:`.listing`), the staged outcomes' index (:mod:`.staged`) and, after the merge of a large run,
the records' cross-year facts by agency (:mod:`.crossyear`). Each goes through
:func:`external_sort`: up to ``run_items`` items are sorted in memory, each full run is written to a
scratch file as JSON Lines, and the runs are merged with :func:`heapq.merge`, so at most one run
is in memory while items are added, and one item per spilled run while the sorted items are read.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import orjson

T = TypeVar("T")

#: Items sorted in memory at a time, unless a caller says otherwise.
RUN_ITEMS = 200_000


def spill(items: list[Any], scratch: str, number: int, *, prefix: str = "run") -> str:
    """Write one sorted run as JSON Lines (a tuple as a list, named tuples too); return its path."""
    path = os.path.join(scratch, f"{prefix}-{number:05d}.jsonl")
    with open(path, "wb") as handle:
        for item in items:
            handle.write(orjson.dumps(list(item) if isinstance(item, tuple) else item) + b"\n")
    return path


def read_run(path: str, decode: Callable[[Any], T]) -> Iterator[T]:
    """The items of a spilled run, in order."""
    with open(path, "rb") as handle:
        for line in handle:
            yield decode(orjson.loads(line))


class Runs:
    """An external sort fed one item at a time (:meth:`add`); :meth:`sorted` gives them back in order.

    Up to ``run_items`` items are kept in memory; each full run is sorted (by ``key``, stably) and
    written to ``scratch``. Items must round-trip through JSON: ``decode`` turns what ``orjson.loads``
    gives back into an item (a tuple, a named tuple …). ``spill_run`` replaces :func:`spill`.
    """

    def __init__(self, scratch: str, *, run_items: int = RUN_ITEMS, key: Callable[[Any], Any] | None = None,
                 decode: Callable[[Any], Any] = lambda item: item, prefix: str = "run",
                 spill_run: Callable[..., str] | None = None) -> None:
        self.scratch, self.run_items, self.key, self.decode, self.prefix = scratch, run_items, key, decode, prefix
        self.write = spill_run or spill
        self.runs: list[str] = []
        self.buffer: list[Any] = []

    def add(self, item: Any) -> None:
        self.buffer.append(item)
        if len(self.buffer) >= self.run_items:
            self.buffer.sort(key=self.key)
            self.runs.append(self.write(self.buffer, self.scratch, len(self.runs), prefix=self.prefix))
            self.buffer = []

    def sorted(self) -> Iterator[Any]:
        """Every item added, in order (once: the buffer is handed over).

        When runs were spilled, the last, partial run is spilled too, so that what the merge of the runs
        holds is one item per run, not a run's worth of items for as long as the merge is read (the
        launcher's merge reads the staged index this way from start to end of its writing).
        """
        buffer, self.buffer = self.buffer, []
        buffer.sort(key=self.key)
        if not self.runs:
            return iter(buffer)
        if buffer:
            self.runs.append(self.write(buffer, self.scratch, len(self.runs), prefix=self.prefix))
            buffer.clear()
        return heapq.merge(*(read_run(path, self.decode) for path in self.runs), key=self.key)


def external_sort(items: Iterable[T], scratch: str, *, run_items: int = RUN_ITEMS,
                  key: Callable[[T], Any] | None = None, decode: Callable[[Any], T] = lambda item: item,
                  prefix: str = "run", spill_run: Callable[..., str] | None = None) -> Iterator[T]:
    """``items`` sorted (by ``key``, stably), spilling runs of ``run_items`` to ``scratch`` (see :class:`Runs`)."""
    runs = Runs(scratch, run_items=run_items, key=key, decode=decode, prefix=prefix, spill_run=spill_run)
    for item in items:
        runs.add(item)
    yield from runs.sorted()


def unique(items: Iterable[T]) -> Iterator[T]:
    """Sorted ``items`` without repeats."""
    last: Any = object()
    for item in items:
        if item != last:
            yield item
            last = item
