"""Find the six sections of a report by their heading words.

The outline is computed once per document and handed to every extractor, so no
extractor re-scans the document for headings.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import dataclass, field
from itertools import chain
from typing import NamedTuple

from .document import Block, Document, Paragraph, Table
from .page import is_date_line, is_title_line, metadata, split_signature
from .record import Issue, warning
from .template import (
    APPENDED_PART_WORDS,
    ATTACHMENT_MARKERS,
    CHROME_MARKERS,
    CONTENTS_LINE,
    FOOTNOTE_LINE,
    HEADING_MAX_CHARS,
    PAGE_NUMBER,
    SECTION_ORDER,
    SENTENCE_MARKS,
    TABLE_SIGNATURES,
    glued_heading,
    heading_glued_to_sentence,
    heading_number,
    heading_start,
    heading_words_of,
    is_group_numbered,
    is_table_label,
    loose_section_of_heading,
    normalise_label,
    number_style,
    own_numbered_heading,
    section_number,
    section_of_heading,
    words_pattern,
)

_TRAILING_ASIDE = re.compile(r"[（(]([^()（）]*)[)）]\s*$")


@dataclass(frozen=True, kw_only=True, slots=True)
class Section:
    """One of the six sections: its heading as printed and the blocks under it."""

    key: str
    heading: str
    blocks: tuple[Block, ...]
    #: Text printed on the heading line after the heading words, e.g. ``无`` of ``其他需要报告的事项（无）``.
    aside: str | None = None
    #: How the section was found: ``heading`` (its heading words), ``reworded`` (other words: 与 for 、, a
    #: typo), ``wrapped`` (a heading over two lines), ``glued`` (its first paragraph on the heading's line),
    #: ``reordered`` (its heading after a later section's: 三 after 四) or ``content`` (a table known by what it holds).
    found_by: str = "heading"


#: How many blocks of section 一 may hold the statistics period sentence (its first paragraphs).
PERIOD_SEARCH_BLOCKS = 12


@dataclass(frozen=True, kw_only=True, slots=True)
class Outline:
    """A document cut at its section headings: front matter, then the sections found."""

    front: tuple[Block, ...]
    sections: dict[str, Section] = field(default_factory=dict)
    #: The last section's paragraphs with chrome cut and the signature peeled off.
    tail: Tail = field(default_factory=lambda: Tail(body=()))
    #: Key of the section the tail belongs to (the last one found), if any.
    last: str | None = None
    #: The line opening another report appended after this one's signature (``附：上年度报告``), cut off unread.
    appended: str | None = None

    def issues(self) -> list[Issue]:
        """A warning for each section found other than by its heading words, saying how it was found."""
        out = []
        for key, section in self.sections.items():
            if section.found_by == "content":
                out.append(warning("section.found_by_content", f"no heading for section {key}: its table was "
                                   "recognised by the row labels and column headers only it prints", key))
            elif section.found_by != "heading":
                how = {"wrapped": "wrapped over two lines", "glued": "with its first paragraph glued onto its line",
                       "reordered": "after a later section's"}.get(section.found_by, "in other words")
                out.append(warning(f"section.heading_{section.found_by}", f"section {key}'s heading printed "
                                   f"{how}: {section.heading!r}", key))
        if self.appended is not None:
            out.append(warning("outline.appended_report", f"another report follows the signature "
                               f"({self.appended!r}): not read", "sections"))
        return out

    def metadata(self, properties: dict[str, str] | object) -> tuple[dict[str, object], list[Issue]]:
        """The report's title, agency, year, published and signed (:func:`nianbao.page.metadata`), from the front
        matter, the first paragraphs of section 一 (a statistics period is printed there) and the signature;
        ``properties`` is the document's (a web page's ``<title>`` and publish dates)."""
        first = next(iter(self.sections.values()), None)
        opening = first.blocks[:PERIOD_SEARCH_BLOCKS] if first else ()
        texts = [b.text for b in (*self.front, *opening) if isinstance(b, Paragraph)]
        return metadata(texts_of(self.front), self.front, properties, self.tail.signer, self.tail.date_line, texts,
                        is_chrome)

    def text(self, key: str) -> str:
        """A section's text as printed, paragraphs joined by line breaks, page chrome and (in the last section)
        the signature left out; empty when the section is not found or holds no text."""
        section = self.sections.get(key)
        if section is None:
            return ""
        texts = list(self.tail.body) if key == self.last else [t for t in texts_of(section.blocks)
                                                               if not is_chrome(t) and not PAGE_NUMBER.fullmatch(t)]
        if section.aside:
            texts.insert(0, section.aside)
        return "\n".join(t.strip() for t in texts if t.strip())

    @classmethod
    def of(cls, document: Document) -> Outline:
        """Cut ``document`` at the first heading of each section, in template order.

        A heading only counts if its section comes after the last one found, so a
        row label such as ``四、结转下年度继续办理`` or a repeated title cannot
        reopen an earlier section. Where a section is still missing, two more
        looks fill the gap between its neighbours (:func:`_second_look`): a heading
        in other words or wrapped over two lines, then, for the three tables, the
        first block that holds what only that table prints (:func:`_by_content`).
        """
        blocks, appended = _without_appended_report(document.blocks)
        lines = _heading_lines(blocks)  # every look below reads them: found once (a call a paragraph)
        found = _headings(blocks, lines)
        if len(found) < len(SECTION_ORDER):
            found = _second_look(blocks, found, lines)
            if any(key not in {f.key for f in found} for key in TABLE_SIGNATURES):
                split = _split_tables(blocks)
                if len(split) != len(blocks):
                    lines = _heading_lines(split)
                    blocks, found = split, _second_look(split, _headings(split, lines), lines)
                found = _by_content(blocks, found)
        found = _overview_by_number(blocks, found, lines)
        if 1 < len(found) < len(SECTION_ORDER):
            found = _out_of_order(blocks, found, lines)
        if not found:
            return cls(front=blocks, tail=split_tail(texts_of(blocks)), appended=appended)
        sections: dict[str, Section] = {}
        for n, item in enumerate(found):
            end = found[n + 1].index if n + 1 < len(found) else len(blocks)
            aside = _TRAILING_ASIDE.search(item.heading)
            sections[item.key] = Section(
                key=item.key,
                heading=item.heading.strip(),
                blocks=blocks[item.start : end],
                aside=item.glued or (aside.group(1).strip() or None if aside else None),
                found_by=item.found_by,
            )
        last = found[-1].key
        tail = split_tail([*texts_of(sections[last].blocks), *_signature_cells(sections[last].blocks)])
        return cls(front=blocks[: found[0].index], sections=sections, tail=tail, last=last, appended=appended)


#: A line opening another report is short, as a title is.
_APPENDED_TITLE_CHARS = 80


def _without_appended_report(blocks: tuple[Block, ...]) -> tuple[tuple[Block, ...], str | None]:
    """``blocks`` up to another report appended after this one's signature, and the line that opens it.

    Pages and files append last year's report (``附：上年度报告`` and its whole text, sections and tables with its
    own numbers, numbered more plainly than this one's): read, its sections win the outline. Cut, after a date
    line that follows a table (this report's signature; attachments and a 解读 may come between), at an ``附…报告``
    line or a report's title followed by tables. A plain attachment (``附件：政府信息公开情况统计表``, which may hold
    this report's own tables) is kept.
    """
    for index, block in enumerate(blocks):
        if isinstance(block, Table) or "报告" not in block.text or len(block.text) > _APPENDED_TITLE_CHARS:
            continue  # two C tests rule out nearly every block
        text = block.text.strip()
        appendix = text.startswith("附")
        if (appendix or is_title_line(text)) and (appendix or _holds_tables(blocks[index + 1:])) and _signed(
                blocks[:index]):
            return blocks[:index], text
    return blocks, None


def _signed(blocks: tuple[Block, ...]) -> bool:
    """Whether ``blocks`` hold a date line after a table: a report's signature (attachments, a 解读 may follow)."""
    end = _table_end(blocks)
    return end is not None and any(isinstance(block, Paragraph) and is_date_line(block.text)
                                   for block in blocks[end + 1:])


def _holds_tables(blocks: tuple[Block, ...]) -> bool:
    """Whether ``blocks`` hold a table."""
    return _table_end(blocks) is not None


#: How many value paragraphs make a table in text that prints a cell a line (a report's three tables print 150).
_TABLE_VALUES = 20
_VALUE_LINE = re.compile(r"\s*\d+(?:\.\d+)?\s*")


def _table_end(blocks: tuple[Block, ...]) -> int | None:
    """Where ``blocks`` first hold a table: a ``Table``, or (text printing a cell a line) the ``_TABLE_VALUES``-th
    bare number; ``None`` without one."""
    values = 0
    for index, block in enumerate(blocks):
        if isinstance(block, Table):
            return index
        if _VALUE_LINE.fullmatch(block.text):
            values += 1
            if values >= _TABLE_VALUES:
                return index
    return None


def _headings(blocks: tuple[Block, ...], lines: list[tuple[int, str]]) -> list[_Found]:
    """The paragraphs printing a section's heading words (``lines``: :func:`_heading_lines`), each after the last
    one found in template order."""
    return [_first_half(blocks, f) for f in _exact_headings(blocks, lines)]


def _first_half(blocks: tuple[Block, ...], found: _Found) -> _Found:
    """A heading whose second line alone reads as it (``二、行政机关`` / ``主动公开政府信息情况``): both lines."""
    index = found.index - 1
    while index >= 0 and isinstance(blocks[index], Paragraph) and _page_foot(blocks[index].text):
        index -= 1
    if index < 0 or index < found.index - 2 or not isinstance(blocks[index], Paragraph):
        return found
    first = blocks[index].text
    if section_number(found.heading) is not None or not heading_start(first) or section_of_heading(first) \
            or loose_section_of_heading(first) or is_table_label(first):
        return found  # a numbered heading is whole; a row label (四、结转下年度继续办理) is no heading's half
    joined = first.strip() + found.heading.strip()
    if (section_of_heading(joined) or loose_section_of_heading(joined)) != found.key:
        return found
    return _Found(index, found.start, found.key, joined, "wrapped")


#: Heading lines back to back, this many of them printed again later: a table of contents (目录), not sections.
MIN_CONTENTS_LINES = 3


def _exact_headings(blocks: tuple[Block, ...], lines: list[tuple[int, str]]) -> list[_Found]:
    found: list[_Found] = []
    next_allowed = 0
    contents = _contents(lines)
    for index, key in lines:
        if index in contents:
            continue
        position = SECTION_ORDER.index(key)
        if position < next_allowed:
            continue
        found.append(_Found(index, index + 1, key, blocks[index].text))
        next_allowed = position + 1
    return found


def _heading_lines(blocks: tuple[Block, ...]) -> list[tuple[int, str]]:
    """``(index, section)`` of every paragraph that prints a section's heading words."""
    return [(index, key) for index, block in enumerate(blocks) if isinstance(block, Paragraph)
            and (key := section_of_heading(block.text)) is not None]


def _contents_lines(blocks: tuple[Block, ...], lines: list[tuple[int, str]]) -> set[int]:
    """The lines of a table of contents (:func:`_contents`), and a numbered line right above one (its first
    heading in words the exact look does not know: ``一、政府信息公开工作的基本情况``): never a section's heading."""
    contents = _contents(lines)
    return contents | {index - 1 for index in contents if index - 1 not in contents and index > 0
                       and isinstance(blocks[index - 1], Paragraph) and heading_start(blocks[index - 1].text)}


def _contents(lines: list[tuple[int, str]]) -> set[int]:
    """The heading lines of a table of contents: ``MIN_CONTENTS_LINES`` or more back to back (nothing printed
    between them, in template order) of which at least as many are printed again further on."""
    out: set[int] = set()
    run: list[tuple[int, str]] = []
    for number, (index, key) in enumerate([*lines, (-2, "")]):
        if run and index == run[-1][0] + 1 and key and SECTION_ORDER.index(key) > SECTION_ORDER.index(run[-1][1]):
            run.append((index, key))
            continue
        if len(run) >= MIN_CONTENTS_LINES:
            later = {k for i, k in lines[number:]}
            if sum(k in later for _, k in run) >= MIN_CONTENTS_LINES:  # a heading reworded later is not exact
                out.update(i for i, _ in run)
        run = [(index, key)]
    return out


class _Found(NamedTuple):
    """A section found: where its heading is, where its blocks start, its key, its heading as printed."""

    index: int
    start: int
    key: str
    heading: str
    found_by: str = "heading"
    #: The text glued onto the heading's line after its words (:func:`nianbao.template.glued_heading`).
    glued: str | None = None


def _gap(found: list[_Found], index: int) -> tuple[int, range]:
    """Where a block at ``index`` would go in ``found``, and the template positions a section there may have."""
    at = sum(1 for f in found if f.index < index)
    return at, _allowed(found, at)


def _allowed(found: list[_Found], at: int) -> range:
    """The template positions a section inserted at ``found[at]`` may have (between its neighbours')."""
    low = SECTION_ORDER.index(found[at - 1].key) + 1 if at else 0
    high = SECTION_ORDER.index(found[at].key) if at < len(found) else len(SECTION_ORDER)
    return range(low, high)


def _page_foot(text: str) -> bool:
    """What may come between the two halves of a heading split by a page break: a page's number (``- 3 -``,
    ``第3页``: ``template.PAGE_NUMBER``) or nothing."""
    return not text.strip() or PAGE_NUMBER.fullmatch(text) is not None


def _second_look(blocks: tuple[Block, ...], found: list[_Found], lines: list[tuple[int, str]]) -> list[_Found]:
    """Missing sections opened by a heading in other words (与/和 for 、, a typo) or wrapped over two lines.

    Only lines between the headings already found are looked at, and only for
    the sections that fit between them, so a sub-item of 总体情况 that happens
    to read like a heading cannot take a section whose own heading is printed.
    A line numbered as its section is (``三、`` for section 三) is taken first;
    then any other, so a misnumbered heading is still found.
    """
    found = list(found)
    contents = _contents_lines(blocks, lines)
    for numbered in (True, False):
        taken = {i for f in found for i in range(f.index, f.start)} | contents
        # _gap's answer for every block, kept current as sections are found: a binary search, not a loop
        starts = sorted(f.index for f in found)
        gaps = [_allowed(found, at) for at in range(len(found) + 1)]
        # only the blocks of a gap some section may still open are visited: a gap only narrows as sections are
        # found, so a block outside those would be passed over below anyway (a report's cells, most of it)
        bounds = [-1, *starts, len(blocks) - 1]  # gap ``at``: the blocks after bounds[at], to bounds[at + 1]
        for index in chain.from_iterable(range(bounds[at] + 1, bounds[at + 1] + 1) for at, allowed in
                                         enumerate(gaps) if allowed):
            block = blocks[index]
            if index in taken or not isinstance(block, Paragraph):
                continue
            at = bisect_left(starts, index)
            allowed = gaps[at]
            if not allowed:
                continue
            key, start, heading, glued = loose_section_of_heading(block.text), index + 1, block.text, None
            cut = glued_heading(block.text)
            if cut is not None and (key is None or any(mark in cut[2] for mark in SENTENCE_MARKS)):
                key, heading, glued = cut  # 六、其他需要报告的事项本机关未收取信息处理费。: a sentence glued on, not
                # the heading's last words (三、收到和处理政府信息公开申请情况统计表 stays a heading in other words)
            if key is None:
                key = own_numbered_heading(block.text)  # （五）存在的主要问题及改进情况: 五 numbered as a sub-item
            if key is None and heading_start(block.text):
                key, start, heading = _wrapped(blocks, index)
            if key is None or SECTION_ORDER.index(key) not in allowed or CONTENTS_LINE.search(block.text):
                continue  # (a line of a table of contents, dotted leaders and a page, opens no section)
            if numbered and heading_number(heading)[0] != SECTION_ORDER.index(key) + 1:
                continue
            if not numbered and _other_style(heading, found):
                continue  # misnumbered, and numbered as no heading found is: an item (1.主动公开情况 under （一）概述)
            how = "glued" if glued else "wrapped" if start > index + 1 else "reworded"
            found.insert(at, _Found(index, start, key, heading, how, glued))
            taken.update(range(index, start))
            insort(starts, index)
            gaps = [_allowed(found, at) for at in range(len(found) + 1)]
    return found


def _out_of_order(blocks: tuple[Block, ...], found: list[_Found], lines: list[tuple[int, str]]) -> list[_Found]:
    """Missing sections whose heading is printed, numbered as the section (``三、``, ``（三）``), after a later
    section's (三 after 四, 五 after 六): each opens its section where it stands. Only after the first section found
    (before it: a table of contents) and before the last, or in the paragraphs of prose right after the last
    (:func:`_prose_after`), and there only a prose section's (五, 六): a heading after a signature, an attachment
    line or a table, or a table section's after the last section (an appendix repeating 三 with last year's numbers),
    opens nothing."""
    keys = {f.key for f in found}
    contents = _contents_lines(blocks, lines)
    # the exact heading lines, and lines numbered （三） as their section (reports numbering sections （一）…（六）)
    end = found[-1].index + _prose_after(blocks, found[-1].index)
    numbered = [(index, key) for index in range(found[0].index + 1, end)
                if isinstance(block := blocks[index], Paragraph) and len(block.text) <= HEADING_MAX_CHARS
                and is_group_numbered(block.text) and (key := own_numbered_heading(block.text)) is not None]
    out = list(found)
    for index, key in sorted({*lines, *numbered}):
        if key in keys or not found[0].index < index < end or index in contents or (
                index > found[-1].index and key in TABLE_SIGNATURES):
            continue  # after the last section only a prose section (五 after 六), never a table's
        heading, position = blocks[index].text, SECTION_ORDER.index(key)
        if heading_number(heading)[0] != position + 1 or not any(
                f.index < index and SECTION_ORDER.index(f.key) > position for f in found):
            continue  # numbered as another section, or not after a later section: no section out of order
        insort(out, _Found(index, index + 1, key, heading, "reordered"))
        keys.add(key)
    return out


#: How many paragraphs after the last section's heading may hold the heading of a section printed after it.
_PROSE_AFTER_BLOCKS = 12


def _prose_after(blocks: tuple[Block, ...], index: int) -> int:
    """How many blocks from the heading at ``index`` on are that section's prose: paragraphs, up to a table, a date
    line (a signature), an attachment line (``附件``, ``附表``) or a part appended after the report (a 解读, another
    report's title); at most :data:`_PROSE_AFTER_BLOCKS`."""
    for offset, block in enumerate(blocks[index + 1:index + 1 + _PROSE_AFTER_BLOCKS], 1):
        if not isinstance(block, Paragraph) or is_date_line(block.text) or block.text.lstrip().startswith(
                ATTACHMENT_MARKERS) or _opens_appended_part(block.text):
            return offset
    return min(_PROSE_AFTER_BLOCKS + 1, len(blocks) - index)


def _other_style(heading: str, found: list[_Found]) -> bool:
    """Whether ``heading`` is numbered in a style none of the headings found so far is (and some of them are)."""
    styles = {number_style(f.heading) for f in found} - {None}
    style = number_style(heading)
    return bool(styles) and style is not None and style not in styles


def _overview_by_number(blocks: tuple[Block, ...], found: list[_Found], lines: list[tuple[int, str]]
                        ) -> list[_Found]:
    """Section 一 opened by a heading in words no look knows (``一、政府信息公开工作的基本情况``, ``（一）总体情况``):
    the last short line numbered one (``一、``, ``1、``, ``（一）``) with no sentence in it above section 二, when 二
    is the first section found and some text follows that line. A line numbered （一） counts only when 二 is
    numbered （二） or its words are 总体情况: under ``二、`` it is the first item of 总体情况 (``（一）主动公开情况``),
    whose own heading (``一、概述2022年，…``) was not recognised. The last, not the first: a table of contents
    above the report prints the same line first. Nothing is taken where no such line is printed."""
    if not found or found[0].key != SECTION_ORDER[1]:
        return found
    sub_items = is_group_numbered(found[0].heading)  # 二 numbered （二）: 一 may be （一）, else （一） is 一's item
    candidates = [index for index, block in enumerate(blocks[: found[0].index]) if isinstance(block, Paragraph)
                  and _numbered_one(block.text) and (sub_items or not is_group_numbered(block.text)
                                                     or heading_words_of(block.text) == SECTION_ORDER[0])]
    if candidates:  # the table of contents is looked for only when some line could open section 一
        contents = _contents_lines(blocks, lines)
        candidates = [index for index in candidates if index not in contents]
    if not candidates or candidates[-1] + 1 >= found[0].index:
        return _overview_glued(blocks, found, sub_items)
    index = candidates[-1]
    return [_Found(index, index + 1, SECTION_ORDER[0], blocks[index].text, "reworded"), *found]


def _overview_glued(blocks: tuple[Block, ...], found: list[_Found], sub_items: bool) -> list[_Found]:
    """Section 一 under a heading in words no look knows with its first sentence glued on
    (``一、本年度工作开展情况2022年，本机关…``, :func:`nianbao.template.heading_glued_to_sentence`), where no line
    numbered one stands alone above 二: the first such line numbered one in the style 二 is numbered in (a later
    one is an item of 一: ``1.主动公开情况2022年，…`` under ``一、``), under the same rule for （一） as above."""
    style = number_style(found[0].heading)
    for index, block in enumerate(blocks[: found[0].index]):
        if not isinstance(block, Paragraph) or len(block.text) <= HEADING_MAX_CHARS:
            continue
        cut = heading_glued_to_sentence(block.text)
        if cut is None or cut[0] != 1 or (style is not None and number_style(cut[1]) != style):
            continue
        if is_group_numbered(cut[1]) and not sub_items:
            continue
        return [_Found(index, index + 1, SECTION_ORDER[0], cut[1], "glued", cut[2]), *found]
    return found


def _numbered_one(text: str) -> bool:
    stripped = text.strip()
    if len(stripped) > HEADING_MAX_CHARS or any(mark in stripped for mark in SENTENCE_MARKS):
        return False
    number, words = heading_number(stripped)
    return number == 1 and bool(words)


def _wrapped(blocks: tuple[Block, ...], index: int) -> tuple[str | None, int, str]:
    """A heading whose words run on into the next paragraph (past a page number): its key, end, joined text."""
    first = blocks[index]
    assert isinstance(first, Paragraph)
    if is_table_label(first.text):
        return None, index + 1, first.text  # 四、结转下年度继续办理 is a row, not half a heading
    for following in range(index + 1, min(index + 4, len(blocks))):
        block = blocks[following]
        if not isinstance(block, Paragraph):
            break
        if _page_foot(block.text):
            continue
        if section_number(block.text) is not None:
            break  # a numbered line starts a heading of its own
        joined = first.text.strip() + block.text.strip()
        key = section_of_heading(joined) or loose_section_of_heading(joined)
        return key, following + 1, joined
    return None, index + 1, first.text


#: A table is known by content when this many different words of its signature, in the block that opens it and
#: the few after, are printed (one ``行政复议`` link in a page's navigation is no table).
MIN_SIGNATURE_CELLS = 3
#: Blocks looked at from the one that would open the table (a cell-per-paragraph table is a block a cell,
#: a header printed a character a line a block a character).
SIGNATURE_WINDOW = 24


def _signature_hits(block: Block) -> dict[str, int]:
    """How many of a block's cells (a paragraph: its text) each table alone prints.

    A paragraph's words spaced apart count too: PDF text prints a table's row or header as one line
    (``行政处罚 3985758``, ``信息内容 本年处理决定数量``).
    """
    if isinstance(block, Paragraph):
        pieces = block.text.split()
        texts = [block.text, *pieces] if len(pieces) > 1 else [block.text]
    else:
        texts = [*block.cell_texts()]
    hits: dict[str, int] = {}
    for text in texts:
        norm = normalise_label(text)
        for key, words in TABLE_SIGNATURES.items():
            if norm in words:
                hits[key] = hits.get(key, 0) + 1
    return hits


def _signature_of(blocks: tuple[Block, ...], index: int) -> str | None:
    """The one table that ``blocks[index]`` opens by what only that table prints, or ``None``.

    The block must hold a word of one table's signature, and the blocks from it
    on (up to ``SIGNATURE_WINDOW``, prose sentences left out) at least
    ``MIN_SIGNATURE_CELLS`` different words of it, counted in their joined text so
    that a header printed a character a line (``结`` / ``果`` / ``维`` / ``持``) counts.
    """
    hits = _signature_hits(blocks[index])
    if len(hits) != 1:
        return None
    key = next(iter(hits))
    joined = "".join(_short_texts(blocks[index:index + SIGNATURE_WINDOW]))
    found = sum(1 for word in TABLE_SIGNATURES[key] if word in joined)
    return key if found >= MIN_SIGNATURE_CELLS else None


def _short_texts(blocks: tuple[Block, ...]) -> list[str]:
    """The normalised texts of the cells among ``blocks`` and of their short paragraphs (not prose)."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if len(block.text) <= HEADING_MAX_CHARS:
                out.append(normalise_label(block.text))
        else:
            out.extend(map(normalise_label, block.cell_texts()))
    return out


def _row_signature(texts: list[str]) -> str | None:
    keys = {key for text in texts for key, words in TABLE_SIGNATURES.items() if normalise_label(text) in words}
    return keys.pop() if len(keys) == 1 else None


def _split_tables(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Tables that hold two statistics tables back to back (their heading between them missing), cut apart.

    A table is cut before a row that holds what only a later table prints
    (``申请人情况`` after section 二's rows, ``行政复议`` after section 三's).
    """
    out: list[Block] = []
    order = list(TABLE_SIGNATURES)
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block)
            continue
        start, current = 0, None
        for index, texts in enumerate(block.row_texts()):
            key = _row_signature(texts)
            if key is None:
                continue
            if current is not None and order.index(key) > order.index(current) and index > start:
                out.append(_rows_of(block, start, index))
                start = index
            if current is None or order.index(key) > order.index(current):
                current = key
        out.append(block if start == 0 else _rows_of(block, start, None))
    return tuple(out)


