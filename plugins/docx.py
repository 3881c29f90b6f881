"""DOCX reader: the main document part straight from the zip, with lxml, into a Document.

The zip is checked before anything is inflated (:mod:`nianbao.zipguard`); the main part that
``_rels/.rels`` names is walked once into paragraphs and tables (merged cells as spans), with text
boxes, content controls, tracked changes and imported chunks (``w:altChunk``) read where they stand.
What becomes what: docs/architecture.md, "Readers: what becomes what"; why the walk is shaped as it
is (no python-docx, no per-element XPath): docs/benchmarks.md, "How the readers walk their markup".
"""

from __future__ import annotations

import email
import email.policy
import io
import posixpath
import zipfile
from collections.abc import Iterable
from functools import cached_property
from urllib.parse import unquote

from lxml import etree

from nianbao.budget import check_deadline
from nianbao.decode import decode_text
from nianbao.document import Block, Cell, Document, Embedded, Paragraph, ReaderNote, Table
from nianbao.errors import DocumentLimitError, MarkupError, ReadError, ZipLimitError
from nianbao.hookspecs import hookimpl
from nianbao.limits import check_element_count, check_line_count
from nianbao.plugins.html import HtmlReader
from nianbao.readers import Reader
from nianbao.source import SourceInfo
from nianbao.zipguard import Totals as _Totals
from nianbao.zipguard import check_entries, check_sizes, inflate

#: The main document part when the package's relationships do not name one.
DOCUMENT_PART = "word/document.xml"
#: The package's relationships, which name the main part.
PACKAGE_RELS = "_rels/.rels"
#: The package's content types, by part name and by extension.
CONTENT_TYPES = "[Content_Types].xml"
#: ``r:id``, the attribute of ``w:altChunk`` naming its part: transitional and strict.
R_IDS = ("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
         "{http://purl.oclc.org/ooxml/officeDocument/relationships}id")
#: How many documents deep an imported chunk may nest (a .docx chunk holding a .docx chunk…).
MAX_CHUNK_DEPTH = 3
#: Relationship types of the main document part: transitional and strict Open XML.
OFFICE_DOCUMENT = frozenset({
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
})
#: First bytes of a zip's first local file header.
ZIP_MAGIC = b"PK\x03\x04"
#: First bytes of an OLE2 compound file: an old binary .doc/.wps, or an encrypted .docx.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Most grid columns a table row may reach (Word itself stops at 63): a ``w:gridSpan`` of a
#: billion would otherwise allocate a billion covered slots.
MAX_GRID_COLUMNS = 1000

TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_FALSE = frozenset({"0", "false", "off"})
#: Markup compatibility (the same namespace in strict and transitional files).
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MC_ALTERNATE = f"{{{MC}}}AlternateContent"


# --------------------------------------------------------------------------
# Clark names, computed once per namespace
# --------------------------------------------------------------------------


class Names:
    """The Clark names (``{namespace}local``) of the WordprocessingML elements read here.

    ``Names(ns).tc`` is ``qn("w:tc")`` of python-docx for namespace ``ns``; one
    instance per namespace, built at import.
    """

    LOCAL = (
        "document", "body", "p", "r", "t", "tab", "ptab", "br", "cr", "noBreakHyphen", "rPr", "vanish",
        "strike", "dstrike", "vertAlign",
        "ins", "moveTo", "moveFrom", "hyperlink", "smartTag", "customXml", "fldSimple", "dir", "bdo",
        "sdt", "sdtContent", "tbl", "tblGrid", "gridCol", "tr", "trPr", "gridBefore", "tc", "tcPr",
        "gridSpan", "vMerge", "val", "altChunk", "drawing", "pict", "object", "txbxContent",
    )  # fmt: skip

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        for local in self.LOCAL:
            setattr(self, local, f"{{{namespace}}}{local}")
        self.del_ = f"{{{namespace}}}del"  # ``del`` is a Python keyword
        # Sets for dispatch on ``child.tag``: plain iteration over children plus a set lookup is
        # several times faster than ``iterchildren(*tags)``, which builds a tag matcher per call.
        #: Paragraph children that hold runs: read through.
        self.run_wrappers = frozenset({self.ins, self.moveTo, self.hyperlink, self.smartTag, self.customXml,
                                       self.fldSimple, self.dir, self.bdo})
        #: Tracked changes that are read (insertions) and dropped (deletions).
        self.inserted = frozenset({self.ins, self.moveTo})
        self.deleted = frozenset({self.del_, self.moveFrom})
        #: Run children printed as a line break and as a tab.
        self.breaks = frozenset({self.br, self.cr})
        self.tabs = frozenset({self.tab, self.ptab})
        #: Run children that print one character: breaks, tabs, the non-breaking hyphen.
        self.run_chars = {**dict.fromkeys(self.breaks, "\n"), **dict.fromkeys(self.tabs, "\t"),
                          self.noBreakHyphen: "-"}
        #: Run children that may hold text boxes (``w:txbxContent``): DrawingML, VML, an embedded object, and
        #: the markup-compatibility wrapper Word puts around a drawing and its VML fallback.
        self.objects = frozenset({self.drawing, self.pict, self.object, MC_ALTERNATE})
        self.tabStops = f"{{{namespace}}}tabs"  # ``w:pPr/w:tabs``: tab stops, whose ``w:tab`` print nothing
        #: The elements the quick reading of a paragraph and of a table looks at (:meth:`_BodyWalk.body`): those
        #: the walk reads, and those that make it give up wherever they stand.
        shared = (self.r, self.t, self.br, self.cr, self.tab, self.ptab, self.noBreakHyphen, self.del_,
                  self.moveFrom, self.ins, self.moveTo, self.altChunk, self.tbl)
        self.paragraph_tags = shared
        self.table_tags = (*shared, self.tr, self.tc, self.p, self.gridSpan, self.vMerge, self.gridBefore,
                           self.tblGrid, self.gridCol)


NAMES = {TRANSITIONAL: Names(TRANSITIONAL), STRICT: Names(STRICT)}


# --------------------------------------------------------------------------
# Accessors, named after the element they read
# --------------------------------------------------------------------------


