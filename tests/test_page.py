"""The page around the sections (nianbao.page): title, agency, year, publish and signature dates, in every format.

The documents are real reports with their title or signature reworded into variants that real reports print.
Where each variant was seen:

- ``…年政府信息公开年度报告``: the 沭阳县发展和改革局 page itself (tests/data/real/shuyang-fgj-2023.html).
- ``…年度政府信息公开工作报告``: ``市扶农办2016年度政府信息公开工作报告`` and
  ``广东省旅游局2012年度政府信息公开工作报告`` in two public crawlers' code
  (find_string "年度政府信息公开工作报告", ids 29383953602 and 16277696477).
- ``…年政府信息公开工作年报`` / ``…政府信息公开年报``: issue 13 (``…2025年政府信息公开工作年报``), and the suffix list
  of another parser of these reports (find_string "政府信息公开年度报告", id 59943641031:
  ``政府信息公开工作年度报告|政府信息公开年度报告|…|政府信息公开年报|年报``).
- a title over two lines: samples/000 (``塔城地区工信局2020年政府信息公开`` / ``工作报告``) and samples/004.
- the statistics period: samples/004 (``统计期限自2020年1月1日起至2020年12月31日止``) and a public parser's
  fixture of a Hangzhou-style page (find_string "统计期限", id 59685592790:
  ``本报告中所列数据统计期限为2025年1月1日至12月31日``, the second year left out).
- signatures: samples/003 (a right-aligned body and ``2022年1月13日`` with spaces before them), samples/synth tsv
  (``二〇二二年二月十二日``), shuyang (``2024年1月17日`` padded with spaces); the other spellings are issue 13's list.
- a signature glued to the end of a crawler's one-line body: the pingtan crawler text (tests/data/real), whose
  last section ends ``2022年，无收取信息处理费情况。``; the signature appended is the body the pages name.
"""

from __future__ import annotations

import io
import re

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH

from nianbao.dates import DATE_AT_END, date_at_end
from nianbao.page import _GLUED_SIGNER, SIGNER_MAX_CHARS, _glued_signer, split_signature
from nianbao.parse import parse_bytes
from nianbao.plugins.html import HtmlReader
from nianbao.source import SourceInfo

from .conftest import REAL, SAMPLES

SHUYANG = (REAL / "shuyang-fgj-2023.html").read_text(encoding="utf-8")
SHUYANG_TITLE = "沭阳县发展和改革局2023年政府信息公开年度报告"
SEED_003 = next(SAMPLES.glob("003_*.txt")).read_text(encoding="utf-8")
SEED_003_TITLE = "巴彦淖尔市工业和信息化局2021年政府信息公开工作年度报告"
SEED_004 = next(SAMPLES.glob("004_*.txt")).read_text(encoding="utf-8")
TSV = (SAMPLES / "synth_00000_tsv.txt").read_text(encoding="utf-8")
TSV_TITLE = "西宁市秦都区卫生健康委员会2021年政府信息公开工作年度报告"

#: Title variants for a body and a year: (printed title, agency expected).
TITLE_FORMS = [
    "{body}{year}年政府信息公开年度报告",
    "{body}{year}年度政府信息公开工作报告",
    "{body}{year}年政府信息公开工作年报",
    "{body}{year}年政府信息公开年报",
    "{body}关于{year}年度政府信息公开工作年度报告",
]
#: Signature date spellings of 2024-01-17.
DATE_FORMS = ["2024-01-17", "2024/01/17", "2024.01.17", "2024年01月17日", "二〇二四年一月十七日",
              "二零二四年一月十七日", "二○二四年一月十七日", "2024 年 1 月 17 日", "  二〇二四 年 一 月 十七 日"]


def meta(record: dict) -> dict:
    return {key: record[key] for key in ("title", "agency", "year", "published", "signed")}


def parse(text: str, name: str) -> dict:
    return parse_bytes(text.encode("utf-8"), name)


# ---- HTML ----------------------------------------------------------------


