"""The page around a report's sections: title, publish line, article bounds, signature, statistics period.

Readers turn markup into a :class:`~nianbao.document.Document` and keep what a
page states outside its text as data (``<title>``, ``<meta>`` values, the
element path of each block); this module interprets it, for every format, with
the template's words only:

- :func:`settle` narrows each web page of a document to its article: the
  deepest element holding a heading of every report section seen on the page
  (sidebars, breadcrumbs and footers fall outside it), with the signature
  right after it, the title line above it (or ``<title>``) when the article
  prints none, and the page's publish date in ``properties["published"]``;
- :func:`find_title` and :func:`find_published` are the one title finder and
  the one publish finder, over a document's front lines;
- :func:`split_signature` peels the signing body and date off the end of the
  last section, and :func:`metadata` reconciles title, agency, year and dates
  from every source (title, statistics period, signature): when sources
  disagree the field is null with an issue, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from .dates import CN_YEAR, cn_year, date_at_end, find_date, is_date_line
from .document import Block, Document, Page, Paragraph, Path, ReaderNote, Table
from .record import Issue, warning
from .template import (
    AGENCY_AFFIXES,
    ARTICLE_CUES,
    FIELD_LABEL_CHARS,
    FRONT_CHROME,
    FRONT_WORDS,
    OPENING_YEAR,
    PERIOD_LABELS,
    PLACE_SUFFIXES,
    PRINT_LINE_ENDS,
    PROSE_YEAR,
    PUBLISH_BARE_LABELS,
    PUBLISH_FOLLOWERS,
    PUBLISH_LABELS,
    PUBLISH_META,
    SIGNATURE_ASIDE_MAX_CHARS,
    SIGNATURE_NOTES,
    SIGNATURE_TRAILERS,
    SIGNER_ENDS,
    TITLE_ENDS,
    TITLE_LABELS,
    TITLE_META,
    TITLE_WORDS,
    WORD_STYLE_LEAK,
    WRITTEN_LABELS,
    simplified,
)

# --------------------------------------------------------------------------
# Lines: section cues, titles, publish lines
# --------------------------------------------------------------------------

#: A heading is a short line; a sentence naming the sections is not one.
CUE_MAX_CHARS = 40
#: The longest title line.
TITLE_MAX_CHARS = 120


def section_cue(text: str) -> str | None:
    """The section a short line names, if it is a heading of one (a cue for the article, not the outline)."""
    compact = text.replace(" ", "")
    if len(compact) > CUE_MAX_CHARS:  # most paragraphs: not simplified first
        return None
    compact = simplified(compact)
    for kind, words in ARTICLE_CUES.items():
        for word in words:
            if word in compact:
                return kind
    return None


def sections_named(texts: list[str] | tuple[str, ...]) -> int:
    """How many report sections the texts name (cue words anywhere in them)."""
    joined = simplified("".join(texts)).replace(" ", "")
    return sum(1 for words in ARTICLE_CUES.values() if any(word in joined for word in words))


def is_title_line(text: str) -> bool:
    """Whether a line reads as a report title (…政府信息公开…报告, …年报, …报告（2021年）)."""
    return (len(text) <= TITLE_MAX_CHARS and TITLE_WORDS in simplified(text) and _ends_title(text)
            and not _front_chrome(text))  # ``当前位置：首页 > … > 政府信息公开年报`` is no title


_PAGE_TITLE_SEPARATOR = re.compile(r"\s*(?:[|｜_]+|—+|–+|(?<!\d)-+|-+(?!\d))\s*")


def page_title(title: str) -> str:
    """``<title>`` without its site name: the part that reads as a report title, else the first part."""
    parts = [p for p in _PAGE_TITLE_SEPARATOR.split(title) if p]
    for part in parts:
        if is_title_line(part):
            return part
    return parts[0] if parts else ""


_PUBLISH_LABEL = re.compile(rf"(?P<written>{'|'.join(WRITTEN_LABELS)})\s*[:：]?\s*|(?:{'|'.join(PUBLISH_LABELS)})"
                            rf"\s*[:：]?\s*|^\s*(?:{'|'.join(PUBLISH_BARE_LABELS)})\s*[:：]\s*")
#: Any bare label (日期, 时间), which every label holds: literal alternatives, so ``re`` skips in C the characters
#: none starts with.
_BARE_LABEL = re.compile("|".join(PUBLISH_BARE_LABELS))
assert all(_BARE_LABEL.search(label) for label in PUBLISH_LABELS + WRITTEN_LABELS), "see _publish_label"


def _publish_label(text: str) -> re.Match[str] | None:
    """``_PUBLISH_LABEL.search(text)``: a line holding no bare label (日期, 时间), which every label holds, has none.

    The search tries every label at every character of the line; the quick one rules out most lines first.
    """
    if _BARE_LABEL.search(text) is None:
        return None
    return _PUBLISH_LABEL.search(text)

#: How far after its label a publish date starts.
PUBLISH_DATE_CHARS = 24
#: A longer line is prose, not a publish line.
PUBLISH_LINE_MAX_CHARS = 200


#: A line that opens with a date (or a body's name, then a date: a PDF line joins them) and goes on with the
#: page's source field: ``2022年01月18日来源:1``.
_DATE_THEN_SOURCE = re.compile(rf"^\s*(?:[^\d\s:：。]{{2,30}}?\s*)?"
                               rf"(\d{{4}}\s*[年/.\-]\s*\d{{1,2}}\s*[月/.\-]\s*\d{{1,2}}\s*日?)[\s\d:]*"
                               rf"(?:{'|'.join(PUBLISH_FOLLOWERS)})\s*[:：]")
#: Any of the source field's words, which that match needs: literal alternatives, searched in C, rule out most
#: lines before the match tries a body's name of every length at the line's start (8 k instructions a line).
_FOLLOWER = re.compile("|".join(PUBLISH_FOLLOWERS))


def publish_date_after_label(text: str) -> tuple[bool, str | None, bool]:
    """``(labelled, date, written)`` for a line such as ``发布日期：2022-01-26 来源：…``; a bare label gives no date.

    A date that opens a line and is followed by the page's source field (``2022年01月18日来源:1``) is labelled
    by that field. ``written``: the date is labelled as the one the document was written (``成文日期``; a publish
    label later on the line wins over it)."""
    plain = simplified(text)  # 發佈日期 as 发布日期; positions hold in ``text``
    match = _publish_label(plain)
    if match is None:
        before = _DATE_THEN_SOURCE.match(plain) if _FOLLOWER.search(plain) else None
        return (True, find_date(before.group(1)), False) if before else (False, None, False)
    if match.group("written"):
        later = _PUBLISH_LABEL.search(plain, match.end())
        while later is not None and later.group("written"):
            later = _PUBLISH_LABEL.search(plain, later.end())
        if later is not None and find_date(text[later.end():later.end() + PUBLISH_DATE_CHARS]):
            match = later
    return True, find_date(text[match.end():match.end() + PUBLISH_DATE_CHARS]), bool(match.group("written"))


def publish_lines(blocks: tuple[Block, ...] | list[Block | str]) -> list[tuple[int, str, bool]]:
    """``(index of the block, date, written)`` of every labelled publish date among ``blocks`` (blocks or lines).

    A paragraph ``发布日期：2022-01-26``, a label whose date is the next
    paragraph, or a metadata-table row ``公开日期 | 2024-01-17``; ``written``
    for a date labelled ``成文日期`` (a stand-in for the publish date only).
    """
    found: list[tuple[int, str, bool]] = []
    pending = written = False
    for index, block in enumerate(blocks):
        if isinstance(block, Table):
            # A row is looked at only if its joined text holds a bare label, so a table whose whole text holds
            # none has no labelled row: one C search over its cells (a report's statistics tables, most of a
            # page's rows) instead of a list, a join and a search a row.
            if _BARE_LABEL.search("".join(block.cell_texts())) is None:
                continue
            for texts in block.row_texts():
                _publish_cells(texts, index, found)
            continue
        whole = block if isinstance(block, str) else block.text
        for text in whole.split("\n") if "\n" in whole else (whole,):
            if pending:
                pending = False
                date = find_date(text[:PUBLISH_DATE_CHARS])
                if date:
                    found.append((index, date, written))
                    continue
            if len(text) > PUBLISH_LINE_MAX_CHARS:
                continue
            labelled, date, written = publish_date_after_label(text)
            if date:
                found.append((index, date, written))
            elif labelled:
                pending = True
    return found


def _publish_cells(texts: list[str], index: int, found: list[tuple[int, str, bool]]) -> None:
    if not _publish_label("".join(texts)):
        return
    for n, text in enumerate(texts):
        labelled, date, written = publish_date_after_label(text)
        if not date and labelled and n + 1 < len(texts):
            date = find_date(texts[n + 1][:PUBLISH_DATE_CHARS])
        if date:
            found.append((index, date, written))


def find_published(blocks: tuple[Block, ...] | list[Block | str], near: int = 0) -> str | None:
    """The publish date labelled nearest block ``near`` (before it on a tie): the one publish finder. A date
    labelled as written (``成文日期``) is taken only when no publish date is labelled."""
    found = publish_lines(blocks)
    if not found:
        return None
    published = [item for item in found if not item[2]] or found
    return min(published, key=lambda item: (abs(item[0] - near), item[0] > near))[1]


# --------------------------------------------------------------------------
# The title, its year and agency
# --------------------------------------------------------------------------

#: The reported year inside a title: ``2020年``, ``2020年度``, ``2021政府…``.
TITLE_YEAR = re.compile(r"((?:19|20)\d{2})(?=\s*(?:年|政府|度))")
#: The same in Chinese numerals: ``二〇二二年度``.
CN_TITLE_YEAR = re.compile(rf"{CN_YEAR.pattern}(?=\s*(?:年|度))")
_TITLE_LABEL = re.compile(rf"^(?:{'|'.join(TITLE_LABELS)})\s*[:：]\s*")
#: Any other field's label (``栏目:``): the line is that field's value, not a title.
_FIELD_LABEL = re.compile(rf"^[^\s:：]{{1,{FIELD_LABEL_CHARS}}}\s*[:：]")
#: Markdown around a line (OCR and PDF-to-text tools write it): heading marks, bold.
_MARKUP = re.compile(r"^(?:#{1,6}(?=\s)|\*\*|__)\s*|\s*(?:\*\*|__)$")
_FRONT_WORDS = frozenset(FRONT_WORDS)
#: How far into the front matter a title may start, and how many lines it may span.
TITLE_SEARCH_LINES = 40
TITLE_MAX_LINES = 3
#: An aside after the title's last word: a year (``…工作年度报告（2021年）``) or a page label (``（全文）``).
_YEAR_ASIDE = re.compile(rf"\s*[（(【\[]\s*(?:(?:19|20)\d{{2}}\s*年?度?|{'|'.join(FRONT_WORDS)})\s*[)）】\]]\s*$")


def _title_line(text: str) -> str:
    """A front-matter line as a title candidate: no field label (``标题:``), no Markdown marks."""
    line = _MARKUP.sub("", text.strip())
    label = _TITLE_LABEL.match(simplified(line))  # 標題: as 标题:
    return line[label.end():] if label else line


def _ends_title(text: str) -> bool:
    text = simplified(text)
    return text.endswith(TITLE_ENDS) or (_YEAR_ASIDE.search(text) is not None
                                         and _YEAR_ASIDE.sub("", text).endswith(TITLE_ENDS))


#: A date in brackets under a title that a reader joined to its last line (龙游县 2021: ``…工作年度报告`` /
#: ``(2022年1月)``): the date the report was written, not part of the title.
_DATE_ASIDE = re.compile(r"\s*[（(]\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*[)）]\s*$")


def find_title(texts: list[str], is_chrome=lambda text: False) -> str | None:
    """The report title: the first line ending in 报告 (or 年报), with the lines above it that complete it.

    Page labels such as ``正文`` and lines ``is_chrome`` calls web-page chrome
    are never part of a title.
    """
    texts = [line for line in (_DATE_ASIDE.sub("", _title_line(t)) for t in texts[:TITLE_SEARCH_LINES]
                               if not is_chrome(t) and not _front_chrome(t))
             if line and line not in _FRONT_WORDS]
    texts = _rejoin_title_end(texts)
    bare = None  # a line such as ``政府信息公开年报`` (a category cell), kept only if no title names more
    for index, text in enumerate(texts):
        if len(text) > TITLE_MAX_CHARS or not _ends_title(text) or _FIELD_LABEL.match(text):
            continue
        title, first = text, index
        while (first > 0 and index - first < TITLE_MAX_LINES - 1 and _incomplete(title)
               and _title_part(texts[first - 1], title)):
            first -= 1
            title = texts[first] + title
        if _names_report(title):
            return title
        if bare is None and TITLE_WORDS in simplified(title):
            bare = title
    return bare


#: The longest title end a print wraps onto a line of its own (``…年度报`` / ``告``).
TITLE_END_ALONE_CHARS = 3


def _rejoin_title_end(texts: list[str]) -> list[str]:
    """The lines with a title's last characters wrapped alone (``…工作的年度报`` / ``告``) put back on its line."""
    out: list[str] = []
    for text in texts:
        if (out and len(text) <= TITLE_END_ALONE_CHARS and not _ends_title(out[-1])
                and _ends_title(out[-1] + text) and len(out[-1]) + len(text) <= TITLE_MAX_CHARS):
            out[-1] += text
        else:
            out.append(text)
    return out


