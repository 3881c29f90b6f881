"""prose.* and plausibility.* checks: on real reports (numbers read off them by hand) and on edited copies."""

from __future__ import annotations

import pytest

import nianbao
from nianbao import checks
from nianbao.checks import stated_numbers

from .conftest import PEER, REAL, SEEDS


def prose(record):
    return {(c["rule"], c["where"]): (c["ok"], c["expected"], c["actual"]) for c in record["checks"]
            if c["rule"].startswith("prose.")}


NEW, BOTH = "applications.new_received.total", "applications.new_received.total+carried_over.total"
REVIEW, LAWSUITS = "review_litigation.review.total", \
    "review_litigation.litigation_direct.total+litigation_after_review.total"

# (file, {(rule, where): (ok, table, prose)}), the sentence each number comes from in the comment
REAL_REPORTS = [
    (SEEDS / "003_e1faf3f31da2fcd8.txt", {  # 2021年我局受理依申请公开0件 / 收到公开行政复议0件,行政诉讼0件
        ("prose.applications", NEW): (True, 0, 0), ("prose.review", REVIEW): (True, 0, 0),
        ("prose.litigation", LAWSUITS): (True, 0, 0)}),
    (SEEDS / "004_2dfc536c7b58f7e3.txt", {  # 市工信局收到政府信息公开申请2件; 未发生…行政复议案件 (no number: no check)
        ("prose.applications", NEW): (True, 2, 2)}),
    (REAL / "pingtan-2020.txt", {("prose.applications", NEW): (True, 21, 21)}),  # 共受理政府信息公开申请21件
    (REAL / "pingtan-2021.txt", {("prose.applications", NEW): (True, 70, 70)}),  # 本年度全区共收到70件申请
    # 全区收到政府信息公开申请75件 = 本年新收 74 + 上年结转 1; 共有行政诉讼案件1件、行政复议案件2件;
    # 制发的规范性文件88件: the glued run 8855698 is read as 88 / 55 / 698 with that sentence (and 现行有效…698件)
    # as its second witness (glued.split_by_prose), so this check holds by construction
    (REAL / "pingtan-2022.txt", {("prose.applications", BOTH): (True, 75, 75), ("prose.review", REVIEW): (True, 2, 2),
                                 ("prose.litigation", LAWSUITS): (True, 1, 1),
                                 ("prose.proactive", "proactive.normative_documents.issued"): (True, 88, 88)}),
    # 全年办理政府信息公开申请218件: 办理 (handled) is not 收到; 本年度制发行政规范性文件62件 picked 本年制发 62 out of
    # the glued run 6233440 (glued.narrowed_by_prose), so it holds by construction
    (REAL / "pingtan-2024.txt", {("prose.proactive", "proactive.normative_documents.issued"): (True, 62, 62)}),
    # 共受理政府信息公开申请859件; 行政复议7件，诉讼9件 (复议后起诉 is blank: no lawsuit check); 主动公开规章13件
    (REAL / "shanghai-gov-office-2019.html", {
        ("prose.applications", NEW): (True, 859, 859), ("prose.review", REVIEW): (True, 7, 7),
        ("prose.proactive", "proactive.regulations.new_published"): (True, 13, 13)}),
    (PEER / "KIROGOVCOMPARE" / "kewei-2024-source.md", {("prose.applications", NEW): (True, 34, 34)}),
]


@pytest.mark.parametrize(("path", "expected"), REAL_REPORTS, ids=lambda v: getattr(v, "name", ""))
def test_real_overviews_against_their_tables(path, expected, host):
    assert prose(nianbao.parse_file(path, host=host)) == expected


def _record(overview, *, new=5, over=0, review=(0, 0, 0, 0, 0), direct=0, after=0, regulations=None):
    zero = {f: 0 for f in ("upheld", "corrected", "other", "pending")}
    return {
        "year": 2021,
        "sections": {"overview": overview, "problems": None, "other": None},
        "applications": {"new_received": {"total": new}, "carried_over": {"total": over}},
        "review_litigation": {
            "review": dict(zip(("upheld", "corrected", "other", "pending", "total"), review, strict=True)),
            "litigation_direct": {**zero, "total": direct}, "litigation_after_review": {**zero, "total": after}},
        "proactive": {"regulations": regulations} if regulations else {},
    }


