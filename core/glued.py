"""Crawler text that glued a whole report onto one line: cut it back into cells.

Some scrapers flatten a page to one line, so ``行政许可3960181`` holds a label
and three numbers with nothing between them. Two steps undo it:

1. :func:`unglue` re-segments such a document with the template's own words:
   a numbered section heading (``二、主动公开政府信息情况``) starts a new
   paragraph, and inside the table sections every known label becomes its own
   paragraph, the text between labels a *run* of digits.
2. :func:`split_run` lists every way a row's runs can be cut into the
   template's columns (no leading zeros, a sign (``-``, ``+``) starts a number, a decimal
   stays whole). The fitter keeps a split only when the template's shape and
   cross-checks leave exactly one; otherwise the values stay null and the issue
   lists the candidates. Nothing is guessed silently.

When no split fits, two readings that need no fit remain: :func:`split_by_count`
(exactly as many digits as cells: a digit a cell, the numbers as printed) and
:func:`agreed_split` (fewer digits than cells: the agreement rule of
:mod:`nianbao.agree`, taken only when every reading gives the same numbers).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Sequence
from functools import lru_cache

from .agree import Sums, readings
from .budget import check_deadline
from .document import Block, Document, Paragraph
from .template import (
    APPLICATION_COLUMNS,
    APPLICATION_GROUPS,
    APPLICATION_ROWS,
    GLUED_COUNT_UNITS,
    GLUED_LATER_PLACES,
    GLUED_LOOSE_HEADING_CHARS,
    GLUED_MINUS_WORDS,
    GLUED_NOTE_WORDS,
    GLUED_OVERVIEW_FOLLOWERS,
    GLUED_PROSE_STARTS,
    GLUED_PROSE_YEAR,
    GLUED_START_GAP,
    GLUED_TABLE_STARTS,
    HEADING_ENDINGS,
    HEADING_JOINERS,
    HEADING_SUFFIXES,
    NONE_SPELLINGS,
    PAGE_MARK,
    PROACTIVE_COLUMN_TYPOS,
    PROACTIVE_COLUMNS,
    PROACTIVE_ITEMS,
    PROSE_SECTIONS,
    REVIEW_FIELDS,
    REVIEW_GROUPS,
    SECTION_HEADINGS,
    SECTION_KEYWORDS,
    SECTION_ORDER,
    SENTENCE_MARKS,
    loose_section_of_heading,
    simplified,
    word_pattern,
)

#: A paragraph this long with several numbered headings inside is glued text.
GLUED_MIN_CHARS = 800
GLUED_MIN_HEADINGS = 3
#: Give up listing splits of runs longer than this (the count grows combinatorially).
MAX_RUN_DIGITS = 40
MAX_CANDIDATES = 5000
#: Give up on a row whose runs can be cut in more ways than this, before ``accept``: 40 digits in 7
#: columns can be cut C(39, 6) = 3.3 million ways, a minute of trying; 100,000 is about a second.
MAX_SPLITS_TRIED = 100_000

_EXTRA_LABELS = ("信息内容", "申请人情况", "法人或其他组织", "行政诉讼")
#: A section's number: 一 to 十, or one digit (``4、``), so that zeros glued before it stay the row's
#: (``…0 0 004、政府信息公开行政复议…``: values ``0 0 00``, then section 4).
_SECTION_NUMBER = r"(?:[一二三四五六七八九十]{1,2}|[1-9])\s*[、.．]\s*"
_ROW_NUMBER = r"(?:[（(]\s*[一二三四五六七八九十]{1,2}\s*[）)]\s*|[一二三四五六七八九十]{1,2}、\s*|\d[.．、]\s*)?"
_TABLE_NOTE = (rf"[（(]{word_pattern(GLUED_NOTE_WORDS[0])}[^）)]*[）)]|{word_pattern(GLUED_NOTE_WORDS[1])}\s*第\s*"
               rf"[（(]\s*[一二三四五六七八九十]+\s*[）)]\s*{word_pattern(GLUED_NOTE_WORDS[2])}")


def _spaced(text: str, between: str = r"[\s、，,]*") -> str:
    """A pattern for ``text``, traditional forms too, tolerating spaces and list punctuation between its characters."""
    return between.join(word_pattern(ch) for ch in text if not ch.isspace())


#: The numerals of the six sections' places, for a heading numbered ``（一）`` or ``第一部分``, and of the two places
#: after them a report adding parts of its own numbers its last sections by (template.GLUED_LATER_PLACES).
_PLACES = "一二三四五六七八"


@lru_cache(maxsize=1)
def _heading_pattern() -> re.Pattern[str]:
    """A numbered heading; between its characters spaces, list punctuation, and 与/和/及 where 、 stands. A heading
    numbered ``（一）`` or ``第一部分`` counts only under its own section's number (``…年度报告（一）总体情况 2020年…``,
    a report numbering its six sections so): 总体情况's items (``（一）主动公开政府信息情况``) are no headings."""
    words = sorted({w for ws in SECTION_HEADINGS.values() for w in ws}, key=len, reverse=True)
    between = rf"[\s、，,{HEADING_JOINERS}]*"
    own = "|".join(
        rf"(?:[（(]\s*{_PLACES[place]}\s*[)）]|第{_PLACES[place]}部分)\s*"
        rf"(?:{'|'.join(_spaced(w, between) for w in sorted(SECTION_HEADINGS[key], key=len, reverse=True))})"
        for place, key in enumerate(SECTION_ORDER))
    # a year may stand between the number and the words: ``一、2025年政务公开工作总体情况`` (KIROGOVCOMPARE)
    year = rf"(?:{GLUED_PROSE_YEAR}度?\s*)?"
    exact = rf"{_SECTION_NUMBER}{year}(?:{'|'.join(_spaced(w, between) for w in words)})"
    # every alternative opens with a number: the look-ahead lets most positions fail at once
    return re.compile(rf"(?=[一二三四五六七八九十1-9（(第])(?:{exact}|{own}|{_loose_headings(year)})")


