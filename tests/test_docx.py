"""The DOCX reader on real Word files: built here with python-docx, plus the State Council's blank template.

Every value of a full report must come out of ``nianbao.parse_bytes`` right,
through merged cells (``w:gridSpan``, ``w:vMerge``), runs, line breaks, tracked
changes, content controls, nested tables and tables split in two. Hostile and
broken files must become clear read errors, quickly.
"""

from __future__ import annotations

import functools
import io
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

import nianbao
from nianbao.document import Cell, Paragraph, Table
from nianbao.errors import MarkupError, ReadError, ZipLimitError
from nianbao.plugins.docx import DocxReader
from nianbao.source import SourceInfo
from nianbao.template import APPLICANT_COLUMNS, APPLICATION_COLUMNS, REVIEW_SLOTS

from .conftest import PEER

TEMPLATE_DOCX = PEER / "govnianbao" / "政务公开年报模版.docx"
SOURCE = SourceInfo.from_uri("x.docx")

# --------------------------------------------------------------------------
# Building real DOCX files
# --------------------------------------------------------------------------

#: Section 二 (2021): values by item and column.
PROACTIVE_VALUES = {
    "regulations": {"issued": 1, "repealed": 0, "in_force": 3},
    "normative_documents": {"issued": 5, "repealed": 2, "in_force": 40},
    "licensing": {"decisions": 12},
    "penalty": {"decisions": 30},
    "enforcement": {"decisions": 4},
    "fees": {"amount_wan": 134.8},
}

#: Section 三 (2021), row by row: (record key, group label spanning its rows, row label).
#: A group label of ``None`` means the row label spans both label columns.
APPLICATION_LAYOUT: list[tuple[str, str | None, str]] = [
    ("granted", None, "（一）予以公开"),
    ("partially_granted", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied_state_secret", "（三）不予公开", "1.属于国家秘密"),
    ("denied_prohibited_by_law", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("denied_three_safety_one_stability", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("denied_third_party", "（三）不予公开", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "（三）不予公开", "5.属于三类内部事务信息"),
    ("denied_process_info", "（三）不予公开", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "（三）不予公开", "7.属于行政执法案卷"),
    ("denied_query_matter", "（三）不予公开", "8.属于行政查询事项"),
    ("unavailable_not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unavailable_needs_creation", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("unavailable_unclear", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("not_processed_petition", "（五）不予处理", "1.信访举报投诉类申请"),
    ("not_processed_duplicate", "（五）不予处理", "2.重复申请"),
    ("not_processed_publication", "（五）不予处理", "3.要求提供公开出版物"),
    ("not_processed_excessive", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("not_processed_confirmation", "（五）不予处理", "5.要求行政机关确认或重新出\n具已获取信息"),
    ("other_no_correction", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_no_fee", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_misc", "（六）其他处理", "3.其他"),
]
LEAVES = [key for key, _, _ in APPLICATION_LAYOUT]


def _application_values() -> dict[str, dict[str, int]]:
    """Values that satisfy every cross-check, distinct enough that a shifted cell shows."""
    out: dict[str, dict[str, int]] = {}
    for i, key in enumerate(LEAVES):
        out[key] = {c: (i + 2 * j) % 4 for j, c in enumerate(APPLICANT_COLUMNS)}
    out["granted"]["natural_person"] = 12  # printed over two runs
    out["total_handled"] = {c: sum(out[k][c] for k in LEAVES) for c in APPLICANT_COLUMNS}
    out["carried_over"] = {c: j % 2 for j, c in enumerate(APPLICANT_COLUMNS)}
    out["carried_forward"] = {c: 1 + j % 3 for j, c in enumerate(APPLICANT_COLUMNS)}
    out["new_received"] = {
        c: out["total_handled"][c] + out["carried_forward"][c] - out["carried_over"][c] for c in APPLICANT_COLUMNS
    }
    for row in out.values():
        row["total"] = sum(row[c] for c in APPLICANT_COLUMNS)
    return out


APPLICATION_VALUES = _application_values()
REVIEW_VALUES = {
    "review": {"upheld": 1, "corrected": 2, "other": 0, "pending": 1, "total": 4},
    "litigation_direct": {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1},
    "litigation_after_review": {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1},
}
HEADER_ROWS = 3  # rows of section 三's header


def _put(cell, value) -> None:
    """Write a cell's value: numbers of two digits or more as two runs, like Word after an edit."""
    text = "" if value is None else str(value)
    paragraph = cell.paragraphs[0]
    if len(text) >= 2 and text.isdigit():
        paragraph.add_run(text[:1])
        paragraph.add_run(text[1:])
    else:
        paragraph.add_run(text)  # "\n" becomes w:br


def grid(doc_or_cell, width: int, rows: list[list], merges=()):
    """A table of ``rows`` (``None`` under a merge), merging each ``(r0, c0, r1, c1)`` rectangle first."""
    table = doc_or_cell.add_table(rows=len(rows), cols=width)
    table.style = None
    # ``table.cell(r, c)`` recomputes every cell of the table on each call: take the list once,
    # before the merges (the rectangles do not overlap) and once after.
    cells = table._cells
    for r0, c0, r1, c1 in merges:
        cells[r0 * width + c0].merge(cells[r1 * width + c1])
    cells = table._cells
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                _put(cells[r * width + c], value)
    return table


def proactive_rows() -> tuple[list[list], list[tuple[int, int, int, int]]]:
    """Section 二 in the 2021 layout: four item blocks, each under its own header row."""
    v = PROACTIVE_VALUES
    rows: list[list] = []
    merges = []

    def block(title, header, items):
        merges.append((len(rows), 0, len(rows), 3))
        rows.append([title, None, None, None])
        if len(header) == 1:
            merges.append((len(rows), 1, len(rows), 3))
            rows.append(["信息内容", header[0], None, None])
        else:
            rows.append(["信息内容", *header])
        for label, values in items:
            if len(values) == 1:
                merges.append((len(rows), 1, len(rows), 3))
                rows.append([label, values[0], None, None])
            else:
                rows.append([label, *values])

    block("第二十条第（一）项", ["本年制发件数", "本年\n废止件数", "现行有效件数"], [
        ("规章", list(v["regulations"].values())),
        ("行政规范性文件", list(v["normative_documents"].values())),
    ])
    block("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", [v["licensing"]["decisions"]])])
    block("第二十条第（六）项", ["本年处理决定数量"], [
        ("行政处罚", [v["penalty"]["decisions"]]), ("行政强制", [v["enforcement"]["decisions"]]),
    ])
    block("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", [v["fees"]["amount_wan"]])])
    return rows, merges


def application_header() -> tuple[list[list], list[tuple[int, int, int, int]]]:
    """Section 三's three header rows, merged as the template merges them (10 grid columns)."""
    rows = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", None, None, "申请人情况",
         *[None] * 6],
        [None, None, None, "自然人", "法人或其他组织", None, None, None, None, "总计"],
        [None, None, None, None, "商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他", None],
    ]
    merges = [(0, 0, 2, 2), (0, 3, 0, 9), (1, 3, 2, 3), (1, 4, 1, 8), (1, 9, 2, 9)]
    return rows, merges