def _front_chrome(text: str) -> bool:
    """Whether a front line is page chrome (``听全文``, ``字号：大 中 小``, breadcrumbs ``首页 > …``)."""
    return len(text) <= TITLE_MAX_CHARS and any(word in text for word in FRONT_CHROME)


def _title_part(text: str, title: str) -> bool:
    """Whether a line above ``title`` may be part of it: no field label, no sentence end, and, when ``title`` has
    no year, the year or 政府信息公开 it lacks (``XX局2021年政府`` above ``信息公开工作年度报告``,
    ``XX局政府信息公开工作年`` above ``度报告``, a body's name above ``政府信息公开工作年度报告``; not ``分类``
    above ``政府信息公开年报``)."""
    if any(mark in text for mark in ":：") or text.rstrip().endswith(_SENTENCE_END):
        return False
    joined = text + title
    return bool(TITLE_YEAR.search(title) or CN_TITLE_YEAR.search(title) or TITLE_YEAR.search(joined)
                or CN_TITLE_YEAR.search(joined)
                or (TITLE_WORDS in simplified(joined) and TITLE_WORDS not in simplified(title))
                or (not _names_report(title) and text.strip().endswith(SIGNER_ENDS))
                or (_broken_body(title) and _names_report(joined)))


def _body_of(title: str) -> str | None:
    """The words before 政府信息公开 in a title without a year, as a body's name (``XX局`` in
    ``XX局政府信息公开工作年度报告``), or ``None``."""
    words = simplified(title).find(TITLE_WORDS)
    return tidy_agency(_YEAR_WORD_END.sub("", title[:words])) if words > 0 else None


