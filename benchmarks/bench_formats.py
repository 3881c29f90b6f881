"""The formats the generator does not write: Markdown, PDF, legacy Word (.doc/.wps) and zip archives.

Each group times nianbao's whole path (``process_bytes`` and ``record.dumps``)
on real files from ``tests/data`` against the format's floor, the least any
tool must do to see the report at all, and, where one is at hand, a peer:

- Markdown (OCR and PDF-to-text output): floor ``bytes.decode + splitlines``;
- PDF (the real 6-page 淮安 report): floor pypdfium2's text of every page (PDFium,
  C: text only, no positions or tables); peer pdfplumber's ``extract_text``;
- legacy Word (the gathered .doc and .wps files): floor LibreOffice's own plain
  text export (``--convert-to txt``: the least LibreOffice does with the file; one
  profile kept across calls, as the reader keeps one per thread);
  peer the pure-Python converter ``msdoc2docx`` then the DOCX reader (if installed).
  Timed in wall time, unlike the rest: the conversion runs in a child process;
- zip: the generated corpus in one archive, every member listed, read and
  parsed through ``nianbao.archive``; floor ``zipfile`` inflating every member.

After timing, every nianbao record is checked (against the truth where one exists).
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import orjson
import pytest

from nianbao.archive import list_members, read_member
from nianbao.decode import decode_text
from nianbao.parse import process_bytes
from nianbao.record import dumps
from nianbao.synth.score import compare

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
MARKDOWN = sorted((DATA / "peer" / "KIROGOVCOMPARE").iterdir())
PDF = DATA / "peer" / "govnianbao" / "szfgs2024.pdf"
GATHERED = DATA / "gathered"
LEGACY = sorted(p for p in GATHERED.iterdir() if p.suffix in {".doc", ".wps"})
SLOW = {"rounds": 3, "iterations": 1, "warmup_rounds": 1}


def _tag(benchmark, group: str, role: str, label: str, items: int, size: int, primary: bool = False) -> None:
    benchmark.group = f"report: {group}"
    benchmark.extra_info.update(role=role, label=label, unit="report", items=items, bytes=size, primary=primary)


def _nianbao(items: list[tuple[bytes, str]], host):
    return lambda: [dumps(process_bytes(data, uri, host=host).record) for data, uri in items]


@pytest.mark.parametrize("tool", ["nianbao", "floor"])
def bench_markdown(benchmark, host, tool):
    items = [(p.read_bytes(), str(p)) for p in MARKDOWN]
    if tool == "nianbao":
        function = _nianbao(items, host)
    else:
        codecs = [decode_text(data).encoding for data, _ in items]
        function = lambda: [data.decode(c).splitlines() for (data, _), c in zip(items, codecs, strict=True)]  # noqa: E731
    _tag(benchmark, "markdown", tool, "process_bytes + record.dumps" if tool == "nianbao"
         else "bytes.decode + splitlines", len(items), sum(len(d) for d, _ in items), tool == "nianbao")
    result = benchmark(function)
    if tool == "nianbao":
        assert all(orjson.loads(r)["source"]["reader"] == "markdown" for r in result)


@pytest.mark.parametrize("tool", ["nianbao", "floor", "pdfplumber"])
def bench_pdf(benchmark, host, tool):
    pdfplumber = pytest.importorskip("pdfplumber", reason="the pdf extra is not installed")
    data = PDF.read_bytes()
    if tool == "nianbao":
        function = _nianbao([(data, str(PDF))], host)
        label = "process_bytes + record.dumps"
    elif tool == "floor":
        import pypdfium2

        def function():
            document = pypdfium2.PdfDocument(data)
            return ["".join(page.get_textpage().get_text_range() for page in document)]
        label = "pypdfium2 text of every page"
    else:
        def function():
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                return ["\n".join(page.extract_text() or "" for page in pdf.pages)]
        label = "pdfplumber extract_text"
    _tag(benchmark, "pdf", {"nianbao": "nianbao", "floor": "floor"}.get(tool, "peer"), label, 1, len(data),
         tool == "nianbao")
    [result] = benchmark.pedantic(function, **SLOW)
    if tool == "nianbao":
        record = orjson.loads(result)
        assert record["applications"]["new_received"]["total"] == 3119
        assert all(check["ok"] for check in record["checks"])
    else:
        assert "政府信息公开" in result


def _soffice_txt(paths: list[Path], profile: Path):
    def function():
        texts = []
        with tempfile.TemporaryDirectory() as work:
            for path in paths:
                subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}",
                                "--convert-to", "txt:Text (encoded):UTF8", "--outdir", work, str(path)],
                               check=True, capture_output=True, timeout=300)
                texts.append(Path(work, path.stem + ".txt").read_text(encoding="utf-8"))
        return texts
    return function


def _msdoc2docx(paths: list[Path], host):
    doc2docx = pytest.importorskip("doc2docx", reason="the peer msdoc2docx is not installed (pip install msdoc2docx)")

    def function():
        out = []
        with tempfile.TemporaryDirectory() as work:
            for path in paths:
                target = Path(work, path.stem + ".docx")
                doc2docx.convert(path, target)
                out.append(dumps(process_bytes(target.read_bytes(), str(target), host=host).record))
        return out
    return function


@pytest.mark.benchmark(timer=time.perf_counter)  # LibreOffice runs in a child process: CPU time of ours misses it
@pytest.mark.parametrize("tool", ["nianbao", "floor", "msdoc2docx"])
def bench_legacy_word(benchmark, host, tool, tmp_path):
    from nianbao.plugins.legacyword import soffice

    if soffice() is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    if tool == "nianbao":
        function = _nianbao([(p.read_bytes(), str(p)) for p in LEGACY], host)
        label = "LibreOffice → DOCX reader: process_bytes + record.dumps"
    elif tool == "floor":
        function, label = _soffice_txt(LEGACY, tmp_path / "profile"), "LibreOffice --convert-to txt"
    else:
        function, label = _msdoc2docx(LEGACY, host), "msdoc2docx → DOCX reader"
    _tag(benchmark, "doc, wps", {"nianbao": "nianbao", "floor": "floor"}.get(tool, "peer"), label, len(LEGACY),
         sum(p.stat().st_size for p in LEGACY), tool == "nianbao")
    result = benchmark.pedantic(function, **SLOW)
    assert len(result) == len(LEGACY)
    if tool != "floor":
        for path, output in zip(LEGACY, result, strict=True):
            truth = orjson.loads((GATHERED / f"{path.stem}.truth.json").read_bytes())
            wrong = [c for c in compare(truth, orjson.loads(output)) if not c[4] and c[0] != "template"]
            assert not wrong, (tool, path.name, wrong[:3])


@pytest.mark.parametrize("tool", ["nianbao", "floor"])
def bench_zip(benchmark, corpus, host, tool, tmp_path):
    archive = tmp_path / "reports.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for report in corpus.reports:
            out.writestr(report.path.name, report.data)
    if tool == "nianbao":
        def function():
            return [dumps(process_bytes(read_member(uri), uri, host=host).record) for uri in list_members(str(archive))]
        label = "list_members + read_member + process_bytes + record.dumps"
    else:
        def function():
            with zipfile.ZipFile(archive) as opened:
                return [opened.read(info) for info in opened.infolist()]
        label = "zipfile read of every member"
    _tag(benchmark, "zip archive", tool, label, len(corpus.reports), archive.stat().st_size, tool == "nianbao")
    result = benchmark(function)
    assert len(result) == len(corpus.reports)
    if tool == "nianbao":
        by_name = {r.path.name: r for r in corpus.reports}
        for output in result:
            record = orjson.loads(output)
            truth = by_name[record["source"]["uri"].rsplit("!/", 1)[1]].truth
            assert not [c for c in compare(truth, record) if not c[4]]
