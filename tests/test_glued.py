"""Glued crawler text (issue 13): a unique split by digit count, the agreement rule, and prose glued to rows.

- A run with exactly as many digits as cells splits one way only (a digit a cell): those are the printed
  numbers even when they break the template's sums; the checks report the break (``glued.split_by_count``).
- A run with fewer digits than cells lost a cell: its values are taken only when every cut and every
  position of the lost cell the sums allow gives the same numbers (``glued.values_agree``); otherwise null.
- Prose glued after a table's last digits (``02025年，我局…``, ``…0000我局严格…``) is cut off the run where a
  year or the body speaking of itself starts, and nowhere else.
"""

from __future__ import annotations

import pytest

import nianbao
from nianbao.agree import Sums
from nianbao.checks import applications_row_total
from nianbao.document import Document, Paragraph
from nianbao.fit import fit_applications, fit_proactive, fit_review
from nianbao.glued import agreed_split, split_by_count, unglue
from nianbao.template import APPLICATION_COLUMNS

from .conftest import REAL
from .test_agree import REVIEW_HEADER, codes, paragraphs
from .test_fit import HEADER_3
from .test_pingtan import EXPECTED

ROW_SUM = Sums(equations=((tuple(range(6)), 6),), whole=frozenset(range(7)))
GROUPS = Sums(equations=tuple(((s, s + 1, s + 2, s + 3), s + 4) for s in (0, 5, 10)), whole=frozenset(range(15)))
ZEROS = (0,) * 7


@pytest.mark.parametrize(("runs", "width", "expected"), [
    (["1000000"], 7, (1, 0, 0, 0, 0, 0, 0)),
    (["10", "00000"], 7, (1, 0, 0, 0, 0, 0, 0)),
    (["０１０"], 3, (0, 1, 0)),  # full-width digits are digits
    (["3件"], 1, (3,)),  # a count's unit is no digit
    (["100000"], 7, None),  # a digit short
    (["10000000"], 7, None),  # a digit too many: cut by other means, or not at all
    (["1-00000"], 7, None),  # a sign: not a digit a cell
    (["1.00000"], 7, None),  # a decimal point: not a digit a cell
])
def test_split_by_count(runs, width, expected):
    assert split_by_count(runs, width) == expected


@pytest.mark.parametrize(("runs", "width", "sums", "expected"), [
    # six zeros for seven cells, spaced or not: 0 wherever the lost cell was
    (["0", "00000"], 7, ROW_SUM, (ZEROS, 7)),
    (["000000"], 7, ROW_SUM, (ZEROS, 7)),
    (["0"] * 6, 7, ROW_SUM, (ZEROS, 7)),
    # 1 and five zeros: a lost 总计 is 1; a lost part would leave 总计 0 under a 1: only one reading is left
    (["1", "00000"], 7, ROW_SUM, ((1, 0, 0, 0, 0, 0, 1), 1)),
    # glued, 100000 may also be 10 0 0 0 0 with two cells lost, and then a lost 总计 and part leave the part free
    (["100000"], 7, ROW_SUM, None),
    # 8 0 0 0 0 8: a lost 总计 of 16, or a lost 0 somewhere with 总计 8: the readings differ
    (["800008"], 7, ROW_SUM, None),
    # five zeros for seven cells: a lost 总计 and a lost part leave the part free
    (["00000"], 7, ROW_SUM, None),
    # as many digits as cells: nothing says a cell was lost
    (["0000000"], 7, ROW_SUM, None),
    # no sums (section 二): a lost cell could be anything
    (["00"], 3, Sums(whole=frozenset(range(3))), None),
    # fourteen zeros for section 四's fifteen cells: every group's lost cell is 0
    (["0" * 14], 15, GROUPS, ((0,) * 15, 15)),
    # 1 then four zeros for seven cells: 10 0 0 0 lost three cells, 1 0 0 0 0 two: some reading leaves a cell free
    (["10000"], 7, ROW_SUM, None),
])
def test_agreed_split(runs, width, sums, expected):
    assert agreed_split(runs, width, sums) == expected


