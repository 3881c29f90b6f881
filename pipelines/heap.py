"""Fewer garbage collections where ``nianbao run`` allocates a great deal and keeps a large heap alive.

CPython's cyclic garbage collector runs a young collection every 700 net allocations of container objects,
and from time to time older ones that walk every object that survived. The page's process keeps a row for
every report of its table, the launcher's merge keeps Beam's heap (about 135,000 tracked objects) and its
sorted runs, a worker Beam's heap and up to 10,000 flat-table rows waiting for their Arrow fragment, while
each report read or parsed allocates thousands of containers: the walks are repeated over objects that
never become garbage. Measured (garbage-collector callbacks, CPU time, 2026-12-03, load 8-11):

- the page's reading of 20,000 records: 45-80 µs of 140-220 µs a record (25-37 %), about none with
  :data:`THRESHOLDS`;
- the launcher's merge and cross-year checks of 20,000 outcomes: 0.24-0.26 s of 2.4-2.7 s CPU (10 %),
  0.02 s with :data:`THRESHOLDS`;
- a worker's parse and staging: 0.05 ms a document (1-2 %), none in 400 documents with :data:`THRESHOLDS`.

The records, outcomes and rows these loops build hold no reference cycles (reference counting frees them as
before), so collecting less often does not keep more memory.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

#: ``gc.set_threshold`` values while nianbao's bulk work runs (CPython's defaults are 700, 10, 10).
THRESHOLDS = (50_000, 20, 20)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with :data:`THRESHOLDS`, then put the previous thresholds back."""
    before = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def tune_worker() -> tuple[int, ...]:
    """Set :data:`THRESHOLDS` for this (worker) process, unless something set its own already; returns the
    thresholds before, for :func:`untune_worker` (a run in the caller's own process gives them back)."""
    before = gc.get_threshold()
    if before[0] < THRESHOLDS[0]:
        gc.set_threshold(*THRESHOLDS)
    return before


def untune_worker(before: tuple[int, ...]) -> None:
    """Put back the thresholds :func:`tune_worker` found, if they are still the ones it set."""
    if gc.get_threshold() == THRESHOLDS:
        gc.set_threshold(*before)
