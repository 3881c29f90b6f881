"""An independent stress corpus: a few hundred reports written from the template's description, with truths.

Imports nothing of nianbao. Its wording is the hand-typed one of ``tests/data/variants/build.py`` (headings,
labels and table layouts typed from the template's published description, docs/template.md), whose grids
and renderers it reuses; what it adds is chance: every report draws its own numbers (keeping the template's
arithmetic) and a random combination of the variants real reports print (tests/data real/, gathered/, peer/,
samples 000-004): wrapped, page-broken, reworded, misnumbered and missing headings, ``四、结转…`` printed again,
a table of contents, titles in other words (年报, 年度…工作报告, over two lines, only in ``<title>``),
signature dates in every spelling, a statistics period, zeros spelt —, -, /, 无, full-width digits, blank
cells, short rows, spans written once, 2019 and 2021 templates. The truth of each report is what the document
means (a blank cell is null; a short row of zeros is still zeros).

And what the excerpts of real pages in docs/corpus.md ("Variants the excerpts show") print: page chrome before
the title (听全文, 字号, 打印, breadcrumbs), a metadata table (索引号 … 成文日期 … 发布机构), the title only in it,
the body and ``日期来源:`` under the title, year-first titles, titles without 政府 or 工作, an abbreviated body
(``县政府办…`` signed by the office in full), the year only in prose, statistics periods in five spellings, a
title over two lines with wide spaces and ``(2022年1月)`` under it, 二 and 三 from different templates,
misspelt column headers, tables as ``|``-ended cells a line or a row a line, one-line crawler bodies
(values glued, spaced or spaced irregularly, the signature glued to the end) and PDF. Where a layout loses
information the truth is null: a glued crawler row is read, cell by cell, only as far as every split that keeps
the template's sums agrees (``flat_rows``).

Run::

    python benchmarks/independent.py OUT --count 300 --seed 13
    nianbao score OUT

``tests/test_independent.py`` runs a slice (40 reports, seed 13) and asserts no wrong non-null value, over 99 %
of numeric cells and of metadata fields.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import itertools
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("variants_build", ROOT / "tests" / "data" / "variants" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

#: Bodies in the style of the real reports' signatures (county and city bureaus, district governments).
AGENCIES = (
    "宁远县交通运输局", "青川县水利局", "东阳市商务局", "永春县教育局", "武夷山市林业局", "海门区民政局",
    "新泰市卫生健康委员会", "南靖县自然资源局", "仙居县市场监督管理局", "塔河县工业和信息化局", "梁平区司法局",
    "平潭综合实验区市场监督管理局", "上海市科学技术委员会", "沭阳县人民政府", "安溪县人民政府办公室",
    "济南市历下区财政局", "广州市天河区住房和城乡建设局", "成都市武侯区退役军人事务局", "昆明市盘龙区审计局",
    "杭州市西湖区文化和广电旅游体育局", "长沙县农业农村局", "洛阳市生态环境局", "宜昌市统计局",
    "兰州新区应急管理局", "哈尔滨市香坊区人力资源和社会保障局",
)
FORMATS = ("text", "text-tabbed", "tsv", "markdown", "html", "docx", "pipe-cells", "pipe-rows", "oneline", "pdf")
#: Layouts that print the whole table as text with cells told apart by ``|`` or by nothing at all.
FLAT = ("pipe-cells", "pipe-rows", "oneline")
CN_DIGITS = "〇一二三四五六七八九"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ASCII = str.maketrans("０１２３４５６７８９", "0123456789")
NONE_WORDS = ("—", "-", "/", "无")
#: Other wordings of the section headings, as real reports print them (与/和 for 、, 的, other numbers).
REWORDED = {
    "overview": ("一、政府信息公开工作的基本情况", "一、总体情况概述", "（一）总体情况"),  # 龙游县 2021
    "proactive": ("二、主动公开政府信息", "（二）主动公开政府信息情况", "2、主动公开政府信息情况",
                  "二 主动公开政府信息情况"),
    "applications": ("三、收到和处理政府信息公开申请的情况", "3、 收到和处理政府信息公开申请情况",
                     "（三）收到和处理政府信息公开申请情况", "三、收到和处理政府信息公开申请"),
    "review_litigation": ("四、政府信息公开行政复议与行政诉讼情况", "四、政府信息公开行政复议和行政诉讼情况",
                          "（四）政府信息公开行政复议、行政诉讼情况", "4、政府信息公开行政复议、行政诉讼情况"),
}


# ---- Numbers that keep the template's arithmetic --------------------------------------------------

def _small(rng, high=4):
    return rng.choice((0, 0, 0, rng.randint(0, high)))


def applications(rng, version):
    """Section 三: random leaf rows, 总计 their sum, 一 + 二 = 三（七） + 四 per column."""
    keys = list(build.APPS_2021 if version == "2021" else build.APPS_2019)
    fixed = ("new_received", "carried_over", "total_handled", "carried_forward")
    busy = rng.random() < 0.6
    table = {k: build.row(*(_small(rng, 9 if busy else 2) for _ in range(6))) for k in keys if k not in fixed}
    handled = [sum(r[c] for r in table.values()) for c in build.C7[:-1]]
    forward = [_small(rng, 2) for _ in range(6)]
    over = [rng.randint(0, h + f) for h, f in zip(handled, forward, strict=True)]
    new = [h + f - o for h, f, o in zip(handled, forward, over, strict=True)]
    out = {"new_received": build.row(*new), "carried_over": build.row(*over)}
    out |= {k: table[k] for k in keys if k in table}
    return out | {"total_handled": build.row(*handled), "carried_forward": build.row(*forward)}


def proactive(rng, version):
    n = rng.randint
    if version == "2021":
        return {"regulations": {"issued": n(0, 2), "repealed": n(0, 1), "in_force": n(0, 9)},
                "normative_documents": {"issued": n(0, 30), "repealed": n(0, 9), "in_force": n(0, 300)},
                "licensing": {"decisions": n(0, 5000)}, "penalty": {"decisions": n(0, 900)},
                "enforcement": {"decisions": n(0, 60)},
                "fees": {"amount_wan": rng.choice((0, 0, round(rng.uniform(0.1, 900), 2)))}}
    return {"regulations": {"new_made": n(0, 2), "new_published": n(0, 2), "total_published": n(0, 9)},
            "normative_documents": {"new_made": n(0, 20), "new_published": n(0, 20), "total_published": n(0, 200)},
            "licensing": {"prev_count": n(0, 300), "change": n(-9, 9), "decisions": n(0, 5000)},
            "other_services": {"prev_count": n(0, 50), "change": n(-3, 3), "decisions": n(0, 900)},
            "penalty": {"prev_count": n(0, 90), "change": n(-3, 3), "decisions": n(0, 900)},
            "enforcement": {"prev_count": n(0, 9), "change": n(-2, 2), "decisions": n(0, 60)},
            "fees": {"prev_count": n(0, 9), "change": n(-2, 2)},
            "procurement": {"projects": n(0, 40), "amount_wan": rng.choice((0, round(rng.uniform(1, 9000), 1)))}}


def review(rng):
    out = {}
    for group in build.REVIEW:
        parts = [_small(rng, 3) for _ in range(4)]
        out[group] = dict(zip(("upheld", "corrected", "other", "pending", "total"), [*parts, sum(parts)],
                              strict=True))
    return out


# ---- Variants on the blocks (each may change the truth where the document means something else) -----------

def signature_date(rng, y, m, d):
    """The signature date in one of the spellings real reports use."""
    spellings = (f"{y}年{m}月{d}日", f"{y}-{m:02d}-{d:02d}", f"{y}/{m:02d}/{d:02d}", f"{y}年{m:02d}月{d:02d}日",
                 f"{y}.{m}.{d}", "".join(CN_DIGITS[int(c)] for c in str(y)) + f"年{_cn(m)}月{_cn(d)}日")
    text = rng.choice(spellings)
    return rng.choice(("", "　" * 20, " " * 30)) + text


def _cn(number):
    tens, ones = divmod(number, 10)
    return (("" if tens == 1 else CN_DIGITS[tens]) + "十" if tens else "") + (CN_DIGITS[ones] if ones else "")


def _value_cells(blocks):
    """Every cell of every table that holds a number, with where its value sits in the truth."""
    for kind, body in blocks:
        if kind == "table":
            for cells in body:
                for c in cells:
                    if c[0].lstrip("-").replace(".", "", 1).isdigit():
                        yield c


def none_spellings(rng):
    def edit(blocks, truth):
        word = rng.choice(NONE_WORDS)
        for c in _value_cells(blocks):
            if c[0] == "0" and rng.random() < 0.5:
                c[0] = word
    return edit


def full_width(rng):
    def edit(blocks, truth):
        for c in _value_cells(blocks):
            if rng.random() < 0.5:
                c[0] = c[0].translate(FULL_WIDTH)
    return edit


def blank_cell(rng, fmt, short):
    """One value of section 三 left blank. A blank cell is null in the truth (as the real reports' truths read
    it), except in text with a cell a line, where a blank cell prints nothing: the row is then one value short,
    and the truth is the row every place of the missing value gives under 总计 = the six applicant columns, or a
    null row when two places give different rows."""
    def edit(blocks, truth):
        key = rng.choice([k for k in truth["applications"] if k not in ("total_handled", "new_received", *short)])
        column = rng.randrange(7)
        label_cells = [cells for kind, body in blocks if kind == "table" for cells in body
                       if any(c[0] == _label_of(key) for c in cells)]
        if len(label_cells) != 1:
            return
        cells = label_cells[0]
        target = cells[len(cells) - 7 + column]
        if not (target[0].translate(ASCII).lstrip("-").isdigit() or target[0] in NONE_WORDS):
            return  # a row printed short: its seventh cell from the end is its label
        target[0] = ""
        row = truth["applications"][key]
        if fmt not in ("text", "pipe-cells"):  # a cell a line: a blank prints nothing (or a bar, as a span does)
            row[build.C7[column]] = None
        elif len(_readings([row[c] for n, c in enumerate(build.C7) if n != column])) > 1:
            truth["applications"][key] = dict.fromkeys(build.C7)
    return edit


def _readings(printed):
    """The distinct complete rows six printed values make, the seventh put anywhere (总计 = the six before it)."""
    rows = set()
    for place in range(7):
        row = [*printed[:place], None, *printed[place:]]
        row[place] = sum(row[:6]) if place == 6 else row[6] - sum(v for v in row[:6] if v is not None)
        if row[place] >= 0:
            rows.add(tuple(row))
    return rows


def _label_of(key):
    labels = {"new_received": "一、本年新收政府信息公开申请数量", "carried_over": "二、上年结转政府信息公开申请数量",
              "granted": "（一）予以公开",
              "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
              "other_handling": "（六）其他处理", "carried_forward": "四、结转下年度继续办理",
              "total_handled": "（七）总计"}
    for _, names, keys in [*build.LEAVES, build.OTHER_2021]:
        labels |= dict(zip(keys, names, strict=True))
    return labels.get(key)


def short_zero_row(rng, fmt, short):
    """A leaf row of zeros printed with one 0 left out: the sums leave one reading, all 0. Markdown and DOCX
    print a grid: the row's last slot (总计) is then a blank cell, null in the truth."""
    def edit(blocks, truth):
        _, names, keys = rng.choice(build.LEAVES)
        i = rng.randrange(len(keys))
        build.zero_row(names[i], keys[i], "applications")(blocks, truth)
        build.short_row(names[i])(blocks, truth)
        short.add(keys[i])  # a blank cell besides would leave the row two values short: not fixed by its sums
        truth["applications"] = applications_after_zero(truth["applications"], keys[i])
        if fmt in ("markdown", "docx", "pdf"):
            truth["applications"][keys[i]]["total"] = None
    return edit