def values_of(key: str) -> list[int]:
    return [APPLICATION_VALUES[key][c] for c in APPLICATION_COLUMNS]


def application_body(layout, *, first: bool, last: bool) -> tuple[list[list], list[tuple[int, int, int, int]]]:
    """Body rows of section 三 for ``layout`` (a slice of APPLICATION_LAYOUT), merged like the template.

    ``first``: the part starts with rows 一 and 二 and the 三、本年度办理结果 column;
    ``last``: it ends with （七）总计 and 四.
    """
    rows: list[list] = []
    merges: list[tuple[int, int, int, int]] = []
    if first:
        for key, label in (("new_received", "一、本年新收政府信息公开申请数量"),
                           ("carried_over", "二、上年结转政府信息公开申请数量")):
            merges.append((len(rows), 0, len(rows), 2))
            rows.append([label, None, None, *values_of(key)])
    results_top = len(rows)
    previous_group, group_top = None, 0
    for n, (key, group, label) in enumerate(layout):
        head = "三、本年度办理结果" if first and n == 0 else None
        if group is None:
            merges.append((len(rows), 1, len(rows), 2))
            rows.append([head, label, None, *values_of(key)])
        else:
            rows.append([head, group if group != previous_group else None, label, *values_of(key)])
            if group != previous_group:
                group_top = len(rows) - 1
            group_ends = n + 1 == len(layout) or layout[n + 1][1] != group
            if group_ends and len(rows) - 1 > group_top:
                merges.append((group_top, 1, len(rows) - 1, 1))
        previous_group = group
    if last:
        merges.append((len(rows), 1, len(rows), 2))
        rows.append([None, "（七）总计", None, *values_of("total_handled")])
    if len(rows) - 1 > results_top:
        merges.append((results_top, 0, len(rows) - 1, 0))
    if last:
        merges.append((len(rows), 0, len(rows), 2))
        rows.append(["四、结转下年度继续办理", None, None, *values_of("carried_forward")])
    return rows, merges


def review_rows() -> tuple[list[list], list[tuple[int, int, int, int]]]:
    """Section 四: two header rows of groups, a row of field names, then the 15 values."""
    fields = ["结果维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"]
    rows = [
        ["行政复议", *[None] * 4, "行政诉讼", *[None] * 9],
        [*fields, "未经复议直接起诉", *[None] * 4, "复议后起诉", *[None] * 4],
        [*[None] * 5, *fields, *fields],
        [REVIEW_VALUES[g][f] for g, f in REVIEW_SLOTS],
    ]
    merges = [(0, 0, 0, 4), (0, 5, 0, 14), *((1, c, 2, c) for c in range(5)), (1, 5, 1, 9), (1, 10, 1, 14)]
    return rows, merges