@pytest.mark.parametrize("form", TITLE_FORMS)
def test_html_title_variants(form):
    title = form.format(body="沭阳县发展和改革局", year=2023)
    page = SHUYANG.replace(SHUYANG_TITLE, title)  # the h1, the breadcrumb and <title>
    assert meta(parse(page, "x.html")) == {"title": title, "agency": "沭阳县发展和改革局", "year": 2023,
                                           "published": "2024-01-17", "signed": "2024-01-17"}


@pytest.mark.parametrize("date", DATE_FORMS)
def test_html_signature_dates(date):
    page = SHUYANG.replace("2024年1月17日<br>", f"{date}<br>")
    assert page != SHUYANG
    record = parse(page, "x.html")
    assert record["signed"] == "2024-01-17"
    assert "沭阳县发展和改革局" not in (record["sections"]["other"] or "")


def html_page(head: str, article: str, title: str = "沭阳县人民政府") -> str:
    return (f"<html><head><title>{title}</title></head><body>{head}<div class='article'>{article}</div>"
            f"<div class='footer'>版权所有：沭阳县人民政府</div></body></html>")


def seed_004_body() -> str:
    """Seed 004's report from section 一 on, one paragraph a line."""
    lines = SEED_004.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("一、总体情况"))
    return "".join(f"<p>{line}</p>" for line in lines[start:] if line.strip())


def test_html_title_only_in_the_title_element():
    title = "淄博市工业和信息化局2020年度政府信息公开工作年报"
    record = parse(html_page("", seed_004_body(), title=f"{title}_淄博市人民政府"), "x.html")
    assert meta(record)["title"] == title
    assert (record["agency"], record["year"]) == ("淄博市工业和信息化局", 2020)


def test_html_title_over_two_paragraphs():
    article = "<p>淄博市工业和信息化局2020年度政府信息</p><p>公开工作年度报告</p>" + seed_004_body()
    record = parse(html_page("", article), "x.html")
    assert (record["title"], record["agency"], record["year"]) == (
        "淄博市工业和信息化局2020年度政府信息公开工作年度报告", "淄博市工业和信息化局", 2020)


def test_html_title_without_a_year_broken_inside_the_body_s_name():
    """Independent corpus seed 31, i0110: a centred title wrapped inside the body's name with no year in it
    (``哈尔滨市香坊区人力资源和社会保障`` / ``局政府信息公开工作年度报告``): ``局`` alone names no body, so the line
    above is the title's start (read before: title ``局政府…``, agency ``局``, wrong values)."""
    article = ("<p>               哈尔滨市香坊区人力资源和社会保障               </p>"
               "<p>               局政府信息公开工作年度报告</p><p>(2023年3月)</p>") + seed_004_body()
    record = parse(html_page("", article), "x.html")
    assert (record["title"], record["agency"]) == (
        "哈尔滨市香坊区人力资源和社会保障局政府信息公开工作年度报告", "哈尔滨市香坊区人力资源和社会保障局")


def test_a_title_naming_its_body_takes_no_line_above_it():
    """A year-less title that names its body whole (``淄博市工业和信息化局政府信息公开…``) is not joined to the line
    above it (a site's name), even one a body's name could start with."""
    article = "<p>淄博市人民政府</p><p>淄博市工业和信息化局政府信息公开工作年度报告</p>" + seed_004_body()
    record = parse(html_page("", article), "x.html")
    assert record["title"] == "淄博市工业和信息化局政府信息公开工作年度报告"


def test_html_title_only_in_a_metadata_table():
    head = ("<table><tr><td>标题：</td><td>淄博市工业和信息化局2020年度政府信息公开工作年度报告</td></tr>"
            "<tr><td>发布日期：</td><td>2021-01-29</td></tr></table>")
    record = parse(html_page(head, seed_004_body(), title=""), "x.html")
    assert meta(record) == {"title": "淄博市工业和信息化局2020年度政府信息公开工作年度报告",
                            "agency": "淄博市工业和信息化局", "year": 2020, "published": "2021-01-29", "signed": None}


def test_the_reader_keeps_provenance_and_interprets_nothing():
    document = HtmlReader().read(html_page("<p>发布日期：2021-01-29</p>", seed_004_body()).encode(),
                                 SourceInfo.from_uri("x.html"))
    assert document.properties == {}  # the publish date is the page module's to find
    assert document.pages[0].title == "沭阳县人民政府"
    assert len(document.paths) == len(document.blocks) and all(path[0] == 0 for path in document.paths)
    assert document.blocks[-1].text == "版权所有：沭阳县人民政府"  # the footer is there: the page module cuts it


