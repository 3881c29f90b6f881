"""Archives of reports: a ``.zip`` is many inputs, a ``.gz`` one; each member is read in memory, never extracted.

Researchers download reports in bulk as zip archives, and crawlers store pages
gzipped. ``nianbao parse`` and ``nianbao run`` open them here: every file
member of a zip is one input whose URI is ``archive.zip!/member.docx`` (a zip
inside a zip: ``outer.zip!/inner.zip!/member.html``), and ``report.html.gz``
is the one input ``report.html.gz!/report.html``. The member's own name gives
its extension, so the readers see ``member.docx`` as a .docx.

Every member is read through :mod:`nianbao.zipguard`, the DOCX reader's own
zip limits (entry count, declared and real inflated size, inflate ratio, total
inflated per input), plus a nesting depth (``max_depth``). A member is refused,
as a dead letter of stage ``read`` naming archive and member, when:

- it is over a limit (a zip bomb: :class:`~nianbao.errors.ZipLimitError`);
- its name is unsafe: absolute (``/etc/x``, ``C:\\x``), with a ``..`` part, or
  with a NUL (path traversal, :class:`ArchiveError`). Nothing is ever written
  to disk, so such a name cannot reach outside the output folder anyway; it is
  refused because no honest archive of reports has one;
- it is an archive nested deeper than ``max_depth``.

An archive that cannot be opened at all (not a zip, truncated, too many
entries) is one input, the archive itself, whose dead letter says why.

Limits come from :class:`ArchiveLimits` (its defaults are the DOCX reader's;
``NIANBAO_ARCHIVE_MAX_ENTRIES`` and the other ``NIANBAO_ARCHIVE_*`` variables
raise them). ``opener`` is how the archive's own bytes are opened: :func:`open`
locally (:func:`open_local`), Beam's ``FileSystems.open`` in the pipeline (any seekable binary file).
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from .errors import NianbaoError, ReadError, ZipLimitError
from .zipguard import CHUNK_BYTES, Totals, ZipLimits, check_entries, read_entry

#: Between an archive and a member in a URI (as Java's ``jar:`` URLs and Apache VFS write it).
SEPARATOR = "!/"
ZIP = ".zip"
GZIP = ".gz"
#: ``opener(path)``: a seekable binary file of ``path``.
Opener = Callable[[str], IO[bytes]]


def open_local(path: str) -> IO[bytes]:
    """The default opener: a local file, binary."""
    return open(path, "rb")

_UNSAFE = re.compile(r"(?:^|[/\\])\.\.(?:[/\\]|$)|^[/\\]|^[A-Za-z]:|\x00")
ENV_PREFIX = "NIANBAO_ARCHIVE_"


class ArchiveError(ReadError):
    """An archive, or one of its members, that cannot be read safely."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ArchiveLimits(ZipLimits):
    """The DOCX reader's zip limits, for archives of reports, plus how deep archives may nest."""

    #: Most entries of one archive (a bulk download holds hundreds or thousands of reports).
    max_entries: int = 10_000
    #: Archives inside archives: 1 reads only the members of the archive given, 2 one level of nesting.
    max_depth: int = 2

    @classmethod
    def from_env(cls, environ: dict[str, str] | os._Environ[str] | None = None) -> ArchiveLimits:
        """The defaults, overridden by ``NIANBAO_ARCHIVE_MAX_ENTRIES``, ``NIANBAO_ARCHIVE_MAX_PART_BYTES``, …"""
        environ = os.environ if environ is None else environ
        changes: dict[str, float] = {}
        for field in dataclasses.fields(cls):
            raw = environ.get(ENV_PREFIX + field.name.upper(), "").strip()
            if raw:
                try:
                    changes[field.name] = float(raw) if field.name == "max_inflate_ratio" else int(raw)
                except ValueError:
                    raise ValueError(f"{ENV_PREFIX}{field.name.upper()}={raw!r} is not a number") from None
        return cls(**changes)  # type: ignore[arg-type]


