"""Hostile and not-a-report inputs, built here, each giving the right dead letter or record-with-issue, quickly.

The policy (docs/robustness.md): bytes no reader can read are a dead letter
(stage ``detect`` when no reader accepts them, ``read`` when the one that
accepted cannot read them, or a limit refuses them); a document that *was*
read but holds no report (a news page, an empty DOCX, tables without section
headings) is a record with the error issue ``report.no_sections``. Every case
also checks the contract: exactly one outcome, the dead letter's stage, type
and message, the file named, and (with ``no_network``) no connection attempted.
"""

from __future__ import annotations

import io
import re
import socket
import threading
import time
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jsonschema
import pytest

from nianbao.budget import check_deadline, document_budget
from nianbao.decode import decode_text
from nianbao.errors import TimeBudgetError
from nianbao.host import build_host
from nianbao.limits import Limits
from nianbao.parse import process_bytes
from nianbao.readers import Reader
from nianbao.record import MAX_ISSUES_PER_CODE, dumps
from nianbao.schema import dead_letter_schema, load_schema

from .conftest import REAL, SAMPLES

#: Generous bound (CPU seconds) that catches a hang, not a benchmark.
QUICK = 10.0
SECRET = Path("/etc/passwd").read_text().split(":")[0] if Path("/etc/passwd").exists() else "root"
TSV_SAMPLE = SAMPLES / "001_33ad8f586fa9bf30.txt"
TEXT_SAMPLE = SAMPLES / "000_396b049f417bb130.txt"
HTML_SAMPLE = next(SAMPLES.glob("synth_*_html.html"))


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validators():
    return (jsonschema.Draft202012Validator(load_schema()), jsonschema.Draft202012Validator(dead_letter_schema()))


