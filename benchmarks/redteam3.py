"""A third red team's corpus: distractors, what looks like the statistics or the title but is not.

Written by a helper who had read README.md, docs/template.md, docs/record.md, docs/corpus.md, the failure list of the
second red team and the earlier generators, never the parser. Every report is build.py's (tests/data/variants/
build.py: the words typed from the template's description) with independent.py's numbers; around and inside it are
the numbers and titles real pages and reports print that are NOT this report's statistics:

- **the web page** (a portal article page): a sidebar or 相关阅读 / 相关链接 list of the body's other years' reports
  (before the article in the page's order, or after it), 上一篇 / 下一篇 links naming the reports of the years
  around, breadcrumbs naming a year, a 发布时间 / 来源 / 浏览次数 line, a ``<title>`` naming last year's report (a
  page copied from last year's: its ``<h1>`` and body this year's) or only the site, a list page showing two
  reports' bodies one under the other, a table of contents (目录 with dotted leaders and page numbers);
- **inside the report**: a comparison table with last year's figures beside this year's (同比), a per-department
  breakdown of applications (部门 / 新收申请 / 予以公开 / …) before or after section 三's table, section 一 with small
  tables of its own (主动公开 by channel: 政府网站, 政务微博, 政务微信, 发布信息 N 条; 依申请公开 本年 / 上年), prose
  quoting numbers of other categories (信息 1,234 条, 政策解读 12 篇, 政务咨询 56 件), an appendix (附件 / 附表)
  after the signature repeating a table with other numbers (last year's) or the same, a 解读 / 一图读懂 part after the
  report repeating figures, a report covering a body and its subordinate bodies (section 三 printed per body and as
  合计), headings numbered （一） / 1. / 第一部分, sections in another order, a section missing entirely;
- **the year**: the title, the statistics period, the signature's date (next year), the publishing date and a
  上年 column or 上一年 list entries each naming a different year; reports on 2019 and 2020 on both templates.

The truth is what the document means (docs/record.md; docs/corpus.md "The truth file"): this report's statistics
tables, the visible title (``<h1>``), the year the title and the period name; where the document truly leaves a field
undecidable (a list page holding two reports: which one is "the" report?) the truth is null for every field the two
reports do not share.

Run::

    python benchmarks/redteam3.py OUT --count 300 --seed 81
    nianbao score OUT --features

``tests/test_redteam3.py`` runs a slice and asserts no wrong value outside the known classes
(docs/redteam3-failures.md).
"""

from __future__ import annotations

import copy
import runpy
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
redteam2 = SimpleNamespace(**runpy.run_path(str(ROOT / "benchmarks" / "redteam2.py")))
redteam = redteam2.redteam
independent = redteam2.independent
build = redteam2.build
cell = build.cell
esc = redteam2.esc

#: Formats and how often: the web page carries most distractors; the rest carry those inside the report.
FORMATS = (("html", 50), ("docx", 20), ("text", 15), ("markdown", 15))
#: Departments and subordinate bodies a breakdown table names.
DEPARTMENTS = ("办公室", "政策法规科", "行政审批科", "执法大队", "综合服务中心", "事务中心", "信息中心")
SITE = ("人民政府门户网站", "人民政府", "政府网")


def _index(blocks, key):
    """Where the heading of section ``key`` stands (build's words, before any renumbering)."""
    return build._heading_index(blocks, key)


def _table_index(blocks, key):
    i = _index(blocks, key)
    return next(n for n in range(i, len(blocks)) if blocks[n][0] == "table")


def _section_end(blocks, key):
    """The index of the block after section ``key`` (the next heading, or the signature)."""
    i = _index(blocks, key)
    return next((n for n in range(i + 1, len(blocks)) if blocks[n][0] == "heading"), len(blocks) - 2)


def _pct(new, old):
    if old == 0:
        return "—"
    change = (new - old) / old * 100
    return f"{'+' if change >= 0 else ''}{change:.1f}%"


def _other_numbers(rng, version, differ_from):
    """Numbers of another table (last year's, a department's) that differ from ``differ_from``'s totals."""
    for _ in range(20):
        apps = independent.applications(rng, version)
        if apps["new_received"]["total"] != differ_from["new_received"]["total"]:
            return apps
    return apps


# ---- Distractors inside the report ---------------------------------------------------------------------------------

def yoy_table(rng, blocks, truth, year, where):
    """A table comparing this year with last year (项目 / 本年 / 上年 / 同比), in section 一 or in section 三 before its
    table, with a sentence introducing it."""
    apps, review = truth["applications"], truth["review_litigation"]
    granted = apps["granted"]["total"]
    rows = [("本年新收政府信息公开申请数量", apps["new_received"]["total"]), ("予以公开", granted),
            ("行政复议", review["review"]["total"]),
            ("行政诉讼", review["litigation_direct"]["total"] + review["litigation_after_review"]["total"])]
    head = rng.choice(((f"{year}年", f"{year - 1}年"), ("本年", "上年"), ("本年度", "上年度")))
    grid = [[cell("项目"), cell(head[0]), cell(head[1]), cell("同比")]]
    for label, value in rows:
        old = value + rng.choice((-3, -2, -1, 1, 2, 5, 9)) if value > 3 else value + rng.randint(1, 6)
        grid.append([cell(label), cell(value), cell(old), cell(_pct(value, old))])
    intro = f"与{year - 1}年相比，本机关政府信息公开有关情况如下："
    at = {"overview": _section_end(blocks, "overview"), "applications": _table_index(blocks, "applications"),
          "applications-after": _table_index(blocks, "applications") + 1}[where]
    blocks[at:at] = [("para", intro), ("table", grid)]
    if where == "overview":
        truth["sections"]["overview"] += "\n" + intro


