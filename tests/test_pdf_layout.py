"""The layout rules on hand-made lines: paragraphs, page numbers, tables in place, autospace."""

from __future__ import annotations

from nianbao.document import Paragraph, Table
from nianbao.plugins._pdflayout import Line, PlacedTable, assemble, drop_autospace, is_page_number, margins

H = 842.0  # page height
LEFT, RIGHT, SIZE = 90.0, 505.0, 16.0


def line(text: str, top: float, *, x0: float = LEFT, x1: float = RIGHT, size: float = SIZE, page: int = 0) -> Line:
    return Line(text, x0, x1, top, top + size, size, page)


def body(*lines: Line) -> list[str]:
    """Paragraph texts (tables as "<table>") of the assembled lines."""
    blocks = assemble(lines, [H, H, H])
    return [b.text if isinstance(b, Paragraph) else "<table>" for b in blocks]


def test_wrapped_lines_join_without_spaces_and_an_indent_opens_a_paragraph():
    assert body(
        line("一、总体情况", 100, x0=LEFT + 32, x1=200),
        line("2024年，我市坚持以习近平新时代", 128, x0=LEFT + 32),
        line("中国特色社会主义思想为指导。", 156, x1=300),
        line("（一）主动公开情况。全年主动公开", 184, x0=LEFT + 32),
        line("政府信息523条。", 212, x1=200),
    ) == ["一、总体情况", "2024年，我市坚持以习近平新时代中国特色社会主义思想为指导。",
          "（一）主动公开情况。全年主动公开政府信息523条。"]


def test_a_short_line_ends_its_paragraph_even_without_an_indent():
    assert body(line("第一段到此结束。", 100, x1=300), line("第二段顶格开始", 128)) == [
        "第一段到此结束。", "第二段顶格开始"]


def test_numbering_at_the_margin_opens_a_paragraph():
    assert body(line("一段话写满了整整一行的宽度", 100), line("二、主动公开政府信息情况", 128, x1=300)) == [
        "一段话写满了整整一行的宽度", "二、主动公开政府信息情况"]


def test_a_bigger_type_size_or_a_wide_gap_opens_a_paragraph():
    assert body(line("淮安市人民政府", 100, size=22), line("本报告由淮安市人民政府办公室编制", 140)) == [
        "淮安市人民政府", "本报告由淮安市人民政府办公室编制"]
    assert body(line("满行的文字", 100), line("隔了一大段空白的文字", 100 + SIZE + 3 * SIZE)) == [
        "满行的文字", "隔了一大段空白的文字"]


def test_a_paragraph_goes_on_across_a_page_break_and_page_numbers_are_dropped():
    assert body(
        line("组织召开了“建设‘四最’一流", 700),
        line("-1-", 790, x0=480, x1=505, size=10.5),
        line("营商环境”等新闻发布会12场。", 72, page=1, x1=300),
        line("- 2 -", 790, x0=80, x1=110, size=10.5, page=1),
    ) == ["组织召开了“建设‘四最’一流营商环境”等新闻发布会12场。"]


def test_a_table_sits_where_it_is_printed_and_ends_the_paragraph_above():
    table = Table.from_texts([["信息内容", "本年处理决定数量"], ["行政许可", "447228"]])
    items = [
        line("二、主动公开政府信息情况", 100, x0=LEFT + 32, x1=300),
        line("三、收到和处理政府信息公开申请情况", 500, x0=LEFT + 32, x1=300),
        PlacedTable(table, 130.0, 0),  # out of order on purpose: assemble sorts by position
        PlacedTable(Table.from_texts([["行政处罚", "3985758"], ["x", "y"]]), 72.0, 1),
        line("满行的文字", 300, page=1),
    ]
    blocks = assemble(items, [H, H])
    assert [b.text if isinstance(b, Paragraph) else "<table>" for b in blocks] == [
        "二、主动公开政府信息情况", "<table>", "三、收到和处理政府信息公开申请情况", "<table>", "满行的文字"]
    assert blocks[1] is table


def test_page_numbers_only_in_the_margins():
    assert is_page_number(line("- 3 -", 800), H)
    assert is_page_number(line("第3页", 20), H)
    assert is_page_number(line("3 / 6", 800), H)
    assert not is_page_number(line("3", 400), H)  # a lone number in the body is content
    assert not is_page_number(line("2024年", 800), H)


