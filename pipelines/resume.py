"""Resuming ``nianbao run``: the staging folder that survives an interruption, and what is left to do.

A run stages its outcomes in ``OUTPUT/.nianbao-staging/`` (shards committed every few seconds, see
:class:`~nianbao.pipelines.transforms.StageOutcomeFn`) and removes the folder only after the final
outputs and ``summary.json`` are written. A run that stops before that (Ctrl-C, a killed worker or
launcher, a full disk, a reboot) leaves it behind, and the next run into the same output folder:

1. keeps it if its ``run.json`` names the same nianbao version and plugin selection (otherwise, or with
   ``--fresh``, it starts over and says so);
2. drops what no committed shard owns (``.part`` files and Arrow fragments of shards never committed);
3. parses only the inputs without a usable staged outcome: none staged, or staged from other bytes
   (the file's SHA-256 now differs from the one staged), or a dead letter of stage ``read`` (the file
   could not be opened then; it may be readable now);
4. gives its shards the next *generation* number, so that the merge prefers the newest outcome of an
   input staged in several runs.

The staged outcomes are looked up through the merge's sorted index (:mod:`nianbao.pipelines.staged`),
a stream, so resuming a million inputs holds no per-input table in memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import orjson

import nianbao

from .staging import FRAGMENT, PART, SHARD
from .storage import is_local, join, read_bytes, write_atomic

_LOG = logging.getLogger(__name__)

#: The staging folder inside the output folder, and its manifest.
STAGING = ".nianbao-staging"
MANIFEST = "run.json"
#: Shard names: ``g<generation>-<pid>-<uuid>.shard``.
_GENERATION = re.compile(r"^g(\d+)-")


@dataclass(frozen=True, slots=True)
class Staging:
    """The staging folder of a run: where, which generation this run's shards carry, what it found there."""

    path: str
    generation: int
    resumed: bool  # an earlier, interrupted run's shards are here and are used
    note: str  # one line for the log: resumed, started over and why, or new


def run_key(plugins: Iterable[str], **tables: str | None) -> dict[str, object]:
    """What staged outcomes depend on besides the input bytes: nianbao's version, the plugin selection,
    and any table that changes records (``tables``: name → content hash, e.g. ``--population``'s)."""
    return {"nianbao": nianbao.__version__, "plugins": sorted(plugins), **dict(sorted(tables.items()))}


def generation_of(shard_name: str) -> int:
    """The generation a shard's name carries (0 for a name without one)."""
    match = _GENERATION.match(os.path.basename(shard_name))
    return int(match.group(1)) if match else 0


def shard_prefix(generation: int) -> str:
    """The start of the names of a generation's shards."""
    return f"g{generation:04d}-"


def open_staging(output: str, key: dict[str, object], *, fresh: bool = False) -> Staging:
    """Open (or start) the staging folder of ``output`` for a run with ``key`` (:func:`run_key`).

    Only local output folders are resumed; on an object store each run stages afresh (its shards
    cannot be listed cheaply while written, and a failed run's objects are left for the store's
    lifecycle rules).
    """
    path = join(output, STAGING)
    if not is_local(output):
        return Staging(path + "-" + os.urandom(6).hex(), 1, False, "")
    manifest = os.path.join(path, MANIFEST)
    old: dict[str, object] | None = None
    if os.path.isdir(path):
        with contextlib.suppress(OSError, ValueError):
            old = orjson.loads(read_bytes(manifest))
    if old is not None and not fresh and old.get("key") == key:
        generation = int(old.get("generation", 0)) + 1
        dropped = _tidy(path)
        committed = sum(1 for name in os.listdir(path) if name.endswith(SHARD))
        note = (f"resuming the interrupted run in {output} ({committed} staged shard(s) kept"
                f"{f', {dropped} uncommitted file(s) dropped' if dropped else ''}; --fresh starts over)")
        resumed = committed > 0
    else:
        note = ""
        if os.path.isdir(path):
            why = ("--fresh" if fresh else "its nianbao version or plugins differ" if old is not None
                   else "it has no readable run.json")
            note = f"starting over: the staged outcomes in {path} are not reused ({why})"
            shutil.rmtree(path)
        generation, resumed = 1, False
    os.makedirs(path, exist_ok=True)
    write_atomic(manifest, orjson.dumps({"key": key, "generation": generation}))
    return Staging(path, generation, resumed, note)


def _tidy(path: str) -> int:
    """Remove what no committed shard owns: ``.part`` files, temporary files, orphan fragments, and the
    spool a killed run's page process read (``.nianbao-page-*``, :class:`~.report.ReportFeed`)."""
    names = os.listdir(path)
    shards = {name for name in names if name.endswith(SHARD)}
    dropped = 0
    for name in names:
        if name.startswith(".nianbao-page-"):
            shutil.rmtree(os.path.join(path, name), ignore_errors=True)
            continue
        orphan = name.endswith((PART, ".tmp")) or (
            name.endswith(FRAGMENT) and name.rsplit(".", 2)[0] not in shards)
        if orphan:
            with contextlib.suppress(OSError):
                os.remove(os.path.join(path, name))
                dropped += 1
    return dropped


def file_sha256(path: str) -> str | None:
    """The SHA-256 of a file's bytes as they are now (``None`` if it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def pending(paths: Iterable[str], staged: Iterable[tuple[str, str | None]], *,
            threads: int = 8) -> Iterator[str]:
    """The inputs (sorted) that still need parsing, given the staged ``(uri, sha256)`` sorted by URI.

    An input is done when an outcome of it is staged with the SHA-256 its bytes have now; a staged
    dead letter without a hash (the file could not be opened) is never done. Both streams must be
    sorted the same way (by path); hashing runs on ``threads`` threads, a window at a time.
    """
    staged_iter = iter(staged)
    current = next(staged_iter, None)

    def hashes_of(uri: str) -> set[str]:
        nonlocal current
        found: set[str] = set()
        while current is not None and current[0] < uri:
            current = next(staged_iter, None)
        while current is not None and current[0] == uri:
            if current[1]:
                found.add(current[1])
            current = next(staged_iter, None)
        return found

    window: list[tuple[str, set[str]]] = []
    with ThreadPoolExecutor(max_workers=threads) as pool:
        def drain() -> Iterator[str]:
            checks = [(path, known, pool.submit(file_sha256, path) if known else None) for path, known in window]
            window.clear()
            for path, known, future in checks:
                if future is None or future.result() not in known:
                    yield path

        for path in paths:
            window.append((path, hashes_of(path)))
            if len(window) >= 1024:
                yield from drain()
        yield from drain()