def department_table(rng, blocks, truth, version, after):
    """Section 三 broken down by department (部门 / 新收申请 / 予以公开 / 部分公开 / 不予公开 / 办结 / 结转), before or
    after the template's table, its numbers adding up to the template's 总计 column."""
    apps = truth["applications"]
    names = rng.sample(DEPARTMENTS, rng.randint(2, 4))
    columns = ("new_received", "granted", "partially_granted", "total_handled", "carried_forward")
    shares = {k: _split(rng, apps[k]["total"], len(names)) for k in columns}
    grid = [[cell("部门"), cell("新收申请"), cell("予以公开"), cell("部分公开"), cell("办结"), cell("结转下年度")]]
    for n, name in enumerate(names):
        grid.append([cell(name), *[cell(shares[k][n]) for k in columns]])
    grid.append([cell("合计"), *[cell(apps[k]["total"]) for k in columns]])
    at = _table_index(blocks, "applications") + (1 if after else 0)
    blocks[at:at] = [("para", "各部门（单位）收到和处理政府信息公开申请情况如下表：" if not after
                      else "其中，各部门（单位）办理情况："), ("table", grid)]


def _split(rng, total, parts):
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def channel_table(rng, blocks, truth, where):
    """主动公开 by channel (渠道 / 发布信息数量（条）): 政府网站, 政务微博, 政务微信, 政务新媒体, in section 一 (its own
    small table) or in section 二 after the template's table."""
    channels = rng.sample(("政府网站", "政务微博", "政务微信", "政务头条号", "政务抖音号", "政府公报", "新闻发布会"),
                          rng.randint(3, 5))
    grid = [[cell("发布渠道"), cell("发布信息数量（条）"), cell("上年数量（条）")]]
    for name in channels:
        now = rng.randint(0, 3000)
        grid.append([cell(name), cell(now), cell(max(0, now + rng.randint(-200, 200)))])
    intro = "全年通过各渠道主动公开政府信息情况如下："
    if where == "overview":
        at = _section_end(blocks, "overview")
        truth["sections"]["overview"] += "\n" + intro
    else:
        at = _table_index(blocks, "proactive") + 1
    blocks[at:at] = [("para", intro), ("table", grid)]


#: Kinds of information a 主动公开 table counts: some are section 二's item labels, with other numbers.
CATEGORIES = ("规章", "规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费", "政府集中采购", "人事信息",
              "财政预决算", "重点领域信息", "政策解读", "机构职能")


def category_table(rng, blocks, truth, where):
    """A table of what was published by kind (信息类别 / 公开数量（条）), some kinds named as section 二's items
    (行政许可, 行政处罚: the number of items published, not the template's counts), in section 一 or in section 二
    before or after the template's table."""
    kinds = rng.sample(CATEGORIES, rng.randint(4, 7))
    grid = [[cell("信息类别"), cell("公开数量（条）")]] + [[cell(k), cell(rng.randint(0, 900))] for k in kinds]
    intro = "本年度主动公开政府信息分类统计如下："
    if where == "overview":
        at = _section_end(blocks, "overview")
        truth["sections"]["overview"] += "\n" + intro
    else:
        at = _table_index(blocks, "proactive") + (1 if where == "proactive-after" else 0)
    blocks[at:at] = [("para", intro), ("table", grid)]


def review_years_table(rng, blocks, truth, year):
    """After section 四's table, its totals by year (年度 / 行政复议 / 行政诉讼), last year's first."""
    review = truth["review_litigation"]
    litigation = review["litigation_direct"]["total"] + review["litigation_after_review"]["total"]
    grid = [[cell("年度"), cell("行政复议（件）"), cell("行政诉讼（件）")],
            [cell(f"{year - 1}年"), cell(rng.randint(0, 6)), cell(rng.randint(0, 6))],
            [cell(f"{year}年"), cell(review["review"]["total"]), cell(litigation)]]
    at = _table_index(blocks, "review_litigation") + 1
    blocks[at:at] = [("para", "近两年行政复议、行政诉讼情况对比："), ("table", grid)]


