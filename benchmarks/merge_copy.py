"""What the merge's writing of the records costs, and what copying staged bytes in the kernel would save.

The merge reads each input's staged outcome (its three lines: key, header, body with the page's entry after a
tab), decodes it and writes the record's body and a newline to ``records-*.jsonl`` through a 1 MB buffer: at
100,000 records about 1 GB written, most of the launcher's CPU in the merge being the kernel's. This script
takes a staging folder (``OUT/.nianbao-staging`` of a run whose staging was kept: ``benchmarks/tail.py base``)
and writes the records file of its outcomes, in input order, in several ways, measuring the process's user and
system CPU seconds for each (each way twice, in turn; the second pass is printed, the shards then in the page
cache as they are for a merge that follows the workers):

- ``python``: what the merge does: read each outcome whole, :func:`~nianbao.pipelines.staging.decode_staged`,
  write the body and a newline through a 1 MB buffer;
- ``kernel-each``: read each outcome's two first lines only (the merge needs the header), then
  ``os.copy_file_range`` of the body from the shard into the records file and a newline with ``os.pwrite``
  (two system calls a record, no Python copy of the body; the body's length taken as if the staged key line
  said it, which it does not today);
- ``final-layout``: as if the workers had staged each shard's record bodies, newline-terminated, contiguous in
  a file of their own (written here, beforehand, not measured): read each outcome's two first lines, and copy
  each run of outcomes that lie one after the other in the same shard with one ``os.copy_file_range`` (a chunk
  of the listing is ~100 consecutive outcomes of one shard: a concatenation of ~1 MB blocks);
- ``final-layout-read``: the same runs copied with ``read``/``write`` of the same blocks in Python.

    .venv/bin/python benchmarks/merge_copy.py /tmp/tail-base/out/.nianbao-staging --scratch /tmp/merge-copy

Nothing asserts; it prints one Markdown table. The output goes to ``--scratch`` (on the same filesystem as the
staging, as the final outputs are in ``nianbao run``), removed after each way.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import time
from pathlib import Path

from nianbao.pipelines.staging import RECORD, SHARD, decode_staged, index_shard

_BUFFER = 1 << 20


def _entries(staging: Path) -> list[tuple[str, int, int, int]]:
    """``(uri, shard number, offset, length)`` of every staged outcome, in input (URI) order."""
    entries = []
    for number, shard in enumerate(_shards(staging)):
        with open(shard, "rb", buffering=0) as handle:
            entries.extend((uri, number, offset, length) for uri, _, offset, length, _ in index_shard(handle))
    return sorted(entries)


def _shards(staging: Path) -> list[Path]:
    return sorted(staging.glob(f"*{SHARD}"))


def _heads(handle, offset: int, length: int) -> tuple[int, bytes, int]:
    """The start of an outcome's body within it, its header line, and the rest's length."""
    handle.seek(offset)
    data = handle.read(min(length, 8192))
    key_end = data.index(b"\n") + 1
    head_end = data.find(b"\n", key_end) + 1
    if head_end == 0:  # a header longer than the first read
        handle.seek(offset)
        data = handle.read(length)
        head_end = data.index(b"\n", key_end) + 1
    return head_end, data[key_end:head_end], length - head_end - 1


def way_python(staging: Path, entries, target: Path, _layout) -> int:
    handles = [open(s, "rb") for s in _shards(staging)]  # noqa: SIM115
    written = 0
    with open(target, "wb", buffering=_BUFFER) as out:
        for _, number, offset, length in entries:
            handle = handles[number]
            handle.seek(offset)
            staged = decode_staged(handle.read(length))
            if staged.kind == RECORD:
                out.write(staged.body + b"\n")
                written += 1
    for handle in handles:
        handle.close()
    return written


def way_kernel_each(staging: Path, entries, target: Path, layout) -> int:
    _, where = layout  # a body's length, as if the key line said it (it says the outcome's, not the body's)
    handles = [open(s, "rb", buffering=0) for s in _shards(staging)]  # noqa: SIM115
    written = position = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    for _, number, offset, length in entries:
        handle = handles[number]
        start, _, _ = _heads(handle, offset, length)
        place = where.get((number, offset))
        if place is None:  # a dead letter
            continue
        size = place[1] - 1
        done = 0
        while done < size:
            done += os.copy_file_range(handle.fileno(), fd, size - done, offset + start + done, position + done)
        position += size
        os.pwrite(fd, b"\n", position)
        position += 1
        written += 1
    os.close(fd)
    for handle in handles:
        handle.close()
    return written


def prepare_layout(staging: Path, scratch: Path) -> dict[tuple[int, int], tuple[int, int]]:
    """Each shard's record bodies, newline-terminated, one after the other in ``<n>.bodies``: where each is."""
    where: dict[tuple[int, int], tuple[int, int]] = {}
    for number, shard in enumerate(_shards(staging)):
        position = 0
        with open(shard, "rb") as handle, open(shard, "rb", buffering=0) as index, \
                open(scratch / f"{number}.bodies", "wb") as out:
            for _, _, offset, length, _ in index_shard(index):
                handle.seek(offset)
                staged = decode_staged(handle.read(length))
                if staged.kind == RECORD:
                    out.write(staged.body + b"\n")
                    where[(number, offset)] = (position, len(staged.body) + 1)
                    position += len(staged.body) + 1
    return where


