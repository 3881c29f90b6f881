"""The HTML reader on two real government pages and on pages built here.

The real pages are checked field by field against values read off the pages
themselves. The built pages exercise what real sites do: GBK without a
declaration or under a gb2312 or utf-8 label, Word-exported tables with
``rowspan``/``colspan``, ``&nbsp;`` and ``<o:p>``, layout tables, site chrome
around the article, pages without a report, and hostile markup.
"""

from __future__ import annotations

import http.server
import threading
from html import escape

import pytest

import nianbao
from nianbao.document import Cell, Paragraph, Table, expand_spans
from nianbao.errors import MarkupError
from nianbao.page import TITLE_ALONE, TITLE_RIVAL, page_title, settle
from nianbao.plugins.html import HtmlReader, declared_charset, sniff_html
from nianbao.source import SourceInfo
from nianbao.template import APPLICATION_COLUMNS

from .conftest import REAL

COLS = tuple(APPLICATION_COLUMNS)  # natural_person … other_org, total


def row(*values):
    """One row of section 三 as printed: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计."""
    return dict(zip(COLS, values, strict=True))


def review(*values):
    """Section 四's 15 values in printed order."""
    groups = ("review", "litigation_direct", "litigation_after_review")
    fields = ("upheld", "corrected", "other", "pending", "total")
    return {g: dict(zip(fields, values[5 * i: 5 * i + 5], strict=True)) for i, g in enumerate(groups)}


def parse(data: str | bytes, uri: str = "x.html") -> dict:
    return nianbao.parse_bytes(data.encode("utf-8") if isinstance(data, str) else data, uri=uri)


def read(data: str | bytes, uri: str = "x.html"):
    """The page as the record sees it: read, then narrowed to its article by nianbao.page."""
    return settle(HtmlReader().read(data.encode("utf-8") if isinstance(data, str) else data, SourceInfo.from_uri(uri)))


def codes(record) -> set[str]:
    return {issue["code"] for issue in record["issues"]}


# --------------------------------------------------------------------------
# The real pages
# --------------------------------------------------------------------------

#: 沭阳县发展和改革局 2023: applicants are all 自然人; the five 法人 columns are printed blank.
SHUYANG_ZERO = row(0, None, None, None, None, None, 0)
SHUYANG_26 = row(26, None, None, None, None, None, 26)
SHUYANG = {
    "title": "沭阳县发展和改革局2023年政府信息公开年度报告",
    "agency": "沭阳县发展和改革局",
    "year": 2023,
    "published": "2024-01-17",  # only as <publishtime>; 采集时间 2025-12-30 and 页面生成时间 2024-05-28 are not it
    "signed": "2024-01-17",
    "template": "2021",
    "proactive": {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 8, "repealed": 0, "in_force": 18},
        "licensing": {"decisions": 0},
        "penalty": {"decisions": 0},
        "enforcement": {"decisions": 0},
        "fees": {"amount_wan": 0},
    },
    "applications": {
        "new_received": SHUYANG_26,
        "carried_over": SHUYANG_ZERO,
        "granted": SHUYANG_26,
        "partially_granted": SHUYANG_ZERO,
        "denied_state_secret": SHUYANG_ZERO,
        "denied_prohibited_by_law": SHUYANG_ZERO,
        "denied_three_safety_one_stability": SHUYANG_ZERO,
        "denied_third_party": SHUYANG_ZERO,
        "denied_internal_affairs": SHUYANG_ZERO,
        "denied_process_info": SHUYANG_ZERO,
        "denied_enforcement_file": SHUYANG_ZERO,
        "denied_query_matter": SHUYANG_ZERO,
        "unavailable_not_held": SHUYANG_ZERO,
        "unavailable_needs_creation": SHUYANG_ZERO,
        "unavailable_unclear": SHUYANG_ZERO,
        "not_processed_petition": SHUYANG_ZERO,
        "not_processed_duplicate": SHUYANG_ZERO,
        "not_processed_publication": SHUYANG_ZERO,
        "not_processed_excessive": SHUYANG_ZERO,
        "not_processed_confirmation": SHUYANG_ZERO,
        "other_no_correction": SHUYANG_ZERO,
        "other_no_fee": SHUYANG_ZERO,
        "other_misc": SHUYANG_ZERO,
        "total_handled": SHUYANG_26,
        "carried_forward": SHUYANG_ZERO,
    },
    "review_litigation": review(0, 0, 0, 1, 1, *[0] * 10),
    "overview": ("2023年，县发展和改革局认真贯彻执行省、市、县有关文件精神", "自觉接受代表、委员和社会的监督。"),
    "problems": ("（一）存在的主要问题。各科室人员信息公开意识有所松懈", "更好地服务民生，服务公众。"),
    "other": "2023年度，县发展和改革局政府信息公开未发生收费情况。",
}