class Network:
    """What the ``no_network`` fixture saw: Python-level connection attempts and connections to its listener."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.attempts: list[object] = []
        self.accepted: list[object] = []


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test on any connection: Python sockets refused, and a local listener libxml2 could reach watched.

    The hostile files point their ``http://`` URLs at the listener's port, so a C-level fetch (libxml2 has
    its own resolver) would show up as an accepted connection even though it bypasses Python's sockets.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.05)
    network = Network(listener.getsockname()[1])
    stop = threading.Event()

    def refuse(self, address, *args, **kwargs):
        network.attempts.append(address)
        raise AssertionError(f"network access attempted: {address}")

    def watch() -> None:
        while not stop.is_set():
            try:
                connection, peer = listener.accept()
            except OSError:
                continue
            network.accepted.append(peer)
            connection.close()

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    yield network
    stop.set()
    watcher.join()
    listener.close()
    assert not network.attempts, f"Python-level connection attempts: {network.attempts}"
    assert not network.accepted, f"something connected to the local listener: {network.accepted}"


def test_the_no_network_fixture_notices_a_connection(no_network):
    import urllib.request

    with pytest.raises(Exception, match="network access attempted"):
        urllib.request.urlopen(f"http://127.0.0.1:{no_network.port}/", timeout=1)
    assert no_network.attempts
    no_network.attempts.clear()


def outcome_of(data: bytes, uri: str, validators, **kwargs):
    """``process_bytes`` timed and checked against the contract; returns the outcome.

    Time is this thread's CPU time, as the budget counts it: a loaded test machine does not fail the bound.
    """
    started = time.thread_time()
    outcome = process_bytes(data, uri, **kwargs)
    elapsed = time.thread_time() - started
    assert elapsed < QUICK, f"{uri} took {elapsed:.1f} s of CPU"
    assert (outcome.record is None) != (outcome.dead_letter is None)
    record_valid, dead_valid = validators
    if outcome.dead_letter is not None:
        dead_valid.validate(outcome.dead_letter)
        assert outcome.dead_letter["source"]["uri"] == uri
        assert uri in str(outcome.exception)  # the exception, as logged or raised by parse_bytes, names the file
    else:
        record_valid.validate(outcome.record)
        dumps(outcome.record)
        assert not [i for i in outcome.record["issues"] if i["code"] == "extractor.failed"]
    return outcome


def dead(data: bytes, uri: str, validators, **kwargs) -> dict[str, str]:
    outcome = outcome_of(data, uri, validators, **kwargs)
    assert outcome.dead_letter is not None, f"{uri}: expected a dead letter, got a record"
    return outcome.dead_letter["error"]


def record(data: bytes, uri: str, validators, **kwargs) -> dict:
    outcome = outcome_of(data, uri, validators, **kwargs)
    assert outcome.record is not None, f"{uri}: expected a record, got {outcome.dead_letter}"
    return outcome.record


def codes(rec: dict) -> set[str]:
    return {issue["code"] for issue in rec["issues"]}


def docx_with(document_xml: bytes, *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal .docx around a given ``word/document.xml``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
                         '.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", document_xml)
    return out.getvalue()


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def word_xml(body: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<w:document {W_NS}><w:body>{body}</w:body>'
            "</w:document>").encode()


def paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


# --------------------------------------------------------------------------
# Nothing to read: detect-stage dead letters
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "uri", "kind"), [
    (b"", "empty.txt", "EmptyDocumentError"),
    (b"", "empty", "EmptyDocumentError"),
    (b" \n\t\r\n  \x0c", "blank.html", "EmptyDocumentError"),
    (bytes(range(256)) * 64, "junk", "DetectError"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(2000), "scan.png", "DetectError"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(2000), "scan", "DetectError"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(3000), "photo.jpg", "DetectError"),
])
def test_unreadable_bytes_are_detect_dead_letters(data, uri, kind, validators, no_network):
    error = dead(data, uri, validators)
    assert (error["stage"], error["type"]) == ("detect", kind)
    assert error["message"]


# --------------------------------------------------------------------------
# Accepted but unreadable: read-stage dead letters
# --------------------------------------------------------------------------


def test_a_pdf_with_no_document_catalogue_is_a_read_dead_letter(validators):
    pytest.importorskip("pdfplumber", reason="the pdf extra is not installed")
    error = dead(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + bytes(500), "report.pdf", validators)
    assert (error["stage"], error["type"]) == ("read", "PdfReadError")
    assert error["message"].startswith("cannot read the PDF: ")


def test_binary_under_a_text_name_is_a_read_dead_letter(validators):
    error = dead(bytes(range(256)) * 64, "report.txt", validators)
    assert (error["stage"], error["type"]) == ("read", "DecodeError")
    png = dead(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "report.txt", validators)
    assert png["type"] == "DecodeError"


def test_an_image_under_a_docx_name_is_not_a_zip(validators):
    error = dead(b"\x89PNG\r\n\x1a\n" + bytes(4000), "report.docx", validators)
    assert (error["stage"], error["type"]) == ("read", "ReadError")
    assert "not a zip archive" in error["message"]


def test_truncated_zip(validators):
    whole = (SAMPLES / "synth_00001_docx.docx").read_bytes()
    error = dead(whole[: len(whole) // 2], "cut.docx", validators)
    assert (error["stage"], error["type"]) == ("read", "ReadError")
    assert "truncated" in error["message"]


def _bomb(size: int) -> bytes:
    """A .docx whose ``word/document.xml`` inflates to ``size`` bytes of spaces (a few hundred KB zipped)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as handle:
            chunk = b" " * (1 << 20)
            for _ in range(size >> 20):
                handle.write(chunk)
    return out.getvalue()


def test_zip_bomb_docx_is_refused_before_inflating(validators, no_network):
    bomb = _bomb(128 << 20)  # 128 MiB of spaces in a few hundred kilobytes
    assert len(bomb) < 1 << 20
    started = time.thread_time()
    error = dead(bomb, "bomb.docx", validators)
    assert time.thread_time() - started < 2
    assert (error["stage"], error["type"]) == ("read", "ZipLimitError")
    assert "word/document.xml" in error["message"] and "limit" in error["message"]
    assert "raise" in error["message"]  # says how to raise the limit


