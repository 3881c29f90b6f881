"""Extractor of the report's metadata: title, agency, year, publish and signature dates."""

from __future__ import annotations

import re

from nianbao.dates import find_date
from nianbao.document import Document
from nianbao.extract import Extraction, Extractor
from nianbao.hookspecs import hookimpl
from nianbao.outline import Outline, is_chrome, texts_of
from nianbao.record import warning
from nianbao.template import PUBLISH_LABELS, TITLE_END, TITLE_LABELS, TITLE_WORDS

#: The reported year inside a title: ``2020年``, ``2020年度``, ``2021政府…``.
TITLE_YEAR = re.compile(r"((?:19|20)\d{2})(?=\s*(?:年|政府|度))")
_TITLE_LABEL = re.compile(rf"^(?:{'|'.join(TITLE_LABELS)})\s*[:：]\s*")
_PUBLISH = re.compile(rf"(?:{'|'.join(PUBLISH_LABELS)})\s*[:：]")
#: How far into the front matter a title may start, and how many lines it may span.
TITLE_SEARCH_LINES = 40
TITLE_MAX_LINES = 3
TITLE_MAX_CHARS = 120


def find_title(texts: list[str]) -> str | None:
    """The report title: the first line ending in 报告, with the lines above it that complete it."""
    texts = [_TITLE_LABEL.sub("", t.strip()) for t in texts[:TITLE_SEARCH_LINES] if t.strip() and not is_chrome(t)]
    for index, text in enumerate(texts):
        if not text.endswith(TITLE_END) or len(text) > TITLE_MAX_CHARS:
            continue
        title, first = text, index
        while first > 0 and index - first < TITLE_MAX_LINES - 1 and _incomplete(title):
            first -= 1
            title = texts[first] + title
        if TITLE_WORDS in title or TITLE_YEAR.search(title):
            return title
    return None


def _incomplete(title: str) -> bool:
    year = TITLE_YEAR.search(title)
    return year is None or TITLE_WORDS not in title or year.start() == 0


def find_published(texts: list[str]) -> str | None:
    """The date on a web page's publish line (``发布时间:2023-01-17 10:04``)."""
    for text in texts[:TITLE_SEARCH_LINES]:
        match = _PUBLISH.search(text)
        if match:
            found = find_date(text[match.end():])
            if found:
                return found
    return None


#: What follows the year in a year-first title, before the agency: ``2019年度``, ``2019年``.
_YEAR_TAIL = re.compile(r"\s*(?:年度|年)?\s*")


def agency_of(title: str, year: re.Match[str]) -> str | None:
    """The body named in a title: before the year, or for a year-first title between year and 政府信息公开."""
    before = title[: year.start()].strip()
    if before:
        return before
    after = title[_YEAR_TAIL.match(title, year.end()).end():]
    cut = after.find(TITLE_WORDS)
    return after[:cut].strip() or None if cut > 0 else None


class MetadataExtractor(Extractor):
    name = "metadata"
    priority = 100

    def extract(self, document: Document, outline: Outline) -> Extraction:
        front = texts_of(outline.front)
        issues = []
        title = find_title(front)
        agency = year = None
        if title is None:
            issues.append(warning("metadata.no_title", "no title found before section 一", "title"))
        else:
            match = TITLE_YEAR.search(title)
            if match:
                year = int(match.group(1))
                agency = agency_of(title, match)
            else:
                issues.append(warning("metadata.no_year", f"no year in the title {title!r}", "year"))
        published = document.properties.get("published") or find_published(front)
        signed = find_date(outline.tail.date_line) if outline.tail.date_line else None
        fields = {"title": title, "agency": agency, "year": year, "published": published, "signed": signed}
        return Extraction(fields=fields, issues=issues)


@hookimpl
def register_extractors(register):
    register(MetadataExtractor())