#: 上海市人民政府办公厅 2019: most 法人 and 总计 cells printed blank (&nbsp;); procurement in 元.
NULL7 = row(*[None] * 7)
SHANGHAI = {
    "title": "2019年上海市人民政府办公厅政府信息公开工作年度报告",
    "agency": "上海市人民政府办公厅",
    "year": 2019,
    "published": "2020-01-31",
    "signed": None,  # the page prints no signature
    "template": "2019",
    "proactive": {
        "regulations": {"new_made": 13, "new_published": 13, "total_published": 524},
        "normative_documents": {"new_made": 60, "new_published": 60, "total_published": 368},
        "licensing": {"prev_count": 0, "change": 0, "decisions": 0},
        "other_services": {"prev_count": 0, "change": 0, "decisions": 0},
        "penalty": {"prev_count": 0, "change": 0, "decisions": 0},
        "enforcement": {"prev_count": 0, "change": 0, "decisions": 0},
        "fees": {"prev_count": 0, "change": 0},
        "procurement": {"projects": 6, "amount_wan": 25.1},  # 251000元
    },
    "applications": {
        "new_received": row(821, 35, None, None, 2, 1, 859),
        "carried_over": row(18, None, None, None, None, None, 18),
        "granted": row(258, 12, None, None, 1, 1, None),
        "partially_granted": row(3, None, None, None, None, None, None),
        "denied_state_secret": row(14, None, None, None, None, None, None),
        "denied_prohibited_by_law": NULL7,
        "denied_three_safety_one_stability": NULL7,
        "denied_third_party": NULL7,
        "denied_internal_affairs": row(5, None, None, None, None, None, None),
        "denied_process_info": row(3, 1, None, None, None, None, None),
        "denied_enforcement_file": NULL7,
        "denied_query_matter": row(10, 2, None, None, None, None, None),
        "unavailable_not_held": row(252, 12, None, None, 1, None, None),
        "unavailable_needs_creation": row(44, 3, None, None, None, None, None),
        "unavailable_unclear": row(25, None, None, None, None, None, None),
        "not_processed_petition": row(148, 1, None, None, None, None, None),
        "not_processed_duplicate": row(5, 4, None, None, None, None, None),
        "not_processed_publication": NULL7,
        "not_processed_excessive": NULL7,
        "not_processed_confirmation": NULL7,
        "other_handling": NULL7,
        "total_handled": row(767, 35, None, None, 2, 1, 805),
        "carried_forward": row(72, None, None, None, None, None, 72),
    },
    "review_litigation": review(5, None, None, 2, 7, 8, None, None, 1, 9, *[None] * 5),
    "overview": ("2019年，上海市人民政府办公厅坚持以习近平新时代中国特色社会主义思想为指导",
                 "不断提升全市政府信息公开工作人员的工作能力和水平。"),
    "problems": ("（一）主要问题", "强化工作监督和考核评估。"),
    "other": "无。",
}
REAL_PAGES = {"shuyang-fgj-2023.html": SHUYANG, "shanghai-gov-office-2019.html": SHANGHAI}


@pytest.fixture(scope="module", params=sorted(REAL_PAGES))
def real(request):
    return nianbao.parse_file(REAL / request.param), REAL_PAGES[request.param], request.param


@pytest.mark.parametrize("field", ["title", "year", "published", "signed", "template"])
def test_real_page_metadata(real, field):
    record, expected, _ = real
    assert record[field] == expected[field]


def test_real_page_agency(real):
    record, expected, _ = real
    assert record["agency"] == expected["agency"]


@pytest.mark.parametrize("table", ["proactive", "applications", "review_litigation"])
def test_real_page_tables(real, table):
    record, expected, _ = real
    assert record[table] == expected[table]


def test_real_page_sections(real):
    record, expected, _ = real
    sections = record["sections"]
    for key in ("overview", "problems"):
        start, end = expected[key]
        assert sections[key].startswith(start)
        assert sections[key].endswith(end)
    assert sections["other"] == expected["other"]


def test_real_page_source_and_issues(real):
    record, _, _ = real
    assert record["source"]["reader"] == "html"
    assert record["source"]["format"] == "html"
    found = codes(record)
    assert not found & {"report.no_sections", "section.missing", "row.unknown", "table.empty", "row.too_many_values",
                        "row.too_few_values", "table.unknown_columns", "encoding.guessed"}


def test_shuyang_chrome_and_page_saver_wrapper_stay_out():
    record = nianbao.parse_file(REAL / "shuyang-fgj-2023.html")
    text = "\n".join(v for v in record["sections"].values() if v)
    for chrome in ("采集时间", "繁體版", "智能问答", "首页", "沭阳县人民政府", "索引号", "function"):
        assert chrome not in text
    # the overview runs from 一 to 二, through its own sub-item （一）主动公开政府信息情况
    assert "（一）主动公开政府信息情况" in record["sections"]["overview"]
    assert "（五）及时回应关切，自觉接受监督" in record["sections"]["overview"]
    # the signature (padded with spaces in <o:p>) is not section 六's text
    assert "沭阳县发展和改革局" not in record["sections"]["other"]


def test_shuyang_document_shape():
    document = read((REAL / "shuyang-fgj-2023.html").read_bytes(), "shuyang.html")
    assert document.format == "html"
    assert document.properties["published"] == "2024-01-17"
    first = document.blocks[0]
    assert isinstance(first, Paragraph) and first.text == SHUYANG["title"]  # the <h1> above the article
    tables = list(document.tables())
    assert len(tables) == 3  # 二, 三, 四; the metadata table (索引号, 公开日期) sits outside the article
    applications = tables[1]
    # the header cell spanning three rows and three columns, and the 22-row group label
    corner = applications.rows[0][0]
    assert (corner.rowspan, corner.colspan) == (3, 3)
    assert applications.rows[1][:3] == (None, None, None)
    group = applications.rows[5][0]
    assert group.text == "三、本年度办理结果" and group.rowspan == 22
    assert all(applications.rows[r][0] is None for r in range(6, 27))
    assert applications.rows[2][4].text == "商业\n企业"  # two <p> in one cell


def test_shanghai_fragment_blank_cells_are_null_and_yuan_converted():
    record = nianbao.parse_file(REAL / "shanghai-gov-office-2019.html")
    assert ("proactive.procurement.amount_wan", "cell.converted_yuan") in {
        (i["where"], i["code"]) for i in record["issues"]}
    blank = {i["where"] for i in record["issues"] if i["code"] == "cell.blank"}
    assert {"applications.granted", "review_litigation"} <= blank


# --------------------------------------------------------------------------
# Building pages: a full 2021 report as Word exports it to HTML
# --------------------------------------------------------------------------

AGENCY = "青山县工业和信息化局"
TITLE = f"{AGENCY}2022年政府信息公开工作年度报告"
OTHER_TEXT = "本机关无其他需要报告的事项。"


