"""DOCX reader: ``word/document.xml`` straight from the zip, with lxml, into a Document.

python-docx is not used: the reader opens the zip itself so that it can check the
container *before* inflating anything (entry count, duplicate names, the
uncompressed size and inflate ratio of the one part it reads, as apache/poi's
``ZipSecureFile`` does), and walks the XML with ``iterchildren`` against Clark
names computed once (python-docx's ``oxml/ns.py`` ``qn``), never with per-element
XPath.

What becomes what:

- body paragraphs and tables in body order; blank paragraphs are dropped, as the
  text readers drop blank lines; content controls (``w:sdt``) and custom XML
  wrappers are read through;
- a paragraph's text is its runs' ``w:t`` joined; ``w:br`` and ``w:cr`` become
  ``"\\n"``, ``w:tab`` ``"\\t"``; tracked insertions (``w:ins``, ``w:moveTo``) are
  kept and deletions (``w:del``, ``w:moveFrom``) dropped, with a note on the
  record; field codes (``w:instrText``) and hidden runs (``w:vanish``) are not
  printed text and are dropped; drawings and text boxes are skipped;
- a table cell's text is its paragraphs joined by ``"\\n"``; a cell's grid column
  is ``w:gridBefore`` plus the ``w:gridSpan`` of the cells before it, found in one
  left-to-right pass; ``w:gridSpan`` gives the colspan and ``w:vMerge``
  restart/continue the rowspan of the origin cell; covered slots are ``None``
  (:mod:`nianbao.document`). Text in a ``continue`` cell, which Word keeps but
  does not show, is appended to the origin's so nothing printed is lost;
- a table nested in a cell is emitted as its own :class:`Table` right after the
  outer table (depth first), and is not part of the outer cell's text, so each
  number is read once; a one-cell table is a layout frame, not data: its
  content is read as if it stood in the body;
- a table split in two (by a page break, with or without its header repeated)
  stays two tables: the fitter is label-driven and reads on across them;
- tracked row deletions (``w:trPr/w:del``) drop the row.

Strict Open XML documents (the ``purl.oclc.org`` namespace) are read like
transitional ones.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from lxml import etree

from nianbao.document import Block, Cell, Document, Paragraph, ReaderNote, Table
from nianbao.errors import MarkupError, ReadError, ZipLimitError
from nianbao.hookspecs import hookimpl
from nianbao.readers import Reader
from nianbao.source import SourceInfo

#: The part this reader reads.
DOCUMENT_PART = "word/document.xml"
#: First bytes of a zip's first local file header.
ZIP_MAGIC = b"PK\x03\x04"
#: First bytes of an OLE2 compound file: an old binary .doc/.wps, or an encrypted .docx.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Size of each read from the inflating stream.
CHUNK_BYTES = 1 << 20

TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_XML_SPACE_FALSE = frozenset({"0", "false", "off"})


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
        "ins", "moveTo", "moveFrom", "hyperlink", "smartTag", "customXml", "fldSimple", "dir", "bdo",
        "sdt", "sdtContent", "tbl", "tblGrid", "gridCol", "tr", "trPr", "gridBefore", "tc", "tcPr",
        "gridSpan", "vMerge", "val",
    )  # fmt: skip

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        for local in self.LOCAL:
            setattr(self, local, f"{{{namespace}}}{local}")
        self.del_ = f"{{{namespace}}}del"  # ``del`` is a Python keyword
        #: Children of a paragraph that hold runs (or are runs), read in order.
        self.run_containers = (self.r, self.ins, self.moveTo, self.hyperlink, self.smartTag, self.customXml,
                               self.fldSimple, self.dir, self.bdo, self.sdt, self.del_, self.moveFrom)
        #: Children of a run that print something.
        self.run_content = (self.rPr, self.t, self.tab, self.ptab, self.br, self.cr, self.noBreakHyphen)
        #: Children of the body, a cell or a content control that hold blocks.
        self.block_items = (self.p, self.tbl, self.sdt, self.customXml)
        self.row_items = (self.tr, self.sdt, self.customXml)
        self.cell_items = (self.tc, self.sdt, self.customXml)
        self.deleted = frozenset({self.del_, self.moveFrom})


NAMES = {TRANSITIONAL: Names(TRANSITIONAL), STRICT: Names(STRICT)}


# --------------------------------------------------------------------------
# Accessors, named after the element they read
# --------------------------------------------------------------------------


def _child(element: etree._Element, tag: str) -> etree._Element | None:
    """The first child of ``element`` named ``tag``, or ``None``."""
    return next(element.iterchildren(tag), None)


def _int_val(element: etree._Element | None, w: Names, default: int) -> int:
    """``@w:val`` of ``element`` as a positive int, else ``default``."""
    if element is None:
        return default
    try:
        value = int(element.get(w.val, default))
    except ValueError:
        return default
    return value if value > 0 else default


def grid_span(tc: etree._Element, w: Names) -> int:
    """Grid columns a cell spans: ``./w:tcPr/w:gridSpan/@w:val``, else 1."""
    tc_pr = _child(tc, w.tcPr)
    return 1 if tc_pr is None else _int_val(_child(tc_pr, w.gridSpan), w, 1)


def v_merge(tc: etree._Element, w: Names) -> str | None:
    """A cell's vertical merge: ``./w:tcPr/w:vMerge/@w:val`` (``"restart"``), ``"continue"`` when
    the element has no ``w:val``, ``None`` without ``w:vMerge``."""
    tc_pr = _child(tc, w.tcPr)
    if tc_pr is None:
        return None
    merge = _child(tc_pr, w.vMerge)
    if merge is None:
        return None
    return merge.get(w.val, "continue")


def grid_before(tr: etree._Element, w: Names) -> int:
    """Grid columns skipped before a row's first cell: ``./w:trPr/w:gridBefore/@w:val``, else 0."""
    tr_pr = _child(tr, w.trPr)
    return 0 if tr_pr is None else _int_val(_child(tr_pr, w.gridBefore), w, 0)


