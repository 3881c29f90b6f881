"""The Markdown reader: OCR and PDF-to-text output, pipe tables and HTML tables, into the Document model."""

from __future__ import annotations

import pytest

import nianbao
from nianbao import Paragraph, SourceInfo, Table
from nianbao.host import build_host
from nianbao.plugins.markdown import MarkdownReader, split_row

from .conftest import PEER

#: A real 2025 report after OCR to Markdown, saved as .txt (OCR read 沭 as 沐).
SHUYANG_OCR = (PEER / "KIROGOVCOMPARE"
               / "沭阳县人民政府2025年政府信息公开工作年度报告-沭阳县人民政府.txt")
#: Section 三 of that file as printed (columns: 自然人, the five 法人或其他组织 columns, 总计).
SHUYANG_APPLICATIONS = {
    "new_received": [705, 3, 0, 0, 5, 0, 713],
    "carried_over": [36, 0, 0, 0, 0, 0, 36],
    "granted": [290, 1, 0, 0, 3, 0, 294],
    "partially_granted": [99, 0, 0, 0, 2, 0, 101],
    "denied_state_secret": [0] * 7,
    "denied_prohibited_by_law": [0] * 7,
    "denied_three_safety_one_stability": [2, 0, 0, 0, 0, 0, 2],
    "denied_third_party": [2, 0, 0, 0, 0, 0, 2],
    "denied_internal_affairs": [13, 0, 0, 0, 0, 0, 13],
    "denied_process_info": [2, 0, 0, 0, 0, 0, 2],
    "denied_enforcement_file": [4, 0, 0, 0, 0, 0, 4],
    "denied_query_matter": [9, 0, 0, 0, 0, 0, 9],
    "unavailable_not_held": [111, 0, 0, 0, 0, 0, 111],
    "unavailable_needs_creation": [2, 0, 0, 0, 0, 0, 2],
    "unavailable_unclear": [0] * 7,
    "not_processed_petition": [12, 0, 0, 0, 0, 0, 12],
    "not_processed_duplicate": [6, 1, 0, 0, 0, 0, 7],
    "not_processed_publication": [0] * 7,
    "not_processed_excessive": [0] * 7,
    "not_processed_confirmation": [0] * 7,
    "total_handled": [710, 3, 0, 0, 5, 0, 718],
    "carried_forward": [31, 0, 0, 0, 0, 0, 31],
}


@pytest.fixture(scope="module")
def host():
    return build_host(entry_points=False)


def read(text: str, name: str = "report.md"):
    return MarkdownReader().read(text.encode(), SourceInfo.from_uri(name))


def test_a_real_ocr_report_saved_as_txt(host):
    record = nianbao.parse_bytes(SHUYANG_OCR.read_bytes(), str(SHUYANG_OCR), host=host)
    assert (record["source"]["reader"], record["source"]["format"]) == ("markdown", "markdown")
    assert (record["agency"], record["year"]) == ("沐阳县人民政府", 2025)
    assert record["proactive"] == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 6, "repealed": 1, "in_force": 32},
        "licensing": {"decisions": 517645}, "penalty": {"decisions": 693957}, "enforcement": {"decisions": 2154},
        "fees": {"amount_wan": 4068.208}}
    applications = {row: list(values.values()) for row, values in record["applications"].items()}
    assert {row: applications[row] for row in SHUYANG_APPLICATIONS} == SHUYANG_APPLICATIONS
    assert record["review_litigation"] == {
        "review": {"upheld": 27, "corrected": 10, "other": 9, "pending": 15, "total": 61},
        "litigation_direct": {"upheld": 3, "corrected": 0, "other": 0, "pending": 0, "total": 3},
        "litigation_after_review": {"upheld": 8, "corrected": 0, "other": 1, "pending": 1, "total": 10}}
    codes = {issue["code"] for issue in record["issues"]}
    assert {"row.label_repeated", "table.groups_apart"} <= codes
    # （六） headed '(六) 其他', its first row under OCR's 类别|数据1|…|总计 header row and the other two under a
    # second, garbled header row: header rows label no row, so the three rows are read, and 三's checks hold
    assert applications["other_no_correction"] == [9, 0, 0, 0, 0, 0, 9]
    assert applications["other_no_fee"] == [7, 0, 0, 0, 0, 0, 7]
    assert applications["other_misc"] == [142, 1, 0, 0, 0, 0, 143]
    assert record["template"] == "2021"
    assert not [c for c in record["checks"] if not c["ok"]]


