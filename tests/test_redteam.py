"""The red team's corpus (benchmarks/redteam.py): layouts of published reports the parser's authors had not made.

Each failure class the red team found has a test here on a whole report laid out as real ones are (written by
the red team's functions on tests/data/variants/build.py's report, the words typed from the template's
description): a heading glued to its first paragraph, sections numbered （一）…（六）, ``五 `` or ``1.``, 概述, a
one-line crawler body whose headings are numbered （一）, an attachment list under the signature, a signature in
a table, a spreadsheet's 序号 column and quoted cells, tables printed as text with columns aligned by spaces.
Then a slice of the corpus itself: every field right, and never a wrong value.
"""

from __future__ import annotations

import ast
import random
import runpy
from types import SimpleNamespace

import pytest

import nianbao
from nianbao.plugins.tsv import index_column, quoted_lines, unquoted
from nianbao.synth.score import score

from .conftest import REPO

SLICE, SEED = 20, 6


RT = SimpleNamespace(**runpy.run_path(str(REPO / "benchmarks" / "redteam.py")))
BUILD = RT.build
AGENCY, YEAR, SIGNED = "宁远县交通运输局", 2022, "2023年1月20日"


def report(version="2021", style="一、", words=None):
    """A whole report's blocks and truth, its six headings numbered in ``style``."""
    blocks, truth = BUILD.report(AGENCY, YEAR, version, SIGNED)
    words = words or {key: spellings[0] for key, spellings in RT.WORDS.items()}
    if style == "（一）":  # the overview's own items then numbered 1.
        at = RT.heading_indexes(blocks)[0] + 2
        blocks[at] = ("para", blocks[at][1].replace("（一）", "1."))
        truth["sections"]["overview"] = truth["sections"]["overview"].replace("（一）", "1.")
    prose = RT.renumber(blocks, style, words)
    return blocks, truth, prose


def parse(data, name):
    return nianbao.parse_bytes(data if isinstance(data, bytes) else data.encode("utf-8"), uri=name)


def numbers(record):
    return {key: record[key] for key in ("proactive", "applications", "review_litigation")}


def assert_read_right(record, truth):
    assert numbers(record) == {key: truth[key] for key in ("proactive", "applications", "review_litigation")}
    squeeze = {k: "".join((v or "").split()) for k, v in record["sections"].items()}
    assert squeeze == {k: "".join(v.split()) for k, v in truth["sections"].items()}
    assert (record["agency"], record["year"], record["signed"]) == (AGENCY, YEAR, "2023-01-20")


def codes(record):
    return {issue["code"] for issue in record["issues"]}


def assert_glued_read_right(blocks, truth, fmt):
    """The report with its glued leads rendered as ``fmt`` is read right, a heading found glued."""
    if fmt == "text":
        data = BUILD.render_text_cells(RT.flat_leads(blocks))
    elif fmt == "html":
        data = RT.render_cms(random.Random(1), blocks, truth["title"], AGENCY, "2023-01-21", nested=False)
    else:
        data = RT.render_docx(random.Random(1), blocks, None)
    record = parse(data, f"glued.{'txt' if fmt == 'text' else fmt}")
    assert_read_right(record, truth)
    assert "section.heading_glued" in codes(record)


@pytest.mark.parametrize("fmt", ["text", "html", "docx"])
def test_a_heading_glued_to_its_first_paragraph_starts_its_section(fmt):
    """``<p><strong>一、总体情况</strong>2022年，…</p>``: 一, 五 and 六 with their first sentence on the heading's
    line are found, the sentence their text's first."""
    blocks, truth, prose = report()
    RT.glue_leads(random.Random(1), blocks, prose, 1.0)
    assert sum(kind == "lead" for kind, _ in blocks) == 3
    assert_glued_read_right(blocks, truth, fmt)


@pytest.mark.parametrize("fmt", ["text", "html", "docx"])
@pytest.mark.parametrize("style", ["一、", "（一）"])
def test_an_overview_heading_in_unknown_words_glued_to_its_first_sentence_opens_section_one(fmt, style):
    """``一、本年度工作开展情况2022年，…``: words no look knows for 总体情况, its first sentence on the heading's line;
    cut where the sentence's year starts, so the overview is the sentence on (before: no section 一)."""
    words = {key: spellings[0] for key, spellings in RT.WORDS.items()} | {"overview": "本年度工作开展情况"}
    blocks, truth, prose = report(style=style, words=words)
    RT.glue_leads(random.Random(1), blocks, prose, 1.0)
    assert any(kind == "lead" and body[0].endswith("本年度工作开展情况") for kind, body in blocks)
    assert_glued_read_right(blocks, truth, fmt)


