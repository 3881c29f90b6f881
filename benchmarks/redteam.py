"""The red team's stress corpus: layouts of real published reports that benchmarks/independent.py does not make.

Written by a helper who had read only the template's and the record's descriptions (docs/template.md,
docs/record.md), not the parser, from how these reports are really published: Word's "save as web page" HTML
(``MsoNormal`` paragraphs, ``<o:p>``, spans that split a label or a number, ``&nbsp;`` pads, GBK), portal CMS
pages (a 名称/索引号/发布机构/公开日期 table, an ``<h1>`` title and a ``<title>`` with the site's name, headings in
``<strong>`` glued to their first paragraph, tables nested in a layout table), Word files (headings numbered by
Word's own list numbering, so ``一、`` is not in the text; runs that split a heading or a number; vertically merged
label cells; a table split at a page break with its header rows repeated; a cover page), text a cell a line or a
row a line with columns aligned by spaces (as ``pdftotext -layout`` prints a table, long labels wrapped), tab
tables from Excel (a leading 序号 column, cells with line breaks quoted), and in every format: a 前言 paragraph
naming all six sections before section 一, the sections numbered 第一部分 / 1. / （一） / 一. / 一 + space, headings
in words the template does not use (因政府信息公开工作被申请行政复议、提起行政诉讼情况, 概述), the overview's
sub-items （一）主动公开情况 … （五）监督保障情况, the 2021 form's 勾稽关系 note in section 三's corner cell, a caption
row inside a table, 单位：件 and 表1 lines, thousands commas (``1,234``), amounts with 万元 in the cell, ``/`` in
the 规章 row (a bureau makes no 规章), sub-total values on the （三）（四）（五） rows, an 附件 list after the
signature. The truth is what the document means (a blank cell null; ``/`` is 0 by docs/record.md).

Run::

    python benchmarks/redteam.py OUT --count 300 --seed 6
    nianbao score OUT --features

``tests/test_redteam.py`` runs 20 reports (seed 6) through the parser and asserts no wrong value.
"""

from __future__ import annotations

import copy
import html
import importlib.util
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("independent", ROOT / "benchmarks" / "independent.py")
independent = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(independent)
build = independent.build

LAYOUTS = {"text": ("word-text", "tabbed", "aligned", "oneline"), "tsv": ("excel", "indexed"),
           "html": ("word-html", "cms"), "docx": ("word-numbered", "word-plain")}
KEYS = ("overview", "proactive", "applications", "review_litigation", "problems", "other")
WORDS = {"overview": ("总体情况", "概述", "总体情况"),
         "proactive": ("主动公开政府信息情况",),
         "applications": ("收到和处理政府信息公开申请情况",),
         "review_litigation": ("政府信息公开行政复议、行政诉讼情况",
                               "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
                               "政府信息公开行政复议及行政诉讼情况",
                               "因政府信息公开工作被申请行政复议和提起行政诉讼情况"),
         "problems": ("存在的主要问题及改进情况", "政府信息公开工作存在的主要问题及改进情况"),
         "other": ("其他需要报告的事项",)}
CN = "一二三四五六"
#: How a report numbers its six sections (Word's list numbering prints them in the same spellings).
NUMBERING = {"一、": lambda n: f"{CN[n]}、", "第一部分": lambda n: f"第{CN[n]}部分 ", "1.": lambda n: f"{n + 1}.",
             "（一）": lambda n: f"（{CN[n]}）", "一.": lambda n: f"{CN[n]}.", "一 ": lambda n: f"{CN[n]} "}
SUB_ITEMS = ("主动公开情况", "依申请公开情况", "政府信息管理情况", "政府信息公开平台建设情况", "监督保障情况")
JGX = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
SITES = ("人民政府门户网站", "人民政府", "政府网")


# ---- Numbers: section 三 of a busy body too (thousands, so commas are printed) ------------------------------