def _child(element: etree._Element, tag: str) -> etree._Element | None:
    """The first child of ``element`` named ``tag``, or ``None`` (property elements come first)."""
    for child in element:
        if child.tag == tag:
            return child
    return None


def _cell_text(paragraphs: list[list[str]]) -> str:
    """A cell's text from its paragraphs' text parts: the non-blank paragraphs joined by ``\\n``, stripped."""
    return "\n".join([text for text in map("".join, paragraphs) if text and not text.isspace()]).strip()


def _last_child(element: etree._Element, tag: str) -> etree._Element | None:
    """The last child of ``element`` named ``tag``, or ``None``."""
    last = None
    for child in element:
        if child.tag == tag:
            last = child
    return last


def _int_val(element: etree._Element | None, w: Names, default: int) -> int:
    """``@w:val`` of ``element`` as a positive int, else ``default``."""
    if element is None:
        return default
    try:
        value = int(element.get(w.val, default))
    except ValueError:
        return default
    return value if value > 0 else default


def span_and_merge(tc_pr: etree._Element, w: Names) -> tuple[int, str | None]:
    """The grid columns a cell spans (``w:gridSpan/@w:val``, else 1) and its vertical merge of one ``w:tcPr``.

    The merge is ``w:vMerge/@w:val`` (``"restart"``), ``"continue"`` for a ``w:vMerge`` without ``w:val``, or
    ``None`` (no merge). Both are read in one pass over the children: the walk needs both for every cell.
    """
    span = merge = None
    for child in tc_pr:
        tag = child.tag
        if tag == w.gridSpan and span is None:
            span = child
        elif tag == w.vMerge and merge is None:
            merge = child
    return _int_val(span, w, 1), None if merge is None else merge.get(w.val, "continue")


def grid_before(tr_pr: etree._Element, w: Names) -> int:
    """Grid columns skipped before a row's first cell: ``./w:trPr/w:gridBefore/@w:val`` of the ``w:tr``, else 0."""
    return _int_val(_child(tr_pr, w.gridBefore), w, 0)


def row_deleted(tr_pr: etree._Element, w: Names) -> bool:
    """Whether a row is a tracked deletion: ``./w:trPr/w:del`` of the ``w:tr`` exists, else False."""
    return _child(tr_pr, w.del_) is not None


def grid_cols(tbl_grid: etree._Element, w: Names) -> int:
    """Columns of a table's grid: ``count(./w:tblGrid/w:gridCol)`` of the ``w:tbl``, else 0."""
    return sum(1 for col in tbl_grid if col.tag == w.gridCol)


def _text_of_t(t: etree._Element, parts: list[str]) -> None:
    """Append the text of a ``w:t``; an entity reference left unresolved keeps the text around it."""
    if len(t):
        parts.extend(x for x in (t.text, *(e.tail for e in t)) if x)
    elif t.text:
        parts.append(t.text)


def run_hidden(r_pr: etree._Element, w: Names) -> bool:
    """Whether a run is no text of the document's: hidden (``./w:rPr/w:vanish``), struck through (``w:strike``,
    ``w:dstrike``: a correction shown by hand, ``8`` struck before ``0`` read 80) or raised or lowered
    (``w:vertAlign`` superscript or subscript: a note's mark typed after a number, ``0²`` read 2), each with
    ``@w:val`` absent or true; else False."""
    for name in (w.vanish, w.strike, w.dstrike):
        flag = _child(r_pr, name)
        if flag is not None and flag.get(w.val, "true").lower() not in _FALSE:
            return True
    align = _child(r_pr, w.vertAlign)
    return align is not None and align.get(w.val, "") in ("superscript", "subscript")


def sdt_content(sdt: etree._Element, w: Names) -> etree._Element | None:
    """What a content control holds: ``./w:sdtContent`` of the ``w:sdt``, else ``None``."""
    return _child(sdt, w.sdtContent)


# --------------------------------------------------------------------------
# The body walk
# --------------------------------------------------------------------------


def _too_wide() -> MarkupError:
    """The error for a row whose spans reach past ``MAX_GRID_COLUMNS``."""
    return MarkupError(f"a table row reaches past {MAX_GRID_COLUMNS} grid columns (w:gridBefore, w:gridSpan): "
                       "not a real table (Word stops at 63 columns)")


#: ``Cell(text=…, row=…, col=…, rowspan=…, colspan=…)`` without the keyword call, for the hundreds of cells of a
#: report: the slots stored directly, as :mod:`nianbao.document` does for the text readers (same object).
_CELL_SLOTS = tuple(vars(Cell)[name].__set__ for name in ("text", "row", "col", "rowspan", "colspan"))


#: A cell being placed, mutable while the vertical merges below it are found: ``[text, row, col, rowspan,
#: colspan]``, made a :class:`Cell` through ``_CELL_SLOTS`` once the table is placed.
_Origin = list


