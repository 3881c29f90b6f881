"""The OpenDocument text reader: ``content.xml`` of an .odt into a nianbao Document.

An .odt is a zip whose ``content.xml`` holds the body: ``text:h`` and ``text:p``
paragraphs (inside lists and sections too) and ``table:table`` tables. A merged
cell is a ``table:table-cell`` with ``table:number-columns-spanned`` /
``table:number-rows-spanned``, and each slot it covers is a
``table:covered-table-cell``, which becomes ``None`` in the Table, as nianbao's
built-in readers do. ``table:number-columns-repeated`` (and ``-rows-repeated``)
repeat a cell or row, as LibreOffice writes runs of empty cells.

The zip is read through :mod:`nianbao.zipguard`, the limits nianbao's own DOCX
reader uses (entry count, inflated size, inflate ratio), and the XML with a
hardened lxml parser (no entities, no network).
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from nianbao.document import Block, Cell, Document, Paragraph, Table
from nianbao.errors import MarkupError, ReadError
from nianbao.limits import check_element_count
from nianbao.readers import Reader
from nianbao.source import SourceInfo
from nianbao.zipguard import Totals, ZipLimits, check_entries, read_entry

MIMETYPE = b"application/vnd.oasis.opendocument.text"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#: Most repeated cells or rows honoured: LibreOffice pads a row to 1024 columns with one repeated empty cell.
MAX_REPEAT = 1000


def _t(local: str) -> str:
    return f"{{{TEXT}}}{local}"


def _tb(local: str) -> str:
    return f"{{{TABLE}}}{local}"


def _hint(limit: str) -> str:
    return f"; raise it with OdtReader(limits=ZipLimits({limit}=…)) for files you trust"


class OdtReader(Reader):
    """OpenDocument text documents (.odt): paragraphs, headings and tables with merged cells."""

    name = "odt"
    format = "odt"
    priority = 60
    extensions = frozenset({".odt", ".ott"})
    mimetypes = frozenset({"application/vnd.oasis.opendocument.text"})

    def __init__(self, *, limits: ZipLimits | None = None) -> None:
        self.limits = limits or ZipLimits()

    def accepts(self, head: bytes, source: SourceInfo) -> bool:
        """By extension or mime type, or a zip whose first entry is the ODF ``mimetype`` naming text."""
        return super().accepts(head, source) or (head.startswith(b"PK\x03\x04") and MIMETYPE in head[:200])

    def read(self, data: bytes, source: SourceInfo) -> Document:
        """Inflate ``content.xml`` within the zip limits, parse it and walk the body."""
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise ReadError(f"not an OpenDocument file (not a readable zip): {exc}") from exc
        with archive:
            check_entries(len(archive.infolist()), self.limits, _hint, "an .odt has a dozen")
            try:
                info = archive.getinfo("content.xml")
            except KeyError:
                raise ReadError("not an OpenDocument file: the zip has no content.xml") from None
            xml = read_entry(archive, info, self.limits, _hint, Totals())
        check_element_count(xml.count(b"<"), "content.xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True)
        try:
            root = etree.fromstring(xml, parser)
        except etree.XMLSyntaxError as exc:
            raise MarkupError(f"content.xml cannot be parsed: {exc}") from exc
        body = root.find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
        if body is None:
            raise ReadError("content.xml has no office:text body: not a text document (a spreadsheet?)")
        blocks: list[Block] = []
        _walk(body, blocks)
        return Document(blocks=tuple(blocks), format=self.format)


def _walk(container: etree._Element, blocks: list[Block]) -> None:
    """Paragraphs and tables of ``container`` in document order (lists and sections walked into)."""
    for child in container:
        if child.tag in (_t("p"), _t("h")):
            text = _text(child).strip()
            if text:
                blocks.append(Paragraph(text=text))
        elif child.tag == _tb("table"):
            blocks.append(_table(child))
        elif isinstance(child.tag, str):
            _walk(child, blocks)  # text:list, text:list-item, text:section, …


def _text(element: etree._Element) -> str:
    """A paragraph's text: spans walked into, ``text:s`` as its spaces, tabs and line breaks kept."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _t("s"):
            parts.append(" " * int(child.get(_t("c"), "1")))
        elif child.tag == _t("tab"):
            parts.append("\t")
        elif child.tag == _t("line-break"):
            parts.append("\n")
        elif child.tag not in (_t("note"), _t("bookmark"), _t("soft-page-break")) and isinstance(child.tag, str):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _repeat(element: etree._Element, attribute: str) -> int:
    return max(1, min(int(element.get(_tb(attribute), "1")), MAX_REPEAT))


def _table(table: etree._Element) -> Table:
    """A table:table as a Table: origin cells with their spans, covered slots ``None``, as wide as it declares."""
    rows: list[list[Cell | None]] = []
    for row in table.iter(_tb("table-row")):
        if row.getparent() is not None and row.getparent().tag not in (
                _tb("table"), _tb("table-header-rows"), _tb("table-rows"), _tb("table-row-group")):
            continue
        if _owner(row) is not table:
            continue  # a row of a table nested in a cell
        cells: list[Cell | None] = []
        for cell in row:
            if cell.tag == _tb("table-cell"):
                text = "\n".join(_text(p).strip() for p in cell if p.tag in (_t("p"), _t("h")))
                for _ in range(_repeat(cell, "number-columns-repeated")):
                    cells.append(Cell(text=text, row=len(rows), col=len(cells),
                                      rowspan=int(cell.get(_tb("number-rows-spanned"), "1")),
                                      colspan=int(cell.get(_tb("number-columns-spanned"), "1"))))
            elif cell.tag == _tb("covered-table-cell"):
                cells.extend([None] * _repeat(cell, "number-columns-repeated"))
        rows.extend(list(cells) for _ in range(_repeat(row, "number-rows-repeated")))
    declared = sum(_repeat(column, "number-columns-repeated") for column in table.iter(_tb("table-column"))
                   if _owner(column) is table)
    width = declared or max((len(row) for row in rows), default=0)
    rows = [row[:width] for row in rows]  # a repeated padding cell past the declared columns
    return Table(rows=tuple(tuple(row + [None] * (width - len(row))) for row in rows))


def _owner(row: etree._Element) -> etree._Element | None:
    """The table:table a row belongs to."""
    parent = row.getparent()
    while parent is not None and parent.tag != _tb("table"):
        parent = parent.getparent()
    return parent