def _hint(limit: str) -> str:
    return f"; to read such an archive anyway, raise the limit: {ENV_PREFIX}{limit.upper()}=… (only archives you trust)"


def is_archive(path: str) -> bool:
    """Whether ``path`` (or a member URI's last part) names a ``.zip`` or ``.gz``."""
    return path.lower().endswith((ZIP, GZIP))


def is_member(uri: str) -> bool:
    """Whether ``uri`` names a member of an archive (``a.zip!/b.docx``)."""
    return SEPARATOR in uri


def split(uri: str) -> tuple[str, list[str]]:
    """``"a.zip!/b.zip!/c.docx"`` → ``("a.zip", ["b.zip", "c.docx"])``."""
    outer, *members = uri.split(SEPARATOR)
    return outer, members


def gz_member(name: str) -> str:
    """The one member of a gzip file: its name without ``.gz`` (``report.html.gz`` → ``report.html``)."""
    base = posixpath.basename(name.replace("\\", "/"))
    return base[: -len(GZIP)] if base.lower().endswith(GZIP) else base


def unsafe_name(name: str) -> bool:
    """Whether a member name is absolute or climbs out with ``..``: path traversal."""
    return _UNSAFE.search(name) is not None


# --------------------------------------------------------------------------
# Listing
# --------------------------------------------------------------------------


def list_members(path: str, opener: Opener = open_local, limits: ArchiveLimits | None = None) -> list[str]:
    """The input URIs inside archive ``path``: one per file member (nested archives listed into).

    An archive that cannot be opened or listed is its own one input (reading it
    then gives the error as a dead letter); so is an empty one.
    """
    limits = limits or ArchiveLimits.from_env()
    try:
        with opener(path) as handle:
            found = _list(handle, path, path, 1, limits, Totals())
    except (NianbaoError, OSError):
        return [path]
    return found or [path]


def _list(handle: IO[bytes], name: str, uri: str, depth: int, limits: ArchiveLimits, totals: Totals) -> list[str]:
    if not name.lower().endswith(ZIP):
        return [uri + SEPARATOR + gz_member(name)]
    with _open_zip(handle, uri, limits) as archive:
        found: list[str] = []
        for info in archive.infolist():
            if info.is_dir():
                continue
            member = uri + SEPARATOR + info.filename
            if is_archive(info.filename) and depth < limits.max_depth and not unsafe_name(info.filename):
                try:
                    data = read_entry(archive, info, limits, _hint, totals)
                    found.extend(_list(io.BytesIO(data), info.filename, member, depth + 1, limits, totals))
                    continue
                except NianbaoError:
                    pass  # listed as itself: reading it says why
            found.append(member)
    return found


