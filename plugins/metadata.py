"""Extractor of the report's metadata: title, agency, year, publish and signature dates."""

from __future__ import annotations

import re

from nianbao.dates import find_date
from nianbao.document import Document
from nianbao.extract import Extraction, Extractor
from nianbao.hookspecs import hookimpl
from nianbao.outline import Outline, is_chrome, texts_of
from nianbao.record import warning
from nianbao.template import (
    AGENCY_AFFIXES,
    FRONT_WORDS,
    PUBLISH_LABELS,
    TITLE_END,
    TITLE_LABELS,
    TITLE_WORDS,
    simplified,
)

#: The reported year inside a title: ``2020年``, ``2020年度``, ``2021政府…``.
TITLE_YEAR = re.compile(r"((?:19|20)\d{2})(?=\s*(?:年|政府|度))")
_TITLE_LABEL = re.compile(rf"^(?:{'|'.join(TITLE_LABELS)})\s*[:：]\s*")
#: Markdown around a line (OCR and PDF-to-text tools write it): heading marks, bold.
_MARKUP = re.compile(r"^(?:#{1,6}(?=\s)|\*\*|__)\s*|\s*(?:\*\*|__)$")
_FRONT_WORDS = frozenset(FRONT_WORDS)
_PUBLISH = re.compile(rf"(?:{'|'.join(PUBLISH_LABELS)})\s*[:：]")
#: How far into the front matter a title may start, and how many lines it may span.
TITLE_SEARCH_LINES = 40
TITLE_MAX_LINES = 3
TITLE_MAX_CHARS = 120


def _title_line(text: str) -> str:
    """A front-matter line as a title candidate: no field label (``标题:``), no Markdown marks."""
    line = _MARKUP.sub("", text.strip())
    label = _TITLE_LABEL.match(simplified(line))  # 標題: as 标题:
    return line[label.end():] if label else line


def find_title(texts: list[str]) -> str | None:
    """The report title: the first line ending in 报告, with the lines above it that complete it.

    Page labels such as ``正文`` and web-page chrome are never part of a title.
    """
    texts = [line for line in (_title_line(t) for t in texts[:TITLE_SEARCH_LINES] if not is_chrome(t))
             if line and line not in _FRONT_WORDS]
    for index, text in enumerate(texts):
        if not simplified(text).endswith(TITLE_END) or len(text) > TITLE_MAX_CHARS:
            continue
        title, first = text, index
        while first > 0 and index - first < TITLE_MAX_LINES - 1 and _incomplete(title):
            first -= 1
            title = texts[first] + title
        if TITLE_WORDS in simplified(title) or TITLE_YEAR.search(title):
            return title
    return None


def _incomplete(title: str) -> bool:
    year = TITLE_YEAR.search(title)
    return year is None or TITLE_WORDS not in simplified(title) or year.start() == 0


def find_published(texts: list[str]) -> str | None:
    """The date on a web page's publish line (``发布时间:2023-01-17 10:04``)."""
    for text in texts[:TITLE_SEARCH_LINES]:
        match = _PUBLISH.search(simplified(text))
        if match:
            found = find_date(text[match.end():])
            if found:
                return found
    return None


#: What follows the year in a year-first title, before the agency: ``2019年度``, ``2019年``.
_YEAR_TAIL = re.compile(r"\s*(?:年度|年)?\s*")


#: Spaces between two CJK characters (OCR and PDF text put them in names: ``沭阳县 人民政府``).
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
#: Punctuation a title may leave at either end of the agency.
_AGENCY_EDGES = " \t　:：，,、\"“”"
#: Brackets: one left at an end without its partner inside the name goes (``《XX局``, ``XX局（``).
_BRACKETS = {"（": "）", "(": ")", "《": "》", "【": "】", "[": "]", "<": ">", "〈": "〉"}
_CLOSERS = {closer: opener for opener, closer in _BRACKETS.items()}
_AFFIX_START = re.compile(rf"^(?:{'|'.join(AGENCY_AFFIXES)})")
_AFFIX_END = re.compile(rf"(?:{'|'.join(AGENCY_AFFIXES)})$")


def agency_of(title: str, year: re.Match[str]) -> str | None:
    """The body named in a title.

    Before the year (``XX局2021年…``, ``XX局关于2021年…``), before 政府信息公开
    when the year comes after it (``XX办公厅政府信息公开工作年度报告（2021年）``), or
    for a year-first title between the year and 政府信息公开 (``2021年XX局政府…``).
    Connectives (关于, 的), brackets at the ends and spaces inside the name are dropped.
    """
    words = simplified(title).find(TITLE_WORDS)  # same length: positions hold in the title
    end = words if 0 <= words < year.start() else year.start()
    agency = _tidy_agency(title[:end])
    if agency or end < year.start():
        return agency
    after = title[_YEAR_TAIL.match(title, year.end()).end():]
    cut = simplified(after).find(TITLE_WORDS)
    return _tidy_agency(after[:cut]) if cut > 0 else None


def _tidy_agency(text: str) -> str | None:
    previous = None
    while text != previous:  # ``《XX局关于`` → ``XX局``: edges, lone brackets, affixes, until nothing changes
        previous = text
        text = text.strip(_AGENCY_EDGES)
        if text and (text[0] in _CLOSERS or (text[0] in _BRACKETS and _BRACKETS[text[0]] not in text)):
            text = text[1:]
        if text and (text[-1] in _BRACKETS or (text[-1] in _CLOSERS and _CLOSERS[text[-1]] not in text)):
            text = text[:-1]
        start = _AFFIX_START.match(simplified(text))
        text = text[start.end():] if start else text
        end = _AFFIX_END.search(simplified(text))
        text = text[:end.start()] if end else text
    return _CJK_SPACE.sub("", text) or None


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