def applications_after_zero(table, key):
    """The table with ``key``'s row made zero and 三（七）, 一 fixed to keep the sums."""
    old = table[key]
    for column in build.C7:
        table["total_handled"][column] -= old[column]
        table["new_received"][column] -= old[column]
    table[key] = dict.fromkeys(build.C7, 0)
    return table


def contents(at):
    """A table of contents (目录 and the six headings) after the title's ``at`` blocks."""
    def edit(blocks, truth):
        blocks[at:at] = [("para", "目录"), *[("para", h) for h in build.HEADINGS.values()]]
    return edit


# ---- The page around the report: chrome, metadata tables, titles (as the real excerpts print them) ----------
# docs/corpus.md "Variants the excerpts show" names the report each comes from.

#: Page chrome before the title (听全文, 字号, 打印, breadcrumbs), as 迎宾路街道, 螺洋街道 and 龙游县 pages print it.
CHROME = ("听全文", "字号：大 中 小", "[字体：大 中 小] 打印", "首页 > 政务公开 > 政府信息公开年报 > {year} > 正文",
          "当前位置：首页 > 政府信息公开 > 政府信息公开年报", "【打印本页】 【关闭窗口】")
#: Bodies as titles abbreviate them (府谷县: ``县政府办2022年度…`` for 府谷县人民政府办公室), for agencies above.
ABBREVIATED = {"安溪县人民政府办公室": "县政府办", "上海市科学技术委员会": "市科委", "新泰市卫生健康委员会": "市卫健委",
               "仙居县市场监督管理局": "县市场监管局", "杭州市西湖区文化和广电旅游体育局": "区文广旅体局",
               "沭阳县人民政府": "县政府"}