def test_pipe_tables_headings_and_inline_marks():
    document = read(
        "# **某局2021年政府信息公开工作年度报告**\n"
        "\n"
        "## 一、总体情况 ##\n"
        "> 本年度 [主动公开](http://x.gov.cn/a) 信息 ![图](a.png)12条。\n"
        "\n"
        "| 信息内容 | 本年制发件数<br>（件） | 备注 |\n"
        "|:---|---:|:---:|\n"
        "| 规章 | 1 | a \\| b |\n"
        "| 规范性文件 | 2 | |\n"
        "| 3 | 4 |\n"
        "|---|---|\n"
        "\n"
        "名称 | 数量\n"
        "---|---\n"
        "行政许可 | 5\n"
        "***\n"
        "小标题\n"
        "===\n")
    paragraphs = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert paragraphs == ["某局2021年政府信息公开工作年度报告", "一、总体情况", "本年度 主动公开 信息 12条。", "小标题"]
    tables = [[[c.text for c in row] for row in b.rows] for b in document.blocks if isinstance(b, Table)]
    assert tables == [
        [["信息内容", "本年制发件数\n（件）", "备注"], ["规章", "1", "a | b"], ["规范性文件", "2", ""]],
        [["3", "4"]],  # a row of another width: the next piece of a table the converter cut
        [["名称", "数量"], ["行政许可", "5"]],  # GitHub's table without outer pipes, known by its delimiter row
    ]


def test_pandoc_s_table_of_contents_and_bookmark_anchors_leave_their_text():
    """pandoc's Word table of contents (a link in a link) and a heading's bookmark anchor (inline HTML): the text
    only (red team 2: the sections opened at ``#_Toc0`` and every table was lost)."""
    document = read(
        "[一、总体情况 [1](#_Toc0)](#_Toc0)\n\n"
        '<span id="_Toc0" class="anchor"></span>**一、总体情况**\n\n'
        "[]{#_Toc1 .anchor}**二、主动公开政府信息情况**\n\n"
        "本年<sup>1</sup>共发布[信息]{.underline}。\n")
    assert [b.text for b in document.blocks] == ["一、总体情况 1", "一、总体情况", "二、主动公开政府信息情况",
                                                 "本年1共发布信息。"]


def test_a_grid_table_s_cell_over_several_lines_is_one_cell():
    """pandoc's grid table (``-t markdown`` for cells with line breaks): a row runs from border to border, each
    column's lines one cell, ``\\`` at a line's end a hard break (red team 2: ``本年新制作\\`` was no header and
    ``其他对\\`` no row)."""
    document = read(
        "+--------------------+-----------------+\n"
        "| 信息内容           | 本年新制作\\     |\n"
        "|                    | 数量            |\n"
        "+====================+=================+\n"
        "| 其他对\\            | 11              |\n"
        "| 外管理服务事项     |                 |\n"
        "+--------------------+-----------------+\n"
        "| 行政许可 licensing | 5               |\n"
        "| items              |                 |\n"
        "+--------------------+-----------------+\n"
        "\n"
        "正文。\n")
    tables = [[[c.text for c in row] for row in b.rows] for b in document.blocks if isinstance(b, Table)]
    assert tables == [[["信息内容", "本年新制作\n数量"], ["其他对\n外管理服务事项", "11"],
                       ["行政许可 licensing items", "5"]]]
    assert [b.text for b in document.blocks if isinstance(b, Paragraph)] == ["正文。"]


def test_pandoc_s_multiline_and_simple_tables_are_read_by_column():
    """pandoc ``-t markdown`` prints tables whose cells hold line breaks as multiline tables (columns aligned by
    spaces under dash runs, a CJK character two columns wide, rows apart by blank lines) and others as simple
    tables (a row a line): read by column (red team 2: every header and label broken, section 二 absent)."""
    document = read(
        "  ----------------------------------------------\n"
        "  第二十条第（一\\\n"
        "  ）项\n"
        "  -------------------- ---------------- --------\n"
        "  信息\\                本年制发件\\      现行\n"
        "  内容                 数               有效\n"
        "\n"
        "  规章                 ２               2\n"
        "  ----------------------------------------------\n"
        "\n"
        "  名称       数量\n"
        "  ---------- ------\n"
        "  行政许可   5\n"
        "  行政处罚   \n"
        "\n"
        "正文。\n")
    tables = [[[c.text for c in row] for row in b.rows] for b in document.blocks if isinstance(b, Table)]
    assert tables == [
        [["第二十条第（一\n）项", "", ""], ["信息\n内容", "本年制发件\n数", "现行有效"], ["规章", "２", "2"]],
        [["名称", "数量"], ["行政许可", "5"], ["行政处罚", ""]],
    ]
    assert [b.text for b in document.blocks if isinstance(b, Paragraph)] == ["正文。"]