def _rows_of(table: Table, start: int, end: int | None) -> Table:
    """The rows ``start:end`` of ``table`` as a table (a table of plain texts stays one: its Cells are not made;
    one with spans is cut as its grid, the spans crossing the cut kept as they were)."""
    if table.texts is not None and table.spans is None:
        return Table.from_texts(table.texts[start:end])
    return Table(rows=table.rows[start:end])


def _by_content(blocks: tuple[Block, ...], found: list[_Found]) -> list[_Found]:
    """Missing table sections, each opened at the first block that holds what only its table prints.

    A table is recognised by its row labels and column headers (``自然人``,
    ``本年新收政府信息公开申请数量``, ``结果维持``), not by its heading, so a table
    whose heading is missing, misspelt beyond recognition or lost in a page
    break still reaches its fitter instead of landing in the section before it.
    The line right above such a table that prints its section's heading words
    under another number (``（二）主动公开政府信息情况``) is its heading.
    """
    missing = {key for key in TABLE_SIGNATURES if key not in {f.key for f in found}}
    if not missing:
        return found
    found = list(found)
    for index in range(len(blocks)):
        key = _signature_of(blocks, index) if not any(f.index <= index < f.start for f in found) else None
        if key not in missing:
            continue
        at, allowed = _gap(found, index)
        if SECTION_ORDER.index(key) in allowed:
            above = blocks[index - 1] if index and not any(f.index <= index - 1 < f.start for f in found) else None
            if isinstance(above, Paragraph) and heading_words_of(above.text) == key:  # （二）主动公开政府信息情况
                found.insert(at, _Found(index - 1, index, key, above.text, "reworded"))
            else:
                found.insert(at, _Found(index, index, key, "", "content"))
            missing.discard(key)
            if not missing:
                break
    return found