#: Statistics-period sentences in the spellings the excerpts show (统计期限为, 统计时限为, 统计期为,
#: 统计时间为…起至…止).
PERIODS = ("本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。",
           "本报告所列数据统计期限为{y}年1月1日至{y}年12月31日。", "本报告中所列数据统计时限为{y}年1月1日至12月31日。",
           "本年度报告中所列数据统计期为{y}年1月1日至12月31日。",
           "本报告统计时间为{y}年1月1日起至{y}年12月31日止。")
#: Column headers misspelt as real reports print them (the variants corpus holds the first three).
HEADER_TYPOS = (("本年新制作数量", "本年新制做数量"), ("处理决定数量", "处理决定数"), ("本年制发件数", "本年制发件"),
                ("采购总金额", "采购总金额(万元)"), ("本年处理决定数量", "本年处理决定数"))


def title_forms(rng, agency, year):
    """``(title, agency the truth names, the year is in the title)``: the words real titles use."""
    forms = [(f"{agency}{year}年政府信息公开工作年度报告", agency, True),
             (f"{agency}{year}年政府信息公开工作年报", agency, True),
             (f"{agency}{year}年度政府信息公开工作报告", agency, True),
             (f"{agency}关于{year}年政府信息公开工作的年度报告", agency, True),
             (f"{year}年{agency}政府信息公开工作年度报告", agency, True),  # 迎宾路街道 2021: the year first
             (f"{agency}{year}年度信息公开年度报告", agency, True),  # 螺洋街道 2021: no 政府, no 工作
             (f"{agency}政府信息公开工作年度报告", agency, False)]  # the year only in prose (迎宾路街道 2021)
    if agency in ABBREVIATED:  # 府谷县 2022: the signature names the body in full
        forms.append((f"{ABBREVIATED[agency]}{year}年度政府信息公开工作年度报告", agency, True))
    return rng.choice(forms)


