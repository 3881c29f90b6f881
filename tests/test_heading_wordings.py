"""Section headings worded as real reports word them, in real reports glued onto one line.

Each wording is one a peer project aligns with the template's heading across the reports it ingests
(KIROGOVCOMPARE ``frontend/src/utils/comparisonSectionAlignment.test.js`` @c8e6293; real 宿迁/淮安/上海
reports): ``二、行政机关主动公开政府信息情况``, ``四、被申请行政复议、提起行政诉讼情况``,
``一、2025年政务公开工作总体情况``. Put in place of the template's heading in real 平潭 crawler text (one line, the
headings the only way to find where a table starts), every value of the report's hand-read truth must still be
read. Before session 11 a glued report with ``二、行政机关…`` or ``三、行政机关收到和处理信息公开申请情况`` lost the
whole table (10 to 198 fields a report); see docs/corpus.md, "Session 11".
"""

from __future__ import annotations

import json

import pytest

import nianbao
from nianbao.synth.score import compare, is_wrong
from nianbao.template import report_template

from .conftest import DATA

GATHERED = DATA / "gathered"

#: (the template's heading, a real report's wording of it).
WORDINGS = [
    ("一、总体情况", "一、总体工作情况"),
    ("一、总体情况", "一、2025年政务公开工作总体情况"),
    ("二、主动公开政府信息情况", "二、行政机关主动公开政府信息情况"),
    ("二、主动公开政府信息情况", "二、本年度主动公开政府信息情况"),
    ("二、主动公开政府信息情况", "二、主动公开政务信息情况"),
    ("三、收到和处理政府信息公开申请情况", "三、行政机关收到和处理信息公开申请情况"),
    ("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被行政复议、提起行政诉讼情况"),
    ("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开工作行政复议、行政诉讼情况"),
    ("四、政府信息公开行政复议、行政诉讼情况", "四、被申请行政复议、提起行政诉讼情况"),
]

#: Real crawler text whose values hang on the headings: 2023 reads 本年制发 77 from 总体情况's prose, finance-2021
#: and junshan-2025 lost a table (or the whole report) under a reworded heading.
REPORTS = ["fujian-pingtan-2023", "fujian-pingtan-finance-2021", "fujian-pingtan-junshan-2025",
           "fujian-pingtan-approval-2024"]


def _cases():
    for name in REPORTS:
        truth = json.loads((GATHERED / f"{name}.truth.json").read_text(encoding="utf-8"))
        text = (GATHERED / truth["file"]).read_text(encoding="utf-8")
        for template, wording in WORDINGS:
            if text.count(template) == 1:  # the headings each report prints as the template does
                yield pytest.param(name, template, wording, id=f"{name}-{wording}")


CASES = list(_cases())


def test_every_report_prints_most_headings_as_the_template():
    assert len(CASES) >= 30


@pytest.mark.parametrize(("name", "template", "wording"), CASES)
def test_reworded_heading_keeps_every_value(name, template, wording, host):
    truth = json.loads((GATHERED / f"{name}.truth.json").read_text(encoding="utf-8"))
    report = GATHERED / truth["file"]
    reworded = report.read_text(encoding="utf-8").replace(template, wording).encode("utf-8")
    record = nianbao.process_bytes(reworded, str(report), host=host).record
    misses = {path: (expected, actual) for _, path, expected, actual, ok in compare(truth, record) if not ok}
    assert misses == {}, f"{name} under {wording}: {misses}"


def test_glued_report_with_one_heading_in_unknown_words(host):
    """fujian-pingtan-junshan-2025 prints only three headings the template's way (二, 三, 四; its 一 is
    ``一、年度工作核心成效``, its 五 ``五、当前存在的突出问题``). With 四 in words no list knows (the wording
    fujian-pingtan-finance-2021 gives its own 四 in its overview), two headings and the tables' headers still
    mark it glued text: before session 11 the record had no section and no value."""
    truth = json.loads((GATHERED / "fujian-pingtan-junshan-2025.truth.json").read_text(encoding="utf-8"))
    report = GATHERED / truth["file"]
    text = report.read_text(encoding="utf-8")
    wording = "四、因政府信息公开申请行政复议、提起行政诉讼的情况"
    assert wording[2:] in (GATHERED / "fujian-pingtan-finance-2021.txt").read_text(encoding="utf-8")
    reworded = text.replace("四、政府信息公开行政复议、行政诉讼情况", wording).encode("utf-8")
    record = nianbao.process_bytes(reworded, str(report), host=host).record
    misses = {path: (expected, actual) for _, path, expected, actual, ok in compare(truth, record) if not ok}
    assert misses == {}


