"""The ODT reader: hand-made .odt files (spans, repeats, limits), generated reports converted by LibreOffice
and scored against their truths, and the package as users get it (entry point, CLI, dead letter without it)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

import nianbao
from nianbao.document import Cell, Paragraph, Table
from nianbao.errors import ReadError, ZipLimitError
from nianbao.source import SourceInfo
from nianbao.synth.corpus import render_one
from nianbao.synth.score import compare
from nianbao.zipguard import ZipLimits
from nianbao_odt import OdtReader, __version__

ODT = SourceInfo.from_uri("report.odt")
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')


def odt(body: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    """An .odt as LibreOffice lays it out: the mimetype first and stored, then content.xml."""
    content = f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:body><office:text>' \
              f"{body}</office:text></office:body></office:document-content>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def cell(text: str, row: int, col: int, *, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text=text, row=row, col=col, rowspan=rowspan, colspan=colspan)


def test_paragraphs_headings_lists_and_spaces():
    data = odt('<text:h>一、总体情况</text:h><text:p>本年<text:span>共</text:span>公开<text:s text:c="2"/>信息'
               '</text:p><text:list><text:list-item><text:p>（一）主动公开</text:p></text:list-item></text:list>'
               "<text:p/>")
    blocks = OdtReader().read(data, ODT).blocks
    assert [b.text for b in blocks] == ["一、总体情况", "本年共公开  信息", "（一）主动公开"]
    assert all(isinstance(b, Paragraph) for b in blocks)


def test_merged_cells_are_spans_with_none_in_the_covered_slots_and_padding_is_cut():
    data = odt('<table:table><table:table-column table:number-columns-repeated="3"/>'
               '<table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>信息内容</text:p>'
               "</table:table-cell><table:covered-table-cell/><table:table-cell><text:p>数量</text:p>"
               '</table:table-cell><table:table-cell table:number-columns-repeated="1021"/></table:table-row>'
               '<table:table-row><table:table-cell table:number-rows-spanned="2"><text:p>规章</text:p>'
               '</table:table-cell><table:table-cell table:number-columns-repeated="2"><text:p>0</text:p>'
               "</table:table-cell></table:table-row>"
               "<table:table-row><table:covered-table-cell/><table:table-cell><text:p>1</text:p>"
               "</table:table-cell><table:table-cell/></table:table-row></table:table>")
    [table] = OdtReader().read(data, ODT).blocks
    assert isinstance(table, Table)
    assert table.rows == (
        (cell("信息内容", 0, 0, colspan=2), None, cell("数量", 0, 2)),
        (cell("规章", 1, 0, rowspan=2), cell("0", 1, 1), cell("0", 1, 2)),
        (None, cell("1", 2, 1), cell("", 2, 2)),
    )


def test_accepts_by_extension_mime_type_or_the_odf_mimetype_entry():
    data = odt("<text:p>x</text:p>")
    reader = OdtReader()
    assert reader.accepts(data[:1024], SourceInfo.from_uri("download"))
    assert reader.accepts(b"", SourceInfo.from_uri("a.odt"))
    assert not reader.accepts(b"PK\x03\x04word/", SourceInfo.from_uri("a.docx"))


def test_a_zip_bomb_content_xml_is_refused_by_nianbaos_zip_limits():
    data = odt("<text:p>" + "0" * 2_000_000 + "</text:p>")
    with pytest.raises(ZipLimitError, match=r"content.xml would inflate .* as a zip bomb does.*OdtReader"):
        OdtReader().read(data, ODT)
    assert OdtReader(limits=ZipLimits(max_inflate_ratio=10_000)).read(data, ODT).blocks


def test_not_an_odt_is_a_read_error():
    with pytest.raises(ReadError, match="not a readable zip"):
        OdtReader().read(b"<html></html>", ODT)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ReadError, match=r"no content\.xml"):
        OdtReader().read(out.getvalue(), ODT)


needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed "
                                   "(apt-get install libreoffice-writer-nogui) to make .odt files of the reports")


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> list[tuple[Path, dict]]:
    """Generated DOCX reports with their truths, converted to .odt by LibreOffice."""
    folder = tmp_path_factory.mktemp("odt")
    reports = [render_one(11, index, "docx") for index in range(3)]
    for report in reports:
        (folder / report.name).write_bytes(report.data)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation={Path(profile).as_uri()}", "--convert-to",
                        "odt", "--outdir", str(folder), *(str(folder / r.name) for r in reports)],
                       check=True, capture_output=True, timeout=600)
    return [(folder / Path(r.name).with_suffix(".odt").name, r.truth) for r in reports]


@needs_soffice
def test_reports_converted_to_odt_read_every_value_right(converted, host):
    for path, truth in converted:
        record = nianbao.parse_file(path, host=host)
        assert record["source"]["reader"] == "odt"
        wrong = [(where, expected, actual) for _kind, where, expected, actual, ok in compare(truth, record)
                 if not ok and _kind != "sections"]
        assert wrong == [], path.name


def nianbao_cli(*args: str, plugins: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NIANBAO_LOAD_PLUGINS": plugins}
    return subprocess.run([sys.executable, "-m", "nianbao", *args], capture_output=True, env=env, timeout=300)


def test_the_host_lists_the_plugin_its_package_and_what_it_registers(host):
    info = host.info("odt")
    assert (info.package, info.version, info.error) == ("nianbao-odt", __version__, None)
    assert info.registers == ("reader odt",)
    result = nianbao_cli("plugins", "--hook", "register_readers", plugins="odt")
    assert f"odt  (nianbao-odt {__version__})" in result.stdout.decode()


def test_nianbao_parse_with_and_without_the_plugin(tmp_path):
    path = tmp_path / "report.odt"
    path.write_bytes(odt("<text:h>某局2024年政府信息公开工作年度报告</text:h><text:p>一、总体情况</text:p>"))
    result = nianbao_cli("parse", str(path), plugins="odt")
    assert json.loads(result.stdout)["source"]["reader"] == "odt"
    result = nianbao_cli("parse", str(path), plugins="")
    assert result.returncode == 1
    assert "[detect] no reader accepts the file (extension .odt" in result.stderr.decode()