def _loose_headings(year: str) -> str:
    """Headings in other words (template.GLUED_LOOSE_HEADING_CHARS): under each section's own number (a prose
    section 五 or 六 also under one of the ``GLUED_LATER_PLACES`` after it), one of its keyword sets in order, then
    the words up to a heading ending; when the last keyword is one, the words up to another ending after a joiner
    (``五、存在的主要问题及明年工作计划``), if any."""
    char = rf"[^\d\s{re.escape(SENTENCE_MARKS)}（）()]"
    gap = rf"{char}{{0,{GLUED_LOOSE_HEADING_CHARS}}}?"
    endings = "|".join(word_pattern(w) for w in HEADING_ENDINGS)
    suffixes = "|".join(word_pattern(w) for w in HEADING_SUFFIXES)
    alternatives = []
    for place, key in enumerate(SECTION_ORDER):
        later = GLUED_LATER_PLACES if key in PROSE_SECTIONS and place else 0
        places = range(place, place + later + 1)
        numerals, digits = "".join(_PLACES[p] for p in places), "".join(str(p + 1) for p in places)
        number = rf"(?:[{numerals}]|[{digits}])\s*[、.．]\s*{year}"
        bodies = []
        for words in SECTION_KEYWORDS[key]:
            body = gap + gap.join(word_pattern(w) for w in words)
            tail = rf"(?:[{HEADING_JOINERS}]{gap}(?:{endings}))?" if words[-1].endswith(HEADING_ENDINGS) \
                else rf"{gap}(?:{endings})"
            bodies.append(body + tail)
        alternatives.append(rf"{number}(?:{'|'.join(bodies)})(?:{suffixes})?")
    # each section's number once, and one look-ahead for all: the digits of a table's values fail at once
    return rf"(?=[{_PLACES}1-{len(_PLACES)}]\s*[、.．])(?:{'|'.join(alternatives)})"


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern[str]:
    tables = (PROACTIVE_ITEMS, PROACTIVE_COLUMNS, APPLICATION_ROWS, APPLICATION_GROUPS, APPLICATION_COLUMNS,
              REVIEW_GROUPS, REVIEW_FIELDS)
    labels = {text for table in tables for label in table.values() for text in label.labels}
    labels.update(_EXTRA_LABELS, PROACTIVE_COLUMN_TYPOS)
    alternation = "|".join(_spaced(t) for t in sorted(labels, key=len, reverse=True))
    # bracketed asides after a label (（区分处理的，…）, （单位：万元）) stay with it
    return re.compile(rf"{_TABLE_NOTE}|{_unnumbered_table_headings()}|"
                      rf"{_ROW_NUMBER}(?:{alternation})(?:\s*[（(][^（）()]{{0,40}}[）)])?")


