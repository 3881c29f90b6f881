"""Extractor of the report's metadata: title, agency, year, published, signed (see :func:`nianbao.page.metadata`)."""

from __future__ import annotations

from nianbao.document import Document, Paragraph
from nianbao.extract import Extraction, Extractor
from nianbao.hookspecs import hookimpl
from nianbao.outline import Outline, is_chrome, texts_of
from nianbao.page import metadata

#: How many blocks of section 一 may hold the statistics period sentence (its first paragraphs).
PERIOD_SEARCH_BLOCKS = 12


class MetadataExtractor(Extractor):
    name = "metadata"
    priority = 100

    def extract(self, document: Document, outline: Outline) -> Extraction:
        tail = outline.tail
        first = next(iter(outline.sections.values()), None)
        front = texts_of(outline.front)
        # the statistics period is printed before section 一 or at its start: those paragraphs, unsplit
        opening = first.blocks[:PERIOD_SEARCH_BLOCKS] if first else ()
        texts = [b.text for b in (*outline.front, *opening) if isinstance(b, Paragraph)]
        fields, issues = metadata(front, outline.front, document.properties, tail.signer,
                                  tail.date_line, texts, is_chrome)
        return Extraction(fields=fields, issues=issues)


@hookimpl
def register_extractors(register):
    register(MetadataExtractor())
