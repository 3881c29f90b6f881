"""What is known about an input before it is read: :class:`SourceInfo`."""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True, slots=True)
class SourceInfo:
    """Facts about an input that readers may use to decide whether they accept it.

    Every field is optional: bytes from a pipe have no name, a file on disk has
    no declared charset. ``extension`` is lower-case with its dot (``".html"``).
    """

    uri: str = "<bytes>"
    extension: str | None = None
    mimetype: str | None = None
    charset: str | None = None

    @classmethod
    def from_uri(cls, uri: str, **fields: str | None) -> SourceInfo:
        """Guess extension and mime type from a path or URL."""
        base = uri.rsplit("?", 1)[0].rsplit("#", 1)[0]
        ext = os.path.splitext(base)[1].lower() or None
        mime = mimetypes.guess_type(base, strict=False)[0] if ext else None
        values: dict[str, str | None] = {"extension": ext, "mimetype": mime}
        values.update(fields)
        return cls(uri=uri, **values)