def _broken_body(title: str) -> bool:
    """Whether a title without a year starts with the end of a body's name the line broke (``局政府…``)."""
    body = _body_of(title)
    return body is not None and len(body) <= FRAGMENT_CHARS


def _names_report(title: str) -> bool:
    """Whether a title names a report: a year, or a body before 政府信息公开 (not a category ``政府信息公开年报``,
    nor the end of a body's name the line broke, ``局`` of ``…社会保障`` / ``局政府信息公开工作年度报告``)."""
    if TITLE_YEAR.search(title) or CN_TITLE_YEAR.search(title):
        return True
    body = _body_of(title)
    return body is not None and len(body) > FRAGMENT_CHARS


#: Words before a title's year this short that name no body (no body's or place's ending) are a fragment of a
#: line broken inside the name (``于`` of 关于).
FRAGMENT_CHARS = 2


def _incomplete(title: str) -> bool:
    """Whether a title line still lacks its year, or the body before a year that no body follows.

    Nothing but a connective before the year (``关于2023年…``) and no body after it (``2021年XX街道政府…``
    names its body) is a title whose body is on the line above.
    """
    year = TITLE_YEAR.search(title) or CN_TITLE_YEAR.search(title)
    if year is None:
        return True
    before = tidy_agency(title[:year.start()])
    if before in SIGNER_ENDS or (before and len(before) <= FRAGMENT_CHARS
                                 and not before.endswith((*SIGNER_ENDS, *PLACE_SUFFIXES))):
        return True  # ``局2022年…``, ``于2023年…``: the line broke the body's name or 关于; the rest is above
    return before is None and agency_of(title, year) is None


def title_in_tables(blocks: tuple[Block, ...] | list[Block]) -> str | None:
    """A title in a metadata table before the report: a ``标题`` cell and the title in the next one."""
    for block in blocks:
        if not isinstance(block, Table):
            continue
        for row in block.row_texts():
            texts = [text.strip() for text in row]
            for n, text in enumerate(texts[:-1]):
                if (simplified(text).rstrip(":：") in TITLE_LABELS and _ends_title(texts[n + 1])
                        and _names_report(texts[n + 1])):
                    return texts[n + 1]
    return None


