"""A slice of the independent stress corpus (benchmarks/independent.py): no wrong value, ever.

The generator imports nothing of nianbao; its wording is the hand-typed one of tests/data/variants/build.py and
its variants those real reports print. A field may be missed (null, with an issue) but never read as another
value: a wrong number is the worst bug.
"""

from __future__ import annotations

import importlib.util

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
    assert set(report.formats) >= {"text", "tsv", "html", "docx"}
    wrong = [(m.file, m.path, m.expected, m.actual) for m in report.mismatches
             if m.category in ("numeric", "metadata", "template") and m.actual not in (None, "<absent>")]
    assert not wrong, f"values that differ from the document: {wrong}"
    assert report.accuracy(category="numeric") > 0.99  # a slice that lost whole tables would not be this close