def test_a_glued_row_with_a_digit_a_cell_is_taken_as_printed_and_the_checks_report_it():
    fitted = fit_applications(paragraphs(
        *HEADER_3,
        "一、本年新收政府信息公开申请数量", "0000000",
        "（七）总计", "1000000",  # 总计 0 under 自然人 1: the document's own error
    ), glued=True)
    assert fitted.values["total_handled"] == dict(zip(fitted.values["total_handled"], (1, 0, 0, 0, 0, 0, 0),
                                                      strict=True))
    assert ("applications.total_handled", "glued.split_by_count") in codes(fitted)
    assert ("applications.total_handled", "glued.no_split") not in codes(fitted)
    failing = {r.where for r in applications_row_total({"applications": fitted.values}) if not r.ok}
    assert failing == {"total_handled"}


def test_a_row_that_breaks_its_sum_is_no_witness_for_the_column_checks():
    # 部分公开 '110000011' splits as 11/0/…/11 or 1/10/…/11; the column sums would choose, but 总计 '1000000' is
    # printed broken (a digit a cell, 总计 0 under 1): the table is known wrong somewhere, so no choice is made;
    # the cells both splits give alike (its own sum holds in each) are still taken, as in section 二
    fitted = fit_applications(paragraphs(
        *HEADER_3,
        "一、本年新收政府信息公开申请数量", "110000011",
        "（二）部分公开", "110000011",
        "（七）总计", "1000000",
        "四、结转下年度继续办理", "0000000",
    ), glued=True)
    row = fitted.values["partially_granted"]
    assert row["natural_person"] is None and row["commercial"] is None
    assert [row[c] for c in list(APPLICATION_COLUMNS)[2:]] == [0, 0, 0, 0, 11]
    assert ("applications.partially_granted", "glued.cells_agreed") in codes(fitted)
    assert ("applications", "glued.checks_not_used") in codes(fitted)
    assert ("applications.partially_granted", "glued.ambiguous") in codes(fitted)


@pytest.mark.parametrize(("runs", "expected"), [
    (["0", "00000"], ZEROS),
    (["0", "0", "0", "0", "0", "0"], ZEROS),
    (["000000"], ZEROS),
])
def test_a_glued_row_a_cell_short_is_read_by_the_agreement_rule(runs, expected):
    fitted = fit_applications(paragraphs(*HEADER_3, "四、结转下年度继续办理", *runs), glued=True)
    assert tuple(fitted.values["carried_forward"].values()) == expected
    assert ("applications.carried_forward", "glued.values_agree") in codes(fitted)


def test_a_glued_row_a_cell_short_whose_readings_differ_stays_null():
    fitted = fit_applications(paragraphs(*HEADER_3, "四、结转下年度继续办理", "800008"), glued=True)
    assert set(fitted.values["carried_forward"].values()) == {None}
    assert ("applications.carried_forward", "glued.no_split") in codes(fitted)
    assert ("applications.carried_forward", "glued.values_agree") not in codes(fitted)


def test_a_glued_section_two_row_a_cell_short_stays_null():
    # section 二 has no sums: the lost cell could be anything
    fitted = fit_proactive(paragraphs("第二十条第（八）项", "信息内容", "上一年项目数量", "本年增/减",
                                      "行政事业性收费", "0"), glued=True)
    assert set(fitted.values["fees"].values()) == {None}
    assert ("proactive.fees", "glued.no_split") in codes(fitted)


def test_glued_section_four_a_digit_a_cell_is_taken_as_printed():
    # 行政复议 2 1 3 1 7, 未经复议直接起诉 printed inconsistent (1 0 0 0 5), 复议后起诉 0 0 0 0 0: fifteen digits
    fitted = fit_review(paragraphs(*REVIEW_HEADER, "21317" + "10005" + "00000"), glued=True)
    assert fitted.values["review"] == {"upheld": 2, "corrected": 1, "other": 3, "pending": 1, "total": 7}
    assert fitted.values["litigation_direct"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 5}
    assert fitted.values["litigation_after_review"] == dict.fromkeys(fitted.values["review"], 0)
    assert ("review_litigation", "glued.split_by_count") in codes(fitted)
    assert not any(code.startswith("glued.group") for _, code in codes(fitted))


def test_glued_section_four_fourteen_zeros_read_by_the_agreement_rule():
    fitted = fit_review(paragraphs(*REVIEW_HEADER, "0" * 14), glued=True)
    assert all(v == 0 for group in fitted.values.values() for v in group.values())
    assert ("review_litigation", "glued.values_agree") in codes(fitted)


#: fujian-pingtan-jinjing-2025: a section the template does not have glued after section 四's values, with its own
#: header and three zeros.
EXTRA_SECTION = ("五、信息处理费收取情况通知收取件数通知收取", "金额（元）", "实际收取", "金额（元）", "000")