#: A year word without its year, ending what precedes 政府信息公开: ``XX局年度政府信息公开工作报告``.
_YEAR_WORD_END = re.compile(r"\s*(?:本)?(?:年度|年)\s*$")
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
    agency = tidy_agency(title[:end])
    if agency or end < year.start():
        return agency
    after = title[_YEAR_TAIL.match(title, year.end()).end():]
    cut = simplified(after).find(TITLE_WORDS)
    return tidy_agency(after[:cut]) if cut > 0 else None


def tidy_agency(text: str) -> str | None:
    """A body's name without edge punctuation, lone brackets, connectives or spaces inside."""
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


#: ``统计期限自2022年1月1日起至2022年12月31日止`` (``本报告所列数据的统计期限自…``): the two years.
#: The second year may be left out (``统计期限为2025年1月1日至12月31日``).
_PERIOD = re.compile(rf"(?:{'|'.join(PERIOD_LABELS)})\s*(?:为|是)?\s*(?:自|从)?\s*(\d{{4}})\s*年\s*0?1\s*月\s*0?1\s*日"
                     r"\s*(?:起)?\s*(?:至|到|—|-|~)\s*(?:(\d{4})\s*年)?\s*12\s*月\s*31\s*日")


def period_years(texts: Iterable[str]) -> set[int]:
    """The calendar years that statistics-period sentences name (one each when a period is one year)."""
    years = set()
    for text in texts:
        if "统计" not in text:
            continue
        for match in _PERIOD.finditer(simplified(text)):
            first = int(match.group(1))
            last = int(match.group(2) or first)
            if first == last:
                years.add(first)
    return years


# --------------------------------------------------------------------------
# The signature
# --------------------------------------------------------------------------

#: A signer line is a short name, not a sentence.
SIGNER_MAX_CHARS = 40
_SENTENCE_END = ("。", ".", "；")
#: A signing body glued before a date at the end of a line: after a sentence end or a space, a short name that
#: ends as bodies do (``…情况。平潭综合实验区管理委员会　2022年1月20日``).
_GLUED_SIGNER = re.compile(rf"(?:^|[。；;！!\s])([^\s。；;，,：:！!“”\"]{{2,{SIGNER_MAX_CHARS}}}?"
                           rf"(?:{'|'.join(sorted(SIGNER_ENDS, key=len, reverse=True))}))\s*$")


#: How far before its end a signing body glued to a line can start: its separator, its name, its ending.
_GLUED_SIGNER_REACH = 1 + SIGNER_MAX_CHARS + max(map(len, SIGNER_ENDS))


def _glued_signer(line: str, end: int) -> re.Match[str] | None:
    """:data:`_GLUED_SIGNER` in ``line[:end]``, searched from where a signer could start: its name is a run of
    no spaces that ends the text before its trailing spaces, so it starts within ``_GLUED_SIGNER_REACH`` of that
    end (a crawler's report is one line of thousands of characters; an end-anchored search tries every start)."""
    return _GLUED_SIGNER.search(line, max(0, len(line[:end].rstrip()) - _GLUED_SIGNER_REACH), end)


#: The words after a line's last sentence end.
_AFTER_SENTENCE = re.compile(r"[。；;！!]\s*([^。；;！!]+)$")
#: A trailer after a space, or right after a date's 日 (``…2022年1月7日抄送：…``).
_TRAILER = re.compile(rf"(?:\s|(?<=日))(?:{'|'.join(SIGNATURE_TRAILERS)})\s*[:：]")
_PRINTED = f"(?:{'|'.join(sorted(PRINT_LINE_ENDS, key=len, reverse=True))})"
#: A line under the signature date that is no text of the section: a note (``（此件公开发布）``), a trailer
#: (``抄送：…``) or the print line (``XX办公室 2020年1月13日印发``).
_SIGNATURE_NOTE = re.compile(rf"^\s*(?:[（(]\s*(?:{'|'.join(SIGNATURE_NOTES)})\s*[)）]\s*$"
                             rf"|(?:{'|'.join(SIGNATURE_TRAILERS)})\s*[:：]|.{{0,60}}日\s*{_PRINTED}\s*$)")
#: A print line glued to the end of a crawler's one-line text, from its date on (the body before it is
#: found as a signer is).
_PRINTED_AT_END = re.compile(rf"日\s*{_PRINTED}\s*$")


#: A bracketed aside or a leaked Word style sheet at the end of a line (see ``SIGNATURE_ASIDE_MAX_CHARS``).
_BRACKET_AT_END = re.compile(rf"[（(][^（）()]{{1,{SIGNATURE_ASIDE_MAX_CHARS}}}[)）]$")
_STYLE_LEAK = re.compile(WORD_STYLE_LEAK)


def _without_aside(line: str) -> str:
    """``line`` without a bracketed note or a leaked style sheet glued after a date at its end
    (``… 2020年1月2日 （联系人：…）``); else ``line`` as it is. Only the line's end is searched: it is a
    crawler's whole one-line report."""
    end = line.rstrip()
    if end.endswith((")", "）")):
        aside = _BRACKET_AT_END.search(end, max(0, len(end) - SIGNATURE_ASIDE_MAX_CHARS - 2))
    elif "false" in end:
        aside = _STYLE_LEAK.search(end)
    else:
        return line
    before = end[:aside.start()].rstrip() if aside else ""
    return before if before and date_at_end(before) else line


def _without_print_line(line: str) -> str:
    """``line`` without a print line glued to its end (``… 2021年1月26日 XX局办公室 2020年1月26日印发``): the
    printing body and its date, when a signature's date stands before them; else ``line`` as it is."""
    printed = _PRINTED_AT_END.search(line)
    if printed is None:
        return line
    start = date_at_end(line[:printed.start() + 1])
    printer = _glued_signer(line, start) if start else None
    if printer is None or not date_at_end(line[:printer.start(1)].rstrip()):
        return line
    return line[:printer.start(1)].rstrip()