#: Per section, the numbered wordings taken in turn by the report-wide test below (the template's first).
TURNS = {template: [template, *(w for t, w in WORDINGS if t == template)] for template, _ in WORDINGS}
TURNS["五、存在的主要问题及改进情况"] = [
    "五、存在的主要问题及改进情况", "五、存在的问题及改进情况", "五、存在问题与改进方向",
    "五、存在的主要问题及改进思路", "五、信息公开工作存在的主要问题及改进措施",
]
TURNS["六、其他需要报告的事项"] = ["六、其他需要报告的事项", "七、其他需要报告的事项"]


def test_every_heading_reworded_in_every_glued_report(host):
    """Every gathered report in UTF-8 with each of its template headings printed once, all of them reworded at
    once (the n-th report takes each section's n-th wording in turn): a body that words every heading its own
    way. Before session 11 such rewordings cost values in most of these reports, some of them wrong."""
    failures, cases = {}, 0
    for n, path in enumerate(sorted(GATHERED.glob("*.truth.json"))):
        truth = json.loads(path.read_text(encoding="utf-8"))
        report = GATHERED / truth["file"]
        try:
            text = report.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # the Word files
        reworded = text
        for template, turns in TURNS.items():
            if text.count(template) == 1:
                reworded = reworded.replace(template, turns[n % len(turns)])
        if reworded == text:
            continue
        cases += 1
        record = nianbao.process_bytes(reworded.encode("utf-8"), str(report), host=host).record
        misses = {p: (e, a) for _, p, e, a, ok in compare(truth, record) if not ok}
        if misses:
            failures[path.name] = dict(list(misses.items())[:3])
    assert cases >= 100
    assert failures == {}


@pytest.mark.parametrize("name", ["fujian-pingtan-enforcement-2021", "fujian-pingtan-haitan-2023"])
def test_mixed_report_with_table_two_unread_has_no_template(name, host):
    """Two real ``mixed`` reports (二 in the 2021 layout, 三 with the 2019 single （六）其他处理 row) with 二's and
    一's headings in words no list knows, so that 二's table is not read: 三 alone says 2019, which for a report
    on 2021 or later does not tell 2019 from mixed. Before session 11 the record said ``2019`` (wrong); now
    ``None`` with ``template.undecided``, and every value read is still right."""
    truth = json.loads((GATHERED / f"{name}.truth.json").read_text(encoding="utf-8"))
    assert truth["template"] == "mixed" and truth["year"] >= 2021
    report = GATHERED / truth["file"]
    text = report.read_text(encoding="utf-8")
    unknown = (("二、主动公开政府信息情况", "二、政务信息主动发布情况"), ("一、总体情况", "一、工作开展情况"))
    for template, wording in unknown:
        assert text.count(template) == 1
        text = text.replace(template, wording)
    record = nianbao.process_bytes(text.encode("utf-8"), str(report), host=host).record
    assert not record["proactive"]  # the case this test is about: 二 not read
    assert record["template"] is None
    assert "template.undecided" in {issue["code"] for issue in record["issues"]}
    wrong = {p: (e, a) for category, p, e, a, ok in compare(truth, record) if not ok and is_wrong(category, a)}
    assert wrong == {}


@pytest.mark.parametrize(("versions", "year", "template"), [
    (["2019"], 2021, None), ([None, "2019"], 2024, None), (["2019"], 2020, "2019"), (["2019"], None, "2019"),
    (["2021"], 2021, "2021"), (["2021", "2019"], 2021, "mixed"), (["2019", "2019"], 2022, "2019"), ([], 2022, None),
])
def test_report_template(versions, year, template):
    assert report_template(versions, year) == template


@pytest.mark.parametrize(("name", "problems_end", "other"), [
    ("fujian-pingtan-agriculture-2020", "不断提高政务公开标准化规范化水平。", "本年度无其他事项需说明。"),
    ("fujian-pingtan-agriculture-2025", "将其打造为展示我局良好形象的重要宣传窗口。", "无。"),
    ("fujian-pingtan-haitan-2025", "切实提升队伍专业素质和综合能力。", "本年度未产生政府信息公开信息处理费用。"),
])
def test_glued_headings_real_reports_print_in_other_words(name, problems_end, other, host):
    """Real crawler text, as found: ``五、政府信息公开存在的问题及改进措施``, ``六、需要说明的其他事项与附表``,
    ``六、其他需报告的事项`` (no list spells them). Before session 11 六 was not found in these glued lines and its
    text ran on in 五's."""
    report = GATHERED / f"{name}.txt"
    record = nianbao.process_bytes(report.read_bytes(), str(report), host=host).record
    assert record["sections"]["problems"].endswith(problems_end)
    assert record["sections"]["other"] == other
