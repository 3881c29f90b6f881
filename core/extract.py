"""The extractor interface: a Document (with its outline) in, a partial record out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from .document import Document
from .outline import Outline
from .record import Issue


@dataclass(slots=True)
class Extraction:
    """What one extractor found: record fields, issues, and the template version of its tables."""

    fields: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    versions: tuple[str | None, ...] = ()


class Extractor:
    """Base class of section extractors.

    Subclasses set a unique ``name`` and a ``priority`` and implement
    :meth:`extract`. Extractors never see bytes and never import each other; the
    host merges their :class:`Extraction` results into one record.
    """

    name: ClassVar[str] = ""
    priority: ClassVar[int] = 0

    def extract(self, document: Document, outline: Outline) -> Extraction:
        raise NotImplementedError