def split_signature(body: list[str]) -> tuple[str | None, str | None]:
    """Peel the signature off the end of ``body`` (the last section's lines, chrome cut): ``(signer, date line)``.

    A date line at the end (``2022年1月13日``, ``2023-02-14``, ``二〇二三年二月十四日``),
    with the signing body's name on the line above it; or a body and date glued
    to the end of the last line (one-line crawler text), which is then cut there.
    """
    signer = date_line = None
    notes = 0  # ``（此件公开发布）`` under the date: a note of the signature, not text of the section
    while len(body) > notes + 1 and _SIGNATURE_NOTE.match(body[-1 - notes]):
        notes += 1
    if notes and is_date_line(body[-1 - notes]):
        del body[-notes:]
    if body and is_date_line(body[-1]):
        date_line = body.pop().strip()
        if body and len(body[-1].strip()) <= SIGNER_MAX_CHARS and not body[-1].rstrip().endswith(_SENTENCE_END):
            signer = body.pop().strip()
            after = _AFTER_SENTENCE.search(signer)
            if after is not None:  # ``…处理费。XX局``: a PDF line joined the section's last sentence and the body
                body.append(signer[:after.start(1)])
                signer = after.group(1) if after.group(1).endswith(SIGNER_ENDS) else None
        return signer, date_line
    if body:
        last = _without_print_line(_without_aside(body[-1]))
        start = date_at_end(last)
        if not start and _TRAILER.search(last):  # ``… 2023年1月9日 抄送：…``: the signature before a trailer
            for trailer in _TRAILER.finditer(last):
                start = date_at_end(last[:trailer.start()])
                if start:
                    last = last[:trailer.start()].rstrip()
                    break
        if start:
            glued = _glued_signer(last, start)
            if glued is not None:
                signer, cut = glued.group(1), glued.start(1)
            elif last[:start].rstrip().endswith(_SENTENCE_END):  # ``…情况。　2022年1月20日``: a date, no body
                cut = start
            else:
                return None, None
            date_line = last[start:].strip()
            rest = last[:cut].rstrip()
            if rest:
                body[-1] = rest
            else:
                body.pop()
    return signer, date_line


# --------------------------------------------------------------------------
# The article of a web page
# --------------------------------------------------------------------------

#: Sections whose headings must be seen before the page is narrowed to an article.
MIN_ARTICLE_SECTIONS = 2
#: How far above the article a title line may sit (levels from the article to the common ancestor).
TITLE_MAX_HOPS = 3
HIDDEN_REPORT = ReaderNote(level="warning", code="html.hidden_report", message=(
    "the report's section headings are only in content the page hides (hidden, display: none or "
    "visibility: hidden); read with the hidden content"))


#: The property that holds a page's publish dates when its meta tags, date elements and publish line disagree.
PUBLISHED_CONFLICT = "published_conflict"
#: A second title a web page shows (its ``<title>`` and its visible heading naming different years): the report's
#: own statistics period, opening sentence or signature decide between them (:func:`metadata`).
TITLE_RIVAL = "title_rival"
#: ``properties[TITLE_RIVAL]`` when the article prints no title and the one taken comes from outside it (the page's
#: ``<title>``, a heading or a sidebar's entry above): its year must agree with the report's own evidence where
#: there is some (a CMS page copied from last year's keeps last year's ``<title>``, and its sidebar lists that report).
TITLE_ALONE = "title outside the article"


def settle(document: Document) -> Document:
    """``document`` with each web page narrowed to its article (see the module docstring); others unchanged."""
    if not document.pages:
        return document
    blocks, paths = document.blocks, document.paths or ((),) * len(document.blocks)
    out: list[Block] = []
    notes = list(document.notes)
    properties = dict(document.properties)
    seen = set()
    rivals: list[str] = []
    index = 0
    while index < len(blocks):
        path = paths[index]
        if not path:
            out.append(blocks[index])
            index += 1
            continue
        root, end = path[0], index
        while end < len(blocks) and paths[end] and paths[end][0] == root:
            end += 1
        seen.add(root)
        article, published, page_notes = _page(list(blocks[index:end]), list(paths[index:end]), document.pages[root],
                                               root, rivals)
        out.extend(article)
        notes.extend(page_notes)
        if published:
            properties.setdefault(PUBLISHED_CONFLICT if "," in published else "published", published)
        index = end
    for root, page in enumerate(document.pages):  # a page with no block: its title and date may still say something
        if root not in seen:
            article, published, _ = _page([], [], page, root, rivals)
            out.extend(article)
            if published:
                properties.setdefault(PUBLISHED_CONFLICT if "," in published else "published", published)
    if rivals:
        properties.setdefault(TITLE_RIVAL, rivals[0])
    return Document(blocks=tuple(out), format=document.format, properties=properties, notes=tuple(notes))