def title_variant(rng, agency, year, signed):
    """A title in the words real reports use: ``(title, agency, blocks for it, in <title> only, year in it)``.

    Shapes: one line; two lines (agency, then the rest); only in ``<title>``; or over two lines where a centred
    print breaks it, with wide runs of spaces and the month in brackets under it (龙游县 2021:
    ``龙游县人民政府办公室2021年政府`` / ``信息公开工作年度报告`` / ``(2022年1月)``).
    """
    title, named, has_year = title_forms(rng, agency, year)
    shape = rng.choice(("one", "one", "two", "title-only", "wide"))
    if shape == "two" and title.startswith(agency) and not title.startswith(agency + "政府"):
        return title, named, [("para", agency), ("para", title[len(agency):])], False, has_year
    if shape == "wide" and len(title) > 20:
        at = rng.randint(16, min(22, len(title) - 4))
        pad = " " * rng.randint(8, 20)
        return title, named, [("para", pad + title[:at] + pad), ("para", pad + title[at:]),
                              ("para", f"({signed[0]}年{signed[1]}月)")], False, has_year
    return title, named, [("title", title)], shape == "title-only", has_year


def meta_table(rng, agency, title, date, with_title):
    """A metadata table above the report (索引号 … 成文日期 … 发布机构), the title in it or not."""
    number = f"11{rng.randint(10**14, 10**15 - 1)}/{date[:4]}-{rng.randint(1, 99):05d}"
    rows = [[build.cell("索引号"), build.cell(number), build.cell("分类"), build.cell("政府信息公开年报")],
            [build.cell("发布机构"), build.cell(agency), build.cell(rng.choice(("成文日期", "发布日期"))),
             build.cell(date)]]
    if with_title:
        rows.append([build.cell("标题"), build.cell(title, 3)])
    return rows


def front_matter(rng, agency, year, title, date):
    """Chrome lines, a metadata table, or the body and date under the title: ``(edit, features, published, title
    in the table only)``. The date of a metadata table (成文日期 or 发布日期) and of a ``日期来源:`` line under the
    title is the page's publish date: the truth's ``published``."""
    features, before, after, published, table_only = [], [], [], None, False
    if rng.random() < 0.3:
        features.append("chrome")
        before += [("para", line.format(year=rng.choice((year, year + 1)))) for line in
                   rng.sample(CHROME, rng.randint(1, 3))]
    if rng.random() < 0.2:
        table_only = rng.random() < 0.4
        features.append("meta-table-title" if table_only else "meta-table")
        before.append(("table", meta_table(rng, agency, title, date, table_only or rng.random() < 0.5)))
        published = date
    elif rng.random() < 0.15:  # 迎宾路街道 2021: the body and ``2022年01月18日来源:1`` under the title
        features.append("body-under-title")
        y, m, d = date.split("-")
        after = [("para", agency), ("para", f"{y}年{m}月{d}日来源:{rng.randint(1, 9)}")]
        published = date

    def edit(blocks, title_end):
        blocks[title_end:title_end] = after
        blocks[0:0] = before
    return edit, features, published, table_only