# ---- text ----------------------------------------------------------------


@pytest.mark.parametrize("form", TITLE_FORMS)
def test_text_title_variants(form):
    title = form.format(body="巴彦淖尔市工业和信息化局", year=2021)
    record = parse(SEED_003.replace(SEED_003_TITLE, title), "r.txt")
    assert meta(record) == {"title": title, "agency": "巴彦淖尔市工业和信息化局", "year": 2021,
                            "published": "2022-01-26", "signed": "2022-01-13"}


#: The same spellings of 2022-01-13, seed 003's signature date.
DATE_FORMS_003 = ["2022-01-13", "2022/01/13", "2022.01.13", "2022年01月13日", "二〇二二年一月十三日",
                  "二零二二年一月十三日", "二○二二年一月十三日", "2022 年 1 月 13 日", "  二〇二二 年 一 月 十三 日"]


@pytest.mark.parametrize("date", DATE_FORMS_003)
def test_text_right_aligned_signature_dates(date):
    text = SEED_003.replace("2022年1月13日", date)
    record = parse(text, "r.txt")
    assert record["signed"] == "2022-01-13"
    assert record["sections"]["other"] == parse(SEED_003, "r.txt")["sections"]["other"]


def test_text_title_wrapped_over_two_lines():
    text = SEED_003.replace(SEED_003_TITLE, "巴彦淖尔市工业和信息化局2021年政府信息\n公开工作年度报告")
    assert parse(text, "r.txt")["title"] == SEED_003_TITLE


def test_year_from_the_statistics_period_when_the_title_names_none():
    text = SEED_004.replace("2020年度政府信息公开工作年度报告", "政府信息公开工作年度报告")
    record = parse(text, "r.txt")
    assert (record["title"], record["agency"], record["year"]) == (
        "淄博市工业和信息化局政府信息公开工作年度报告", "淄博市工业和信息化局", 2020)
    assert not any(issue["code"] == "metadata.no_year" for issue in record["issues"])


@pytest.mark.parametrize("title", ["淄博市工业和信息化局年度政府信息公开工作报告",
                                   "淄博市工业和信息化局本年度政府信息公开工作年报"])
def test_a_title_with_a_year_word_but_no_year(title):
    record = parse(SEED_004.replace("淄博市工业和信息化局\n2020年度政府信息公开工作年度报告", title), "r.txt")
    assert (record["title"], record["agency"], record["year"]) == (title, "淄博市工业和信息化局", 2020)


def test_title_and_statistics_period_disagreeing_leave_the_year_null():
    text = SEED_004.replace("2020年度政府信息公开工作年度报告", "2021年度政府信息公开工作年度报告")
    record = parse(text, "r.txt")
    assert record["year"] is None
    assert [i["where"] for i in record["issues"] if i["code"] == "metadata.year_conflict"] == ["year"]


def test_agency_from_the_signing_body_when_the_title_names_none():
    text = SEED_003.replace(SEED_003_TITLE, "2021年政府信息公开工作年度报告")
    record = parse(text, "r.txt")
    assert (record["title"], record["agency"], record["year"]) == (
        "2021年政府信息公开工作年度报告", "巴彦淖尔市工业和信息化局", 2021)


@pytest.mark.parametrize("glue", ["", " ", "\u3000", "\u3000\u3000"])
@pytest.mark.parametrize("date", ["2023年1月20日", "2023-01-20", "二〇二三年一月二十日"])
def test_a_signature_glued_to_a_one_line_crawler_body(glue, date):
    text = (REAL / "pingtan-2022.txt").read_text(encoding="utf-8")
    end = "2022年，无收取信息处理费情况。"
    assert text.rstrip().endswith(end)
    record = parse(text.rstrip() + f"平潭综合实验区管理委员会{glue}{date}", "pingtan.txt")
    assert record["signed"] == "2023-01-20"
    assert record["sections"]["other"] == parse(text, "pingtan.txt")["sections"]["other"]
    assert record["sections"]["other"].endswith(end)


