"""Legacy Word (.doc, .wps): LibreOffice converts, the DOCX reader reads; scored against hand-read truths.

The files under tests/data/gathered/ and their truths: tests/data/SOURCES.md, "gathered/ (legacy Word)".
Tests that convert need LibreOffice (``.ci/run`` installs it); they are skipped, saying so, where it is absent.
"""

from __future__ import annotations

import json
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest

import nianbao
from nianbao.document import Table
from nianbao.parse import read_document
from nianbao.plugins.legacyword import INSTALL_HINT, LegacyWordError, LegacyWordReader, soffice
from nianbao.source import SourceInfo
from nianbao.synth.score import compare

from .conftest import DATA, SAMPLES

GATHERED = DATA / "gathered"
#: The gathered reports in legacy Word (the others are the harness tests/test_gathered.py's alone).
TRUTHS = sorted(p for p in GATHERED.glob("*.truth.json")
                if json.loads(p.read_text(encoding="utf-8"))["file"].endswith((".doc", ".wps")))
needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed "
                                   "(apt-get install libreoffice-writer-nogui; .ci/run installs it)")


def truth_of(path):
    return json.loads(path.read_text(encoding="utf-8"))


@needs_soffice
@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.removesuffix(".truth.json"))
def test_gathered_legacy_word_reports_read_every_value_right(truth_path, host):
    truth = truth_of(truth_path)
    path = GATHERED / truth["file"]
    outcome = nianbao.process_bytes(path.read_bytes(), str(path), host=host)
    assert outcome.record is not None, outcome.dead_letter
    assert outcome.record["source"]["reader"] == "doc"
    assert outcome.record["source"]["format"] == truth["format"] == path.suffix[1:]
    wrong = [(where, expected, actual) for _kind, where, expected, actual, ok in compare(truth, outcome.record)
             if not ok]
    assert wrong == []


@needs_soffice
def test_tables_come_through_as_tables_with_their_merged_cells(host):
    path = GATHERED / "shanghai-gov-office-2019.doc"
    document, reader = read_document(path.read_bytes(), SourceInfo.from_uri(str(path)), host)
    assert (reader, document.format) == ("doc", "doc")
    tables = [block for block in document.blocks if isinstance(block, Table)]
    assert len(tables) >= 3
    assert any(cell.rowspan > 1 or cell.colspan > 1 for table in tables for cell in table.cells())
    assert any(None in row for table in tables for row in table.rows)  # covered slots of merged cells


def test_without_libreoffice_a_doc_is_a_read_dead_letter_saying_what_to_install(monkeypatch):
    monkeypatch.setenv("NIANBAO_SOFFICE", "/nonexistent/soffice")
    data = (GATHERED / "shuyang-fgj-2023.doc").read_bytes()
    outcome = nianbao.process_bytes(data, "report.doc")
    error = outcome.dead_letter["error"]
    assert (error["stage"], error["type"], error["message"]) == ("read", "LegacyWordError", INSTALL_HINT)
    assert "apt-get install libreoffice-writer-nogui" in error["message"]


@pytest.mark.parametrize(("head", "uri", "accepted"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "download", True),  # OLE2 with no name: sniffed
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "report.wps", True),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "sheet.xls", False),  # another OLE2 format
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "locked.docx", False),  # a password-protected .docx: the DOCX reader's
    (b"<html>", "saved.doc", True),
    (b"hello", "a.txt", False),
])
def test_accepts(head, uri, accepted):
    assert LegacyWordReader().accepts(head, SourceInfo.from_uri(uri)) is accepted


def test_a_web_page_or_a_docx_under_a_doc_name_is_read_as_what_it_is(monkeypatch):
    monkeypatch.setenv("NIANBAO_SOFFICE", "/nonexistent/soffice")  # neither needs LibreOffice
    page = (DATA / "real" / "shuyang-fgj-2023.html").read_bytes()
    record = nianbao.parse_bytes(page, "report.doc")
    assert record["source"]["reader"] == "doc" and record["applications"]["new_received"]["total"] == 26
    docx = next(SAMPLES.glob("*.docx"))
    assert zipfile.is_zipfile(docx)
    record = nianbao.parse_bytes(docx.read_bytes(), "report.doc")
    assert record["source"]["format"] == "docx" and record["title"]


@needs_soffice
def test_a_damaged_doc_is_a_read_dead_letter_not_a_crash():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8
    outcome = nianbao.process_bytes(data, "broken.doc")
    error = outcome.dead_letter["error"]
    assert error["stage"] == "read" and error["type"] == "LegacyWordError"
    assert error["message"].startswith("LibreOffice could not convert the file")


@needs_soffice
def test_a_conversion_over_its_timeout_is_stopped():
    data = (GATHERED / "shuyang-fgj-2023.doc").read_bytes()
    with pytest.raises(LegacyWordError, match=r"took more than 0.01 s .*NIANBAO_SOFFICE_TIMEOUT"):
        LegacyWordReader(timeout=0.01).read(data, SourceInfo.from_uri("x.doc"))


@needs_soffice
def test_parallel_conversions_in_threads_do_not_collide():
    reader = LegacyWordReader()
    paths = [GATHERED / "shuyang-fgj-2023.doc", GATHERED / "shanghai-gov-office-2019.doc"] * 2

    def read(path):
        return len([b for b in reader.read(path.read_bytes(), SourceInfo.from_uri(str(path))).blocks
                    if isinstance(b, Table)])

    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(read, paths))
    assert counts[:2] == counts[2:] and all(counts)