def _page(blocks: list[Block], paths: list[Path], page: Page, root: int, rivals: list[str]
          ) -> tuple[list[Block], str | None, list[ReaderNote]]:
    """One page's article blocks, publish date and notes; a title the page shows beside the one taken, naming
    another year, is added to ``rivals``."""
    notes = []
    blocks, paths = _headings_out_of_tables(blocks, paths)
    cues = [section_cue(b.text) if isinstance(b, Paragraph) else None for b in blocks]
    if page.hidden and page.unhidden is not None and sections_named(page.hidden) >= MIN_ARTICLE_SECTIONS and (
            len({cue for cue in cues if cue}) < MIN_ARTICLE_SECTIONS):
        # The report itself is hidden (a script shows it, or a tab does): read it rather than nothing.
        again = page.unhidden()
        blocks, paths = _headings_out_of_tables(list(again.blocks), [(root, *p[1:]) for p in again.paths])
        cues = [section_cue(b.text) if isinstance(b, Paragraph) else None for b in blocks]
        notes.append(HIDDEN_REPORT)
    titles = [isinstance(b, Paragraph) and is_title_line(b.text) for b in blocks]
    shown = _shown_title(page)
    found = article_of(cues, paths)
    if found is None:
        article, first = list(blocks), 0
        if shown is not None and not any(titles):
            article.insert(0, Paragraph(text=shown))
    else:
        first, last, path = found
        last += signature_after(blocks, paths, last, path)
        article = blocks[first:last + 1]
        first_cue = next((i for i, cue in enumerate(cues[first:last + 1]) if cue is not None), last + 1 - first)
        if not any(titles[first:first + first_cue]):
            lines, rival = title_above(blocks, paths, titles, first, path, shown)
            article[:0] = [Paragraph(text=line) for line in lines]
            if rival:
                rivals.append(rival)
            elif lines:
                rivals.append(TITLE_ALONE)  # not the report's own: a copied ``<title>``, a sidebar's entry
        other = _other_report(blocks, cues, titles, first, last)
        if other is not None:
            notes.append(ReaderNote(level="warning", code="page.several_reports", message=(
                f"the page holds another report, {other!r} (its title, section headings and tables outside the "
                "article): only the article is read")))
    stated = {_first_date(value for name, value in page.metas if name in PUBLISH_META), _first_date(page.stamps),
              find_published(blocks, first)} - {None}
    published = stated.pop() if len(stated) == 1 else (", ".join(sorted(stated)) if stated else None)
    return article, published, notes


def _other_report(blocks: list[Block], cues: list[str | None], titles: list[bool], first: int, last: int
                  ) -> str | None:
    """The title of a second report on the page, outside the article (a list page printing a column's last
    articles in full): a title line followed, outside the article, by headings of several sections and a table.
    A table of contents repeats the headings but holds no table. One pass from each part's end, the sections and
    tables after each block gathered on the way."""
    for start, end in ((0, first), (last + 1, len(blocks))):
        found, sections, table = None, set(), False
        for index in range(end - 1, start - 1, -1):
            if titles[index] and table and len(sections) >= MIN_ARTICLE_SECTIONS:
                found = index  # the first such title of the part is the last one met
            sections.add(cues[index])
            sections.discard(None)
            table = table or isinstance(blocks[index], Table)
        if found is not None:
            return blocks[found].text
    return None


def _shown_title(page: Page) -> str | None:
    """The title a page shows: ``<title>`` without its site name, or an ``ArticleTitle`` meta when only that
    reads as a report title; ``None`` without ``<title>``."""
    shown = page_title(page.title) if page.title else None
    if shown is None or not is_title_line(shown):
        named = next((page_title(value) for name, value in page.metas
                      if name in TITLE_META and is_title_line(page_title(value))), None)
        if named:
            return named
    return shown


def _first_date(texts) -> str | None:
    for text in texts:
        found = find_date(text)
        if found:
            return found
    return None


def _headings_out_of_tables(blocks: list[Block], paths: list[Path]) -> tuple[list[Block], list[Path]]:
    """Leading one-cell rows of a table that are section headings become paragraphs before it."""
    if not any(isinstance(b, Table) for b in blocks):
        return blocks, paths
    out_blocks: list[Block] = []
    out_paths: list[Path] = []
    for block, path in zip(blocks, paths, strict=True):
        if isinstance(block, Table):
            count, cut = block.row_count(), 0
            while count - cut > 1:  # the rows' texts and spans: a table of texts makes no Cells for this
                cells = block.row_origins(cut)
                if len(cells) != 1:
                    break
                [(text, rowspan)] = cells
                if rowspan != 1 or not section_cue(text):
                    break
                out_blocks.append(Paragraph(text=text))
                out_paths.append(path)
                cut += 1
            if cut:
                block = Table(rows=tuple(tuple(None if c is None else replace(c, row=c.row - cut) for c in row)
                                         for row in block.rows[cut:]))
        out_blocks.append(block)
        out_paths.append(path)
    return out_blocks, out_paths


def article_of(cues: list[str | None], paths: list[Path]) -> tuple[int, int, Path] | None:
    """``(first, last, path)`` of the article: the deepest element holding a heading of every section seen.

    ``None`` when the page names fewer than ``MIN_ARTICLE_SECTIONS`` sections:
    one heading alone could sit in a wrapper of its own, so the whole page is kept.
    """
    kinds: dict[str, list[Path]] = {}
    for cue, path in zip(cues, paths, strict=True):
        if cue is not None:
            kinds.setdefault(cue, []).append(path)
    if len(kinds) < MIN_ARTICLE_SECTIONS:
        return None
    best: Path = ()
    for kind_paths in kinds.values():
        for path in kind_paths:
            for depth in range(len(path), len(best), -1):
                node = path[depth - 1]
                if all(any(node in p for p in others) for others in kinds.values()):
                    best = path[:depth]
                    break
    node = best[-1]
    inside = [i for i, path in enumerate(paths) if len(path) >= len(best) and path[len(best) - 1] == node]
    return inside[0], inside[-1], best