#: The three tables' heading words, and a look-ahead for their first characters (most positions fail it at once).
_TABLE_HEADING_WORDS = sorted({w for key in GLUED_TABLE_STARTS for w in SECTION_HEADINGS[key]}, key=len, reverse=True)
_TABLE_HEADING_START = rf"(?={'|'.join(sorted({word_pattern(w[0]) for w in _TABLE_HEADING_WORDS}))})"
#: How long a note between a table's heading and its header may be (``（本列数据的勾稽关系为：…）``: 34 characters).
_HEADING_NOTE_CHARS = 60


def _unnumbered_table_headings() -> str:
    """A table's heading unnumbered right before its header (template.GLUED_TABLE_STARTS; a note in brackets may come
    between), glued to the values before it (``…5949.088667收到和处理政府信息公开申请情况（本列数据…）申请人情况…``)
    or holding a label's words (``…0000000政府信息公开行政复议、行政诉讼情况行政复议…``): one token, the heading."""
    between = rf"[\s、，,{HEADING_JOINERS}]*"
    headings = "|".join(
        rf"(?:{'|'.join(_spaced(w, between) for w in sorted(SECTION_HEADINGS[key], key=len, reverse=True))})"
        rf"(?=\s*(?:[（(][^（）()]{{0,{_HEADING_NOTE_CHARS}}}[）)])?\s*{_spaced(first)})"
        for key, (first, _) in GLUED_TABLE_STARTS.items())
    return rf"{_TABLE_HEADING_START}(?:{headings})"


def is_glued(document: Document) -> bool:
    """Whether some paragraph holds several numbered section headings: a report glued onto one line."""
    pattern = _heading_pattern()
    for index, block in enumerate(document.blocks):
        if not index & 1023:  # and before each long paragraph: a clock read per short one was 5% of a text report
            check_deadline()
        if isinstance(block, Paragraph) and len(block.text) >= GLUED_MIN_CHARS:
            check_deadline()
            headings = sum(1 for _ in pattern.finditer(block.text))
            if headings >= GLUED_MIN_HEADINGS:
                return True
            # a heading in words no pattern knows still leaves its table's header: with two headings known, the
            # tables' header starts count too (fujian-pingtan-junshan-2025 prints three headings the template's way)
            if headings >= GLUED_MIN_HEADINGS - 1 and headings + _tables_started(block.text) >= GLUED_MIN_HEADINGS + 1:
                return True
    return False


def _tables_started(text: str) -> int:
    """How many of the three tables' headers (``GLUED_TABLE_STARTS``) a paragraph holds."""
    return len({match.lastgroup for match in _table_start().finditer(text)})


def unglue(document: Document) -> Document:
    """Re-segment glued paragraphs at headings and table labels; ``properties["layout"]`` becomes ``"glued"``."""
    blocks: list[Block] = []
    for block in document.blocks:
        check_deadline()
        if isinstance(block, Paragraph) and len(block.text) >= GLUED_MIN_CHARS:
            text = _mend_headings(block.text)
            blocks.extend(Paragraph(text=t) for t in _segments(text) if t.strip())  # a heading's empty body
            # is nothing: a table of contents' headings stay back to back
        else:
            blocks.append(block)
    properties = {**document.properties, "layout": "glued"}
    return Document(blocks=tuple(blocks), format=document.format, properties=properties, notes=document.notes)


#: Characters either side of a page number looked at for a heading it breaks (a heading is under 40).
_MEND_WINDOW = 40


def _mend_headings(text: str) -> str:
    """``text`` without the page numbers that break a section heading (``二、主动公开政府 - 3 -信息情况``: the page's
    foot printed where the heading crossed the page break). A page number is cut only where the text without it
    prints a numbered heading across the cut; elsewhere (a table's ``- 3 -``: none, 3, none) it stays."""
    pattern = _heading_pattern()
    out, position = [], 0
    for mark in PAGE_MARK.finditer(text):
        start, end = mark.start(), mark.end()
        before, after = text[max(position, start - _MEND_WINDOW): start], text[end: end + _MEND_WINDOW]
        if not before or not after:
            continue
        if any(m.start() < len(before) < m.end() for m in pattern.finditer(before + after)):
            out.append(text[position:start])
            position = end
    return "".join(out) + text[position:] if out else text


