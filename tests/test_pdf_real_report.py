"""The real report szfgs2024.pdf, parsed field by field against values read off the rendered pages.

淮安市人民政府 2024 report: section 二 is one table split over pages 3-4, section 三
one table split over pages 4-5 (its （四）无法提供 label cut in two by the page
break), section 四 one table with two header rows of merged cells.
"""

from __future__ import annotations

import pytest

import nianbao
from nianbao.document import Table

from .conftest import PEER

pytest.importorskip("pdfplumber", reason="the pdf extra is not installed: pip install -e '.[pdf]'")
#: 淮安市人民政府2024年政府信息公开工作年度报告 (6 pages, WPS-made, 2021 template).
REPORT = PEER / "govnianbao" / "szfgs2024.pdf"


@pytest.fixture(scope="module")
def report_path():
    return REPORT


@pytest.fixture(scope="module")
def report_bytes():
    return REPORT.read_bytes()

COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")


def row(*values: int) -> dict[str, int]:
    """One row of section 三 as printed: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计."""
    assert len(values) == 7
    return dict(zip(COLUMNS, values, strict=True))


APPLICATIONS = {
    "new_received": row(3001, 53, 0, 0, 61, 4, 3119),
    "carried_over": row(34, 0, 0, 0, 0, 0, 34),
    "granted": row(1288, 21, 0, 0, 50, 3, 1362),
    "partially_granted": row(447, 7, 0, 0, 0, 0, 454),
    "denied_state_secret": row(2, 0, 0, 0, 0, 0, 2),
    "denied_prohibited_by_law": row(30, 1, 0, 0, 0, 0, 31),
    "denied_three_safety_one_stability": row(5, 0, 0, 0, 0, 0, 5),
    "denied_third_party": row(6, 0, 0, 0, 0, 0, 6),
    "denied_internal_affairs": row(7, 1, 0, 0, 0, 0, 8),
    "denied_process_info": row(12, 0, 0, 0, 0, 0, 12),
    "denied_enforcement_file": row(9, 0, 0, 0, 0, 0, 9),
    "denied_query_matter": row(105, 0, 0, 0, 0, 0, 105),
    "unavailable_not_held": row(746, 12, 0, 0, 10, 1, 769),  # last row on page 4
    "unavailable_needs_creation": row(11, 0, 0, 0, 0, 0, 11),  # first row on page 5
    "unavailable_unclear": row(1, 0, 0, 0, 0, 0, 1),
    "not_processed_petition": row(56, 6, 0, 0, 0, 0, 62),
    "not_processed_duplicate": row(25, 0, 0, 0, 0, 0, 25),
    "not_processed_publication": row(0, 0, 0, 0, 0, 0, 0),
    "not_processed_excessive": row(0, 0, 0, 0, 0, 0, 0),
    "not_processed_confirmation": row(1, 0, 0, 0, 0, 0, 1),
    "other_no_correction": row(67, 3, 0, 0, 1, 0, 71),
    "other_no_fee": row(6, 0, 0, 0, 0, 0, 6),
    "other_misc": row(108, 2, 0, 0, 0, 0, 110),
    "total_handled": row(2932, 53, 0, 0, 61, 4, 3050),
    "carried_forward": row(103, 0, 0, 0, 0, 0, 103),
}
PROACTIVE = {
    "regulations": {"issued": 1, "repealed": 0, "in_force": 11},
    "normative_documents": {"issued": 8, "repealed": 26, "in_force": 66},
    "licensing": {"decisions": 447228},
    "penalty": {"decisions": 3985758},  # page 4: the table goes on after the page break
    "enforcement": {"decisions": 88283},
    "fees": {"amount_wan": 96171.6},
}
REVIEW = {
    "review": {"upheld": 72, "corrected": 64, "other": 178, "pending": 37, "total": 351},
    "litigation_direct": {"upheld": 13, "corrected": 4, "other": 8, "pending": 1, "total": 26},
    "litigation_after_review": {"upheld": 12, "corrected": 1, "other": 1, "pending": 6, "total": 20},
}


@pytest.fixture(scope="module")
def record(host, report_bytes, report_path):
    return nianbao.parse_bytes(report_bytes, str(report_path), host=host)