def _runs(staging: Path, entries, layout):
    """Runs of records lying one after the other in one shard's bodies: ``(shard, start, size)``."""
    handles = [open(s, "rb", buffering=0) for s in _shards(staging)]  # noqa: SIM115
    run = None
    for _, number, offset, length in entries:
        _heads(handles[number], offset, length)  # the header, which the merge reads in any layout
        place = layout.get((number, offset))
        if place is None:
            continue
        if run is not None and run[0] == number and run[1] + run[2] == place[0]:
            run = (number, run[1], run[2] + place[1])
            continue
        if run is not None:
            yield run
        run = (number, place[0], place[1])
    if run is not None:
        yield run
    for handle in handles:
        handle.close()


def way_final_layout(staging: Path, entries, target: Path, layout) -> int:
    scratch, where = layout
    bodies = [os.open(scratch / f"{n}.bodies", os.O_RDONLY) for n in range(len(_shards(staging)))]
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    position = runs = 0
    for number, start, size in _runs(staging, entries, where):
        done = 0
        while done < size:
            done += os.copy_file_range(bodies[number], fd, size - done, start + done, position + done)
        position += size
        runs += 1
    os.close(fd)
    for handle in bodies:
        os.close(handle)
    return runs


def way_final_layout_read(staging: Path, entries, target: Path, layout) -> int:
    scratch, where = layout
    bodies = [open(scratch / f"{n}.bodies", "rb", buffering=0) for n in range(len(_shards(staging)))]  # noqa: SIM115
    runs = 0
    with open(target, "wb", buffering=0) as out:
        for number, start, size in _runs(staging, entries, where):
            bodies[number].seek(start)
            left = size
            while left:
                block = bodies[number].read(min(left, _BUFFER))
                out.write(block)
                left -= len(block)
            runs += 1
    for handle in bodies:
        handle.close()
    return runs


WAYS = {"python": way_python, "kernel-each": way_kernel_each, "final-layout": way_final_layout,
        "final-layout-read": way_final_layout_read}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("staging", type=Path)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/merge-copy"))
    args = parser.parse_args()
    args.scratch.mkdir(parents=True, exist_ok=True)
    entries = _entries(args.staging)
    layout = (args.scratch, prepare_layout(args.staging, args.scratch))
    results: dict[str, tuple[float, float, float, int, int]] = {}
    for _ in range(2):
        for name, way in WAYS.items():
            target = args.scratch / "records.jsonl"
            before, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
            count = way(args.staging, entries, target, layout)
            after = resource.getrusage(resource.RUSAGE_SELF)
            results[name] = (after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime,
                             time.perf_counter() - wall, target.stat().st_size, count)
            target.unlink()
    reference = results["python"][3]
    print(f"{len(entries):,} staged outcomes, load {os.getloadavg()[0]:.1f}\n")
    print("| way | user s | system s | CPU s | wall s | bytes written | records or runs |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, (user, system, wall, size, count) in results.items():
        same = "" if size == reference else " (size differs!)"
        print(f"| {name} | {user:.2f} | {system:.2f} | {user + system:.2f} | {wall:.2f} | {size:,}{same} | {count:,} |")
    shutil.rmtree(args.scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