#: What a glued heading's words are compared without: spaces, list punctuation and the joiners 与/和/及.
_HEADING_NOISE = re.compile(rf"[\s、，,{HEADING_JOINERS}]")
#: Each section's heading words without the joiners, made once (a heading is matched against them per match).
_JOINERLESS_HEADINGS = {key: tuple(_HEADING_NOISE.sub("", w) for w in words) for key, words in SECTION_HEADINGS.items()}


def _segments(text: str) -> Iterator[str]:
    """Headings and prose; inside table sections, labels and digit runs."""
    headings = list(_heading_pattern().finditer(text))
    table_sections = {"proactive", "applications", "review_litigation"}
    sections = [_section_of(match.group(0)) for match in headings]
    yield from _front(text[: headings[0].start()] if headings else text, sections[0] if sections else None)
    for index, match in enumerate(headings):
        check_deadline()
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        yield match.group(0)
        body = text[match.end(): end]
        if sections[index] in table_sections:
            yield from _table_tokens(body)
        else:
            yield from _prose_then_table(body)
    return


def _front(front: str, first: str | None) -> Iterator[str]:
    """The text before the first heading found (``first`` its section): the preface, then section 一 under a heading
    in words no keyword names (:func:`_overview_heading`) where section 二's heading or table comes next (the outline
    takes it by its number), and a table whose heading is not found (unnumbered: ``…查阅。主动公开政府信息情况第二十条
    第（一）项…``): its labels and runs, as :func:`_prose_then_table` gives a section's."""
    table = _table_start().search(front)
    before_two = first == SECTION_ORDER[1] or (table is not None and table.lastgroup == SECTION_ORDER[1])
    overview = _overview_heading(front[: table.start()] if table else front) if before_two else None
    if overview is not None:
        yield front[: overview.start()]
        yield overview.group(0).strip()
        yield from _prose_then_table(front[overview.end():])
    elif table is not None:
        yield from _prose_then_table(front)
    else:
        yield front


def _section_of(heading: str) -> str | None:
    """The section a heading found in glued text opens."""
    heading_words = _HEADING_NOISE.sub("", simplified(heading))  # 与/和/及 dropped on both sides
    return next((k for k, ws in _JOINERLESS_HEADINGS.items() if any(w in heading_words for w in ws)), None) \
        or loose_section_of_heading(heading)


@lru_cache(maxsize=1)
def _overview_pattern() -> re.Pattern[str]:
    """Section 一's heading in words no keyword names, after a sentence's end: ``一、`` (a year may follow) and up to
    ``GLUED_LOOSE_HEADING_CHARS`` characters with no digit, space, bracket or sentence mark, right before the
    section's first item or sentence (template.GLUED_OVERVIEW_FOLLOWERS); or ``一`` and 总体情况's own words
    (``一总体情况2020年，…``, fujian-pingtan-jinjing-2020). The words hold no digit: however wrongly their end were
    taken, no number of the section's text could be taken into the heading."""
    words = "|".join(_spaced(w) for w in sorted(SECTION_HEADINGS["overview"], key=len, reverse=True))
    return re.compile(rf"{_AFTER_SENTENCE}一\s*(?:[、.．]\s*(?:{GLUED_PROSE_YEAR}度?\s*)?"
                      rf"{_OVERVIEW_CHAR}{{2,{GLUED_LOOSE_HEADING_CHARS}}}?(?={_OVERVIEW_FOLLOWERS})|[、.．]?\s*(?:{words}))")


#: Where a heading glued into running text may start: at the start, or after a sentence's end or a colon.
_AFTER_SENTENCE = r"(?:^|(?<=[。；;！!？?）)：:\s]))"
_OVERVIEW_FOLLOWERS = "|".join(GLUED_OVERVIEW_FOLLOWERS)
#: A character of section 一's heading words in glued text: no digit, space, bracket, quote or sentence mark.
_OVERVIEW_CHAR = rf"[^\d\s{re.escape(SENTENCE_MARKS)}（）()《》“”]"