def prose_year(agency, year):
    """The sentence that names the year when the title does not (迎宾路街道 2021)."""
    return f"现将{year}年{agency}政府信息公开情况报告如下。"


def mixed(rng, blocks, truth):
    """Section 二 in one template and 三 in the other (洪泽区 2023: 二 in 2021's layout, 三 with 2019's single
    （六）其他处理); the truth's template is ``mixed``."""
    other = "2019" if truth["template"] == "2021" else "2021"
    numbers = proactive(rng, other)
    i = next(n for n, (k, b) in enumerate(blocks) if k == "heading" and b == build.HEADINGS["proactive"])
    j = next(n for n in range(i, len(blocks)) if blocks[n][0] == "table")
    blocks[j] = ("table", build.proactive_grid(other, numbers))
    truth["proactive"] = copy.deepcopy(numbers)
    truth["template"] = "mixed"


# ---- Flat layouts: tables printed as text with ``|`` or nothing between cells ---------------------------------

#: A number as a table cell prints it (a signed change, an amount).
NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")


def readings(groups, count, equations, signed=()):
    """Every way the printed groups (space-separated runs of digits) split into ``count`` numbers that keep
    ``equations`` (``(parts, total)`` positions), negative only at the ``signed`` positions (本年增/减; a count is
    never below 0): a space is always a cell boundary, a glued run may be several cells."""
    out = []

    def split(run, most):
        if not run:
            yield ()
            return
        for end in range(1, len(run) + 1):
            if most > 0 and NUMBER.fullmatch(run[:end]):
                for rest in split(run[end:], most - 1):
                    yield (run[:end], *rest)

    def walk(index, done):
        if index == len(groups):
            if len(done) == count:
                values = [float(v) if "." in v else int(v) for v in done]
                if any(v.startswith("-") for n, v in enumerate(done) if n not in signed):
                    return
                if all(abs(sum(values[p] for p in parts) - values[total]) < 1e-9 for parts, total in equations):
                    out.append(tuple(values))
            return
        for parts in split(groups[index], count - len(done) - (len(groups) - index - 1)):
            walk(index + 1, (*done, *parts))

    walk(0, ())
    return out


def agreed(found, count):
    """Per cell: the value every reading gives, else ``None``."""
    return [found[0][n] if len({r[n] for r in found}) == 1 else None for n in range(count)]


PRO_KEYS = {"规章": "regulations", "行政规范性文件": "normative_documents", "规范性文件": "normative_documents",
            "行政许可": "licensing", "其他对外管理服务事项": "other_services", "行政处罚": "penalty",
            "行政强制": "enforcement", "行政事业性收费": "fees", "政府集中采购": "procurement"}


def flat_rows(rng, glue):
    """Crawler text (平潭: ``1.属于国家秘密0000000``, ``00 00000``; section 四 ``0 1 1 0 2 …``): each value row
    printed as one text after its label, its values glued, spaced, or spaced irregularly (``glue``). The truth
    of a row is, cell by cell, the value every split of the printed digits gives that keeps the template's sums
    (the row's, and for section 三 the columns' too; a space is always a boundary), null where two splits
    differ."""
    def printed(values):
        if glue == "spaced":
            return " ".join(values)
        if glue == "glued":
            return "".join(values)
        return "".join(v + rng.choice((" ", "")) for v in values[:-1]) + values[-1]

    def edit(blocks, truth):
        labels = {_label_of(k): k for k in truth["applications"]}
        apps = {}  # key → the readings of its printed row, settled together by the columns' sums below
        for kind, body in blocks:
            if kind != "table":
                continue
            for n, cells in enumerate(body):
                values = [c for c in cells if NUMBER.fullmatch(c[0])]
                if not values:
                    continue
                text = printed([c[0] for c in values])
                label = next((c[0] for c in reversed(cells) if c[0] and not NUMBER.fullmatch(c[0])), None)
                if label is None and len(values) == 15:  # section 四: five values a group, 总计 the sum of four
                    found = readings(text.split(), 15, [([g * 5 + f for f in range(4)], g * 5 + 4) for g in range(3)])
                    places = [(g, f) for g, fields in truth["review_litigation"].items() for f in fields]
                    for (group, field), value in zip(places, agreed(found, 15), strict=True):
                        truth["review_litigation"][group][field] = value
                elif label in labels and len(values) == 7:
                    apps[labels[label]] = readings(text.split(), 7, [(list(range(6)), 6)])
                elif len(truth["proactive"].get(PRO_KEYS.get(label), ())) == len(values):
                    row = truth["proactive"][PRO_KEYS[label]]
                    signed = [n for n, field in enumerate(row) if field == "change"]
                    found = agreed(readings(text.split(), len(values), [], signed), len(values))
                    truth["proactive"][PRO_KEYS[label]] = dict(zip(row, found, strict=True))
                else:
                    continue
                body[n] = [c for c in cells if c not in values] + [build.cell(text)]
        for key, values in applications_agreed(apps).items():
            truth["applications"][key] = dict(zip(build.C7, values, strict=True))
    return edit