def test_source_names_the_pdf_reader(record, report_bytes):
    assert record["source"]["format"] == "pdf"
    assert record["source"]["reader"] == "pdf"
    assert record["source"]["bytes"] == len(report_bytes) == 412842


def test_metadata(record):
    assert record["title"] == "淮安市人民政府2024年政府信息公开工作年度报告"  # two centred lines, joined
    assert record["agency"] == "淮安市人民政府"
    assert record["year"] == 2024
    assert record["published"] is None  # a PDF has no publish line
    assert record["signed"] is None  # the report ends without a signature
    assert record["template"] == "2021"


def test_section_two_across_the_page_break(record):
    assert record["proactive"] == PROACTIVE


def test_section_three_every_row_and_column(record):
    assert record["applications"] == APPLICATIONS


def test_section_four(record):
    assert record["review_litigation"] == REVIEW


def test_every_cross_check_holds_and_nothing_is_reported(record):
    assert record["checks"], "the checks ran"
    assert [c for c in record["checks"] if not c["ok"]] == []
    assert record["issues"] == []


def test_prose_sections_are_whole_paragraphs_across_lines_and_pages(record):
    overview = record["sections"]["overview"]
    assert overview.startswith("2024年，我市坚持以习近平新时代中国特色社会主义思想为指导，认真学习")
    paragraphs = overview.split("\n")
    assert len(paragraphs) == 6  # the lead paragraph and （一）…（五）
    assert [p[:3] for p in paragraphs[1:]] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    # page 1 ends inside （一） and page 2 goes on with it: one paragraph, no page number inside
    assert "“建设‘四最’一流营商环境高质量推进产业发展”" in paragraphs[1]
    assert "-1-" not in overview and "- 1 -" not in overview
    assert "主动公开各类政府信息5500余条" in paragraphs[1]  # no inferred spaces around the digits
    problems = record["sections"]["problems"]
    assert problems.startswith("对照上级新要求和公众新期待，还有一些需要加强和改进的地方。主要表现在")  # pages 5-6
    assert record["sections"]["other"] == (
        "2024年，市政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费3940元。"
    )


def test_document_structure(host, report_bytes, report_path):
    document = host.reader("pdf").read(report_bytes, nianbao.SourceInfo.from_uri(str(report_path)))
    tables = list(document.tables())
    # 二 split over pages 3-4, 三 split over pages 4-5, 四: consecutive Table blocks where they are printed
    assert [(len(t.rows), len(t.rows[0])) for t in tables] == [(8, 4), (6, 2), (16, 10), (12, 10), (4, 15)]
    kinds = ["T" if isinstance(b, Table) else b.text[:2] for b in document.blocks]
    assert kinds[kinds.index("二、") + 1 : kinds.index("二、") + 4] == ["T", "T", "三、"]
    assert kinds[kinds.index("三、") + 1 : kinds.index("三、") + 4] == ["T", "T", "四、"]
    assert kinds[kinds.index("四、") + 1 : kinds.index("四、") + 3] == ["T", "五、"]
    assert document.properties["pages"] == "6"

    review = tables[4]
    head = review.rows[0]
    assert (head[0].text, head[0].colspan) == ("行政复议", 5)
    assert (head[5].text, head[5].colspan) == ("行政诉讼", 10)
    assert head[1:5] == (None,) * 4 and head[6:] == (None,) * 9  # covered slots point nowhere
    assert (review.rows[1][0].text, review.rows[1][0].rowspan) == ("结果\n维持", 2)  # line break kept
    assert [c.text for c in review.rows[3]] == ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26",
                                                 "12", "1", "1", "6", "20"]

    applications = tables[2]
    corner = applications.rows[0][0]
    assert (corner.rowspan, corner.colspan) == (3, 3)
    results = applications.rows[5][0]  # 三、本年度办理结果, printed one character a line
    assert results.text == "三、\n本\n年\n度\n办\n理\n结\n果" and results.rowspan == 11
    assert applications.rows[15][1].text == "（四）无"  # the page break cuts （四）无法提供 ...
    assert tables[3].rows[0][1].text == "法提供"  # ... and the next page goes on with it