def overview_requests_table(rng, blocks, truth, year):
    """Section 一's own small table of 依申请公开 (本年 / 上年): this year's totals beside last year's."""
    apps = truth["applications"]
    rows = (("收到申请", apps["new_received"]["total"]), ("上年结转", apps["carried_over"]["total"]),
            ("办结", apps["total_handled"]["total"]), ("结转下年度继续办理", apps["carried_forward"]["total"]))
    grid = [[cell("依申请公开"), cell(f"{year}年"), cell(f"{year - 1}年")]]
    grid += [[cell(label), cell(value), cell(rng.randint(0, 30))] for label, value in rows]
    at = _section_end(blocks, "overview")
    intro = "（二）依申请公开方面。本年度依申请公开办理情况见下表。"
    blocks[at:at] = [("para", intro), ("table", grid)]
    truth["sections"]["overview"] += "\n" + intro


def prose_numbers(rng, blocks, truth, year):
    """Prose quoting numbers of other categories and of last year (in 一, and in 五)."""
    texts = [f"{year}年，全年累计主动公开政府信息{rng.randint(100, 5000):,}条，其中政策文件{rng.randint(1, 60)}件、"
             f"政策解读{rng.randint(1, 40)}篇，受理政务咨询{rng.randint(1, 300)}件，较{year - 1}年增长"
             f"{rng.randint(1, 40)}%。",
             f"全年共收到政府信息公开申请{truth['applications']['new_received']['total']}件，"
             f"{year - 1}年为{rng.randint(0, 40)}件；办理人大代表建议{rng.randint(0, 9)}件、"
             f"政协提案{rng.randint(0, 9)}件。"]
    at = _index(blocks, "overview") + 1
    blocks[at:at] = [("para", t) for t in texts]
    truth["sections"]["overview"] = "\n".join([*texts, truth["sections"]["overview"]])
    problem = f"二是依申请公开答复质量有待提高，{year - 1}年被申请行政复议{rng.randint(1, 5)}件。"
    at = _section_end(blocks, "problems")
    blocks.insert(at, ("para", problem))
    truth["sections"]["problems"] += "\n" + problem


def appendix(rng, blocks, truth, version, year, same):
    """After the signature: 附件 / 附表 with section 三's table again, with last year's numbers (``same`` False) or
    with this year's."""
    numbers = truth["applications"] if same else _other_numbers(rng, version, truth["applications"])
    label = year if same else year - 1
    blocks += [("para", "附件："),
               ("para", f"附表{rng.randint(1, 3)}  {label}年度收到和处理政府信息公开申请情况统计表"),
               ("table", build.applications_grid(version, numbers))]
    if rng.random() < 0.5:
        review = truth["review_litigation"] if same else independent.review(rng)
        blocks += [("para", f"附表4  {label}年度政府信息公开行政复议、行政诉讼情况统计表"),
                   ("table", build.review_grid(review))]


def interpretation(rng, blocks, truth, agency, year):
    """A 解读 / 一图读懂 part after the report repeating some figures and last year's."""
    apps = truth["applications"]
    blocks += [("para", rng.choice((f"【图解】一图读懂{agency}{year}年政府信息公开工作年度报告",
                                    f"《{agency}{year}年政府信息公开工作年度报告》解读"))),
               ("para", f"主动公开：全年发布信息{rng.randint(50, 3000)}条。"),
               ("para", f"依申请公开：新收申请{apps['new_received']['total']}件，上年{rng.randint(0, 40)}件。"),
               ("table", [[cell("指标"), cell("本年"), cell("上年")],
                          [cell("予以公开"), cell(apps["granted"]["total"]), cell(rng.randint(0, 30))],
                          [cell("行政复议"), cell(truth["review_litigation"]["review"]["total"]),
                           cell(rng.randint(0, 5))]])]


def signed_later(rng, blocks, agency, signed):
    """What follows the report ends with a signature of its own (the 解读's office, a later date)."""
    y, m, d = signed
    blocks += [("para", rng.choice((f"{agency}办公室", agency, "政务公开办公室"))),
               ("para", f"{y}年{m}月{min(d + rng.randint(1, 9), 28)}日")]


def appended_report(rng, blocks, agency, year):
    """Last year's whole report appended after this year's (``附：``), for comparison, with its own signature."""
    version = "2019" if year - 1 <= 2020 else "2021"
    numbers = (independent.proactive(rng, version), independent.applications(rng, version), independent.review(rng))
    other, _ = build.report(agency, year - 1, version, f"{year}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日",
                            numbers=numbers)
    blocks += [("para", "附：上年度报告"), ("para", other[0][1]), *other[1:]]


def subordinate(rng, blocks, truth, version, where, key="applications"):
    """A report covering a body and its subordinate bodies: section 三 (or 四, ``key``) printed per body (局机关,
    所属单位) and as 合计 (before or after them). The report's figures are the 合计 table (the truth's)."""
    total = truth[key]
    if key == "applications":
        parts, grid = _halves(rng, total, version), lambda numbers: build.applications_grid(version, numbers)
    else:
        parts, grid = _review_halves(rng, total), build.review_grid
    i = _table_index(blocks, key)
    tables = [("（一）局机关", grid(parts[0])), ("（二）所属单位", grid(parts[1]))]
    whole = ("合计", grid(total))
    order = [whole, *tables] if where == "total-first" else [*tables, ("（三）合计", whole[1])]
    blocks[i:i + 1] = [b for caption, grid in order for b in (("para", caption), ("table", grid))]


