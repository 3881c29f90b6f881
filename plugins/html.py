"""HTML page reader: a report as government sites publish it, site chrome and all.

The page is decoded (:func:`nianbao.decode.decode_text`), parsed by a hardened lxml parser (no
network, no entities, no huge trees; from the page's own bytes when it is UTF-8), stripped of what a
browser hides by the elements' own attributes and of its inline elements (their text kept), and
walked once into paragraphs and tables (spans expanded into a grid). It interprets
nothing of the report: the element paths, ``<title>``, ``<meta>`` values and hidden texts it keeps
are for :mod:`nianbao.page`. In full: docs/architecture.md, "Readers: what becomes what"; speed:
docs/benchmarks.md, "How the readers walk their markup".
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator

from lxml import etree

from nianbao.budget import check_deadline
from nianbao.decode import Decoded, decode_text
from nianbao.document import Block, Document, Page, RawCell, Table, paragraph
from nianbao.errors import MarkupError
from nianbao.hookspecs import hookimpl
from nianbao.limits import check_element_count
from nianbao.readers import Reader
from nianbao.source import SourceInfo

# --------------------------------------------------------------------------
# Detection and decoding
# --------------------------------------------------------------------------

HTML_EXTENSIONS = frozenset({".html", ".htm", ".shtml", ".xhtml"})
HTML_MIMETYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Extensions of other formats: never sniffed for markup.
#: Extensions of other formats: never read as a page, whatever markup they hold (a Markdown file's HTML tables, as
#: MinerU writes them, are the Markdown reader's to embed).
_OTHER_FORMATS = frozenset({".docx", ".doc", ".wps", ".pdf", ".xlsx", ".xls", ".zip", ".tsv", ".tab",
                            ".md", ".markdown", ".mdown", ".mkd"})
#: How much of the head a sniff and the charset declaration search look at.
SNIFF_BYTES = 1024
DECLARATION_BYTES = 4096
_SNIFF_ANYWHERE = re.compile(rb"<!doctype\s+html|<html[\s>]", re.I)
_SNIFF_START = re.compile(
    rb"\s*(?:<!--.*?-->\s*|<\?xml[^>]*>\s*)*<(?:!doctype|html|head|body|meta|title|table|div|p)\b", re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_CHARSET = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
#: Control characters lxml refuses in a str (tab, newline and carriage return are kept).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sniff_html(head: bytes) -> bool:
    """Whether the first bytes look like HTML: a doctype or ``<html`` early, or markup first."""
    sample = head[:SNIFF_BYTES]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        sample = sample.decode("utf-16", errors="ignore").encode("utf-8")
    elif sample.startswith(codecs.BOM_UTF8):
        sample = sample[len(codecs.BOM_UTF8):]
    return bool(_SNIFF_ANYWHERE.search(sample) or _SNIFF_START.match(sample))


def declared_charset(head: bytes) -> str | None:
    """The charset a page declares in its first bytes: ``<meta charset>``, ``http-equiv`` or ``<?xml encoding?>``."""
    sample = head[:DECLARATION_BYTES]
    match = _XML_CHARSET.match(sample) or _META_CHARSET.search(sample)
    return match.group(1).decode("ascii") if match else None


#: Control characters as bytes: a page holding one is parsed from its text (see :func:`parser_input`). Looked
#: for one at a time (``int in bytes`` is a ``memchr``): a third of the cost of a ``bytes.translate`` deleting them.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def parser_input(data: bytes, decoded: Decoded) -> bytes | str:
    """What libxml2 parses: the page's own bytes when it is UTF-8, else its decoded text, cleaned.

    lxml hands libxml2 a ``str`` as UTF-16 (or UCS-4), which libxml2 converts to UTF-8 before parsing: for a
    UTF-8 page that is a conversion back to the bytes it came from, 7 % of the parse. The decoded text is still
    made (it is the check that the bytes are UTF-8, and the notes). The bytes are used only where they give the
    same tree: no XML declaration or DOCTYPE subset to remove (:func:`_strip_doctype_subset`) and no control
    character (lxml may refuse those in a ``str``; :meth:`HtmlReader._parse` then drops them).
    """
    text = decoded.text
    cleaned = _strip_doctype_subset(_XML_DECLARATION.sub("", text, count=1))
    if (decoded.encoding in ("utf-8", "utf-8-sig") and len(cleaned) == len(text) and not text.startswith("<?")
            and not any(code in data for code in _CONTROL_BYTES)):
        return data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    return cleaned


def _strip_doctype_subset(text: str) -> str:
    """Drop a DOCTYPE's internal subset (``<!DOCTYPE html [<!ENTITY …>]>``): its entities are never expanded."""
    start = text.find("<!", 0, DECLARATION_BYTES)
    if start < 0 or text[start + 2:start + 9].lower() != "doctype":
        return text
    close = text.find(">", start)
    bracket = text.find("[", start, close if close >= 0 else None)
    if bracket < 0:
        return text
    end = text.find("]", bracket)
    close = text.find(">", end) if end >= 0 else -1
    return text if close < 0 else text[:start] + text[close + 1:]


