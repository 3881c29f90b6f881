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
from nianbao.synth.score import compare

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