def _review_halves(rng, total):
    """Two section 四 tables adding up to ``total``, each group's 总计 the sum of its four."""
    first = {}
    for group, values in total.items():
        parts = {f: rng.randint(0, values[f]) for f in ("upheld", "corrected", "other", "pending")}
        first[group] = parts | {"total": sum(parts.values())}
    second = {g: {f: total[g][f] - first[g][f] for f in total[g]} for g in total}
    return first, second


def _halves(rng, total, version):
    """Two tables that add up to ``total`` cell by cell, each keeping the template's sums (一 + 二 = 三（七） + 四)."""
    keys = list(total)
    leaves = [k for k in keys if k in build.LEAF_ROWS]
    first = {k: build.row(*(rng.randint(0, v) for v in list(total[k].values())[:6]))
             for k in [*leaves, "carried_forward"]}
    over = []
    for c in build.C7[:-1]:
        h1, f1 = sum(first[k][c] for k in leaves), first["carried_forward"][c]
        rest = total["total_handled"][c] - h1 + total["carried_forward"][c] - f1  # the other table's 三（七） + 四
        over.append(rng.randint(max(0, total["carried_over"][c] - rest), min(total["carried_over"][c], h1 + f1)))
    first["carried_over"] = build.row(*over)
    first["total_handled"] = build.row(*(sum(first[k][c] for k in leaves) for c in build.C7[:-1]))
    first["new_received"] = build.row(*(first["total_handled"][c] + first["carried_forward"][c] - first[
        "carried_over"][c] for c in build.C7[:-1]))
    second = {k: build.row(*(total[k][c] - first[k][c] for c in build.C7[:-1])) for k in keys}
    return {k: first[k] for k in keys}, second


def two_years(rng, blocks, truth, version, year, key, order):
    """A statistics section printed for two years (两年对比): its template table this year's and again with last
    year's numbers (a table of the same edition), each under a caption naming its year, last year's first
    (``order`` "last-first", the years in order) or second. The report's figures are this year's table."""
    i = _table_index(blocks, key)
    if key == "proactive":
        other = build.proactive_grid(version, independent.proactive(rng, version))
    elif key == "applications":
        other = build.applications_grid(version, _other_numbers(rng, version, truth["applications"]))
    else:
        other = build.review_grid(independent.review(rng))
    caption = rng.choice(("{}年度情况：", "（{}年）", "{}年"))
    mine = [("para", caption.format(year)), blocks[i]]
    last = [("para", caption.format(year - 1)), ("table", other)]
    blocks[i:i + 1] = [*last, *mine] if order == "last-first" else [*mine, *last]


def last_year_column(rng, blocks, first):
    """Section 二 of the 2021 form with a 上年处理决定数量 column beside 本年处理决定数量 (before it, ``first``, or
    after), last year's counts in it: the report's values are this year's column."""
    i = _table_index(blocks, "proactive")
    out, under = [], False
    for cells in blocks[i][1]:
        texts = [c[0] for c in cells]
        if len(cells) == 2 and texts[1] == "本年处理决定数量":  # 信息内容 | 本年处理决定数量 (over three columns)
            pair, under = [cell("上年处理决定数量"), cell(texts[1], 2)], True
        elif under and len(cells) == 2 and cells[1][1] == 3:  # an item's row: its one value over three columns
            pair = [cell(int(texts[1]) + rng.randint(-min(int(texts[1]), 30), 60)), cell(texts[1], 2)]
        else:
            out.append(cells)
            under = under and len(cells) == 2
            continue
        out.append([cells[0], *(pair if first else [cell(pair[1][0]), cell(pair[0][0], 2)])])
    blocks[i] = ("table", out)


def review_two_rows(rng, blocks, year, last_first):
    """Section 四's table with a row for each year (``2022年`` / ``2021年``, or 本年 / 上年) under one header, a
    label column added before the 15 values: the report's values are its year's row."""
    grid = blocks[_table_index(blocks, "review_litigation")][1]
    labels = rng.choice(((f"{year}年", f"{year - 1}年"), ("本年", "上年")))
    grid[0].insert(0, cell("年度", 1, 3))
    mine = [cell(labels[0]), *grid[-1]]
    last = [cell(labels[1]), *[cell(v) for g in independent.review(rng).values() for v in g.values()]]
    grid[-1:] = [last, mine] if last_first else [mine, last]


def year_headers(blocks, year):
    """Section 二 of the 2019 form with the years in its headers (``2019年项目数量``, ``2020年处理决定数量``)."""
    words = {"上一年项目数量": f"{year - 1}年项目数量", "本年增/减": f"{year}年增/减",
             "处理决定数量": f"{year}年处理决定数量", "本年新制作数量": f"{year}年新制作数量",
             "本年新公开数量": f"{year}年新公开数量"}
    for cells in blocks[_table_index(blocks, "proactive")][1]:
        for c in cells:
            c[0] = words.get(c[0], c[0])


