"""A slice of the independent stress corpus (benchmarks/independent.py): no wrong value, ever.

The generator imports nothing of nianbao; its wording is the hand-typed one of tests/data/variants/build.py and
its variants those real reports print (page chrome, metadata tables, titles in other words, ``|``-cell tables,
one-line crawler bodies, PDF, ...). A field may be missed (null, with an issue) but never read as another
value: a wrong number is the worst bug.
"""

from __future__ import annotations

import ast
import importlib.util
import json

from nianbao.synth.score import score

from .conftest import REPO

SLICE, SEED = 40, 13


def _generator():
    spec = importlib.util.spec_from_file_location("independent", REPO / "benchmarks" / "independent.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_independent_slice_has_no_wrong_value(tmp_path, host):
    corpus = _generator().generate(tmp_path / "corpus", SLICE, SEED)
    report = score(corpus, host=host)
    assert report.documents == SLICE
    assert set(report.formats) >= {"text", "tsv", "html", "docx", "markdown", "pdf"}
    assert {"oneline", "pipe-cells", "pipe-rows"} <= {t["layout"] for t in _truths(corpus)}
    wrong = [(m.file, m.path, m.expected, m.actual) for m in report.wrong()]
    assert not wrong, f"values that differ from the document: {wrong}"
    assert report.accuracy(category="numeric") > 0.99  # a slice that lost whole tables would not be this close
    assert report.accuracy(category="metadata") > 0.99


def _truths(corpus):
    return [json.loads(p.read_text(encoding="utf-8")) for p in corpus.glob("*.truth.json")]


def test_the_independent_generator_imports_nothing_of_nianbao():
    tree = ast.parse((REPO / "benchmarks" / "independent.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.startswith("nianbao")}