# --------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------

_CJK = "\u2e80-\u2fff\u3001-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
#: A source line break between two CJK characters is not a space (Word wraps its HTML at ~76 columns).
_CJK_LINE_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t]*[\r\n]\s*(?=[{_CJK}])")


#: Characters that print nothing (zero-width spaces and joiners, a stray BOM, soft hyphens).
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\xad]")


def clean_text(raw: str) -> str:
    """Whitespace normalised: no-break and ideographic spaces are spaces, runs collapse, ends stripped.

    Invisible characters are dropped, and a source line break between two CJK
    characters is no space at all.
    """
    if raw.isalnum():  # a number or a word (most table cells): no space, line break or invisible character
        return raw
    if "\n" in raw or "\r" in raw:
        raw = _CJK_LINE_BREAK.sub("", raw)
    if _INVISIBLE.search(raw):
        raw = _INVISIBLE.sub("", raw)
    return " ".join(raw.split())


#: Meta names are read as ``name``, ``property`` or ``itemprop`` (lower case).
_META_NAMES = ("name", "property", "itemprop")


# --------------------------------------------------------------------------
# Tables: spans to a grid
# --------------------------------------------------------------------------

#: HTML's own limits on spans.
MAX_COLSPAN, MAX_ROWSPAN = 1000, 65534
#: A cell with more lines or characters than this holds running text: its table is layout.
MAX_CELL_LINES, MAX_CELL_CHARS = 8, 300

def span(value: str | None, limit: int) -> int:
    """A ``rowspan``/``colspan`` attribute as an int: leading digits, else 1; 0 kept (rowspan=0: to the end)."""
    if not value:
        return 1
    digits = value.strip()
    end = 0
    while end < len(digits) and digits[end].isdecimal():  # not isdigit: int() refuses "²"
        end += 1
    if end == 0:
        return 1
    if end > len(str(limit)):  # over the limit anyway; and int() refuses more than 4,300 digits
        return limit
    return min(int(digits[:end]), limit)


class _LayoutTable(Exception):
    """Raised while reading a table as data when a cell holds a table or running text."""


# --------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------


#: Levels of nesting walked element by element; deeper subtrees are read as plain text.
MAX_WALK_DEPTH = 160


