"""The HTML reader drops what a browser would not show, judged by the elements' own attributes.

``hidden``, an inline ``display: none`` (any case or spacing) and ``<template>``
remove an element with its subtree; ``visibility: hidden`` empties its box, so
a table cell keeps its column. ``aria-hidden`` and ``hidden="until-found"`` are
shown by browsers and are read. A report that only exists hidden (a script or
tab shows it) is read anyway, with a warning.
"""

from __future__ import annotations

import pytest
from lxml import etree

from nianbao.plugins.html import hidden_how
from nianbao.template import APPLICATION_COLUMNS

from .test_html import (
    APPLICATIONS_2021,
    TITLE,
    applications_table,
    assert_full_report,
    codes,
    page,
    parse,
    read,
    report_body,
    td,
    word_p,
)

GRANTED = word_p("（一）予以公开")


def test_hidden_decoys_around_a_report_are_dropped():
    decoy_table = applications_table().replace(">3<", ">9<")  # another year's numbers
    body = (
        f'<div hidden><p>一、总体情况</p><p>旧版本的总体情况。</p>{decoy_table}</div>'
        f'<p style="DISPLAY : None ;color:red">2019年政府信息公开工作年度报告（旧）</p>'
        f'<template><p>三、收到和处理政府信息公开申请情况</p>{decoy_table}</template>'
        f"{report_body()}"
        '<div style="visibility:HIDDEN">五、存在的主要问题及改进情况 隐藏的段落。</div>'
    )
    record = parse(page(body))
    assert_full_report(record)
    assert record["applications"] == APPLICATIONS_2021
    assert record["sections"]["overview"].startswith("2022年，我局认真贯彻落实")
    assert "旧" not in record["sections"]["overview"] and "隐藏" not in record["sections"]["problems"]
    assert "html.hidden_report" not in codes(record)


def test_a_hidden_span_inside_a_value_cell_is_not_part_of_the_number():
    # an anti-copy trick: hidden digits between the visible ones
    granted = APPLICATIONS_2021["granted"]["natural_person"]
    hidden_digit = f'<td><p>{granted}<span style="display:none">7</span></p></td>'
    table = applications_table()
    row_start = table.index(GRANTED)
    value_cell = table.index(td(granted), row_start)
    table = table[:value_cell] + hidden_digit + table[value_cell + len(td(granted)):]
    body = report_body().replace(applications_table(), table)
    assert body != report_body()
    record = parse(page(body))
    assert record["applications"]["granted"] == APPLICATIONS_2021["granted"]
    assert record["applications"]["granted"]["total"] == APPLICATIONS_2021["granted"]["total"]


def test_a_visibility_hidden_cell_keeps_its_column_and_reads_blank():
    granted = APPLICATIONS_2021["granted"]
    columns = list(APPLICATION_COLUMNS)
    second = columns[1]  # 商业企业
    value = granted[second]
    table = applications_table()
    row_start = table.index(GRANTED)
    first_cell = table.index(td(granted[columns[0]]), row_start)
    cell = table.index(td(value), first_cell + 1)
    hidden = td(value).replace("<td ", '<td style="visibility: hidden" ', 1)
    table = table[:cell] + hidden + table[cell + len(td(value)):]
    record = parse(page(report_body().replace(applications_table(), table)))
    row = record["applications"]["granted"]
    assert row[second] is None  # blank, with an issue: the column did not shift
    assert {k: v for k, v in row.items() if k != second} == {
        k: v for k, v in granted.items() if k != second}


def test_a_page_display_none_body_is_still_read():
    html = page(report_body()).replace("<body>", '<body style="display:none">')
    assert_full_report(parse(html))


def test_a_report_that_exists_only_hidden_is_read_with_a_warning():
    html = page(f'<div id="tab2" style="display: none">{report_body()}</div><div id="tab1"><p>请选择年份</p></div>')
    record = parse(html)
    assert_full_report(record)
    assert "html.hidden_report" in codes(record)