@functools.cache
def report(*, split: str | None = None, cut: int = 6, review_in: str | None = None) -> bytes:
    """A full 2021 report as DOCX bytes.

    ``split``: ``None``, ``"plain"`` (section 三 in two tables, the second without
    header) or ``"header"`` (the second repeats the three header rows), cut before
    row ``cut`` of APPLICATION_LAYOUT.
    ``review_in``: ``None``, ``"frame"`` (section 四's table inside a one-cell
    table) or ``"cell"`` (inside the second cell of a two-cell table).
    """
    document = docx.Document()
    title = document.add_paragraph()  # three runs, and a line break (Shift+Enter) inside the title
    title.add_run("天津市东丽区")
    title.add_run("工业和信息化局").add_break()
    title.add_run("2021年政府信息公开工作年度报告")
    document.add_paragraph("一、总体情况")
    overview = document.add_paragraph("2021年，我局认真贯彻落实")
    overview.add_run("《政府信息公开条例》。").add_break()
    overview.add_run("（一）主动公开情况。")
    document.add_paragraph("二、主动公开\n政府信息情况")
    grid(document, 4, *proactive_rows())
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    header, header_merges = application_header()
    if split is None:
        body, merges = application_body(APPLICATION_LAYOUT, first=True, last=True)
        grid(document, 10, header + body, [*header_merges, *_shift(merges, HEADER_ROWS)])
    else:
        body, merges = application_body(APPLICATION_LAYOUT[:cut], first=True, last=False)
        grid(document, 10, header + body, [*header_merges, *_shift(merges, HEADER_ROWS)])
        document.add_paragraph().add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
        body, merges = application_body(APPLICATION_LAYOUT[cut:], first=False, last=True)
        if split == "header":
            grid(document, 10, header + body, [*header_merges, *_shift(merges, HEADER_ROWS)])
        else:
            grid(document, 10, body, merges)
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    if review_in is None:
        grid(document, 15, *review_rows())
    else:
        outer = document.add_table(rows=1, cols=1 if review_in == "frame" else 2)
        cell = outer.cell(0, 0 if review_in == "frame" else 1)
        if review_in == "cell":
            outer.cell(0, 0).text = "行政复议、行政诉讼情况表"
            cell.text = "单位：件"
        grid(cell, 15, *review_rows())
        if review_in == "cell":
            cell.add_paragraph("（续）")
    problems = document.add_paragraph("五、存在的主要问题及改进情况")
    _wrap_in_content_control(problems)
    document.add_paragraph("一是公开内容不够全面。")
    document.add_paragraph("六、其他需要报告的事项")
    document.add_paragraph("本年度未收取信息处理费。")
    document.add_paragraph("天津市东丽区工业和信息化局\n2022年1月13日")  # the signature, one paragraph
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _shift(merges, rows: int):
    return [(r0 + rows, c0, r1 + rows, c1) for r0, c0, r1, c1 in merges]


def _wrap_in_content_control(paragraph) -> None:
    """Move a body paragraph into a block-level ``w:sdt`` (a Word content control)."""
    p = paragraph._p
    sdt = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent/></w:sdt>")
    p.addprevious(sdt)
    sdt.find(qn("w:sdtContent")).append(p)


def rezip(data: bytes, **replace: bytes) -> bytes:
    """A copy of a DOCX with some parts replaced (``word_document_xml=`` for ``word/document.xml``)."""
    parts = {name.replace("_", "/", 1).replace("_xml", ".xml"): body for name, body in replace.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, parts.get(info.filename, src.read(info)))
    return out.getvalue()


def document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml")


def tiny_docx(body_xml: str) -> bytes:
    """A minimal valid DOCX (built by python-docx) whose body is ``body_xml``."""
    base = io.BytesIO()
    docx.Document().save(base)
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {nsdecls("w")}>'
           f"<w:body>{body_xml}</w:body></w:document>").encode()
    return rezip(base.getvalue(), word_document_xml=xml)


def read(data: bytes, reader: DocxReader | None = None):
    return (reader or DocxReader()).read(data, SOURCE)


# --------------------------------------------------------------------------
# A full report: every value right
# --------------------------------------------------------------------------


def assert_full_report(record: dict) -> None:
    assert record["source"]["format"] == "docx"
    assert record["source"]["reader"] == "docx"
    assert record["title"] == "天津市东丽区工业和信息化局2021年政府信息公开工作年度报告"
    assert record["agency"] == "天津市东丽区工业和信息化局"
    assert record["year"] == 2021
    assert record["signed"] == "2022-01-13"
    assert record["template"] == "2021"
    assert record["sections"]["overview"] == "2021年，我局认真贯彻落实《政府信息公开条例》。\n（一）主动公开情况。"
    assert record["sections"]["problems"] == "一是公开内容不够全面。"
    assert record["sections"]["other"] == "本年度未收取信息处理费。"
    assert record["proactive"] == PROACTIVE_VALUES
    assert record["applications"] == APPLICATION_VALUES
    assert record["review_litigation"] == REVIEW_VALUES
    assert record["checks"] and all(check["ok"] for check in record["checks"]), [
        c for c in record["checks"] if not c["ok"]]
    assert [i for i in record["issues"] if i["level"] == "error"] == []