#: Combinations of ambiguous rows tried together; more and each row is settled by its own sum alone.
MOST_COMBINATIONS = 100_000


def applications_agreed(apps):
    """Section 三's rows, cell by cell: the value every combination of the rows' readings gives that keeps the
    template's sums down the columns (一 + 二 = 三（七） + 四, 三（七） = its leaf rows), else ``None``."""
    keys = list(apps)
    ambiguous = [k for k in keys if len(set(apps[k])) > 1]
    combos = 1
    for k in ambiguous:
        combos *= len(set(apps[k]))
    if not ambiguous or combos > MOST_COMBINATIONS or not {"new_received", "total_handled"} <= set(keys):
        return {k: agreed(apps[k], 7) for k in keys}
    leaves = [k for k in keys if k in build.LEAF_ROWS]
    kept = []
    for choice in itertools.product(*(sorted(set(apps[k])) for k in ambiguous)):
        rows = {k: apps[k][0] for k in keys} | dict(zip(ambiguous, choice, strict=True))
        ok = all(sum(rows[k][c] for k in leaves) == rows["total_handled"][c] for c in range(7))
        if ok and "carried_over" in rows and "carried_forward" in rows:
            ok = all(rows["new_received"][c] + rows["carried_over"][c] == rows["total_handled"][c]
                     + rows["carried_forward"][c] for c in range(7))
        if ok:
            kept.append(rows)
    if not kept:
        return {k: agreed(apps[k], 7) for k in keys}
    return {k: agreed([rows[k] for rows in kept], 7) for k in keys}


def render_oneline(rng, title, published):
    """A crawler's text (平潭 files): a header of fields, then the whole report on one line, headings and cells
    joined by a space or nothing, the signature and its date at the very end (glued, after a space or an
    ideographic space), sometimes a ``来源：`` trailer after it."""
    def render(blocks, once=False):
        parts = []
        for kind, body in blocks[:-2]:
            if kind == "table":
                for slots in build.expand(body):
                    words = [s for s in slots if s]
                    parts.append(rng.choice((" ", "")).join(words))
            else:
                parts.append(body.strip())
        line = ""
        for part in parts:
            line += (rng.choice((" ", "")) if line else "") + part
        (_, signer), (_, date) = blocks[-2], blocks[-1]
        line += rng.choice((" ", "")) + signer + rng.choice((" ", "　", "")) + date.strip()
        if rng.random() < 0.3:
            line += f" 来源：{signer} 附件下载"
        head = (f"标题: {title}\n发布时间: {published} 10:{rng.randint(10, 59)}\n文号: \n发布机构: \n"
                f"栏目: 政府信息公开年报\n==================== 正文 ====================\n")
        return head + line + "\n"
    return render


# ---- PDF: a ruled print of the report (tests/pdfgen.py, no PDF library) -----------------------------------------

_pdf_spec = importlib.util.spec_from_file_location("pdfgen", ROOT / "tests" / "pdfgen.py")
pdfgen = sys.modules["pdfgen"] = importlib.util.module_from_spec(_pdf_spec)
_pdf_spec.loader.exec_module(pdfgen)

#: Page geometry in points: margins, body font, table font, line gap.
PDF_LEFT, PDF_TOP, PDF_WIDTH, PDF_BOTTOM = 60.0, 60.0, 475.0, 780.0
PDF_SIZE, PDF_TABLE_SIZE, PDF_TITLE_SIZE = 11.0, 8.0, 16.0


def _wrap(text, chars):
    chars = max(1, int(chars))
    return [text[i:i + chars] for i in range(0, len(text), chars)] or [""]