def test_glued_section_four_ends_at_a_numbered_heading_after_its_values():
    fitted = fit_review(paragraphs(*REVIEW_HEADER, "21317" + "10001" + "00000", *EXTRA_SECTION), glued=True)
    assert fitted.values["review"] == {"upheld": 2, "corrected": 1, "other": 3, "pending": 1, "total": 7}
    assert fitted.values["litigation_direct"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}
    assert fitted.values["litigation_after_review"] == dict.fromkeys(fitted.values["review"], 0)
    assert ("review_litigation", "table.ends_at_heading") in codes(fitted)


def test_a_numbered_heading_before_section_fours_values_cuts_nothing():
    # no values before it: the heading is no end of a table (and 四's values, after it, are still looked for)
    fitted = fit_review(paragraphs(*REVIEW_HEADER, "五、信息处理费收取情况", "0" * 15), glued=True)
    assert ("review_litigation", "table.ends_at_heading") not in codes(fitted)


FILLER = "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政务公开工作。" * 20


def _glued(table_text: str) -> list[str]:
    """The paragraphs ``unglue`` makes of a one-line report around ``table_text`` (section 二's fee row)."""
    text = (f"一、总体情况{FILLER}二、主动公开政府信息情况第二十条第（八）项信息内容本年收费金额（单位：万元）"
            f"{table_text}三、收到和处理政府信息公开申请情况申请人情况自然人四、政府信息公开行政复议、行政诉讼情况"
            "五、存在的主要问题及改进情况无。六、其他需要报告的事项无。")
    document = unglue(Document(blocks=(Paragraph(text=text),), format="text"))
    return [block.text for block in document.blocks]


@pytest.mark.parametrize(("printed", "run", "prose"), [
    ("行政事业性收费02025年，我局严格按照规定公开。", "0", "2025年，我局严格按照规定公开。"),
    ("行政事业性收费12.52025年，我局公开。", "12.5", "2025年，我局公开。"),  # the year is the four digits before 年
    ("行政事业性收费0我局严格规范政府信息公开流程。", "0", "我局严格规范政府信息公开流程。"),
])
def test_prose_glued_after_a_run_is_cut_off_where_it_starts(printed, run, prose):
    blocks = _glued(printed)
    at = blocks.index("行政事业性收费")
    assert blocks[at + 1: at + 3] == [run, prose]


@pytest.mark.parametrize("printed", [
    "行政事业性收费025年来公开。",  # 25年: no year of this century, a count of years maybe: not cut
    "行政事业性收费0共计公开。",  # no sentence start the template knows: not cut
])
def test_a_run_glued_to_other_words_is_not_cut(printed):
    blocks = _glued(printed)
    at = blocks.index("行政事业性收费")
    assert blocks[at + 1] == printed.removeprefix("行政事业性收费")


@pytest.mark.parametrize(("printed", "runs"), [
    ("行政事业性收费16减12", ["16", "-12"]),  # 本年增/减 printed with 减 for its minus sign
    ("行政事业性收费3减0.5", ["3", "-0.5"]),
    ("行政事业性收费16减", ["16减"]),  # no number after it: no sign
    ("行政事业性收费16减少12", ["16减少12"]),  # a word, not a sign between two numbers
])
def test_a_minus_word_between_two_glued_numbers_is_a_minus_sign(printed, runs):
    blocks = _glued(printed)
    at = blocks.index("行政事业性收费")
    assert blocks[at + 1: at + 1 + len(runs)] == runs


def _glued_proactive(section_two: str) -> dict:
    """Section 二 of the record of a one-line report whose section 二 is ``section_two``."""
    text = (f"一、总体情况{FILLER}二、主动公开政府信息情况{section_two}"
            "三、收到和处理政府信息公开申请情况申请人情况自然人四、政府信息公开行政复议、行政诉讼情况"
            "五、存在的主要问题及改进情况无。六、其他需要报告的事项无。")
    return nianbao.parse_bytes(text.encode(), "glued-section-two.txt")["proactive"]


def test_a_glued_fee_row_with_a_minus_word_reads_as_a_decrease():
    """fujian-pingtan-agriculture-2019's fee row under the 2019 header: 上一年 16, 本年增/减 -12."""
    proactive = _glued_proactive("第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费16减12"
                                 "第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购 1 5元")
    assert proactive["fees"] == {"prev_count": 16, "change": -12}