def test_full_report_every_value_through_parse_bytes():
    record = nianbao.parse_bytes(report(), uri="x.docx")
    assert_full_report(record)
    assert record["issues"] == []


@pytest.mark.parametrize("split", ["plain", "header"])
@pytest.mark.parametrize("cut", [6, 19], ids=["in 不予公开", "in 其他处理"])
def test_table_split_in_two_with_and_without_repeated_header(split, cut):
    data = report(split=split, cut=cut)
    tables = list(read(data).tables())
    assert len(tables) == 4  # 二, 三 in two parts, 四
    assert_full_report(nianbao.parse_bytes(data, uri="x.docx"))


@pytest.mark.parametrize("review_in", ["frame", "cell"])
def test_nested_review_table(review_in):
    data = report(review_in=review_in)
    record = nianbao.parse_bytes(data, uri="x.docx")
    assert_full_report(record)
    blocks = read(data).blocks
    index = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text.startswith("四、"))
    if review_in == "frame":  # a one-cell frame is unwrapped: the data table stands in the body
        assert isinstance(blocks[index + 1], Table) and len(blocks[index + 1].rows) == 4
        assert record["issues"] == []
    else:  # the outer table, then the inner one; the inner table's text is not in the outer cell
        outer, inner = blocks[index + 1], blocks[index + 2]
        assert [c.text for c in outer.cells()] == ["行政复议、行政诉讼情况表", "单位：件\n（续）"]
        assert len(inner.rows) == 4
        assert inner.rows[3][14].text == "1"
        assert {i["code"] for i in record["issues"]} == {"docx.nested_table"}


def test_merged_cells_become_a_grid_with_covered_slots_none():
    tables = list(read(report()).tables())
    proactive, applications, review = tables
    assert len({len(row) for row in applications.rows}) == 1 and len(applications.rows[0]) == 10
    corner = applications.rows[0][0]
    assert (corner.rowspan, corner.colspan) == (3, 3)
    assert all(applications.rows[r][c] is None for r in range(3) for c in range(3) if (r, c) != (0, 0))
    assert applications.rows[1][3] == Cell(text="自然人", row=1, col=3, rowspan=2, colspan=1)
    assert applications.rows[2][4] == Cell(text="商业\n企业", row=2, col=4)
    results = applications.rows[5][0]
    assert (results.text, results.rowspan, results.colspan) == ("三、本年度办理结果", 22, 1)
    denied = applications.rows[7][1]
    assert (denied.text, denied.row, denied.col, denied.rowspan) == ("（三）不予公开", 7, 1, 8)
    assert applications.rows[8][1] is None and applications.rows[8][2].text == "2.其他法律行政法规禁止公开"
    assert applications.rows[5][3].text == "12"  # two runs joined
    assert applications.rows[22][2].text == "5.要求行政机关确认或重新出\n具已获取信息"  # w:br
    licensing = proactive.rows[6]
    assert licensing[1] == Cell(text="12", row=6, col=1, colspan=3) and licensing[2:] == (None, None)
    assert review.rows[1][0].rowspan == 2 and review.rows[2][:5] == (None,) * 5


def test_grid_before_and_spans_place_cells_in_one_pass():
    w = "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    span = "<w:tc><w:tcPr><w:gridSpan w:val='2'/></w:tcPr><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    body = (
        "<w:tbl><w:tblGrid>" + "<w:gridCol/>" * 4 + "</w:tblGrid>"
        "<w:tr>" + span.format("a") + w.format("b") + w.format("c") + "</w:tr>"
        "<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>" + w.format("d") + span.format("e") + "</w:tr>"
        "<w:tr><w:trPr><w:gridBefore w:val='2'/></w:trPr>" + w.format("f") + "</w:tr>"
        "</w:tbl>"
    )
    (table,) = read(tiny_docx(body)).tables()
    placed = [[(c.text, c.col, c.colspan) if c else None for c in row] for row in table.rows]
    assert placed == [
        [("a", 0, 2), None, ("b", 2, 1), ("c", 3, 1)],
        [None, ("d", 1, 1), ("e", 2, 2), None],
        [None, None, ("f", 2, 1), None],
    ]


def test_vmerge_continue_needs_an_origin_above_in_the_same_column():
    def tc(text, merge=""):
        pr = f"<w:tcPr><w:vMerge {merge}/></w:tcPr>" if merge is not None else ""
        return f"<w:tc>{pr}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    restart = 'w:val="restart"'
    body = (
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
        f"<w:tr>{tc('', '')}{tc('x', restart)}</w:tr>"  # an orphan continue in column 0
        f"<w:tr>{tc('a', None)}{tc('', '')}</w:tr>"
        f"<w:tr>{tc('b', None)}{tc('hidden', '')}</w:tr>"
        f"<w:tr>{tc('c', None)}{tc('', '')}</w:tr>"  # continues the merge through row 3
        "</w:tbl>"
    )
    (table,) = read(tiny_docx(body)).tables()
    assert table.rows[0][0] == Cell(text="", row=0, col=0)
    assert table.rows[0][1] == Cell(text="x\nhidden", row=0, col=1, rowspan=4)
    assert [row[1] for row in table.rows[1:]] == [None, None, None]


