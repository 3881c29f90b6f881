"""How PDF text extraction and OCR print the template's tables, read through the Markdown reader.

Each document is written here by hand in the layout a real one prints (tests/data/peer/KIROGOVCOMPARE holds the
real documents, scored in tests/test_gathered.py): the label column of section 三 floating apart from bare rows of
values, items （五）-（八） of section 二 as loose ``label value`` lines, OCR's small tables each under its own
header row. Every value is distinct where it can be, so a row read into the wrong place shows.
"""

from __future__ import annotations

import nianbao
from nianbao.document import Paragraph, Table
from nianbao.fit import fit_applications, fit_proactive, tokens_of

from .conftest import DATA

COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
HEADER_3 = ["申请人情况", "自然人", "法人或其他组织", "总计",
            "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


def row(*values):
    return dict(zip(COLUMNS, values, strict=True))


def rows_of(record, keys):
    """The record's rows of section 三 named in ``keys``, each a tuple in column order (absent: ``None``)."""
    apps = record["applications"]
    return {key: tuple(apps[key][c] for c in COLUMNS) if key in apps else None for key in keys}


def md_row(label, values):
    return "| " + " | ".join([label, *map(str, values)] if label else map(str, values)) + " |"


def bare(values):
    """A row of values alone, as a PDF-to-Markdown converter prints it: a table of its own."""
    return f"{md_row('', values)}\n|{'---|' * len(values)}"


REVIEW_TABLE = "\n".join([
    "| 行政复议 | | | | | 行政诉讼（未经复议直接起诉） | | | | | 行政诉讼（复议后起诉） | | | | |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    "| " + " | ".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3) + " |",
    "| 1 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
])


def report(section_2: str, section_3: str) -> bytes:
    return f"""# 某某县人民政府2024年政府信息公开工作年度报告

## 一、总体情况

2024年，我县坚持公开为常态。

## 二、主动公开政府信息情况

{section_2}

## 三、收到和处理政府信息公开申请情况

{section_3}

## 四、政府信息公开行政复议、行政诉讼情况

{REVIEW_TABLE}

## 五、政府信息公开工作存在的主要问题及改进情况

无。

## 六、其他需要报告的事项

无。
""".encode()


SECTION_2_TABLE = """| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
|---|---|---|---|
| 规章 | 0 | 0 | 0 |
| 行政规范性文件 | 13 | 2 | 55 |"""

#: Items （五）-（八） as PDF text prints them when their small tables lose their rules: loose lines, each caption
#: and header line right after the value of the item before.
LOOSE_ITEMS = """第二十条第（五）项
信息内容本年处理决定数量
行政许可 97
第二十条第（六）项
信息内容本年处理决定数量
行政处罚 12
行政强制 3
第二十条第（八）项
信息内容本年收费金额（单位：万元）
行政事业性收费 4.5"""

HEAD_3 = f"""{md_row('', ['', '自然人', '商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他', '总计'])}
|---|---|---|---|---|---|---|---|
{md_row('一、本年新收政府信息公开申请数量', [40, 3, 0, 0, 1, 0, 44])}
{md_row('二、上年结转政府信息公开申请数量', [3, 0, 0, 0, 0, 0, 3])}
{md_row('（一）予以公开', [9, 1, 0, 0, 0, 0, 10])}"""

TAIL_3 = f"""{md_row('（七）总计', [40, 3, 0, 0, 1, 0, 44])}
{md_row('四、结转下年度继续办理', [3, 0, 0, 0, 0, 0, 3])}"""


def floating_section_3() -> str:
    """Section 三 with its wrapped labels printed as loose lines apart from their bare value rows.

    As 上海市科委 2024's PDF text prints it: a label the converter kept in its row where it fits one line; where
    it wraps, the label's lines float before or after the value row, two labels sometimes together (``5.属于三类
    内部事务信息`` and ``1.本机关不掌握…``, whose values are far apart), the group label spliced into a label
    (``（四）无2.没有现成信息需要另`` / ``法提供行制作``).
    """
    return "\n".join([
        HEAD_3,
        bare([2, 0, 0, 0, 0, 0, 2]),  # 部分公开, its label printed after it
        "",
        "（二）部分公开（区分处理的，只",
        "计这一情形，不计其他情形）",
        "2.其他法律行政法规禁",
        "止公开",
        md_row("1.属于国家秘密", [0, 0, 0, 0, 0, 0, 0]),
        "|---|---|---|---|---|---|---|---|",
        bare([1, 0, 0, 0, 0, 0, 1]),  # 其他法律行政法规禁止公开
        md_row("3.危及“三安全一稳定”", [0, 0, 0, 0, 0, 0, 0]),
        "|---|---|---|---|---|---|---|---|",
        md_row("4.保护第三方合法权益", [0, 0, 0, 0, 0, 0, 0]),
        "",
        "（三）不",
        "予公开",
        "5.属于三类内部事务信",
        "息",
        "1.本机关不掌握相关政",
        "府信息",
        bare([3, 0, 0, 0, 0, 0, 3]),  # 属于三类内部事务信息, under two waiting labels
        md_row("6.属于四类过程性信息", [4, 0, 0, 0, 0, 0, 4]),
        "|---|---|---|---|---|---|---|---|",
        md_row("7.属于行政执法案卷", [0, 0, 0, 0, 0, 0, 0]),
        md_row("8.属于行政查询事项", [0, 0, 0, 0, 0, 0, 0]),
        bare([5, 1, 0, 0, 0, 0, 6]),  # 本机关不掌握相关政府信息
        "",
        "（四）无2.没有现成信息需要另",
        "法提供行制作",
        "3.补正后申请内容仍不",
        "明确",
        bare([6, 0, 0, 0, 0, 0, 6]),  # 没有现成信息需要另行制作: the one waiting label is 3.补正后…, not its own
        bare([0, 0, 0, 0, 1, 0, 1]),  # 补正后申请内容仍不明确
        md_row("1.信访举报投诉类申请", [7, 0, 0, 0, 0, 0, 7]),
        "|---|---|---|---|---|---|---|---|",
        md_row("2.重复申请", [0, 0, 0, 0, 0, 0, 0]),
        md_row("3.要求提供公开出版物", [0, 0, 0, 0, 0, 0, 0]),
        "",
        "（五）不",
        "予处理4.无正当理由大量反复",
        "申请",
        "5.要求行政机关确认或",
        "重新出具已获取信息",
        "1.申请人无正当理由逾",
        "期不补正、行政机关不",
        "再处理其政府信息公开",
        "申请",
        bare([0, 0, 0, 0, 0, 0, 0]),  # 无正当理由大量反复申请
        bare([1, 0, 0, 0, 0, 0, 1]),  # 要求行政机关确认或重新出具已获取信息
        bare([2, 1, 0, 0, 0, 0, 3]),  # 申请人无正当理由逾期不补正…
        "",
        "（六）其",
        "他处理",
        "2.申请人逾期未按收费",
        "通知要求缴纳费用、行",
        "政机关不再处理其政府",
        "信息公开申请",
        bare([0, 0, 0, 0, 0, 0, 0]),  # 申请人逾期未按收费通知要求缴纳费用…
        md_row("3.其他", [0, 0, 0, 0, 0, 0, 0]),
        "|---|---|---|---|---|---|---|---|",
        TAIL_3,
    ])


def test_floating_labels_placed_by_the_templates_row_order():
    """Bare value rows between two rows printed with their labels take the template's rows there, in order."""
    record = nianbao.parse_bytes(report(SECTION_2_TABLE, floating_section_3()), "floating.md")
    expected = {
        "partially_granted": (2, 0, 0, 0, 0, 0, 2), "denied_prohibited_by_law": (1, 0, 0, 0, 0, 0, 1),
        "denied_internal_affairs": (3, 0, 0, 0, 0, 0, 3), "unavailable_not_held": (5, 1, 0, 0, 0, 0, 6),
        "unavailable_needs_creation": (6, 0, 0, 0, 0, 0, 6), "unavailable_unclear": (0, 0, 0, 0, 1, 0, 1),
        "not_processed_excessive": (0,) * 7, "not_processed_confirmation": (1, 0, 0, 0, 0, 0, 1),
        "other_no_correction": (2, 1, 0, 0, 0, 0, 3), "other_no_fee": (0,) * 7, "other_misc": (0,) * 7,
        "granted": (9, 1, 0, 0, 0, 0, 10)}
    assert rows_of(record, expected) == expected
    assert record["template"] == "2021"
    placed = {i["where"] for i in record["issues"] if i["code"] == "row.placed_by_order"}
    assert len(placed) == 10 and "applications.unavailable_needs_creation" in placed
    assert all(c["ok"] for c in record["checks"] if c["rule"].startswith("applications")), record["checks"]


def test_a_missing_value_row_places_none_of_its_gap():
    """One value row fewer than the rows whose labels are printed between two anchors: no placing is certain."""
    text = floating_section_3().replace(bare([6, 0, 0, 0, 0, 0, 6]) + "\n", "", 1)
    apps = nianbao.parse_bytes(report(SECTION_2_TABLE, text), "short.md")["applications"]
    for key in ("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear"):
        assert set(apps.get(key, row(*[None] * 7)).values()) == {None}, key
    assert apps["partially_granted"] == row(2, 0, 0, 0, 0, 0, 2)  # the other gaps stand alone


def test_rows_out_of_the_templates_order_place_nothing():
    """Anchors printed out of template order: the document follows no order to place by."""
    tokens = tokens_of([Paragraph(text=t) for t in HEADER_3]) + tokens_of([Table.from_texts([
        ["（一）予以公开", *"1000001"],
        ["（二）部分公开"],
        ["2.重复申请", *"2000002"],
        list("3000003"),
        ["1.信访举报投诉类申请", *"4000004"],
    ])])
    fitted = fit_applications(tokens)
    assert "partially_granted" not in fitted.values or set(fitted.values["partially_granted"].values()) == {None}
    assert not any(i.code == "row.placed_by_order" for i in fitted.issues)


def test_a_fragment_of_another_rows_label_is_not_placed():
    """A value row under a label fragment goes only to a row whose label holds that fragment."""
    tokens = tokens_of([Paragraph(text=t) for t in [*HEADER_3, "4.无正当理由大量反复申请"]]) + tokens_of([
        Table.from_texts([
            ["3.要求提供公开出版物", *"1000001"],
            ["确认或重新出具", *"2000002"],  # a fragment of 要求行政机关确认或重新出具已获取信息, not of the row
            # waiting (无正当理由大量反复申请)
            ["（七）总计", *"3000003"],
        ])])
    fitted = fit_applications(tokens)
    assert set(fitted.values["not_processed_excessive"].values()) == {None}
    assert "not_processed_confirmation" not in fitted.values
    assert not any(i.code == "row.placed_by_order" for i in fitted.issues)


def test_loose_item_lines_of_section_2():
    """``行政许可 97`` as a line of its own (an item's small table without rules): the label, then its value."""
    record = nianbao.parse_bytes(report(f"第二十条第（一）项\n\n{SECTION_2_TABLE}\n\n{LOOSE_ITEMS}",
                                        HEAD_3 + "\n" + TAIL_3), "loose.md")
    proactive = record["proactive"]
    assert proactive["licensing"] == {"decisions": 97}
    assert proactive["penalty"] == {"decisions": 12}
    assert proactive["enforcement"] == {"decisions": 3}
    assert proactive["fees"] == {"amount_wan": 4.5}
    assert proactive["normative_documents"] == {"issued": 13, "repealed": 2, "in_force": 55}
    # a loose line whose head is no label, or whose tail is not all values, is left as text
    fitted = fit_proactive(tokens_of([Paragraph(text=t) for t in (
        "信息内容", "本年处理决定数量", "全年办理行政许可 97", "行政处罚 12 件")]))
    assert "licensing" not in fitted.values
    assert fitted.values["penalty"] == {"decisions": None}  # 行政处罚 12 件: a label read whole, no value


def ocr_section_3() -> str:
    """Section 三 as OCR Markdown prints it: a heading per row or group, each row a small table under
    ``类别 | 数据1 | … | 总计``, （六） headed ``(六) 其他`` and its later rows under a second, garbled header."""
    head = "| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |\n|---|---|---|---|---|---|---|---|"
    parts = []
    for heading, label, values in (
            ("### 一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量", [40, 2, 0, 0, 1, 0, 43]),
            ("### 二、上年结转政府信息公开申请数量", "上年结转政府信息公开申请数量", [3, 0, 0, 0, 0, 0, 3]),
            ("### (一) 予以公开", "予以公开", [30, 2, 0, 0, 1, 0, 33])):
        parts += [heading, head, md_row(label, values), ""]
    parts += ["### (五) 不予处理", head, md_row("1. 信访举报投诉类申请", [1, 0, 0, 0, 0, 0, 1]), "",
              "### (六) 其他", head,
              md_row("1. 申请人无正当理由逾期不补正, 行政机关不再处理其政府信息公开申请", [4, 0, 0, 0, 0, 0, 4]),
              "",
              "| 项目 | 本年新收件数 | 上年结转件数 | 予以公开 | 部分公开 | 不予公开 | 结转下年度 | 总计 |",
              "|---|---|---|---|---|---|---|---|",
              md_row("2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                     [2, 0, 0, 0, 0, 0, 2]),
              md_row("3. 其他", [3, 0, 0, 0, 0, 0, 3]),
              md_row("（七）总计", [40, 2, 0, 0, 1, 0, 43]),
              md_row("四、结转下年度继续办理", [3, 0, 0, 0, 0, 0, 3])]
    return "\n".join(parts)


def test_ocr_rows_under_repeated_headers_and_a_short_group_heading():
    record = nianbao.parse_bytes(report(SECTION_2_TABLE, ocr_section_3()), "ocr.md")
    expected = {"other_no_correction": (4, 0, 0, 0, 0, 0, 4), "other_no_fee": (2, 0, 0, 0, 0, 0, 2),
                "other_misc": (3, 0, 0, 0, 0, 0, 3), "total_handled": (40, 2, 0, 0, 1, 0, 43),
                "granted": (30, 2, 0, 0, 1, 0, 33)}
    assert rows_of(record, expected) == expected
    assert "other_handling" not in record["applications"]
    assert record["template"] == "2021"
    assert not any(i["code"] == "row.duplicate" for i in record["issues"]), record["issues"]


def misprinted(label: str) -> bytes:
    rows = [("1.属于国家秘密", [1, 0, 0, 0, 0, 0, 1]), (label, [2, 0, 0, 0, 0, 0, 2]),
            ("3.危及“三安全一稳定”", [3, 0, 0, 0, 0, 0, 3])]
    return report(SECTION_2_TABLE, "\n".join([HEAD_3.split("\n| 一、")[0], *(md_row(k, v) for k, v in rows)]))


def test_a_label_misprinted_two_characters_short_is_known_by_its_place():
    """洪泽区 2023/2024 print ``2.其他法律行政止公开``: the one row between its neighbours, its label less three."""
    record = nianbao.parse_bytes(misprinted("2.其他法律行政止公开"), "misprint.md")
    assert record["applications"]["denied_prohibited_by_law"] == row(2, 0, 0, 0, 0, 0, 2)
    message = next(i["message"] for i in record["issues"] if i["code"] == "row.placed_by_order")
    assert "其他法律行政止公开" in message
    # four characters short, or characters that are not the label's: no longer that label's misprint
    for label in ("2.其他法律行止公开", "2.其他法律行政法规禁止披露"):
        apps = nianbao.parse_bytes(misprinted(label), "misprint.md")["applications"]
        assert "denied_prohibited_by_law" not in apps, label


def lines_section_3() -> str:
    """Section 三 as ``pdftotext`` prints it without any table mark: a row a line, values spaced apart; a wrapped
    label's last piece on the line of the values, a label too long for its cell on lines above a bare value line."""
    return "\n".join([
        "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计",
        "一、本年新收政府信息公开申请数量 40 3 0 0 1 0 44",
        "二、上年结转政府信息公开申请数量 3 0 0 0 0 0 3",
        "三、本年度办理结果 （一）予以公开 30 3 0 0 1 0 34",  # the group's cell and the row's on one line
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形） 1 0 0 0 0 0 1",
        "（三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0",
        "2.其他法律行政法规禁止公开",
        "0 0 0 0 0 0 0",
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开",
        "申请 9 0 0 0 0 0 9",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0",
        "3.其他 0 0 0 0 0 0 0",
        "（七）总计 40 3 0 0 1 0 44",
        "四、结转下年度继续办理 3 0 0 0 0 0 3",
    ])


def test_rows_printed_as_lines_of_text():
    review_lines = "行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计\n1 0 0 0 1 0 0 0 0 0 0 0 0 0 0"
    section_2 = "\n".join(["第二十条第（一）项", "信息内容 本年制发件数 本年废止件数 现行有效件数", "规章 1 0 2",
                           "行政规范性文件 13 2 55", LOOSE_ITEMS])
    text = report(section_2, lines_section_3()).decode().replace("## ", "").replace("# ", "")
    text = text.replace(REVIEW_TABLE, review_lines)
    record = nianbao.parse_bytes(text.encode(), "lines.txt")
    apps = record["applications"]
    assert record["source"]["reader"] == "text"
    assert apps["new_received"] == row(40, 3, 0, 0, 1, 0, 44)
    assert apps["granted"] == row(30, 3, 0, 0, 1, 0, 34)
    assert apps["denied_state_secret"] == row(0, 0, 0, 0, 0, 0, 0)
    assert apps["partially_granted"] == row(1, 0, 0, 0, 0, 0, 1)
    assert apps["denied_prohibited_by_law"] == row(0, 0, 0, 0, 0, 0, 0)
    assert apps["other_no_correction"] == row(9, 0, 0, 0, 0, 0, 9)
    assert apps["other_no_fee"] == row(0, 0, 0, 0, 0, 0, 0)
    assert apps["total_handled"] == row(40, 3, 0, 0, 1, 0, 44)
    assert record["proactive"]["licensing"] == {"decisions": 97}
    assert record["proactive"]["regulations"] == {"issued": 1, "repealed": 0, "in_force": 2}  # under a header line
    assert record["review_litigation"]["review"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}
    # a line of values in a count other than the row's is no row: 1 2 3 under 2.其他法律… stays null
    short = text.replace("2.其他法律行政法规禁止公开\n0 0 0 0 0 0 0", "2.其他法律行政法规禁止公开\n1 2 3")
    apps = nianbao.parse_bytes(short.encode(), "lines.txt")["applications"]
    assert set(apps["denied_prohibited_by_law"].values()) == {None}


def test_a_row_printed_blank_is_no_header_row():
    """A row of label cells whose values are all blank is that row (null), not a row of column headers."""
    table = Table.from_texts([
        ["", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
        ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "", "", "", "", "", "", ""],
        ["", "", "2.其他法律行政法规禁止公开", *"0000000"],
    ])
    fitted = fit_applications(tokens_of([table]))
    assert set(fitted.values["denied_state_secret"].values()) == {None}
    assert fitted.values["denied_prohibited_by_law"]["total"] == 0


def test_real_pdf_text_a_row_a_line():
    """govnianbao's ``section3_raw_text.txt``: a real report's PDF text (the end of 二 and the start of 表三,
    truncated), every row a line with its values spaced apart, a group's name glued before a row's numbered
    label (``（四）无 1.本机关不掌握相关政府信息 746 12 0 0 10 1 769``). Values as printed."""
    record = nianbao.parse_file(DATA / "peer" / "govnianbao" / "section3_raw_text.txt")
    assert record["proactive"] == {"penalty": {"decisions": 3985758}, "enforcement": {"decisions": 88283},
                                   "fees": {"amount_wan": 96171.6}}
    expected = {
        "new_received": (3001, 53, 0, 0, 61, 4, 3119), "carried_over": (34, 0, 0, 0, 0, 0, 34),
        "granted": (1288, 21, 0, 0, 50, 3, 1362), "partially_granted": (447, 7, 0, 0, 0, 0, 454),
        "denied_state_secret": (2, 0, 0, 0, 0, 0, 2), "denied_prohibited_by_law": (30, 1, 0, 0, 0, 0, 31),
        "denied_three_safety_one_stability": (5, 0, 0, 0, 0, 0, 5), "denied_third_party": (6, 0, 0, 0, 0, 0, 6),
        "denied_internal_affairs": (7, 1, 0, 0, 0, 0, 8), "denied_process_info": (12, 0, 0, 0, 0, 0, 12),
        "denied_enforcement_file": (9, 0, 0, 0, 0, 0, 9), "denied_query_matter": (105, 0, 0, 0, 0, 0, 105),
        "unavailable_not_held": (746, 12, 0, 0, 10, 1, 769)}
    assert rows_of(record, expected) == expected
    assert set(record["applications"]) == set(expected)