def test_a_one_line_body_whose_headings_are_numbered_like_sub_items_is_cut_at_them():
    """A crawler's one line: ``…2022年政府信息公开工作年度报告（一）总体情况 2022年，…（二）主动公开政府信息情况…``:
    each heading numbered as its own section opens it (the overview's items numbered 1. are no headings)."""
    blocks, truth, _ = report(style="（一）")
    RT.independent.flat_rows(random.Random(2), "spaced")(blocks, truth)
    data = RT.independent.render_oneline(random.Random(3), truth["title"], "2023-01-21")(blocks)
    assert "年度报告（一）总体情况" in data.replace(" ", "")
    record = parse(data, "oneline.txt")
    assert_read_right(record, truth)


@pytest.mark.parametrize("style", ["（一）", "一 ", "1.", "第一部分", "一."])
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_sections_numbered_in_other_ways_are_all_found(style, fmt):
    """Reports number their six sections （一）…（六）, ``五 存在…``, ``1.``, ``第一部分`` or ``一.``: every section,
    prose ones too (a line numbered （五） opens 五 only with 五's words and in 五's place)."""
    words = dict(RT.WORDS, **{"problems": ("政府信息公开工作存在的主要问题及改进情况",),
                             "review_litigation": ("因政府信息公开工作被申请行政复议、提起行政诉讼情况",)})
    blocks, truth, _ = report(style=style, words={key: spellings[0] for key, spellings in words.items()})
    data = BUILD.render_text_cells(blocks) if fmt == "text" else BUILD.render_html(blocks)
    record = parse(data, f"numbered.{'txt' if fmt == 'text' else 'html'}")
    assert_read_right(record, truth)
    assert "section.missing" not in codes(record)


@pytest.mark.parametrize("style", ["一、", "（一）", "1."])
def test_an_overview_headed_gaishu_with_items_starts_at_its_heading_not_its_first_item(style):
    """``一、概述`` then （一）主动公开情况 … （五）监督保障情况: the overview starts under 概述; its first item
    (numbered as 一 is, under a 二 numbered otherwise) is no heading."""
    blocks, truth, _ = report()
    RT.sub_items(random.Random(4), blocks, truth, style)
    RT.renumber(blocks, style, {key: "概述" if key == "overview" else spellings[0]
                                for key, spellings in RT.WORDS.items()})
    record = parse(BUILD.render_text_cells(blocks), "gaishu.txt")
    assert_read_right(record, truth)


def test_an_attachment_list_under_the_signature_is_no_text_of_section_six():
    blocks, truth, _ = report()
    RT.attachments(blocks)
    record = parse(BUILD.render_text_cells(blocks), "attachments.txt")
    assert_read_right(record, truth)


def test_a_signature_set_in_a_borderless_table_is_read():
    blocks, truth, _ = report()
    record = parse(RT.render_docx(random.Random(5), blocks, None, signature_table=True), "signature.docx")
    assert_read_right(record, truth)


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_a_spreadsheets_row_number_column_and_quoted_cells_are_read(version):
    """Excel's tab text: a 序号 column numbering the rows (left out, with a warning), header cells broken with
    Alt+Enter written quoted over two lines."""
    blocks, truth, _ = report(version)
    RT.break_headers(blocks)
    data = RT.render_excel_tsv(random.Random(6), blocks, indexed=True)
    assert '"本年\n' in data or '"社会\n' in data
    record = parse(data, "excel.tsv")
    assert_read_right(record, truth)
    assert "tsv.index_column" in codes(record)


def test_a_first_column_of_numbers_is_left_only_when_it_counts_rows():
    assert index_column([["序号", "行政复议"], ["", "结果维持"], ["1", "0", "0"]])  # headed 序号
    assert index_column([["1", "规章", "0"], ["2", "规范性文件", "3"], ["3", "行政许可", "5"]])
    assert not index_column([["1", "规章", "0"], ["3", "规范性文件", "3"], ["4", "行政许可", "5"]])  # no count
    assert not index_column([["5", "0", "0"], ["6", "1", "1"], ["7", "2", "2"]])  # values, no label, no 序号
    assert not index_column([["1", "规章"], ["2", "规范性文件"]])  # too few to tell
    assert quoted_lines(["a\t\"本年", "新制作数量\"\tb", "c"]) == ["a\t\"本年\n新制作数量\"\tb", "c"]
    assert quoted_lines(["a\t\"x", "y", "z"]) == ["a\t\"x", "y", "z"]  # never closed: the lines as they are
    assert unquoted('"本年\n新制作数量"') == "本年\n新制作数量"
    assert unquoted('"三安全一稳定"') == '"三安全一稳定"'  # quotes a label prints stay


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_tables_printed_as_text_with_columns_aligned_by_spaces_are_read(version):
    """``pdftotext -layout``: a row a line, long labels wrapped (``（六）其他处理  1．申请人无正当理由逾期不补正、行政``
    with its values, the rest below), section 四's header words and 15 values spaced apart, ``/`` and ``0万元``."""
    blocks, truth, _ = report(version)
    RT.slash_regulations(blocks, truth)
    RT.wan_in_cell(blocks)
    record = parse(RT.render_aligned(random.Random(7), blocks), "aligned.txt")
    assert_read_right(record, truth)


