"""The third red team's corpus (benchmarks/redteam3.py): distractors, what looks like the statistics or the title but
is not (other years' reports around a web page, tables of other counts inside the report, appendices, a second report).

A slice of the corpus must hold no wrong value (nulls allowed) outside the known classes (KNOWN, each a class of
docs/redteam3-failures.md). Each class has an example under tests/data/redteam3/ (written by the generator's
``--examples``); the wrong ones not fixed yet are strict xfails, which a fix makes pass: then drop the mark, and the
class's features from KNOWN.
"""

from __future__ import annotations

import ast
import json
import random
import runpy
from types import SimpleNamespace

import pytest

import nianbao
from nianbao.synth.score import score

from .conftest import DATA, REPO
from .test_redteam2 import differences as number_differences

SLICE, SEED = 12, 8
RT3 = SimpleNamespace(**runpy.run_path(str(REPO / "benchmarks" / "redteam3.py")))
EXAMPLES = DATA / "redteam3"
#: The features whose reports may hold values the truth calls wrong (docs/redteam3-failures.md): W3, a list page
#: with two reports, is read as its article (the first report) with ``page.several_reports`` (the lead's judgement;
#: the truth nulls what the two reports state differently). Every other wrong value fails the slice.
KNOWN = {"page:two-reports": "W3"}
#: The examples of wrong classes not fixed yet (each a strict xfail; a fix makes it pass: then drop it here).
XFAIL: dict[str, str] = {}


def differences(record, truth):
    """test_redteam2's differences (every number, title, agency, year, signed, template) and ``published``."""
    out = number_differences(record, truth)
    return out + ([("published", truth["published"], record["published"])]
                  if record["published"] != truth["published"] else [])


def wrong(record, truth):
    """The differences whose record value is not null: a value the document does not hold."""
    return [d for d in differences(record, truth) if d[2] not in (None, "<absent>")]


def known_wrong(reason):
    return pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)


def examples():
    out = []
    for stem, *_ in RT3.EXAMPLES:
        marks = [known_wrong(XFAIL[stem])] if stem in XFAIL else []
        out.append(pytest.param(stem, id=stem, marks=marks))
    return out


def example(stem):
    truth = json.loads((EXAMPLES / f"{stem}.truth.json").read_text(encoding="utf-8"))
    return nianbao.parse_file(EXAMPLES / truth["file"]), truth


# ---- The corpus: no wrong value outside the known classes ------------------------------------------------------------

def test_a_redteam3_slice_has_no_wrong_value_outside_the_known_classes(tmp_path, host):
    corpus = RT3.generate(tmp_path / "corpus", SLICE, SEED)
    result = score(corpus, host=host)
    assert result.documents == SLICE
    truths = {p.name.replace(".truth.json", ""): json.loads(p.read_text(encoding="utf-8"))
              for p in corpus.glob("*.truth.json")}
    features = {t["file"]: set(t["features"]) for t in truths.values()}
    assert len({f for fs in features.values() for f in fs if f.startswith(("inside:", "page:"))}) >= 15
    found = [(m.file, m.path, m.expected, m.actual) for m in result.wrong()]
    unknown = [w for w in found if not features[w[0]] & set(KNOWN)]
    assert not unknown, f"values that differ from the document, outside the known classes: {unknown}"


def test_the_generator_imports_nothing_of_nianbao():
    tree = ast.parse((REPO / "benchmarks" / "redteam3.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.startswith("nianbao")}


def test_the_examples_are_what_the_generator_writes(tmp_path):
    RT3.examples(tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in EXAMPLES.iterdir())
    for name in written:
        assert (tmp_path / name).read_bytes() == (EXAMPLES / name).read_bytes(), name


# ---- Each class's example: no wrong value (the wrong classes not fixed yet are strict xfails) -----------------------

@pytest.mark.parametrize("stem", [stem for stem in examples() if stem.values[0] != "w3-two-reports"])
def test_a_failure_class_example_has_no_wrong_value(stem):
    record, truth = example(stem)
    assert wrong(record, truth) == []


def test_a_list_page_with_two_reports_is_read_as_its_article_and_says_it_held_another():
    """W3, judged: the article (the report the ``<title>`` and the first ``<h1>`` name) is read whole; the second
    report, outside it, is named in ``page.several_reports``. The truth (null where the two reports differ) agrees
    wherever it is not null."""
    record, truth = example("w3-two-reports")
    assert [d for d in differences(record, truth) if d[1] is not None] == []
    assert record["year"] == 2023 and record["title"] == "永春县教育局2023年政府信息公开工作年度报告"
    several = [issue for issue in record["issues"] if issue["code"] == "page.several_reports"]
    assert len(several) == 1 and "2022年" in several[0]["message"]


# ---- What the parser reads right: pinned -----------------------------------------------------------------------------

PAGE = {"page:sidebar-before", "page:prev-next", "page:prev-next-before", "page:breadcrumb-year", "page:related-after",
        "page:title-last-year"}


@pytest.mark.parametrize("shape", ["h1", "div", "p-strong", "td"])
def test_a_page_full_of_other_years_reports_is_read_as_its_own(shape):
    """A sidebar of the body's other reports before the article, 上一篇/下一篇 before it, breadcrumbs naming another
    year, a 发布时间/来源/浏览次数 line, a 相关阅读 list after, and a ``<title>`` naming last year's report: every field
    is the visible title's report's."""
    _, data, truth = RT3.one(random.Random(5), 0, "html", PAGE | {f"page:title-{shape}"})
    assert set(truth["features"]) >= PAGE
    record = nianbao.parse_bytes(data, uri="page.html")
    assert differences(record, truth) == []


INSIDE = {"inside:channel-table", "inside:channel-table-overview", "inside:overview-requests-table",
          "inside:yoy-overview", "inside:prose-numbers", "inside:appendix", "inside:appendix-last-year"}


@pytest.mark.parametrize("fmt", ["html", "docx", "text", "markdown"])
def test_other_counts_in_section_one_and_an_appendix_of_last_year_are_not_the_statistics(fmt):
    """Section 一 with tables of its own (channels, 依申请公开 本年 / 上年, 同比), prose quoting other numbers, and
    after the signature last year's section 三 and 四 again: every field is the template tables'."""
    _, data, truth = RT3.one(random.Random(2), 0, fmt, INSIDE)
    record = nianbao.parse_bytes(data if isinstance(data, bytes) else data.encode("utf-8"), uri=f"r.{fmt}")
    assert differences(record, truth) == []


@pytest.mark.parametrize("name", ["rt3-90-d0286_html", "rt3-91-d0297_docx"])
def test_a_report_with_last_year_s_appended_after_its_signature_is_read_as_itself(name):
    """Found on seeds 90 and 91 (tests/data/appended): this report's sections numbered （一）…（六）, then (after an
    attachment and a 解读, or at once) ``附：上年度报告`` and last year's whole report under plainer ``一、`` headings,
    whose sections won the outline: every number was last year's. The appended report is cut off, and said so."""
    folder = DATA / "appended"
    truth = json.loads((folder / f"{name}.truth.json").read_text(encoding="utf-8"))
    record = nianbao.parse_file(folder / truth["file"])
    assert wrong(record, truth) == []
    assert "outline.appended_report" in {issue["code"] for issue in record["issues"]}
