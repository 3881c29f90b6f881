"""A tiny PDF writer for tests: text (Latin or Chinese), ruled lines, filled rectangles and ruled tables.

Just enough PDF to build the layouts the reader must handle (merged cells, a table
continued on the next page, shaded text lines, page numbers) without a PDF
library. Chinese text uses the standard ``STSong-Light`` CID font with the
``UniGB-UCS2-H`` encoding, which every PDF consumer (pdfminer included) knows
without an embedded font. Coordinates are in points from the page's top-left
corner, as pdfplumber reports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

A4 = (595.0, 842.0)


@dataclass
class PdfPage:
    """One page being drawn: its content-stream operators."""

    width: float = A4[0]
    height: float = A4[1]
    ops: list[str] = field(default_factory=list)

    def text(self, x: float, top: float, text: str, size: float = 12.0) -> PdfPage:
        """Draw ``text`` with its top at ``top`` (baseline about 0.88 of the size below)."""
        y = self.height - top - size * 0.88
        if text.isascii():
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            self.ops.append(f"BT /F1 {size:g} Tf {x:g} {y:g} Td ({escaped}) Tj ET")
        else:
            hexed = "".join(f"{ord(ch):04X}" for ch in text)
            self.ops.append(f"BT /F2 {size:g} Tf {x:g} {y:g} Td <{hexed}> Tj ET")
        return self

    def line(self, x0: float, top0: float, x1: float, top1: float, width: float = 0.75) -> PdfPage:
        """A stroked black line."""
        self.ops.append(f"{width:g} w 0 0 0 RG {x0:g} {self.height - top0:g} m {x1:g} {self.height - top1:g} l S")
        return self

    def fill(self, x: float, top: float, w: float, h: float, rgb: tuple[float, float, float]) -> PdfPage:
        """A filled rectangle without a border (shading)."""
        r, g, b = rgb
        self.ops.append(f"{r:g} {g:g} {b:g} rg {x:g} {self.height - top - h:g} {w:g} {h:g} re f 0 0 0 rg")
        return self

    def table(
        self,
        x: float,
        top: float,
        widths: Sequence[float],
        heights: Sequence[float],
        cells: dict[tuple[int, int], str | tuple[str, int, int]],
        size: float = 10.0,
    ) -> PdfPage:
        """A ruled table; ``cells[(row, col)]`` is a text or ``(text, rowspan, colspan)``.

        Every cell gets its own border, so a merged cell is one big box and the
        slots it covers have none inside it.
        """
        xs = [x]
        for w in widths:
            xs.append(xs[-1] + w)
        ys = [top]
        for h in heights:
            ys.append(ys[-1] + h)
        for (r, c), spec in cells.items():
            text, rowspan, colspan = (spec, 1, 1) if isinstance(spec, str) else spec
            x0, x1, y0, y1 = xs[c], xs[c + colspan], ys[r], ys[r + rowspan]
            self.line(x0, y0, x1, y0).line(x0, y1, x1, y1).line(x0, y0, x0, y1).line(x1, y0, x1, y1)
            for n, part in enumerate(text.split("\n")):
                if part:
                    self.text(x0 + 3, y0 + 3 + n * (size + 2), part, size)
        return self


@dataclass
class PdfBuilder:
    """Pages, then ``bytes(builder)`` for the PDF file."""

    pages: list[PdfPage] = field(default_factory=list)

    def page(self) -> PdfPage:
        page = PdfPage()
        self.pages.append(page)
        return page

    def __bytes__(self) -> bytes:
        objects: list[bytes] = []

        def add(body: str | bytes) -> int:
            objects.append(body.encode("latin-1") if isinstance(body, str) else body)
            return len(objects)

        catalog = add("")  # filled in below
        pages = add("")
        helvetica = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        cid = add(
            "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
            "/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
            "/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
            "/CapHeight 880 /StemV 93 >> /DW 1000 >>"
        )
        song = add(
            f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
            f"/DescendantFonts [{cid} 0 R] >>"
        )
        kids = []
        for page in self.pages:
            stream = "\n".join(page.ops).encode("latin-1")
            content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
            kids.append(
                add(
                    f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {page.width:g} {page.height:g}] "
                    f"/Resources << /Font << /F1 {helvetica} 0 R /F2 {song} 0 R >> >> "
                    f"/Contents {content} 0 R >>"
                )
            )
        objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages} 0 R >>".encode()
        objects[pages - 1] = (
            f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
        ).encode()
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
        return bytes(out)