@lru_cache(maxsize=1)
def _unnumbered_overview_pattern() -> re.Pattern[str]:
    """Section 一's heading unnumbered (``总体情况``, ``政府信息公开工作总体情况``; KIROGOVCOMPARE): one of its keyword
    sets in order, ending the words (``…总体情况``, ``…概述``), after a sentence's end and right before the section's
    first item or sentence (template.GLUED_OVERVIEW_FOLLOWERS), with no digit, space or sentence mark."""
    gap = rf"{_OVERVIEW_CHAR}{{0,{GLUED_LOOSE_HEADING_CHARS}}}?"
    sets = "|".join(gap + gap.join(word_pattern(w) for w in words) for words in SECTION_KEYWORDS["overview"]
                    if words[-1].endswith(HEADING_ENDINGS))
    return re.compile(rf"{_AFTER_SENTENCE}(?:{sets})(?={_OVERVIEW_FOLLOWERS})")


def _overview_heading(front: str) -> re.Match[str] | None:
    """The last place in the text before section 二's that reads as section 一's heading, numbered
    (:func:`_overview_pattern`) or, where none is, unnumbered (:func:`_unnumbered_overview_pattern`); or ``None``."""
    matches = list(_overview_pattern().finditer(front)) or list(_unnumbered_overview_pattern().finditer(front))
    return matches[-1] if matches else None


@lru_cache(maxsize=1)
def _table_start() -> re.Pattern[str]:
    starts = (rf"(?P<{key}>{_spaced(first)}.{{0,{GLUED_START_GAP}}}?{_spaced(second)})" for key, (first, second) in
              GLUED_TABLE_STARTS.items())
    return re.compile("|".join(starts))


#: How far before its table a heading numbered otherwise than a section's may end (``（二）主动公开政府信息情况``).
HEADING_BEFORE_TABLE_CHARS = 4
_ANY_NUMBER = r"(?:[（(]\s*[一二三四五六七八九十]{1,2}\s*[）)]|[一二三四五六七八九十]{1,2}|\d{1,2})\s*[、.．]?\s*"


@lru_cache(maxsize=8)
def _heading_before(section: str) -> re.Pattern[str]:
    """A section's heading under any number or none at the end of the text before its table."""
    between = rf"[\s、，,{HEADING_JOINERS}]*"
    words = "|".join(_spaced(w, between) for w in sorted(SECTION_HEADINGS[section], key=len, reverse=True))
    return re.compile(rf"(?:{_ANY_NUMBER})?(?:{words})\s{{0,{HEADING_BEFORE_TABLE_CHARS}}}$")


def _prose_then_table(body: str) -> Iterator[str]:
    """A prose section's text, and from where a table's header starts in it (its own heading missing or not
    numbered as a section's), that table's labels and runs: the outline places a table by what it holds. A
    heading right before the table (``（二）主动公开政府信息情况``) is cut off the prose as a paragraph of its own."""
    start = _table_start().search(body)
    if start is None:
        yield body
        return
    prose = body[:start.start()]
    heading = _heading_before(start.lastgroup or "").search(prose)
    if heading is not None:
        prose = prose[:heading.start()]
    if prose.strip():
        yield prose
    if heading is not None:
        yield heading.group(0).strip()
    yield from _table_tokens(body[start.start():])


def _table_tokens(body: str) -> Iterator[str]:
    position = 0
    for match in _label_pattern().finditer(body):
        yield from _runs(body[position: match.start()])
        yield match.group(0)
        position = match.end()
    yield from _runs(body[position:])


def _runs(text: str) -> Iterator[str]:
    """Value runs between labels, cut at spaces, before a sign (``2648-18538``, ``20+1737``), after a count's unit
    (``1个246900元``: one project, then an amount) and before a numbered heading glued to a number
    (``0三、收到和处理政``, ``0（三）收到…``: an amount before a heading the section pattern does not know). A minus
    word between two digits of a run of numbers (``16减12``: template.GLUED_MINUS_WORDS) is the sign it stands for
    (``16``, ``-12``); in any other run (prose glued on) it stays a word."""
    for run in map(_signed, text.split()):
        for piece in _RUN_CUT.split(run):
            glued = _NUMBER_THEN_WORDS.match(piece)
            yield from glued.groups() if glued else (piece,)


_MINUS_WORD = re.compile(rf"(?<=\d)(?:{'|'.join(map(re.escape, GLUED_MINUS_WORDS))})(?=\d)")
_RUN_CUT = re.compile(rf"(?<=\d)(?=[-+])|(?<=\d[{''.join(GLUED_COUNT_UNITS)}])(?=\d)")
_UNIT_AT_END = re.compile(rf"(?:万元|元|[{''.join(GLUED_COUNT_UNITS)}])$")
_SIGNED_RUN = re.compile(r"[\d.]+(?:-[\d.]+)+")