class _BodyWalk:
    """One walk over a ``w:body``: blocks out, plus what was noticed on the way.

    Each element is visited once, by looping over its children and dispatching on
    ``child.tag``; property subtrees (``w:pPr``, ``w:rPr``, ``w:tcPr``…) are not
    entered except for the few values read from them. :meth:`body` reads most of
    a body more quickly, with the same result (see :meth:`_quick_table`).
    """

    def __init__(self, w: Names, *, hidden_text: bool, text_boxes: bool = False,
                 chunks: _Chunks | None = None) -> None:
        self.w = w
        #: Reads the parts ``w:altChunk`` imports; without it they are counted, not read.
        self.chunks = chunks
        #: Whether the document has any ``w:vanish``: only then are run properties looked into.
        self.hidden_text = hidden_text
        #: Whether the document may have text boxes: only then are drawings looked into.
        self.text_boxes = text_boxes
        self.blocks: list[Block] = []
        self.tracked_changes = False
        self.nested_tables = 0
        self.alt_chunks = 0

    def _wrapped(self, wrapper: etree._Element) -> etree._Element | None:
        """The element whose children a wrapper (``w:sdt``, ``w:customXml``) stands for."""
        return sdt_content(wrapper, self.w) if wrapper.tag == self.w.sdt else wrapper

    # ---- text ----------------------------------------------------------

    def paragraph_text(self, p: etree._Element) -> str:
        """A paragraph's printed text: runs joined, breaks as ``\\n``, tabs as ``\\t``."""
        parts: list[str] = []
        self._runs(p, parts)
        return "".join(parts)

    def _runs(self, parent: etree._Element, parts: list[str]) -> None:
        """Append the printed text of the runs under ``parent``, through wrappers, skipping deletions."""
        w = self.w
        r, t, rpr, chars = w.r, w.t, w.rPr, w.run_chars
        for child in parent:
            tag = child.tag
            if tag == r:
                for item in child:
                    itag = item.tag
                    if itag == t:
                        _text_of_t(item, parts)
                    elif itag in chars:  # w:br of any type, w:cr, w:tab, w:ptab, w:noBreakHyphen
                        parts.append(chars[itag])
                    elif itag == rpr:
                        if self.hidden_text and run_hidden(item, w):
                            break
                    elif self.text_boxes and itag in w.objects:
                        self._text_boxes(item, parts)
            elif tag in w.run_wrappers:
                if tag in w.inserted:
                    self.tracked_changes = True
                self._runs(child, parts)
            elif tag == w.sdt:
                content = sdt_content(child, w)
                if content is not None:
                    self._runs(content, parts)
            elif tag in w.deleted:
                self.tracked_changes = True
            elif tag == MC_ALTERNATE and self.text_boxes:  # runs in a compatibility wrapper
                branch = self._branch(child)
                if branch is not None:
                    self._runs(branch, parts)

    # ---- text boxes ----------------------------------------------------

    def _branch(self, alternate: etree._Element) -> etree._Element | None:
        """The branch of an ``mc:AlternateContent`` to read: the first ``mc:Choice``, else the
        ``mc:Fallback``, that holds a text box; ``None`` if none does.

        Word writes a text box twice, as DrawingML in the Choice and as VML in the
        Fallback: exactly one is read.
        """
        txbx = self.w.txbxContent
        for branch in alternate:
            if next(branch.iter(txbx), None) is not None:
                return branch
        return None

    def _text_boxes(self, element: etree._Element, out: list) -> None:
        """Append the outermost ``w:txbxContent`` elements in ``element`` (a drawing, a VML picture, an object or
        an ``mc:AlternateContent``), one branch of each compatibility wrapper. Boxes in a box are found when
        the outer box is read."""
        txbx = self.w.txbxContent
        if element.tag == MC_ALTERNATE:
            branch = self._branch(element)
            if branch is not None:
                self._text_boxes(branch, out)
            return
        for child in element:
            if child.tag == txbx:
                out.append(child)
            elif len(child):
                self._text_boxes(child, out)

    def _paragraph_with_boxes(self, p: etree._Element) -> None:
        """A body paragraph that may anchor text boxes: its text cut at each box, the box's blocks between."""
        parts: list = []
        self._runs(p, parts)
        start = 0
        for index, part in enumerate(parts):
            if not isinstance(part, str):
                self._add_paragraph("".join(parts[start:index]))
                self.blocks_of(part)
                start = index + 1
        self._add_paragraph("".join(parts[start:]))

    def _add_paragraph(self, text: str) -> None:
        text = text.strip()
        if text:
            self.blocks.append(Paragraph(text=text))

    def _cell_paragraph_with_boxes(self, p: etree._Element, texts: list[str], nested: list[etree._Element]) -> None:
        """A cell paragraph that may anchor text boxes: the box's paragraphs are lines of the cell, its tables
        nested tables."""
        parts: list = []
        self._runs(p, parts)
        start = 0
        for index, part in enumerate([*parts, None]):
            if not isinstance(part, str):
                text = "".join(parts[start:index])
                if text and not text.isspace():
                    texts.append(text)
                if part is not None:
                    self._cell_content(part, texts, nested)
                start = index + 1

    # ---- blocks --------------------------------------------------------

    def body(self, body: etree._Element) -> None:
        """Append the paragraphs and tables of the ``w:body``: :meth:`blocks_of`, quicker.

        Without hidden runs or text boxes in the document, each paragraph and top-level table is read by one
        C-level ``iter()`` over the elements the walk reads (:meth:`_quick_text`, :meth:`_quick_table`),
        which skips the property subtrees without a Python step; one that holds anything else the walk
        would act on is read by the walk.
        """
        if self.hidden_text or self.text_boxes:
            self.blocks_of(body)
            return
        w = self.w
        p, tbl = w.p, w.tbl
        for child in body:
            tag = child.tag
            if tag == p:
                check_deadline()
                text = self._quick_text(child)
                if text is None:
                    text = self.paragraph_text(child)
                text = text.strip()
                if text:
                    self.blocks.append(Paragraph(text=text))
            elif tag != tbl or not self._quick_table(child):
                self._block(child)

    # The quick readings below see the elements of ``Names.paragraph_tags``/``table_tags`` in document order
    # (property subtrees, bookmarks, proofing marks and the like are skipped in C) and check that each stands
    # where the walk reads it: its parent is the run, paragraph, cell, row… seen last (one identity test:
    # lxml hands out the same proxy for an element while one is alive). Then every element the walk reads
    # is seen, and only those, so the text is the walk's. Anything else, including whatever the walk acts
    # on wherever it stands (tracked changes, nested tables, imported chunks), and wrappers the walk reads
    # through (hyperlinks, content controls), makes them give up: the walk reads the element instead.

    def _quick_text(self, p: etree._Element) -> str | None:
        """:meth:`paragraph_text` of a body paragraph, by one ``iter()``; ``None`` if the walk must read it."""
        w = self.w
        t, r, chars = w.t, w.r, w.run_chars
        parts: list[str] = []
        run = None
        for item in p.iter(*w.paragraph_tags):
            tag = item.tag
            parent = item.getparent()
            if tag == r:
                if parent is not p:
                    return None
                run = item
            elif parent is not run:
                if tag == w.tab and parent.tag == w.tabStops:  # a tab stop of the paragraph's properties
                    continue
                return None
            elif tag == t:
                _text_of_t(item, parts)
            elif tag in chars:
                parts.append(chars[tag])
            else:
                return None
        return "".join(parts)

    def _quick_table(self, tbl: etree._Element) -> bool:
        """:meth:`table` for a table in the body, by one ``iter()``; ``False`` (nothing done) if the walk must
        read it. Each element found belongs to the last row, cell, paragraph or run found before it."""
        w = self.w
        t, r, p, tc, tr, chars = w.t, w.r, w.p, w.tc, w.tr, w.run_chars
        width = 0
        rows: list[list] = []  # [w:gridBefore, cells] per row
        cells: list[list] = []  # [w:gridSpan, w:vMerge, paragraphs] per cell
        cell: list = []
        paragraphs: list[list[str]] = []
        parts: list[str] = []
        row = cell_ = paragraph = run = tbl_grid = None
        items = tbl.iter(*w.table_tags)
        next(items)  # the table itself
        for item in items:
            tag = item.tag
            parent = item.getparent()
            if tag == t:
                if parent is not run:
                    return False
                _text_of_t(item, parts)
            elif tag == r:
                if parent is not paragraph:
                    return False
                run = item
            elif tag == p:
                if parent is not cell_:
                    return False
                paragraph = item
                parts = []
                paragraphs.append(parts)
            elif tag == tc:
                if parent is not row:
                    return False
                cell_ = item
                paragraphs = []
                cell = [None, None, paragraphs]
                cells.append(cell)
            elif tag == tr:
                if parent is not tbl:
                    return False
                row = item
                cells = []
                rows.append([None, cells])
            elif parent is run and run is not None:
                if tag not in chars:
                    return False
                parts.append(chars[tag])
            elif tag == w.gridSpan or tag == w.vMerge:  # rare: only in the cell's (first) w:tcPr counts
                if cell_ is None or parent is not _child(cell_, w.tcPr):
                    return False
                slot = 0 if tag == w.gridSpan else 1
                if cell[slot] is None:
                    cell[slot] = item
            elif tag == w.gridBefore:  # rare: only in the row's (last) w:trPr counts
                if row is None or parent is not _last_child(row, w.trPr):
                    return False
                if rows[-1][0] is None:
                    rows[-1][0] = item
            elif tag == w.tblGrid:
                if parent is not tbl or tbl_grid is not None:
                    return False
                tbl_grid = item
            elif tag == w.gridCol:
                if parent is not tbl_grid:
                    return False
                width += 1
            elif tag != w.tab or parent.tag != w.tabStops:  # a tab stop of a paragraph's properties is nothing
                return False
        if len(rows) == 1 and len(rows[0][1]) == 1:  # a one-cell frame: the walk reads it as the body
            return False
        self._grid(width, [(_int_val(before, w, 0), [
            (1 if span is None else _int_val(span, w, 1), None if merge is None else merge.get(w.val, "continue"),
             "".join(paras[0]).strip() if len(paras) == 1 else _cell_text(paras))
            for span, merge, paras in cells]) for before, cells in rows], [])
        return True

    def blocks_of(self, container: etree._Element) -> None:
        """Append the paragraphs and tables of a body, frame or content control, in order."""
        for child in container:
            self._block(child)

    def _block(self, child: etree._Element) -> None:
        """Append the block(s) of one child of a body, frame or content control."""
        w = self.w
        check_deadline()  # once per paragraph or table: cheap next to reading it
        tag = child.tag
        if tag == w.p:
            if self.text_boxes:
                self._paragraph_with_boxes(child)
                return
            text = self.paragraph_text(child).strip()
            if text:
                self.blocks.append(Paragraph(text=text))
        elif tag == w.tbl:
            self.table(child)
        elif tag == w.sdt or tag == w.customXml:
            content = self._wrapped(child)
            if content is not None:
                self.blocks_of(content)
        elif tag == w.altChunk:
            blocks = None if self.chunks is None else self.chunks.blocks(child)
            if blocks is None:
                self.alt_chunks += 1
            else:
                self.blocks.extend(blocks)

    def _collect(self, parent: etree._Element, want: str, into: list[etree._Element]) -> None:
        """Append the children of ``parent`` named ``want``, looking through wrappers."""
        w = self.w
        for child in parent:
            tag = child.tag
            if tag == want:
                into.append(child)
            elif tag == w.sdt or tag == w.customXml:
                content = self._wrapped(child)
                if content is not None:
                    self._collect(content, want, into)

    def _cell(self, tc: etree._Element, nested: list[etree._Element]) -> tuple[int, str | None, str]:
        """A cell's ``(grid span, vertical merge, text)``; tables nested in it go to ``nested``.

        The text is the cell's non-blank paragraphs joined by ``\\n``.
        """
        tc_pr = tc.find(self.w.tcPr)
        span, merge = span_and_merge(tc_pr, self.w) if tc_pr is not None else (1, None)
        texts: list[str] = []
        self._cell_content(tc, texts, nested)
        return span, merge, "\n".join(texts).strip()

    def _cell_content(self, parent: etree._Element, texts: list[str], nested: list[etree._Element]) -> None:
        """Paragraph texts and nested tables of a cell (or of a wrapper inside one), in order."""
        w = self.w
        for child in parent:
            tag = child.tag
            if tag == w.p:
                if self.text_boxes:
                    self._cell_paragraph_with_boxes(child, texts, nested)
                    continue
                text = self.paragraph_text(child)
                if text and not text.isspace():
                    texts.append(text)
            elif tag == w.tbl:
                nested.append(child)
            elif tag == w.sdt or tag == w.customXml:
                content = self._wrapped(child)
                if content is not None:
                    self._cell_content(content, texts, nested)
            elif tag == w.altChunk:
                self.alt_chunks += 1
                if self.chunks is not None:
                    self.chunks.unread.append("one in a table cell")

    def _rows(self, tbl: etree._Element) -> tuple[int, list[tuple[int, list[etree._Element]]]]:
        """A table's grid width and its rows as ``(grid before, cells)``, tracked deletions left out."""
        w = self.w
        width = 0
        trs: list[etree._Element] = []
        for child in tbl:
            tag = child.tag
            if tag == w.tr:
                trs.append(child)
            elif tag == w.tblGrid:
                width = grid_cols(child, w)
            elif tag == w.sdt or tag == w.customXml:
                content = self._wrapped(child)
                if content is not None:
                    self._collect(content, w.tr, trs)
        rows = []
        for tr in trs:
            before, deleted = 0, False
            tcs: list[etree._Element] = []
            for child in tr:
                tag = child.tag
                if tag == w.tc:
                    tcs.append(child)
                elif tag == w.trPr:
                    before, deleted = grid_before(child, w), row_deleted(child, w)
                elif tag == w.sdt or tag == w.customXml:
                    content = self._wrapped(child)
                    if content is not None:
                        self._collect(content, w.tc, tcs)
            if deleted:
                self.tracked_changes = True
            else:
                rows.append((before, tcs))
        return width, rows

    def table(self, tbl: etree._Element) -> None:
        """Append a table (spans expanded to a grid) and then the tables nested in its cells.

        One left-to-right pass per row: a cell's column is the row's ``w:gridBefore``
        plus the spans of the cells before it; a ``continue`` cell extends the
        vertical merge open in its column (same column, same span), else it starts
        a cell of its own.
        """
        width, rows = self._rows(tbl)
        if len(rows) == 1 and len(rows[0][1]) == 1:  # a one-cell frame around content, not data
            self.blocks_of(rows[0][1][0])
            return
        nested: list[etree._Element] = []
        self._grid(width, ((col, (self._cell(tc, nested) for tc in tcs)) for col, tcs in rows), nested)

    def _grid(self, width: int, rows: Iterable[tuple[int, Iterable[tuple[int, str | None, str]]]],
              nested: list[etree._Element]) -> None:
        """Append the table of ``rows`` (``(grid before, cells)``, a cell ``(grid span, vertical merge, text)``),
        spans expanded to a grid, then the tables nested in its cells (``nested``, filled while ``rows`` is read).
        """
        grid: list[list[_Origin | None]] = []
        open_merges: dict[int, _Origin] = {}  # grid column → origin of a vertical merge still open
        for r, (col, cells) in enumerate(rows):
            check_deadline()  # once per row
            if col > MAX_GRID_COLUMNS:
                raise _too_wide()
            slots: list[_Origin | None] = [None] * col
            still_open: dict[int, _Origin] = {}
            for span, merge, text in cells:
                if col + span > MAX_GRID_COLUMNS:
                    raise _too_wide()
                origin = open_merges.get(col) if merge == "continue" else None
                if origin is not None and origin[4] == span:
                    origin[3] += 1
                    if text:  # Word keeps it but does not show it; appended so nothing is lost
                        origin[0] = f"{origin[0]}\n{text}" if origin[0] else text
                    slots.extend([None] * span)
                else:
                    origin = [text, r, col, 1, span]
                    slots.append(origin)
                    if span > 1:
                        slots.extend([None] * (span - 1))
                if merge is not None:
                    still_open[col] = origin
                col += span
            open_merges = still_open
            grid.append(slots)
        width = max([width, *(len(row) for row in grid)])
        new, (set_text, set_row, set_col, set_rowspan, set_colspan) = object.__new__, _CELL_SLOTS
        table = []
        for row in grid:
            for index, origin in enumerate(row):
                if origin is not None:
                    row[index] = cell = new(Cell)
                    set_text(cell, origin[0])
                    set_row(cell, origin[1])
                    set_col(cell, origin[2])
                    set_rowspan(cell, origin[3])
                    set_colspan(cell, origin[4])
            if len(row) < width:
                row.extend([None] * (width - len(row)))
            table.append(tuple(row))
        self.blocks.append(Table(rows=tuple(table)))
        self.nested_tables += len(nested)
        for inner in nested:
            self.table(inner)


