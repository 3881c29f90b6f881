"""Prose as a second witness for glued section 二 rows (nianbao.witness and fit_proactive's use of it).

The sentences are those of the 平潭 crawler texts in tests/data/gathered (each named where it is used); the
small token streams are the cells ``nianbao.glued.unglue`` makes of those reports' tables.
"""

from __future__ import annotations

import pytest

import nianbao
from nianbao.document import Paragraph
from nianbao.fit import fit_proactive, tokens_of
from nianbao.glued import split_run
from nianbao.witness import Fact, narrow, prose_facts

from .conftest import DATA

GATHERED = DATA / "gathered"
HEADER_2021 = ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
HEADER_2019_LICENSING = ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量")
HEADER_2019_PROCUREMENT = ("信息内容", "采购项目数量", "采购总金额")


def fit(*cells, overview=None):
    tokens = tokens_of([Paragraph(text=t) for t in cells])
    return fit_proactive(tokens, glued=True, prose=prose_facts(overview))


def codes(fitted):
    return {i.code for i in fitted.issues}


def message(fitted, code):
    return next(i.message for i in fitted.issues if i.code == code)


# ---- what the overview states ----------------------------------------------------------------------------


def facts(text):
    return {item: {(f.rule, f.value) for f in found} for item, found in prose_facts(text).items()}


def test_counts_of_normative_documents_each_in_its_clause():
    # fujian-pingtan-approval-2024: 废止 names its own measure here, though it puts a clause out of the others'
    assert facts("2024年，我局废止规范性文件6件，制定规范性文件15件，已公开在“行政规范性文件”栏目下。") == {
        "normative_documents": {("normative_documents.issued", 15), ("normative_documents.repealed", 6)}}
    # fujian-pingtan-office-2025 (失效或废止文件7件 names no 规范性文件: not read) and -office-2021 (份)
    assert facts("2025年，实验区管委会（办公室）制发行政规范性文件9件，按程序确认失效或废止文件7件，"
                 "现行有效行政规范性文件共253件。") == {
        "normative_documents": {("normative_documents.issued", 9), ("normative_documents.in_force", 253)}}
    assert facts("2021年发布规范性文件20份。") == {"normative_documents": {("normative_documents.issued", 20)}}


def test_what_is_not_this_years_count_is_not_read():
    assert facts("主动公开规范性文件253件。") == {}  # 公开 may be every one in force
    assert facts("本年度制发规范性文件5件，较去年减少2件。累计制发规范性文件80件。") == {
        "normative_documents": {("normative_documents.issued", 5)}}
    assert facts("清理并集中发布现行有效行政规范性文件393件。") == {}  # 清理: another measure (fujian-pingtan-2023)


def test_traditional_characters_read_the_same():
    text = ("2024年，我局廢止規範性文件6件，製定規範性文件15件。"
            "全年共發布採購信息197批次涉及金額3601627.4元，採購項目3個。")
    assert facts(text) == {
        "normative_documents": {("normative_documents.issued", 15), ("normative_documents.repealed", 6)},
        "procurement": {("procurement.amount_yuan", 360.16274)}}  # 197批次 and 3個: two counts, no witness


def test_two_different_numbers_for_one_measure_are_no_witness():
    assert facts("本年度制发规范性文件5件。其中局本级制定规范性文件3件。") == {}
    assert facts("本年度制发规范性文件5件。全年共制定规范性文件5件。") == {
        "normative_documents": {("normative_documents.issued", 5)}}


def test_procurement_and_what_is_no_witness():
    # the information published on licensing is not 处理决定数量 (fujian-pingtan-tourism-2022 prints
    # 行政许可类信息6条 beside 12 decisions): no witness
    assert facts("主动公开政府信息215条，其中机构职能类7条，行政许可类37条，行政处罚类103条。") == {}
    # fujian-pingtan-office-2020
    assert facts("全年共发布采购信息197批次涉及金额3601627.4元。") == {
        "procurement": {("procurement.projects", 197), ("procurement.amount_yuan", 360.16274)}}
    assert facts("政府集中采购项目5个，采购金额12.5万元。") == {
        "procurement": {("procurement.projects", 5), ("procurement.amount_wan", 12.5)}}


def test_procurement_notices_with_their_total_and_penalty_decisions():
    # fujian-pingtan-office-2019: the count in 条 is read only with the total right after it (共…元)
    assert facts("今年共发布采购信息21条共5419886元。") == {
        "procurement": {("procurement.projects", 21), ("procurement.amount_yuan", 541.9886)}}
    assert facts("发布采购信息21条合计541.9886万元。") == {
        "procurement": {("procurement.projects", 21), ("procurement.amount_wan", 541.9886)}}
    assert facts("今年共发布采购信息21条。") == {}  # notices alone: not the projects
    assert facts("发布采购信息21条，节约资金5419886元。") == {}  # another amount, in another clause
    # fujian-pingtan-enforcement-2019: the decisions made are 处理决定数量 themselves
    assert facts("立案查处各类违法行为并作出行政处罚决定305起，全部予以公开。") == {
        "penalty": {("penalty.decisions", 305)}}
    assert facts("作出行政处罚决定305起较去年增长12%。") == {}  # a clause about the change: not read
    assert facts("公开行政处罚类信息103条。") == {}  # information published (market-2019): no witness