#: Dates spread over spaces, the longest wider than ``date_at_end``'s window of the line's end.
SPREAD_DATES = ["2023年1月20日", "2023 年 1 月 20 日", "2023\u3000年" + " " * 40 + "1月" + "\u3000" * 30 + "20日",
                "二〇二三 年" + " " * 70 + "一月二十日", "2023-01-20", "2023 -  01 " + " " * 60 + "- 20"]


@pytest.mark.parametrize("date", SPREAD_DATES)
@pytest.mark.parametrize("signer", ["平潭综合实验区管理委员会", "此函 平潭综合实验区管理委员会",
                                    "福" * (SIGNER_MAX_CHARS - 3) + "管理委员会"])  # the longest name a signer has
def test_the_end_of_a_long_line_is_searched_as_the_whole_line(signer, date):
    """``date_at_end`` and the glued signer's search look at the end of a line only: the same answers as the
    patterns searched over the whole line, for a crawler's whole report on one line."""
    text = (REAL / "pingtan-2022.txt").read_text(encoding="utf-8").rstrip()
    for line in (text + signer + date, text + signer + " " + date + "  ", signer + date, date, text + date):
        whole = DATE_AT_END.search(line)
        assert date_at_end(line) == (whole.start() if whole else None)
        if whole:
            glued = _GLUED_SIGNER.search(line, 0, whole.start())
            found = _glued_signer(line, whole.start())
            assert (found.span(1) if found else None) == (glued.span(1) if glued else None)
    if date.startswith("2023"):
        record = parse(text + signer + " " + date, "pingtan.txt")
        assert record["signed"] == "2023-01-20"
        assert record["sections"]["other"].endswith(("2022年，无收取信息处理费情况。", "此函"))  # the body cut off


@pytest.mark.parametrize("after", [
    " （联系人：林耀，联系方式：0591-23163407）",  # 平潭 transport 2019-2021
    "（此件主动公开）",  # tourism 2024, glued to the date
    "抄送：驻区自然资源与生态环境局纪检监察组。平潭综合实验区管理委员会办公室 2023年1月20日印发",  # market 2021
    " Normal 0 7.8 磅 0 2 false false false EN-US ZH-CN X-NONE /* Style Definitions */ "
    "table.MsoNormalTable {mso-style-name:普通表格; mso-para-margin:0cm;}",  # 君山 2021: Word's style sheet as text
])
def test_what_crawlers_glue_after_a_signature_date(after):
    text = (REAL / "pingtan-2022.txt").read_text(encoding="utf-8").rstrip()
    record = parse(text + f"平潭综合实验区管理委员会 2023年1月20日{after}", "pingtan.txt")
    assert record["signed"] == "2023-01-20"
    assert record["sections"]["other"] == parse(text, "pingtan.txt")["sections"]["other"]


@pytest.mark.parametrize("sentence", ["本年度共受理申请（其中2022年1月7日（补正）",
                                      "我局于2022年1月7日（星期五）召开会议", "会议于2022年1月7日 Normal 0 召开"])
def test_a_date_with_an_aside_inside_a_sentence_is_no_signature(sentence):
    assert split_signature([sentence]) == (None, None)


@pytest.mark.parametrize("printed", ["印发", "印制", "印"])
@pytest.mark.parametrize(("signature", "date"), [
    # fujian-pingtan-economy-2020: the print line's date is not the signature's
    ("平潭综合实验区管理委员会 2023年1月20日", "2022年1月20日"),
    ("平潭综合实验区管理委员会 2023年1月20 日", "2023年1月20日"),  # fujian-pingtan-economy-2021: a spaced date
    ("此函 平潭综合实验区管理委员会 2023年1月20日", "2023年1月20日"),  # fujian-pingtan-haitan-2021
], ids=["other-date", "spaced", "ci-han"])
@pytest.mark.parametrize("after", ["", " 附件下载"])
def test_a_glued_signature_followed_by_a_print_line(signature, date, printed, after):
    text = (REAL / "pingtan-2022.txt").read_text(encoding="utf-8").rstrip()
    record = parse(f"{text} {signature} 平潭综合实验区管理委员会办公室 {date}{printed}{after}", "pingtan.txt")
    assert record["signed"] == "2023-01-20"
    assert not any(word in record["sections"]["other"] for word in ("办公室", "2023年", "印"))