def row_deleted(tr: etree._Element, w: Names) -> bool:
    """Whether a row is a tracked deletion: ``./w:trPr/w:del`` exists."""
    tr_pr = _child(tr, w.trPr)
    return tr_pr is not None and _child(tr_pr, w.del_) is not None


def grid_cols(tbl: etree._Element, w: Names) -> int:
    """Columns of a table's grid: ``count(./w:tblGrid/w:gridCol)``, else 0."""
    grid = _child(tbl, w.tblGrid)
    return 0 if grid is None else sum(1 for _ in grid.iterchildren(w.gridCol))


def run_hidden(r_pr: etree._Element, w: Names) -> bool:
    """Whether a run is hidden text: ``./w:rPr/w:vanish`` with ``@w:val`` absent or true."""
    vanish = _child(r_pr, w.vanish)
    return vanish is not None and vanish.get(w.val, "true").lower() not in _XML_SPACE_FALSE


# --------------------------------------------------------------------------
# The body walk
# --------------------------------------------------------------------------


@dataclass(slots=True)
class _Origin:
    """A cell being built: mutable while vertical merges below it are found."""

    text: str
    row: int
    col: int
    colspan: int
    rowspan: int = 1

    def cell(self) -> Cell:
        return Cell(text=self.text, row=self.row, col=self.col, rowspan=self.rowspan, colspan=self.colspan)