# ---- narrowing ---------------------------------------------------------------------------------------------

ISSUED = Fact(rule="normative_documents.issued", columns=("issued", "new_made", "new_published"), value=15, quote="")
REPEALED = Fact(rule="normative_documents.repealed", columns=("repealed",), value=6, quote="")
COLUMNS = ("issued", "repealed", "in_force")
READINGS = [(1, 5, 621), (1, 56, 21), (15, 6, 21), (15, 62, 1), (156, 2, 1)]


def test_each_fact_keeps_the_readings_it_agrees_with():
    assert narrow(COLUMNS, READINGS, [ISSUED]).kept == (2, 3)
    both = narrow(COLUMNS, READINGS, [ISSUED, REPEALED])
    assert both.kept == (2,) and both.used == (ISSUED, REPEALED) and not both.disagreeing


def test_a_fact_no_reading_has_narrows_nothing():
    seven = Fact(rule="normative_documents.repealed", columns=("repealed",), value=7, quote="")
    found = narrow(COLUMNS, READINGS, [ISSUED, seven])
    assert found.kept == tuple(range(len(READINGS))) and found.disagreeing == (seven,) and not found.used
    # each fact has readings, but no reading has both: the prose and the digits disagree, nothing is taken
    one = Fact(rule="normative_documents.repealed", columns=("repealed",), value=56, quote="")
    found = narrow(COLUMNS, READINGS, [ISSUED, one])
    assert found.kept == tuple(range(len(READINGS))) and found.disagreeing


def test_a_fact_about_other_columns_or_every_reading_uses_nothing():
    assert narrow(("prev_count", "change", "decisions"), [(1, 2, 3), (12, 3, 0)], [ISSUED]).used == ()
    assert narrow(COLUMNS, [(15, 6, 21), (15, 62, 1)], [ISSUED]) == narrow(COLUMNS, [(15, 6, 21), (15, 62, 1)], [])


# ---- in the fitter -------------------------------------------------------------------------------------------


def test_one_split_left_is_taken_with_the_prose_quoted():
    overview = "2024年，我局废止规范性文件6件，制定规范性文件15件。"
    fitted = fit(*HEADER_2021, "行政规范性文件", "15621", overview=overview)
    assert fitted.values["normative_documents"] == {"issued": 15, "repealed": 6, "in_force": 21}
    assert codes(fitted) == {"glued.split_by_prose"}
    said = message(fitted, "glued.split_by_prose")
    assert "'制定规范性文件15件' (prose rule normative_documents.issued)" in said and "leaves 15 / 6 / 21" in said


def test_without_prose_the_row_stays_null():
    fitted = fit(*HEADER_2021, "行政规范性文件", "15621", overview="本年度未发生行政复议。")
    assert fitted.values["normative_documents"] == dict.fromkeys(COLUMNS)
    assert codes(fitted) == {"glued.ambiguous"}


def test_several_splits_left_give_the_cells_they_share():
    # fujian-pingtan-agriculture-2022: '5125' is 5 / 1 / 25, 5 / 12 / 5 or 51 / 2 / 5; the prose says 5 made
    fitted = fit(*HEADER_2021, "行政规范性文件", "5125", overview="2022年，我局共制定规范性文件5件，已备案。")
    assert fitted.values["normative_documents"] == {"issued": 5, "repealed": None, "in_force": None}
    assert codes(fitted) == {"glued.narrowed_by_prose", "glued.ambiguous", "glued.cells_agreed"}
    assert "5 / 1 / 25; 5 / 12 / 5" in message(fitted, "glued.ambiguous")


def test_prose_no_split_has_is_never_taken():
    fitted = fit(*HEADER_2021, "行政规范性文件", "15621", overview="本年度制定规范性文件16件。")
    assert fitted.values["normative_documents"] == dict.fromkeys(COLUMNS)
    assert codes(fitted) == {"glued.prose_disagrees", "glued.ambiguous"}
    assert "'本年度制定规范性文件16件'" in message(fitted, "glued.prose_disagrees")


def test_a_value_the_table_gave_is_never_overridden():
    overview = "本年度制定规范性文件16件。"
    glued = fit(*HEADER_2021, "行政规范性文件", "3", "0", "24", overview=overview)  # one split: the table's
    assert glued.values["normative_documents"] == {"issued": 3, "repealed": 0, "in_force": 24}
    tokens = tokens_of([Paragraph(text=t) for t in (*HEADER_2021, "行政规范性文件", "15", "6", "21")])
    cells = fit_proactive(tokens, prose=prose_facts(overview))  # not glued: cells as printed
    assert cells.values["normative_documents"] == {"issued": 15, "repealed": 6, "in_force": 21}
    assert not {"glued.split_by_prose", "glued.prose_disagrees"} & codes(glued) | codes(cells)