def contents_dotted(rng, blocks):
    """A table of contents after the title: 目录, each heading with dotted leaders and its page."""
    at = 1
    lines = [("para", "目  录")]
    for n, heading in enumerate(build.HEADINGS.values()):
        lines.append(("para", f"{heading}{'…' * rng.randint(8, 20)}{n + 1}"))
    blocks[at:at] = lines


def reorder(blocks, pair):
    """Two sections swapped (三 and 四, or 五 and 六), headings and contents."""
    a, b = pair.split("-")
    i, j = _index(blocks, a), _index(blocks, b)
    first, second = blocks[i:j], blocks[j:_section_end(blocks, b)]
    blocks[i:i + len(first) + len(second)] = [*second, *first]


def drop_section(blocks, truth, key):
    """A section left out entirely, heading and content: its values absent, its prose null in the truth."""
    i = _index(blocks, key)
    del blocks[i:_section_end(blocks, key)]
    if key in ("problems", "other"):
        truth["sections"][key] = None
    else:
        truth[key] = {}  # a group the report does not have at all is absent (docs/record.md)


# ---- The web page around the report ---------------------------------------------------------------------------------

def renumber(blocks, style):
    """Every heading numbered in ``style`` by its own section's place (a section moved keeps its number)."""
    keys = {text: key for key, text in build.HEADINGS.items()}
    for i, (kind, body) in enumerate(blocks):
        text = body.split("…")[0] if kind == "para" and "…" in body else body  # a contents line, as its heading
        if kind in ("heading", "para") and text in keys:
            place = redteam.KEYS.index(keys[text])
            blocks[i] = (kind, redteam.NUMBERING[style](place) + body.split("、", 1)[1])


def other_titles(agency, year, years):
    return [f"{agency}{y}年政府信息公开工作年度报告" for y in years if y != year]


#: A page's line or metadata table stating when the report was written (成文, = the signature's date) and when it was
#: published, as gov.cn-style 信息公开 pages print both.
WRITTEN = ("成文日期：{w}　发布日期：{p}", "发文日期：{w} 公开日期：{p} 来源：{agency}",
           "成文日期：{w} 发布日期：{p} 浏览次数：{n}", "<table>")


def written_line(rng, agency, written, published, table=True):
    """The 成文日期 / 发布日期 line of a page, or (``table``) sometimes its metadata table."""
    form = rng.choice(WRITTEN if table else WRITTEN[:-1])
    if form != "<table>":
        return form.format(w=written, p=published, agency=agency, n=rng.randint(10, 999))
    return (f'<table class="xxgk"><tr><td>索引号</td><td>11350525003/{published[:4]}-00012</td><td>主题分类</td>'
            f'<td>政府信息公开年报</td></tr><tr><td>发文机关</td><td>{esc(agency)}</td><td>成文日期</td><td>{written}</td>'
            f'</tr><tr><td>发文字号</td><td></td><td>发布日期</td><td>{published}</td></tr></table>')