def _open_zip(handle: IO[bytes], uri: str, limits: ArchiveLimits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise ArchiveError(f"archive {uri}: not a readable zip (truncated, damaged or not a zip): {exc}") from exc
    try:
        check_entries(len(archive.infolist()), limits, _hint, "an archive of reports has hundreds")
    except ZipLimitError as exc:
        archive.close()
        raise ZipLimitError(f"{uri}: {exc.message}") from exc
    return archive


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def read_member(uri: str, opener: Opener = open_local, limits: ArchiveLimits | None = None) -> bytes:
    """The bytes of member ``uri`` (``a.zip!/b.docx``), within the limits; :class:`ArchiveError` (or
    :class:`~nianbao.errors.ZipLimitError`) naming archive and member when it cannot be read safely.

    Given an archive's own path (one that :func:`list_members` could not list),
    it raises the error that kept it from being listed.
    """
    limits = limits or ArchiveLimits.from_env()
    outer, members = split(uri)
    if len(members) > limits.max_depth:
        raise ArchiveError(f"archive {outer}: member {SEPARATOR.join(members)!r} is nested {len(members)} archives "
                           f"deep, over the limit of {limits.max_depth}{_hint('max_depth')}")
    totals = Totals()
    with opener(outer) as handle:
        if not members:
            _list(handle, outer, outer, limits.max_depth, limits, totals)
            raise ArchiveError(f"archive {outer} holds no file to read")
        container: IO[bytes] = handle
        name, where = outer, outer
        for member in members:
            data = _read_one(container, name, where, member, limits, totals)
            container, name, where = io.BytesIO(data), member, where + SEPARATOR + member
    if is_archive(members[-1]):  # listed as itself: nested too deep, or it could not be listed (say why)
        if len(members) < limits.max_depth:
            _list(io.BytesIO(data), members[-1], uri, len(members) + 1, limits, totals)
            raise ArchiveError(f"archive {uri} holds no file to read")
        raise ArchiveError(f"archive {uri.rpartition(SEPARATOR)[0]}: member {members[-1]!r} is itself an archive, "
                           f"nested deeper than the limit of {limits.max_depth}{_hint('max_depth')}")
    return data


def _read_one(handle: IO[bytes], name: str, where: str, member: str, limits: ArchiveLimits, totals: Totals) -> bytes:
    """Member ``member`` of the archive ``name`` (at URI ``where``), open as ``handle``."""
    if unsafe_name(member):
        raise ArchiveError(f"archive {where}: member {member!r} has an unsafe path (absolute, or climbing out "
                           "with '..'): refused, as path traversal; nothing was extracted")
    if not name.lower().endswith(ZIP):
        if member != gz_member(name):
            raise ArchiveError(f"archive {where}: a gzip file holds one member, {gz_member(name)!r}, not {member!r}")
        return _gunzip(handle, where, member, limits, totals)
    with _open_zip(handle, where, limits) as archive:
        try:
            info = archive.getinfo(member)
        except KeyError:
            raise ArchiveError(f"archive {where}: no member {member!r}") from None
        try:
            return read_entry(archive, info, limits, _hint, totals)
        except ZipLimitError as exc:
            raise ZipLimitError(f"archive {where}: member {exc.message}") from exc
        except ReadError as exc:
            raise ArchiveError(f"archive {where}: member {exc.message}") from exc


def _gunzip(handle: IO[bytes], where: str, member: str, limits: ArchiveLimits, totals: Totals) -> bytes:
    """A gzip stream inflated in bounded chunks: ``max_part_bytes`` and the inflate ratio checked as it grows."""
    handle.seek(0, io.SEEK_END)
    packed = max(handle.tell(), 1)
    handle.seek(0)
    chunks: list[bytes] = []
    size = 0
    try:
        with gzip.GzipFile(fileobj=handle) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > limits.max_part_bytes or totals.inflated + size > limits.max_total_bytes:
                    raise ZipLimitError(f"archive {where}: member {member} inflates past "
                                        f"{min(limits.max_part_bytes, limits.max_total_bytes):,} bytes"
                                        f"{_hint('max_part_bytes')}")
                if size > limits.ratio_grace_bytes and size / packed > limits.max_inflate_ratio:
                    raise ZipLimitError(f"archive {where}: member {member} inflates over {size / packed:,.0f}:1 "
                                        f"({packed:,} bytes to more than {size:,}), over the limit of "
                                        f"{limits.max_inflate_ratio:,.0f}:1, as a zip bomb does"
                                        f"{_hint('max_inflate_ratio')}")
                chunks.append(chunk)
    except (OSError, EOFError, zlib.error) as exc:
        raise ArchiveError(f"archive {where}: not a readable gzip file (truncated or damaged): {exc}") from exc
    totals.inflated += size
    return b"".join(chunks)


def iter_inputs(path: str, opener: Opener = open_local, limits: ArchiveLimits | None = None
                ) -> Iterator[tuple[str, bytes | NianbaoError]]:
    """``(uri, bytes)`` for each input of ``path``: the file itself, or each member of an archive;
    ``(uri, error)`` for a member that cannot be read. ``OSError`` for a file that cannot be opened."""
    if not is_archive(path):
        with opener(path) as handle:
            yield path, handle.read()
        return
    limits = limits or ArchiveLimits.from_env()
    for uri in list_members(path, opener, limits):
        try:
            yield uri, read_member(uri, opener, limits)
        except NianbaoError as exc:
            exc.uri = uri
            yield uri, exc
