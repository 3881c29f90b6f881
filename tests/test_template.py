"""The template module: the cell parser and the label normaliser."""

from __future__ import annotations

import pytest

from nianbao import template as t
from nianbao.template import normalise_label, parse_cell


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", (0, None)),
        ("  0", (0, None)),
        (" 0", (0, None)),
        ("０", (0, None)),
        ("１２", (12, None)),
        ("1,234", (1234, None)),
        ("１，２３４", (1234, None)),
        ("3件", (3, t.UNIT_COUNT)),
        ("2笔", (2, t.UNIT_COUNT)),  # fujian-pingtan-finance-2020's procurement: 2 (笔, items of business)
        ("134.8万元", (134.8, t.UNIT_WAN)),
        ("1,348,000元", (1348000, t.UNIT_YUAN)),
        ("251000元", (251000, t.UNIT_YUAN)),
        ("134.8", (134.8, t.DECIMAL)),
        ("2.0", (2, None)),
        ("-3", (-3, None)),
        # a fall as typed: minus sign, Word's en dash, full-width and small hyphen-minus; a rise with ＋
        ("−2", (-2, None)),
        ("–2", (-2, None)),
        ("－2", (-2, None)),
        ("﹣2", (-2, None)),
        ("＋3", (3, None)),
        ("—2", (None, t.GARBAGE)),  # an em dash: "none" or a minus, not told apart
        ("–", (0, t.NONE_SPELLING)),
        ("– 6 –", (None, t.GARBAGE)),  # a page number
        ("—", (0, t.NONE_SPELLING)),
        ("-", (0, t.NONE_SPELLING)),
        ("/", (0, t.NONE_SPELLING)),
        ("无", (0, t.NONE_SPELLING)),
        ("--", (0, t.NONE_SPELLING)),
        ("", (None, t.BLANK)),
        ("   ", (None, t.BLANK)),
        ("\u3000", (None, t.BLANK)),
        ("\xa0", (None, t.BLANK)),
        ("abc", (None, t.GARBAGE)),
        ("规章", (None, t.GARBAGE)),
        ("1.属于国家秘密", (None, t.GARBAGE)),
        ("1.2.3", (None, t.GARBAGE)),
        # numbers apart in one cell: several values, never the digits run together
        ("1 2", (None, t.SEVERAL)),
        ("１ ２", (None, t.SEVERAL)),
        ("12 34", (None, t.SEVERAL)),
        ("0 000", (None, t.SEVERAL)),
        ("1,2", (None, t.SEVERAL)),
        ("3，0", (None, t.SEVERAL)),
        ("1 234,567", (None, t.SEVERAL)),
        ("1 0 0 0 0 0 1", (None, t.SEVERAL)),
        # thousands grouped by one separator, groups of exactly three digits: one number
        ("1 234", (1234, None)),
        ("1 234 567", (1234567, None)),
        ("12,345.6", (12345.6, t.DECIMAL)),
        ("1 234.5万元", (1234.5, t.UNIT_WAN)),
        ("3 件", (3, t.UNIT_COUNT)),
        ("予以 公开", (None, t.GARBAGE)),
        ("— 6 —", (None, t.GARBAGE)),  # a page number, not a row of values
    ],
)
def test_parse_cell(text, expected):
    value, note = parse_cell(text)
    assert (value, note) == expected
    assert type(value) is type(expected[0])