#: Text cells a table at the very end may have to be taken for a signature laid out in a borderless table.
SIGNATURE_TABLE_CELLS = 4


def _signature_cells(blocks: tuple[Block, ...]) -> list[str]:
    """The texts of a small table that ends the last section when its last text is a date (a Word file that sets
    the signing body and date in the right cell of a borderless table); else nothing."""
    if not blocks or not isinstance(blocks[-1], Table):
        return []
    texts = [text.strip() for text in blocks[-1].cell_texts() if text.strip()]
    if not texts or len(texts) > SIGNATURE_TABLE_CELLS or not is_date_line(texts[-1]):
        return []
    return texts


def texts_of(blocks: tuple[Block, ...]) -> list[str]:
    """The lines of the paragraphs among ``blocks``, in order.

    A paragraph broken with line breaks (Shift+Enter in Word) gives one line each,
    so a title or signature printed that way reads as the same lines as in text.
    """
    return [line for b in blocks if isinstance(b, Paragraph) for line in b.text.split("\n")]


#: Every chrome marker in one pattern: one C scan of a line instead of a ``find`` per marker (3–8× faster). The
#: leftmost match starts where the first marker does, so it answers both questions below.
_CHROME = re.compile(words_pattern(CHROME_MARKERS))  # traditional forms too