def _pdf_widths(slots):
    """Column widths for a table of ``slots`` columns: label columns wide, value columns narrow."""
    if slots == 10:  # section 三: 三、本年度办理结果 | group | label | seven values
        return [36.0, 56.0, 138.0] + [35.0] * 7
    if slots == 4:  # section 二
        return [175.0, 100.0, 100.0, 100.0]
    return [PDF_WIDTH / slots] * slots


def render_pdf(blocks, once=False):
    """Every block printed on A4 pages: the title centred, paragraphs wrapped, tables ruled with their merged
    cells as one box each and a row printed short ending in empty boxes, as Word prints it (a table that does
    not fit the rest of a page starts the next), a paragraph's first line indented two characters, the
    signature flush right, a page number ``- n -`` at the foot of each page."""
    builder = pdfgen.PdfBuilder()
    state = {"page": None, "y": PDF_BOTTOM + 1}

    def room(height):
        if state["y"] + height > PDF_BOTTOM:
            state["page"] = builder.page()
            state["page"].text(PDF_LEFT + PDF_WIDTH / 2 - 12, PDF_BOTTOM + 25, f"- {len(builder.pages)} -", 9)
            state["y"] = PDF_TOP
        return state["page"]

    for kind, body in blocks:
        if kind == "table":
            slots = build.expand(body)
            widths = _pdf_widths(max(map(len, slots)))
            body = [[*cells, *[build.cell("")] * (len(widths) - len(line))] for cells, line in zip(body, slots,
                                                                                                   strict=True)]
            cells, heights, covered = {}, [], set()
            for r, row in enumerate(body):
                col, lines = 0, 1
                for text, cs, rs in row:
                    while (r, col) in covered:
                        col += 1
                    covered.update((r + i, col + j) for i in range(rs) for j in range(cs))
                    parts = _wrap(text, (sum(widths[col:col + cs]) - 6) / PDF_TABLE_SIZE)
                    cells[(r, col)] = ("\n".join(parts), rs, cs)
                    lines = max(lines, len(parts)) if rs == 1 else lines
                    col += cs
                heights.append(lines * (PDF_TABLE_SIZE + 2) + 6)
            for (r, _), (text, rs, _) in cells.items():  # a tall merged cell's text must fit its rows
                while (text.count("\n") + 1) * (PDF_TABLE_SIZE + 2) + 6 > sum(heights[r:r + rs]):
                    heights[r + rs - 1] += PDF_TABLE_SIZE + 2
            page = room(sum(heights))
            page.table(PDF_LEFT, state["y"], widths, heights, cells, PDF_TABLE_SIZE)
            state["y"] += sum(heights) + 10
            continue
        text = body.strip()
        size = PDF_TITLE_SIZE if kind == "title" else PDF_SIZE
        centred = kind == "title" or body != text
        signature = (kind, body) in blocks[-2:]
        for n, line in enumerate(_wrap(text, PDF_WIDTH / size - (0 if centred or signature else 2))):
            page = room(size + 6)
            if centred:
                x = PDF_LEFT + (PDF_WIDTH - len(line) * size) / 2
            elif signature:  # the signing body and date flush right
                x = PDF_LEFT + PDF_WIDTH - len(line) * size
            else:  # a paragraph's first line indented two characters
                x = PDF_LEFT + (2 * size if n == 0 else 0)
            if line:
                page.text(max(PDF_LEFT, x), state["y"], line, size)
            state["y"] += size + 6
    return bytes(builder)


# ---- One report ---------------------------------------------------------------------------------------------