def _signed(run: str) -> str:
    """``run`` with its minus words as minus signs when that leaves numbers only (``16减12`` → ``16-12``)."""
    signed = _MINUS_WORD.sub("-", run)
    return signed if signed != run and _SIGNED_RUN.fullmatch(signed) else run


#: A number with a numbered heading glued after it (``741.07三、收到…``, ``5949.09(二)主动公开…``), a table's heading
#: unnumbered with a sentence between it and its table (``0收到和处理政府信息公开申请情况2022年，共收到…``:
#: fujian-pingtan-economy-2022 to 2024 print that sentence) or a sentence of prose (``02025年，我局…``,
#: ``10000100000000000我局严格…``: template.GLUED_PROSE_YEAR, GLUED_PROSE_STARTS): the number, then the heading or the
#: prose and what follows as they are (a date, ``2026年1月22日``, is no number and a heading). A year is the four
#: digits before 年, so the cut is at one place only.
_NUMBER_THEN_WORDS = re.compile(
    r"(-?[\d.,]*\d)((?:[（(]|[一二三四五六七八九十]{1,2}\s*[、.．]|"
    rf"{GLUED_PROSE_YEAR}|(?:{'|'.join(word_pattern(w) for w in GLUED_PROSE_STARTS)})[\u4e00-\u9fff]|"
    rf"{_TABLE_HEADING_START}(?:{'|'.join(_spaced(w) for w in _TABLE_HEADING_WORDS)})).*)$",
    re.DOTALL)


# --------------------------------------------------------------------------
# Splitting runs of digits
# --------------------------------------------------------------------------

Number = int | float
Split = tuple[Number, ...]


def _pieces(run: str) -> list[str]:
    """A run cut at signs (which start a number) with its unit dropped: ``2648-18538`` → two pieces.

    Full-width digits become ASCII, and a none-spelling (``—``, ``无``) is the zero it stands for.
    """
    run = unicodedata.normalize("NFKC", run).replace(",", "")
    if run in NONE_SPELLINGS:
        return ["0"]
    run = _UNIT_AT_END.sub("", run)
    return [p for p in _SIGN_CUT.split(run) if p]


_SIGN_CUT = re.compile(r"(?=[-+])")


def _row_pieces(runs: Sequence[str]) -> list[str]:
    """The pieces of every run of a row (:func:`_pieces`), in order."""
    return [p for run in runs for p in _pieces(run.strip())]


def _digit_count(piece: str) -> int:
    """How many digits a piece holds (its sign and decimal point are none): the most numbers it can be cut into."""
    return len(piece.lstrip("-+").replace(".", ""))


def _ways(piece: str, count: int) -> Iterator[tuple[str, ...]]:
    """Every way to cut ``piece`` into ``count`` numbers without leading zeros."""
    if count == 1:
        if _valid(piece):
            yield (piece,)
        return
    sign = 1 if piece.startswith(("-", "+")) else 0
    for cut in range(sign + 1, len(piece) - count + 2):
        head = piece[:cut]
        if not _valid(head):
            continue
        for rest in _ways(piece[cut:], count - 1):
            yield (head, *rest)


def _valid(text: str) -> bool:
    """Whether ``text`` is one number: digits, at most one point inside them, a leading sign, no leading zero."""
    digits = text[1:] if text.startswith(("-", "+")) else text
    whole, point, fraction = digits.partition(".")
    if not whole.isdecimal() or (point and not fraction.isdecimal()):
        return False
    return whole == "0" or not whole.startswith("0")


def _number(text: str) -> Number:
    return float(text) if "." in text else int(text)


class TooManySplits(ValueError):
    """A row's runs can be cut in more than ``MAX_SPLITS_TRIED`` ways: too many to try them all."""


