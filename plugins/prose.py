"""Extractor of the prose sections: 一 总体情况, 五 存在的主要问题及改进情况, 六 其他需要报告的事项."""

from __future__ import annotations

from nianbao.document import Document
from nianbao.extract import Extraction, Extractor
from nianbao.hookspecs import hookimpl
from nianbao.outline import Outline, is_chrome, texts_of
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
            section = outline.sections.get(key)
            if section is None:
                out[key] = None
                issues.append(warning("section.missing", f"section {key} not found", f"sections.{key}"))
                continue
            if key == outline.last:
                texts = list(outline.tail.body)
            else:
                texts = [t for t in texts_of(section.blocks) if not is_chrome(t)]
            if section.aside:
                texts.insert(0, section.aside)
            text = "\n".join(t.strip() for t in texts if t.strip())
            out[key] = text or None
            if not text:
                issues.append(warning("section.empty", f"section {key} has no text", f"sections.{key}"))
        return Extraction(fields={"sections": out}, issues=issues)


@hookimpl
def register_extractors(register):
    register(ProseExtractor())