def _common(a: Path, b: Path) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def title_above(blocks: list[Block], paths: list[Path], titles: list[bool], first: int, path: Path,
                page: str | None) -> tuple[list[str], str | None]:
    """The report title (one line or more) for an article that does not print one, and its rival.

    Title lines before the article and at most ``TITLE_MAX_HOPS`` levels above
    it are candidates, the nearest first; one that ``<title>`` repeats wins (a
    sidebar listing other years' reports does not), then ``<title>`` itself if
    it reads as a report title, then the nearest candidate, then ``<title>`` as
    it is (``page`` is ``<title>`` without its site name). A title line that
    starts with its year comes with the lines above it in the same element
    (``<h1>某某局<br>2019年…报告</h1>``): :func:`find_title` joins a title broken so.

    When ``<title>`` wins over the nearest candidate and the two name different
    years (a page whose ``<title>`` a CMS copied from last year's report), the
    candidate is returned as the rival: neither is trusted over the report's
    own evidence of its year.
    """
    candidates: list[tuple[int, int, str]] = []
    for index in range(first):
        if titles[index]:
            common = _common(paths[index], path)
            if len(path) - common <= TITLE_MAX_HOPS:
                candidates.append((common, index, blocks[index].text))
    candidates.sort(reverse=True)
    if page:
        for _, index, text in candidates:
            if text in page or page in text:
                return _title_lines(blocks, paths, index), None
        if is_title_line(page):
            rival = "".join(_title_lines(blocks, paths, candidates[0][1])) if candidates else None
            return [page], rival if rival and title_year(rival) not in (None, title_year(page)) else None
    if candidates:
        return _title_lines(blocks, paths, candidates[0][1]), None
    if page:
        return [page], None
    in_table = title_in_tables(blocks[:first])  # a metadata table above the article (``标题 | …报告``)
    return ([in_table] if in_table else []), None


def title_year(title: str) -> int | None:
    """The year a title names (``2022年``, ``二〇二二年度``), or ``None``."""
    match = TITLE_YEAR.search(title)
    if match:
        return int(match.group(1))
    match = CN_TITLE_YEAR.search(title)
    return cn_year(match.group(1)) if match else None


#: A title that opens with its year lacks the body's name, printed on the line(s) above.
_OPENS_WITH_YEAR = re.compile(r"\s*(?:19|20)\d{2}")


def _title_lines(blocks: list[Block], paths: list[Path], index: int) -> list[str]:
    """The title line at ``index`` and, when it opens with its year, the short lines above it in its element."""
    lines = [blocks[index].text]
    if not _OPENS_WITH_YEAR.match(lines[0]):
        return lines
    above = index - 1
    while above >= 0 and len(lines) < TITLE_MAX_LINES and paths[above] == paths[index]:
        block = blocks[above]
        if not isinstance(block, Paragraph) or len(block.text) > CUE_MAX_CHARS or block.text[-1] in "。：:.;；":
            break
        lines.insert(0, block.text)
        above -= 1
    return lines


def signature_after(blocks: list[Block], paths: list[Path], last: int, path: Path) -> int:
    """How many blocks right after the article are its signature (a name and a date line in its parent)."""
    parent = path[:-1]
    texts = [b.text if isinstance(b, Paragraph) else ""
             for b, p in zip(blocks[last + 1:last + 3], paths[last + 1:last + 3], strict=True)
             if p[:len(parent)] == parent]
    if texts and is_date_line(texts[0]):
        return 1
    if len(texts) == 2 and len(texts[0]) <= CUE_MAX_CHARS and is_date_line(texts[1]):
        return 2
    return 0


# --------------------------------------------------------------------------
# Reconciled metadata
# --------------------------------------------------------------------------

_PROSE_YEAR = re.compile(PROSE_YEAR)


def prose_year(texts: Iterable[str]) -> int | None:
    """The year the report's opening sentence names (``现将2021年XX街道办事处政府信息公开情况报告如下``), when
    every such sentence names the same one."""
    years = {int(m.group(1)) for text in texts for m in _PROSE_YEAR.finditer(simplified(text))}
    return years.pop() if len(years) == 1 else None


_OPENING_YEAR = re.compile(OPENING_YEAR)


def opening_year(texts: Iterable[str], signed: str | None) -> int | None:
    """The year the report's paragraphs open with (``2019年，XX局认真贯彻落实…``), when every such paragraph names
    the same one and the signature is dated the year after it (a report is signed in the year after the one it
    reports on): two witnesses, since a paragraph may open with another year (``2018年，…`` recalling the past)."""
    years = {int(m.group(1)) for text in texts if (m := _OPENING_YEAR.match(text))}
    if len(years) != 1 or signed is None:
        return None
    year = years.pop()
    return year if int(signed[:4]) == year + 1 else None


def abbreviates(short: str, full: str) -> bool:
    """Whether ``short`` is ``full`` abbreviated (府谷县: ``县政府办`` for ``府谷县人民政府办公室``, ``市卫健委`` for
    ``XX市卫生健康委员会``): its characters in order in the longer name but not all together, ending as a body of
    the same kind
    (the full name's last word, ``办公室``, ``委员会``, ``局``, starts at the short name's last character)."""
    kind = max((end for end in SIGNER_ENDS if full.endswith(end)), key=len, default=None)
    if len(short) >= len(full) or kind is None or short in full:  # ``XX区司法局`` in ``YY市XX区司法局``: a name
        return False  # printed whole, not abbreviated: the title's stands
    if short.endswith(kind):
        short = short[:-len(kind)]
    elif kind.startswith(short[-1]):
        short = short[:-1]
    else:
        return False
    rest = iter(full[:-len(kind)])
    return all(ch in rest for ch in short)  # in order: each found after the one before


def _evidence(periods: set[int], texts: list[str], signed: str | None) -> set[int]:
    """The years the report's own text gives for itself, strongest first: the statistics period (``periods``), the
    opening sentence's year, the signature's date (a report is signed in the year after the one it reports on)."""
    return periods or {prose_year(texts)} - {None} or ({int(signed[:4]) - 1} if signed else set())