def busy_applications(rng, version):
    """Section 三 of a city government: hundreds of requests, 一 + 二 = 三（七） + 四 per column."""
    table = independent.applications(rng, version)
    scale = rng.choice((37, 113, 260))
    leaves = [k for k in table if k in build.LEAF_ROWS]
    for key in rng.sample(leaves, 3):
        table[key] = build.row(*(v * scale + rng.randint(0, scale) for v in list(table[key].values())[:6]))
    handled = [sum(table[k][c] for k in leaves) for c in build.C7[:-1]]
    forward = [v * scale for v in list(table["carried_forward"].values())[:6]]
    over = [rng.randint(0, f) for f in forward]
    table["carried_over"] = build.row(*over)
    table["carried_forward"] = build.row(*forward)
    table["total_handled"] = build.row(*handled)
    table["new_received"] = build.row(*(h + f - o for h, f, o in zip(handled, forward, over, strict=True)))
    return table


# ---- Edits of the blocks (build.report's ``(kind, body)`` list); new kind ``lead``: a heading glued to its
# first paragraph ``(heading, text)`` --------------------------------------------------------------------------

def heading_indexes(blocks):
    return [i for i, (kind, _) in enumerate(blocks) if kind == "heading"]


def renumber(blocks, style, words):
    """The six headings numbered in ``style`` and worded as ``words`` picks; the texts of the prose ones."""
    for n, i in enumerate(heading_indexes(blocks)):
        blocks[i] = ("heading", NUMBERING[style](n) + words[KEYS[n]])
    return {NUMBERING[style](n) + words[KEYS[n]] for n in (0, 4, 5)}


def sub_items(rng, blocks, truth, style):
    """Section 一 as real reports write it: a lead sentence, then （一）主动公开情况 … （五）监督保障情况 each with a
    paragraph (numbered 1. … when the sections themselves are （一）…)."""
    start = heading_indexes(blocks)[0] + 1
    end = heading_indexes(blocks)[1]
    lead = blocks[start][1]
    mark = (lambda n: f"{n + 1}.") if style == "（一）" else (lambda n: f"（{CN[n]}）")
    texts = [lead]
    for n, item in enumerate(SUB_ITEMS):
        texts.append(mark(n) + item)
        texts.append(rng.choice(("全年严格落实相关制度，工作有序开展。", "按照年度工作要点要求，及时公开相关信息，"
                                 "做好解读回应。", "加强保密审查，规范信息发布流程。")))
    blocks[start:end] = [("para", t) for t in texts]
    truth["sections"]["overview"] = "\n".join(texts)


def preface(rng, blocks, year, words):
    """A 前言 before section 一 naming all six sections and the statistics period (上海市, 合作交流办 2022)."""
    names = "、".join(words[k] for k in KEYS)
    text = (f"本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制，全文包括{names}等六部分。"
            f"本年度报告中所列数据统计期限为{year}年1月1日至{year}年12月31日。本年度报告电子版可在本机关门户网站下载。")
    blocks.insert(heading_indexes(blocks)[0], ("para", text))


def glue_leads(rng, blocks, prose, chance):
    """Some prose headings (texts in ``prose``) glued to their first paragraph
    (``<p><strong>一、总体情况</strong>2022年，…</p>``)."""
    for i in reversed(heading_indexes(blocks)):
        follows = blocks[i + 1][1] if blocks[i + 1][0] == "para" else ""
        if blocks[i][1] in prose and follows and follows[0] not in "（1" and rng.random() < chance:  # not an item
            blocks[i:i + 2] = [("lead", (blocks[i][1], blocks[i + 1][1]))]


def value_cells(blocks):
    yield from independent._value_cells(blocks)


def commas(blocks):
    for c in value_cells(blocks):
        if "." not in c[0] and abs(int(c[0])) >= 1000:
            c[0] = f"{int(c[0]):,}"


def wan_in_cell(blocks):
    """Amounts printed with 万元 in the cell (``134.5万元``)."""
    for kind, body in blocks:
        if kind == "table":
            for cells in body:
                if cells and cells[0][0] in ("政府集中采购", "行政事业性收费"):
                    last = cells[-1]
                    if last[0].replace(".", "", 1).isdigit() and (cells[0][0] == "政府集中采购" or len(cells) == 2):
                        last[0] += "万元"