def results(rule, record):
    return [(r.where, r.ok, r.expected, r.actual) for r in rule(record)]


def test_a_number_the_table_contradicts_fails():
    record = _record("2021年，本机关全年共收到政府信息公开申请4件。", new=5)
    assert results(checks.prose_applications, record) == [(NEW, False, 5, 4)]


def test_no_number_no_check_and_two_numbers_none_either():
    assert results(checks.prose_applications, _record("本年度未收到政府信息公开申请。")) == []
    two = "本局收到政府信息公开申请5件。其中区本级受理依申请公开3件。"
    assert stated_numbers(two)["applications"] == frozenset({3, 5})
    assert results(checks.prose_applications, _record(two)) == []


def test_a_change_or_last_year_is_not_the_count():
    text = "本年度新收政府信息公开申请5件，较去年增加2件；上年度收到申请9件。"
    assert stated_numbers(text)["applications"] == frozenset({5})
    assert results(checks.prose_applications, _record(text, new=5)) == [(NEW, True, 5, 5)]


def test_reviews_and_lawsuits_are_not_applications():
    text = "收到行政复议申请2件，行政诉讼3件。"
    numbers = stated_numbers(text)
    assert numbers["applications"] == frozenset() and numbers["review"] == frozenset({2})
    assert numbers["litigation"] == frozenset({3})
    record = _record(text, review=(1, 0, 0, 1, 2), direct=1, after=1)
    assert results(checks.prose_review, record) == [(REVIEW, True, 2, 2)]
    assert results(checks.prose_litigation, record) == [(LAWSUITS, False, 2, 3)]


def test_full_width_digits_and_the_2021_columns():
    record = _record("本年度制发规章２件，现行有效规章１０件。",
                     regulations={"issued": 2, "repealed": 0, "in_force": 10})
    assert results(checks.prose_proactive, record) == [("proactive.regulations.issued", True, 2, 2)]
    record["proactive"]["regulations"]["issued"] = 3
    assert results(checks.prose_proactive, record) == [("proactive.regulations.issued", False, 3, 2)]


def test_plausibility_rules():
    record = _record("", review=(1, 0, 0, 3, 2))
    record["proactive"] = {"licensing": {"prev_count": 5, "change": -2, "decisions": 3},
                           "fees": {"prev_count": 1, "change": 0}}
    record["applications"]["granted"] = {"natural_person": -1, "total": -1}
    assert results(checks.plausibility_non_negative, record) == [
        ("applications.granted.natural_person", False, 0, -1), ("applications.granted.total", False, 0, -1)]
    del record["applications"]["granted"]
    assert results(checks.plausibility_non_negative, record) == [("all", True, 0, 0)]  # 本年增/减 -2 may be negative
    assert results(checks.plausibility_pending, record)[0] == ("review", False, 2, 3)
    assert results(checks.plausibility_year, record) == [("year", True, checks._today().year, 2021)]
    record["year"] = checks._today().year + 1
    assert results(checks.plausibility_year, record)[0][1] is False


@pytest.mark.parametrize(("sentence", "received"), [
    # overview sentences of real reports quoted in a public checker's fixtures (docs/checks.md cites them)
    ("2025 年打浦桥街道共受理政府信息公开申请 19 件，其中 11 件均按规定程序办结，8 件申请人主动撤销。", {19}),
    ("2025年受理信息公开申请10件，办理上年度结转申请1件。答复11件，均在法定期限内答复。", {10}),
    ("2025年，全市共受理政府信息公开申请3259件，答复3278件（含上年度结转申请77件，另有58件顺延到下年度答复）。",
     {3259}),
    ("淮安市洪泽区人民政府 2025 年政府信息公开工作年度报告", set()),
])
def test_sentences_of_real_reports(sentence, received):
    assert stated_numbers(sentence)["applications"] == frozenset(received)
