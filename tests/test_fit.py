"""Table fitting on token streams: every mismatch an issue, never a shift."""

from __future__ import annotations

from nianbao.document import Cell, Paragraph, Table
from nianbao.fit import fit_applications, fit_proactive, fit_review, tokens_of

HEADER_3 = ["申请人情况", "自然人", "法人或其他组织", "总计",
            "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


def paragraphs(*texts):
    return tokens_of([Paragraph(text=t) for t in texts])


def codes(fitted):
    return {(i["where"] if isinstance(i, dict) else i.where, i.code) for i in fitted.issues}


def test_paragraph_layout_rebuilds_rows_and_keeps_a_short_row_from_shifting():
    fitted = fit_applications(paragraphs(
        *HEADER_3,
        "一、本年新收政府信息公开申请数量", *"1234567",
        "二、上年结转政府信息公开申请数量", "1", "2",  # two values only
        "三、本年度办理结果", "（一）予以公开", *"7654321",
    ))
    assert fitted.values["new_received"] == dict(zip(
        ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"),
        range(1, 8), strict=True))
    assert set(fitted.values["carried_over"].values()) == {None}
    assert fitted.values["granted"]["natural_person"] == 7
    assert ("applications.carried_over", "row.too_few_values") in codes(fitted)


def test_label_broken_over_two_paragraphs():
    fitted = fit_applications(paragraphs(
        *HEADER_3, "（五）不予处理", "5．要求行政机关确认或重新出", "具已获取信息", *"0000000",
    ))
    assert fitted.values["not_processed_confirmation"]["total"] == 0


def test_unknown_row_is_reported_not_assigned():
    fitted = fit_applications(paragraphs(
        *HEADER_3, "（一）予以公开", *"1000001", "（八）外星人申请", *"9999999", "（二）部分公开", *"0000000",
    ))
    assert fitted.values["granted"]["total"] == 1
    assert fitted.values["partially_granted"]["total"] == 0
    assert ("applications", "row.unknown") in codes(fitted)
    assert "外星人申请" in next(i.message for i in fitted.issues if i.code == "row.unknown")


def test_2021_other_handling_group_and_2019_single_row():
    rows_2021 = fit_applications(paragraphs(
        *HEADER_3, "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", *"0000000",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", *"0000000",
        "3.其他", *"1000001", "（七）总计", *"1000001",
    ))
    assert rows_2021.version == "2021"
    assert set(rows_2021.values) == {"other_no_correction", "other_no_fee", "other_misc", "total_handled"}
    rows_2019 = fit_applications(paragraphs(*HEADER_3, "（六）其他处理", *"0000000", "（七）总计", *"0000000"))
    assert rows_2019.version == "2019"
    assert set(rows_2019.values) == {"other_handling", "total_handled"}


def test_grid_blank_cells_are_null_and_label_padding_is_skipped():
    table = Table.from_texts([
        ["", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
        ["三、本年度办理结果", "（一）予以公开", "5", "", "", "", "", "", "5"],
        ["", "（二）部分公开", "0", "0", "0", "0", "0", "0", "0"],
    ])
    fitted = fit_applications(tokens_of([table]))
    assert fitted.values["granted"] == {"natural_person": 5, "commercial": None, "research": None,
                                        "social_welfare": None, "legal_service": None, "other_org": None,
                                        "total": 5}
    assert fitted.values["partially_granted"]["total"] == 0
    assert ("applications.granted", "cell.blank") in codes(fitted)


def test_proactive_versions_units_and_header_mismatch():
    fitted = fit_proactive(paragraphs(
        "第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数",
        "规章", "1", "0", "3", "行政规范性文件", "—", "0", "2",
        "第二十条第（八）项", "信息内容", "本年收费金额（单位：万元）", "行政事业性收费", "1,348,000元",
    ))
    assert fitted.version == "2021"
    assert fitted.values["regulations"] == {"issued": 1, "repealed": 0, "in_force": 3}
    assert fitted.values["normative_documents"] == {"issued": 0, "repealed": 0, "in_force": 2}
    assert fitted.values["fees"] == {"amount_wan": 134.8}
    assert ("proactive", "cell.none_spelling") in codes(fitted)


def test_proactive_amount_header_in_yuan():
    fitted = fit_proactive(paragraphs(
        "第二十条第（九）项", "信息内容", "采购项目数量", "采购总金额（元）", "政府集中采购", "3", "251000",
    ))
    assert fitted.values["procurement"] == {"projects": 3, "amount_wan": 25.1}


def test_review_takes_values_after_the_header():
    header = ["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉",
              "复议后起诉", *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2]
    fitted = fit_review(paragraphs("--", "--", *header, *[str(i) for i in range(15)]))
    assert fitted.values["review"] == {"upheld": 0, "corrected": 1, "other": 2, "pending": 3, "total": 4}
    assert fitted.values["litigation_after_review"]["total"] == 14
    assert not fitted.issues


def test_bare_value_row_under_two_labels_is_nobodys():
    """PDF text prints two labels together above one bare row of values: neither label gets it, by position."""
    tokens = paragraphs(*HEADER_3, "（三）不予公开", "5.属于三类内部事务信", "息", "（四）无法提供",
                        "1.本机关不掌握相关政", "府信息")
    tokens += tokens_of([Table.from_texts([["1", "0", "0", "0", "0", "0", "1"]])])
    tokens += paragraphs("2.没有现成信息需要另行制作", *"6000006")
    fitted = fit_applications(tokens)
    assert set(fitted.values["denied_internal_affairs"].values()) == {None}
    assert set(fitted.values["unavailable_not_held"].values()) == {None}
    assert fitted.values["unavailable_needs_creation"]["total"] == 6
    message = next(i.message for i in fitted.issues if i.code == "row.ambiguous_label")
    assert "5.属于三类内部事务信息" in message and "1.本机关不掌握相关政府信息" in message
    # one label waiting: the bare row is that label's, as before
    one = paragraphs(*HEADER_3, "1.本机关不掌握相关政府信息") + tokens_of([Table.from_texts([list("4000004")])])
    assert fit_applications(one).values["unavailable_not_held"]["total"] == 4


def test_cell_with_several_numbers_is_never_one_number():
    """``3 1`` in one cell (a table that lost a column rule) is not 31: the row is null, or split when only the
    split keeps the row's sums."""
    lost_rule = Table.from_texts([["（一）予以公开", "3 1", "0", "0", "0", "0", "4"]])
    fitted = fit_applications(paragraphs(*HEADER_3) + tokens_of([lost_rule]))
    assert set(fitted.values["granted"].values()) == {None}  # 31 and a missing 总计 35 would also add up
    assert ("applications.granted", "cell.several_values") in codes(fitted)
    whole_row = Table.from_texts([["（一）予以公开", "3 1 0 0 0 0 4"]])
    fitted = fit_applications(paragraphs(*HEADER_3) + tokens_of([whole_row]))
    assert list(fitted.values["granted"].values()) == [3, 1, 0, 0, 0, 0, 4]
    assert ("applications.granted", "cell.several_split") in codes(fitted)
    grouped = Table.from_texts([["（一）予以公开", "1 234", "0", "0", "0", "0", "0", "1,234"]])
    assert fit_applications(paragraphs(*HEADER_3) + tokens_of([grouped])).values["granted"]["total"] == 1234


def test_row_with_blank_cells_at_both_edges_is_cut_where_the_sums_allow():
    """A padding blank after the label and a blank 总计 at the end: only one reading keeps the sums."""
    table = Table.from_texts([["（一）予以公开", "", "0", "2", "—", "—", "0", "0", ""]])
    fitted = fit_applications(paragraphs(*HEADER_3) + tokens_of([table]))
    assert fitted.values["granted"] == {"natural_person": 0, "commercial": 2, "research": 0, "social_welfare": 0,
                                        "legal_service": 0, "other_org": 0, "total": None}  # blank: null
    assert ("applications.granted", "row.cut_by_sums") in codes(fitted)
    # both cuts possible (all zeros): one blank is a value printed blank, at natural_person or at 总计, and a
    # blank is null whichever it is: the cells both cuts read alike are taken, those two left null
    zeros = Table.from_texts([["（一）予以公开", "", "0", "0", "0", "0", "0", "0", ""]])
    fitted = fit_applications(paragraphs(*HEADER_3) + tokens_of([zeros]))
    assert fitted.values["granted"] == {"natural_person": None, "commercial": 0, "research": 0, "social_welfare": 0,
                                        "legal_service": 0, "other_org": 0, "total": None}
    assert ("applications.granted", "row.cut_by_sums") not in codes(fitted)
    assert ("applications.granted", "row.blank_edge_ambiguous") in codes(fitted)


def test_several_numbers_in_a_cell_of_section_two_leave_the_row_null():
    """Section 二 has no sums to tell ``1 2`` (two values) from 12 with a value missing: the row stays null."""
    fitted = fit_proactive(paragraphs("第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数",
                                      "规章", "1 2", "3", "行政规范性文件", "4", "0", "9"))
    assert set(fitted.values["regulations"].values()) == {None}
    assert fitted.values["normative_documents"] == {"issued": 4, "repealed": 0, "in_force": 9}
    assert ("proactive.regulations", "cell.several_values") in codes(fitted)


def test_a_sub_total_is_checked_only_against_all_its_group_s_rows():
    """（四）无法提供 printed with its sum: checked when its three rows are read, unchecked when one is not printed
    (the sum of the rest is no witness), never a row of the record either way."""
    rows = [("1．本机关不掌握相关政府信息", "1 1 0 0 0 0 2"), ("2．没有现成信息需要另行制作", "0 0 0 0 0 0 0"),
            ("3．补正后申请内容仍不明确", "0 1 0 0 0 0 1")]

    def fitted(*leaves):
        texts = [*HEADER_3, "（四）无法提供", "1", "2", "0", "0", "0", "0", "3"]
        for label, values in leaves:
            texts += [label, *values.split()]
        return fit_applications(paragraphs(*texts))

    whole = fitted(*rows)
    assert ("applications", "row.subtotal") in codes(whole)
    assert set(whole.values) == {"unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear"}
    short = fitted(rows[0], rows[2])  # the sum of the two rows printed is the sub-total, but a row is missing
    assert ("applications", "row.subtotal_unchecked") in codes(short)
    assert not {code for _, code in codes(short)} & {"row.subtotal", "row.unknown"}


def test_a_number_wrapped_over_lines_in_a_narrow_cell_is_read_whole_when_the_sums_say_so():
    """``（七）总计 ４０ ３３ 53 42 １８ １０ １９\\n６`` (a PDF cell too narrow for three full-width digits): 196, the
    row's sum; ``19\\n7`` where the sum wants neither reading, or two numbers on one line, stay null."""
    row = ["（七）总计", "４０", "３３", "53", "42", "１８", "１０", "１９\n６"]
    fitted = fit_applications(paragraphs(*HEADER_3, *row))
    assert fitted.values["total_handled"]["total"] == 196
    assert ("applications.total_handled", "cell.several_joined") in codes(fitted)
    for crowded in ("19\n7", "19 6"):
        fitted = fit_applications(paragraphs(*HEADER_3, "（七）总计", "40", "33", "53", "42", "18", "10", crowded))
        assert set(fitted.values["total_handled"].values()) == {None}, crowded


def test_a_cell_that_is_no_number_after_a_row_s_values_keeps_its_slot():
    """``| 二、上年结转… | | | 0 | 6 | 2 | 6 | 0 | 2 | 约16 |`` (Markdown or tab text: the label's merged slots blank):
    the last cell, no number, was read as the next row's label, and the row's six values slid right onto a padding
    slot (commercial 0 for 6 …: wrong values, red team 2). It keeps its slot: where the cells then match the columns
    only it is null; where blank padding would have to be cut, the whole row is."""
    label = "二、上年结转政府信息公开申请数量"
    header = Table.from_texts([["", "", "", *HEADER_3[1:2], *HEADER_3[4:9], "总计"]])
    for row, expected in (([label, "0", "6", "2", "6", "0", "2", "约16"], [0, 6, 2, 6, 0, 2, None]),
                          ([label, "", "", "0", "6", "2", "6", "0", "2", "约16"], [None] * 7)):
        fitted = fit_applications(tokens_of([header, Table.from_texts([row])]))
        assert list(fitted.values["carried_over"].values()) == expected
        assert ("applications.carried_over", "cell.unreadable") in codes(fitted) or (
            "applications.carried_over.total", "cell.unreadable") in codes(fitted)


def test_a_row_printed_twice_keeps_what_both_printings_agree_on_and_nothing_else():
    """A section 三 table printed for last year and this year (or per body): no printing wins by its position."""
    row = "一、本年新收政府信息公开申请数量"
    carried = "二、上年结转政府信息公开申请数量"
    fitted = fit_applications(paragraphs(*HEADER_3, row, *"1000001", "2021年", *HEADER_3, row, *"2000002",
                                         carried, *"0000000", carried, *"0000000"))
    assert fitted.values["new_received"] == {"natural_person": None, "commercial": 0, "research": 0,
                                             "social_welfare": 0, "legal_service": 0, "other_org": 0, "total": None}
    assert fitted.values["carried_over"]["total"] == 0
    assert {("applications.new_received.natural_person", "row.duplicate_disagrees"),
            ("applications.new_received.total", "row.duplicate_disagrees"),
            ("applications.carried_over", "row.duplicate")} <= codes(fitted)


def test_section_four_printed_twice_keeps_only_the_values_both_tables_agree_on():
    header = ["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉",
              "复议后起诉", *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2]
    this_year, last_year = ["0"] * 15, ["0"] * 15
    last_year[3] = last_year[4] = "2"
    fitted = fit_review(paragraphs("2021年", *header, *this_year, "2020年", *header, *last_year))
    assert fitted.values["review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": None, "total": None}
    assert fitted.values["litigation_direct"]["total"] == 0


def test_section_two_s_items_under_a_table_of_other_counts_are_no_items():
    template = ["第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可", "4572"]
    for order in ((*template, "信息类别", "公开数量（条）", "行政许可", "815", "政府集中采购", "748"),
                  ("信息类别", "公开数量（条）", "行政许可", "815", *template)):
        fitted = fit_proactive(paragraphs(*order))
        assert fitted.values == {"licensing": {"decisions": 4572}}
        assert ("proactive", "table.other_counts") in codes(fitted)


def test_section_two_s_item_printed_twice_is_null_where_the_printings_differ_whichever_has_headers():
    """A header may be lost on either printing (a caption glued to it, a header in other words): which printing stood
    under the template's headers says nothing of which is the report's."""
    for first, second in (("815", "4572"), ("4572", "815")):
        fitted = fit_proactive(paragraphs("行政许可", first, "第二十条第（五）项", "信息内容", "本年处理决定数量",
                                          "行政许可", second))
        assert fitted.values["licensing"] == {"decisions": None}
        assert ("proactive.licensing.decisions", "row.duplicate_disagrees") in codes(fitted)


def test_a_column_of_last_year_s_counts_in_section_two_is_left_out_by_its_place():
    for headers, values in ((["上年处理决定数量", "本年处理决定数量"], ["1116", "1140"]),
                            (["本年处理决定数量", "上年处理决定数量"], ["1140", "1116"])):
        fitted = fit_proactive(paragraphs("第二十条第（五）项", "信息内容", *headers, "行政许可", *values))
        assert fitted.values == {"licensing": {"decisions": 1140}} and fitted.version == "2021"
        assert ("proactive", "table.extra_column") in codes(fitted)
    fitted = fit_proactive(paragraphs("第二十条第（五）项", "信息内容", "上年处理决定数量", "本年处理决定数量",
                                      "行政许可", "1140"))
    assert "licensing" not in fitted.values  # one value for two columns: whose is it?
    assert ("proactive.licensing", "row.unplaced") in codes(fitted)



def test_blank_cells_after_a_row_s_values_beside_a_column_of_last_year_s_are_no_values():
    """A table whose header cell spanning three columns became a row of cells (Markdown: ``信息内容 | 上年处理决定数量 |
    本年处理决定数量 | ``): each item's row ends with a blank cell, no third value (red team 3, seeds 95-97)."""
    rows = (["第二十条第（五）项", "", "", ""], ["信息内容", "上年处理决定数量", "本年处理决定数量", ""],
            ["行政许可", "4821", "4845", ""])
    tokens = [(text, number) for number, row in enumerate(rows, 1) for text in row]
    assert fit_proactive(tokens).values == {"licensing": {"decisions": 4845}}
    # a value in the blank's place is a third value: whose is it?
    tokens[-1] = ("7", 3)
    assert "licensing" not in fit_proactive(tokens).values


def test_tokens_of_paragraphs_alone_and_between_tables():
    # paragraphs alone are read in one comprehension; a page number is no value only between two tables
    texts = ["规章", "6", "— 6 —", "第6页 共7页", "0"]
    assert tokens_of([Paragraph(text=t) for t in texts]) == [(t, -1) for t in texts]
    upper, lower = Table.from_texts([["规章", "1"]]), Table(rows=((Cell(text="行政许可"), Cell(text="2", col=1)),))
    blocks = [Paragraph(text="表"), upper, Paragraph(text="— 6 —"), lower, Paragraph(text="6")]
    assert tokens_of(blocks) == [("表", -1), ("规章", 1), ("1", 1), ("行政许可", 2), ("2", 2), ("6", -1)]