def test_a_glued_row_with_a_plus_sign_reads_as_its_only_split():
    """fujian-pingtan-office-2019: 行政许可 '0+11' is 上一年 0, 本年增/减 +1, 处理决定 1, the only cut."""
    proactive = _glued_proactive("第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可0+11"
                                 "其他对外管理服务事项000")
    assert proactive["licensing"] == {"prev_count": 0, "change": 1, "decisions": 1}
    assert proactive["other_services"] == {"prev_count": 0, "change": 0, "decisions": 0}


def test_a_sign_starts_the_change_column_only():
    """fujian-pingtan-market-2019: 行政许可 '20+1737' cuts three ways (20 / +1 / 737, 20 / +17 / 37, 20 / +173 / 7);
    ``+1737`` under 处理决定数量 (2 / 0 / +1737) is no reading, since a sign starts 本年增/减 only, so 上一年 20 is
    what every reading gives and is taken; the other two cells stay null."""
    text = (f"一、总体情况{FILLER}二、主动公开政府信息情况第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量"
            "行政许可20+1737其他对外管理服务事项000三、收到和处理政府信息公开申请情况申请人情况自然人"
            "四、政府信息公开行政复议、行政诉讼情况五、存在的主要问题及改进情况无。六、其他需要报告的事项无。")
    record = nianbao.parse_bytes(text.encode(), "glued-section-two.txt")
    assert record["proactive"]["licensing"] == {"prev_count": 20, "change": None, "decisions": None}
    codes = {(i["code"], i["where"]) for i in record["issues"]}
    assert {("glued.ambiguous", "proactive.licensing"), ("glued.cells_agreed", "proactive.licensing")} <= codes


def test_a_header_misspelt_without_its_year_is_still_its_column():
    """fujian-pingtan-resources-2019: 本年新公开数量 printed 本公开数量 (年新 left out); 规章 000 is 0 / 0 / 0."""
    proactive = _glued_proactive("第二十条第（一）项信息内容本年新制作数量本公开数量对外公开总数量规章000规范性文件3"
                                 " 2 5第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购 1 5元")
    assert proactive["regulations"] == {"new_made": 0, "new_published": 0, "total_published": 0}
    assert proactive["normative_documents"] == {"new_made": 3, "new_published": 2, "total_published": 5}


@pytest.mark.parametrize(("printed", "values"), [
    ("政府集中采购 2笔 984361元", {"projects": 2, "amount_wan": 98.4361}),  # fujian-pingtan-finance-2020
    ("政府集中采购2笔984361元", {"projects": 2, "amount_wan": 98.4361}),  # cut after the count's unit
    ("政府集中采购 1个 246900元", {"projects": 1, "amount_wan": 24.69}),
])
def test_a_glued_procurement_count_with_its_unit_is_the_projects(printed, values):
    proactive = _glued_proactive(f"第二十条第（九）项信息内容采购项目数量采购总金额{printed}")
    assert proactive["procurement"] == values


def test_real_crawler_text_with_prose_glued_to_its_rows_reads_as_printed(host):
    """平潭 2024 with what 平潭 市场监管 2025 prints: prose glued after the fee, after 结转 and after section 四's
    digits (with 行政诉讼 inside it), and the row label 属于行政执法案件 (案件 for 案卷): every table as before."""
    text = (REAL / "pingtan-2024.txt").read_text(encoding="utf-8")
    changes = {
        "行政事业性收费18651.06三、": "行政事业性收费18651.062024年，我局严格按照《条例》规定的范围公开信息。三、",
        "结转下年度继续办理0000000四、": "结转下年度继续办理00000002024年，我局共收到政府信息公开申请218件。四、",
        "21317000001324019五、": "21317000001324019我局严格规范政府信息公开流程，强化内部审核监督，确保公开内容合法"
                                 "合规、答复程序规范有序，有效防范了相关法律风险，未发生因政府信息公开工作引发的相关"
                                 "行政诉讼案件。五、",
        "7.属于行政执法案卷": "7.属于行政执法案件",
    }
    for old, new in changes.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    record = nianbao.parse_bytes(text.encode(), "pingtan-2024-prose.txt", host=host)
    expected = EXPECTED["pingtan-2024.txt"]
    for table in ("proactive", "applications", "review_litigation"):
        assert record[table] == expected[table], table
