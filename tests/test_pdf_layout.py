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