# --------------------------------------------------------------------------
# The reader: zip guard, hardened parse, walk
# --------------------------------------------------------------------------


def _how_to_raise(limit: str) -> str:
    """The fix-it part of a :class:`ZipLimitError` message."""
    return (f"; to read such a file anyway, raise the limit: nianbao.plugins.docx.DocxReader.{limit} = …, "
            f"or DocxReader({limit}=…) in your own plugin (only for files you trust)")


def _not_a_zip(data: bytes, exc: Exception) -> ReadError:
    """The error for bytes ``zipfile`` cannot open, with a guess at what they are instead."""
    if data.startswith(OLE2_MAGIC):
        hint = ("it is an OLE2 compound file: an old binary Word .doc or WPS file, or a password-protected "
                ".docx; save it as .docx without a password")
    elif data.startswith(ZIP_MAGIC):
        hint = "it starts like a zip but has no central directory: the file is truncated (a cut-off download?)"
    elif data.lstrip()[:1] == b"<":
        hint = "it starts with '<': a web page or XML saved under a .docx name"
    else:
        hint = f"it starts with {data[:8]!r}"
    return ReadError(f"not a zip archive, so not a .docx, or a truncated one: {hint} ({exc})")


class DocxReader(Reader):
    """Word 2007+ documents (.docx): the main part's paragraphs and tables.

    The main part is the target of the package's ``officeDocument`` relationship
    (``_rels/.rels``), ``word/document.xml`` when that part is missing or broken.
    The safety limits are class attributes, overridable per instance through the
    constructor; each :class:`~nianbao.errors.ZipLimitError` names the one that
    tripped. They apply to every part read (the relationships, the main part).
    Each instance builds its own hardened parser (entities unresolved, no
    network, lxml's huge-tree limits kept, comments and processing instructions
    dropped): lxml parsers are not shared across threads.
    """

    name = "docx"
    format = "docx"
    priority = 60
    extensions = frozenset({".docx", ".docm", ".dotx", ".dotm"})
    mimetypes = frozenset({
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
        "application/vnd.ms-word.document.macroenabled.12",
        "application/vnd.ms-word.document.macroEnabled.12",
    })  # fmt: skip

    #: Most zip entries accepted; a Word file has a few dozen.
    max_entries: int = 10_000
    #: Most bytes one part (the main part, a relationships part) may inflate to.
    max_part_bytes: int = 50 * 1024 * 1024
    #: Most bytes all the parts read for one input may inflate to, together.
    max_total_bytes: int = 100 * 1024 * 1024
    #: Highest inflate ratio (uncompressed ÷ compressed) of a part above ``ratio_grace_bytes``
    #: (POI's ``MIN_INFLATE_RATIO`` of 0.01, inverted).
    max_inflate_ratio: float = 100.0
    #: Parts smaller than this are not ratio-checked (POI's ``GRACE_ENTRY_SIZE``).
    ratio_grace_bytes: int = 100 * 1024

    def __init__(
        self,
        *,
        max_entries: int | None = None,
        max_part_bytes: int | None = None,
        max_total_bytes: int | None = None,
        max_inflate_ratio: float | None = None,
        ratio_grace_bytes: int | None = None,
    ) -> None:
        if max_entries is not None:
            self.max_entries = max_entries
        if max_part_bytes is not None:
            self.max_part_bytes = max_part_bytes
        if max_total_bytes is not None:
            self.max_total_bytes = max_total_bytes
        if max_inflate_ratio is not None:
            self.max_inflate_ratio = max_inflate_ratio
        if ratio_grace_bytes is not None:
            self.ratio_grace_bytes = ratio_grace_bytes
        self.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True, remove_pis=True
        )

    def accepts(self, head: bytes, source: SourceInfo) -> bool:
        """By extension or mime type, or a zip whose first entries are Word parts."""
        if source.extension in self.extensions or source.mimetype in self.mimetypes:
            return True
        return head.startswith(ZIP_MAGIC) and b"word/" in head

    def read(self, data: bytes, source: SourceInfo) -> Document:
        """Open the zip, find the main part, inflate it within the limits, parse it and walk the body."""
        with _Package(self, data, _Totals()) as package:
            part, notes = package.main_part()
            document = self._read_part(package, part, source, depth=0)
        return Document(blocks=document.blocks, format=self.format, properties=document.properties,
                        notes=(*notes, *document.notes), paths=document.paths, pages=document.pages)

    def _read_part(self, package: _Package, part: str, source: SourceInfo, depth: int) -> Document:
        """Read a WordprocessingML document part (the main part, or one an altChunk imports)."""
        xml = package.read(part)
        root = package.parse(xml, part)
        w = NAMES.get(etree.QName(root).namespace or "")
        if w is None or root.tag != w.document:
            raise MarkupError(f"{part} is not a WordprocessingML document: its root element is "
                              f"{root.tag!r}, not w:document")
        chunks = _Chunks(self, package, part, source, depth)
        walk = _BodyWalk(w, hidden_text=next(root.iter(w.vanish, w.strike, w.dstrike, w.vertAlign), None) is not None,
                         text_boxes=b"txbxContent" in xml, chunks=chunks)
        body = _child(root, w.body)
        if body is not None:
            walk.body(body)
        notes = []
        if root.getroottree().docinfo.internalDTD is not None:
            notes.append(ReaderNote(level="warning", code="docx.dtd",
                                    message=f"{part} declares a DTD (Word never does); its entities were "
                                    "left unresolved"))
        if walk.tracked_changes:
            notes.append(ReaderNote(level="warning", code="docx.tracked_changes",
                                    message="the document has tracked changes: insertions read, deletions dropped"))
        if walk.nested_tables:
            notes.append(ReaderNote(level="warning", code="docx.nested_table",
                                    message=f"{walk.nested_tables} table(s) nested in table cells, each read as "
                                    "a table of its own after the table that holds it"))
        notes.extend(chunks.notes)
        if walk.alt_chunks:
            why = "; ".join(sorted(set(chunks.unread))) or "unknown"
            notes.append(ReaderNote(level="warning" if walk.blocks else "error", code="docx.alt_chunk",
                                    message=f"{walk.alt_chunks} imported chunk(s) (w:altChunk: HTML, RTF or another "
                                    f"document embedded as a file) not read: {why}"))
        return Document(blocks=tuple(walk.blocks), format=self.format, properties=chunks.properties,
                        notes=tuple(notes), paths=chunks.embedded.paths(walk.blocks),
                        pages=tuple(chunks.embedded.pages))

    @cached_property
    def html(self) -> HtmlReader:
        """The HTML reader for imported HTML chunks: one per DOCX reader (lxml parsers are per thread)."""
        return HtmlReader()

    # ---- the zip -------------------------------------------------------

    def document_xml(self, data: bytes) -> bytes:
        """The bytes of the main part (``word/document.xml`` in most files), checked against the limits."""
        with _Package(self, data, _Totals()) as package:
            return package.read(package.main_part()[0])

    def _check_sizes(self, info: zipfile.ZipInfo, totals: _Totals | None = None) -> None:
        """Refuse a part whose declared size or inflate ratio is over the limits (``zipguard.check_sizes``)."""
        check_sizes(info, self, _how_to_raise, totals)

    def _inflate(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, totals: _Totals | None = None) -> bytes:
        """Inflate a part within the limits, whatever its header says (:func:`nianbao.zipguard.inflate`)."""
        return inflate(archive, info, self, _how_to_raise, totals)

    # ---- the XML -------------------------------------------------------

    def parse(self, xml: bytes, part: str = DOCUMENT_PART, *, counted: bool = False) -> etree._Element:
        """Parse a part with the hardened parser; malformed XML is a :class:`MarkupError`.

        Its tags are counted against ``max_elements`` first, unless the caller has (``counted``).
        """
        if not counted:
            check_element_count(xml.count(b"<"), part)
        try:
            return etree.fromstring(xml, self.parser)
        except etree.XMLSyntaxError as exc:
            raise MarkupError(f"{part} cannot be parsed: not well-formed, or over one of libxml2's "
                              f"safety limits: {exc}") from exc