def is_chrome(text: str) -> bool:
    """Whether a paragraph is web-page chrome (footer, share bar, ICP line)."""
    return _CHROME.search(text) is not None


def chrome_position(text: str) -> int | None:
    """Where the first chrome marker in ``text`` starts, or ``None``."""
    found = _CHROME.search(text)
    return None if found is None else found.start()


def _opens_appended_part(text: str) -> bool:
    """Whether ``text`` reads as the title of a part after the report: a report's title, or a short line naming an
    interpretation (``《…年度报告》解读``, ``一图读懂…``)."""
    return len(text) <= _APPENDED_TITLE_CHARS and (
        is_title_line(text) or any(word in text for word in APPENDED_PART_WORDS))


@dataclass(frozen=True, kw_only=True, slots=True)
class Tail:
    """The end of a report's text: body paragraphs, then the signature, then chrome."""

    body: tuple[str, ...]
    signer: str | None = None
    date_line: str | None = None


def split_tail(texts: list[str]) -> Tail:
    """Cut ``texts`` (the last section's paragraphs, page numbers left out) at the first chrome line and peel off
    the signature (:func:`nianbao.page.split_signature`: a date line at the end, with the signing body above it, or
    both glued to the end of the last line)."""
    body = [text for text in texts if not PAGE_NUMBER.fullmatch(text)]  # a page's foot (``- 4 -``, ``第4页共4页``)
    for index, text in enumerate(body):
        cut = chrome_position(text)
        if cut is not None:
            del body[index:]
            if text[:cut].strip():  # chrome glued to the end of a paragraph: keep the text before it
                body.append(text[:cut].rstrip())
            break
    while body and not body[-1].strip():
        body.pop()
    _cut_attachments(body)
    signer, date_line = split_signature(body)
    return Tail(body=tuple(body), signer=signer, date_line=date_line)


def _cut_attachments(body: list[str]) -> None:
    """Cut ``body`` at a line listing the report's attachments (``附件：1.…``, ``附：上年度报告``), starting its
    footnotes (``[1] 含上年度转来3件。``), or opening a part signed on its own (a title, ``《…报告》解读``) when a
    signature ends the lines above it: those and whatever follows are no text of the last section, and a
    signature at their end is not the report's."""
    for index, text in enumerate(body):
        if index and (text.lstrip().startswith(ATTACHMENT_MARKERS) or FOOTNOTE_LINE.match(text)
                      or _opens_appended_part(text)):
            above = body[:index]
            if split_signature(above)[1] is not None:  # split_signature edits its list: a copy
                del body[index:]
                return