def test_text_runs_breaks_tabs_tracked_changes_content_controls_hidden_and_fields():
    body = (
        "<w:p><w:r><w:t>本年</w:t></w:r><w:r><w:br/><w:t xml:space='preserve'>新收 </w:t><w:tab/>"
        "<w:t>申请</w:t><w:cr/><w:t>数量</w:t></w:r></w:p>"
        "<w:p><w:del w:id='1' w:author='a'><w:r><w:delText>99</w:delText></w:r></w:del>"
        "<w:ins w:id='2' w:author='a'><w:r><w:t>7</w:t></w:r></w:ins>"
        "<w:hyperlink><w:r><w:t>件</w:t></w:r></w:hyperlink>"
        "<w:sdt><w:sdtContent><w:r><w:t>。</w:t></w:r></w:sdtContent></w:sdt>"
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r><w:r><w:t>3</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='end'/></w:r></w:p>"
        "<w:p/><w:p><w:r><w:t>   </w:t></w:r></w:p>"
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>六、其他需要报告的事项</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    document = read(tiny_docx(body))
    assert [b.text for b in document.blocks] == ["本年\n新收 \t申请\n数量", "7件。3", "六、其他需要报告的事项"]
    assert [n.code for n in document.notes] == ["docx.tracked_changes"]


def test_cell_level_content_controls_and_deleted_rows():
    tc = "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    body = (
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
        f"<w:tr>{tc.format('a')}<w:sdt><w:sdtContent>{tc.format('b')}</w:sdtContent></w:sdt></w:tr>"
        f"<w:tr><w:trPr><w:del w:id='1' w:author='a'/></w:trPr>{tc.format('gone')}{tc.format('gone')}</w:tr>"
        f"<w:sdt><w:sdtContent><w:tr>{tc.format('c')}{tc.format('d')}</w:tr></w:sdtContent></w:sdt>"
        "</w:tbl>"
    )
    (table,) = read(tiny_docx(body)).tables()
    assert [[c.text for c in row] for row in table.rows] == [["a", "b"], ["c", "d"]]


# --------------------------------------------------------------------------
# The State Council's blank 2021 template
# --------------------------------------------------------------------------


def test_blank_template_reads_every_table_and_every_value_is_null_with_an_issue():
    record = nianbao.parse_bytes(TEMPLATE_DOCX.read_bytes(), uri=TEMPLATE_DOCX.name)
    assert record["template"] == "2021"
    assert set(record["proactive"]) == {"regulations", "normative_documents", "licensing", "penalty",
                                        "enforcement", "fees"}
    assert len(record["applications"]) == 25  # the 2021 rows: every row but 2019's single 其他处理
    assert "other_handling" not in record["applications"]
    assert set(record["review_litigation"]) == {g for g, _ in REVIEW_SLOTS}
    values = [v for section in ("proactive", "applications", "review_litigation")
              for row in record[section].values() for v in row.values()]
    assert len(values) == 10 + 25 * 7 + 15
    assert set(values) == {None}  # blank, never 0
    issues = {(i["where"], i["code"]) for i in record["issues"]}
    blank_rows = {where for where, code in issues if code == "cell.blank"}
    assert blank_rows == {f"proactive.{k}" for k in record["proactive"]} | {
        f"applications.{k}" for k in record["applications"]}
    # Section 四's value row is all blank cells, so the fitter finds no values at all: an error.
    assert ("review_litigation", "row.no_values") in issues
    assert ("title", "metadata.no_title") in issues  # 政府信息公开工作年度报告格式模板 is not a report title
    assert all(not check["ok"] and check["actual"] is None for check in record["checks"])
    assert record["sections"]["overview"] == "（文字描述）"


def test_blank_template_structure():
    document = read(TEMPLATE_DOCX.read_bytes())
    tables = list(document.tables())
    assert [(len(t.rows), len(t.rows[0])) for t in tables] == [(14, 4), (28, 10), (4, 15)]
    assert tables[1].rows[5][0].rowspan == 22
    assert document.notes == ()


# --------------------------------------------------------------------------
# Broken and hostile files
# --------------------------------------------------------------------------


def dead_letter(data: bytes, uri: str = "x.docx") -> dict:
    outcome = nianbao.process_bytes(data, uri)
    assert outcome.record is None
    return outcome.dead_letter["error"]