# --------------------------------------------------------------------------
# The package: zip entries, relationships, content types (OPC)
# --------------------------------------------------------------------------


def rels_part(part: str) -> str:
    """The relationships part of ``part``: ``word/_rels/document.xml.rels`` for ``word/document.xml``;
    ``_rels/.rels`` for the package (``part`` empty)."""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def resolve_target(source: str, target: str) -> str | None:
    """A relationship's ``Target`` as a zip entry name: percent-decoded, relative to the folder of
    ``source`` (the part whose relationships name it; empty for the package) unless absolute, ``..``
    stopping at the package root as in a URL; ``None`` for an empty target."""
    target = unquote(target.strip())
    path = posixpath.normpath(target if target.startswith("/") else f"/{source.rpartition('/')[0]}/{target}")
    return path.lstrip("/") or None


class _Package:
    """An opened .docx zip, checked once (entries, duplicate names); its parts read on demand, each within
    the reader's limits and the input's running totals."""

    def __init__(self, reader: DocxReader, data: bytes, totals: _Totals) -> None:
        self.reader, self.totals = reader, totals
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise _not_a_zip(data, exc) from exc
        except (OSError, ValueError, EOFError) as exc:  # a central directory that points outside the file
            raise ReadError(f"a broken zip archive (truncated or damaged): {exc}") from exc
        except NotImplementedError as exc:  # "zip file version 20.1": a damaged header, or an exotic archiver
            raise ReadError(f"a zip archive Python cannot open ({exc}): damaged, or written by an unusual tool; "
                            "save it again as .docx in Word") from exc
        self.archive = archive
        try:
            infos = archive.infolist()
            check_entries(len(infos), reader, _how_to_raise, "a Word document has a few dozen")
            by_name: dict[str, zipfile.ZipInfo] = {}
            for info in infos:
                key = info.filename.lower()  # OPC part names are case-insensitive
                if key in by_name:
                    raise ZipLimitError(f"the zip has two entries named {info.filename!r}: an ambiguous archive, "
                                        "refused (no limit to raise: repair the file by saving it again in Word)")
                by_name[key] = info
        except BaseException:
            archive.close()
            raise
        self.infos, self.by_name = infos, by_name
        self._types: dict[str, str] | None = None

    def __enter__(self) -> _Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.archive.close()

    def has(self, name: str) -> bool:
        return name.lower() in self.by_name

    def _entries(self) -> str:
        """A few entry names, for an error message."""
        return f"{len(self.infos)} entries, e.g. {', '.join(i.filename for i in self.infos[:5]) or 'none'}"

    def read(self, name: str) -> bytes:
        """The inflated bytes of part ``name`` (which must exist), within the limits."""
        info = self.by_name[name.lower()]
        self.reader._check_sizes(info, self.totals)
        return self.reader._inflate(self.archive, info, self.totals)

    def xml(self, name: str) -> etree._Element:
        """Part ``name`` parsed; its tags count towards ``max_elements`` with every part read before."""
        return self.parse(self.read(name), name)

    def parse(self, data: bytes, name: str) -> etree._Element:
        """``data``, part ``name``, parsed; its tags count towards ``max_elements`` with every part read before."""
        self.count_tags(data, name)
        return self.reader.parse(data, name, counted=True)

    def count_tags(self, data: bytes, name: str) -> None:
        """Count the tags of markup about to be parsed against ``max_elements``, alone and with every part before."""
        count = data.count(b"<")
        check_element_count(count, name)
        if self.totals.tags:
            check_element_count(self.totals.tags + count, f"{name} with the parts read before it")
        self.totals.tags += count

    def content_type(self, name: str) -> str:
        """A part's content type from ``[Content_Types].xml`` (its Override, else the Default of its extension),
        lower case; ``""`` if the file does not say or cannot be read."""
        if self._types is None:
            self._types = {}
            if self.has(CONTENT_TYPES):
                try:
                    root = self.xml(CONTENT_TYPES)
                except MarkupError:
                    root = None
                for item in () if root is None else root:
                    if not isinstance(item.tag, str):
                        continue
                    kind = (item.get("ContentType") or "").strip().lower()
                    if item.tag.endswith("Override") and item.get("PartName"):
                        self._types.setdefault(unquote(item.get("PartName", "")).lstrip("/").lower(), kind)
                    elif item.tag.endswith("Default") and item.get("Extension"):
                        self._types.setdefault("." + item.get("Extension", "").lower(), kind)
        key = name.lower()
        return self._types.get(key) or self._types.get(posixpath.splitext(key)[1], "")

    def relationships(self, part: str) -> dict[str, tuple[str, str | None]]:
        """The relationships of ``part`` (``""``: the package's): ``Id`` → ``(Type, target entry name)``.

        The target is ``None`` for an external one or one outside the package. A missing
        relationships part gives ``{}``; a broken one raises :class:`MarkupError`.
        """
        name = rels_part(part)
        if not self.has(name):
            return {}
        out: dict[str, tuple[str, str | None]] = {}
        for rel in self.xml(name):
            if not isinstance(rel.tag, str) or not rel.tag.endswith("Relationship"):
                continue
            target = rel.get("Target") or ""
            external = (rel.get("TargetMode") or "").lower() == "external"
            out.setdefault(rel.get("Id") or "", (rel.get("Type") or "",
                                                 None if external else resolve_target(part, target)))
        return out

    def main_part(self) -> tuple[str, list[ReaderNote]]:
        """The main document part's entry name, and notes on a package that does not name it properly.

        The target of the ``officeDocument`` relationship in ``_rels/.rels``; else
        (no such part, broken, or naming a part the zip lacks) ``word/document.xml``.
        """
        notes: list[ReaderNote] = []
        named: str | None = None
        try:
            rels = self.relationships("")
        except MarkupError as exc:
            rels = {}
            notes.append(_package_note(f"{PACKAGE_RELS} cannot be read ({exc.message}); read {DOCUMENT_PART}"))
        for kind, target in rels.values():
            if kind in OFFICE_DOCUMENT and target:
                named = target
                break
        if named is not None and self.has(named):
            return self.by_name[named.lower()].filename, notes
        if self.has(DOCUMENT_PART):
            if named is not None:
                notes.append(_package_note(f"{PACKAGE_RELS} names {named} as the main document part, which the "
                                           f"zip lacks; read {DOCUMENT_PART}"))
            elif not notes and self.has(PACKAGE_RELS):
                notes.append(_package_note(f"{PACKAGE_RELS} names no main document part (officeDocument "
                                           f"relationship); read {DOCUMENT_PART}"))
            return self.by_name[DOCUMENT_PART].filename, notes
        if named is not None:
            raise ReadError(f"not a Word document: {PACKAGE_RELS} names {named} as the main document part, and "
                            f"the zip has neither it nor {DOCUMENT_PART} ({self._entries()})")
        raise ReadError(f"not a Word document: no {DOCUMENT_PART} in the zip, and no {PACKAGE_RELS} naming "
                        f"another main document part ({self._entries()})")