class PageWalk:
    """One walk over a parsed page: placed blocks plus what the page says about itself."""

    def __init__(self) -> None:
        #: The blocks, and the ids of each block's block-level ancestors, outermost first.
        self.blocks: list[Block] = []
        self.paths: list[tuple[int, ...]] = []
        self.path: list[int] = []
        self.next_id = 0
        self.depth = 0
        self.buf: list[str] = []
        #: Lines of the table cell being read, or ``None`` outside data tables.
        self.cell: list[str] | None = None
        self.cell_chars = 0
        self.title: str | None = None
        #: ``(name, content)`` of each ``<meta>``; the text of each ``<publishtime>``-like element.
        self.metas: list[tuple[str, str]] = []
        self.stamps: list[str] = []
        #: The forms that wrap the page (:func:`page_forms`), found before the inline elements are stripped.
        self.page_forms: set[etree._Element] = set()
        #: The page's root, and the marked set of :func:`marked_elements`, made only when :meth:`holds_special`
        #: meets an element whose first child is unknown.
        self.root: etree._Element | None = None
        self.marked: set[etree._Element] | None = None

    # ---- the recursive part -------------------------------------------

    def holds_special(self, el: etree._Element) -> bool:
        """Whether ``el`` holds a handled element (a block, ``<br>``, a table, a script…): the walk goes into it,
        where an element holding text and unknown inline elements alone is read as its text in one go.

        Asked of the elements the walk meets, not worked out for the whole tree first: after the inline elements
        are stripped, an element's first child is nearly always handled (a cell's paragraph, a block's block),
        and a look at it answers. Only when one is not (an unknown element, a comment) is the page's marked set
        made (:func:`marked_elements`, once a page), which answers for every element. That set alone, made for
        every page, cost an element proxy and a parent look for every element of the page (1.7 M instructions a
        page of the scale mix); no page of the scale mix needs it.
        """
        if not len(el):
            return False
        if el[0].tag in HANDLED_SET:
            return True
        if self.marked is None:
            self.marked = marked_elements(self.root)
        return el in self.marked

    def walk(self, parent: etree._Element) -> None:
        """Read the children of ``parent``: inline elements here, the rest through ``HANDLERS``.

        An inline element that holds nothing special (no block, ``<br>``,
        script, table, …) is read in one C call, not element by element.
        """
        if self.depth > MAX_WALK_DEPTH:
            self.buf.append(_text_of(parent))
            return
        check_deadline()  # once per element with children walked: cheap next to the walk
        self.depth += 1
        buf, handlers = self.buf, HANDLERS
        for el in parent:
            handler = handlers.get(el.tag)
            if handler is not None:
                handler(self, el)
            elif not len(el):  # inline leaf: span, font, o:p, a
                text = el.text
                if text:
                    buf.append(text)
            elif self.holds_special(el):  # inline around something special
                text = el.text
                if text:
                    buf.append(text)
                self.walk(el)
            else:
                buf.append(_text_of(el))
            tail = el.tail
            if tail:
                buf.append(tail)
        self.depth -= 1

    def block(self, el: etree._Element) -> None:
        """A block-level element: its own line(s); its id on the path while its children are read."""
        if self.buf:
            self.flush()
        if not (len(el) and self.holds_special(el)):  # nothing special inside: all its text at once
            self.buf.append(_text_of(el) if len(el) else el.text or "")
            self.flush()
            return
        self.path.append(self.next_id)
        self.next_id += 1
        text = el.text
        if text:
            self.buf.append(text)
        self.walk(el)
        self.flush()
        self.path.pop()

    def line_break(self, el: etree._Element) -> None:
        """``<br>``: a new paragraph, or a new line in a table cell."""
        self.flush()

    def skip(self, el: etree._Element) -> None:
        """Chrome and non-content (script, style, nav, …): nothing but the tail, which the caller keeps."""

    def flush(self) -> None:
        """End the current line: a paragraph, or a line of the cell being read."""
        buf = self.buf
        if not buf:
            return
        raw = buf[0] if len(buf) == 1 else "".join(buf)
        buf.clear()
        if raw.isspace():
            return
        text = clean_text(raw)
        if not text:
            return
        if self.cell is not None:
            self.cell.append(text)
            self.cell_chars += len(text)
            if len(self.cell) > MAX_CELL_LINES or self.cell_chars > MAX_CELL_CHARS:
                raise _LayoutTable
            return
        self.blocks.append(paragraph(text))
        self.paths.append(tuple(self.path))

    # ---- what the page says about itself ------------------------------

    def page_title(self, el: etree._Element) -> None:
        """``<title>``: the first one is kept (a saved page may embed another site's)."""
        if self.title is None:
            self.title = clean_text(_text_of(el))

    def meta(self, el: etree._Element) -> None:
        """``<meta name="PubDate" content="2023-01-17 10:04">`` and its kin, kept as they are."""
        content = el.get("content")
        if content:
            name = next((v for v in map(el.get, _META_NAMES) if v), "")
            self.metas.append((name.strip().lower(), content))

    def publish_element(self, el: etree._Element) -> None:
        """``<publishtime>2024-01-17</publishtime>``: a CMS's date element, kept, and read inline as well."""
        self.stamps.append(_text_of(el))
        text = el.text
        if text:
            self.buf.append(text)
        if len(el):
            self.walk(el)

    # ---- containers that are not plain blocks --------------------------

    def form(self, el: etree._Element) -> None:
        """A form is chrome (a search box), unless it wraps the page as ASP.NET pages do (see :func:`page_forms`)."""
        if el in self.page_forms:
            self.block(el)

    def pre(self, el: etree._Element) -> None:
        """Preformatted text: one paragraph a line."""
        self.flush()
        for line in _text_of(el).splitlines():
            self.buf.append(line)
            self.flush()

    def table(self, el: etree._Element) -> None:
        """A table: data (a :class:`Table`) or layout (its cells read as blocks)."""
        self.flush()
        if self.cell is not None:
            raise _LayoutTable  # a table in a cell: the outer table is layout
        depth, nesting = len(self.path), self.depth
        try:
            rows = [self._row(tr) for tr in rows_of(el)]
        except _LayoutTable:
            del self.path[depth:]
            self.buf.clear()
            self.cell, self.depth = None, nesting
            self.block(el)
            return
        origins = sum(len(row) for row in rows)
        if origins == 0 or not any(text for row in rows for text, _, _ in row):
            return  # a spacer table
        if origins == 1:
            self.block(el)  # one cell: no table structure to keep
            return
        self._place_table(el, rows)

    def _row(self, tr: etree._Element) -> list[RawCell]:
        """A row's cells as ``(text, rowspan, colspan)``; raises :class:`_LayoutTable` for a layout cell.

        Nearly every cell of a Word export (97 % of the scale mix's) is one paragraph and nothing else: that cell
        is read here with no call (its paragraph's proxy made once, 1 k instructions; its text, tail and the
        cell's text read once); any other goes through :meth:`_cell_text`.
        """
        check_deadline()  # once per row
        cells: list[RawCell] = []
        for td in tr:
            if td.tag not in CELL_TAGS:
                continue
            if (len(td) == 1 and (first := td[0]).tag in PLAIN_BLOCK_TAGS and not len(first)
                    and (not (space := td.text) or space.isspace())
                    and (not (space := first.tail) or space.isspace())):  # one plain paragraph (_plain_block's test)
                text = first.text or ""
                if not text.isalnum():  # clean_text's own first test, here without the call: most cells are numbers
                    text = clean_text(text)
                if len(text) > MAX_CELL_CHARS:
                    raise _LayoutTable
            else:
                text = self._cell_text(td)
            rowspan, colspan = td.get("rowspan"), td.get("colspan")
            if rowspan is None and colspan is None:
                cells.append((text, 1, 1))
            else:
                cells.append((text, 1 if rowspan is None else span(rowspan, MAX_ROWSPAN),
                              1 if colspan is None else max(span(colspan, MAX_COLSPAN), 1)))
        return cells

    def _cell_text(self, td: etree._Element) -> str:
        """A cell's text, read by what its first child is: none, the cell's text; an unknown element with nothing
        handled inside, all its text in one C call; one plain paragraph, the paragraph's text; else its lines.
        Raises :class:`_LayoutTable` when the cell holds running text."""
        if not len(td):
            text = td.text or ""
        elif td[0].tag not in HANDLED_SET and not self.holds_special(td):  # text and unknown inline elements only
            text = _text_of(td)
        elif len(td) == 1 and _plain_block(first := td[0], self.holds_special) and not (td.text or "").strip():
            text = _text_of(first) if len(first) else first.text or ""
        else:
            lines = plain_cell_lines(td, self.holds_special)
            if lines is None:
                return "\n".join(self._cell_lines(td))
            if len(lines) > MAX_CELL_LINES or sum(map(len, lines)) > MAX_CELL_CHARS:
                raise _LayoutTable
            return "\n".join(lines)
        text = clean_text(text)
        if len(text) > MAX_CELL_CHARS:
            raise _LayoutTable
        return text

    def _cell_lines(self, td: etree._Element) -> list[str]:
        """The lines of a cell with markup inside (``<br>``, nested blocks): walked like a block."""
        self.cell, self.cell_chars = [], 0
        try:
            self.block(td)
            return self.cell
        finally:
            self.cell = None

    def _place_table(self, el: etree._Element, rows: list[list[RawCell]]) -> None:
        """Emit a data table."""
        self.path.append(self.next_id)
        self.next_id += 1
        self.blocks.append(Table.from_cells(rows))
        self.paths.append(tuple(self.path))
        self.path.pop()