class _BodyWalk:
    """One walk over a ``w:body``: blocks out, plus what was noticed on the way."""

    def __init__(self, w: Names) -> None:
        self.w = w
        self.blocks: list[Block] = []
        self.tracked_changes = False
        self.nested_tables = 0

    # ---- text ----------------------------------------------------------

    def paragraph_text(self, p: etree._Element) -> str:
        """A paragraph's printed text: runs joined, breaks as ``\\n``, tabs as ``\\t``."""
        parts: list[str] = []
        self._runs(p, parts)
        return "".join(parts)

    def _runs(self, parent: etree._Element, parts: list[str]) -> None:
        w = self.w
        for child in parent.iterchildren(*w.run_containers):
            tag = child.tag
            if tag == w.r:
                for item in child.iterchildren(*w.run_content):
                    itag = item.tag
                    if itag == w.t:
                        if len(item):  # an entity reference left unresolved: keep the text around it
                            parts.extend(t for t in (item.text, *(e.tail for e in item)) if t)
                        elif item.text:
                            parts.append(item.text)
                    elif itag == w.rPr:
                        if run_hidden(item, w):
                            break
                    elif itag == w.tab or itag == w.ptab:
                        parts.append("\t")
                    elif itag == w.noBreakHyphen:
                        parts.append("-")
                    else:  # w:br (any type), w:cr
                        parts.append("\n")
            elif tag in w.deleted:
                self.tracked_changes = True
            elif tag == w.sdt:
                content = _child(child, w.sdtContent)
                if content is not None:
                    self._runs(content, parts)
            else:
                if tag == w.ins or tag == w.moveTo:
                    self.tracked_changes = True
                self._runs(child, parts)

    # ---- blocks --------------------------------------------------------

    def blocks_of(self, container: etree._Element) -> None:
        """Append the paragraphs and tables of a body, cell or content control, in order."""
        w = self.w
        for child in container.iterchildren(*w.block_items):
            tag = child.tag
            if tag == w.p:
                text = self.paragraph_text(child).strip()
                if text:
                    self.blocks.append(Paragraph(text=text))
            elif tag == w.tbl:
                self.table(child)
            elif tag == w.sdt:
                content = _child(child, w.sdtContent)
                if content is not None:
                    self.blocks_of(content)
            else:
                self.blocks_of(child)

    def _items(self, parent: etree._Element, tags: tuple[str, ...], want: str) -> Iterator[etree._Element]:
        """Children named ``want`` of ``parent``, looking through ``w:sdt`` and ``w:customXml`` wrappers."""
        w = self.w
        for child in parent.iterchildren(*tags):
            if child.tag == want:
                yield child
            elif child.tag == w.sdt:
                content = _child(child, w.sdtContent)
                if content is not None:
                    yield from self._items(content, tags, want)
            else:
                yield from self._items(child, tags, want)

    def rows_of(self, tbl: etree._Element) -> list[etree._Element]:
        """A table's ``w:tr`` elements, tracked deletions left out."""
        w = self.w
        rows = []
        for tr in self._items(tbl, w.row_items, w.tr):
            if row_deleted(tr, w):
                self.tracked_changes = True
            else:
                rows.append(tr)
        return rows

    def cells_of(self, tr: etree._Element) -> list[etree._Element]:
        """A row's ``w:tc`` elements."""
        return list(self._items(tr, self.w.cell_items, self.w.tc))

    def cell_text(self, tc: etree._Element, nested: list[etree._Element]) -> str:
        """A cell's non-blank paragraphs joined by ``\\n``; nested tables are set aside in ``nested``."""
        texts: list[str] = []
        self._cell_parts(tc, texts, nested)
        return "\n".join(texts).strip()

    def _cell_parts(self, container: etree._Element, texts: list[str], nested: list[etree._Element]) -> None:
        w = self.w
        for child in container.iterchildren(*w.block_items):
            tag = child.tag
            if tag == w.p:
                text = self.paragraph_text(child)
                if text and not text.isspace():
                    texts.append(text)
            elif tag == w.tbl:
                nested.append(child)
            elif tag == w.sdt:
                content = _child(child, w.sdtContent)
                if content is not None:
                    self._cell_parts(content, texts, nested)
            else:
                self._cell_parts(child, texts, nested)

    def table(self, tbl: etree._Element) -> None:
        """Append a table (spans expanded to a grid) and then the tables nested in its cells."""
        w = self.w
        trs = self.rows_of(tbl)
        if len(trs) == 1:
            tcs = self.cells_of(trs[0])
            if len(tcs) == 1:  # a one-cell frame around content, not a table of data
                self.blocks_of(tcs[0])
                return
        nested: list[etree._Element] = []
        grid: list[list[_Origin | None]] = []
        open_merges: dict[int, _Origin] = {}  # grid column → origin of a vertical merge still open
        for r, tr in enumerate(trs):
            col = grid_before(tr, w)
            slots: list[_Origin | None] = [None] * col
            still_open: dict[int, _Origin] = {}
            for tc in self.cells_of(tr):
                span = grid_span(tc, w)
                merge = v_merge(tc, w)
                text = self.cell_text(tc, nested)
                origin = open_merges.get(col) if merge == "continue" else None
                if origin is not None and origin.colspan == span:
                    origin.rowspan += 1
                    if text:
                        origin.text = f"{origin.text}\n{text}" if origin.text else text
                    slots.extend([None] * span)
                else:
                    origin = _Origin(text=text, row=r, col=col, colspan=span)
                    slots.append(origin)
                    slots.extend([None] * (span - 1))
                if merge is not None:
                    still_open[col] = origin
                col += span
            open_merges = still_open
            grid.append(slots)
        width = max([grid_cols(tbl, w), *(len(row) for row in grid)])
        rows = tuple(
            tuple(None if s is None else s.cell() for s in row) + (None,) * (width - len(row)) for row in grid
        )
        self.blocks.append(Table(rows=rows))
        self.nested_tables += len(nested)
        for inner in nested:
            self.table(inner)