def test_a_print_line_is_never_the_signature():
    text = (REAL / "pingtan-2022.txt").read_text(encoding="utf-8").rstrip()
    record = parse(f"{text} 平潭综合实验区管理委员会办公室 2023年1月20日印发", "pingtan.txt")
    assert record["signed"] is None


@pytest.mark.parametrize("glue", ["", "\u3000"])
def test_a_date_alone_glued_after_the_last_sentence(glue):
    text = (REAL / "pingtan-2022.txt").read_text(encoding="utf-8").rstrip()
    record = parse(text + f"{glue}2023年1月20日", "pingtan.txt")
    assert record["signed"] == "2023-01-20"
    assert record["sections"]["other"].endswith("2022年，无收取信息处理费情况。")


def test_a_date_ending_a_sentence_is_no_signature():
    text = SEED_004.rstrip() + "\n本年度数据已于2021年1月20日报送。"
    record = parse(text, "r.txt")
    assert record["signed"] is None
    assert record["sections"]["other"].endswith("本年度数据已于2021年1月20日报送。")


# ---- tab tables ------------------------------------------------------------


@pytest.mark.parametrize("form", TITLE_FORMS)
@pytest.mark.parametrize("date", ["2022-02-12", "2022/02/12", "2022年02月12日", "二零二二年二月十二日"])
def test_tab_table_title_and_signature(form, date):
    title = form.format(body="西宁市秦都区卫生健康委员会", year=2021)
    text = TSV.replace(TSV_TITLE, title).replace("二〇二二年二月十二日", date)
    assert meta(parse(text, "r.txt")) == {"title": title, "agency": "西宁市秦都区卫生健康委员会", "year": 2021,
                                          "published": None, "signed": "2022-02-12"}


# ---- DOCX --------------------------------------------------------------------


def seed_docx(title_lines: list[str], signature: list[str], *, title_table: str | None = None) -> bytes:
    """Seed 003 as a Word file: its lines as paragraphs, the title as given, the signature right-aligned."""
    lines = SEED_003.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("一、总体情况"))
    end = max(i for i, line in enumerate(lines) if "巴彦淖尔市工业和信息化局" in line)
    document = docx.Document()
    if title_table:
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "标题", title_table
    for line in title_lines:
        document.add_paragraph(line)
    for line in lines[start:end]:
        if line.strip():
            document.add_paragraph(line.strip())
    for line in signature:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("form", TITLE_FORMS)
@pytest.mark.parametrize("date", DATE_FORMS_003[::2])
def test_docx_title_and_right_aligned_signature(form, date):
    title = form.format(body="巴彦淖尔市工业和信息化局", year=2021)
    record = parse_bytes(seed_docx([title], ["巴彦淖尔市工业和信息化局", date]), "r.docx")
    assert meta(record) == {"title": title, "agency": "巴彦淖尔市工业和信息化局", "year": 2021,
                            "published": None, "signed": "2022-01-13"}


def test_docx_title_over_two_paragraphs_and_in_a_metadata_table():
    two = parse_bytes(seed_docx(["巴彦淖尔市工业和信息化局", "2021年政府信息公开工作年报"], []), "r.docx")
    assert (two["title"], two["agency"], two["year"]) == (
        "巴彦淖尔市工业和信息化局2021年政府信息公开工作年报", "巴彦淖尔市工业和信息化局", 2021)
    table = parse_bytes(seed_docx([], [], title_table=SEED_003_TITLE), "r.docx")
    assert (table["title"], table["agency"], table["year"]) == (SEED_003_TITLE, "巴彦淖尔市工业和信息化局", 2021)


def test_a_meta_date_and_a_publish_line_that_disagree_give_no_date():
    head = '<meta name="PubDate" content="2021-02-01 09:30">'
    page = html_page("<p>发布日期：2021-01-29</p>", seed_004_body()).replace("<head>", f"<head>{head}")
    record = parse(page, "x.html")
    assert record["published"] is None
    assert [i["where"] for i in record["issues"] if i["code"] == "metadata.published_conflict"] == ["published"]
    agreeing = parse(page.replace("2021-02-01", "2021-01-29"), "x.html")
    assert agreeing["published"] == "2021-01-29"