def _text_of(el: etree._Element) -> str:
    """All the text inside ``el`` (not its tail), concatenated in C."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def plain_cell_lines(td: etree._Element, holds_special: Callable[[etree._Element], bool]) -> list[str] | None:
    """The lines of a cell made of plain paragraphs (the Word export case), else ``None``.

    A fast path: such a cell needs no walk, one C call per paragraph.
    """
    text = td.text
    if text and not text.isspace():
        return None
    lines = []
    for child in td:
        if not _plain_block(child, holds_special):
            return None
        text = clean_text(_text_of(child) if len(child) else child.text or "")
        if text:
            lines.append(text)
    return lines


def _plain_block(el: etree._Element, holds_special: Callable[[etree._Element], bool]) -> bool:
    """Whether ``el`` is a paragraph-like block with only inline text inside and nothing after it."""
    if el.tag not in PLAIN_BLOCK_TAGS or (len(el) and holds_special(el)):
        return False
    tail = el.tail
    return not tail or tail.isspace()


def page_forms(root: etree._Element) -> set[etree._Element]:
    """The forms right under ``<body>`` or ``<html>``: they wrap the page (ASP.NET); any other form is chrome."""
    return {form for form in root.iter("form") if (parent := form.getparent()) is not None
            and parent.tag in ("body", "html")}


def marked_elements(root: etree._Element) -> set[etree._Element]:
    """The elements that hold a block, ``<br>``, table, script or other handled element.

    One C-level iteration over the handled elements; from each, its ancestors
    are marked up to and including the nearest handled one (which has its own
    chain). Any element left unmarked holds inline text only.
    """
    marked: set[etree._Element] = set()
    for special in root.iter(*HANDLED_TAGS):
        parent = special.getparent()
        while parent is not None and parent not in marked:
            marked.add(parent)
            if parent.tag in HANDLERS:
                break
            parent = parent.getparent()
    return marked


CELL_TAGS = frozenset({"td", "th"})
#: Blocks that may hold a cell's paragraphs (Word wraps each in ``<p>``).
PLAIN_BLOCK_TAGS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "center", "blockquote"})


def rows_of(table: etree._Element) -> Iterator[etree._Element]:
    """The ``tr`` of a table in order, directly or through ``thead``/``tbody``/``tfoot`` (not nested tables)."""
    for child in table:
        tag = child.tag
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            for tr in child:
                if tr.tag == "tr":
                    yield tr


BLOCK_TAGS = ("html", "head", "body", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt",
              "dd", "blockquote", "section", "article", "main", "aside", "center", "address", "figure", "figcaption",
              "hr", "fieldset", "legend", "details", "summary", "menu", "caption", "thead", "tbody", "tfoot", "tr",
              "td", "th")
#: Never content: skipped with their subtree (their tail text is kept).
SKIP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "iframe", "frame", "frameset", "template",
             "svg", "math", "object", "embed", "applet", "canvas", "audio", "video", "map", "select", "option",
             "button", "textarea", "input", "link", "base", "head-script")
#: Inline elements the walk would read as their text: stripped first (:func:`etree.strip_tags`, their text and
#: children kept in order, in C), so a Word paragraph of ``<span><font>`` runs is one text node, read without a
#: serialisation, and the walk meets a third of the elements. Any inline tag not listed is read as before.
INLINE_TAGS = ("span", "font", "o:p", "a", "b", "strong", "em", "i", "u", "sup", "sub", "small", "big", "label", "ins",
               "del", "s", "strike", "img", "abbr", "cite", "code", "kbd", "q", "samp", "var", "tt", "nobr", "wbr")
PUBLISH_TAGS = ("publishtime", "pubtime", "pubdate", "publishdate")

HANDLERS: dict[object, Callable[[PageWalk, etree._Element], None]] = {
    **dict.fromkeys(BLOCK_TAGS, PageWalk.block),
    **dict.fromkeys(SKIP_TAGS, PageWalk.skip),
    **dict.fromkeys(PUBLISH_TAGS, PageWalk.publish_element),
    etree.Comment: PageWalk.skip,
    etree.ProcessingInstruction: PageWalk.skip,
    etree.Entity: PageWalk.skip,
    "br": PageWalk.line_break,
    "table": PageWalk.table,
    "title": PageWalk.page_title,
    "meta": PageWalk.meta,
    "form": PageWalk.form,
    "pre": PageWalk.pre,
}
HANDLED_TAGS = tuple(tag for tag in HANDLERS if isinstance(tag, str))
#: The handled tags as a set (:meth:`PageWalk.holds_special`): a comment's tag, a function, is not one.
HANDLED_SET = frozenset(HANDLED_TAGS)


# --------------------------------------------------------------------------
# The reader
# --------------------------------------------------------------------------


# --------------------------------------------------------------------------
# Hidden content
# --------------------------------------------------------------------------

#: A ``display`` or ``visibility`` declaration of an inline ``style``: property, value (before ``!important``).
#: The property must start the declaration, so Word's ``mso-display:none`` is not one.
_DECLARATION = re.compile(r"(?:^|;)\s*(display|visibility)\s*:\s*([^;!]*)", re.I)
#: The attributes that can hide an element, as strings that know their element (``getparent()``): one C
#: search; the few styles that mention ``display`` or ``visibility`` are then read by :func:`hidden_how`.
#: (An XPath predicate testing the style, even one ``contains``, is an order of magnitude slower in libxml2.)
HIDDEN_XPATH = "//@hidden | //@style"
#: Never dropped though hidden: a page hidden whole is revealed by its scripts (an anti-flicker trick).
_NEVER_HIDDEN = frozenset({"html", "head", "body"})


#: Words without which no element can be hidden (``hidden``, ``display``, ``visibility``), and ``&#``, the one way
#: to write their letters otherwise (no named character reference makes one: the only ASCII letters any makes are
#: ``&fjlig;``'s f and j).
_HIDING_WORDS = (b"hidden", b"display", b"visibility", b"&#")


def may_hide(markup: bytes) -> bool:
    """Whether bytes (:func:`page_may_hide`) hold a word that can hide an element, in any case.

    Five C passes over the bytes, half the cost of :meth:`HtmlReader._may_hide`'s look at the tree, which they
    spare most pages (0.9 M instructions of 1.9). Lowered in ASCII only, as ``_may_hide`` lowers. A ``str`` is
    not searched: as ASCII it costs as much as the look at the tree.
    """
    source = markup.lower()
    return any(word in source for word in _HIDING_WORDS)


#: Encodings in which each ASCII character of the text is that one byte of the file, and no other byte sequence
#: decodes to an ASCII character (a multi-byte sequence of GB18030 or Big5 decodes to a code point above U+007F).
_ASCII_TRANSPARENT = frozenset({"utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312", "big5", "cp950", "big5hkscs"})


def page_may_hide(data: bytes, markup: bytes | str, decoded: Decoded) -> bool:
    """Whether the page may hide an element: :func:`may_hide` on the bytes the tree is parsed from, or on the
    file's own bytes when it was decoded into the text parsed (a GBK page, 29 % of the scale mix).

    In an encoding of ``_ASCII_TRANSPARENT`` a word of ASCII letters in the text is the same bytes, in a row, in
    the file, so bytes without one give a text without one (a byte that is part of a Chinese character can
    only add a word, and then the tree is looked at: :meth:`HtmlReader._may_hide`). This holds only for the
    text as decoded: a page cleaned before parsing (:func:`parser_input`, a shorter text) or holding a control
    character (removed by :meth:`HtmlReader._parse` if lxml refuses it, which joins the text around it) is
    looked at in the tree, as is a page in another encoding.
    """
    if isinstance(markup, bytes):
        return may_hide(markup)
    if (decoded.encoding in _ASCII_TRANSPARENT and len(markup) == len(decoded.text)
            and not any(code in data for code in _CONTROL_BYTES)):
        return may_hide(data)
    return True


def hidden_how(el: etree._Element) -> str | None:
    """How a browser hides ``el`` by its own attributes: ``"none"`` (``hidden``, ``display: none``: no box),
    ``"empty"`` (``visibility: hidden``/``collapse``: a box with nothing shown), else ``None``.

    ``hidden="until-found"`` is content a reader finds by searching the page: not hidden here.
    """
    flag = el.get("hidden")
    if flag is not None and flag.strip().lower() != "until-found":
        return "none"
    style = el.get("style")
    if style:
        display = visibility = ""
        for prop, value in _DECLARATION.findall(style):  # the last declaration of a property wins
            if prop.lower() == "display":
                display = value.strip().lower()
            else:
                visibility = value.strip().lower()
        if display == "none":
            return "none"
        if visibility in ("hidden", "collapse"):
            return "empty"
    return None


def drop_hidden(root: etree._Element, attributes: etree.XPath) -> list[str]:
    """Remove what a browser would not show, by the elements' own attributes; the texts removed.

    An element with ``hidden`` or ``display: none`` goes with its subtree (its
    tail text stays: it is its parent's); one with ``visibility: hidden`` keeps
    its box, emptied, so a table cell keeps its column. Stylesheets and classes
    are not resolved (see the module docstring). ``attributes`` is the compiled
    ``HIDDEN_XPATH``.
    """
    candidates = []
    for value in attributes(root):
        if value.attrname == "hidden":
            candidates.append(value.getparent())
        else:
            low = value.lower()
            if "display" in low or "visibility" in low:  # not "none": Word styles are full of border:none
                candidates.append(value.getparent())
    removed: list[str] = []
    for el in candidates:
        if el.tag in _NEVER_HIDDEN:
            continue
        parent = el.getparent()
        if parent is None:  # already gone, with a hidden ancestor or as a candidate twice
            continue
        how = hidden_how(el)
        if how is None:
            continue
        removed.append(_text_of(el))
        if how == "empty":
            el.text = None
            for child in list(el):
                el.remove(child)  # its tail goes with it: inside the hidden box
            continue
        _unlink(el)
    return removed


def _unlink(el: etree._Element) -> None:
    """Remove ``el`` and its subtree, its tail text kept (it is its parent's)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


#: Text a page prints that is not the document's: deleted text (Word's HTML of tracked changes, ``<del>``; struck
#: through, ``<s>``, ``<strike>``) and footnote references (``<sup>``). Looked for in the tree, not the text: a tag
#: the page never uses is no name in libxml2's dictionary, so ``iter`` answers at once (1 µs a page, against 140 µs
#: for a regex over the text).
_MARK_TAGS = ("del", "s", "strike", "sup")
#: Where a link to a footnote or an endnote points (Word's HTML: ``#_ftn1``, ``#_edn1``; Markdown converters: ``#fn1``).
_FOOTNOTE_TARGETS = ("#_ftn", "#_edn", "#fn")


def drop_marks(root: etree._Element) -> None:
    """Remove deleted and struck-through text and footnote references: ``<del>68</del><ins>66</ins>`` reads 66, and
    ``24<sup><a href="#_ftn2">2</a></sup>`` 24 (read as printed they were 6866 and 242). A ``<sup>`` is a footnote
    reference in a table cell (where a number never has an exponent) or when it links to a footnote; elsewhere it
    stays (``m<sup>2</sup>``)."""
    for el in list(root.iter(*_MARK_TAGS)):
        if el.tag == "sup" and not _footnote_reference(el):
            continue
        _unlink(el)


def _footnote_reference(sup: etree._Element) -> bool:
    if any(a.get("href", "").startswith(_FOOTNOTE_TARGETS) for a in sup.iter("a")):
        return True
    return any(ancestor.tag in CELL_TAGS for ancestor in sup.iterancestors())


class HtmlReader(Reader):
    """Web pages (and fragments) holding a report, in any charset the page declares or detection finds."""

    name = "html"
    format = "html"
    priority = 50
    extensions = HTML_EXTENSIONS
    mimetypes = HTML_MIMETYPES

    def __init__(self) -> None:
        options = {"remove_comments": True, "remove_pis": True, "no_network": True, "huge_tree": False,
                   "recover": True}
        self._parser = etree.HTMLParser(**options)
        #: For a UTF-8 page's own bytes (:func:`parser_input`): the encoding given, so no ``<meta charset>`` counts.
        self._utf8_parser = etree.HTMLParser(encoding="utf-8", **options)
        self._hidden = etree.XPath(HIDDEN_XPATH)
        self._hidden_attribute = etree.XPath("boolean(//@hidden)")
        #: Every ``style`` as a plain string: no proxy that knows its element (a "smart string"), three times faster.
        self._styles = etree.XPath("//@style", smart_strings=False)

    def accepts(self, head: bytes, source: SourceInfo) -> bool:
        if source.extension in self.extensions or source.mimetype in self.mimetypes:
            return True
        if source.extension in _OTHER_FORMATS:
            return False
        return sniff_html(head)

    def read(self, data: bytes, source: SourceInfo) -> Document:
        decoded = decode_text(data, source.charset or declared_charset(data))
        markup = parser_input(data, decoded)
        root = self._parse(markup, source)
        drop_marks(root)
        hiding = page_may_hide(data, markup, decoded)
        removed = drop_hidden(root, self._hidden) if hiding and self._may_hide(root) else []
        walk = self._walk(root)
        unhidden = None
        if removed:  # nianbao.page decides whether the page must be read with what it hides
            def unhidden() -> Document:
                page = self._parse(markup, source)
                drop_marks(page)
                again = self._walk(page)
                return Document(blocks=tuple(again.blocks), format=self.format, paths=tuple(again.paths))
        page = Page(title=walk.title, metas=tuple(walk.metas), stamps=tuple(walk.stamps), hidden=tuple(removed),
                    unhidden=unhidden)
        return Document(blocks=tuple(walk.blocks), format=self.format, notes=decoded.notes,
                        paths=tuple(walk.paths), pages=(page,))

    def _may_hide(self, root: etree._Element) -> bool:
        """Whether :func:`drop_hidden` can find anything: a ``hidden`` attribute, or a ``style`` that mentions
        ``display`` or ``visibility``. Most pages have neither, and this is cheaper than finding out which element
        each ``style`` belongs to (0.3 ms against 0.4 for a page with 350 styles)."""
        if self._hidden_attribute(root):
            return True
        # Lowered as UTF-8 bytes: ASCII letters only, in one C pass (``str.lower`` looks every CJK character of
        # a ``font-family`` up in the Unicode tables, 2.5 times the cost). The same answer: no other character's
        # lower case holds an ASCII letter but K (KELVIN SIGN, "k") and İ ("i" and a combining dot), and neither
        # can make these words.
        styles = "\x00".join(self._styles(root)).encode("utf-8", "surrogatepass").lower()
        return b"display" in styles or b"visibility" in styles

    @staticmethod
    def _walk(root: etree._Element) -> PageWalk:
        """One walk over the parsed page."""
        page = PageWalk()
        page.page_forms = page_forms(root)
        page.root = root
        etree.strip_tags(root, *INLINE_TAGS)  # their text and children stay, in order, in C
        page.path.append(page.next_id)
        page.next_id += 1
        page.walk(root)
        page.flush()
        return page

    def _parse(self, markup: bytes | str, source: SourceInfo) -> etree._Element:
        """The page (:func:`parser_input`) as an lxml tree; control characters lxml refuses in a ``str`` removed."""
        if isinstance(markup, bytes):  # UTF-8: a "<" is that byte and no other character has it
            check_element_count(markup.count(b"<"), "the page")
            parser = self._utf8_parser
        else:
            check_element_count(markup.count("<"), "the page")
            parser = self._parser
        try:
            try:
                root = etree.fromstring(markup, parser)
            except ValueError:  # control characters lxml refuses in a str: drop them and try once more
                if isinstance(markup, bytes):
                    raise
                root = etree.fromstring(_CONTROL.sub("", markup), parser)
        except (etree.XMLSyntaxError, etree.ParserError, ValueError) as exc:
            raise MarkupError(f"lxml cannot parse the page as HTML ({type(exc).__name__}: {exc}); "
                              "check that the file is a web page and not truncated", uri=source.uri) from exc
        if root is None:
            raise MarkupError("the page has no HTML elements (only comments, whitespace or a doctype)",
                              uri=source.uri)
        for entry in parser.error_log:
            if entry.level_name == "FATAL":  # libxml2 gave up: what follows is lost
                raise MarkupError(f"lxml stopped reading the page at line {entry.line}: {entry.message.strip()}; "
                                  "this is a safety limit (nesting over 255 levels or a text node over 10 MB, "
                                  "huge_tree is off on purpose), so the page cannot be read whole",
                                  uri=source.uri)
        return root


@hookimpl
def register_readers(register):
    register(HtmlReader())