def test_section_four_transposed_into_three_rows_is_read_as_text_too():
    blocks, truth, _ = report()
    RT.transposed_review(blocks)
    for data, name in ((RT.render_aligned(random.Random(8), blocks), "transposed.txt"),
                       (BUILD.render_html(blocks), "transposed.html")):
        record = parse(data, name)
        assert record["review_litigation"] == truth["review_litigation"], name


@pytest.mark.parametrize("fmt", ["html", "docx", "tsv"])
def test_a_page_number_between_the_two_parts_of_a_split_table_is_no_value(fmt):
    """Section 三 cut by a page break after ``3．危及“三安全一稳定” 0 0 0 9 0 0 9``, the page's number ``18`` on a line
    of its own, the header repeated (red team seeds 44, 45: three rows null). ``0 0 0 9 0 0 9 18`` read as one
    row splits two ways that keep its sum (drop ``18``, or drop the first 0 and read 18 as 总计): the line
    between two tables is the page's foot, no value."""
    rng = random.Random(0)
    numbers = (RT.independent.proactive(rng, "2021"), RT.busy_applications(rng, "2021"), RT.independent.review(rng))
    blocks, truth = BUILD.report(AGENCY, YEAR, "2021", SIGNED, numbers=numbers)
    at = next(n for n, (kind, body) in enumerate(blocks) if kind == "table" and len(body) > 20)
    grid = blocks[at][1]
    assert [c[0] for c in grid[9]][-7:] == ["0", "0", "0", "9", "0", "0", "9"]
    one, two = RT.split_grid(grid, 10, 3, False)
    blocks[at:at + 1] = [("table", one), ("para", "18"), ("table", two)]
    data = {"html": lambda: BUILD.render_html(blocks), "docx": lambda: RT.render_docx(rng, blocks, None),
            "tsv": lambda: RT.render_excel_tsv(rng, blocks, indexed=False)}[fmt]()
    record = parse(data, f"split.{fmt}")
    assert record["applications"] == truth["applications"]
    assert not {"row.too_many_values", "row.values_agree"} & codes(record)


@pytest.mark.parametrize("fmt", ["text", "html", "tsv"])
def test_sub_total_rows_are_checked_against_their_rows_and_never_recorded(fmt):
    """（三）不予公开, （四）无法提供, （五）不予处理 printed as rows of their own with their sums (a table made in
    Excel): each sub-total is checked against the sum of its group's rows, a warning when they agree and an error when
    one is misprinted, and is no row of the record (before: ``row.unknown`` errors, the sums never checked)."""
    rng = random.Random(0)
    numbers = (RT.independent.proactive(rng, "2021"), RT.busy_applications(rng, "2021"), RT.independent.review(rng))
    blocks, truth = BUILD.report(AGENCY, YEAR, "2021", SIGNED, numbers=numbers)
    RT.subtotals(blocks, truth)
    render = {"text": lambda: BUILD.render_text_cells(blocks), "html": lambda: BUILD.render_html(blocks),
              "tsv": lambda: RT.render_excel_tsv(rng, blocks, indexed=False)}[fmt]
    record = parse(render(), f"subtotals.{'txt' if fmt == 'text' else fmt}")
    assert record["applications"] == truth["applications"]
    subtotal = [i for i in record["issues"] if i["code"].startswith("row.")]
    assert [(i["code"], i["level"]) for i in subtotal] == [("row.subtotal", "warning")] * 3
    grid = next(body for kind, body in blocks if kind == "table" and len(body) > 20)
    row = next(cells for cells in grid if cells[0][0] == "（四）无法提供")
    row[-1][0] = str(int(row[-1][0]) + 1)  # the sub-total's 总计 misprinted one too high
    record = parse(render(), f"subtotals.{'txt' if fmt == 'text' else fmt}")
    assert record["applications"] == truth["applications"]
    assert {(i["code"], i["level"]) for i in record["issues"] if i["code"].startswith("row.")} == {
        ("row.subtotal", "warning"), ("row.subtotal_disagrees", "error")}