def slash_regulations(blocks, truth):
    """A bureau that makes no 规章 prints ``/`` in its row: 0 as printed (docs/record.md)."""
    for kind, body in blocks:
        if kind == "table":
            for cells in body:
                if cells and cells[0][0] == "规章":
                    for c in cells[1:]:
                        c[0] = "/"
    truth["proactive"]["regulations"] = dict.fromkeys(truth["proactive"]["regulations"], 0)


def positioned(grid):
    """``(row, col, cell)`` of every cell of a grid."""
    out, taken = [], set()
    for r, cells in enumerate(grid):
        col = 0
        for c in cells:
            while (r, col) in taken:
                col += 1
            out.append((r, col, c))
            taken.update((r + i, col + j) for i in range(c[2]) for j in range(c[1]))
            col += c[1]
    return out


def regrid(cells, rows):
    grid = [[] for _ in range(rows)]
    for r, _col, c in sorted(cells, key=lambda x: (x[0], x[1])):
        grid[r].append(c)
    return grid


def split_grid(grid, at, head, repeat_label):
    """The grid cut before row ``at`` into two tables, the second starting with the first ``head`` rows again (a
    table continued on the next page with its header repeated); a label cell spanning the cut is cut too, its text
    repeated below or left blank."""
    first, second = [], []
    for r, col, (text, cs, rs) in positioned(grid):
        if r < at:
            first.append((r, col, [text, cs, min(rs, at - r)]))
            if r + rs > at and r >= head:
                second.append((at, col, [text if repeat_label else "", cs, r + rs - at]))
            if r < head:
                second.append((r - head, col, [text, cs, rs]))
        else:
            second.append((r, col, [text, cs, rs]))
    second = [(r - at + head if r >= at else r + head, col, c) for r, col, c in second]
    return regrid(first, at), regrid(second, head + len(grid) - at)


def split_applications(rng, blocks):
    i = next(n for n, (k, b) in enumerate(blocks) if k == "table" and len(b) > 20)
    grid = blocks[i][1]
    at = rng.randint(8, len(grid) - 3)
    one, two = split_grid(grid, at, 3, rng.random() < 0.5)
    page = rng.randint(3, 6)
    footer = rng.choice((f"— {page} —", f"- {page} -", f"第{page}页 共{page + 3}页", f"第 {page} 页", str(page)))
    blocks[i:i + 1] = [("table", one), ("para", footer), ("table", two)]


def subtotals(blocks, truth):
    """（三）不予公开, （四）无法提供, （五）不予处理 printed as rows of their own with their sums, the leaves
    under them (a table made in Excel)."""
    i = next(n for n, (k, b) in enumerate(blocks) if k == "table" and len(b) > 20)
    grid = blocks[i][1]
    out = []
    apps = truth["applications"]
    for cells in grid:
        head = next((g for g in build.LEAVES if cells and any(c[0] == g[0] for c in cells)), None)
        if head is None:
            out.append(cells)
            continue
        group, _, keys = head
        n = next(k for k, c in enumerate(cells) if c[0] == group)
        sums = [sum(apps[k][c] for k in keys) for c in build.C7]
        out.append([*cells[:n], build.cell(group, 2), *[build.cell(v) for v in sums]])
        out.append([build.cell(cells[n + 1][0], 2), *cells[n + 2:]])
    # the leaves of a group, now under their own sub-total row: each label two columns wide
    for cells in out:
        if len(cells) == 8 and cells[0][1] == 1 and cells[0][2] == 1:
            cells[0][1] = 2
    fix_result_span(out)
    blocks[i] = ("table", out)


def fix_result_span(grid):
    """三、本年度办理结果's row span after rows were added under it."""
    for r, cells in enumerate(grid):
        for c in cells:
            if c[0] == "三、本年度办理结果":
                end = next(n for n in range(r, len(grid)) if any(x[0] == "（七）总计" for x in grid[n]))
                c[2] = end - r + 1


def jgx_note(blocks):
    i = next(n for n, (k, b) in enumerate(blocks) if k == "table" and len(b) > 20)
    blocks[i][1][0][0][0] = JGX


def caption_rows(blocks):
    """Each statistics table with its section heading as its first row (the heading outside is dropped)."""
    for i in reversed(heading_indexes(blocks)):
        if blocks[i + 1][0] == "table":
            grid = blocks[i + 1][1]
            width = len(build.expand(grid)[-1])
            grid.insert(0, [build.cell(blocks[i][1], width)])
            del blocks[i]