def bomb(inflated: int) -> bytes:
    """A DOCX whose word/document.xml is ``inflated`` bytes, nearly all spaces (ratio about 1000:1)."""
    head = f'<w:document {nsdecls("w")}><w:body><w:p><w:r><w:t>'.encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as part:
            part.write(head)
            chunk = b" " * (1 << 20)
            for _ in range((inflated - len(head) - len(tail)) // len(chunk)):
                part.write(chunk)
            part.write(tail)
    return out.getvalue()


def test_zip_bomb_is_refused_by_ratio_before_inflating():
    data = bomb(30 << 20)
    assert len(data) < 200_000
    start = time.perf_counter()
    error = dead_letter(data)
    assert time.perf_counter() - start < 0.5
    assert error["stage"] == "read" and error["type"] == "ZipLimitError"
    assert error["message"].startswith("word/document.xml would inflate 1,0")  # about 1000:1
    assert "over the limit of 100:1" in error["message"]
    assert "nianbao.plugins.docx.DocxReader.max_inflate_ratio" in error["message"]


def test_oversized_part_is_refused_by_declared_size():
    with pytest.raises(ZipLimitError, match=r"over the limit of 1,000,000; .*DocxReader\.max_part_bytes = "):
        read(bomb(2 << 20), DocxReader(max_part_bytes=1_000_000, max_inflate_ratio=10_000))


def test_a_forged_size_header_cannot_make_the_reader_inflate_more():
    data = bomb(2 << 20)
    # Lie in the central directory: the entry claims 4 KiB uncompressed (offset 24 of its header).
    entry = data.rindex(b"PK\x01\x02")
    assert data[entry + 46: entry + 46 + 17] == b"word/document.xml"
    patched = bytearray(data)
    patched[entry + 24: entry + 28] = (4096).to_bytes(4, "little")
    with zipfile.ZipFile(io.BytesIO(bytes(patched))) as archive:
        assert archive.getinfo("word/document.xml").file_size == 4096
    with pytest.raises(ReadError) as caught:
        read(bytes(patched))
    assert not isinstance(caught.value, ZipLimitError)
    assert "corrupt or truncated" in caught.value.message  # zipfile stops at the declared size: bad CRC


def test_too_many_entries():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(12):
            archive.writestr(f"word/media/image{n}.png", b"")
        archive.writestr("word/document.xml", document_xml(tiny_docx("")))
    with pytest.raises(ZipLimitError, match=r"13 entries, over the limit of 10 .*DocxReader\.max_entries"):
        read(out.getvalue(), DocxReader(max_entries=10))
    assert read(out.getvalue()).blocks == ()


def test_duplicate_entry_names_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("word/document.xml", document_xml(tiny_docx("<w:p><w:r><w:t>a</w:t></w:r></w:p>")))
        archive.writestr("word/document.xml", document_xml(tiny_docx("<w:p><w:r><w:t>b</w:t></w:r></w:p>")))
    error = dead_letter(out.getvalue())
    assert error["type"] == "ZipLimitError" and "two entries named 'word/document.xml'" in error["message"]


def test_truncated_zip():
    data = report()
    error = dead_letter(data[: len(data) // 2])
    assert (error["stage"], error["type"]) == ("read", "ReadError")
    assert "truncated" in error["message"] and "no central directory" in error["message"]


def test_not_a_zip_with_docx_extension():
    error = dead_letter("二、主动公开政府信息情况\n".encode() * 10)
    assert (error["stage"], error["type"]) == ("read", "ReadError")
    assert error["message"].startswith("not a zip archive, so not a .docx")
    ole2 = dead_letter(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert "old binary Word .doc" in ole2["message"]


def test_zip_without_word_document_xml():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    error = dead_letter(out.getvalue())
    assert (error["stage"], error["type"]) == ("read", "ReadError")
    assert error["message"].startswith("not a Word document: no word/document.xml")


def test_malformed_and_foreign_xml_are_markup_errors():
    base = report()
    with pytest.raises(MarkupError, match="not well-formed"):
        read(rezip(base, word_document_xml=b"<w:document><w:body>"))
    with pytest.raises(MarkupError, match="root element"):
        read(rezip(base, word_document_xml=b"<html><body/></html>"))
    assert dead_letter(rezip(base, word_document_xml=b"<x"))["type"] == "MarkupError"


def test_xxe_entity_is_not_resolved():
    secret = Path("/etc/passwd").read_text().split(":")[0]  # "root" on any Unix
    xml = (
        '<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        f'<w:document {nsdecls("w")}><w:body><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>'
        "<w:p><w:r><w:t>before&xxe;after</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    document = read(rezip(report(), word_document_xml=xml))
    texts = [b.text for b in document.blocks]
    assert texts == ["一、总体情况", "beforeafter"]
    assert secret not in "".join(texts)
    assert [n.code for n in document.notes] == ["docx.dtd"]


def test_billion_laughs_is_refused_by_libxml2():
    entities = '<!ENTITY a "AAAAAAAAAA">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(8))
    xml = (f'<?xml version="1.0"?>\n<!DOCTYPE w:document [{entities}]>\n<w:document {nsdecls("w")}>'
           "<w:body><w:p><w:r><w:t>x&i;y</w:t></w:r></w:p></w:body></w:document>").encode()
    start = time.perf_counter()
    error = dead_letter(rezip(report(), word_document_xml=xml))
    assert time.perf_counter() - start < 0.5
    assert (error["stage"], error["type"]) == ("read", "MarkupError")
    assert "amplification" in error["message"]


# --------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------


def test_accepts_by_extension_mime_type_or_zip_head():
    reader = DocxReader()
    data = report()
    assert reader.accepts(b"", SourceInfo.from_uri("a/b.DOCX".lower()))
    assert reader.accepts(b"", SourceInfo(mimetype=next(iter(sorted(reader.mimetypes)))))
    assert reader.accepts(data[:65536], SourceInfo())  # no name: the zip head mentions word/
    assert not reader.accepts(b"PK\x03\x04" + b"\0" * 100, SourceInfo())
    assert not reader.accepts("一、总体情况".encode(), SourceInfo.from_uri("a.txt"))
    record = nianbao.parse_bytes(data, uri="<stdin>")
    assert record["source"]["reader"] == "docx" and record["applications"] == APPLICATION_VALUES


def test_the_parser_is_built_once_per_reader():
    reader = DocxReader()
    parser = reader.parser
    read(report(), reader)
    assert reader.parser is parser
    assert DocxReader().parser is not parser



def test_strict_open_xml_reads_like_transitional():
    strict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    xml = (f'<w:document xmlns:w="{strict}"><w:body><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>'
           "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>"
           "<w:tc><w:tcPr><w:gridSpan w:val='2'/></w:tcPr><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc></w:tr>"
           "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
           "</w:body></w:document>").encode()
    document = read(rezip(report(), word_document_xml=xml))
    paragraph, table = document.blocks
    assert paragraph.text == "一、总体情况"
    assert table.rows == ((Cell(text="a", colspan=2), None), (Cell(text="", row=1), Cell(text="b", row=1, col=1)))


def test_alt_chunk_content_is_reported_not_silently_lost():
    document = read(tiny_docx("<w:altChunk xmlns:r='http://schemas.openxmlformats.org/officeDocument/2006/"
                              "relationships' r:id='rId9'/>"))
    assert document.blocks == ()
    assert [(n.level, n.code) for n in document.notes] == [("error", "docx.alt_chunk")]
    record = nianbao.parse_bytes(tiny_docx("<w:altChunk/>"), uri="x.docx")
    assert ("source", "docx.alt_chunk") in {(i["where"], i["code"]) for i in record["issues"]}


# --------------------------------------------------------------------------
# Benchmark: the reader against its floor (zip read + bare lxml parse)
# --------------------------------------------------------------------------


def _floor(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


@pytest.mark.parametrize("variant", ["floor", "docx"])
@pytest.mark.parametrize("source", ["template", "built"])
def test_benchmark_read(benchmark, source, variant):
    """``pytest tests/test_docx.py -k benchmark --benchmark-enable``: compare within each group.

    The template is a real Word file (formatting-heavy XML, as real reports are);
    the built report is python-docx's lean XML, the reader's worst case relative
    to the parse.
    """
    data = TEMPLATE_DOCX.read_bytes() if source == "template" else report()
    benchmark.group = f"docx-read-{source}"
    benchmark.extra_info["bytes"] = len(data)
    benchmark.extra_info["document_xml_bytes"] = len(document_xml(data))
    if variant == "floor":
        root = benchmark(_floor, data)
        assert root.tag.endswith("}document")
    else:
        document = benchmark(DocxReader().read, data, SOURCE)
        assert len(list(document.tables())) == 3


@pytest.mark.parametrize("row", [
    "<w:tr><w:tc><w:tcPr><w:gridSpan w:val='1000000000'/></w:tcPr><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>",
    "<w:tr><w:trPr><w:gridBefore w:val='1000000000'/></w:trPr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>",
], ids=["gridSpan", "gridBefore"])
def test_an_absurd_span_is_refused_not_allocated(row):
    error = dead_letter(tiny_docx(f"<w:tbl>{row}</w:tbl>"))
    assert (error["stage"], error["type"]) == ("read", "MarkupError")
    assert "past 1000 grid columns" in error["message"]


# --------------------------------------------------------------------------
# The quick reading of paragraphs and tables gives what the walk gives
# --------------------------------------------------------------------------

_TC = "<w:tc>{pr}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"
_ROW2 = "<w:tr>" + _TC.format(pr="", text="a") + _TC.format(pr="", text="1") + "</w:tr>"
_GRID2 = "<w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"


def _table(*rows: str, grid: str = _GRID2) -> str:
    return f"<w:tbl>{grid}{''.join(rows) or _ROW2 + _ROW2}</w:tbl>"


QUICK_BODIES = {
    "plain": "<w:p><w:pPr><w:tabs><w:tab w:val='left' w:pos='720'/></w:tabs></w:pPr><w:r><w:t>标题</w:t></w:r>"
             "<w:r><w:tab/><w:t>x</w:t><w:br/><w:t>y</w:t><w:cr/><w:ptab/><w:noBreakHyphen/></w:r></w:p>"
             + _table(),
    "runs and paragraphs in a cell": _table(
        "<w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r><w:r><w:t xml:space='preserve'> b </w:t></w:r></w:p><w:p/>"
        "<w:p><w:r><w:t> </w:t></w:r></w:p><w:p><w:r><w:t>c</w:t><w:tab/></w:r></w:p></w:tc>"
        + _TC.format(pr="", text="2") + "</w:tr>", _ROW2),
    "spans, merges and grid before": _table(
        "<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>" + _TC.format(pr="<w:tcPr><w:vMerge w:val='restart'/>"
                                                                          "</w:tcPr>", text="v") + "</w:tr>",
        "<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>" + _TC.format(pr="<w:tcPr><w:vMerge/></w:tcPr>",
                                                                          text="w") + "</w:tr>",
        "<w:tr>" + _TC.format(pr="<w:tcPr><w:gridSpan w:val='2'/><w:gridSpan w:val='5'/></w:tcPr>", text="s")
        + "</w:tr>"),
    "properties after the paragraphs": _table(
        "<w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p><w:tcPr><w:gridSpan w:val='2'/></w:tcPr></w:tc></w:tr>",
        _ROW2),
    "a second w:tcPr": _table(
        "<w:tr><w:tc><w:tcPr/><w:tcPr><w:gridSpan w:val='2'/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>"
        "</w:tr>", _ROW2),
    "a second w:trPr": _table(
        "<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr><w:trPr/>" + _TC.format(pr="", text="x") + "</w:tr>",
        _ROW2),
    "a second w:tblGrid": _table(_ROW2, _ROW2, grid=_GRID2 + "<w:tblGrid><w:gridCol/></w:tblGrid>"),
    "a gridSpan outside w:tcPr": _table(
        "<w:tr><w:tc><w:p><w:pPr><w:gridSpan w:val='2'/></w:pPr><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>",
        _ROW2),
    "a run in a hyperlink": _table(
        "<w:tr><w:tc><w:p><w:hyperlink><w:r><w:t>link</w:t></w:r></w:hyperlink></w:p></w:tc>"
        + _TC.format(pr="", text="1") + "</w:tr>", _ROW2)
        + "<w:p><w:hyperlink><w:r><w:t>link</w:t></w:r></w:hyperlink><w:r><w:t>!</w:t></w:r></w:p>",
    "text out of place": _table(
        "<w:tr><w:tc><w:p><w:r><w:ruby><w:rt><w:r><w:t>yin</w:t></w:r></w:rt></w:ruby><w:t>字</w:t></w:r></w:p>"
        "<w:t>stray</w:t><w:foo><w:p><w:r><w:t>lost</w:t></w:r></w:p></w:foo></w:tc>"
        + _TC.format(pr="", text="1") + "</w:tr>", _ROW2)
        + "<w:p><w:r><w:r><w:t>inner</w:t></w:r><w:t>outer</w:t></w:r><w:foo><w:r><w:t>no</w:t></w:r></w:foo></w:p>"
        + "<w:p><w:tab/><w:tabs><w:tab/></w:tabs><w:r><w:tabs><w:tab/></w:tabs><w:t>t</w:t></w:r></w:p>",
    "tracked changes, even empty": "<w:p><w:del/><w:r><w:t>a</w:t></w:r></w:p>"
        + _table("<w:tr><w:trPr><w:del w:id='1' w:author='a'/></w:trPr>" + _TC.format(pr="", text="x") + "</w:tr>",
                 _ROW2)
        + _table("<w:tr><w:tc><w:p><w:ins/><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>", _ROW2),
    "nested tables, even empty": _table(
        "<w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p><w:tbl/></w:tc></w:tr>", _ROW2),
    "a one-cell frame": "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>frame</w:t></w:r></w:p>" + _table() + "</w:tc></w:tr>"
                        "</w:tbl>",
    "content controls": "<w:sdt><w:sdtContent>" + _table() + "</w:sdtContent></w:sdt>" + _table(
        "<w:tr><w:sdt><w:sdtContent>" + _TC.format(pr="", text="x") + "</w:sdtContent></w:sdt></w:tr>", _ROW2),
    "imported chunk in a cell": _table("<w:tr><w:tc><w:altChunk/><w:p/></w:tc></w:tr>", _ROW2),
}


@pytest.mark.parametrize("name", list(QUICK_BODIES))
def test_quick_reading_equals_the_walk(name):
    """``_BodyWalk.body`` reads a paragraph or table by one ``iter()`` unless it holds something the walk acts on
    or reads elsewhere; either way the blocks and notes are what the element-by-element walk gives."""
    from nianbao.plugins.docx import NAMES, TRANSITIONAL, _BodyWalk

    xml = document_xml(tiny_docx(QUICK_BODIES[name]))
    root = etree.fromstring(xml)
    walks = []
    for quick in (True, False):
        walk = _BodyWalk(NAMES[TRANSITIONAL], hidden_text=False)
        body = root[0]
        walk.body(body) if quick else walk.blocks_of(body)
        walks.append((walk.blocks, walk.tracked_changes, walk.nested_tables, walk.alt_chunks))
    assert walks[0] == walks[1]
    assert walks[0][0]  # something was read
