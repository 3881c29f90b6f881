"""A statistics table printed more than once in its section, each printing under a caption (nianbao.printings): the
caption naming 合计 or the report's year says which printing is the report's; otherwise the printings' differences
stay null, and an issue says why."""

from __future__ import annotations

import json

import nianbao
from nianbao.fit import fit_review
from nianbao.printings import (
    captions,
    choose,
    other_tables,
    settle_printings,
    without_other_tables,
    year_headers,
)

from .conftest import DATA
from .test_fit import paragraphs
from .test_redteam3 import differences

EXAMPLES = DATA / "redteam3"
REVIEW_HEADER = ["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉",
                 "复议后起诉", *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2]
THIS_YEAR = ["0", "0", "0", "1", "1", *["0"] * 10]
LAST_YEAR = ["0", "0", "0", "2", "2", *["0"] * 10]


def settle(*texts, year=2021):
    tokens = paragraphs(*texts)
    return settle_printings(fit_review(tokens), tokens, fit_review, lambda: year, "review_litigation")


def codes(fitted):
    return {issue.code for issue in fitted.issues}


def test_the_caption_naming_the_report_s_year_chooses_its_printing_in_either_order():
    for texts in (("2021年度情况：", *REVIEW_HEADER, *THIS_YEAR, "2020年度情况：", *REVIEW_HEADER, *LAST_YEAR),
                  ("（2020年）", *REVIEW_HEADER, *LAST_YEAR, "（2021年）", *REVIEW_HEADER, *THIS_YEAR),
                  ("上年度", *REVIEW_HEADER, *LAST_YEAR, "本年度", *REVIEW_HEADER, *THIS_YEAR)):
        fitted = settle(*texts)
        assert fitted.values["review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}
        assert "table.printing_chosen" in codes(fitted) and "row.duplicate_disagrees" not in codes(fitted)


def test_the_合计_caption_chooses_its_printing_before_or_after_the_parts():
    part = ["0", "0", "0", "1", "1", *["0"] * 10]
    whole = ["0", "0", "0", "2", "2", *["0"] * 10]
    for texts in (("（一）局机关", *REVIEW_HEADER, *part, "（二）所属单位", *REVIEW_HEADER, *part,
                   "（三）合计", *REVIEW_HEADER, *whole),
                  ("合计", *REVIEW_HEADER, *whole, "（一）局机关", *REVIEW_HEADER, *part, "（二）所属单位",
                   *REVIEW_HEADER, *part)):
        fitted = settle(*texts)
        assert fitted.values["review"]["pending"] == 2 and fitted.values["review"]["total"] == 2


def test_captions_that_decide_nothing_leave_the_nulls_and_say_why():
    # neither caption names the report's year; the report's year unknown; a part printed under an unknown name
    # (the 合计's printing would run on over it: not one table)
    for texts, year, why in (
            (("2019年", *REVIEW_HEADER, *THIS_YEAR, "2020年", *REVIEW_HEADER, *LAST_YEAR), 2021,
             "no caption names the report's year, 2021"),
            (("2021年", *REVIEW_HEADER, *THIS_YEAR, "2020年", *REVIEW_HEADER, *LAST_YEAR), None,
             "the report's year is not known"),
            (("合计", *REVIEW_HEADER, *THIS_YEAR, "（一）执法大队", *REVIEW_HEADER, *LAST_YEAR, "（二）所属单位",
              *REVIEW_HEADER, *LAST_YEAR), 2021, "not one whole table")):
        fitted = settle(*texts, year=year)
        assert fitted.values["review"]["pending"] is None and fitted.values["review"]["upheld"] == 0
        undecided = [i for i in fitted.issues if i.code == "table.printing_undecided"]
        assert len(undecided) == 1 and why in undecided[0].message, texts


def test_column_headers_and_rows_labelled_with_a_year_are_no_captions():
    found = captions(paragraphs("项目", "2021年", "2020年", "同比", "本年新收政府信息公开申请数量", "18", "19", "-5%",
                                "年度", *REVIEW_HEADER, "2021年", *THIS_YEAR, "本年", *THIS_YEAR))
    assert found == []
    found = captions(paragraphs("2021年度情况：", *REVIEW_HEADER, *THIS_YEAR, "上年度", "", *REVIEW_HEADER))
    assert [(c.kind, c.year, c.relative) for c in found] == [("year", 2021, False), ("year", -1, True)]
    assert choose(found, 2021)[0] is found[0] and choose(found, 2022)[0] is None


def test_a_report_printing_a_section_for_two_years_or_per_body_reads_the_caption_s_printing():
    """W2 and W4 of docs/redteam3-failures.md, once null where the printings differ: every value read."""
    for stem in ("w2-subordinate-total-last", "w2-subordinate-review-total-first", "w4-two-years-review-this-first",
                 "w4-two-years-applications-last-first", "w4-two-years-proactive-last-first"):
        truth = json.loads((EXAMPLES / f"{stem}.truth.json").read_text(encoding="utf-8"))
        record = nianbao.parse_file(EXAMPLES / truth["file"])
        assert differences(record, truth) == [], stem
        assert "table.printing_chosen" in {issue["code"] for issue in record["issues"]}, stem


def test_a_report_whose_captions_name_neither_its_year_keeps_the_nulls(tmp_path):
    """The W4 example with last year's caption made this year's too: two printings under the report's year, so
    neither is chosen; the values they differ on stay null."""
    source = (EXAMPLES / "w4-two-years-review-this-first.txt").read_text(encoding="utf-8")
    assert source.count("2020年度情况：") == 1
    path = tmp_path / "r.txt"
    path.write_text(source.replace("2020年度情况：", "2021年度情况："), encoding="utf-8")
    record = nianbao.parse_file(path)
    assert record["year"] == 2021 and record["review_litigation"]["review"]["upheld"] is None
    undecided = [i for i in record["issues"] if i["code"] == "table.printing_undecided"]
    assert len(undecided) == 1 and "more than one caption names the report's year, 2021" in undecided[0]["message"]


def test_section_four_with_a_row_a_year_reads_the_row_of_the_report_s_year():
    """N9 of docs/redteam3-failures.md: a 年度 label column before the 15 values, a row for each year."""
    for labels in (("2021年", "2020年"), ("本年", "上年")):
        this, last = (labels[0], THIS_YEAR), (labels[1], LAST_YEAR)
        for rows in ((this, last), (last, this)):
            tokens = [("年度", 1), *((text, 1) for text in REVIEW_HEADER)]
            for number, (label, values) in enumerate(rows, 2):
                tokens += [(label, number), *((value, number) for value in values)]
            fitted = settle_printings(fit_review(tokens), tokens, fit_review, lambda: 2021, "review_litigation", 15)
            assert fitted.values["review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}
            assert "table.printing_chosen" in codes(fitted)
            # rows of 15 values are needed: the rule is not offered to a table of other widths
            fitted = settle_printings(fit_review(tokens), tokens, fit_review, lambda: 2021, "review_litigation", 5)
            assert fitted.values["review"]["pending"] is None


HEADER_3 = ["申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
            "其他"]


def table(*rows, first=1):
    """Tokens of a table: each row's cells under its own row id."""
    return [(text, number) for number, row in enumerate(rows, first) for text in row]


def test_a_table_of_other_counts_before_section_three_s_is_left_out():
    """N1 (项目 | 本年 | 上年 | 同比) and N2 (部门 | 新收申请 | … | 结转下年度) of docs/redteam3-failures.md: their rows
    named as the template's rows, read as them, made the template's own rows disagree."""
    from nianbao.fit import fit_applications

    row = "一、本年新收政府信息公开申请数量"
    template = table(HEADER_3[:4], HEADER_3[4:], [row, *"1000001"], ["（一）予以公开", *"1000001"],
                     ["四、结转下年度继续办理", *"0000000"], first=10)
    for other in (table(["项目", "2021年", "2020年", "同比"], ["本年新收政府信息公开申请数量", "1", "3", "-66.7%"]),
                  table(["部门", "新收申请", "予以公开", "结转下年度"], ["执法大队", "1", "0", "0"],
                        ["合计", "1", "0", "0"])):
        tokens = other + template
        fitted, rest = without_other_tables(fit_applications(tokens), tokens, fit_applications, "applications")
        assert fitted.values["new_received"]["total"] == fitted.values["granted"]["total"] == 1
        assert fitted.values["carried_forward"]["total"] == 0
        assert "table.other_table" in codes(fitted) and len(rest) == len(template)
    # a table headed 项目 with no comparison column is no such table; a table read right is left alone
    assert other_tables(table(["项目", "本年", "上年"], ["本年新收政府信息公开申请数量", "1", "3"])) == []
    fitted = fit_applications(template)
    assert without_other_tables(fitted, template, fit_applications, "applications") == (fitted, template)


def test_a_table_of_section_four_s_totals_by_year_after_its_table_is_left_out():
    """N3: ``年度 | 行政复议（件） | 行政诉讼（件）`` after 四's table; its header words were read as 四's groups."""
    tokens = table(REVIEW_HEADER[:2], REVIEW_HEADER[2:], THIS_YEAR,
                   ["年度", "行政复议（件）", "行政诉讼（件）"], ["2020年", "3", "1"], ["2021年", "1", "0"])
    whole = fit_review(tokens)
    assert whole.values["review"]["total"] is None
    fitted, _ = without_other_tables(whole, tokens, fit_review, "review_litigation")
    assert fitted.values["review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}


def test_the_null_class_examples_are_read_whole():
    """N1, N2, N3, N7, N8 and N9 of docs/redteam3-failures.md: every value, where they were null."""
    for stem in ("n1-yoy-before-applications", "n2-department-before-applications", "n3-review-years-after-review",
                 "n7-title-without-year", "n8-year-headers", "n9-review-two-rows"):
        truth = json.loads((EXAMPLES / f"{stem}.truth.json").read_text(encoding="utf-8"))
        record = nianbao.parse_file(EXAMPLES / truth["file"])
        assert differences(record, truth) == [], stem


def test_section_two_s_headers_naming_years_are_read_as_this_year_s_and_last_year_s():
    """N8: 二 of the 2019 form headed ``2020年新制作数量`` / ``2019年项目数量`` in a report on 2020."""
    from nianbao.fit import fit_proactive

    printed = ["第二十条第（一）项", "信息内容", "2020年新制作数量", "2020年新公开数量", "对外公开总数量",
               "规章", "1", "2", "3", "第二十条第（五）项", "信息内容", "2019年项目数量", "2020年增/减",
               "2020年处理决定数量", "行政许可", "4", "-1", "5"]
    tokens = year_headers(paragraphs(*printed), lambda: 2020)
    fitted = fit_proactive(tokens)
    assert fitted.values == {"regulations": {"new_made": 1, "new_published": 2, "total_published": 3},
                             "licensing": {"prev_count": 4, "change": -1, "decisions": 5}}
    assert fitted.version == "2019"
    # another year, or no year known: left as printed
    assert year_headers(paragraphs(*printed), lambda: 2022) == paragraphs(*printed)
    assert year_headers(paragraphs(*printed), lambda: None) == paragraphs(*printed)
    asked = []
    assert year_headers(paragraphs("规章", "1"), lambda: asked.append(1)) == paragraphs("规章", "1") and not asked


def test_a_table_of_other_counts_printed_a_cell_a_line_is_left_out_too():
    """The same tables in text a cell a line (no row marks): the header's cells up to the first row's label, then
    runs of as many cells, each a label and values (a 同比 change in per cent is one)."""
    from nianbao.fit import fit_applications

    template = [*HEADER_3, "一、本年新收政府信息公开申请数量", *"1000001", "（一）予以公开", *"1000001",
                "四、结转下年度继续办理", *"0000000"]
    for other in (["项目", "本年", "上年", "同比", "本年新收政府信息公开申请数量", "1", "3", "-66.7%", "予以公开", "1",
                   "1", "—"],
                  ["部门", "新收申请", "予以公开", "结转下年度", "执法大队", "1", "0", "0", "合计", "1", "0", "0"],
                  ["年度", "新收申请", "结转下年度", "2020年", "3", "1", "2021年", "1", "0"]):
        tokens = paragraphs(*other, *template)
        assert other_tables(tokens) == [range(0, len(other))]
        fitted, _ = without_other_tables(fit_applications(tokens), tokens, fit_applications, "applications")
        said = [i.message for i in fitted.issues if i.code == "table.other_table"]
        width = next(n for n, text in enumerate(other) if text.isdigit()) - 1  # the header: up to the first label
        assert len(said) == 1 and f"headed {' | '.join(other[:width])!r}" in said[0]
        assert fitted.values["new_received"]["total"] == fitted.values["granted"]["total"] == 1
        assert fitted.values["carried_forward"]["total"] == 0
    # the template's own table after a head word is not taken for one: its header runs on to its first label
    assert other_tables(paragraphs("部门", *template)) == []