def unit_lines(rng, blocks):
    for i in reversed([n for n, (k, _) in enumerate(blocks) if k == "table"]):
        n = sum(1 for k, _ in blocks[:i] if k == "table") + 1
        blocks.insert(i, ("para", rng.choice((f"表{n}", "单位：件", f"表{CN[n - 1]}：", f"附表{n}  单位：件"))))


def attachments(blocks):
    blocks += [("para", "附件：1.政府信息公开工作情况统计表"), ("para", "2.政府信息公开申请办理情况统计表")]


def prose_items(rng, blocks, truth, style):
    """Sections 五 and 六 with items of their own, as reports on 2021 and later write them: （一）存在的主要问题 /
    （二）改进情况; （一）收取信息处理费情况 / （二）人大代表建议和政协委员提案办理情况 / （三）年度工作要点落实情况."""
    mark = (lambda n: f"{n + 1}.") if style == "（一）" else (lambda n: f"（{CN[n]}）")
    items = {4: (("存在的主要问题", build.PROBLEMS[0]), ("改进情况", build.PROBLEMS[1])),
             5: (("收取信息处理费情况", "本机关未收取信息处理费。"),
                 ("人大代表建议和政协委员提案办理情况", "全年办理人大代表建议3件、政协委员提案2件，均按时办结并公开。"),
                 ("年度工作要点落实情况", "已按要求落实年度政务公开工作要点各项任务。"))}
    for place, key in ((5, "other"), (4, "problems")):
        at = heading_indexes(blocks)[place]
        end = next((n for n in range(at + 1, len(blocks)) if blocks[n][0] == "heading"), len(blocks) - 2)
        texts = [t for n, (head, body) in enumerate(items[place]) for t in (mark(n) + head, body)]
        blocks[at + 1:end] = [("para", t) for t in texts]
        truth["sections"][key] = "\n".join(texts)


def transposed_review(blocks):
    """Section 四 as a table of three rows (行政复议, 行政诉讼 未经复议直接起诉, 复议后起诉) and five columns
    (结果维持 … 总计), as a table drawn in a spreadsheet prints it."""
    i = next(n for n, (k, b) in enumerate(blocks) if k == "table" and len(b[-1]) == 15)
    values = [c[0] for c in blocks[i][1][-1]]
    grid = [[build.cell("", 2), *[build.cell(f) for f in build.FIELDS]],
            [build.cell("行政复议", 2), *[build.cell(v) for v in values[0:5]]],
            [build.cell("行政诉讼", 1, 2), build.cell("未经复议直接起诉"), *[build.cell(v) for v in values[5:10]]],
            [build.cell("复议后起诉"), *[build.cell(v) for v in values[10:15]]]]
    blocks[i] = ("table", grid)


def spaced_date(rng, blocks):
    """The signature's date with spaces in it, as Word pads it (``2023年 1月 20日``, ``2023 年 1 月 20 日``)."""
    y, rest = blocks[-1][1].split("年")
    m, d = rest.rstrip("日").split("月")
    blocks[-1] = ("para", rng.choice((f"{y}年 {m}月 {d}日", f"{y} 年 {m} 月 {d} 日", f"{y}年{m:>2}月{d:>2}日")))


# ---- Renderers -----------------------------------------------------------------------------------------------

def flat_leads(blocks, glue=""):
    return [("para", f"{b[0]}{glue}{b[1]}") if k == "lead" else (k, b) for k, b in blocks]


def span_split(rng, text, spans):
    """Word's HTML: a run of text cut into spans at random places (a label, or a number's digits)."""
    text = html.escape(text)
    if len(text) < 2 or rng.random() < 0.5:
        return spans(text)
    at = rng.randint(1, len(text) - 1)
    return spans(text[:at]) + spans(text[at:])


def td(cell, inner, attributes=""):
    """A table cell with its spans: ``<td colspan=2 …>inner</td>``."""
    _, cs, rs = cell
    return f"<td{attributes}{f' colspan={cs}' if cs > 1 else ''}{f' rowspan={rs}' if rs > 1 else ''}>{inner}</td>"


