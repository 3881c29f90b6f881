"""Metadata extraction: titles over several lines, agencies before or after the year, dates."""

from __future__ import annotations

import pytest

from nianbao.dates import find_date, is_date_line
from nianbao.page import TITLE_YEAR, agency_of, find_published, find_title, metadata


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        ("淄博市工业和信息化局2020年度政府信息公开工作年度报告", "淄博市工业和信息化局"),
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅"),
        ("2019年度上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅"),
        ("2019年政府信息公开工作年度报告", None),
        ("XX市生态环境局关于2021年度政府信息公开工作年度报告", "XX市生态环境局"),
        ("关于XX市生态环境局2021年度政府信息公开工作年度报告的说明", "XX市生态环境局"),
        ("《XX县人民政府2022年政府信息公开工作年度报告》", "XX县人民政府"),
        ("北京市人民政府办公厅政府信息公开工作年度报告（2021年）", "北京市人民政府办公厅"),
        ("政府信息公开工作年度报告（2021年）", None),
        ("XX县人民政府（XX县政务服务中心）2021年政府信息公开工作年度报告", "XX县人民政府（XX县政务服务中心）"),
        ("XX县人民政府（2021年度）政府信息公开工作年度报告", "XX县人民政府"),
        ("沐阳县人民政府 2025 年 政府信息公开工作年度报告", "沐阳县人民政府"),
        ("2024 年上海市 科委政府信息公开工作年度报告", "上海市科委"),
        ("XX镇的2021年政府信息公开工作年度报告", "XX镇"),
        ("XX片区管理局关于报送2020年度政府信息公开工作年度报告的函", "XX片区管理局"),
    ],
)
def test_agency_of(title, agency):
    assert agency_of(title, TITLE_YEAR.search(title)) == agency


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (["塔城地区工信局2020年政府信息公开", "工作报告", "2020年地区工信局认真落实…"],
         "塔城地区工信局2020年政府信息公开工作报告"),
        (["淄博市工业和信息化局", "2020年度政府信息公开工作年度报告"],
         "淄博市工业和信息化局2020年度政府信息公开工作年度报告"),
        (["标题: 平潭综合实验区2021年度政府信息公开工作年度报告", "发布时间: 2022-02-08 16:34"],
         "平潭综合实验区2021年度政府信息公开工作年度报告"),
        (["网站声明 | 版权所有", "今天天气很好"], None),
        # a PDF export's page label above a year-first title is not part of it
        (["正文", "2024 年上海市科委政府信息公开工作", "年度报告", "根据《条例》…"],
         "2024 年上海市科委政府信息公开工作年度报告"),
        # Markdown from OCR and PDF-to-text tools: heading marks and bold are not printed text
        (["# 沐阳县人民政府 2025 年 政府信息公开工作年度报告", "", "沐阳县人民政府"],
         "沐阳县人民政府 2025 年 政府信息公开工作年度报告"),
        (["**XX局2021年政府信息公开工作年度报告**"], "XX局2021年政府信息公开工作年度报告"),
        # a report sent as a cover letter (苏平片区 2020); the crawler's category line below it is no title
        (["标题: XX片区管理局关于报送2020年度政府信息公开工作年度报告的函", "发布时间: 2021-01-27 17:19",
          "栏目: 政府信息公开年报"], "XX片区管理局关于报送2020年度政府信息公开工作年度报告的函"),
        (["发布时间: 2021-01-27 17:19", "栏目: 政府信息公开年报", "正文"], None),
    ],
)
def test_find_title(lines, title):
    assert find_title(lines) == title


@pytest.mark.parametrize(("lines", "published"), [
    (["成文日期：2022-03-16　发布日期：2022-03-19"], "2022-03-19"),
    (["发文日期：2022-03-16 公开日期：2022-03-20 来源：市政府办公室"], "2022-03-20"),
    (["成文日期：2022-03-16", "发布日期：2022-03-19"], "2022-03-19"),
    (["发布日期：2022-03-19", "成文日期：2022-03-16"], "2022-03-19"),
    (["成文日期：2022-03-16"], "2022-03-16"),  # the page labels no publish date: the written one stands for it
])
def test_a_written_date_is_the_publish_date_only_when_none_is_labelled(lines, published):
    assert find_published(lines) == published


def test_published_and_signed_dates():
    assert find_published(["发布时间:2023-01-17 10:04      来源:天津市东丽区工业和信息化局"]) == "2023-01-17"
    assert find_published(["发布日期:2022-01-26 来源: 访问量:1"]) == "2022-01-26"
    assert find_published(["没有日期"]) is None
    assert find_date("二〇二二年一月十三日") == "2022-01-13"
    assert find_date("2021年1月30日") == "2021-01-30"
    assert find_date("2021年2月30日") is None
    assert is_date_line("       2021年1月30日")
    assert not is_date_line("于2021年1月30日召开")


def test_title_line_with_only_a_connective_before_the_year_takes_the_body_above():
    """``XX局`` / ``关于2023年政府信息公开工作的年度报告`` over two lines: the body is part of the title."""
    lines = ["兰州新区应急管理局", "关于2023年政府信息公开工作的年度报告", "一、总体情况"]
    assert find_title(lines) == "兰州新区应急管理局关于2023年政府信息公开工作的年度报告"
    one_line = "兰州新区应急管理局2023年政府信息公开工作年报"
    assert find_title(["目录", one_line]) == one_line


def test_a_title_without_its_year_takes_the_opening_sentence_s_year_when_the_signature_says_the_year_after():
    """N7 of docs/redteam3-failures.md: a title without its year, section 一 opening ``2019年，…``, signed in 2020."""
    title = "XX区司法局政府信息公开工作年度报告"
    opening = ["2019年，XX区司法局认真贯彻落实《条例》。", "（一）主动公开方面。"]
    for date, year in (("2020年2月25日", 2019), ("2021年2月25日", None), (None, None)):
        fields, issues = metadata([title], (), {}, "XX区司法局", date, opening)
        assert fields["year"] == year, date
        assert ("metadata.no_year" in {i.code for i in issues}) == (year is None)
    two = [opening[0], "2018年，本局……"]  # two paragraphs opening with different years: none is taken
    assert metadata([title], (), {}, "XX区司法局", "2020年2月25日", two)[0]["year"] is None