# --------------------------------------------------------------------------
# The reader: zip guard, hardened parse, walk
# --------------------------------------------------------------------------


@contextmanager
def _zip_errors(what: str) -> Iterator[None]:
    """Translate what zipfile and zlib raise on a damaged archive into :class:`ReadError`."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ReadError(f"{what} is corrupt or truncated in the zip: {exc}") from exc
    except NotImplementedError as exc:  # Deflate64, LZMA from odd archivers
        raise ReadError(f"{what} uses a zip compression method Python cannot inflate: {exc}") from exc
    except RuntimeError as exc:  # "File is encrypted, password required"
        raise ReadError(f"{what} is encrypted in the zip: {exc}") from exc


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

    The safety limits are class attributes, overridable per instance through the
    constructor; each :class:`~nianbao.errors.ZipLimitError` names the one that
    tripped. Each instance builds its own hardened parser (entities unresolved, no
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
    #: Most bytes ``word/document.xml`` may inflate to.
    max_part_bytes: int = 50 * 1024 * 1024
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
        max_inflate_ratio: float | None = None,
        ratio_grace_bytes: int | None = None,
    ) -> None:
        if max_entries is not None:
            self.max_entries = max_entries
        if max_part_bytes is not None:
            self.max_part_bytes = max_part_bytes
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
        """Check the zip, inflate ``word/document.xml`` within the limits, parse it and walk the body."""
        root = self.parse(self.document_xml(data))
        w = NAMES.get(etree.QName(root).namespace or "")
        if w is None or root.tag != w.document:
            raise MarkupError(f"{DOCUMENT_PART} is not a WordprocessingML document: its root element is "
                              f"{root.tag!r}, not w:document")
        walk = _BodyWalk(w)
        body = _child(root, w.body)
        if body is not None:
            walk.blocks_of(body)
        notes = []
        if root.getroottree().docinfo.internalDTD is not None:
            notes.append(ReaderNote(level="warning", code="docx.dtd",
                                    message=f"{DOCUMENT_PART} declares a DTD (Word never does); its entities were "
                                    "left unresolved"))
        if walk.tracked_changes:
            notes.append(ReaderNote(level="warning", code="docx.tracked_changes",
                                    message="the document has tracked changes: insertions read, deletions dropped"))
        if walk.nested_tables:
            notes.append(ReaderNote(level="warning", code="docx.nested_table",
                                    message=f"{walk.nested_tables} table(s) nested in table cells, each read as "
                                    "a table of its own after the table that holds it"))
        return Document(blocks=tuple(walk.blocks), format=self.format, notes=tuple(notes))

    # ---- the zip -------------------------------------------------------

    def document_xml(self, data: bytes) -> bytes:
        """The bytes of ``word/document.xml``, after checking the archive against the limits."""
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise _not_a_zip(data, exc) from exc
        except (OSError, ValueError, EOFError) as exc:  # a central directory that points outside the file
            raise ReadError(f"a broken zip archive (truncated or damaged): {exc}") from exc
        with archive:
            infos = archive.infolist()
            if len(infos) > self.max_entries:
                raise ZipLimitError(
                    f"the zip has {len(infos)} entries, over the limit of {self.max_entries} "
                    f"(DocxReader.max_entries; a Word document has a few dozen): raise it only for a trusted file"
                )
            by_name: dict[str, zipfile.ZipInfo] = {}
            for info in infos:
                key = info.filename.lower()  # OPC part names are case-insensitive
                if key in by_name:
                    raise ZipLimitError(f"the zip has two entries named {info.filename!r}: an ambiguous archive, "
                                        "refused (no limit to raise: repair the file by saving it again in Word)")
                by_name[key] = info
            info = by_name.get(DOCUMENT_PART)
            if info is None:
                raise ReadError(f"not a Word document: no {DOCUMENT_PART} in the zip "
                                f"({len(infos)} entries, e.g. {', '.join(i.filename for i in infos[:5]) or 'none'})")
            self._check_sizes(info)
            return self._inflate(archive, info)

    def _check_sizes(self, info: zipfile.ZipInfo) -> None:
        """Refuse a part whose declared size or inflate ratio is over the limits, before inflating it."""
        if info.file_size > self.max_part_bytes:
            raise ZipLimitError(
                f"{info.filename} would inflate to {info.file_size:,} bytes, over the limit of "
                f"{self.max_part_bytes:,} (DocxReader.max_part_bytes): raise it only for a trusted file"
            )
        self._check_ratio(info, info.file_size)

    def _check_ratio(self, info: zipfile.ZipInfo, inflated: int) -> None:
        if inflated <= self.ratio_grace_bytes:
            return
        ratio = inflated / max(info.compress_size, 1)
        if ratio > self.max_inflate_ratio:
            raise ZipLimitError(
                f"{info.filename} inflates {ratio:,.0f}:1 ({info.compress_size:,} to {inflated:,}+ bytes), over "
                f"the limit of {self.max_inflate_ratio:,.0f}:1 (DocxReader.max_inflate_ratio): a zip bomb, or a "
                f"freak file; raise the limit only for a trusted file"
            )

    def _inflate(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        """Inflate a part in chunks, re-checking size and ratio as it grows: headers can lie."""
        chunks: list[bytes] = []
        total = 0
        with _zip_errors(info.filename), archive.open(info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                total += len(chunk)
                if total > self.max_part_bytes:
                    raise ZipLimitError(
                        f"{info.filename} inflates past {self.max_part_bytes:,} bytes though its header says "
                        f"{info.file_size:,} (DocxReader.max_part_bytes): a forged zip header"
                    )
                self._check_ratio(info, total)
                chunks.append(chunk)
        return b"".join(chunks)

    # ---- the XML -------------------------------------------------------

    def parse(self, xml: bytes) -> etree._Element:
        """Parse the part with the hardened parser; malformed XML is a :class:`MarkupError`."""
        try:
            return etree.fromstring(xml, self.parser)
        except etree.XMLSyntaxError as exc:
            raise MarkupError(f"{DOCUMENT_PART} cannot be parsed: not well-formed, or over one of libxml2's "
                              f"safety limits: {exc}") from exc


@hookimpl
def register_readers(register):
    register(DocxReader())