def render_word_html(rng, blocks, title_property):
    """Word's "save as web page" (filtered): GBK, MsoNormal paragraphs, spans with fonts, ``<o:p>``, ``&nbsp;``."""
    def spans(t):
        return f"<span lang=EN-US style='font-size:12.0pt;font-family:仿宋_GB2312'>{t}</span>"

    def para(text, bold=False, align=""):
        inner = span_split(rng, text, spans)
        inner = f"<b>{inner}</b>" if bold else inner
        return (f"<p class=MsoNormal{align} style='text-indent:32.0pt;line-height:28.0pt'>{inner}"
                f"<span lang=EN-US><o:p></o:p></span></p>")

    out = ["<html xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" "
           "xmlns:w=\"urn:schemas-microsoft-com:office:word\">",
           "<head><meta http-equiv=Content-Type content=\"text/html; charset=gb2312\">"
           "<meta name=Generator content=\"Microsoft Word 15 (filtered)\">"
           f"<title>{html.escape(title_property)}</title><style><!-- p.MsoNormal {{margin:0cm;}} --></style></head>",
           "<body lang=ZH-CN style='text-justify-trim:punctuation'><div class=WordSection1>"]
    for kind, body in blocks:
        if kind == "table":
            out.append("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 "
                       "style='border-collapse:collapse;border:none'>")
            for cells in body:
                tds = []
                for text, cs, rs in cells:
                    pad = rng.choice(("", "", "&nbsp;", "&nbsp;&nbsp;")) if text.isdigit() else ""
                    inner = span_split(rng, text, spans) if text else "<span lang=EN-US>&nbsp;</span>"
                    tds.append(td([text, cs, rs], f"<p class=MsoNormal align=center style='text-align:center'>{pad}"
                                  f"{inner}<span lang=EN-US><o:p></o:p></span></p>", " width=47 valign=top style="
                                  "'border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt'"))
                out.append(f"<tr style='height:20.0pt'>{''.join(tds)}</tr>")
            out.append("<![if !supportMisalignedColumns]><tr height=0>" + "<td width=47 style='border:none'></td>" * 4
                       + "</tr><![endif]></table>")
        elif kind == "title":
            out.append(para(body, True, " align=center").replace("text-indent:32.0pt", "text-align:center"))
        elif kind == "lead":
            out.append(f"<p class=MsoNormal style='text-indent:32.0pt'><b>{spans(html.escape(body[0]))}</b>"
                       f"{spans(html.escape(body[1]))}</p>")
        else:
            out.append(para(body, kind == "heading"))
    out.append("<p class=MsoNormal><span lang=EN-US>&nbsp;</span></p></div></body></html>")
    return "\n".join(out).encode("gb18030")