def test_styles_with_chinese_font_names_are_searched_in_any_case():
    # ``_may_hide`` lowers the page's styles as UTF-8 bytes: a CJK font name beside a DISPLAY in capitals
    texts = [b.text for b in read('<p style="font-family:宋体">前<span style="font-family:仿宋_GB2312;'
                                  'DisPlay:NONE">隐</span>后</p><p style="font-family:黑体">一<b style="'
                                  'font-family:楷体;VISIBILITY:Hidden">二</b>三</p>').blocks]
    assert texts == ["前后", "一三"]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize(("paragraph", "shown"), [
    ('<p>前<span style="&#100;isplay:none">隐</span>后</p>', "前后"),
    ('<p>一<b style="&#x56;ISIBILITY:&#104;idden">二</b>三</p>', "一三"),
    ('<p>子<u style="DisPlay:NONE">丑</u>寅</p>', "子寅"),
    ('<p>甲<i &#104;idden>乙</i>丙</p>', "甲乙丙"),  # an attribute's name is no reference: shown
])
def test_hiding_words_in_any_case_or_as_character_references_still_hide(encoding, paragraph, shown):
    # a UTF-8 page's bytes are searched for the hiding words before its tree (``may_hide``); a reference spells
    # them without their letters; a GB18030 page is read from its text, so both paths are here
    html = f'<meta charset="{encoding}">{paragraph}'.encode(encoding)
    assert [b.text for b in read(html).blocks] == [shown]


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
@pytest.mark.parametrize("style", ["Display:none", "dis<!DOCTYPE html [ ]>play:none"])
def test_a_page_read_from_its_text_is_searched_for_hiding_words_in_its_own_bytes(encoding, style):
    # a GBK or Big5 page is parsed from its decoded text; its own bytes are searched for the hiding words
    # (``page_may_hide``), or its tree when the text parsed is not the text decoded: a DOCTYPE's subset removed
    # joins the text around it, here into a style that hides
    html = f'<meta charset="{encoding}"><p>前<span style="{style}">隱</span>後</p>'.encode(encoding)
    assert [b.text for b in read(html).blocks] == ["前後"]


def test_aria_hidden_and_until_found_content_is_read():
    body = report_body().replace(word_p(TITLE, "text-align:center"),
                                 f'<div aria-hidden="true">{word_p(TITLE, "text-align:center")}</div>')
    body = body.replace(applications_table(), f'<div hidden="until-found">{applications_table()}</div>')
    record = parse(page(body, page_title_text="青山县人民政府"))
    assert_full_report(record)


def test_tail_text_of_a_hidden_element_stays():
    texts = [b.text for b in read('<div><p>前<span hidden>隐</span>后</p><p>一<b style="display:none">二</b></p></div>'
                                  "<p>甲<i style='visibility:hidden'>乙</i>丙</p>").blocks]
    assert texts == ["前后", "一", "甲丙"]


@pytest.mark.parametrize(("attributes", "how"), [
    ({"hidden": ""}, "none"),
    ({"hidden": "hidden"}, "none"),
    ({"hidden": "until-found"}, None),
    ({"style": "display:none"}, "none"),
    ({"style": "color: red;  Display :\tNONE !important"}, "none"),
    ({"style": "display:none; display: block"}, None),  # the last declaration wins
    ({"style": "display:block;display:none"}, "none"),
    ({"style": "mso-display:none"}, None),
    ({"style": "visibility:hidden"}, "empty"),
    ({"style": "VISIBILITY: collapse"}, "empty"),
    ({"style": "visibility:visible"}, None),
    ({"aria-hidden": "true"}, None),
    ({"class": "hidden"}, None),  # stylesheets are not resolved
])
def test_hidden_how(attributes, how):
    assert hidden_how(etree.Element("div", attributes)) == how