def test_docling_s_merged_cells_printed_in_every_slot_are_spans_again():
    """Docling prints a merged cell's text in every slot it covers: a run of equal texts is one cell; a run of
    equal values only under a header run over the same columns (red team 2: a 2021 report read ``mixed``, its
    2021 rows given 2019's columns)."""
    document = read(
        "| 第二十条第（五）项 | 第二十条第（五）项 | 第二十条第（五）项 |\n"
        "|---|---|---|\n"
        "| 信息内容 | 本年处理决定数量 | 本年处理决定数量 |\n"
        "| 行政许可 | 3183 | 3183 |\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 |\n"
        "| 规章 | 0 | 0 |\n")
    table = next(b for b in document.blocks if isinstance(b, Table))
    assert [[None if c is None else (c.text, c.colspan) for c in row] for row in table.rows] == [
        [("第二十条第（五）项", 3), None, None],
        [("信息内容", 1), ("本年处理决定数量", 2), None],
        [("行政许可", 1), ("3183", 2), None],
        [("信息内容", 1), ("本年制发件数", 1), ("本年废止件数", 1)],
        [("规章", 1), ("0", 1), ("0", 1)],  # two zeros under two headers
    ]


SECTION_FOUR_HTML = (
    "## 四、政府信息公开行政复议、行政诉讼情况\n"
    '<table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>\n'
    '<tr><td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td>'
    '<td rowspan="2">尚未审结</td><td rowspan="2">总计</td><td colspan="5">未经复议直接起诉</td>'
    '<td colspan="5">复议后起诉</td></tr>\n'
    "<tr>" + "".join(f"<td>{w}</td>" for w in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)
    + "</tr>\n<tr>" + "".join(f"<td>{v}</td>" for v in [1, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 3])
    + "</tr></table>\n"
    "\n"
    "## 五、存在的主要问题及改进情况\n"
)


def test_an_html_table_block_keeps_its_spans(host):
    """MinerU writes tables with merged cells as HTML inside the Markdown: read by the HTML reader."""
    document = read(SECTION_FOUR_HTML)
    [table] = [b for b in document.blocks if isinstance(b, Table)]
    assert (table.rows[0][0].colspan, table.rows[1][0].rowspan, table.rows[2][0]) == (5, 2, None)
    assert [b.text for b in document.blocks if isinstance(b, Paragraph)] == [
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况"]
    record = nianbao.parse_bytes(f"# 某局2021年政府信息公开工作年度报告\n\n{SECTION_FOUR_HTML}".encode(), "x.md",
                                 host=host)
    assert record["review_litigation"] == {
        "review": {"upheld": 1, "corrected": 0, "other": 1, "pending": 0, "total": 2},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
        "litigation_after_review": {"upheld": 3, "corrected": 0, "other": 0, "pending": 0, "total": 3}}


def test_section_four_as_one_table_per_group_in_any_order(host):
    report = (
        "# 某局2021年政府信息公开工作年度报告\n\n## 四、政府信息公开行政复议、行政诉讼情况\n\n"
        "### 行政诉讼（复议后起诉）\n| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n"
        "| 8 | 0 | 1 | 1 | 10 |\n\n"
        "### 行政复议\n| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n"
        "| 27 | 10 | 9 | 15 | 61 |\n\n"
        "### 行政诉讼（未经复议直接起诉）\n"
        "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n"
        "| 3 | 0 | 0 | 0 | 3 |\n\n## 五、存在的主要问题及改进情况\n无。\n")
    record = nianbao.parse_bytes(report.encode(), "report.md", host=host)
    assert record["review_litigation"] == {
        "review": {"upheld": 27, "corrected": 10, "other": 9, "pending": 15, "total": 61},
        "litigation_direct": {"upheld": 3, "corrected": 0, "other": 0, "pending": 0, "total": 3},
        "litigation_after_review": {"upheld": 8, "corrected": 0, "other": 1, "pending": 1, "total": 10}}
    assert any(issue["code"] == "table.groups_apart" for issue in record["issues"])


@pytest.mark.parametrize(
    ("name", "text", "reader"),
    [
        ("report.md", "# 标题\n正文\n", "markdown"),
        ("report.markdown", "正文\n", "markdown"),
        ("ocr.txt", "标题\n| a | b |\n|---|---|\n| 1 | 2 |\n", "markdown"),  # OCR output saved as .txt
        ("plain.txt", "标题\n正文 | 不是表格\n", "text"),
        ("cells.txt", "标题\n\t规章\n\t1\n", "text"),
    ],
)
def test_detection(host, name, text, reader):
    record = nianbao.parse_bytes(text.encode(), name, host=host)
    assert record["source"]["reader"] == reader


def test_split_row():
    assert split_row("| a | b<br/>c | d \\| e |") == ["a", "b\nc", "d | e"]
    assert split_row("a | **b**") == ["a", "b"]
    assert split_row("| | x |") == ["", "x"]
