"""The staged outcomes of a run as one stream sorted by input path: an external sort in bounded memory.

Workers commit shards in whatever order their bundles ran. The merge writes outcomes in input order
and resuming asks which inputs have an outcome, for up to a million inputs, so neither may hold a
table of every input. :func:`sorted_entries` reads the first line of each staged outcome
(:func:`~nianbao.pipelines.staging.index_shard`) and sorts them with :func:`~.extsort.external_sort`
(runs of :data:`RUN_ENTRIES` entries sorted in memory, spilled to scratch files, merged). The entries of one input are
adjacent, newest generation first (:mod:`nianbao.pipelines.resume`), then in shard order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from .extsort import external_sort
from .resume import generation_of
from .staging import index_shard

#: Entries sorted in memory at a time (about 400 bytes each as Python objects: 20 MB a run).
RUN_ENTRIES = 50_000


class Entry(NamedTuple):
    """Where one staged outcome is: sorted by ``uri``, then newest generation first, then shard and offset."""

    uri: str
    newest: int  # minus the shard's generation
    shard: int  # index in the merge's shard list
    offset: int
    length: int
    ordinal: int  # row in the shard's Arrow fragments, -1: none
    sha256: str | None

    @property
    def generation(self) -> int:
        return -self.newest


def shard_entries(shards: Sequence[str]) -> Iterator[Entry]:
    """Every staged outcome of the shards, shard by shard."""
    for number, shard in enumerate(shards):
        newest = -generation_of(shard)
        with open(shard, "rb", buffering=0) as handle:  # one small read per outcome: no buffer to refill
            for uri, ordinal, offset, length, sha in index_shard(handle):
                yield Entry(uri, newest, number, offset, length, ordinal, sha)


def sorted_entries(shards: Sequence[str], scratch: str, *, run_entries: int | None = None) -> Iterator[Entry]:
    """The shards' entries sorted by input path (see :class:`Entry`), spilling runs to ``scratch``."""
    return external_sort(shard_entries(shards), scratch, run_items=run_entries or RUN_ENTRIES,
                         decode=lambda item: Entry(*item), prefix="entries")


def newest_hashes(entries: Iterator[Entry]) -> Iterator[tuple[str, str | None]]:
    """``(uri, sha256)`` of the newest generation's outcomes of each input (what resuming compares)."""
    last_uri, last_generation = None, 0
    for entry in entries:
        if entry.uri != last_uri:
            last_uri, last_generation = entry.uri, entry.generation
        if entry.generation == last_generation:
            yield entry.uri, entry.sha256
