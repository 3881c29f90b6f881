"""Extractor of the prose sections: 一 总体情况, 五 存在的主要问题及改进情况, 六 其他需要报告的事项."""

from __future__ import annotations

from nianbao.document import Document
from nianbao.extract import Extraction, Extractor
from nianbao.hookspecs import hookimpl
from nianbao.outline import Outline
from nianbao.record import warning
from nianbao.template import PROSE_SECTIONS


class ProseExtractor(Extractor):
    """Section text as printed, paragraphs joined by line breaks; signature and page chrome left out."""

    name = "sections"
    priority = 80

    def extract(self, document: Document, outline: Outline) -> Extraction:
        out: dict[str, str | None] = {}
        issues = []
        for key in PROSE_SECTIONS:
            if key not in outline.sections:
                out[key] = None
                issues.append(warning("section.missing", f"section {key} not found", f"sections.{key}"))
                continue
            text = outline.text(key)
            out[key] = text or None
            if not text:
                issues.append(warning("section.empty", f"section {key} has no text", f"sections.{key}"))
        return Extraction(fields={"sections": out}, issues=issues)


@hookimpl
def register_extractors(register):
    register(ProseExtractor())