def test_a_title_with_its_year_in_brackets_after_it():
    # the form of agency_of's 北京市人民政府办公厅 case (tests/test_metadata.py)
    title = "巴彦淖尔市工业和信息化局政府信息公开工作年度报告（2021年）"
    record = parse(SEED_003.replace(SEED_003_TITLE, title), "r.txt")
    assert (record["title"], record["agency"], record["year"]) == (title, "巴彦淖尔市工业和信息化局", 2021)


def test_an_embedded_page_without_blocks_keeps_its_title():
    from nianbao.document import Document, Embedded
    from nianbao.page import settle

    embedded = Embedded()
    page = HtmlReader().read(b"<html><head><title>T</title></head><body></body></html>", SourceInfo.from_uri("x.html"))
    blocks = embedded.add(page)
    document = Document(blocks=tuple(blocks), format="docx", paths=embedded.paths(blocks),
                        pages=tuple(embedded.pages))
    assert [b.text for b in settle(document).blocks] == ["T"]


def test_an_article_title_meta_when_the_title_element_names_the_site():
    # ArticleTitle/PubDate/ContentSource are the meta names of the national guideline for government websites
    head = '<meta name="ArticleTitle" content="淄博市工业和信息化局2020年度政府信息公开工作年度报告">'
    page = html_page("", seed_004_body(), title="淄博市人民政府").replace("<head>", f"<head>{head}")
    record = parse(page, "x.html")
    assert (record["title"], record["agency"], record["year"]) == (
        "淄博市工业和信息化局2020年度政府信息公开工作年度报告", "淄博市工业和信息化局", 2020)


def test_a_signature_dated_before_the_reported_year_is_no_date():
    record = parse(SEED_003.replace("2022年1月13日", "2020年1月13日"), "r.txt")
    assert (record["year"], record["signed"]) == (2021, None)
    assert [i["where"] for i in record["issues"] if i["code"] == "metadata.signed_before_year"] == ["signed"]


@pytest.mark.parametrize("aside", ["（2021年）", "（2021年度）", "（全文）", "【文字版】"])
def test_a_title_with_an_aside_after_it(aside):
    title = "巴彦淖尔市工业和信息化局2021年政府信息公开工作年度报告" + aside
    record = parse(SEED_003.replace(SEED_003_TITLE, title), "r.txt")
    assert (record["title"], record["agency"], record["year"]) == (title, "巴彦淖尔市工业和信息化局", 2021)


def test_a_title_with_its_year_in_chinese_numerals():
    title = "巴彦淖尔市工业和信息化局二〇二一年度政府信息公开工作年度报告"
    record = parse("巴彦淖尔市人民政府\n" + SEED_003.replace(SEED_003_TITLE, title), "r.txt")
    assert (record["title"], record["agency"], record["year"]) == (title, "巴彦淖尔市工业和信息化局", 2021)


@pytest.mark.parametrize(("name", "signed"), [("junshan-2022", "2023-01-09"), ("market-2019", "2020-01-13"),
                                              ("sasac-2019", "2020-01-07"), ("tourism-2019", "2020-01-02")])
def test_real_one_line_bodies_with_the_signature_before_a_trailer(name, signed):
    record = parse((REAL.parent / "gathered" / f"fujian-pingtan-{name}.txt").read_text(encoding="utf-8"), "p.txt")
    assert record["signed"] == signed
    assert not any(word in record["sections"]["other"] for word in ("抄送", "来源", signed[:4] + "年"))