def render_cms(rng, blocks, title, agency, published, nested, br=False, meta_only=False):
    """A portal page: site chrome, a 名称/索引号/发布机构/公开日期 table, the title in ``<h1>`` (``<title>`` adds the
    site's name), ``<strong>`` headings, the tables inside ``<td><p>``, all of it in a layout table or not.
    ``meta_only``: as the 政府网站 guidelines' pages print it, the title and date only in ``<meta name=ArticleTitle>``
    and ``<meta name=PubDate>``, ``<title>`` the site's name, no metadata table and no ``<h1>``."""
    site = agency[:3] + rng.choice(SITES)
    if meta_only:
        blocks = [b for b in blocks if b[0] != "title"]
        head = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{site}</title>'
                f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{published} 09:30">'
                f'<meta name="ContentSource" content="{agency}"></head><body><div class="article-content">')
        return head + render_cms(rng, blocks, title, agency, published, nested, br).split('id="zoomcon">', 1)[1]
    out = ['<!DOCTYPE html><html><head><meta charset="utf-8">',
           f"<title>{title}-{site}</title></head><body>",
           '<div class="nav">首页 &gt; 政务公开 &gt; 政府信息公开年报</div>',
           '<table class="xxgk_table"><tr><td>名称</td><td colspan="3">' + title + "</td></tr>",
           f"<tr><td>索引号</td><td>{rng.randint(10**8, 10**9)}/{published[:4]}-0000{rng.randint(1, 9)}</td>"
           f"<td>分类</td><td>政府信息公开年报</td></tr>",
           f"<tr><td>发布机构</td><td>{agency}</td><td>{rng.choice(('公开日期', '发布日期'))}</td>"
           f"<td>{cn_date(published) if rng.random() < 0.3 else published}</td></tr></table>",
           f'<h1 class="article-title">{title}</h1>', '<div class="article-content" id="zoomcon">']
    if nested:
        out.append('<table width="100%"><tr><td class="bt_content">')
    if br:  # the whole body one block, its lines cut by <br>, as a CMS editor's paste makes it
        blocks = flat_leads(blocks)
    for kind, body in blocks:
        if kind == "title":
            continue
        if br and kind != "table":
            out.append(f"{'<strong>' + body + '</strong>' if kind == 'heading' else body}<br>")
            continue
        if kind == "table":
            out.append('<table border="1" cellspacing="0" style="border-collapse:collapse"><tbody>')
            for cells in body:
                out.append("<tr>" + "".join(td(cell, f"<p style=\"text-align:center\">{cell[0] or '&nbsp;'}</p>")
                                            for cell in cells) + "</tr>")
            out.append("</tbody></table>")
        elif kind == "heading":
            out.append(f'<p style="text-indent:2em"><strong>{body}</strong></p>')
        elif kind == "lead":
            out.append(f'<p style="text-indent:2em"><strong>{body[0]}</strong>{body[1]}</p>')
        else:
            out.append(f'<p style="text-indent:2em">{body}</p>')
    if nested:
        out.append("</td></tr></table>")
    out.append('</div><div class="footer">网站标识码：3213220037 版权所有 扫一扫在手机打开当前页</div></body></html>')
    return "\n".join(out)


def cn_date(iso):
    y, m, d = iso.split("-")
    return f"{y}年{m}月{d}日"