def test_zip_bomb_with_a_forged_size_header_is_stopped_while_inflating(validators):
    bomb = bytearray(_bomb(64 << 20))
    # claim a tiny uncompressed size in the central directory and the local header (a lying header)
    central = bomb.rfind(b"PK\x01\x02")
    local = bomb.find(b"PK\x03\x04")
    for offset in (central + 24, local + 22):
        if bomb[offset:offset + 4] != b"\xff\xff\xff\xff":
            bomb[offset:offset + 4] = (1000).to_bytes(4, "little")
    error = dead(bytes(bomb), "forged.docx", validators)
    assert error["stage"] == "read" and error["type"] in ("ZipLimitError", "ReadError")


def test_zip_with_too_many_entries(validators):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", word_xml(paragraph("一、总体情况")))
        for index in range(20_000):
            archive.writestr(f"customXml/item{index}.xml", b"")
    error = dead(out.getvalue(), "many.docx", validators)
    assert (error["stage"], error["type"]) == ("read", "ZipLimitError")
    assert "entries" in error["message"]


def test_billion_laughs_docx_is_refused(validators, no_network):
    entities = '<!ENTITY a "AAAAAAAAAA">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9))
    xml = word_xml(paragraph("一、总体情况") + paragraph("x&j;y"), f"<!DOCTYPE w:document [{entities}]>\n")
    error = dead(docx_with(xml), "laughs.docx", validators)
    assert (error["stage"], error["type"]) == ("read", "MarkupError")
    assert "amplification" in error["message"]


def test_billion_laughs_html_is_not_expanded(validators, no_network):
    entities = '<!ENTITY a "AAAAAAAAAA">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9))
    page = f"<!DOCTYPE html [{entities}]><html><body><p>一、总体情况</p><p>x&j;y</p></body></html>".encode()
    rec = record(page, "laughs.html", validators)
    assert len(dumps(rec)) < 10_000 and "AAAAAAAAAA" not in dumps(rec).decode()


@pytest.mark.parametrize("kind", ["file", "http"])
def test_xxe_docx_resolves_nothing_and_says_so(kind, validators, no_network):
    target = "file:///etc/passwd" if kind == "file" else f"http://127.0.0.1:{no_network.port}/secret.xml"
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{target}">]>\n'
    xml = word_xml(paragraph("一、总体情况") + paragraph("before&xxe;after"), doctype)
    rec = record(docx_with(xml), "xxe.docx", validators)
    text = dumps(rec).decode()
    assert f"{SECRET}:x:" not in text and "/bin/" not in text
    assert "docx.dtd" in codes(rec)  # the record says the file declared a DTD and nothing was resolved


def test_xxe_docx_with_an_external_dtd_fetches_nothing(validators, no_network):
    doctype = f'<!DOCTYPE w:document SYSTEM "http://127.0.0.1:{no_network.port}/evil.dtd">\n'
    outcome = outcome_of(docx_with(word_xml(paragraph("一、总体情况"), doctype)), "dtd.docx", validators)
    assert outcome.record is not None or outcome.dead_letter["error"]["stage"] == "read"


@pytest.mark.parametrize("kind", ["file", "http"])
def test_xxe_html_resolves_nothing(kind, validators, no_network):
    target = "file:///etc/passwd" if kind == "file" else f"http://127.0.0.1:{no_network.port}/secret"
    page = (f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "{target}">]>'
            f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{no_network.port}/x.css"></head><body>'
            f'<p>一、总体情况</p><p>before&xxe;after</p><img src="{target}"><iframe src="{target}"></iframe>'
            "</body></html>").encode()
    rec = record(page, "xxe.html", validators)
    assert f"{SECRET}:x:" not in dumps(rec).decode()


