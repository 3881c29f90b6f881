"""Shared pieces of the two plain-text readers (cell-per-line and tab-separated)."""

from __future__ import annotations

import codecs
import re

from nianbao.decode import decode_text, utf16_without_bom
from nianbao.document import Document, counted
from nianbao.limits import check_line_count
from nianbao.readers import Reader
from nianbao.source import SourceInfo

#: Markers that text exports of Word files leave behind: ``[image: …]``, ``[bookmark: _GoBack]``.
EXPORT_NOISE = re.compile(r"\[(?:image|bookmark):[^\]\n]*\]")
TEXT_EXTENSIONS = frozenset({".txt", ".text", ".tsv", ".tab"})


def sniff_text(head: bytes) -> str | None:
    """The head decoded as text if it looks like text (no NUL, valid UTF-8 or GB18030; or UTF-16, with a byte-order
    mark or told by its NULs), else ``None``."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codecs_to_try: tuple[str, ...] = ("utf-16",)
    elif b"\x00" in head:
        wide = utf16_without_bom(head)
        if wide is None:
            return None
        codecs_to_try = (wide,)
    else:
        codecs_to_try = ("utf-8-sig", "gb18030")
    for codec in codecs_to_try:
        try:
            return codecs.getincrementaldecoder(codec)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
    return None


class TextReaderBase(Reader):
    """Decodes, normalises line ends and strips export noise; subclasses build the blocks."""

    extensions = TEXT_EXTENSIONS
    mimetypes = frozenset({"text/plain", "text/tab-separated-values"})

    def text(self, data: bytes, source: SourceInfo) -> tuple[str, tuple]:
        """The decoded text, line ends normalised and export noise left out, and the decoding's notes."""
        decoded = decode_text(data, source.charset)
        text = decoded.text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
        text = EXPORT_NOISE.sub("", text)
        check_line_count(text.count("\n") + 1)  # before a split that would make millions of strings
        return text, decoded.notes

    def lines(self, data: bytes, source: SourceInfo) -> tuple[list[str], tuple]:
        text, notes = self.text(data, source)
        return text.split("\n"), notes

    def document(self, blocks: list, notes: tuple, counts: tuple[int, int, int] | None = None) -> Document:
        """The Document of ``blocks``; with ``counts``, ``(tables, cells, longest line)`` as the reader counted
        them, its sizes for the limits (:func:`nianbao.document.counted`: they need not walk it again)."""
        document = Document(blocks=tuple(blocks), format=self.format, notes=notes)
        if counts is None:
            return document
        tables, cells, longest = counts
        return counted(document, len(blocks) - tables + cells, longest)
