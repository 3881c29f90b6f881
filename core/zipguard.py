"""Zip limits: inflating a zip entry without letting a zip bomb or a damaged archive take a worker down.

One implementation for every zip nianbao opens: the DOCX reader's parts
(:mod:`nianbao.plugins.docx`), the members of ``.zip`` archives of reports
(:mod:`nianbao.archive`), and any plugin's (``examples/nianbao-odt``). The
checks follow Apache POI's ``ZipSecureFile``:

- an entry whose declared size is over ``max_part_bytes``, or whose declared
  inflate ratio (uncompressed ÷ compressed) is over ``max_inflate_ratio``
  once it is over ``ratio_grace_bytes``, is refused before inflating it;
- inflating stops at ``max_part_bytes`` whatever the header says (a lying
  header), and at ``max_total_bytes`` for all entries read from one input;
- what :mod:`zipfile` and :mod:`zlib` raise on a damaged, encrypted or exotic
  entry becomes a :class:`~nianbao.errors.ReadError` naming the entry.

``limits`` is any object with the attributes of :class:`ZipLimits` (the DOCX
reader passes itself: its limits are class attributes), ``hint`` the fix-it
sentence each :class:`~nianbao.errors.ZipLimitError` ends with, given the name
of the limit that tripped.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from .errors import ReadError, ZipLimitError

MIB = 1024 * 1024
#: Size of each read from the inflating stream.
CHUNK_BYTES = 1 << 20
#: ``hint(limit_name)``: how to raise that limit, appended to its error.
Hint = Callable[[str], str]


class ZipLimitsLike(Protocol):
    max_entries: int
    max_part_bytes: int
    max_total_bytes: int
    max_inflate_ratio: float
    ratio_grace_bytes: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ZipLimits:
    """What the entries of one zip may cost (the DOCX reader's defaults; POI's for the ratio)."""

    #: Most entries accepted.
    max_entries: int = 10_000
    #: Most bytes one entry may inflate to.
    max_part_bytes: int = 50 * MIB
    #: Most bytes all the entries read from one input may inflate to, together.
    max_total_bytes: int = 100 * MIB
    #: Highest inflate ratio of an entry above ``ratio_grace_bytes`` (POI's ``MIN_INFLATE_RATIO`` 0.01, inverted).
    max_inflate_ratio: float = 100.0
    #: Entries smaller than this are not ratio-checked (POI's ``GRACE_ENTRY_SIZE``).
    ratio_grace_bytes: int = 100 * 1024


@dataclass(slots=True)
class Totals:
    """What the entries read for one input have cost so far: inflated bytes (and, for markup, tags)."""

    inflated: int = 0
    tags: int = 0


@contextmanager
def zip_errors(what: str) -> Iterator[None]:
    """Translate what zipfile and zlib raise on a damaged archive into :class:`ReadError`."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ReadError(f"{what} is corrupt or truncated in the zip: {exc}") from exc
    except NotImplementedError as exc:  # Deflate64, LZMA from odd archivers
        raise ReadError(f"{what} uses a zip compression method Python cannot inflate: {exc}") from exc
    except RuntimeError as exc:  # "File is encrypted, password required"
        raise ReadError(f"{what} is encrypted in the zip: {exc}") from exc


def check_entries(count: int, limits: ZipLimitsLike, hint: Hint, usual: str) -> None:
    """Refuse a zip of more than ``max_entries`` entries (``usual`` says how many a good one has)."""
    if count > limits.max_entries:
        raise ZipLimitError(f"the zip has {count:,} entries, over the limit of {limits.max_entries:,} "
                            f"({usual}){hint('max_entries')}")


def check_sizes(info: zipfile.ZipInfo, limits: ZipLimitsLike, hint: Hint, totals: Totals | None = None) -> None:
    """Refuse an entry whose declared size or inflate ratio is over the limits, before inflating it.

    The ratio is checked above ``ratio_grace_bytes`` only, as POI does: small
    entries may compress oddly well without being a threat.
    """
    if info.file_size > limits.max_part_bytes:
        raise ZipLimitError(f"{info.filename} would inflate to {info.file_size:,} bytes, over the limit of "
                            f"{limits.max_part_bytes:,}{hint('max_part_bytes')}")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > limits.ratio_grace_bytes and ratio > limits.max_inflate_ratio:
        raise ZipLimitError(
            f"{info.filename} would inflate {ratio:,.0f}:1 ({info.compress_size:,} bytes to "
            f"{info.file_size:,}), over the limit of {limits.max_inflate_ratio:,.0f}:1, as a zip bomb does"
            f"{hint('max_inflate_ratio')}"
        )
    if totals is not None and totals.inflated + info.file_size > limits.max_total_bytes:
        raise over_total(info.filename, totals.inflated + info.file_size, limits.max_total_bytes, hint)


def inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimitsLike, hint: Hint,
            totals: Totals | None = None) -> bytes:
    """Inflate an entry in bounded chunks, never past ``max_part_bytes`` (nor, with ``totals``, past
    ``max_total_bytes`` for all entries together) whatever its header says.

    CPython's ``zipfile`` already stops at the declared size (and then fails the
    CRC check if the header lied); the bound here does not depend on that.
    """
    chunks: list[bytes] = []
    total = 0
    before = 0 if totals is None else totals.inflated
    with zip_errors(info.filename), archive.open(info) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            total += len(chunk)
            if total > limits.max_part_bytes:
                raise ZipLimitError(f"{info.filename} inflates past {limits.max_part_bytes:,} bytes though its "
                                    f"header declares {info.file_size:,}{hint('max_part_bytes')}")
            if before + total > limits.max_total_bytes:
                raise over_total(info.filename, before + total, limits.max_total_bytes, hint)
            chunks.append(chunk)
    if totals is not None:
        totals.inflated += total
    return b"".join(chunks)


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimitsLike, hint: Hint,
               totals: Totals | None = None) -> bytes:
    """:func:`check_sizes`, then :func:`inflate`: the bytes of one entry within the limits."""
    check_sizes(info, limits, hint, totals)
    return inflate(archive, info, limits, hint, totals)


def over_total(name: str, size: int, limit: int, hint: Hint) -> ZipLimitError:
    """The error of an entry that takes the input's inflated total over ``max_total_bytes``."""
    return ZipLimitError(f"{name} takes the parts read from this file to {size:,} bytes inflated, over the limit "
                         f"of {limit:,} for all parts together{hint('max_total_bytes')}")
