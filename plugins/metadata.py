"""Extractor of the report's metadata: title, agency, year, published, signed (see :func:`nianbao.page.metadata`)."""

from __future__ import annotations

from nianbao.document import Document
from nianbao.extract import Extraction, Extractor
from nianbao.hookspecs import hookimpl
from nianbao.outline import Outline


class MetadataExtractor(Extractor):
    name = "metadata"
    priority = 100

    def extract(self, document: Document, outline: Outline) -> Extraction:
        fields, issues = outline.metadata(document.properties)
        return Extraction(fields=fields, issues=issues)


@hookimpl
def register_extractors(register):
    register(MetadataExtractor())