def test_margins_are_voted_not_the_extremes():
    lines = [line("x", 100 + 28 * i) for i in range(5)] + [line("outlier", 300, x0=20, x1=580)]
    assert margins(lines).left == LEFT
    assert margins(lines).right == RIGHT


def test_drop_autospace():
    assert drop_autospace("2024 年，主动公开信息 5500 余条") == "2024年，主动公开信息5500余条"
    assert drop_autospace("结 果\n维持") == "结果\n维持"
    assert drop_autospace("（国令第 711 号）") == "（国令第711号）"
    assert drop_autospace("Open Government Information 2024") == "Open Government Information 2024"
    assert drop_autospace("hazwgkc@163.com） 。") == "hazwgkc@163.com）。"


def test_running_headers_and_footers_are_dropped_and_the_title_under_them_stays():
    """A header printed atop every page at one height (the report's title, as Word's page header) and a footer
    ``第N页共M页``: neither is text; the title printed lower on page 1, in the same words, is. Two pages are not
    enough: a title's first line (the body's name) and the signature atop the last page match so."""
    title = "梁平区司法局2024年度政府信息公开工作年度报告"
    assert body(
        line(title, 40, x1=400), line(title, 80, x1=400), line("一、总体情况", 120, x1=200),
        line("第1页共3页", 800, x0=250, x1=330),
        line(title, 40, x1=400, page=1), line("四、政府信息公开行政复议、行政诉讼情况", 120, x1=400, page=1),
        line("第2页共3页", 800, x0=250, x1=330, page=1),
        line(title, 40, x1=400, page=2), line("六、其他需要报告的事项", 120, x1=300, page=2),
        line("第3页共3页", 800, x0=250, x1=330, page=2),
    ) == [title, "一、总体情况", "四、政府信息公开行政复议、行政诉讼情况", "六、其他需要报告的事项"]
    assert body(line("梁平区司法局", 40, x0=400), line("2024年度政府信息公开工作年度报告", 60, x1=400),
                line("正文。", 100, x1=200), line("梁平区司法局", 40, x0=400, page=1),
                line("2025年1月20日", 60, x0=400, page=1))[0] == "梁平区司法局2024年度政府信息公开工作年度报告"


def cells(*rows):
    """A Table from rows of texts, ``None`` for a covered slot, ``(text, rowspan)`` for a cell spanning rows."""
    from nianbao.document import Cell
    out = []
    for r, row in enumerate(rows):
        out.append(tuple(None if t is None else Cell(text=t[0] if isinstance(t, tuple) else t, row=r, col=c,
                                                     rowspan=t[1] if isinstance(t, tuple) else 1)
                         for c, t in enumerate(row)))
    return Table(rows=tuple(out))


def texts(table):
    return [[None if c is None else c.text for c in row] for row in table.rows]


def test_a_row_broken_by_a_page_break_is_mended():
    """``（三`` / ``1．属`` with the row's values end page 1, ``）不予公开`` (spanning the group's rows) /
    ``于国家秘密`` start page 2: the texts are joined to the cells they continue and the broken row is gone."""
    upper = cells(["（二）部分公开", "", "0", "1"], [("（三", 1), "1．属", "0", "1"])
    lower = cells([("）不予公开", 2), "于国家秘密", "", ""], [None, "2．其他法律行政法规禁止公开", "0", "0"])
    blocks = assemble([PlacedTable(upper, 600, 0), PlacedTable(lower, 60, 1)], [H, H])
    assert [texts(b) for b in blocks] == [
        [["（二）部分公开", "", "0", "1"], ["（三）不予公开", "1．属于国家秘密", "0", "1"]],
        [[None, "2．其他法律行政法规禁止公开", "0", "0"]]]


def test_a_new_row_or_a_repeated_header_at_a_page_s_top_is_no_continuation():
    upper = cells(["行政许可", "3"], ["行政处罚", "4"])
    for first in (["行政强制", "5"], ["4．保护第三方合法权益", ""], ["信息内容", "本年处理决定数量"]):
        lower = cells(first, ["行政收费", "1"])
        blocks = assemble([PlacedTable(upper, 600, 0), PlacedTable(lower, 60, 1)], [H, H])
        assert [texts(b) for b in blocks] == [texts(upper), texts(lower)], first
