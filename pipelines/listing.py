"""The input listing of ``nianbao run``: every input URI, sorted, in a file on disk, never a list in memory.

A run of a million inputs must not hold a million paths in the launcher. :func:`write_listing`
walks the inputs (folders recursively, globs, ``@list`` files; archives stand for their members,
:func:`nianbao.archive.list_members`) as a stream, sorts it with an external sort
(:func:`~.extsort.external_sort`), drops repeats and the excluded, and writes one JSON string per
line. The listing is cut into chunks of up to :data:`CHUNK` inputs (byte ranges): the pipeline's
elements are these chunks, ``(listing, start, end)``, and a worker reads its chunk's paths from the file itself
(:func:`read_chunk`), so neither the launcher nor the runner's shuffle carries one element per input.
The merge and resuming read the listing back in order (:func:`read_listing`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePath
from typing import Any

import orjson
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from nianbao.archive import is_archive, list_members

from .errors import RunError
from .extsort import external_sort, unique
from .storage import is_local, read_bytes

#: Listing files: the run's inputs, and (resuming) those still to parse, in the staging folder.
LISTED = ".list"
INPUTS, TODO = "inputs" + LISTED, "todo" + LISTED
#: Inputs per pipeline element (one chunk of the listing), at most; and the fewest elements a listing is
#: cut into (smaller chunks for a small run, so that every worker gets some).
CHUNK, MIN_CHUNKS = 100, 64
#: Paths sorted in memory at a time while listing (about 150 bytes each).
RUN_PATHS = 100_000
_GLOB_CHARS = frozenset("*?[")
_POSIX = os.name == "posix"  # PurePath is PurePosixPath: names compare case-sensitively

#: ``(listing URI, start byte, end byte)``: a pipeline element, a chunk of the listing.
Chunk = tuple[str, int, int]


@dataclass(frozen=True)
class Listing:
    """A listing file: its URI, how many inputs it names, its chunks ``(start, end, inputs)``."""

    uri: str
    count: int
    chunks: tuple[tuple[int, int, int], ...]
    excluded: int = 0

    def elements(self, first: int = 0, last: int | None = None) -> list[Chunk]:
        """The pipeline elements of chunks ``first`` to ``last`` (excluded)."""
        return [(self.uri, start, end) for start, end, _ in self.chunks[first:last]]

    def waves(self, size: int) -> Iterator[list[Chunk]]:
        """The chunks in consecutive waves of at most ``size`` inputs (at least one chunk each)."""
        first, inputs = 0, 0
        for number, (_, _, count) in enumerate(self.chunks):
            if inputs and inputs + count > size:
                yield self.elements(first, number)
                first, inputs = number, 0
            inputs += count
        if first < len(self.chunks):
            yield self.elements(first)


def open_input(path: str) -> Any:
    """A seekable binary file of ``path`` on any Beam filesystem, as stored (a .gz is not inflated here).

    A plain local path is opened by the OS directly: the same file Beam's local filesystem would open, without
    its scheme and compression look-ups for each input."""
    if "://" not in path:
        return open(path, "rb")  # the caller closes it, as it does Beam's
    return FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)


def _under(path: str, directory: str | None) -> bool:
    if not directory:
        return False
    directory = directory.rstrip("/\\") + os.sep if is_local(directory) else directory.rstrip("/") + "/"
    return path.startswith(directory)


def expand_one(spec: str) -> Iterator[str]:
    """The files one input spec names: a folder's (walked as a stream), a glob's matches, a file."""
    if is_local(spec) and not _GLOB_CHARS & set(spec):
        path = os.path.abspath(spec)
        if os.path.isdir(path):
            found = 0
            for root, _dirs, names in os.walk(path):
                for name in names:
                    found += 1
                    yield os.path.join(root, name)
            if not found:
                raise RunError(f"the folder {spec} holds no files")
            return
        if os.path.isfile(path):
            yield path
            return
        raise RunError(f"no such file or folder: {spec}")
    pattern = spec
    if is_local(spec):
        pattern = os.path.abspath(spec)
    elif spec.endswith("/"):
        pattern = spec + "**"  # a remote "folder": everything under the prefix
    try:
        (result,) = FileSystems.match([pattern])
    except Exception as exc:  # BeamIOError and friends: say which input
        raise RunError(f"cannot list {spec}: {exc}") from exc
    found = [m.path for m in result.metadata_list if not m.path.endswith(("/", "\\"))]
    if not found:
        raise RunError(f"no files match {spec}")
    yield from found


def expand_specs(inputs: Iterable[str]) -> Iterator[str]:
    """The files the input specs name, unsorted, repeats included; ``@FILE`` is a list file of specs.

    A list file holds one folder, glob or file per line; blank lines and ``#`` comments are
    skipped; relative local paths in it are relative to the list file.
    """
    for spec in inputs:
        if not spec.startswith("@"):
            yield from expand_one(spec)
            continue
        listed = read_bytes(spec[1:]).decode("utf-8-sig").splitlines()
        base = os.path.dirname(os.path.abspath(spec[1:])) if is_local(spec[1:]) else ""
        for line in listed:
            line = line.strip()
            if line and not line.startswith("#"):
                if is_local(line) and base and not os.path.isabs(line):
                    line = os.path.join(base, line)
                yield from expand_one(line)


def input_uris(inputs: Iterable[str], *, exclude: str | None = None) -> Iterator[str]:
    """The input URIs (unsorted, repeats included): files not under ``exclude`` (the output folder), and
    for an archive (``.zip``, ``.gz``) each of its members (``a.zip!/b.docx``) in its place."""
    if exclude is not None and is_local(exclude):
        exclude = os.path.abspath(exclude)
    for path in expand_specs(inputs):
        if _under(path, exclude):
            continue
        if is_archive(path):
            yield from list_members(path, open_input)
        else:
            yield path


def is_excluded(path: str, globs: Sequence[str]) -> bool:
    """Whether ``path``, or a folder on it, matches one of ``globs`` from the right (:meth:`PurePath.match`).

    ``*.bak`` matches a name anywhere, ``drafts`` a folder of that name anywhere (so everything
    under it), ``drafts/*.txt`` the text files right in such a folder.
    """
    names: list[str] | None = None
    for glob in globs:
        if _POSIX and "/" not in glob and glob != ".":
            # one name: it matches a path when it matches one of the path's names (PurePosixPath.match of each
            # part from the right compares its last name), about ten times faster than building the parents
            if names is None:
                names = [name for name in path.split("/") if name and name != "."]
            if names:  # (a bare root is its own last part)
                if any(fnmatchcase(name, glob) for name in names):
                    return True
                continue
        pure = PurePath(path)
        if any(part.match(glob) for part in (pure, *pure.parents[:-1])):
            return True
    return False


def clean_globs(globs: Iterable[str]) -> list[str]:
    """Exclusion globs as :func:`is_excluded` takes them (no trailing slash, none empty)."""
    return [glob.rstrip("/") for glob in globs if glob.strip("/")]


def chunk_size(count: int) -> int:
    """Inputs per chunk for a listing of ``count``: :data:`CHUNK`, fewer when that would leave fewer than
    :data:`MIN_CHUNKS` elements to spread over the workers."""
    return max(1, min(CHUNK, count // MIN_CHUNKS))


class ListingWriter:
    """Writes a listing file (one JSON string per line); :meth:`close` cuts it into chunks."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.handle = (open(uri, "wb") if is_local(uri)  # noqa: SIM115 (closed in close)
                       else FileSystems.create(uri, compression_type=CompressionTypes.UNCOMPRESSED))
        self.count = 0

    def add(self, uri: str) -> None:
        self.handle.write(orjson.dumps(uri) + b"\n")
        self.count += 1

    def close(self, *, excluded: int = 0) -> Listing:
        self.handle.close()
        return Listing(self.uri, self.count, _chunks(self.uri, chunk_size(self.count)), excluded)


def _chunks(uri: str, size: int) -> tuple[tuple[int, int, int], ...]:
    """``(start, end, inputs)`` of every ``size`` lines of the listing file (one more pass over it)."""
    chunks: list[tuple[int, int, int]] = []
    start = offset = lines = 0
    with _open(uri) as handle:
        for line in handle:
            offset += len(line)
            lines += 1
            if lines == size:
                chunks.append((start, offset, lines))
                start, lines = offset, 0
    if lines:
        chunks.append((start, offset, lines))
    return tuple(chunks)


def _open(uri: str) -> Any:
    return open(uri, "rb") if is_local(uri) else FileSystems.open(uri, compression_type=CompressionTypes.UNCOMPRESSED)


def write_listing(inputs: Iterable[str], target: str, *, exclude: str | None = None,
                  globs: Iterable[str] = (), run_paths: int | None = None) -> Listing:
    """List the inputs into the file ``target``: sorted, unique, the excluded left out and counted.

    ``exclude`` is the output folder (nothing under it is an input); ``globs`` are exclusion globs
    (:func:`is_excluded`). Raises :class:`RunError` when an input names nothing or nothing is left.
    """
    globs = clean_globs(globs)
    excluded = 0
    writer = ListingWriter(target)
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-listing-") as scratch:
            for uri in unique(external_sort(input_uris(inputs, exclude=exclude), scratch,
                                            run_items=run_paths or RUN_PATHS, prefix="paths")):
                if globs and is_excluded(uri, globs):
                    excluded += 1
                else:
                    writer.add(uri)
    finally:
        listing = writer.close(excluded=excluded)
    if not listing.count:
        if excluded:
            raise RunError(f"no input files: the exclusions (--exclude, {', '.join(globs)}) left out all {excluded}")
        raise RunError("no input files (every match was inside the output directory)")
    return listing


def read_listing(uri: str) -> Iterator[str]:
    """The input URIs of a listing file, in order."""
    with _open(uri) as handle:
        for line in handle:
            yield orjson.loads(line)


def read_chunk(chunk: Chunk) -> list[str]:
    """The input URIs of one chunk of a listing (read by the worker that processes it)."""
    uri, start, end = chunk
    with _open(uri) as handle:
        handle.seek(start)
        data = handle.read(end - start)
    return [orjson.loads(line) for line in data.splitlines()]


def move_listing(listing: Listing, target: str) -> Listing:
    """The listing moved to ``target`` (into the staging folder, where workers read it)."""
    if is_local(target):
        shutil.move(listing.uri, target)
    else:
        with open(listing.uri, "rb") as src, FileSystems.create(
                target, compression_type=CompressionTypes.UNCOMPRESSED) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        os.remove(listing.uri)
    return Listing(target, listing.count, listing.chunks, listing.excluded)
