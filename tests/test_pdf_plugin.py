"""PDF as a built-in optional extra: registered like the other readers, a scan refused, the extra named when absent."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

import nianbao
from nianbao.host import DEFAULT_PLUGINS, build_host
from nianbao.plugins.pdf import INSTALL_HINT, SCANNED

from .conftest import PEER

pdfplumber = pytest.importorskip("pdfplumber", reason="the pdf extra is not installed: pip install -e '.[pdf]'")
REPORT = PEER / "govnianbao" / "szfgs2024.pdf"
#: Run the CLI with pdfplumber made unimportable, as in an install without the ``pdf`` extra.
WITHOUT_EXTRA = "import sys; sys.modules['pdfplumber'] = None; from nianbao.cli import main; main()"


def scanned_pdf(pages: int = 2) -> bytes:
    """The real report's first pages rendered to images and wrapped in a PDF: a scan, no text layer."""
    with pdfplumber.open(REPORT) as pdf:
        images = [pdf.pages[i].to_image(resolution=60).original.convert("RGB") for i in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:])
    return out.getvalue()


def test_the_pdf_reader_is_a_built_in_registered_like_the_others():
    assert "nianbao.plugins.pdf" in DEFAULT_PLUGINS
    host = build_host(entry_points=False)
    assert host.owner("reader", "pdf") == "nianbao.plugins.pdf"
    assert host.info("nianbao.plugins.pdf").package == "nianbao"
    assert host.readers[0].name == "pdf"  # magic bytes outrank every other format


def test_nianbao_plugins_lists_it():
    result = subprocess.run([sys.executable, "-m", "nianbao", "plugins", "--hook", "register_readers"],
                            capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "reader pdf  priority 70: .pdf application/pdf" in result.stdout.decode()


def test_a_scanned_pdf_is_a_read_dead_letter_saying_to_ocr_it():
    data = scanned_pdf()
    with pdfplumber.open(io.BytesIO(data)) as pdf:  # the test's scan really is images without text
        assert len(pdf.pages) == 2 and pdf.pages[0].images and not pdf.pages[0].chars
    outcome = nianbao.process_bytes(data, "scan.pdf")
    assert outcome.record is None
    error = outcome.dead_letter["error"]
    assert error["stage"] == "read"
    assert error["message"].startswith(SCANNED) and "2 page(s)" in error["message"]


def test_nianbao_parse_reads_the_real_report():
    result = subprocess.run([sys.executable, "-m", "nianbao", "parse", str(REPORT)], capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["source"]["reader"] == "pdf"
    assert record["applications"]["total_handled"]["total"] == 3050
    assert record["review_litigation"]["review"]["total"] == 351


def test_without_the_extra_a_pdf_is_a_dead_letter_naming_the_extra(tmp_path):
    txt = tmp_path / "report.txt"
    txt.write_bytes((PEER.parent.parent.parent / "samples" / "004_2dfc536c7b58f7e3.txt").read_bytes())
    result = subprocess.run([sys.executable, "-c", WITHOUT_EXTRA, "parse", str(REPORT), str(txt)],
                            capture_output=True, timeout=300)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert f"szfgs2024.pdf: [read] {INSTALL_HINT}" in err
    assert "pip install 'nianbao[pdf]'" in err
    assert json.loads(result.stdout)["source"]["reader"] == "text"  # the other files still run