def word_p(text: str, style: str = "text-indent:2em") -> str:
    """A Word-export paragraph: the text cut into ``<span><font>`` runs, ``&nbsp;`` kept, an ``<o:p>`` at the end."""
    half = len(text) // 2
    first, second = escape(text[:half], quote=False), escape(text[half:], quote=False)
    return (f'<p class="MsoNormal" style="{style}"><span style="font-family:仿宋"><font face="仿宋_GB2312">'
            f'{first}</font></span><span lang="EN-US">{second}</span><span><o:p></o:p></span></p>')


def td(text: str | int | None, rowspan: int = 1, colspan: int = 1) -> str:
    """A Word-export cell: ``None`` prints a blank (``&nbsp;``) cell."""
    spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    inner = '<p class="MsoNormal" align="center"><span>&nbsp;</span></p>' if text is None else word_p(str(text))
    return f'<td width="60" valign="center"{spans} style="border:solid windowtext 1.0pt">{inner}</td>'


def table(rows: list[str]) -> str:
    body = "\n".join(f"<tr>{r}</tr>" for r in rows)
    return f'<table class="MsoNormalTable" border="1" cellspacing="0"><tbody>\n{body}\n</tbody></table>'


PROACTIVE_2021 = {
    "regulations": {"issued": 1, "repealed": 0, "in_force": 3},
    "normative_documents": {"issued": 5, "repealed": 2, "in_force": 40},
    "licensing": {"decisions": 12},
    "penalty": {"decisions": 30},
    "enforcement": {"decisions": 4},
    "fees": {"amount_wan": 134.8},
}


def proactive_table() -> str:
    p = PROACTIVE_2021
    return table([
        td("第二十条第（一）项", colspan=4),
        td("信息内容") + td("本年制发件数") + td("本年废止件数") + td("现行有效件数"),
        td("规章") + "".join(td(v) for v in p["regulations"].values()),
        td("行政规范性文件") + "".join(td(v) for v in p["normative_documents"].values()),
        td("第二十条第（五）项", colspan=4),
        td("信息内容") + td("本年处理决定数量", colspan=3),
        td("行政许可") + td(p["licensing"]["decisions"], colspan=3),
        td("第二十条第（六）项", colspan=4),
        td("信息内容") + td("本年处理决定数量", colspan=3),
        td("行政处罚") + td(p["penalty"]["decisions"], colspan=3),
        td("行政强制") + td(p["enforcement"]["decisions"], colspan=3),
        td("第二十条第（八）项", colspan=4),
        td("信息内容") + td("本年收费金额（单位：万元）", colspan=3),
        td("行政事业性收费") + td(p["fees"]["amount_wan"], colspan=3),
    ])