def test_signed_runs_of_the_2019_columns():
    # fujian-pingtan-market-2019: '行政许可20+1737' is 20 / +17 / 37 (本年增/减 printed with its sign) or three other
    # cuts; the overview's 行政许可类37条 counts information, not decisions: 本年增/减 and 处理决定数量 stay null, every
    # cut listed; 上一年 is 20 in every cut where the sign starts 本年增/减 (2 / 0 / +1737 is no reading)
    assert split_run(["20", "+1737"], 3) == [(20, 1, 737), (20, 17, 37), (20, 173, 7), (2, 0, 1737)]
    assert split_run(["20", "+1737"], 3, signed=[1]) == [(20, 1, 737), (20, 17, 37), (20, 173, 7)]
    fitted = fit(*HEADER_2019_LICENSING, "行政许可", "20", "+1737", overview="其中行政许可类37条，行政处罚类103条。")
    assert fitted.values["licensing"] == {"prev_count": 20, "change": None, "decisions": None}
    assert "20 / 17 / 37" in message(fitted, "glued.ambiguous")


def test_an_amount_in_yuan_meets_the_record_in_wan():
    # fujian-pingtan-office-2020: 197 projects, 3601627.4 元 = 360.16274 万元
    fitted = fit(*HEADER_2019_PROCUREMENT, "政府集中采购", "1973601627.4元",
                 overview="四是推进采购信息公开。全年共发布采购信息197批次涉及金额3601627.4元。")
    assert fitted.values["procurement"] == {"projects": 197, "amount_wan": 360.16274}
    assert codes(fitted) == {"glued.split_by_prose"}


def test_penalty_decisions_the_prose_states_fix_the_decisions_cell():
    # fujian-pingtan-enforcement-2019: '11910305' cuts four ways with 305 decisions; the other cells stay null
    overview = "立案查处各类违法行为并作出行政处罚决定305起，全部予以公开。"
    fitted = fit(*HEADER_2019_LICENSING, "行政处罚", "11910305", overview=overview)
    assert fitted.values["penalty"] == {"prev_count": None, "change": None, "decisions": 305}
    assert {"glued.narrowed_by_prose", "glued.cells_agreed"} <= codes(fitted)
    without = fit(*HEADER_2019_LICENSING, "行政处罚", "11910305", overview="本年度未发生行政复议。")
    assert without.values["penalty"] == dict.fromkeys(("prev_count", "change", "decisions"))


def test_procurement_notices_with_their_total_fix_the_split():
    # fujian-pingtan-office-2019: '215419886元' cuts eight ways; the prose's 21条共5419886元 leaves one
    fitted = fit(*HEADER_2019_PROCUREMENT, "政府集中采购", "215419886元",
                 overview="四是推进采购信息公开。今年共发布采购信息21条共5419886元。")
    assert fitted.values["procurement"] == {"projects": 21, "amount_wan": 541.9886}
    assert codes(fitted) == {"glued.split_by_prose"}


# ---- whole reports -------------------------------------------------------------------------------------------

APPROVAL_2025 = (GATHERED / "fujian-pingtan-approval-2025.txt").read_text(encoding="utf-8")
STATED = "2025年新制发规范性文件3件"


@pytest.mark.parametrize(("sentence", "values", "code"), [
    (STATED, {"issued": 3, "repealed": 0, "in_force": 24}, "glued.split_by_prose"),
    ("2025年新制发规范性文件30件", {"issued": 30, "repealed": 2, "in_force": 4}, "glued.split_by_prose"),
    ("2025年新制发规范性文件4件", dict.fromkeys(COLUMNS), "glued.prose_disagrees"),
    ("2025年新制发规范性文件3件，全年印发规范性文件30件", dict.fromkeys(COLUMNS), "glued.ambiguous"),
    ("2025年及时更新规范性文件库", dict.fromkeys(COLUMNS), "glued.ambiguous"),
], ids=["as-printed", "other-count", "no-split-has-it", "two-counts", "no-count"])
def test_a_real_crawler_text_read_with_its_overview(sentence, values, code, host):
    """fujian-pingtan-approval-2025 glues 行政规范性文件 '3024' (3 / 0 / 24 or 30 / 2 / 4); its overview says 3."""
    assert APPROVAL_2025.count(STATED) == 1
    text = APPROVAL_2025.replace(STATED, sentence)
    record = nianbao.parse_bytes(text.encode("utf-8"), "approval-2025.txt", host=host)
    assert record["proactive"]["normative_documents"] == values
    assert code in {i["code"] for i in record["issues"] if i["where"] == "proactive.normative_documents"}
