"""The generated corpus and its scorer: nianbao reads every format right, and the scorer would tell.

A corpus of a few hundred generated reports (fixed seed) is parsed and every
numeric field compared with the truth, per format. A format whose reader is
not registered yet is skipped, so its test turns itself on when the reader
lands. The deliberately broken reports must fail exactly the checks their
truth names; the generator must be deterministic; the scorer must catch a
wrong value; the committed samples must be what the generator makes.
"""

from __future__ import annotations

import importlib.util
import json
import random
from collections import Counter

import pytest
from click.testing import CliRunner

from nianbao.fit import Token, _resolve_application, _resolve_proactive, fit_applications, fit_proactive, walk
from nianbao.parse import process_bytes
from nianbao.synth import FORMATS, generate, render_one, score
from nianbao.synth.cli import score_command, synth_command
from nianbao.synth.corpus import LAYOUTS, SAMPLE_PREFIX, sample_set, truth_path
from nianbao.synth.model import TEMPLATE_RULES, failing_checks, make_spec
from nianbao.synth.score import ABSENT, CATEGORIES, DEAD, compare, is_wrong, truths
from nianbao.template import APPLICATION_COLUMNS

from .conftest import SAMPLES

SEED = 20240601
PER_FORMAT = 60  # reports per format: a few hundred in all
DOCX_PER_FORMAT = 40  # python-docx takes a quarter of a second a report


def _has_reader(host, fmt: str) -> bool:
    return any(reader.format == fmt for reader in host.readers)


def _can_render(fmt: str) -> bool:
    return fmt != "docx" or importlib.util.find_spec("docx") is not None


def _need_reader(host, fmt: str) -> None:
    if not _can_render(fmt):
        pytest.skip("rendering DOCX needs python-docx")
    if not _has_reader(host, fmt):
        pytest.skip(f"no {fmt} reader registered yet (placeholder plugin)")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, host):
    """Per format: the corpus directory and its score (``None`` where it cannot be rendered or read)."""
    root = tmp_path_factory.mktemp("synth")
    out = {}
    for fmt in FORMATS:
        if not _can_render(fmt):
            out[fmt] = (None, None)
            continue
        directory = root / fmt
        generate(directory, DOCX_PER_FORMAT if fmt == "docx" else PER_FORMAT, SEED, formats=(fmt,))
        out[fmt] = (directory, score(directory, host=host) if _has_reader(host, fmt) else None)
    return out


def _mismatches(report, category: str, limit: int = 8) -> str:
    lines = [f"{m.file}: {m.path}: expected {m.expected!r}, got {m.actual!r}"
             for m in report.mismatches if m.category == category]
    return "\n".join(lines[:limit]) + (f"\n… {len(lines) - limit} more" if len(lines) > limit else "")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_numeric_field_right(corpus, host, fmt):
    _need_reader(host, fmt)
    report = corpus[fmt][1]
    assert report.documents >= 40
    assert report.formats[fmt].dead_letters == 0
    assert report.accuracy(fmt, "numeric") == 1.0, _mismatches(report, "numeric")