def _package_note(message: str) -> ReaderNote:
    return ReaderNote(level="warning", code="docx.package", message=message)


# --------------------------------------------------------------------------
# Imported chunks (w:altChunk)
# --------------------------------------------------------------------------

#: What an imported part is, by content type, then by extension.
CHUNK_TYPES = {
    "text/html": "html", "application/xhtml+xml": "html",
    "message/rfc822": "mht", "multipart/related": "mht", "application/x-mimearchive": "mht",
    "text/plain": "text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template": "docx",
    "application/vnd.ms-word.document.macroenabled.12": "docx",
    "application/vnd.ms-word.template.macroenabled.12": "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "part",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "part",
    "application/vnd.ms-word.document.macroenabled.main+xml": "part",
    "application/rtf": "rtf", "text/rtf": "rtf", "application/msword": "doc",
}  # fmt: skip
CHUNK_EXTENSIONS = {".htm": "html", ".html": "html", ".xhtml": "html", ".mht": "mht", ".mhtml": "mht",
                    ".txt": "text", ".docx": "docx", ".docm": "docx", ".dotx": "docx", ".rtf": "rtf", ".doc": "doc"}


class _Chunks:
    """Reads what the ``w:altChunk`` elements of one document part import, each at its position.

    The chunk's part is the target of the ``r:id`` relationship in the part's
    relationships (``word/_rels/document.xml.rels``); what it is comes from
    ``[Content_Types].xml`` (else its extension). HTML (and an MHT web archive's
    HTML) is read by the HTML reader of :mod:`nianbao.plugins.html`, so its tables
    are tables; plain text gives a paragraph a line; a .docx or WordprocessingML
    part is read like the main part, at most ``MAX_CHUNK_DEPTH`` deep; RTF and
    old .doc stay unread. Every part is read within the reader's zip limits and
    the input's running totals; one that cannot be read is noted, not fatal.
    """

    def __init__(self, reader: DocxReader, package: _Package, part: str, source: SourceInfo, depth: int) -> None:
        self.reader, self.package, self.part, self.source, self.depth = reader, package, part, source, depth
        self._rels: dict[str, tuple[str, str | None]] | None = None
        #: Why each chunk not read was not read.
        self.unread: list[str] = []
        #: Notes of the chunks read (a guessed encoding, say).
        self.notes: list[ReaderNote] = []
        self.properties: dict[str, str] = {}
        #: The web pages among the chunks, and their blocks' element paths (for nianbao.page).
        self.embedded = Embedded()

    def blocks(self, alt_chunk: etree._Element) -> list[Block] | None:
        """The blocks of the chunk ``alt_chunk`` imports, or ``None`` (and a reason in ``unread``)."""
        rid = next((v for v in (alt_chunk.get(a) for a in R_IDS) if v), None)
        if rid is None:
            return self._skip("one without r:id")
        if self._rels is None:
            try:
                self._rels = self.package.relationships(self.part)
            except MarkupError:
                self._rels = {}
        name = self._rels.get(rid, ("", None))[1]
        if name is None or not self.package.has(name):
            return self._skip(f"{rid} names no part in the zip")
        kind = CHUNK_TYPES.get(self.package.content_type(name).partition(";")[0].strip()) or CHUNK_EXTENSIONS.get(
            posixpath.splitext(name.lower())[1])
        if kind in (None, "rtf", "doc"):
            return self._skip(f"{name} is {kind.upper() if kind else 'of an unknown type'}")
        if kind in ("docx", "part") and self.depth >= MAX_CHUNK_DEPTH:
            return self._skip(f"{name} nests documents more than {MAX_CHUNK_DEPTH} deep")
        try:
            if kind == "part":
                return self._document(self.reader._read_part(self.package, name, self.source, self.depth + 1))
            data = self.package.read(name)
            if kind == "docx":
                with _Package(self.reader, data, self.package.totals) as inner:
                    part, notes = inner.main_part()
                    self.notes.extend(notes)
                    return self._document(self.reader._read_part(inner, part, self.source, self.depth + 1))
            if kind == "text":
                return self._text(data)
            charset = None
            if kind == "mht":
                data, charset = _mht_html(data)
                if data is None:
                    return self._skip(f"{name} is a web archive without an HTML part")
            self.package.count_tags(data, name)
            return self._document(self.reader.html.read(data, SourceInfo(uri=f"{self.source.uri}!{name}",
                                                                           charset=charset)))
        except (ZipLimitError, DocumentLimitError):
            raise  # a limit is a limit, wherever it trips
        except (ReadError, UnicodeError, LookupError) as exc:
            message = exc.message if isinstance(exc, ReadError) else str(exc)
            return self._skip(f"{name} cannot be read ({message})")

    def _skip(self, why: str) -> None:
        self.unread.append(why)
        return None

    def _document(self, document: Document) -> list[Block]:
        self.notes.extend(document.notes)
        for key, value in document.properties.items():
            self.properties.setdefault(key, value)
        return self.embedded.add(document)

    def _text(self, data: bytes) -> list[Block]:
        decoded = decode_text(data)
        self.notes.extend(decoded.notes)
        lines = decoded.text.splitlines()
        check_line_count(len(lines))
        return [Paragraph(text=line.strip()) for line in lines if line.strip()]


def _mht_html(data: bytes) -> tuple[bytes | None, str | None]:
    """The HTML of an MHT web archive (MIME ``multipart/related``): its first ``text/html`` part, decoded from
    quoted-printable or base64, and the charset its header names."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for piece in message.walk():
        if piece.get_content_type() == "text/html":
            payload = piece.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload, piece.get_content_charset()
    return None, None


@hookimpl
def register_readers(register):
    register(DocxReader())
