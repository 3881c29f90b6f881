"""The agreement rule: a short or long row is filled only when every reading the arithmetic allows agrees."""

from __future__ import annotations

import pytest

from nianbao.agree import Sums, agree
from nianbao.document import Paragraph
from nianbao.fit import fit_applications, fit_proactive, fit_review, tokens_of

from .test_fit import HEADER_3

ROW_SUM = Sums(equations=((tuple(range(6)), 6),), whole=frozenset(range(7)))
GROUPS = Sums(equations=tuple(((s, s + 1, s + 2, s + 3), s + 4) for s in (0, 5, 10)), whole=frozenset(range(15)))
REVIEW_HEADER = ["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉",
                 "复议后起诉", *(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)]


def paragraphs(*texts):
    return tokens_of([Paragraph(text=t) for t in texts])


def codes(fitted):
    return {(i.where, i.code) for i in fitted.issues}


def test_one_missing_zero_is_zero_wherever_it_was():
    found = agree([0] * 14, 15, GROUPS)
    assert found is not None and found.values == (0,) * 15 and found.readings == 15


@pytest.mark.parametrize(("printed", "width", "sums", "expected"), [
    # 1 2 0 0 0 3 for seven columns: a missing 总计 of 6, or a missing first column of 0 and 总计 3: they differ
    ([1, 2, 0, 0, 0, 3], 7, ROW_SUM, None),
    # no sums (section 二): a missing cell could be anything
    ([0, 0], 3, Sums(), None),
    # three printed values for two columns that are not all equal: dropping one gives different rows
    ([0, 5, 0], 2, Sums(), None),
    # a missing part whose total is 0: every reading closes it with 0
    ([0, 0, 0, 0, 0, 0], 7, ROW_SUM, (0,) * 7),
    # a long row whose surplus makes the sum fail in every reading but one
    ([1, 1, 0, 0, 0, 0, 0, 2], 7, ROW_SUM, (1, 1, 0, 0, 0, 0, 2)),
    # two readings keep the sum but give different rows: 2 2 2 + (2) vs (2)...: stays null
    ([2, 2, 0, 0, 0, 0, 2, 2], 7, ROW_SUM, None),
    # six 5s: a missing part would make 总计 5 less than the parts printed; only a missing 总计 of 30 is left
    ([5, 5, 5, 5, 5, 5], 7, ROW_SUM, (5, 5, 5, 5, 5, 5, 30)),
    # nothing keeps the sum: no reading, no value
    ([5] * 8, 7, ROW_SUM, None),
    # too far off: not read
    ([0] * 10, 15, GROUPS, None),
])
def test_readings(printed, width, sums, expected):
    found = agree(printed, width, sums)
    assert (found.values if found else None) == expected


def test_section_three_short_row_filled_only_when_the_sum_fixes_it():
    fitted = fit_applications(paragraphs(
        *HEADER_3,
        "一、本年新收政府信息公开申请数量", *"000000",  # six zeros: every reading gives seven zeros
        "二、上年结转政府信息公开申请数量", "1", "2", "0", "0", "0", "3",  # 总计 6 or first column 0: disagree
    ))
    assert fitted.values["new_received"] == dict.fromkeys(fitted.values["new_received"], 0)
    assert ("applications.new_received", "row.values_agree") in codes(fitted)
    assert set(fitted.values["carried_over"].values()) == {None}
    assert ("applications.carried_over", "row.too_few_values") in codes(fitted)


def test_section_two_long_row_of_equal_values_and_one_of_unequal():
    header = ["信息内容", "上一年项目数量", "本年增/减"]
    fitted = fit_proactive(paragraphs(
        "第二十条第（八）项", *header, "行政事业性收费", "0", "0", "0",
        "第二十条第（九）项", "信息内容", "采购项目数量", "采购总金额", "政府集中采购", "3", "0", "12.5",
    ))
    assert fitted.values["fees"] == {"prev_count": 0, "change": 0}
    assert set(fitted.values["procurement"].values()) == {None}
    assert ("proactive.procurement", "row.too_many_values") in codes(fitted)


def test_section_four_missing_cell_in_a_group_with_values_stays_null_when_readings_differ():
    # 14 values: group 行政复议 prints 1 0 0 1 (five slots, four printed): 1 0 0 1 + total 2? or 1 0 0 (0) 1? ...
    values = ["1", "0", "0", "1", *["0"] * 10]
    fitted = fit_review(paragraphs(*REVIEW_HEADER, *values))
    assert fitted.values["review"]["upheld"] is None
    assert ("review_litigation", "row.too_few_values") in codes(fitted)


def test_section_four_groups_apart_each_group_stands_alone():
    fitted = fit_review(paragraphs(
        "行政复议", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "1", "0", "0", "0", "1",
        "行政诉讼（未经复议直接起诉）", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "2", "3",  # broken
        "行政诉讼（复议后起诉）", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "0", "0", "0", "0", "0",
    ))
    assert fitted.values["review"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}
    assert set(fitted.values["litigation_direct"].values()) == {None}
    assert fitted.values["litigation_after_review"]["total"] == 0
    assert ("review_litigation.litigation_direct", "row.too_few_values") in codes(fitted)


def test_glued_section_four_one_inconsistent_group_does_not_take_the_others_down():
    # 行政复议 10 0 0 0 10, 未经复议直接起诉 printed inconsistent (1 0 0 0 5), 复议后起诉 0 0 0 0 0: glued, 17 digits
    # (with 15, a digit a cell, every group is read as printed: tests/test_glued.py)
    glued = "1000010" + "10005" + "00000"
    fitted = fit_review(paragraphs(*REVIEW_HEADER, glued), glued=True)
    assert fitted.values["review"] == {"upheld": 10, "corrected": 0, "other": 0, "pending": 0, "total": 10}
    assert set(fitted.values["litigation_direct"].values()) == {None}
    assert fitted.values["litigation_after_review"] == dict.fromkeys(fitted.values["review"], 0)
    assert ("review_litigation.litigation_direct", "glued.group_unresolved") in codes(fitted)
    assert ("review_litigation", "glued.groups_alone") in codes(fitted)


def test_glued_section_four_that_splits_one_way_is_unchanged():
    glued = "21317000001324019"
    fitted = fit_review(paragraphs(*REVIEW_HEADER, glued), glued=True)
    assert fitted.values["litigation_after_review"] == {"upheld": 13, "corrected": 2, "other": 4, "pending": 0,
                                                        "total": 19}
    assert not any(i.code.startswith("glued.group") for i in fitted.issues)
