"""Whole reports, per format: nianbao's full extraction against the format's floor and against peers.

One call processes every report of a format in the corpus (six per format),
from bytes in memory:

- ``nianbao``: ``process_bytes`` (reader, every extractor, the checks) and the
  record as JSON bytes (``record.dumps``): all a user gets, with the plugin
  host built once beforehand, as a pipeline worker builds it once;
- ``floor``: the least a tool must do to see the report at all: decode the
  bytes and split the lines (text, tab table; the codec is handed over, not
  detected), ``lxml.html.fromstring`` (HTML), the zip read plus
  ``lxml.etree.fromstring`` of ``word/document.xml`` (DOCX);
- ``markitdown``: MarkItDown's own HTML and DOCX converters, called directly
  (no format detection, the charset handed over): conversion to Markdown only,
  nothing extracted, so this is MarkItDown at its fastest;
- ``pandas``: ``pandas.read_html`` (lxml flavour): the page's tables as data
  frames, nothing else.

After timing, every nianbao record is compared field by field with the
generator's truth, and each other tool's output is checked for substance.
"""

from __future__ import annotations

import io
import zipfile

import orjson
import pytest
from lxml import etree
from lxml import html as lxml_html

from nianbao.decode import decode_text, normalise_charset
from nianbao.parse import process_bytes
from nianbao.record import dumps
from nianbao.synth.score import compare

CASES = [
    ("text", "nianbao"), ("text", "floor"),
    ("tsv", "nianbao"), ("tsv", "floor"),
    ("html", "nianbao"), ("html", "floor"), ("html", "markitdown"), ("html", "pandas"),
    ("docx", "nianbao"), ("docx", "floor"), ("docx", "markitdown"),
]
LABELS = {
    ("text", "floor"): "bytes.decode + splitlines",
    ("tsv", "floor"): "bytes.decode + splitlines",
    ("html", "floor"): "lxml.html.fromstring",
    ("docx", "floor"): "zip read + lxml.etree.fromstring(document.xml)",
    ("html", "markitdown"): "MarkItDown HtmlConverter → Markdown",
    ("docx", "markitdown"): "MarkItDown DocxConverter → Markdown",
    ("html", "pandas"): "pandas.read_html (lxml)",
}


def _nianbao(reports, host):
    items = [(r.data, str(r.path)) for r in reports]
    return lambda: [dumps(process_bytes(data, uri, host=host).record) for data, uri in items]


def _text_floor(reports):
    items = [(r.data, decode_text(r.data).encoding) for r in reports]
    return lambda: [data.decode(codec).splitlines() for data, codec in items]


def _html_floor(reports):
    items = [r.data for r in reports]
    return lambda: [lxml_html.fromstring(data) for data in items]


def _docx_floor(reports):
    items = [r.data for r in reports]
    return lambda: [etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
                    for data in items]


def _charset(data: bytes) -> str:
    from nianbao.plugins.html import declared_charset

    return normalise_charset(declared_charset(data)) or "utf-8"


def _markitdown(reports, fmt):
    pytest.importorskip("markitdown", reason="peers need the bench extra: pip install -e '.[bench]'")
    from markitdown import StreamInfo
    from markitdown.converters import DocxConverter, HtmlConverter

    converter = HtmlConverter() if fmt == "html" else DocxConverter()
    ext = ".html" if fmt == "html" else ".docx"
    items = [(r.data, StreamInfo(extension=ext, charset=_charset(r.data) if fmt == "html" else None))
             for r in reports]
    return lambda: [converter.convert(io.BytesIO(data), info).markdown for data, info in items]


def _pandas(reports):
    pd = pytest.importorskip("pandas", reason="peers need the bench extra: pip install -e '.[bench]'")
    items = [(r.data, _charset(r.data)) for r in reports]
    return lambda: [pd.read_html(io.BytesIO(data), flavor="lxml", encoding=codec) for data, codec in items]


@pytest.mark.parametrize(("fmt", "tool"), CASES, ids=[f"{f}-{t}" for f, t in CASES])
def bench_report(benchmark, corpus, host, fmt, tool):
    """Process every report of ``fmt`` with ``tool``; assert the output after timing."""
    reports = corpus.of(fmt)
    if tool == "nianbao":
        function = _nianbao(reports, host)
    elif tool == "floor":
        function = {"html": _html_floor, "docx": _docx_floor}.get(fmt, _text_floor)(reports)
    elif tool == "markitdown":
        function = _markitdown(reports, fmt)
    else:
        function = _pandas(reports)
    benchmark.group = f"report: {fmt}"
    benchmark.extra_info.update(role={"nianbao": "nianbao", "floor": "floor"}.get(tool, "peer"),
                                label=LABELS.get((fmt, tool), "process_bytes + record.dumps"), unit="report",
                                items=len(reports), bytes=sum(len(r.data) for r in reports), primary=True)
    result = benchmark(function)

    assert len(result) == len(reports)
    for report, output in zip(reports, result, strict=True):
        if tool == "nianbao":
            wrong = [(path, expected, actual) for _, path, expected, actual, ok
                     in compare(report.truth, orjson.loads(output)) if not ok]
            assert not wrong, f"{report.path.name}: {wrong[:5]}"
        elif tool == "floor":
            assert len(output) > 0
        elif tool == "markitdown":
            assert "总体情况" in output and "|" in output, report.path.name
        else:
            assert len(output) >= 2, report.path.name  # section 二's table(s), 三, 四