def render_page(rng, blocks, truth, agency, year, published, features, second=None, only=None, written=None):
    """A portal article page: ``<title>`` (the report's, last year's copied, or the site's), header, breadcrumbs, a
    sidebar of the body's other reports (before the article), ``<h1>``, the 发布时间/来源/浏览次数 line, the article,
    上一篇/下一篇, a 相关阅读 list, the footer. ``second``: a list page's second report ``(title, blocks)`` under the
    first."""
    site = agency[:3] + rng.choice(SITE)
    title = blocks[0][1]

    def feature(name, chance):
        hit = rng.random() < chance
        hit = hit if only is None else f"page:{name}" in only
        features.extend([f"page:{name}"] if hit else [])
        return hit

    stale = f"{agency}{year - 1}年政府信息公开工作年度报告"  # the page copied from last year's
    page_title = (f"{stale}_{site}" if feature("title-last-year", 0.2)
                  else site if feature("title-site-only", 0.15) else f"{title}_{site}")
    years = [year - 2, year - 1, year + 1]
    out = [f"<title>{esc(page_title)}</title></head><body>",
           f'<div class="header"><a href="/">{esc(site)}</a> | <a href="/zwgk/">政务公开</a></div>']
    if feature("breadcrumb-year", 0.4):  # the column of the year published in, or of last year
        shown = rng.choice((year - 1, year + 1))
        out.append(f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; '
                   f'<a href="/nb/">政府信息公开年报</a> &gt; <a href="/nb/{shown}/">{shown}年</a></div>')
    navigation = ""
    if feature("prev-next", 0.4):
        prev, nxt = other_titles(agency, year, [year - 1, year + 1])
        navigation = (f'<div class="pn"><p>上一篇：<a href="/nb/p.html">{esc(prev)}</a></p>'
                      f'<p>下一篇：<a href="/nb/n.html">{esc(nxt)}</a></p></div>')
        if feature("prev-next-before", 0.3):
            out.append(navigation)
            navigation = ""
    if feature("sidebar-before", 0.35):
        items = "".join(f'<li><a href="/nb/{y}.html">{esc(t)}</a><span>{y + 1}-01-{rng.randint(10, 28)}</span></li>'
                        for y, t in zip(years, other_titles(agency, year, years), strict=False))
        out.append(f'<div class="sidebar"><h3>{rng.choice(("年报列表", "政府信息公开年报", "热点信息"))}</h3>'
                   f"<ul>{items}</ul></div>")
    shape = rng.choice(("h1", "h1", "div", "p-strong", "td", "none"))
    shape = next((n for n in ("h1", "div", "p-strong", "td", "none") if f"page:title-{n}" in (only or ())), shape)
    if shape == "none" and (page_title == site or second):  # a page printing no title anywhere is not this corpus's
        shape = "h1"
    features.append(f"page:title-{shape}")
    if shape == "none":  # the title only in <title>: last year's copied one is what the page prints as its title;
        page_title = page_title.rsplit("_", 1)[0]  # the year is still the report's (its prose, its period)
        truth["title"] = page_title
        out[0] = f"<title>{esc(page_title)}</title></head><body>"
    out.append('<div class="article">' + {
        "h1": f"<h1>{esc(title)}</h1>", "div": f'<div class="article-title">{esc(title)}</div>',
        "p-strong": f'<p align="center"><strong><font size="5">{esc(title)}</font></strong></p>',
        "td": f'<table width="100%"><tr><td class="title" align="center">{esc(title)}</td></tr></table>',
        "none": ""}[shape])
    views = rng.randint(10, 9999)
    line = rng.choice((f"发布时间：{published} 来源：{esc(agency)} 浏览次数：{views}",
                       f"来源：{esc(agency)}　发布日期：{published}　【字体：大 中 小】　访问量：{views}",
                       f"信息来源：{esc(agency)} 发布时间：{published} 09:{rng.randint(10, 59)} 阅读：{views}次"))
    if written:  # the date written (成文) beside the date published
        line = written_line(rng, agency, written, published)
    out.append(f'<div class="info">{line}</div>')
    out += _article(rng, blocks)
    if second:
        out.append(f'</div><div class="article"><h1>{esc(second[0])}</h1>')
        out.append(f'<div class="info">发布时间：{year}-02-{rng.randint(10, 28)} 来源：{esc(agency)}</div>')
        out += _article(rng, second[1])
    out.append("</div>")
    out.append(navigation)
    if feature("related-after", 0.35):
        items = "".join(f'<li><a href="/nb/{y}.html">{esc(t)}</a>（{y + 1}-01-{rng.randint(10, 28)}）</li>'
                        for y, t in zip(years, other_titles(agency, year, years), strict=False))
        heading = rng.choice(("相关阅读", "相关链接", "相关文章"))
        out.append(f'<div class="related"><h3>{heading}</h3><ul>{items}</ul></div>')
    out.append(f'<div class="footer">主办：{esc(agency)} 网站标识码：3301000012 ICP备05001234号 '
               f"浏览次数：{rng.randint(100, 99999)}</div></body></html>")
    return out


def _article(rng, blocks):
    out = []
    for kind, body in blocks:
        if kind == "title":
            continue
        if kind == "table":
            out.append(redteam2.html_table(rng, body, {}))
        else:
            text = esc(body)
            out.append(f"<p><strong>{text}</strong></p>" if kind == "heading" else f"<p>{text}</p>")
    return out


def two_reports_truth(truth, other):
    """A list page holding two reports: every field the two do not state alike is undecidable (null)."""
    def merge(a, b):
        if isinstance(a, dict):
            return {k: merge(a[k], b.get(k) if isinstance(b, dict) else None) for k in a}
        return a if a == b else None
    out = {k: merge(truth[k], other[k]) for k in ("title", "agency", "year", "published", "signed", "template")}
    out |= {k: merge(truth[k], other[k]) for k in ("proactive", "applications", "review_litigation")}
    out["sections"] = dict.fromkeys(truth["sections"])
    return out


# ---- One report ------------------------------------------------------------------------------------------------------