@pytest.mark.parametrize("sign", ["−", "–", "－", "-"])
@pytest.mark.parametrize("fmt", ["text", "html", "docx"])
def test_a_fall_typed_with_a_minus_sign_or_an_en_dash_is_negative(sign, fmt):
    """本年增/减 printed ``−2`` (U+2212) or ``–2`` (U+2013, Word's AutoCorrect of ``-2``; red team 2): -2, the row
    read (before: the row null, one value for three columns)."""
    blocks, truth = BUILD.report(AGENCY, 2020, "2019", "2021年1月20日")
    row = next(row for kind, body in blocks if kind == "table" for row in body if row[0][0] == "行政许可")
    assert row[2][0] == "-2"
    row[2][0] = f"{sign}2"
    data = {"text": BUILD.render_text_cells, "html": BUILD.render_html,
            "docx": lambda b: RT.render_docx(random.Random(1), b, None)}[fmt](blocks)
    record = parse(data, f"signs.{'txt' if fmt == 'text' else fmt}")
    assert record["proactive"]["licensing"] == truth["proactive"]["licensing"] == {
        "prev_count": 25, "change": -2, "decisions": 140}


def test_word_s_html_of_tracked_changes_reads_the_inserted_text_only():
    """A page saved by Word with changes not accepted: ``<del>7</del><ins>8</ins>`` and a struck-through old value
    (red team 2 class 0d: read 78 and 45, wrong values); the deleted text is no part of the page."""
    blocks, truth, _ = report()
    row = "<td colspan=3>一、本年新收政府信息公开申请数量</td>" + "".join(f"<td>{v}</td>" for v in (5, 2, 0, 0, 1, 0))
    data = BUILD.render_html(blocks)
    assert row + "<td>8</td>" in data
    data = data.replace(row + "<td>8</td>", row.replace("<td>5</td>", "<td><s>4</s>5</td>")
                        + "<td><del cite='mailto:x' datetime='2023-01-19T10:00'>7</del><ins>8</ins></td>")
    record = parse(data, "tracked.html")
    assert_read_right(record, truth)


@pytest.mark.parametrize("how", ["strike", "double_strike", "superscript", "subscript"])
def test_a_docx_value_s_struck_or_raised_digits_are_no_part_of_it(how):
    """A value cell of a Word file with a digit struck through (a correction shown by hand, not tracked) or raised
    (a note's mark typed after the number): read into the number before (``5`` then struck ``9``: 59; red team 2
    class 0j, wrong values); such runs are no text of the document's."""
    import io

    import docx

    blocks, truth, _ = report()
    document = docx.Document(io.BytesIO(RT.render_docx(random.Random(1), blocks, None)))
    row = next(r for t in document.tables for r in t.rows if r.cells[0].text.startswith("一、本年新收"))
    cell = next(c for c in row.cells if c.text == "5")
    setattr(cell.paragraphs[0].add_run("9").font, how, True)
    out = io.BytesIO()
    document.save(out)
    record = parse(out.getvalue(), f"{how}.docx")
    assert record["applications"]["new_received"] == truth["applications"]["new_received"]


def test_a_red_team_slice_has_every_field_right_and_no_wrong_value(tmp_path, host):
    corpus = RT.generate(tmp_path / "corpus", SLICE, SEED)
    result = score(corpus, host=host)
    assert result.documents == SLICE
    assert set(result.formats) == {"text", "tsv", "html", "docx"}
    wrong = [(m.file, m.path, m.expected, m.actual) for m in result.wrong()]
    assert not wrong, f"values that differ from the document: {wrong}"
    for category in ("numeric", "metadata", "template", "checks", "sections"):
        assert result.accuracy(category=category) == 1.0, (category, result.mismatches[:5])


def test_the_red_team_generator_imports_nothing_of_nianbao():
    tree = ast.parse((REPO / "benchmarks" / "redteam.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.startswith("nianbao")}


def test_an_item_of_the_overview_numbered_otherwise_is_no_misnumbered_heading():
    """Sections numbered （一）…, 二–四's headings in their tables' first rows: the overview's item ``1.主动公开情况``
    holds 主动公开 but is numbered as no heading found is (（一）, （五）, （六）), so it does not open 二 (its table
    does, by what it holds)."""
    blocks, truth, prose = report(style="（一）")
    RT.sub_items(random.Random(9), blocks, truth, "（一）")
    RT.caption_rows(blocks)
    RT.glue_leads(random.Random(1), blocks, prose, 1.0)  # （一）总体情况2022年，…: 一 found before 二 is looked for
    record = parse(RT.render_docx(random.Random(1), blocks, None), "captions.docx")
    assert_read_right(record, truth)