def one(rng, number):
    agency = rng.choice(AGENCIES)
    year = rng.randint(2019, 2024)
    version = "2019" if year <= 2020 else "2021"
    fmt = rng.choice(FORMATS)
    flat = fmt in FLAT
    sy, sm, sd = year + 1, rng.randint(1, 3), rng.randint(1, 28)
    published = f"{sy}-{sm:02d}-{min(sd + rng.randint(0, 3), 28):02d}"
    numbers = (proactive(rng, version), applications(rng, version), review(rng))
    title, named, title_blocks, title_only, title_year = title_variant(rng, agency, year, (sy, sm))
    period = [rng.choice(PERIODS).format(y=year)] if rng.random() < 0.4 else []
    if not title_year and not (period and rng.random() < 0.5):  # the year in the period, the prose, or both
        period.insert(0, prose_year(agency, year))
    blocks, truth = build.report(agency, year, version, f"{sy}年{sm}月{sd}日", extra_front=period, numbers=numbers)
    blocks[0:1] = title_blocks if not (title_only and fmt == "html") else []
    truth["title"], truth["agency"] = title, named
    blocks[-1] = ("para", signature_date(rng, sy, sm, sd) if not flat else f"{sy}年{sm}月{sd}日")
    features, edits = [], []

    def maybe(chance, name, edit):
        if rng.random() < chance:
            features.append(name)
            edits.append(edit)

    if year in (2020, 2021) and rng.random() < 0.15:
        features.append("mixed")
        mixed(rng, blocks, truth)
    maybe(0.15, "duplicate_four_row", build.duplicate_four_row())
    maybe(0.1, "contents", contents(len(blocks[:blocks.index(("heading", build.HEADINGS["overview"]))])))
    short = set()
    if fmt != "oneline":  # crawler text keeps no blank and no spelling of zero: its splits would not be the truth's
        maybe(0.2, "short_zero_row", short_zero_row(rng, fmt, short))
        maybe(0.25, "none_spellings", none_spellings(rng))
        maybe(0.2, "full_width", full_width(rng))
        maybe(0.15, "blank_cell", blank_cell(rng, fmt, short))
    if rng.random() < 0.15:
        old, new = rng.choice(HEADER_TYPOS)
        maybe(1, f"typo-{old}", build.header_typo(old, new))
    # a heading edit last: the edits above find the headings as the template prints them
    key = rng.choice(("proactive", "applications", "review_litigation", "overview"))
    heading = build.HEADINGS[key]
    what = rng.choice(("wrap", "page_break", "reword", "drop", None, None) if key != "overview" else ("reword",))
    if what == "wrap":
        features.append(f"wrap-{key}")
        edits.append(build.wrap(key, rng.randint(3, len(heading) - 3)))
    elif what == "page_break":
        features.append(f"page_break-{key}")
        edits.append(build.page_break(key, rng.randint(3, len(heading) - 3)))
    elif what == "reword":
        features.append(f"reword-{key}")
        edits.append(build.reword(key, rng.choice(REWORDED[key])))
    elif what == "drop":
        features.append(f"drop-{key}")
        edits.append(build.drop_heading(key))
    if fmt == "oneline":
        glue = rng.choice(("glued", "spaced", "irregular"))
        features.append(f"oneline-{glue}")
        edits.append(flat_rows(rng, glue))
    for edit in edits:
        edit(blocks, truth)
    if not flat:  # the crawler header holds the page's fields
        front, names, meta_published, table_only = front_matter(rng, agency, year, title, published)
        if table_only and not title_only:
            title_blocks = [b for b in title_blocks if b[0] != "title"]
            blocks[:] = [b for b in blocks if b[0] != "title"]
        front(blocks, len(title_blocks) if blocks[:1] == title_blocks[:1] else 0)
        features += names
        truth["published"] = meta_published
    else:
        truth["published"] = published if fmt == "oneline" else None
    truth["failing_checks"] = build.failing_checks(truth)
    once = fmt == "tsv" and rng.random() < 0.5
    features += [*(["spans_once"] if once else []), *(["period"] if period else []), f"title-{title_blocks[0][0]}"
                 if title_blocks else "title-none", *([] if title_year else ["year-in-prose"])]
    render, suffix = {"oneline": (render_oneline(rng, title, published), ".txt"),
                      "pdf": (render_pdf, ".pdf")}.get(fmt) or build.RENDERERS[fmt]  # |-cells: build's renderers
    data = render(blocks, once=once)
    if fmt == "html":
        data = data.replace("<title>年度报告</title>", f"<title>{title}</title>" if title_only else
                            "<title>政府信息公开</title>")
        features.append("title-only" if title_only else "title-h1")
    name = f"i{number:04d}_{fmt}{suffix}"
    file_format = build.FORMAT_OF.get(fmt, fmt)
    return name, data, {"file": name, "format": file_format, "layout": fmt,
                        "features": sorted(set(features)) or ["plain"], **truth}


def generate(directory, count, seed, make=None):
    """Write ``count`` reports and their truths into ``directory``; the same seed writes the same corpus.
    ``make(rng, number)`` writes one report (this module's :func:`one` unless told)."""
    rng = random.Random(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        name, data, truth = (make or one)(rng, number)
        (directory / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        (directory / f"{Path(name).stem}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1),
                                                                 encoding="utf-8")
    return directory


def main(argv=None, make=None, seed=13, doc=__doc__):
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=seed)
    args = parser.parse_args(argv)
    generate(args.directory, args.count, args.seed, make)
    print(f"{args.count} reports in {args.directory} (seed {args.seed})")


if __name__ == "__main__":
    sys.exit(main())