def one(rng, number, fmt=None, only=None):
    """One report with a random combination of the distractors; ``only``: exactly the features named (an example of
    a class: ``{"inside:category-table", "inside:category-table-proactive-before"}``), in format ``fmt``."""
    drawn = redteam2.pick(rng, FORMATS)
    fmt = fmt or drawn
    agency = rng.choice(independent.AGENCIES)
    year = rng.choice((2019, 2020, 2020, 2021, 2022, 2023, 2024))
    # reports on 2019 and 2020 on both templates (a body using the new form early, or the old one late)
    version = ("2019" if year <= 2020 else "2021") if rng.random() < 0.8 else ("2021" if year <= 2020 else "2019")
    sy, sm, sd = year + 1, rng.randint(1, 3), rng.randint(1, 28)
    published = f"{sy}-{sm:02d}-{min(sd + rng.randint(0, 3), 28):02d}"
    numbers = (independent.proactive(rng, version), independent.applications(rng, version), independent.review(rng))
    blocks, truth = build.report(agency, year, version, f"{sy}年{sm}月{sd}日", numbers=numbers)
    features = [f"format:{fmt}", f"template:{version}", f"year:{year}"]

    def maybe(chance, name):
        hit = rng.random() < chance
        hit = hit if only is None else name in only
        features.extend([name] if hit else [])
        return hit

    def choose(prefix, options):
        """One of ``options`` (the one ``only`` names, if it names one), recorded as the feature ``prefix-option``."""
        drawn = rng.choice(options)
        named = [o for o in options if f"{prefix}-{o}" in (only or ())]
        features.append(f"{prefix}-{named[0] if named else drawn}")
        return named[0] if named else drawn

    if maybe(0.12, "year:title-without-year"):  # the year only in the period line or the prose (迎宾路街道 2021)
        blocks[0] = ("title", f"{agency}政府信息公开工作年度报告")
        truth["title"] = blocks[0][1]
    if maybe(0.4, "year:period"):
        period = rng.choice(independent.PERIODS).format(y=year)
        blocks.insert(1, ("para", period))
    if maybe(0.15, "inside:yoy-overview"):
        yoy_table(rng, blocks, truth, year, "overview")
    elif maybe(0.1, "inside:yoy-applications"):
        yoy_table(rng, blocks, truth, year, "applications")
    elif maybe(0.1, "inside:yoy-applications-after"):
        yoy_table(rng, blocks, truth, year, "applications-after")
    if maybe(0.25, "inside:channel-table"):
        channel_table(rng, blocks, truth, choose("inside:channel-table", ("overview", "proactive")))
    if maybe(0.2, "inside:category-table"):
        category_table(rng, blocks, truth, choose("inside:category-table",
                                                  ("overview", "proactive-before", "proactive-after")))
    if maybe(0.12, "inside:review-years-table"):
        review_years_table(rng, blocks, truth, year)
    if maybe(0.15, "inside:overview-requests-table"):
        overview_requests_table(rng, blocks, truth, year)
    if maybe(0.2, "inside:department-table"):
        department_table(rng, blocks, truth, version, choose("inside:department-table", ("before", "after")) == "after")
    if maybe(0.3, "inside:prose-numbers"):
        prose_numbers(rng, blocks, truth, year)
    if maybe(0.12, "inside:subordinate"):
        where = choose("inside:subordinate", ("total-first", "total-last"))
        key = "review_litigation" if maybe(0.3, "inside:subordinate-review") else "applications"
        subordinate(rng, blocks, truth, version, where, key)
    if truth["template"] == "2021" and maybe(0.12, "inside:last-year-column"):
        last_year_column(rng, blocks, choose("inside:last-year-column", ("before", "after")) == "before")
    if truth["template"] == "2019" and maybe(0.12, "inside:year-headers"):
        year_headers(blocks, year)
    if maybe(0.08, "inside:review-two-rows"):
        order = choose("inside:review-two-rows", ("last-first", "this-first"))
        review_two_rows(rng, blocks, year, order == "last-first")
    if maybe(0.12, "inside:two-years"):
        key = choose("inside:two-years", ("proactive", "applications", "review_litigation"))
        two_years(rng, blocks, truth, version, year, key, choose("inside:two-years", ("last-first", "this-first")))
    if maybe(0.1, "inside:contents-dotted"):
        contents_dotted(rng, blocks)
    if maybe(0.1, "inside:reorder"):
        reorder(blocks, choose("inside:reorder", ("applications-review_litigation", "problems-other")))
    after = []  # what follows the signature: an appendix, an interpretation
    if maybe(0.15, "inside:appendix"):
        same = choose("inside:appendix", ("same", "last-year", "last-year")) == "same"
        appendix(rng, after, truth, version, year, same)
    if maybe(0.12, "inside:interpretation"):
        interpretation(rng, after, truth, agency, year)
        if maybe(0.5, "inside:interpretation-signed"):
            signed_later(rng, after, agency, (sy, sm, sd))
    if maybe(0.05, "inside:appended-last-year"):
        appended_report(rng, after, agency, year)
    if maybe(0.08, "inside:section-missing"):  # after the edits that quote the section's numbers
        drop_section(blocks, truth, choose("inside:missing", ("proactive", "review_litigation", "problems", "other")))
    if maybe(0.25, "numbering"):  # last: the edits above find the headings in build's words
        renumber(blocks, choose("numbering", ("（一）", "1.", "第一部分")))
    blocks += after
    truth["published"] = None
    second = None
    if fmt == "html" and maybe(0.06, "page:two-reports"):
        other_version = "2019" if year - 1 <= 2020 else "2021"
        other_numbers = (independent.proactive(rng, other_version), independent.applications(rng, other_version),
                         independent.review(rng))
        other_blocks, other = build.report(agency, year - 1, other_version, f"{year}年2月{rng.randint(1, 28)}日",
                                           numbers=other_numbers)
        second = (other["title"], other_blocks)
        truth |= two_reports_truth(truth, other)
    truth["failing_checks"] = build.failing_checks(truth)
    written = f"{sy}-{sm:02d}-{sd:02d}" if fmt in ("html", "text") and maybe(0.15, "page:written-date") else None
    if written and fmt == "text":  # a page's text as copied: the dates line under the title
        blocks.insert(1, ("para", written_line(rng, agency, written, published, table=False)))
        truth["published"] = published
    if fmt == "html":
        lines = render_page(rng, blocks, truth, agency, year, published, features, second, only, written)
        if not second:
            truth["published"] = published
        data = redteam2.encode_html(rng, lines, features)
    elif fmt == "docx":
        data = build.render_docx(blocks)
    elif fmt == "text":
        data = rng.choice((build.render_text_cells, build.render_text_tabbed))(blocks)
    else:
        data = build.render_markdown(blocks)
    suffix = {"html": ".html", "docx": ".docx", "text": ".txt", "markdown": ".md"}[fmt]
    name = f"d{number:04d}_{fmt}{suffix}"
    return name, data, {"file": name, "format": fmt, "layout": fmt, "features": sorted(set(features)),
                        **copy.deepcopy(truth)}