def test_deeply_nested_html_is_a_clear_markup_error(validators):
    page = b"<html><body>" + b"<div>" * 100_000 + "一、总体情况".encode() + b"</div>" * 100_000 + b"</body></html>"
    error = dead(page, "deep.html", validators)
    assert (error["stage"], error["type"]) == ("read", "MarkupError")
    assert "nesting" in error["message"] or "depth" in error["message"]


def test_deeply_nested_docx_is_a_clear_markup_error(validators):
    xml = word_xml("<w:sdt><w:sdtContent>" * 5000 + paragraph("一、总体情况") + "</w:sdtContent></w:sdt>" * 5000)
    error = dead(docx_with(xml, compression=zipfile.ZIP_STORED), "deep.docx", validators)  # stored: no ratio limit
    assert (error["stage"], error["type"]) == ("read", "MarkupError")
    assert "depth" in error["message"]


def test_a_20_mb_single_line_is_refused_by_the_line_limit(validators):
    line = "一、总体情况 二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况 予以公开 1 2 3 ".encode()
    data = line * (20_000_000 // len(line) + 1)  # whole characters: a cut one would be a DecodeError
    error = dead(data, "one-line.txt", validators)
    assert (error["stage"], error["type"]) == ("read", "DocumentLimitError")
    assert "max_text_chars" in error["message"] and "NIANBAO_MAX_TEXT_CHARS" in error["message"]


def test_a_20_mb_single_line_html_is_refused(validators):
    page = b"<html><body><p>" + "字".encode() * 7_000_000 + b"</p></body></html>"
    error = dead(page, "one-line.html", validators)
    assert error["stage"] == "read" and error["type"] in ("MarkupError", "DocumentLimitError")


def test_a_zip_of_an_unknown_version_is_a_read_error(validators):
    """Found by fuzzing: one flipped byte in the central directory made zipfile raise NotImplementedError."""
    data = bytearray((SAMPLES / "synth_00001_docx.docx").read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 6] = 201  # "version needed to extract": 20.1
    error = dead(bytes(data), "version.docx", validators)
    assert (error["stage"], error["type"]) == ("read", "ReadError")
    assert "zip file version" in error["message"] and "bug" not in error["message"]


def test_a_page_of_millions_of_tags_is_refused_before_parsing(validators):
    row = "<tr>" + "<td>1</td>" * 7 + "</tr>"
    page = f"<html><body><p>三、收到和处理政府信息公开申请情况</p><table>{row * 40_000}</table></body></html>".encode()
    error = dead(page, "cells.html", validators)
    assert (error["stage"], error["type"]) == ("read", "DocumentLimitError")
    assert "max_elements" in error["message"] and "NIANBAO_MAX_ELEMENTS" in error["message"]


def test_a_docx_of_millions_of_elements_is_refused_before_parsing(validators):
    xml = word_xml("<w:p><w:r><w:t>1</w:t></w:r></w:p>" * 150_000)
    error = dead(docx_with(xml, compression=zipfile.ZIP_STORED), "cells.docx", validators)
    assert (error["stage"], error["type"]) == ("read", "DocumentLimitError")
    assert "word/document.xml has" in error["message"]


def test_millions_of_short_lines_are_refused_before_splitting(validators):
    error = dead(b"0\n" * 3_000_000, "lines.txt", validators)
    assert (error["stage"], error["type"]) == ("read", "DocumentLimitError")
    assert "max_blocks" in error["message"]


def test_input_over_the_size_limit_is_refused_unread(validators):
    data = b"x" * (50 * 1024 * 1024 + 1)
    error = dead(data, "huge.txt", validators)
    assert (error["stage"], error["type"]) == ("detect", "InputTooLargeError")
    assert "52,428,801 bytes" in error["message"] and "NIANBAO_MAX_INPUT_BYTES" in error["message"]
    small = dead(TEXT_SAMPLE.read_bytes(), "small.txt", validators, limits=Limits(max_input_bytes=100))
    assert small["type"] == "InputTooLargeError"


def test_limits_come_from_the_environment(monkeypatch, validators):
    monkeypatch.setenv("NIANBAO_MAX_INPUT_BYTES", "100")
    assert dead(TEXT_SAMPLE.read_bytes(), "env.txt", validators)["type"] == "InputTooLargeError"
    monkeypatch.setenv("NIANBAO_MAX_INPUT_BYTES", "0")  # 0 turns a limit off
    assert record(TEXT_SAMPLE.read_bytes(), "env.txt", validators)["applications"]
    monkeypatch.setenv("NIANBAO_TIME_BUDGET", "ten")
    with pytest.raises(ValueError, match="NIANBAO_TIME_BUDGET"):
        Limits.from_env()
    with pytest.raises(ValueError, match="max_blocks"):
        Limits(max_blocks=-1)


# --------------------------------------------------------------------------
# The time budget
# --------------------------------------------------------------------------


def test_time_budget_ends_a_document_with_a_dead_letter_naming_the_stage(validators):
    error = dead(TEXT_SAMPLE.read_bytes(), "slow.txt", validators, limits=Limits(time_budget=1e-9))
    assert error["type"] == "TimeBudgetError" and error["stage"] in ("read", "extract")
    assert error["message"].startswith("time budget of 1e-09 s exceeded in stage ")
    assert "NIANBAO_TIME_BUDGET" in error["message"]


def test_time_budget_works_in_worker_threads(validators):
    """No signal involved: a budget in a thread pool (as in a Beam worker) trips there, per document."""
    data = TSV_SAMPLE.read_bytes()
    with ThreadPoolExecutor(4) as pool:
        tight = list(pool.map(lambda i: process_bytes(data, f"t{i}.txt", limits=Limits(time_budget=1e-9)),
                              range(8)))
        loose = list(pool.map(lambda i: process_bytes(data, f"l{i}.txt"), range(8)))
    assert all(o.dead_letter["error"]["type"] == "TimeBudgetError" for o in tight)
    assert all(o.record is not None for o in loose)


def test_check_deadline_outside_a_document_does_nothing():
    check_deadline()
    with document_budget(Limits(time_budget=1e-9)):
        deadline = time.thread_time() + 0.01
        while time.thread_time() < deadline:
            pass
        with pytest.raises(TimeBudgetError, match="time budget"):
            check_deadline()
    check_deadline()  # the budget ended with its block


def test_check_deadline_trips_once_the_cpu_budget_is_spent():
    # the checks read the thread's CPU clock only once the budget has passed on the wall clock (a thread spends
    # no more CPU time than the wall time that passes): a budget spent in CPU time still trips
    with document_budget(Limits(time_budget=0.02)):
        check_deadline()
        deadline = time.thread_time() + 0.03
        while time.thread_time() < deadline:
            pass
        with pytest.raises(TimeBudgetError, match=r"time budget of 0\.02 s"):
            check_deadline()


def test_pathological_glued_rows_finish_in_time_with_an_issue(validators):
    """40-digit glued runs: millions of ways to split each; the splitter gives up and says so."""
    text = (REAL / "pingtan-2021.txt").read_text("utf-8")
    run = "1234567891" * 4
    for glued in ("予以公开270020130", "一、本年新收政府信息公开申请数量640020470"):
        assert glued in text
        text = text.replace(glued, glued.rstrip("0123456789") + run)
    rec = record(text.encode(), "glued.txt", validators)
    assert "glued.too_many_splits" in codes(rec)
    assert rec["applications"]["granted"]["total"] is None


# --------------------------------------------------------------------------
# Read, but not a report: records with report.no_sections
# --------------------------------------------------------------------------

NEWS_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>我区召开安全生产工作会议_政务动态</title></head>
<body><div class="nav">首页 | 政务公开 | 政务动态</div><div class="article"><h1>我区召开安全生产工作会议</h1>
<p>发布日期：2023-11-20 来源：区应急管理局</p>
<p>11月20日，区政府召开全区安全生产工作会议，部署今冬明春安全生产工作。</p>
<table><tr><td>检查企业</td><td>126</td></tr><tr><td>发现隐患</td><td>38</td></tr></table>
<p>会议要求，各部门要压紧压实责任，确保安全形势稳定。</p></div>
<div class="footer">版权所有 © 某某区人民政府</div></body></html>"""


def test_a_news_page_is_a_record_with_no_sections(validators):
    rec = record(NEWS_PAGE.encode(), "news.html", validators)
    assert "report.no_sections" in codes(rec)
    assert rec["applications"] == {} and rec["proactive"] == {}


def test_an_empty_docx_is_a_record_with_no_sections(validators):
    docx = pytest.importorskip("docx")
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    rec = record(buffer.getvalue(), "empty.docx", validators)
    assert rec["source"]["reader"] == "docx"
    assert "report.no_sections" in codes(rec)


def test_tables_without_section_headings_are_found_by_what_they_hold(validators):
    headings = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
    lines = [line for line in TSV_SAMPLE.read_text("utf-8").splitlines() if line.strip() not in headings]
    rec = record("\n".join(lines).encode(), "no-headings.txt", validators)
    whole = record(TSV_SAMPLE.read_bytes(), "001.txt", validators)
    assert rec["source"]["reader"] == "tsv"
    # the three tables are recognised by their row labels and column headers, and read as with headings
    for table in ("proactive", "applications", "review_litigation"):
        assert rec[table] == whole[table]
    found = {(i["code"], i["where"]) for i in rec["issues"]}
    assert {("section.found_by_content", t) for t in ("proactive", "applications", "review_litigation")} <= found
    assert rec["sections"]["overview"] is None  # prose without its heading is not guessed


def test_a_table_word_in_a_page_menu_opens_no_section(validators):
    page = "<html><body><ul><li>行政复议</li><li>结果维持</li></ul><p>关于开展安全检查的通知</p></body></html>"
    assert "report.no_sections" in codes(record(page.encode(), "menu.html", validators))


def test_a_plain_letter_is_a_record_with_no_sections(validators):
    letter = "关于召开2024年第一季度工作例会的通知\n\n各科室：\n经研究，定于4月2日召开例会。\n\n办公室\n2024年3月28日\n"
    rec = record(letter.encode(), "letter.txt", validators)
    assert "report.no_sections" in codes(rec)


# --------------------------------------------------------------------------
# Good reports in odd clothes: still read right
# --------------------------------------------------------------------------


def test_gbk_html_without_a_charset_is_read_right_with_a_guessed_encoding(validators):
    original = HTML_SAMPLE.read_bytes()
    utf8 = record(original, "page.html", validators)
    bare = re.sub(r"<meta[^>]*charset[^>]*>", "", decode_text(original).text, flags=re.I)
    bare = re.sub(r"<\?xml[^>]*\?>", "", bare)
    gbk = record(bare.encode("gbk", errors="replace"), "page-gbk.html", validators)
    assert "encoding.guessed" in codes(gbk)
    for key in ("title", "agency", "year", "applications", "proactive", "review_litigation"):
        assert gbk[key] == utf8[key], key


# --------------------------------------------------------------------------
# Crashes in plugins are traced, never lost
# --------------------------------------------------------------------------


class _CrashingReader(Reader):
    name = "crashing"
    format = "crash"
    priority = 1000
    extensions = frozenset({".crash"})

    def read(self, data, source):
        raise TypeError("'NoneType' object is not subscriptable")


class _CrashingAccepts(Reader):
    name = "crashing_accepts"
    format = "crash"
    priority = 1001

    def accepts(self, head, source):
        raise RuntimeError("accepts blew up")


def _host_with(*readers: Reader):
    import types

    from nianbao import hookimpl

    module = types.ModuleType("hostile_readers")

    def register_readers(register):
        for reader in readers:
            register(reader)

    module.register_readers = hookimpl(register_readers)
    return build_host(entry_points=False, extra=[module])


def test_a_crashing_reader_is_a_read_dead_letter_naming_it_and_the_bug(validators):
    host = _host_with(_CrashingReader())
    error = dead(b"anything", "x.crash", validators, host=host)
    assert (error["stage"], error["type"]) == ("read", "ReadError")
    assert "crashing: TypeError" in error["message"] and "a bug in the reader" in error["message"]


def test_a_crashing_accepts_does_not_stop_the_other_readers(validators):
    host = _host_with(_CrashingAccepts())
    rec = record(TSV_SAMPLE.read_bytes(), "report.txt", validators, host=host)
    assert rec["source"]["reader"] == "tsv"
    error = dead(b"\x89PNG" + bytes(100), "x.png", validators, host=host)
    assert error["type"] == "ReadError" and "crashing_accepts (accepts): RuntimeError" in error["message"]


# --------------------------------------------------------------------------
# Regressions found by fuzzing (fuzz/): each was a crash or a hang
# --------------------------------------------------------------------------


def test_huge_numbers_leave_a_writable_record(validators):
    text = TSV_SAMPLE.read_text("utf-8")
    for big in ("1" * 25, "1" * 400 + ".5", "1" * 5000, "9" * 17):
        rec = record(text.replace("规章\t0\t0\t0", f"规章\t{big}\t0\t0").encode(), "big.txt", validators)
        assert rec["proactive"]["regulations"]["new_made"] is None
        assert {"value.out_of_range", "row.too_few_values"} & codes(rec)


def test_a_glued_row_with_a_none_spelling_splits(validators):
    text = TEXT_SAMPLE.read_text("utf-8")
    glued = " ".join(line.strip() for line in text.splitlines()).replace("0 0 0", "0 无 0", 1)
    record(glued.encode(), "glued.txt", validators)


def test_a_proactive_row_without_values_or_header(validators):
    """An item of one template version only, with no values and no header, used to crash the extractor."""
    record("二、主动公开政府信息情况\n其他对外管理服务事项\n行政事业性收费\n".encode(), "bare.txt", validators)


def test_an_html_span_of_thousands_of_digits(validators):
    page = ("<html><body><p>三、收到和处理政府信息公开申请情况</p><table><tr>"
            f'<td rowspan="{"9" * 5000}">予以公开</td><td colspan="²">1</td><td>2</td></tr></table></body></html>')
    record(page.encode(), "span.html", validators)


def test_nested_brackets_in_a_table_label(validators):
    text = "三、收到和处理政府信息公开申请情况\n" + "（" * 30_000 + "予以公开" + "）" * 30_000 + "\n1\n"
    record(text.encode(), "brackets.txt", validators)


def test_thousands_of_repeated_rows_give_a_bounded_issue_list(validators):
    text = TSV_SAMPLE.read_text("utf-8")
    row = next(line for line in text.splitlines() if line.startswith("规章"))
    rec = record(text.replace(row, "\n".join([row] * 5000)).encode(), "repeated.txt", validators)
    per_code: dict[str, int] = {}
    for issue in rec["issues"]:
        per_code[issue["code"]] = per_code.get(issue["code"], 0) + 1
    assert max(per_code.values()) <= MAX_ISSUES_PER_CODE + 1
    assert any(issue["message"].startswith("… and ") for issue in rec["issues"])
    assert len(dumps(rec)) < 100_000


def test_fuzz_harness_smoke(tmp_path):
    """A few hundred fuzz cases per target (the full run is ``python -m fuzz.campaign``, see docs/robustness.md)."""
    run = pytest.importorskip("fuzz.run")
    for target in ("text", "html", "docx"):
        summary = run.run(target, 60, tmp_path, chunk=60, seed=99)
        assert summary["cases"] == 60
        assert summary["findings"] == {}, summary["finding_examples"]


def test_zlib_is_what_inflates(validators):
    """Sanity: the bomb helper really compresses (a broken helper would make the bomb tests vacuous)."""
    assert len(zlib.compress(b" " * (1 << 20))) < 2000


# --------------------------------------------------------------------------
# check_document and clamp_values: the quick passes refuse and null exactly what a text-by-text pass does
# --------------------------------------------------------------------------


def _limit_error(document, limits):
    from nianbao.errors import DocumentLimitError
    from nianbao.limits import check_document

    try:
        return check_document(document, limits)
    except DocumentLimitError as exc:
        return exc.message


@pytest.mark.parametrize("limits", [Limits(), Limits(max_text_chars=5), Limits(max_blocks=4),
                                    Limits(max_blocks=4, max_text_chars=5), Limits(max_blocks=0, max_text_chars=0)])
def test_check_document_names_the_first_block_over_a_limit(limits):
    from nianbao.document import Cell, Document, Paragraph, Table

    table = Table(rows=((Cell(text="ab"), None), (Cell(text="123456", row=1), Cell(text="x" * 9, row=1, col=1))))
    documents = [
        Document(blocks=(), format="text"),
        Document(blocks=(Paragraph(text="abc"), Paragraph(text="abcdefg"), Paragraph(text="ab")), format="text"),
        Document(blocks=(Paragraph(text="a"), table, Paragraph(text="b" * 8), table), format="html"),
        Document(blocks=(Paragraph(text="a"), Table(rows=((None,),)), Paragraph(text="abcd")), format="html"),
    ]
    for document in documents:  # the reference: every text in order, as check_document did before
        texts = [t for b in document.blocks for t in ([c.text for c in b.cells()] if isinstance(b, Table) else
                                                      [b.text])]
        expected = max(map(len, texts), default=0)
        for count, text in enumerate(texts, 1):
            if limits.max_text_chars and len(text) > limits.max_text_chars:
                expected = f"block {count:,} ("
                break
            if limits.max_blocks and count > limits.max_blocks:
                expected = "the document has more than"
                break
        got = _limit_error(document, limits)
        assert got == expected if isinstance(expected, int) else got.startswith(expected)


def test_clamp_values_nulls_exactly_the_values_out_of_range():
    from nianbao.record import MAX_VALUE, clamp_values

    class Row(dict):
        pass

    record = {
        "proactive": {"a": {"x": 1, "y": None, "z": 0}, "b": {"x": -MAX_VALUE, "y": MAX_VALUE},  # all fine
                      "c": {"x": 2.5, "y": float("nan"), "z": -float("inf"), "w": 1}},  # NaN in the middle
        "applications": {"a": {"x": 3, "y": MAX_VALUE + 1}, "b": {"x": True, "y": float("nan"), "z": 2.5},
                         "c": Row(x=-MAX_VALUE - 1), "d": None},
        "review_litigation": {"a": {"x": 10**30, "y": float("inf")}, "b": "not a row"},
    }
    issues = clamp_values(record)
    assert [i.where for i in issues] == ["proactive.c.y", "proactive.c.z",
                                         "applications.a.y", "applications.b.y", "applications.c.x",
                                         "review_litigation.a.x", "review_litigation.a.y"]
    assert record["proactive"] == {"a": {"x": 1, "y": None, "z": 0}, "b": {"x": -MAX_VALUE, "y": MAX_VALUE},
                                   "c": {"x": 2.5, "y": None, "z": None, "w": 1}}
    assert record["applications"]["a"] == {"x": 3, "y": None}
    assert record["applications"]["b"] == {"x": True, "y": None, "z": 2.5}
    assert record["review_litigation"]["a"] == {"x": None, "y": None}
    assert {i.code for i in issues} == {"value.out_of_range"}
