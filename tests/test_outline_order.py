"""The outline of a report with a dotted table of contents above sections numbered （一）…（六） (N5 of
docs/redteam3-failures.md), and of a report printing its sections in another order (N6)."""

from __future__ import annotations

import json

import nianbao
from nianbao.document import Document, Paragraph
from nianbao.outline import Outline

from .conftest import DATA
from .test_redteam3 import differences

HEADINGS = ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
            "存在的主要问题及改进情况", "其他需要报告的事项"]
NUMBERS = "一二三四五六"


def outline(*texts):
    return Outline.of(Document(blocks=tuple(Paragraph(text=t) for t in texts), format="text"))


def test_a_dotted_table_of_contents_opens_no_section():
    contents = [f"（{n}）{h}{'…' * 12}{i}" for i, (n, h) in enumerate(zip(NUMBERS, HEADINGS, strict=True), 1)]
    body = [line for n, h in zip(NUMBERS, HEADINGS, strict=True) for line in (f"（{n}）{h}", f"{h}的内容。")]
    found = outline("XX局2021年政府信息公开工作年度报告", "目  录", *contents, *body)
    assert [s.heading for s in found.sections.values()] == [f"（{n}）{h}" for n, h in zip(NUMBERS, HEADINGS,
                                                                                        strict=True)]
    assert found.text("problems") == "存在的主要问题及改进情况的内容。"
    # the same contents in dots: the same
    contents = [line.replace("…" * 12, "." * 20) for line in contents]
    assert outline("标题", *contents, *body).sections["overview"].heading == "（一）总体情况"


def test_a_section_printed_after_a_later_one_is_found_where_it_stands():
    order = [0, 1, 3, 2, 4, 5]
    found = outline("XX局2021年政府信息公开工作年度报告",
                    *[line for i in order for line in (f"{NUMBERS[i]}、{HEADINGS[i]}", f"第{NUMBERS[i]}部分的内容。")])
    assert list(found.sections) == ["overview", "proactive", "review_litigation", "applications", "problems", "other"]
    assert found.text("applications") == "第三部分的内容。" and found.text("review_litigation") == "第四部分的内容。"
    assert ("section.heading_reordered", "applications") in {(i.code, i.where) for i in found.issues()}


def test_a_missing_section_s_heading_after_the_last_section_or_unnumbered_opens_nothing():
    """A report without section 三 whose appendix after the signature repeats 三's heading (last year's table), or
    whose 三 heading, after 四's, is not numbered 三: section 三 stays missing."""
    body = [line for i in (0, 1, 3, 4, 5) for line in (f"{NUMBERS[i]}、{HEADINGS[i]}", f"第{NUMBERS[i]}部分的内容。")]
    found = outline("标题", *body, "XX局", "2022年1月20日", "附表", f"三、{HEADINGS[2]}", "上年的表。")
    assert "applications" not in found.sections
    found = outline("标题", *body[:6], f"（一）{HEADINGS[2]}", "内容。", *body[6:])
    assert "applications" not in found.sections


def test_the_examples_of_the_two_classes_are_read_whole():
    for stem in ("n5-contents-numbered", "n6-reorder-applications-review"):
        truth = json.loads((DATA / "redteam3" / f"{stem}.truth.json").read_text(encoding="utf-8"))
        record = nianbao.parse_file(DATA / "redteam3" / truth["file"])
        assert differences(record, truth) == [], stem


def test_sections_numbered_as_sub_items_printed_out_of_order_are_found_too():
    """``（四）…`` before ``（三）…``: a report numbering its six sections （一）…（六）."""
    lines = [line for i in (0, 1, 3, 2, 4, 5)
             for line in (f"（{NUMBERS[i]}）{HEADINGS[i]}", f"第{NUMBERS[i]}部分的内容。")]
    found = outline("XX局2021年政府信息公开工作年度报告", *lines)
    assert found.text("applications") == "第三部分的内容。" and found.text("review_litigation") == "第四部分的内容。"
    assert found.sections["applications"].found_by == "reordered"


def test_a_prose_section_printed_after_the_last_one_is_found_before_the_signature():
    """五 after 六, numbered either way: 五 opens where it stands; the signature is still peeled from the end."""
    for number in ("{}、", "（{}）"):
        lines = [line for i in (0, 1, 2, 3, 5, 4)
                 for line in (number.format(NUMBERS[i]) + HEADINGS[i], f"第{NUMBERS[i]}部分的内容。")]
        found = outline("XX局2021年政府信息公开工作年度报告", *lines, "XX局", "2022年1月20日")
        assert found.text("problems") == "第五部分的内容。" and found.text("other") == "第六部分的内容。"
        assert found.tail.date_line == "2022年1月20日"
    # a table section's heading after the last section is never taken (an appendix's), signed or not
    lines = [line for i in (0, 1, 3, 4, 5) for line in (f"{NUMBERS[i]}、{HEADINGS[i]}", f"第{NUMBERS[i]}部分的内容。")]
    assert "applications" not in outline("标题", *lines, f"三、{HEADINGS[2]}", "上年的表。").sections
