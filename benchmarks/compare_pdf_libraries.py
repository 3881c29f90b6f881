"""Compare pdfplumber and pypdfium2 on a real report: speed, and what each gives the table fitter.

Run from the repository root: ``python benchmarks/compare_pdf_libraries.py [PDF]``.
pypdfium2 is installed with pdfplumber (which uses it to render pages), so both are at hand.

Prints, per variant, the best of five wall times and how many of section 三's numbers
the record has (the bundled report, on the 2021 template, prints 175: 25 rows x 7 columns).
The two text variants go through nianbao's plain-text reader and table fitter.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2

import nianbao
from nianbao.host import build_host
from nianbao.plugins.pdf import PdfReader
from nianbao.source import SourceInfo

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "peer" / "govnianbao" / "szfgs2024.pdf"


def best_of(fn: Callable[[], object], runs: int = 5) -> float:
    """Best wall time of ``runs`` calls, after one warm-up."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(path: Path) -> None:
    """Time the variants and count the section 三 values each yields."""
    data = path.read_bytes()
    host = build_host(entry_points=False)

    def pdfium_text() -> str:
        pdf = pypdfium2.PdfDocument(data)
        try:
            return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        finally:
            pdf.close()

    def plumber_text() -> str:
        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() for page in pdf.pages)

    def plumber_reader() -> nianbao.Document:
        return PdfReader().read(data, SourceInfo.from_uri(str(path)))

    def values(record: dict) -> int:
        return sum(v is not None for row in record["applications"].values() for v in row.values())

    pages = len(pdfplumber.open(path).pages)
    print(f"{path.name}: {pages} pages, {len(data)} bytes")
    for label, fn in (("pypdfium2 text", pdfium_text), ("pdfplumber text", plumber_text)):
        seconds = best_of(fn)
        text = fn().encode("utf-8")
        record = nianbao.parse_bytes(text, "x.txt", host=host)  # the text reader and the fitter
        print(f"{label:34s} {seconds:6.3f} s  {seconds / pages * 1000:5.0f} ms/page  "
              f"section 三 numbers read: {values(record):3d}")
    seconds = best_of(plumber_reader)
    record = nianbao.parse_bytes(data, str(path), host=build_host(entry_points=False))
    print(f"{'nianbao pdf reader (pdfplumber tables)':34s} {seconds:6.3f} s  {seconds / pages * 1000:5.0f} ms/page  "
          f"section 三 numbers read: {values(record):3d}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