@pytest.mark.parametrize("text", [
    # 公文 print （此件公开发布） under the date
    SEED_003.rstrip() + "\n（此件公开发布）\n",
    # signer and date on one line
    re.sub(r"巴彦淖尔市工业和信息化局\s+2022年1月13日\s*$", "巴彦淖尔市工业和信息化局  2022年1月13日", SEED_003),
    # the 公文 trailer of the 平潭市场监管局 crawler text (tests/data/gathered/fujian-pingtan-market-2019.txt)
    SEED_003.rstrip() + "\n抄送：驻区财政金融局纪检组。\n巴彦淖尔市工业和信息化局办公室 2022年1月13日印发\n",
    SEED_003.rstrip() + "\n巴彦淖尔市工业和信息化局办公室 2022年1月14日印制\n",  # a print line of its own
], ids=["note", "one-line", "trailer", "print-line"])
def test_seed_003_signature_variants(text):
    assert text != SEED_003
    record = parse(text, "r.txt")
    assert record["signed"] == "2022-01-13"
    assert record["sections"]["other"] == parse(SEED_003, "r.txt")["sections"]["other"]


def test_a_title_from_a_sidebar_must_agree_with_the_report_s_own_dates():
    """Red team 3, seed 100 (three pages): a CMS page copied from last year's keeps last year's ``<title>``, its sidebar
    lists the column's reports under a heading that reads as a title line (``政府信息公开年报``), and the article prints
    no title. The title taken from outside the article is weighed against the report's own dates (the opening
    sentence, the signature) as a ``<title>`` alone is, and the year is null rather than last year's (read before:
    2019, wrong, no issue)."""
    stale = "淄博市工业和信息化局2019年度政府信息公开工作年报"
    sidebar = ("<div class='sidebar'><h3>政府信息公开年报</h3><ul>"
               f"<li><a href='a.html'>{stale}</a><span>2020-01-20</span></li>"
               "<li><a href='b.html'>淄博市工业和信息化局2018年度政府信息公开工作年报</a><span>2019-01-21</span></li>"
               "</ul></div>")
    body = seed_004_body().replace("总体情况中所列数据的统计期限自2020年1月1日起至2020年12月31日止。", "")
    body += "<p>淄博市工业和信息化局</p><p>2021年1月25日</p>"  # signed the year after the one reported on
    assert "统计期限" not in body
    record = parse(html_page(sidebar, body, title=f"{stale}_淄博市人民政府"), "x.html")
    assert record["year"] is None
    assert [i["where"] for i in record["issues"] if i["code"] == "metadata.year_conflict"] == ["year"]
    fresh = "淄博市工业和信息化局2020年度政府信息公开工作年报"  # the same page for this year's report: read whole
    record = parse(html_page(sidebar.replace(stale, fresh), body, title=f"{fresh}_淄博市人民政府"), "x.html")
    assert (record["title"], record["year"], record["signed"]) == (fresh, 2020, "2021-01-25")


@pytest.mark.parametrize("opening", [
    "<p>现将2020年淄博市工业和信息化局政府信息公开工作情况报告如下。</p>",  # the opening sentence names the year
    "<p>2020年，淄博市工业和信息化局认真贯彻落实政府信息公开工作要点。</p>",  # a paragraph opens with it, signed 2021
])
def test_a_stale_title_alone_gives_way_to_the_year_the_report_names_for_itself(opening):
    """A CMS page copied from last year's keeps last year's ``<title>`` and the article prints no title: when the
    report's own text names its year (the opening sentence; or a paragraph opening with a year the signature's date
    follows), that year is the record's, with ``metadata.title_year_stale`` naming both; the title is kept as
    printed. Without such a sentence the year is null (the test above)."""
    stale = "淄博市工业和信息化局2019年度政府信息公开工作年报"
    body = seed_004_body().replace("总体情况中所列数据的统计期限自2020年1月1日起至2020年12月31日止。", "")
    body = body.replace("<p>一、总体情况</p>", "<p>一、总体情况</p>" + opening, 1)
    body += "<p>淄博市工业和信息化局</p><p>2021年1月25日</p>"
    assert opening in body and "统计期限" not in body
    record = parse(html_page("", body, title=f"{stale}_淄博市人民政府"), "x.html")
    assert (record["title"], record["year"], record["signed"]) == (stale, 2020, "2021-01-25")
    stale_issues = [i for i in record["issues"] if i["code"] == "metadata.title_year_stale"]
    assert [i["where"] for i in stale_issues] == ["year"] and "2019" in stale_issues[0]["message"]
    assert not [i for i in record["issues"] if i["code"] == "metadata.year_conflict"]