def generate(directory, count, seed):
    """Write ``count`` reports and their truths into ``directory``; the same seed writes the same corpus."""
    return independent.generate(directory, count, seed, make=one)


#: One small report per failure class of docs/redteam3-failures.md: ``(file stem, format, seed, features)``, the
#: features exactly those named (tests/data/redteam3/ holds them, written by ``--examples``).
EXAMPLES = (
    ("w1-category-table-before", "text", 12, {"inside:category-table", "inside:category-table-proactive-before"}),
    ("w1-category-table-after", "markdown", 0, {"inside:category-table", "inside:category-table-proactive-after"}),
    ("w1-category-table-overview", "docx", 5, {"inside:category-table", "inside:category-table-overview",
                                               "inside:section-missing", "inside:missing-proactive"}),
    ("w2-subordinate-total-last", "markdown", 2, {"inside:subordinate", "inside:subordinate-total-last"}),
    ("w2-subordinate-review-total-first", "text", 0, {"inside:subordinate", "inside:subordinate-total-first",
                                                      "inside:subordinate-review"}),
    ("w3-two-reports", "html", 4, {"page:two-reports", "page:title-h1"}),
    ("w4-two-years-review-this-first", "text", 0, {"inside:two-years", "inside:two-years-review_litigation",
                                                     "inside:two-years-this-first"}),
    ("w4-two-years-applications-last-first", "html", 0, {"inside:two-years", "inside:two-years-applications",
                                                          "inside:two-years-last-first", "page:title-h1"}),
    ("w4-two-years-proactive-last-first", "docx", 0, {"inside:two-years", "inside:two-years-proactive",
                                                       "inside:two-years-last-first"}),
    ("w5-written-date-html", "html", 0, {"page:written-date", "page:title-h1"}),
    ("w5-written-date-text", "text", 0, {"page:written-date"}),
    ("w6-stale-title-only", "html", 0, {"page:title-none", "page:title-last-year"}),
    ("w7-last-year-column", "html", 0, {"inside:last-year-column", "inside:last-year-column-before",
                                        "page:title-h1"}),
    ("w8-interpretation-signed", "docx", 0, {"inside:interpretation", "inside:interpretation-signed"}),
    ("w8-appended-last-year", "text", 0, {"inside:appended-last-year"}),
    ("n1-yoy-before-applications", "text", 1, {"inside:yoy-applications"}),
    ("n2-department-before-applications", "docx", 1, {"inside:department-table", "inside:department-table-before"}),
    ("n3-review-years-after-review", "docx", 1, {"inside:review-years-table"}),
    ("n4-interpretation-after-signature", "html", 1, {"inside:interpretation", "page:title-h1"}),
    ("n5-contents-numbered", "text", 1, {"inside:contents-dotted", "numbering", "numbering-（一）"}),
    ("n6-reorder-applications-review", "text", 1, {"inside:reorder", "inside:reorder-applications-review_litigation"}),
    ("n7-title-without-year", "text", 1, {"year:title-without-year"}),
    ("n8-year-headers", "text", 1, {"inside:year-headers"}),
    ("n9-review-two-rows", "html", 1, {"inside:review-two-rows", "inside:review-two-rows-last-first", "page:title-h1"}),
)


def examples(directory, names=None):
    """Write the examples (all, or those ``names`` names) and their truths into ``directory``."""
    import json
    import random

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for stem, fmt, seed, only in EXAMPLES:
        if names and stem not in names:
            continue
        name, data, truth = one(random.Random(seed), 0, fmt, only)
        file = stem + Path(name).suffix
        truth["file"] = file
        (directory / file).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        (directory / f"{stem}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n",
                                                      encoding="utf-8")
    return directory


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=81)
    parser.add_argument("--examples", action="store_true", help="write the failure classes' examples instead")
    args = parser.parse_args(argv)
    if args.examples:
        examples(args.directory)
        print(f"{len(EXAMPLES)} examples in {args.directory}")
        return
    generate(args.directory, args.count, args.seed)
    print(f"{args.count} reports in {args.directory} (seed {args.seed})")


if __name__ == "__main__":
    sys.exit(main())
