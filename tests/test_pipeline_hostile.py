"""``nianbao run`` over a corpus with 10% hostile files: nothing lost, nothing stopped, good reports still right.

Ninety generated reports (``nianbao synth``, their ``.truth.json`` moved out of
the input folder) and ten hostile files (zip bomb, billion laughs, XXE, 100k-deep
nesting, a 20 MB line, millions of lines, an image, junk, a news page, an empty
DOCX) go through the local runner with two worker processes. The outputs must
hold one outcome per input (records + dead letters = inputs), each hostile file
the outcome the robustness policy gives it (docs/robustness.md), and every
generated report exactly its ground truth.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import orjson
import pytest

from nianbao.pipelines import run_files
from nianbao.pipelines.run import run
from nianbao.pipelines.run_files import iter_jsonl, output_files

SYNTH_SEED = 23
GOOD_BULK = 81  # text, tab tables and web pages
GOOD_DOCX = 9  # python-docx renders these slowly

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(document_xml: bytes, *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        archive.writestr("word/document.xml", document_xml)
    return out.getvalue()


def _word(body: str, doctype: str = "") -> bytes:
    return f'<?xml version="1.0"?>\n{doctype}<w:document {W_NS}><w:body>{body}</w:body></w:document>'.encode()


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("word/document.xml", "w", force_zip64=True) as handle:
        for _ in range(64):
            handle.write(b" " * (1 << 20))
    return out.getvalue()


def _empty_docx() -> bytes:
    docx = pytest.importorskip("docx")
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def hostile_files() -> dict[str, tuple[bytes, tuple[str, str]]]:
    """Name → (bytes, expected outcome): ``("dead", "<stage>:<type>")`` or ``("record", "<issue code>")``."""
    laughs = '<!ENTITY a "AAAAAAAAAA">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9))
    line = "一、总体情况 二、主动公开政府信息情况 予以公开 1 2 3 ".encode()
    news = ("<html><head><title>我区召开安全生产工作会议</title></head><body><h1>我区召开安全生产工作会议</h1>"
            "<p>11月20日，区政府召开全区安全生产工作会议。</p></body></html>").encode()
    return {
        "bomb.docx": (_bomb(), ("dead", "read:ZipLimitError")),
        "laughs.docx": (_docx(_word("<w:p><w:r><w:t>x&j;y</w:t></w:r></w:p>", f"<!DOCTYPE w:document [{laughs}]>")),
                        ("dead", "read:MarkupError")),
        "xxe.docx": (_docx(_word("<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>",
                                 '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')),
                     ("record", "docx.dtd")),
        "deep.html": (b"<html><body>" + b"<div>" * 100_000 + b"</body></html>", ("dead", "read:MarkupError")),
        "one-line.txt": (line * (20_000_000 // len(line) + 1), ("dead", "read:DocumentLimitError")),
        "lines.txt": (b"0\n" * 3_000_000, ("dead", "read:DocumentLimitError")),
        "scan.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(5000), ("dead", "detect:DetectError")),
        "junk.bin": (bytes(range(256)) * 40, ("dead", "detect:DetectError")),
        "news.html": (news, ("record", "report.no_sections")),
        "empty.docx": (_empty_docx(), ("record", "report.no_sections")),
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, dict], dict[str, tuple[str, str]]]:
    """The input folder (good and hostile files), ``uri → truth`` and ``uri → expected hostile outcome``."""
    from nianbao.synth.corpus import generate, truth_path

    root = tmp_path_factory.mktemp("hostile-pipeline")
    inputs, truths_dir = root / "inputs", root / "truths"
    generated = generate(inputs / "good", GOOD_BULK, SYNTH_SEED, formats=("text", "tsv", "html"))
    generated += generate(inputs / "good-docx", GOOD_DOCX, SYNTH_SEED, formats=("docx",))
    truths = {}
    for path in generated:
        truth = truth_path(path)
        truths[str(path)] = orjson.loads(truth.read_bytes())
        moved = truths_dir / path.parent.name / truth.name
        moved.parent.mkdir(parents=True, exist_ok=True)
        truth.rename(moved)  # the truth stays out of the input folder
    expected = {}
    for name, (data, outcome) in hostile_files().items():
        path = inputs / "hostile" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expected[str(path)] = outcome
    return inputs, truths, expected


@pytest.fixture(scope="module")
def outcome(corpus, tmp_path_factory):
    inputs, _, _ = corpus
    out = tmp_path_factory.mktemp("hostile-pipeline-out")
    summary = run([f"--input={inputs}", f"--output={out}", "--direct_num_workers=2",
                   "--direct_running_mode=multi_processing"])
    records = list(iter_jsonl(output_files(str(out), run_files.RECORDS)))
    letters = list(iter_jsonl(output_files(str(out), run_files.DEAD_LETTERS)))
    return summary, records, letters


def test_the_corpus_is_one_tenth_hostile(corpus):
    inputs, truths, expected = corpus
    files = [p for p in inputs.rglob("*") if p.is_file()]
    assert len(files) == len(truths) + len(expected) == 100
    assert len(expected) / len(files) == 0.1
    assert not list(inputs.rglob("*.truth.json"))


def test_records_plus_dead_letters_equal_inputs(corpus, outcome):
    inputs, _, _ = corpus
    summary, records, letters = outcome
    uris = [r["source"]["uri"] for r in records] + [d["source"]["uri"] for d in letters]
    assert len(uris) == len(set(uris)), "a document was written twice"
    assert sorted(uris) == sorted(str(p) for p in inputs.rglob("*") if p.is_file())
    assert summary["documents_in"] == 100 == summary["records"] + summary["dead_letters"]
    assert summary["missing"] == 0


def test_each_hostile_file_gets_its_outcome(corpus, outcome):
    _, _, expected = corpus
    _, records, letters = outcome
    got: dict[str, tuple[str, str]] = {}
    for letter in letters:
        error = letter["error"]
        got[letter["source"]["uri"]] = ("dead", f"{error['stage']}:{error['type']}")
        assert error["message"]
    for record in records:
        codes = {issue["code"] for issue in record["issues"]}
        uri = record["source"]["uri"]
        if uri in expected:
            wanted = expected[uri][1]
            got[uri] = ("record", wanted if wanted in codes else ",".join(sorted(codes)))
    assert {uri: got.get(uri) for uri in expected} == expected


def test_every_good_report_is_still_right(corpus, outcome):
    from nianbao.synth.score import compare

    _, truths, _ = corpus
    _, records, letters = outcome
    assert not [d["source"]["uri"] for d in letters if d["source"]["uri"] in truths], "a good report was lost"
    by_uri = {r["source"]["uri"]: r for r in records}
    for uri, truth in truths.items():
        wrong = [(path, want, have) for _, path, want, have, ok in compare(truth, by_uri[uri]) if not ok]
        assert not wrong, (uri, wrong[:5])


def test_no_secret_leaked_and_no_expansion(outcome):
    _, records, _ = outcome
    text = b"".join(orjson.dumps(r) for r in records).decode()
    assert "root:x:" not in text and "AAAAAAAAAA" not in text
