"""Extractor of the report's metadata: title, agency, year, published, signed (see :func:`nianbao.page.metadata`)."""

from __future__ import annotations

from nianbao.document import Document
from nianbao.extract import Extraction, Extractor
from nianbao.hookspecs import hookimpl
from nianbao.outline import Outline, is_chrome, texts_of
from nianbao.page import metadata


class MetadataExtractor(Extractor):
    name = "metadata"
    priority = 100

    def extract(self, document: Document, outline: Outline) -> Extraction:
        tail = outline.tail
        first = next(iter(outline.sections.values()), None)
        front = texts_of(outline.front)
        texts = front + texts_of(first.blocks) if first is not None else front
        fields, issues = metadata(front, outline.front, document.properties, tail.signer,
                                  tail.date_line, texts, is_chrome)
        return Extraction(fields=fields, issues=issues)


@hookimpl
def register_extractors(register):
    register(MetadataExtractor())