@pytest.mark.parametrize(
    ("label", "core"),
    [
        ("（三）1．属于国家秘密", "属于国家秘密"),
        ("1、属于国家秘密", "属于国家秘密"),
        ("(一) 予以公开", "予以公开"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开"),
        ("3.危及“三安全一稳定”", "危及三安全一稳定"),
        ("一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量"),
        ("5．要求行政机关确认或重新出\n具已获取信息", "要求行政机关确认或重新出具已获取信息"),
        ("自\n然\n人", "自然人"),
        ("本年\n新制作数量", "本年新制作数量"),
        ("本年增/减", "本年增减"),
        ("采购总金额（单位：万元，保留4位小数）", "采购总金额"),
        ("2、 主动公开政府信息情况", "主动公开政府信息情况"),
        ("6、 其他需要报告的事项（无）", "其他需要报告的事项"),
        ("法律服 务机构", "法律服务机构"),
        ("", ""),
    ],
)
def test_normalise_label(label, core):
    assert normalise_label(label) == core


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("一、总体情况 ", "overview"),
        ("2、 主动公开政府信息情况", "proactive"),
        ("三、收到和处理政府信息公开申请情况", "applications"),
        ("四、政府信息公开行政复议、行政诉讼情况", "review_litigation"),
        ("四、政府信息公开行政法复议、行政诉讼情况", "review_litigation"),
        ("     五、存在的主要问题及改进情况", "problems"),
        ("6、 其他需要报告的事项（无）", "other"),
        ("四、结转下年度继续办理", None),
        ("三、本年度办理结果", None),
        ("现将政府信息公开工作年度报告总结如下，总体情况良好，主动公开政府信息情况如下所述。", None),
    ],
)
def test_section_of_heading(heading, section):
    assert t.section_of_heading(heading) == section


def test_match_label_takes_a_truncated_label():
    assert t.match_label(normalise_label("5．要求行政机关确认或重新出"), t.APPLICATION_ROW_LOOKUP) == (
        "not_processed_confirmation")
    assert t.match_label("其他", t.APPLICATION_ROW_LOOKUP) == "other_misc"
    assert t.match_label("其", t.APPLICATION_ROW_LOOKUP) is None


def test_lookup_rejects_one_label_for_two_keys():
    with pytest.raises(ValueError, match="means both"):
        t._lookup([t.Label("a", ("规章",)), t.Label("b", ("规章",))])
    with pytest.raises(ValueError, match="no labels"):
        t._keyed([t.Label("a", ())])


def test_numeric_fields_cover_the_record():
    paths = [p for p, *_ in t.numeric_fields()]
    assert len(paths) == len(set(paths))
    assert "applications.granted.total" in paths
    assert "proactive.procurement.amount_wan" in paths
    assert "review_litigation.litigation_after_review.pending" in paths
    # 26 rows × 7 columns + 15 + every proactive column of either version
    assert len(paths) == 26 * 7 + 15 + sum(len(c) for c in t.proactive_fields().values())


def test_combine_versions():
    assert t.combine_versions(["2019", None, "2019"]) == "2019"
    assert t.combine_versions(["2021", "2019"]) == "mixed"
    assert t.combine_versions([None]) is None


@pytest.mark.parametrize(("label", "key"), [
    # fujian-pingtan-junshan-2025 prints 受理 for 处理 in both rows of （六）其他处理, and 法律和行政法规
    ("1.申请人无正当理由逾期不补正、行政机关不再受理其政府信息公开申请", "other_no_correction"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再受理其政府信息公开申请", "other_no_fee"),
    ("2.其他法律和行政法规禁止公开", "denied_prohibited_by_law"),
    # a cut-short print of either still needs the words that tell the two rows apart
    ("申请人逾期未按收费通知要求缴纳费用", "other_no_fee"),
    ("行政机关不再受理其政府信息公开申请", None),
    ("不再受理", None),
])
def test_reworded_rows_of_section_three_match_their_own_row(label, key):
    assert t.match_label(normalise_label(label), t.APPLICATION_ROW_LOOKUP) == key


def test_a_header_misspelt_without_its_year_is_only_new_published():
    """``本公开数量`` (fujian-pingtan-resources-2019: 本年新公开数量 with 年新 left out) is 本年新公开数量 and no other
    column: no other column's label starts, ends or holds it, nor it them."""
    typo = normalise_label("本公开数量")
    assert t.match_label(typo, t.PROACTIVE_COLUMN_LOOKUP) == "new_published"
    others = [norm for norm, key in t.PROACTIVE_COLUMN_LOOKUP.items() if key != "new_published"]
    assert not [other for other in others if typo in other or other in typo]
