"""Files on the local disk or any Beam filesystem (gs://, s3://), each written whole or not at all.

The primitives every file of ``nianbao run`` is written and read with (:mod:`.staging`,
:mod:`.table_files`, :mod:`.run_files`, :mod:`.crossyear`, :mod:`.report`). Beam is imported
only for a remote path, so ``nianbao report`` on a local folder never imports it.
"""

from __future__ import annotations

import os
import uuid
from typing import IO


def is_local(path: str) -> bool:
    """Whether ``path`` is on the local filesystem (no ``scheme://``)."""
    return "://" not in path or path.startswith("file://")


def join(directory: str, name: str) -> str:
    """``directory/name`` for local paths and URLs alike."""
    if is_local(directory):
        return os.path.join(directory, name)
    return directory.rstrip("/") + "/" + name


def write_atomic(path: str, data: bytes) -> None:
    """Write ``data`` so that readers see the old file or the whole new one, never a part.

    Locally: a uniquely named temporary file beside the target, then
    ``os.replace``. Object stores (gs://, s3://) commit an object only when it
    is closed, which is already atomic.
    """
    if is_local(path):
        tmp = f"{path}.{uuid.uuid4().hex}.tmp"
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        return
    from apache_beam.io.filesystems import FileSystems

    with FileSystems.create(path) as handle:
        handle.write(data)


def read_bytes(path: str) -> bytes:
    """The bytes of a local file or of any Beam filesystem object."""
    if is_local(path):
        with open(path, "rb") as handle:
            return handle.read()
    from apache_beam.io.filesystems import CompressionTypes, FileSystems

    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return handle.read()


#: The write buffer of a local :class:`PendingFile`.
_BUFFER = 1 << 20


class PendingFile:
    """A file being written under a temporary name, renamed into place by :meth:`commit`."""

    def __init__(self, directory: str, name: str) -> None:
        self.directory = directory
        self.name = name
        self.tmp = join(directory, f".{name}.{uuid.uuid4().hex}.tmp")
        if is_local(directory):
            # a large buffer: the merge writes a GB of records at 100,000 inputs, about 10 KB at a time, and each
            # write past the default 8 KB buffer is a system call (half the kernel's time on this machine)
            self.handle: IO[bytes] = open(self.tmp, "wb", buffering=_BUFFER)  # noqa: SIM115 (closed in commit/abort)
        else:
            from apache_beam.io.filesystems import CompressionTypes, FileSystems

            self.handle = FileSystems.create(self.tmp, compression_type=CompressionTypes.UNCOMPRESSED)

    def commit(self, name: str | None = None) -> str:
        self.handle.close()
        final = join(self.directory, name or self.name)
        if is_local(self.directory):
            os.replace(self.tmp, final)
        else:
            from apache_beam.io.filesystems import FileSystems

            FileSystems.rename([self.tmp], [final])
        return final

    def abort(self) -> None:
        self.handle.close()
        try:
            if is_local(self.directory):
                os.remove(self.tmp)
            else:
                from apache_beam.io.filesystems import FileSystems

                FileSystems.delete([self.tmp])
        except OSError:
            pass