def _unwitnessed(title: str, texts: list[str], signed: str | None) -> tuple[Issue | None, int | None]:
    """When a title taken from outside the article (:data:`TITLE_ALONE`) names a year the report's own evidence
    does not (a CMS page copied from last year's keeps last year's ``<title>``): the issue, and the year the
    report's text names for itself as when a title names none (the opening sentence, or a paragraph opening with
    a year the signature's date follows), else ``None`` with ``metadata.year_conflict``. A statistics period is
    weighed against every title in :func:`metadata`, so here the opening sentence and the signature only."""
    year, evidence = title_year(title), _evidence(set(), texts, signed)
    if year is None or not evidence or year in evidence:
        return None, None
    named = (f"the title {title!r}, taken from outside the report's text (the page's <title> or a line above it), "
             f"names {year}; the report's own dates name {', '.join(map(str, sorted(evidence)))}")
    own = prose_year(texts) or opening_year(texts, signed)
    if own is not None:
        return warning("metadata.title_year_stale", f"{named}: the year is the report's own, {own}", "year"), own
    return warning("metadata.year_conflict", f"{named}: year left null", "year"), None


def _between_titles(title: str, rival: str, periods: set[int], texts: list[str], signed: str | None
                    ) -> tuple[str | None, Issue]:
    """Of two titles a page shows naming different years, the one the report's own evidence names
    (:func:`_evidence`). When it names the year of one title and not the other's, that title is taken; otherwise
    no title (and so no year).
    """
    years = title_year(title), title_year(rival)
    evidence = _evidence(periods, texts, signed)
    witnessed = [year in evidence for year in years]
    named = f"the page's titles name {years[0]} ({title!r}) and {years[1]} ({rival!r})"
    if witnessed == [True, False]:
        return title, warning("metadata.title_conflict", f"{named}: the report's own dates name {years[0]}", "title")
    if witnessed == [False, True]:
        return rival, warning("metadata.title_conflict", f"{named}: the report's own dates name {years[1]}", "title")
    return None, warning("metadata.year_conflict", f"{named}, and the report's own dates decide neither: title "
                         "and year left null", "year")


def metadata(front: list[str], front_blocks: tuple[Block, ...], properties: dict[str, str] | object,
             signer: str | None, date_line: str | None, texts: Iterable[str],
             is_chrome=lambda text: False) -> tuple[dict[str, object], list[Issue]]:
    """Title, agency, year, published and signed, each from every source that states it, reconciled.

    ``front`` is the lines before section 一, ``front_blocks`` its blocks (a
    metadata table may hold the title), ``texts`` the lines of the report (a
    statistics period names the year), ``signer`` and ``date_line`` the
    signature. The title's year and a one-year statistics period must agree,
    else the year is null with ``metadata.year_conflict``; the signing body
    names the agency only when the title names none.
    """
    issues: list[Issue] = []
    texts = list(texts)
    title = find_title(front, is_chrome) or title_in_tables(front_blocks)
    signed = find_date(date_line) if date_line else None
    periods = period_years(texts)
    rival = properties.get(TITLE_RIVAL)
    undecided = False
    own = None  # the report's own year when the only title is a stale one
    if title is not None and rival == TITLE_ALONE:
        issue, own = (None, None) if periods else _unwitnessed(title, texts, signed)
        if issue is not None:
            issues.append(issue)
            undecided = True
    elif title is not None and rival:
        title, issue = _between_titles(title, rival, periods, texts, signed)
        issues.append(issue)
        undecided = title is None
    agency = year = None
    named_year = None
    if title is None:
        if not undecided:
            issues.append(warning("metadata.no_title", "no title found before section 一", "title"))
    else:
        match = TITLE_YEAR.search(title)
        cn_match = None if match else CN_TITLE_YEAR.search(title)
        if match or cn_match:
            named_year = int(match.group(1)) if match else cn_year(cn_match.group(1))
            agency = agency_of(title, match or cn_match)
        elif simplified(title).find(TITLE_WORDS) > 0:  # no year: the body precedes 政府信息公开 (``…局年度政府…``)
            agency = tidy_agency(_YEAR_WORD_END.sub("", title[:simplified(title).find(TITLE_WORDS)]))
    if (named_year is None and len(periods) > 1) or (periods and named_year is not None and named_year not in periods):
        named = ", ".join(str(y) for y in sorted(periods | ({named_year} if named_year else set())))
        issues.append(warning("metadata.year_conflict", f"the title and the statistics period name different "
                              f"years ({named}): year left null", "year"))
    elif named_year is not None:
        year = named_year
    elif periods:
        year = next(iter(periods))
    else:
        year = prose_year(texts) or opening_year(texts, signed)
        if year is None and title is not None:
            issues.append(warning("metadata.no_year", f"no year in the title {title!r}", "year"))
    if undecided:
        # two titles naming two years and nothing in the report says which (``own`` is None), or one stale title:
        # the year the report's own text names for itself, if it does
        year = own
    if signer and signer.endswith(SIGNER_ENDS) and not any(ch.isdigit() for ch in signer) and (
            agency is None or abbreviates(agency, tidy_agency(signer) or "")):
        agency = tidy_agency(signer)
    conflict = properties.get(PUBLISHED_CONFLICT)
    published = None
    if conflict:
        issues.append(warning("metadata.published_conflict", f"the page states different publish dates "
                              f"({conflict}): published left null", "published"))
    else:
        published = (properties.get("published") or find_published(front[:TITLE_SEARCH_LINES])
                     or find_published([b for b in front_blocks if isinstance(b, Table)]))
    if year is not None:
        for key, value in (("published", published), ("signed", signed)):
            if value is not None and int(value[:4]) < year:
                issues.append(warning(f"metadata.{key}_before_year", f"the {key} date {value} is before the "
                                      f"reported year {year}: {key} left null", key))
                published, signed = (None, signed) if key == "published" else (published, None)
    return {"title": title, "agency": agency, "year": year, "published": published, "signed": signed}, issues
