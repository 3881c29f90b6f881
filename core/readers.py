"""The reader interface: bytes in, :class:`~nianbao.document.Document` out."""

from __future__ import annotations

from typing import ClassVar

from .document import Document
from .source import SourceInfo


class Reader:
    """Base class of format readers.

    Subclasses set ``name`` (unique), ``format`` (the record's ``source.format``),
    ``priority`` (higher is tried first: specific formats above catch-alls) and,
    optionally, ``extensions`` and ``mimetypes``.

    ``accepts`` must be cheap: it sees the first bytes and the source info, never
    the whole input. ``read`` gets immutable bytes and raises a
    :class:`~nianbao.errors.ReadError` subclass when it cannot read them.
    """

    name: ClassVar[str] = ""
    format: ClassVar[str] = ""
    priority: ClassVar[int] = 0
    extensions: ClassVar[frozenset[str]] = frozenset()
    mimetypes: ClassVar[frozenset[str]] = frozenset()

    def accepts(self, head: bytes, source: SourceInfo) -> bool:
        """Whether this reader should try the input: by default, by extension or mime type."""
        return source.extension in self.extensions or source.mimetype in self.mimetypes

    def read(self, data: bytes, source: SourceInfo) -> Document:
        """Read the whole input into a Document."""
        raise NotImplementedError