#: Section 三's rows as laid out: (record key, label cells before the values as (text, rowspan, colspan)).
APPLICATION_LAYOUT: list[tuple[str, list[tuple[str, int, int]]]] = [
    ("new_received", [("一、本年新收政府信息公开申请数量", 1, 3)]),
    ("carried_over", [("二、上年结转政府信息公开申请数量", 1, 3)]),
    ("granted", [("三、本年度办理结果", 22, 1), ("（一）予以公开", 1, 2)]),
    ("partially_granted", [("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2)]),
    ("denied_state_secret", [("（三）不予公开", 8, 1), ("1．属于国家秘密", 1, 1)]),
    ("denied_prohibited_by_law", [("2．其他法律行政法规禁止公开", 1, 1)]),
    ("denied_three_safety_one_stability", [("3．危及“三安全一稳定”", 1, 1)]),
    ("denied_third_party", [("4．保护第三方合法权益", 1, 1)]),
    ("denied_internal_affairs", [("5．属于三类内部事务信息", 1, 1)]),
    ("denied_process_info", [("6．属于四类过程性信息", 1, 1)]),
    ("denied_enforcement_file", [("7．属于行政执法案卷", 1, 1)]),
    ("denied_query_matter", [("8．属于行政查询事项", 1, 1)]),
    ("unavailable_not_held", [("（四）无法提供", 3, 1), ("1．本机关不掌握相关政府信息", 1, 1)]),
    ("unavailable_needs_creation", [("2．没有现成信息需要另行制作", 1, 1)]),
    ("unavailable_unclear", [("3．补正后申请内容仍不明确", 1, 1)]),
    ("not_processed_petition", [("（五）不予处理", 5, 1), ("1．信访举报投诉类申请", 1, 1)]),
    ("not_processed_duplicate", [("2．重复申请", 1, 1)]),
    ("not_processed_publication", [("3．要求提供公开出版物", 1, 1)]),
    ("not_processed_excessive", [("4．无正当理由大量反复申请", 1, 1)]),
    ("not_processed_confirmation", [("5．要求行政机关确认或重新出具已获取信息", 1, 1)]),
    ("other_no_correction", [("（六）其他处理", 3, 1),
                             ("1．申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 1, 1)]),
    ("other_no_fee", [("2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 1, 1)]),
    ("other_misc", [("3．其他", 1, 1)]),
    ("total_handled", [("（七）总计", 1, 2)]),
    ("carried_forward", [("四、结转下年度继续办理", 1, 3)]),
]


def _application_values(index: int) -> tuple[int | None, ...]:
    """Distinct values per row; 科研机构 printed blank (``&nbsp;``) throughout, so null."""
    natural, commercial, legal = index + 1, index % 3, 1 if index == 0 else 0
    return natural, commercial, None, 0, legal, 0, natural + commercial + legal


APPLICATIONS_2021 = {key: row(*_application_values(i)) for i, (key, _) in enumerate(APPLICATION_LAYOUT)}
REVIEW_VALUES = (1, 0, 0, 1, 2, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0)


def applications_table() -> str:
    rows = [
        td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3) + td("申请人情况", colspan=7),
        td("自然人", rowspan=2) + td("法人或其他组织", colspan=5) + td("总计", rowspan=2),
        td("商业企业") + td("科研机构") + td("社会公益组织") + td("法律服务机构") + td("其他"),
    ]
    for key, labels in APPLICATION_LAYOUT:
        cells = "".join(td(text, rs, cs) for text, rs, cs in labels)
        rows.append(cells + "".join(td(v) for v in APPLICATIONS_2021[key].values()))
    return table(rows)


def review_table() -> str:
    fields = "".join(td(f) for f in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
    return table([
        td("行政复议", colspan=5) + td("行政诉讼", colspan=10),
        "".join(td(f, rowspan=2) for f in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
        + td("未经复议直接起诉", colspan=5) + td("复议后起诉", colspan=5),
        fields + fields,
        "".join(td(v) for v in REVIEW_VALUES),
    ])


def report_body(*, title: bool = True, signature: bool = True) -> str:
    """The report itself: title, six sections with their tables, signature."""
    parts = [word_p(TITLE, "text-align:center")] if title else []
    parts += [
        word_p("一、总体情况"),
        word_p("2022年，我局认真贯彻落实《中华人民共和国政府信息公开条例》。"),
        word_p("（一）主动公开政府信息情况"),
        word_p("全年主动公开政府信息120条。"),
        word_p("二、主动公开政府信息情况"),
        proactive_table(),
        word_p("三、收到和处理政府信息公开申请情况"),
        applications_table(),
        word_p("四、政府信息公开行政复议、行政诉讼情况"),
        review_table(),
        word_p("五、存在的主要问题及改进情况"),
        word_p("政策解读形式不够丰富。下一步，我局将丰富解读形式。"),
        word_p("六、其他需要报告的事项"),
        word_p(OTHER_TEXT),
    ]
    if signature:
        parts += [word_p(AGENCY, "text-align:right"), word_p("2023年1月10日", "text-align:right")]
    return "\n".join(parts)


def page(body: str, *, head: str = "", page_title_text: str = f"{TITLE}_青山县人民政府") -> str:
    return (f"<!DOCTYPE html>\n<html><head>{head}<title>{escape(page_title_text)}</title></head>\n"
            f"<body>\n{body}\n</body></html>")


def assert_full_report(record) -> None:
    assert record["title"] == TITLE
    assert record["agency"] == AGENCY
    assert record["year"] == 2022
    assert record["template"] == "2021"
    assert record["proactive"] == PROACTIVE_2021
    assert record["applications"] == APPLICATIONS_2021
    assert record["review_litigation"] == review(*REVIEW_VALUES)
    assert record["sections"]["other"] == OTHER_TEXT
    assert record["signed"] == "2023-01-10"


def test_a_word_export_report_reads_every_value():
    record = parse(page(report_body()))
    assert_full_report(record)
    assert record["sections"]["overview"] == ("2022年，我局认真贯彻落实《中华人民共和国政府信息公开条例》。\n"
                                              "（一）主动公开政府信息情况\n全年主动公开政府信息120条。")
    assert record["sections"]["problems"] == "政策解读形式不够丰富。下一步，我局将丰富解读形式。"
    assert "report.no_sections" not in codes(record)


# --------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------

GBK_AGENCY = "喆堃县工业和信息化局"  # 喆 and 堃 are in GBK, not in GB2312


def gbk_page(meta: str) -> bytes:
    html = page(report_body(), head=meta).replace(AGENCY, GBK_AGENCY)
    return html.encode("gbk")


def assert_gbk_report(record) -> None:
    assert record["title"] == TITLE.replace(AGENCY, GBK_AGENCY)
    assert record["agency"] == GBK_AGENCY
    assert record["applications"] == APPLICATIONS_2021
    assert record["proactive"] == PROACTIVE_2021


def test_gbk_without_a_declaration_is_detected():
    record = parse(gbk_page(""))
    assert_gbk_report(record)
    assert "encoding.guessed" in codes(record)


def test_gb2312_declaration_with_gbk_only_characters():
    for meta in ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', '<meta charset="GB2312">'):
        record = parse(gbk_page(meta))
        assert_gbk_report(record)
        assert not codes(record) & {"encoding.guessed", "encoding.declared_wrong"}


def test_a_page_that_lies_about_its_charset():
    record = parse(gbk_page('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'))
    assert_gbk_report(record)
    assert "encoding.declared_wrong" in codes(record)


def test_a_byte_order_mark_beats_the_declaration():
    data = b"\xef\xbb\xbf" + page(report_body(), head='<meta charset="gbk">').encode("utf-8")
    assert_full_report(parse(data))


def test_an_xml_declaration_is_honoured_and_removed():
    data = ('<?xml version="1.0" encoding="gbk"?>\n' + page(report_body())).encode("gbk")
    assert declared_charset(data) == "gbk"
    assert_full_report(parse(data, "x.xhtml"))


# --------------------------------------------------------------------------
# Tables: spans, cell text, layout tables
# --------------------------------------------------------------------------

SPANS = """<p>表</p><table>
<tr><th rowspan="2">A</th><th colspan="2">B</th><td rowspan="3">C</td></tr>
<tr><td>d</td><td>e</td></tr>
<tr><td colspan="3">f</td></tr>
<tr><td>g</td><td>h</td><td>i</td><td>j</td></tr>
</table>"""


def test_spans_become_a_grid_with_covered_slots_none():
    [grid] = read(SPANS).tables()
    origin = {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in grid.cells()}
    assert origin == {
        (0, 0): ("A", 2, 1), (0, 1): ("B", 1, 2), (0, 3): ("C", 3, 1),
        (1, 1): ("d", 1, 1), (1, 2): ("e", 1, 1),
        (2, 0): ("f", 1, 3),
        (3, 0): ("g", 1, 1), (3, 1): ("h", 1, 1), (3, 2): ("i", 1, 1), (3, 3): ("j", 1, 1),
    }
    covered = [(r, c) for r, cells in enumerate(grid.rows) for c, cell in enumerate(cells) if cell is None]
    assert covered == [(0, 2), (1, 0), (1, 3), (2, 1), (2, 2), (2, 3)]
    assert [len(cells) for cells in grid.rows] == [4, 4, 4, 4]


def test_a_page_table_keeps_its_texts_and_makes_its_grid_only_when_read():
    # nianbao.document.Table.from_cells: the record's path reads texts by row; the grid and its Cells are made
    # the first time rows is read, and the table is then the one Table(rows=…) makes from the same grid
    import copy
    import pickle

    [table] = HtmlReader().read(SPANS.encode(), SourceInfo.from_uri("x.html")).tables()
    assert table.texts == (("A", "B", "C"), ("d", "e"), ("f",), ("g", "h", "i", "j"))
    assert table.spans[0] == (("A", 2, 1), ("B", 1, 2), ("C", 3, 1))
    assert table.row_count() == 4 and [*table.row_texts()] == [list(row) for row in table.texts]
    assert table.row_origins(0) == [("A", 2), ("B", 1), ("C", 3)]
    assert not _slot_set(table, "rows")  # none of these made the grid
    grid = expand_spans(table.spans)
    assert table.rows == grid and table == Table(rows=grid) and hash(table) == hash(Table(rows=grid))
    assert [*table.cell_texts()] == [cell.text for cell in table.cells()]
    assert pickle.loads(pickle.dumps(table)) == table and copy.deepcopy(table) == table
    clamped = Table.from_cells([[("x", 5, 1), ("y", 0, 1)], [("z", 1, 1)]])
    assert clamped.row_origins(0) == [("x", 2), ("y", 2)]  # as the grid clamps them: two rows there are
    assert [(c.text, c.rowspan) for c in clamped.rows[0]] == [("x", 2), ("y", 2)]


def _slot_set(obj, name):
    """Whether the slot ``name`` of ``obj`` holds a value (a lazy table's ``rows`` does not until read)."""
    try:
        object.__getattribute__(obj, name)
    except AttributeError:
        return False
    return True


def test_expand_spans_carries_open_spans_and_clamps_at_the_end():
    grid = expand_spans([
        [("a", 1, 1), ("b", 2, 1), ("c", 5, 1)],  # two spans still open after the next row's only cell
        [("d", 1, 1)],
        [("e", 0, 1), ("f", 1, 1)],  # rowspan=0: to the last row
        [("g", 1, 1)],
    ])
    assert [[(c.text, c.rowspan) if c else None for c in cells] for cells in grid] == [
        [("a", 1), ("b", 2), ("c", 4)],  # c's five rows clamped to the four there are
        [("d", 1), None, None],
        [("e", 2), ("f", 1), None],
        [None, ("g", 1), None],
    ]


def test_cell_text_from_runs_nbsp_o_p_and_breaks():
    html = """<table>
    <tr><td><p><span><font face="宋体">2</font></span><span lang="EN-US"><font>6</font></span><o:p></o:p></p></td>
        <td><p class="MsoNormal" align="center"><span>&nbsp;</span><o:p>&nbsp;</o:p></p></td>
        <td><p>商业</p><p>企业</p></td>
        <td>本年新<br>制作数量</td>
        <td>&nbsp;1&nbsp;&nbsp;234&#8203;&nbsp;</td></tr>
    <tr><td><span>申请人</span>
        情况</td><td></td><td><p><o:p></o:p></p></td><td>x</td><td>y</td></tr>
    </table>"""
    [grid] = read(html).tables()
    assert [c.text for c in grid.rows[0]] == ["26", "", "商业\n企业", "本年新\n制作数量", "1 234"]
    # a source line break between two CJK characters is no space (Word wraps its HTML at ~76 columns)
    assert [c.text for c in grid.rows[1]] == ["申请人情况", "", "", "x", "y"]


def test_paragraphs_split_at_br_and_normalise_whitespace():
    html = """<div><p>第一行<br/>第二行</p><p> </p><p>&nbsp;&nbsp;</p>
    <p>　　全角缩进　与&nbsp;&nbsp;空格</p><p>省、
    市、县有关文件</p><div>文字<p>段落</p>尾巴</div><ul><li>条目一</li><li>条目二</li></ul>
    <script>var s = "一、总体情况";</script><style>p {}</style></div>"""
    texts = [b.text for b in read(html).blocks]
    assert texts == ["第一行", "第二行", "全角缩进 与 空格", "省、市、县有关文件", "文字", "段落", "尾巴", "条目一",
                     "条目二"]


def test_an_unknown_element_is_read_as_its_text_unless_a_block_is_inside():
    """An element the walk does not know (a smart tag of Word's, a CMS's own) is read as its text with what it
    holds; a container whose first child is one but which holds a block further in is still walked (its id on
    its blocks' paths), and so is such a table cell (its lines)."""
    html = """<html><body><div><st1:chsdate>2023年</st1:chsdate><p>第一段</p></div>
    <div><x-wrap>甲<x-b>乙</x-b></x-wrap></div>
    <table><tr><td><x-n>12</x-n></td><td><x-n>3</x-n><p>4</p></td><td><p>5</p></td></tr>
    <tr><td>a</td><td>b</td><td rowspan="1">c</td></tr></table></body></html>"""
    document = HtmlReader().read(html.encode("utf-8"), SourceInfo.from_uri("x.html"))
    blocks = [[[c.text for c in row] for row in b.rows] if isinstance(b, Table) else b.text for b in document.blocks]
    assert blocks == ["2023年", "第一段", "甲乙", [["12", "3\n4", "5"], ["a", "b", "c"]]]
    assert document.paths == ((0, 1, 2), (0, 1, 2), (0, 1), (0, 1, 4))  # the first div walked, the second read whole


def test_a_layout_table_around_the_report_is_unwrapped():
    nav = "".join(f'<p><a href="/{i}">栏目{i}</a></p>' for i in range(12))
    body = (f'<table width="1000"><tr><td colspan="2"><img src="logo.png">青山县人民政府</td></tr>'
            f'<tr><td width="200">{nav}</td><td>{report_body()}</td></tr>'
            '<tr><td colspan="2">版权所有：青山县人民政府 ICP备12345678号</td></tr></table>')
    record = parse(page(body))
    assert_full_report(record)
    document = read(page(body))
    tables = list(document.tables())
    assert len(tables) == 3  # the data tables of 二, 三, 四; the layout table is gone
    assert tables[2].rows[0][0].text == "行政复议"
    text = "\n".join(v for v in record["sections"].values() if v)
    assert "栏目" not in text and "版权所有" not in text


def test_a_nested_data_table_inside_a_layout_cell_keeps_its_grid():
    html = f'<table><tr><td><p>{"说明文字。" * 3}</p>{SPANS}</td></tr></table>'
    [grid] = read(html).tables()
    assert grid.rows[0][0] == Cell(text="A", row=0, col=0, rowspan=2, colspan=1)


def test_a_heading_printed_as_the_first_table_row_is_a_paragraph():
    heading = word_p("三、收到和处理政府信息公开申请情况")
    printed = applications_table()
    first_row = f'<tr>{td("三、收到和处理政府信息公开申请情况", colspan=10)}</tr>'
    inside = printed.replace("<tbody>\n", f"<tbody>\n{first_row}\n", 1)
    body = report_body().replace(f"{heading}\n{printed}", inside)
    assert inside in body and body.count(heading) == 1  # the heading is only the table's first row now
    assert_full_report(parse(page(body)))


# --------------------------------------------------------------------------
# Site chrome, titles, publish dates
# --------------------------------------------------------------------------

CHROME_HEAD = ('<meta name="others" content="页面生成时间 2024-05-28 15:46:43">'
               '<script>var title = "其他需要报告的事项";</script><style>.nav li {float: left}</style>')


def chrome_page(article: str, *, head: str = CHROME_HEAD) -> str:
    nav = "".join(f"<li><a href='/{i}'>{w}</a></li>" for i, w in enumerate(
        ("首页", "政务公开", "政府信息公开年报", "行政复议", "政民互动")))
    related = "".join(f"<li><a href='/r{y}'>{AGENCY}{y}年政府信息公开工作年度报告</a></li>" for y in (2021, 2020))
    body = f"""
<div class="meta"><strong>采集时间：</strong>2025-12-30T21:37:37+08:00</div>
<header><div class="logo">青山县人民政府</div><nav><ul>{nav}</ul></nav></header>
<div class="top"><form action="/search"><input name="q"><button>搜索</button></form></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a>政府信息公开</a> &gt; <a>年报</a></div>
<div class="main">
  <div class="left"><h3>相关年报</h3><ul>{related}</ul><ul>{nav}</ul></div>
  <div class="article">
    {article}
  </div>
</div>
<div class="share">分享到：<a>微信</a> <a>微博</a></div>
<div class="print"><a>【打印本页】</a> <a>【关闭窗口】</a></div>
<footer><p><a>网站声明</a> | <a>联系我们</a></p><p>版权所有：青山县人民政府 ICP备12345678号</p></footer>
<div class="foot">主办单位：青山县人民政府办公室 网站标识码：1234567890<img src="/images/jiucuo.png"></div>
<iframe src="/footer.shtml"></iframe>"""
    return page(body, head=head, page_title_text=f"{TITLE}_青山县人民政府")


def chrome_article() -> str:
    """An article as portals print it: title, publish line, body, then the signature in a div of its own."""
    return (f'<h1 class="title">{TITLE}</h1>'
            '<div class="info">发布时间：2023-01-17 10:04 来源：青山县工业和信息化局 浏览次数：<span>120</span>'
            '<span>字号：<a>大</a> <a>中</a> <a>小</a></span></div>'
            f'<div class="content" id="zoom">{report_body(title=False, signature=False)}</div>'
            f'<div class="sign" align="right">{AGENCY}<br>2023年1月10日</div>')


def test_site_chrome_stays_out_of_every_section():
    record = parse(chrome_page(chrome_article()))
    assert_full_report(record)
    assert record["published"] == "2023-01-17"  # not 采集时间 2025-12-30, not 页面生成时间 2024-05-28
    assert record["sections"]["other"] == OTHER_TEXT
    text = "\n".join(v for v in record["sections"].values() if v)
    for chrome in ("首页", "采集时间", "当前位置", "相关年报", "2021年政府信息公开", "分享到", "打印", "网站声明",
                   "版权所有", "ICP", "网站标识码", "搜索", "var title"):
        assert chrome not in text
    document = read(chrome_page(chrome_article()))
    assert document.blocks[0] == Paragraph(text=TITLE)
    # the title above the article is the page's, not the report's text: its year is weighed against the report's
    # own dates (they agree here, so the record above keeps it)
    assert document.properties == {"published": "2023-01-17", TITLE_RIVAL: TITLE_ALONE}
    assert record["year"] == 2022 and not [i for i in record["issues"] if i["code"] == "metadata.year_conflict"]


def test_a_form_inside_an_inline_element_stays_chrome_after_the_inline_elements_are_stripped():
    # the inline elements are stripped before the walk: the form's parent was a <span>, not <body>
    html = "<body><span><form><p>站内搜索</p></form></span><p>正文段落</p></body>"
    assert [b.text for b in read(html).blocks] == ["正文段落"]


def test_a_form_wrapping_the_whole_page_is_not_chrome():
    body = (f'<form method="post" action="./show.aspx" id="form1"><div class="nav"><a>首页</a></div>'
            f'<div class="content">{report_body()}</div><div class="search"><form><input name="q"></form></div>'
            "</form>")
    assert_full_report(parse(page(body)))


def test_the_title_only_in_the_title_element():
    article = f'<div class="content">{report_body(title=False)}</div>'
    for title_text in (f"{TITLE}_青山县人民政府", f"{TITLE} - 青山县人民政府", f"青山县人民政府 | {TITLE}"):
        document = read(page(article, page_title_text=title_text))
        assert document.blocks[0] == Paragraph(text=TITLE)
    assert parse(page(article))["title"] == TITLE


def test_a_title_broken_over_two_lines_above_the_article():
    article = (f'<h1>{AGENCY}<br>2022年政府信息公开工作年度报告</h1>'
               f'<div class="content">{report_body(title=False)}</div>')
    record = parse(page(article, page_title_text="青山县人民政府"))
    assert (record["title"], record["agency"], record["year"]) == (TITLE, AGENCY, 2022)


def test_a_sidebar_of_other_years_is_not_the_title():
    related = "".join(f"<li>{AGENCY}{y}年政府信息公开工作年度报告</li>" for y in (2021, 2020))
    article = f'<div class="side"><ul>{related}</ul></div><div class="content">{report_body(title=False)}</div>'
    assert parse(page(article))["title"] == TITLE


@pytest.mark.parametrize(("head", "body", "published"), [
    ('<meta name="PubDate" content="2023-02-03 09:30">', "发布时间：2023-02-03", "2023-02-03"),
    ('<meta name="PubDate" content="2023-02-03 09:30">', "", "2023-02-03"),
    # the meta tag and the publish line disagree: no date (the record says why: metadata.published_conflict)
    ('<meta name="PubDate" content="2023-02-03 09:30">', "发布时间：2023-01-17", None),
    ('<meta name="others" content="页面生成时间 2024-05-28">', "<span>发布日期：2023-01-17 来源：本局</span>",
     "2023-01-17"),
    ("", "<table><tr><td>发布机构</td><td>本局</td><td>公开日期</td><td>2023年1月18日</td></tr></table>",
     "2023-01-18"),
    ("", "<table><tr><td>公开日期</td><td><publishtime>2023-01-19</publishtime></td></tr></table>", "2023-01-19"),
    ('<meta name="others" content="页面生成时间 2024-05-28">', "<div>采集时间：2025-12-30</div>", None),
])
def test_the_publish_date(head, body, published):
    document = read(page(f"{body}<div class='content'>{report_body()}</div>", head=head))
    assert document.properties.get("published") == published


# --------------------------------------------------------------------------
# Pages without a report, pages that cannot be read, hostile pages
# --------------------------------------------------------------------------


def test_a_page_without_a_report_is_a_record_with_an_issue():
    html = chrome_page("<h1>关于开展安全生产检查的通知</h1><p>各乡镇：现将有关事项通知如下。</p>")
    record = parse(html)
    assert "report.no_sections" in codes(record)
    assert record["source"]["reader"] == "html"
    assert record["applications"] == {}


@pytest.mark.parametrize("data", [b"<!-- nothing but a comment -->", b"<!DOCTYPE html>"])
def test_a_page_without_elements_is_a_markup_error(data):
    with pytest.raises(MarkupError, match="no HTML elements"):
        read(data)
    outcome = nianbao.process_bytes(data, "empty.html")
    assert outcome.dead_letter["error"]["stage"] == "read"
    assert outcome.dead_letter["error"]["type"] == "MarkupError"


def test_deep_nesting_is_read_without_recursion_errors():
    html = "<div>" * 120 + "<p>" + "<span>" * 120 + "深处的文字" + "</span>" * 120 + "</p>" + "</div>" * 120
    assert [b.text for b in read(html).paragraphs()] == ["深处的文字"]


@pytest.mark.parametrize("html", [
    "<div>" * 300 + "<p>深处的文字</p>" + "</div>" * 300,
    "<p>" + "长" * 11_000_000 + "</p>",
])
def test_a_page_over_the_parser_limits_is_a_markup_error_not_a_silent_cut(html):
    with pytest.raises(MarkupError, match="safety limit"):
        read(html)


@pytest.fixture
def listener():
    """A local HTTP server that records every request made to it."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "LEAKED-OVER-HTTP">')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def test_entities_dtds_and_urls_are_never_fetched(listener, tmp_path):
    url, requests = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT", encoding="utf-8")
    html = f"""<?xml version="1.0"?>
<!DOCTYPE html SYSTEM "{url}/page.dtd" [
  <!ENTITY file SYSTEM "file://{secret}">
  <!ENTITY passwd SYSTEM "file:///etc/passwd">
  <!ENTITY remote SYSTEM "{url}/entity">
  <!ENTITY % dtd SYSTEM "{url}/evil.dtd"> %dtd;
]>
<html><head><link rel="stylesheet" href="{url}/style.css"><script src="{url}/app.js"></script></head>
<body><p>甲&file;乙&passwd;丙&remote;丁&leak;</p><img src="{url}/img.png"><iframe src="{url}/frame"></iframe>
{report_body()}</body></html>"""
    record = parse(html)
    document = read(html)
    dumped = repr(document) + repr(record)
    for leaked in ("TOP-SECRET-FILE-CONTENT", "root:", "LEAKED-OVER-HTTP", "ENTITY"):
        assert leaked not in dumped
    assert requests == []
    assert_full_report(record)


# --------------------------------------------------------------------------
# Detection and registration
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("uri", "head", "accepted"), [
    ("a.html", b"anything", True),
    ("a.HTM", b"", True),
    ("a.shtml", b"", True),
    ("a.xhtml", b"", True),
    ("page", b"<!DOCTYPE html><html>", True),
    ("page", b"\xef\xbb\xbf  <html lang='zh'>", True),
    ("page", b"<p style='text-align:center'>2019\xe5\xb9\xb4", True),  # a fragment, like the shanghai page
    ("page", b"<!-- saved --><table><tr><td>", True),
    ("page.txt", b"\n<div class='content'>", True),
    ("page", "一、总体情况\n<p>".encode(), False),
    ("page", b"<param>", False),
    ("report.docx", b"<html>", False),
])
def test_accepts(uri, head, accepted):
    assert HtmlReader().accepts(head, SourceInfo.from_uri(uri)) is accepted


def test_accepts_by_mime_type():
    assert HtmlReader().accepts(b"", SourceInfo(uri="u", mimetype="text/html"))


def test_sniff_and_declared_charset():
    assert sniff_html("\ufeff<html>".encode("utf-16"))
    assert declared_charset(b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=GB2312" />') == (
        "GB2312")
    assert declared_charset(b"<meta charset='gbk'>") == "gbk"
    assert declared_charset(b"<html><body>no declaration</body></html>") is None


@pytest.mark.parametrize(("title", "expected"), [
    (f"{TITLE}_青山县人民政府", TITLE),
    (f"{TITLE} - 青山县人民政府", TITLE),
    (f"{TITLE}-沭阳县发改局", TITLE),
    (f"青山县人民政府｜{TITLE}", TITLE),
    ("2019-2020年度工作总结_青山县人民政府", "2019-2020年度工作总结"),
    ("青山县人民政府", "青山县人民政府"),
])
def test_page_title_drops_the_site_name(title, expected):
    assert page_title(title) == expected


def test_register_readers(host):
    reader = host.reader("html")
    assert isinstance(reader, HtmlReader)
    assert reader.format == "html"
    assert reader.priority > host.reader("text").priority
    assert host.owner("reader", "html") == "nianbao.plugins.html"


def test_one_parser_per_reader_and_tables_as_document_blocks():
    reader = HtmlReader()
    assert reader._parser is reader._parser
    document = reader.read(page(report_body()).encode("utf-8"), SourceInfo.from_uri("x.html"))
    kinds = [type(b).__name__ for b in document.blocks]
    assert kinds.count("Table") == 3
    assert all(isinstance(b, (Paragraph, Table)) for b in document.blocks)


def test_sections_in_wrappers_of_their_own_share_one_article():
    sections = report_body(title=False).split(word_p("二、主动公开政府信息情况"))
    body = (f'<div class="side"><p>相关链接</p></div><div class="content">'
            f'<div class="sec">{sections[0]}</div>'
            f'<div class="sec">{word_p("二、主动公开政府信息情况")}{sections[1]}</div></div>')
    assert_full_report(parse(page(body)))


def test_one_heading_alone_does_not_narrow_the_page():
    body = '<div class="a"><p>一、总体情况</p></div><div class="b"><p>我局全年主动公开信息50条。</p></div>'
    texts = [b.text for b in read(page(body, page_title_text="青山县人民政府")).blocks]
    assert texts == ["青山县人民政府", "一、总体情况", "我局全年主动公开信息50条。"]


@pytest.mark.parametrize("html", [
    '<!DOCTYPE html>\r\n<html><head><title>年报</title><meta name="PubDate" content="2023-01-17"></head><body>\r\n'
    '<p>一、总体\r\n情况</p><table><tr><td rowspan="2"><p>甲&nbsp;</p></td><td>1</td></tr><tr><td>2<br>3</td></tr>'
    '</table><publishtime>2023-01-17</publishtime></body></html>',
    '\ufeff<html><body><p>带字节顺序标记的页面</p></body></html>',
    '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html [<!ENTITY x "实体">]><html><body><p>&x;声明</p>',
    '<html><body><p>控制\x01字符</p><p>空\x00字符</p>' + "<p>正文</p>" * 50 + "</body></html>",
])
def test_a_utf8_page_read_from_its_bytes_reads_as_its_text(html):
    # a UTF-8 page goes to libxml2 as its own bytes, any other as its decoded text (here UTF-16, a BOM first):
    # the same page either way, whatever cleaning the text needs (a BOM, a declaration, control characters)
    reader, source = HtmlReader(), SourceInfo.from_uri("x.html")
    as_bytes = reader.read(html.encode("utf-8"), source)
    as_text = reader.read(html.lstrip("\ufeff").encode("utf-16"), source)
    assert as_bytes.blocks and (as_bytes.blocks, as_bytes.paths, as_bytes.pages) == (
        as_text.blocks, as_text.paths, as_text.pages)


def test_deleted_text_and_footnote_references_are_no_part_of_a_value():
    """Word's HTML of tracked changes (``<del>68</del><ins>66</ins>``), struck text and footnote references
    (``24<sup><a href="#_ftn2">2</a></sup>``) were read into the numbers (6866, 242: wrong values, red team 2):
    the deleted text and the references go; an exponent in prose stays."""
    document = read("<p>面积100m<sup>2</sup>，见注<sup><a href='#_ftn1'>[1]</a></sup>。</p>"
                    "<table><tr><td>行政许可</td><td><del>68</del><ins>66</ins></td><td><s>5</s>4</td>"
                    "<td>24<sup><a href='#_ftn2' name='_ftnref2'>2</a></sup></td><td>7<SUP>3</SUP></td></tr></table>")
    assert [b.text for b in document.blocks if isinstance(b, Paragraph)] == ["面积100m2，见注。"]
    table = next(b for b in document.blocks if isinstance(b, Table))
    assert [c.text for c in table.rows[0]] == ["行政许可", "66", "4", "24", "7"]