def render_docx(rng, blocks, numbered, signature_table=False):
    """A Word file: bold headings, ``numbered``: by Word's list numbering (the numeral is not in the text); runs
    that split a heading or a number; merged label cells; the signature right-aligned; each table's first rows
    marked as header rows repeated on every page."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    num_id = add_numbering(document, parse_xml, nsdecls, numbered) if numbered else None

    def runs(paragraph, text, bold=False):
        at = rng.randint(1, len(text) - 1) if len(text) > 1 and rng.random() < 0.5 else len(text)
        for part in (text[:at], text[at:]):
            if part:
                paragraph.add_run(part).bold = bold

    headings = 0
    signature = blocks[-2:] if signature_table else []
    for kind, body in blocks[:len(blocks) - len(signature)]:
        if kind == "table":
            table_of(document, body, runs, parse_xml, nsdecls)
            continue
        text = f"{body[0]}{body[1]}" if kind == "lead" else body
        if kind == "heading" and numbered:
            text = text[len(NUMBERING[numbered](headings)):]  # Word prints the number; the text lacks it
            headings += 1
        paragraph = document.add_paragraph()
        runs(paragraph, text, kind in ("heading", "title"))
        if kind == "heading" and numbered:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))
        if kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if (kind, body) in blocks[-2:]:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if signature:  # the signing body and date in the right cell of a borderless two-column table
        table = document.add_table(rows=2, cols=2)
        for row, (_, text) in zip(table.rows, signature, strict=True):
            row.cells[1].paragraphs[0].add_run(text)
    data = io.BytesIO()
    document.save(data)
    return build._fixed_zip(data.getvalue())


def add_numbering(document, parse_xml, nsdecls, style):
    """A list numbering for the six headings: 一、 (chineseCounting), 1. (decimal) or （一）."""
    fmt, text = {"1.": ("decimal", "%1."), "（一）": ("chineseCounting", "（%1）"),
                 "第一部分": ("chineseCounting", "第%1部分")}.get(style, ("chineseCounting", "%1、"))
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return 90


def table_of(document, grid, runs, parse_xml, nsdecls):
    slots = build.expand(grid)
    width = max(map(len, slots))
    table = document.add_table(rows=len(slots), cols=width)
    table.style = "Table Grid"
    for r, col, (text, cs, rs) in positioned(grid):
        target = table.cell(r, col)
        if cs > 1 or rs > 1:
            target = target.merge(table.cell(r + rs - 1, col + cs - 1))
        if text:
            runs(target.paragraphs[0], text)
    header = 3 if len(slots) > 20 else 2 if len(slots) == 4 else 0
    for row in table.rows[:header]:
        row._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))


def _is_value(text):
    return text == "/" or text.replace(",", "").replace("万元", "").replace(".", "", 1).lstrip("-").isdigit()


def render_aligned(rng, blocks):
    """Tables as ``pdftotext -layout`` prints them: a row a line, cells in columns aligned by spaces, a label too
    long for its column wrapped onto the next line (its values on the first)."""
    lines = []
    for kind, body in flat_leads(blocks):
        if kind != "table":
            lines.append(body)
            continue
        for slots in build.expand(body):
            texts = [s for s in slots if s]
            values = [t for t in texts if _is_value(t)]
            words = [t for t in texts if not _is_value(t)]
            rest = [w[18:] for w in words if len(w) > 18]
            head = "  ".join(w[:18] for w in words)
            cells = "".join("  " + v.rjust(rng.choice((4, 6))) for v in values)
            lines.append(head + " " * max(2, 40 - 2 * len(head)) + cells)
            lines += ["    " + r for r in rest]
    return "\n".join(lines) + "\n"


def render_excel_tsv(rng, blocks, indexed):
    """Tab tables as Excel saves them ("Unicode text"): spanned cells written once with blank slots, a cell with
    a line break quoted, ``indexed``: a leading 序号 column numbering the value rows."""
    lines = []
    for kind, body in flat_leads(blocks):
        if kind != "table":
            lines.append(body)
            continue
        n, header = 0, False
        for slots in build.expand(body):
            cells = ["" if s is None else s for s in slots]
            cells = [f'"{c}"' if "\n" in c else c for c in cells]
            if indexed:
                has_value = any(c.replace(",", "").isdigit() for c in cells)
                n += has_value
                cells.insert(0, str(n) if has_value else ("序号" if not n and not header else ""))
                header = header or not has_value
            lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def break_headers(blocks):
    """Header cells broken over lines inside the cell (``本年\\n新制作数量``), as an Excel cell with Alt+Enter."""
    for kind, body in blocks:
        if kind == "table":
            for cells in body:
                for c in cells:
                    if c[0] in ("本年新制作数量", "本年制发件数", "上一年项目数量", "社会公益组织", "法律服务机构"):
                        c[0] = c[0][:2] + "\n" + c[0][2:]


# ---- One report -----------------------------------------------------------------------------------------------

def one(rng, number):
    fmt = rng.choice(tuple(LAYOUTS))
    layout = rng.choice(LAYOUTS[fmt])
    agency = rng.choice(independent.AGENCIES)
    year = rng.randint(2019, 2024)
    version = "2019" if year <= 2020 else "2021"
    sy, sm, sd = year + 1, rng.randint(1, 3), rng.randint(1, 28)
    published = f"{sy}-{sm:02d}-{min(sd + rng.randint(0, 3), 28):02d}"
    busy = rng.random() < 0.3
    numbers = (independent.proactive(rng, version),
               busy_applications(rng, version) if busy else independent.applications(rng, version),
               independent.review(rng))
    title = rng.choice((f"{agency}{year}年政府信息公开工作年度报告", f"{agency}{year}年度政府信息公开工作年度报告",
                        f"{agency}{year}年政府信息公开工作年度报告"))
    blocks, truth = build.report(agency, year, version, f"{sy}年{sm}月{sd}日", numbers=numbers, title=title)
    features = [f"layout:{layout}", *(["applications:busy"] if busy else [])]

    def maybe(chance, name):
        hit = rng.random() < chance
        features.extend([name] if hit else [])
        return hit

    style = rng.choice(tuple(NUMBERING)) if layout != "oneline" else "（一）"
    words = {k: rng.choice(v) for k, v in WORDS.items()}
    features += [f"numbering:{style.strip()}", *(f"words:{k}" for k in KEYS if words[k] != WORDS[k][0])]
    if maybe(0.5, "overview:sub-items"):
        sub_items(rng, blocks, truth, style)
    elif style == "（一）":  # sections numbered （一）…: the overview's own items 1. …
        at = heading_indexes(blocks)[0] + 2
        blocks[at] = ("para", blocks[at][1].replace("（一）", "1."))
        truth["sections"]["overview"] = truth["sections"]["overview"].replace("（一）", "1.")
    prose = renumber(blocks, style, words)
    if maybe(0.35, "preface"):
        preface(rng, blocks, year, words)
    if maybe(0.25, "sections:items"):
        prose_items(rng, blocks, truth, style)
    if layout != "oneline" and maybe(0.1, "review:transposed"):
        transposed_review(blocks)
    if maybe(0.2, "signature:spaced-date"):
        spaced_date(rng, blocks)
    if maybe(0.4 if layout != "oneline" else 0, "values:commas"):
        commas(blocks)
    if maybe(0.3, "amount:wan-in-cell") and layout != "oneline":
        wan_in_cell(blocks)
    if maybe(0.25, "regulations:slash") and layout != "oneline":
        slash_regulations(blocks, truth)
    if maybe(0.12, "subtotal-rows") and layout != "oneline":
        subtotals(blocks, truth)
    if maybe(0.3, "jgx-note") and layout != "oneline":
        jgx_note(blocks)
    captions = fmt in ("html", "docx") and layout != "word-numbered" and maybe(0.15, "heading:caption-row")
    if not captions and maybe(0.2, "unit-lines"):  # a unit line above a table whose heading is in it: not here
        unit_lines(rng, blocks)
    if layout != "oneline" and maybe(0.2, "table:split-repeated-header"):
        split_applications(rng, blocks)
    if captions:
        caption_rows(blocks)
    if layout != "oneline" and maybe(0.15, "attachments"):
        attachments(blocks)
    if layout in ("excel", "indexed") and maybe(0.5, "headers:cell-breaks"):
        break_headers(blocks)
    if layout == "oneline":
        independent.flat_rows(rng, "spaced")(blocks, truth)
    glue_leads(rng, blocks, prose, 0 if layout == "word-numbered" else 0.5 if fmt in ("html", "docx") else 0.2)
    features += ["heading:glued"] if any(k == "lead" for k, _ in blocks) else []
    if layout == "oneline":
        data = independent.render_oneline(rng, title, published)(flat_leads(blocks))
        truth["published"] = published
    elif layout == "word-text":
        data = build.render_text_cells(flat_leads(blocks, rng.choice(("", "\n"))))
    elif layout == "tabbed":
        data = build.render_text_tabbed(flat_leads(blocks))
    elif layout == "aligned":
        data = render_aligned(rng, blocks)
    elif fmt == "tsv":
        data = render_excel_tsv(rng, blocks, layout == "indexed")
    elif layout == "word-html":
        data = render_word_html(rng, blocks, rng.choice((title, f"{year}年度报告（定稿）", "Microsoft Word - 附件1")))
    elif layout == "cms":
        data = render_cms(rng, blocks, title, agency, published, maybe(0.4, "html:nested-layout-table"),
                          maybe(0.3, "html:br-lines"), maybe(0.2, "html:meta-only"))
        truth["published"] = published
    else:
        data = render_docx(rng, blocks, style if layout == "word-numbered" else None,
                           "attachments" not in features and maybe(0.1, "docx:signature-table"))
    truth["failing_checks"] = build.failing_checks(truth)
    suffix = {"html": ".html", "docx": ".docx"}.get(fmt, ".txt")
    name = f"r{number:04d}_{layout}{suffix}"
    return name, data, {"file": name, "format": fmt, "layout": layout, "features": sorted(set(features)),
                        **copy.deepcopy(truth)}


def generate(directory, count, seed):
    """Write ``count`` reports and their truths into ``directory``; the same seed writes the same corpus."""
    return independent.generate(directory, count, seed, make=one)


def main(argv=None):
    return independent.main(argv, make=one, seed=6, doc=__doc__)


if __name__ == "__main__":
    sys.exit(main())