@pytest.mark.parametrize("category", [c for c in CATEGORIES if c != "numeric"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_metadata_template_checks_and_sections_right(corpus, host, fmt, category):
    _need_reader(host, fmt)
    report = corpus[fmt][1]
    assert report.accuracy(fmt, category) == 1.0, _mismatches(report, category)


def test_both_text_layouts_are_in_the_corpus(corpus):
    layouts = Counter(t["layout"] for t in truths(corpus["text"][0]))
    assert set(layouts) == set(LAYOUTS["text"]) and min(layouts.values()) >= 10


def test_corpus_prints_the_habits_of_real_reports(corpus):
    """The variants of nianbao.synth.variants (copied from real reports, not from the template) are drawn."""
    features = Counter(f for directory, _ in corpus.values() if directory for t in truths(directory)
                       for f in t["features"])
    for feature in ("headings:real-variants", "headings:wrapped", "review:short-zeros", "proactive:long-zero-row",
                    "tsv:spans-once"):
        assert features[feature] >= 1, feature


def test_samples_are_drawn_without_the_real_variants():
    """The committed samples keep their bytes: the variants come from a random stream of their own."""
    assert not any(f.startswith(("headings:real", "headings:wrapped", "review:short", "tsv:spans"))
                   for rendered in sample_set() for f in rendered.truth["features"])


def test_corpus_covers_both_templates_and_the_mixed_case(corpus):
    templates = Counter(t["template"] for directory, _ in corpus.values() if directory for t in truths(directory))
    assert {"2019", "2021", "mixed"} <= set(templates)


@pytest.mark.parametrize("fmt", FORMATS)
def test_broken_reports_fail_exactly_the_checks_the_truth_names(corpus, host, fmt):
    _need_reader(host, fmt)
    directory = corpus[fmt][0]
    broken = 0
    for truth in truths(directory):
        path = directory / truth["file"]
        record = process_bytes(path.read_bytes(), str(path), host=host).record
        assert record is not None
        failed = sorted([c["rule"], c["where"]] for c in record["checks"]
                        if not c["ok"] and c["rule"] in TEMPLATE_RULES)
        assert failed == truth["failing_checks"], truth["file"]
        features = set(truth["features"])
        if {"broken", "blank-row"} & features:
            assert truth["failing_checks"], f"{truth['file']} is broken on purpose but its truth fails no check"
            broken += 1
        elif not {"blank-zeros", "blank-total"} & features:  # a blank cell is null: its checks fail
            assert not truth["failing_checks"], f"{truth['file']}: generated numbers must hold every check"
    assert broken >= 1


def test_broken_on_purpose_names_rule_and_where():
    """Changing one number makes the truth name the checks it breaks, with their ``where``."""
    rng = random.Random(5)
    spec = make_spec(rng, web=False)
    applications = {k: dict(v) for k, v in spec.applications.items()}
    assert failing_checks(applications, spec.review) == []
    applications["granted"]["natural_person"] = (applications["granted"]["natural_person"] or 0) + 1
    assert failing_checks(applications, spec.review) == [
        ["applications.handled_total", "natural_person"],
        ["applications.row_total", "granted"],
    ]
    review = {k: dict(v) for k, v in spec.review.items()}
    review["litigation_direct"]["total"] += 2
    assert failing_checks(spec.applications, review) == [["review_litigation.total", "litigation_direct"]]
    applications["carried_forward"] = dict.fromkeys(APPLICATION_COLUMNS)
    nulls = failing_checks(applications, spec.review)
    assert ["applications.row_total", "carried_forward"] in nulls
    assert all(["applications.balance", c] in nulls for c in APPLICATION_COLUMNS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_generator_is_deterministic(fmt):
    if not _can_render(fmt):
        pytest.skip("rendering DOCX needs python-docx")
    first, again, other = render_one(7, 3, fmt), render_one(7, 3, fmt), render_one(8, 3, fmt)
    assert first.data == again.data and first.truth == again.truth and first.name == again.name
    assert other.data != first.data


def test_generate_writes_the_same_corpus_twice(tmp_path):
    a = generate(tmp_path / "a", 8, 3, formats=("text", "tsv", "html"))
    b = generate(tmp_path / "b", 8, 3, formats=("text", "tsv", "html"))
    assert [p.name for p in a] == [p.name for p in b]
    for x, y in zip(a, b, strict=True):
        assert x.read_bytes() == y.read_bytes()
        assert truth_path(x).read_text(encoding="utf-8") == truth_path(y).read_text(encoding="utf-8")


def test_truth_has_the_record_fields(tmp_path):
    (path,) = generate(tmp_path, 1, 1, formats=("tsv",))
    truth = json.loads(truth_path(path).read_text(encoding="utf-8"))
    assert {"title", "agency", "year", "published", "signed", "template", "proactive", "applications",
            "review_litigation", "failing_checks"} <= set(truth)
    assert truth["file"] == path.name and truth["title"].endswith("报告") and truth["agency"] in truth["title"]


def test_scorer_catches_a_wrong_value(tmp_path, host):
    paths = generate(tmp_path, 4, 9, formats=("text",))
    assert score(tmp_path, host=host).accuracy() == 1.0
    truth_file = truth_path(paths[1])
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    truth["applications"]["granted"]["total"] += 5
    truth["agency"] = "某某局"
    truth_file.write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")

    report = score(tmp_path, host=host)
    wrong = {(m.file, m.path) for m in report.mismatches}
    assert wrong == {(paths[1].name, "applications.granted.total"), (paths[1].name, "agency")}
    assert report.accuracy("text", "numeric") < 1.0 and report.worst() < 1.0
    assert report.formats["text"].perfect == 3
    assert "applications.granted.total" in report.render()
    # the record states a value the (edited) truth does not: both are wrong values, counted in the table
    assert {(m.file, m.path) for m in report.wrong()} == wrong
    assert report.formats["text"].wrong == 2
    header, _, text_row = report.render().splitlines()[:3]
    assert text_row.split()[header.split().index("wrong")] == "2"

    result = CliRunner().invoke(score_command, [str(tmp_path), "--min-accuracy", "0.999"])
    assert result.exit_code == 1
    assert "applications.granted.total" in result.output and "FAIL" in result.output
    assert CliRunner().invoke(score_command, [str(tmp_path), "--min-accuracy", "0.5"]).exit_code == 0


def test_a_miss_is_not_a_wrong_value():
    assert is_wrong("numeric", 7) and is_wrong("metadata", "某某局") and is_wrong("template", "2019")
    assert not any(is_wrong("numeric", actual) for actual in (None, ABSENT, DEAD))  # null, absent row, dead letter
    assert not is_wrong("checks", [["applications.balance", "total"]]) and not is_wrong("sections", "其他")


def test_compare_scores_an_invented_row_and_a_dead_letter():
    truth = render_one(1, 0, "tsv").truth
    record = json.loads(json.dumps({**truth, "checks": []}))
    record["applications"]["other_handling" if "other_no_fee" in truth["applications"] else "other_no_fee"] = {
        c: 0 for c in APPLICATION_COLUMNS}
    invented = [path for _, path, _, _, ok in compare(truth, record) if not ok]
    assert len(invented) == len(APPLICATION_COLUMNS) + (1 if truth["failing_checks"] else 0)
    assert all(ok is False for *_, ok in compare(truth, None))


def test_cli_synth_and_score(tmp_path):
    runner = CliRunner()
    result = runner.invoke(synth_command, ["--out", str(tmp_path), "-n", "6", "--seed", "4", "--formats", "text,tsv"])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.truth.json"))) == 6 and len(list(tmp_path.glob("*.txt"))) == 6
    bad = runner.invoke(synth_command, ["--out", str(tmp_path), "--formats", "pdf"])
    assert bad.exit_code != 0 and "unknown format" in bad.output
    result = runner.invoke(score_command, [str(tmp_path), "--min-accuracy", "1"])
    assert result.exit_code == 0, result.output
    assert "text" in result.output and "tsv" in result.output


def test_samples_are_the_generators_and_read_right(host):
    if not _can_render("docx"):
        pytest.skip("rendering DOCX needs python-docx")
    expected = {r.name: r for r in sample_set()}
    kept = {p.name for p in SAMPLES.glob(f"{SAMPLE_PREFIX}*")}
    assert kept == set(expected), "regenerate: nianbao synth --out samples --samples"
    formats = Counter(r.truth["format"] for r in expected.values())
    assert formats["html"] >= 3 and formats["docx"] >= 3 and formats["tsv"] and formats["text"]
    for name, rendered in expected.items():
        assert (SAMPLES / name).read_bytes() == rendered.data, f"{name}: regenerate with --samples"
        if not _has_reader(host, rendered.truth["format"]):
            continue
        record = process_bytes(rendered.data, name, host=host).record
        wrong = [(path, e, a) for _, path, e, a, ok in compare(rendered.truth, record) if not ok]
        assert not wrong, f"{name}: {wrong[:5]}"


# --------------------------------------------------------------------------
# Fitter cases the generator found (paragraph-per-cell text: one token a cell piece)
# --------------------------------------------------------------------------


def _tokens(*texts: str) -> list[Token]:
    return [Token(t) for t in texts]


def test_header_broken_before_a_piece_that_is_a_label_itself():
    """``上一年`` + ``项目数量``: 项目数量 alone is the procurement column."""
    tokens = _tokens("信息内容", "上一年", "项目数量", "本年增/减", "处理决定数量", "行政许可", "3", "1", "0")
    fitted = fit_proactive(tokens)
    assert fitted.values["licensing"] == {"prev_count": 3, "change": 1, "decisions": 0}
    tokens = _tokens("信息内容", "上一年度", "项目数量", "本年增/减", "本年处理决定数量", "行政处罚", "5", "-1", "61")
    assert fit_proactive(tokens).values["penalty"] == {"prev_count": 5, "change": -1, "decisions": 61}


def test_two_whole_labels_side_by_side_are_not_joined():
    rows = walk(_tokens("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"), _resolve_proactive)
    assert [r.key for r in rows] == ["", "new_made", "new_published", "total_published"]


def test_label_broken_where_its_start_fits_two_rows():
    """``8、属于行政`` starts both 属于行政执法案卷 and 属于行政查询事项."""
    rows = walk(_tokens("8、属于行政", "查询事项", "0", "0", "0", "0", "0", "0", "0"), _resolve_application)
    assert [(r.key, len(r.values)) for r in rows] == [("denied_query_matter", 7)]


def test_label_broken_before_a_piece_that_reads_as_the_same_row():
    tokens = _tokens("（六）其他处理", "1.申请人无正当理由", "逾期不补正、行政机关不再处理其政府信息公开申请",
                     *"1000001")
    fitted = fit_applications(tokens)
    assert fitted.values["other_no_correction"]["natural_person"] == 1
    assert fitted.values["other_no_correction"]["total"] == 1


def test_numbered_total_right_after_a_repeated_header_is_a_row():
    body = [Token("（六）其他处理", 1), *(Token("0", 1) for _ in range(7))]
    header = [Token(t, 2) for t in ("申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构",
                                    "社会公益组织", "法律服务机构", "其他")]
    total = [Token("（七）总计", 3), *(Token(v, 3) for v in "2000002")]
    fitted = fit_applications([*body, *header, *total])
    assert fitted.values["total_handled"]["total"] == 2


def test_amount_header_broken_inside_wan_yuan_stays_in_wan():
    tokens = _tokens("信息内容", "本年收费金额（万\n元）", "行政事业性收费", "1305")
    assert fit_proactive(tokens).values["fees"] == {"amount_wan": 1305}