def split_run(runs: Sequence[str], width: int, accept: Callable[[Split], bool] = lambda _: True,
              signed: Collection[int] | None = None) -> list[Split]:
    """Every split of ``runs`` (one row's glued value texts) into ``width`` numbers that ``accept`` allows.

    ``signed``, when given, holds the columns (by index) a printed sign may start a number in: ``20+1737`` under
    上一年项目数量, 本年增/减, 处理决定数量 puts ``+1737``'s first number under 本年增/减, never ``2 / 0 / +1737``.
    Returns at most ``MAX_CANDIDATES`` splits; an empty list when none fits.
    Raises :class:`TooManySplits` once more than ``MAX_SPLITS_TRIED`` splits
    have been tried: the answer would not be known, so none is given.
    """
    pieces = _row_pieces(runs)
    if not pieces or sum(len(p) for p in pieces) > MAX_RUN_DIGITS or len(pieces) > width:
        return []
    out: list[Split] = []
    # the most numbers the pieces from index i on can be cut into (one per digit): prunes dead branches
    capacity = [0] * (len(pieces) + 1)
    for index in range(len(pieces) - 1, -1, -1):
        capacity[index] = capacity[index + 1] + _digit_count(pieces[index])
    tried = 0

    def extend(index: int, left: int, prefix: tuple[str, ...]) -> None:
        nonlocal tried
        if len(out) >= MAX_CANDIDATES:
            return
        if index == len(pieces):
            if left == 0:
                split = tuple(_number(t) for t in prefix)
                if accept(split):
                    out.append(split)
            return
        remaining = len(pieces) - index - 1
        piece = pieces[index]
        if signed is not None and piece.startswith(("-", "+")) and width - left not in signed:
            return
        lowest = max(1, left - capacity[index + 1])
        for count in range(lowest, min(left - remaining, capacity[index] - capacity[index + 1]) + 1):
            for way in _ways(piece, count):
                tried += 1
                if tried > MAX_SPLITS_TRIED:
                    raise TooManySplits(f"{' '.join(runs)!r} can be cut into {width} numbers in more than "
                                        f"{MAX_SPLITS_TRIED:,} ways")
                if not tried & 1023:
                    check_deadline()
                extend(index + 1, left - count, prefix + way)

    extend(0, width, ())
    return out


def split_by_count(runs: Sequence[str], width: int) -> Split | None:
    """The one split of ``runs`` that holds exactly ``width`` digits and nothing else: a digit a cell.

    ``1000000`` for seven cells can only be 1 / 0 / 0 / 0 / 0 / 0 / 0, whatever
    the template's sums say of it: the count alone cuts it, so those are the
    numbers printed (a sum they break is the document's own error, for the
    checks to report). ``None`` when a run holds a sign, a decimal point or a
    unit other than a count's, or the digits are not exactly ``width``.
    """
    digits = "".join(_row_pieces(runs))
    if len(digits) != width or not digits.isdecimal() or not digits.isascii():
        return None
    return tuple(int(d) for d in digits)


def agreed_split(runs: Sequence[str], width: int, sums: Sums) -> tuple[Split, int] | None:
    """The numbers of a row printed with fewer digits than cells (a cell lost), when every reading agrees.

    The agreement rule (:mod:`nianbao.agree`) on glued text: ``0 00000`` for
    seven cells lost a cell, but which one is not printed. Every way to cut the
    runs into fewer numbers than ``width``, and in each every position of the
    lost cells, solved from ``sums``, is a reading; the readings ``sums``
    contradict are dropped. Returns the numbers and how many readings were
    left when at least one is, all give the same numbers, and every reading
    could be listed (none leaves a cell free, none lost more than
    :data:`nianbao.agree.MAX_GAP` cells); otherwise ``None``. Only for runs with
    fewer digits than cells: with as many or more, a reading without a lost cell
    exists too, and nothing says a cell was lost.
    """
    pieces = _row_pieces(runs)
    if not pieces or sum(map(_digit_count, pieces)) >= width:
        return None
    pooled: list[tuple[Number, ...]] = []
    for count in range(len(pieces), width):
        for split in split_run(runs, count):
            found = readings(split, width, sums)
            if found is None:
                return None
            pooled.extend(found[0])
    if not pooled or any(reading != pooled[0] for reading in pooled):
        return None
    return pooled[0], len(pooled)


def describe(splits: Sequence[Split], limit: int = 20) -> str:
    """Candidates for an issue message: ``396 / 0 / 181; 3 / 960 / 181; … (12 in all)``."""
    shown = "; ".join(" / ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in s) for s in splits[:limit])
    return shown + (f"; … ({len(splits)} in all)" if len(splits) > limit else "")
