"""Write the hand-made variant corpus: small reports written from the template's description, with truths.

Independent of nianbao: this script imports nothing of it (not its template
module, not its generator). Every heading, label and table layout below was
typed from the template's published description (国办公开办函〔2019〕60号 and
〔2021〕30号: six sections, three tables, the four cross-checks), and every
variant from what real reports were seen to print (see ``VARIANTS``). The
numbers were chosen by hand and keep the template's arithmetic, except where a
variant prints a row short or long on purpose: the truth is then what the
document means (a missing 0 is still 0 when the sums leave no other reading).

Run ``python tests/data/variants/build.py`` to rewrite the files (needs
python-docx for the .docx reports); the files are committed, the tests only
read them. Truths use the layout of ``nianbao synth`` (``*.truth.json``), so
``nianbao score tests/data/variants`` scores them.
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# ---- The report's content -------------------------------------------------------------------

C7 = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")


def row(*values):
    values = list(values)
    return dict(zip(C7, [*values, sum(values)], strict=True))


ZERO = row(0, 0, 0, 0, 0, 0)
APPS_2021 = {
    "new_received": row(5, 2, 0, 0, 1, 0),
    "carried_over": row(1, 0, 0, 0, 0, 0),
    "granted": row(3, 1, 0, 0, 0, 0),
    "partially_granted": row(1, 0, 0, 0, 0, 0),
    **{k: ZERO for k in ("denied_state_secret", "denied_prohibited_by_law", "denied_three_safety_one_stability",
                         "denied_third_party", "denied_internal_affairs", "denied_process_info",
                         "denied_enforcement_file", "denied_query_matter")},
    "unavailable_not_held": row(1, 1, 0, 0, 0, 0),
    "unavailable_needs_creation": ZERO,
    "unavailable_unclear": ZERO,
    **{k: ZERO for k in ("not_processed_petition", "not_processed_duplicate", "not_processed_publication",
                         "not_processed_excessive", "not_processed_confirmation")},
    "other_no_correction": ZERO,
    "other_no_fee": ZERO,
    "other_misc": ZERO,
    "total_handled": row(5, 2, 0, 0, 0, 0),
    "carried_forward": row(1, 0, 0, 0, 1, 0),
}
APPS_2019 = {k: v for k, v in APPS_2021.items() if not k.startswith("other_")} | {"other_handling": ZERO}
REVIEW = {
    "review": {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1},
    "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
    "litigation_after_review": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
}
PRO_2021 = {
    "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
    "normative_documents": {"issued": 2, "repealed": 1, "in_force": 15},
    "licensing": {"decisions": 36},
    "penalty": {"decisions": 12},
    "enforcement": {"decisions": 0},
    "fees": {"amount_wan": 0},
}
PRO_2019 = {
    "regulations": {"new_made": 0, "new_published": 0, "total_published": 0},
    "normative_documents": {"new_made": 3, "new_published": 3, "total_published": 20},
    "licensing": {"prev_count": 25, "change": -2, "decisions": 140},
    "other_services": {"prev_count": 4, "change": 0, "decisions": 30},
    "penalty": {"prev_count": 10, "change": 1, "decisions": 7},
    "enforcement": {"prev_count": 2, "change": 0, "decisions": 1},
    "fees": {"prev_count": 3, "change": 0},
    "procurement": {"projects": 6, "amount_wan": 134.5},
}

HEADINGS = {
    "overview": "一、总体情况",
    "proactive": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
OVERVIEW = ("{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，围绕中心工作，深化政务公开，"
            "主动公开政府信息，依法办理政府信息公开申请。",
            "（一）主动公开方面，全年通过门户网站发布各类信息，及时更新机构职能、政策文件等内容。")
PROBLEMS = ("政府信息公开工作仍存在公开内容不够全面、政策解读形式较为单一等问题。",
            "下一步，将进一步完善工作机制，丰富解读形式，提升公开质量。")
OTHER = ("本机关未收取信息处理费。",)


# ---- Tables as grids of (text, colspan, rowspan) -------------------------------------------------

def cell(text, cs=1, rs=1):
    return [str(text), cs, rs]


def proactive_grid(version, numbers=None):
    rows = []
    if version == "2021":
        blocks = [("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"],
                   [("规章", "regulations"), ("行政规范性文件", "normative_documents")]),
                  ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "licensing")]),
                  ("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", "penalty"), ("行政强制", "enforcement")]),
                  ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", "fees")])]
        data = numbers or PRO_2021
    else:
        blocks = [("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
                   [("规章", "regulations"), ("规范性文件", "normative_documents")]),
                  ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
                   [("行政许可", "licensing"), ("其他对外管理服务事项", "other_services")]),
                  ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
                   [("行政处罚", "penalty"), ("行政强制", "enforcement")]),
                  ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("行政事业性收费", "fees")]),
                  ("第二十条第（九）项", ["采购项目数量", "采购总金额"], [("政府集中采购", "procurement")])]
        data = numbers or PRO_2019
    for caption, headers, items in blocks:
        rows.append([cell(caption, 4)])
        span = 4 - len(headers) if len(headers) < 3 else 1
        rows.append([cell("信息内容"), *[cell(h, span if i == len(headers) - 1 else 1) for i, h in
                                       enumerate(headers)]])
        for label, key in items:
            values = list(data[key].values())
            rows.append([cell(label), *[cell(v, span if i == len(values) - 1 else 1) for i, v in
                                       enumerate(values)]])
    return rows


LEAVES = [
    ("（三）不予公开", ["1．属于国家秘密", "2．其他法律行政法规禁止公开", "3．危及“三安全一稳定”",
                  "4．保护第三方合法权益", "5．属于三类内部事务信息", "6．属于四类过程性信息",
                  "7．属于行政执法案卷", "8．属于行政查询事项"],
     ["denied_state_secret", "denied_prohibited_by_law", "denied_three_safety_one_stability", "denied_third_party",
      "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_query_matter"]),
    ("（四）无法提供", ["1．本机关不掌握相关政府信息", "2．没有现成信息需要另行制作", "3．补正后申请内容仍不明确"],
     ["unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear"]),
    ("（五）不予处理", ["1．信访举报投诉类申请", "2．重复申请", "3．要求提供公开出版物", "4．无正当理由大量反复申请",
                  "5．要求行政机关确认或重新出具已获取信息"],
     ["not_processed_petition", "not_processed_duplicate", "not_processed_publication", "not_processed_excessive",
      "not_processed_confirmation"]),
]
OTHER_2021 = ("（六）其他处理", ["1．申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                          "2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3．其他"],
              ["other_no_correction", "other_no_fee", "other_misc"])


def values_of(data, key):
    return [cell(data[key][c]) for c in C7]


def applications_grid(version, numbers=None):
    data = numbers or (APPS_2021 if version == "2021" else APPS_2019)
    groups = [*LEAVES, OTHER_2021] if version == "2021" else LEAVES
    result_rows = 2 + sum(len(g[1]) for g in groups) + (1 if version == "2019" else 0) + 1
    rows = [[cell("", 3, 3), cell("申请人情况", 7)],
            [cell("自然人", 1, 2), cell("法人或其他组织", 5), cell("总计", 1, 2)],
            [cell("商业企业"), cell("科研机构"), cell("社会公益组织"), cell("法律服务机构"), cell("其他")],
            [cell("一、本年新收政府信息公开申请数量", 3), *values_of(data, "new_received")],
            [cell("二、上年结转政府信息公开申请数量", 3), *values_of(data, "carried_over")],
            [cell("三、本年度办理结果", 1, result_rows), cell("（一）予以公开", 2), *values_of(data, "granted")],
            [cell("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 2),
             *values_of(data, "partially_granted")]]
    for group, labels, keys in groups:
        for n, (label, key) in enumerate(zip(labels, keys, strict=True)):
            head = [cell(group, 1, len(labels))] if n == 0 else []
            rows.append([*head, cell(label), *values_of(data, key)])
    if version == "2019":
        rows.append([cell("（六）其他处理", 2), *values_of(data, "other_handling")])
    rows.append([cell("（七）总计", 2), *values_of(data, "total_handled")])
    rows.append([cell("四、结转下年度继续办理", 3), *values_of(data, "carried_forward")])
    return rows


FIELDS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def review_grid(numbers=None):
    values = [cell(v) for g in (numbers or REVIEW).values() for v in g.values()]
    return [[cell("行政复议", 5), cell("行政诉讼", 10)],
            [*[cell(f, 1, 2) for f in FIELDS], cell("未经复议直接起诉", 5), cell("复议后起诉", 5)],
            [cell(f) for f in FIELDS * 2],
            values]


def expand(grid):
    """The grid as rows of slots: a spanned cell's covered slots are None."""
    out, pending = [], {}
    for r, cells in enumerate(grid):
        line, col = [], 0
        for text, cs, rs in cells:
            while (r, col) in pending:
                line.append(pending.pop((r, col)))
                col += 1
            line.append(text)
            line.extend([None] * (cs - 1))
            for extra in range(1, rs):
                for c in range(col, col + cs):
                    pending[(r + extra, c)] = None
            col += cs
        while (r, col) in pending:
            line.append(pending.pop((r, col)))
            col += 1
        out.append(line)
    return out


# ---- A report as blocks ------------------------------------------------------------------------

def report(agency, year, version, signed, *, extra_front=(), numbers=None, title=None):
    """The blocks of a report and its truth; ``numbers``: its (proactive, applications, review) tables."""
    proactive, applications, review = numbers or (PRO_2021 if version == "2021" else PRO_2019,
                                                  APPS_2021 if version == "2021" else APPS_2019, REVIEW)
    title = title or f"{agency}{year}年政府信息公开工作年度报告"
    blocks = [("title", title), *[("para", t) for t in extra_front], ("heading", HEADINGS["overview"])]
    blocks += [("para", t.format(year=year, agency=agency)) for t in OVERVIEW]
    blocks += [("heading", HEADINGS["proactive"]), ("table", proactive_grid(version, proactive))]
    blocks += [("heading", HEADINGS["applications"]), ("table", applications_grid(version, applications))]
    blocks += [("heading", HEADINGS["review_litigation"]), ("table", review_grid(review))]
    blocks += [("heading", HEADINGS["problems"]), *[("para", t) for t in PROBLEMS]]
    blocks += [("heading", HEADINGS["other"]), *[("para", t) for t in OTHER]]
    blocks += [("para", agency), ("para", signed)]
    truth = {"title": title, "agency": agency, "year": year, "published": None,
             "signed": _iso(signed), "template": version,
             "sections": {"overview": "\n".join(t.format(year=year, agency=agency) for t in OVERVIEW),
                          "problems": "\n".join(PROBLEMS), "other": "\n".join(OTHER)},
             "proactive": copy.deepcopy(proactive), "applications": copy.deepcopy(applications),
             "review_litigation": copy.deepcopy(review), "failing_checks": []}
    return blocks, truth


def _iso(signed):
    y, rest = signed.split("年")
    m, d = rest.rstrip("日").split("月")
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


# ---- Renderers -----------------------------------------------------------------------------------

def render_text_cells(blocks, once=False):
    """Cell-per-paragraph text (a Word or web export that lost the table marks)."""
    lines = []
    for kind, body in blocks:
        if kind == "table":
            for slots in expand(body):
                lines += [s for s in slots if s is not None and s != ""]
        else:
            lines.append(body)
    return "\n".join(lines) + "\n"


def render_text_tabbed(blocks, once=False):
    """One cell a line with a leading tab, a blank line between rows (a Word text export)."""
    lines = []
    for kind, body in blocks:
        if kind == "table":
            for slots in expand(body):
                lines += ["\t" + s for s in slots if s is not None]
                lines.append("")
        else:
            lines.append(body)
    return "\n".join(lines) + "\n"


def render_tsv(blocks, once=False):
    """One row a line, cells separated by tabs; ``once``: a spanned cell written once, its covered slots left out."""
    lines = []
    for kind, body in blocks:
        if kind == "table":
            for slots in expand(body):
                cells = [s for s in slots if s is not None] if once else ["" if s is None else s for s in slots]
                lines.append("\t".join(cells))
        else:
            lines.append(body)
    return "\n".join(lines) + "\n"


def render_markdown(blocks, once=False):
    lines = []
    for kind, body in blocks:
        if kind == "table":
            rows = expand(body)
            width = max(map(len, rows))
            for n, slots in enumerate(rows):
                slots = ["" if s is None else s for s in slots] + [""] * (width - len(slots))
                lines.append("| " + " | ".join(slots) + " |")
                if n == 0:
                    lines.append("|" + "---|" * width)
            lines.append("")
        elif kind == "heading":
            lines += [f"## {body}", ""]
        elif kind == "title":
            lines += [f"# {body}", ""]
        else:
            lines += [body, ""]
    return "\n".join(lines)


def render_html(blocks, once=False):
    out = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>年度报告</title></head><body>']
    for kind, body in blocks:
        if kind == "table":
            out.append('<table border="1">')
            for cells in body:
                tds = "".join(f"<td{f' colspan={cs}' if cs > 1 else ''}{f' rowspan={rs}' if rs > 1 else ''}>"
                              f"{text}</td>" for text, cs, rs in cells)
                out.append(f"<tr>{tds}</tr>")
            out.append("</table>")
        elif kind == "title":
            out.append(f"<h1>{body}</h1>")
        else:
            out.append(f"<p>{body}</p>")
    out.append("</body></html>")
    return "\n".join(out)


def render_docx(blocks, once=False):
    import docx

    document = docx.Document()
    for kind, body in blocks:
        if kind != "table":
            document.add_paragraph(body)
            continue
        slots = expand(body)
        width = max(map(len, slots))
        table = document.add_table(rows=len(slots), cols=width)
        for r, cells in enumerate(body):
            col = 0
            for text, cs, rs in cells:
                while slots[r][col] is None and col < width:
                    col += 1
                target = table.cell(r, col)
                if cs > 1 or rs > 1:
                    target = target.merge(table.cell(r + rs - 1, col + cs - 1))
                target.text = text
                col += cs
    data = io.BytesIO()
    document.save(data)
    return _fixed_zip(data.getvalue())


def _fixed_zip(data):
    """The .docx with fixed timestamps, so a rebuild writes the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, (2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def render_pipe_cells(blocks, once=False):
    """A table flattened one cell a line, each ending in `` |``, bare ``||`` lines where spanned cells were
    (龙口镇 2022, 佳荣里街 2021)."""
    lines = []
    for kind, body in blocks:
        if kind != "table":
            lines.append(body)
            continue
        for slots in expand(body):
            run = 0
            for slot in [*slots, "<end>"]:
                if not slot:
                    run += 1
                    continue
                lines += ["|" * run] if run else []
                run = 0
                lines += [f"{slot} |"] if slot != "<end>" else []
    return "\n".join(lines) + "\n"


def render_pipe_rows(blocks, once=False):
    """All cells of a row on one line, each ending in `` |`` (丰收乡 2022: ``规章 | 0 | 0 | 0 | |``)."""
    lines = []
    for kind, body in blocks:
        if kind == "table":
            lines += [" ".join(f"{slot or ''} |".lstrip() for slot in slots) for slots in expand(body)]
        else:
            lines.append(body)
    return "\n".join(lines) + "\n"


def render_oneline(blocks, once=False):
    """A crawler's text (平潭 files): a field header, then the report on one line; a table's words joined by a
    space, a row's values glued when each is one digit (``1．属于国家秘密0000000``), else one space apart; the
    signature glued to the end."""
    parts = []
    for kind, body in blocks[:-2]:
        if kind != "table":
            parts.append(body)
            continue
        for slots in expand(body):
            words = [s for s in slots if s]
            values = [w for w in words if w.lstrip("-").replace(".", "", 1).isdigit()]
            labels = [w for w in words if w not in values]
            glue = "" if all(len(v) == 1 for v in values) else " "
            parts.append(" ".join(labels) + glue.join(values))
    title = blocks[0][1] if blocks[0][0] == "title" else ""
    return (f"标题: {title}\n发布时间: 2023-02-20 15:07\n==================== 正文 ====================\n"
            + " ".join(parts) + " " + blocks[-2][1] + blocks[-1][1] + "\n")


RENDERERS = {"text": (render_text_cells, ".txt"), "text-tabbed": (render_text_tabbed, ".txt"),
             "tsv": (render_tsv, ".txt"), "markdown": (render_markdown, ".md"), "html": (render_html, ".html"),
             "docx": (render_docx, ".docx"), "pipe-cells": (render_pipe_cells, ".txt"),
             "pipe-rows": (render_pipe_rows, ".txt"), "oneline": (render_oneline, ".txt")}
FORMAT_OF = {"text": "text", "text-tabbed": "text", "tsv": "tsv", "markdown": "markdown", "html": "html",
             "docx": "docx", "pipe-cells": "text", "pipe-rows": "text", "oneline": "text"}


# ---- Variants: each edits the blocks (and the truth where the document means something else) -----------

def _heading_index(blocks, key):
    return next(i for i, (k, b) in enumerate(blocks) if k == "heading" and b == HEADINGS[key])


def wrap(key, at):
    """A heading wrapped over two lines (``三、 收到和处理政府`` / ``信息公开申请情况``)."""
    def edit(blocks, truth):
        i = _heading_index(blocks, key)
        text = blocks[i][1]
        blocks[i:i + 1] = [("para", text[:at]), ("para", text[at:])]
    return edit


def page_break(key, at):
    """A heading split by a page break: its two halves with a page number between."""
    def edit(blocks, truth):
        i = _heading_index(blocks, key)
        text = blocks[i][1]
        blocks[i:i + 1] = [("para", text[:at]), ("para", "- 3 -"), ("para", text[at:])]
    return edit


def reword(key, text):
    """A heading printed in other words (与/和 for 、, a typo, another number)."""
    def edit(blocks, truth):
        i = _heading_index(blocks, key)
        blocks[i] = ("heading", text)
    return edit


def drop_heading(key):
    def edit(blocks, truth):
        del blocks[_heading_index(blocks, key)]
    return edit


def _table_after(blocks, key):
    i = _heading_index(blocks, key)
    return next(b for k, b in blocks[i:] if k == "table")


def header_typo(old, new):
    """A column header or label misspelt."""
    def edit(blocks, truth):
        for kind, body in blocks:
            if kind == "table":
                for cells in body:
                    for c in cells:
                        if c[0] == old:
                            c[0] = new
    return edit


def review_zeros_short():
    """Section 四 with every value 0 but only 14 of the 15 printed (seed 000 does this)."""
    def edit(blocks, truth):
        grid = _table_after(blocks, "review_litigation")
        grid[-1] = [cell(0) for _ in range(14)]
        truth["review_litigation"] = {g: dict.fromkeys(f, 0) for g, f in REVIEW.items()}
    return edit


def long_row(label, extra="0"):
    """A row with one value more than its columns (seed 000: three 0s under two columns)."""
    def edit(blocks, truth):
        for kind, body in blocks:
            if kind == "table":
                for cells in body:
                    if cells and cells[0][0] == label:
                        cells[-1][1] = 1
                        cells.append(cell(extra))
    return edit


def zero_row(label, key, section):
    """A row whose values are all 0 (so a missing or surplus 0 is still read by the sums)."""
    def edit(blocks, truth):
        for kind, body in blocks:
            if kind == "table":
                for cells in body:
                    for n, c in enumerate(cells):
                        if c[0] == label:
                            for value in cells[n + 1:]:
                                value[0] = "0"
        table = truth[section][key]
        for k in table:
            table[k] = 0
    return edit


def short_row(label):
    """A row with its first value left out (no blank cell where it was)."""
    def edit(blocks, truth):
        for kind, body in blocks:
            if kind == "table":
                for cells in body:
                    for n, c in enumerate(cells):
                        if c[0] == label:
                            del cells[n + 1]
                            return
    return edit


def duplicate_four_row():
    """``四、结转下年度继续办理`` printed as a paragraph under the table too (a row, not section 四)."""
    def edit(blocks, truth):
        i = _heading_index(blocks, "review_litigation")
        blocks.insert(i, ("para", "四、结转下年度继续办理"))
    return edit


def contents():
    """A table of contents after the title (目录 and the six headings), as reports converted from print have."""
    def edit(blocks, truth):
        blocks[1:1] = [("para", "目录"), *[("para", h) for h in HEADINGS.values()]]
    return edit


def nulls_for(section, key, columns=None):
    """Where a variant leaves a value the document does not fix, the truth is null."""
    def edit(blocks, truth):
        table = truth[section][key]
        for k in columns or table:
            table[k] = None
    return edit


def retitle(title, *, lines=None, agency=None):
    """The title in other words (``lines``: as printed, over several lines); ``agency``: the body the truth
    names when the title abbreviates it (府谷县: ``县政府办2022年度…``, the signature naming it in full)."""
    def edit(blocks, truth):
        blocks[0:1] = [("para", line) for line in lines] if lines else [("title", title)]
        truth["title"] = title
        if agency:
            truth["agency"] = agency
    return edit


def front(*lines, published=None):
    """Lines before the title: page chrome (``听全文``, breadcrumbs), or after it when ``published`` (the body and
    ``2022年01月18日来源:1`` under the title, 迎宾路街道 2021): that date is the page's publish date."""
    def edit(blocks, truth):
        if published:
            blocks[1:1] = [("para", line) for line in lines]
            truth["published"] = published
        else:
            blocks[0:0] = [("para", line) for line in lines]
    return edit


def meta_table(published):
    """A metadata table (索引号, 分类, 发布机构, 发布日期, 标题) holding the only title."""
    def edit(blocks, truth):
        grid = [[cell("索引号"), cell("11330781002/2023-00012"), cell("分类"), cell("政府信息公开年报")],
                [cell("发布机构"), cell(truth["agency"]), cell("发布日期"), cell(published)],
                [cell("标题"), cell(truth["title"], 3)]]
        blocks[0:1] = [("table", grid)]
        truth["published"] = published
    return edit


def prose_year(year, agency):
    """A title without its year, which only the opening sentence names (迎宾路街道 2021)."""
    def edit(blocks, truth):
        blocks[0] = ("title", f"{agency}政府信息公开工作年度报告")
        blocks.insert(1, ("para", f"现将{year}年{agency}政府信息公开情况报告如下。"))
        truth["title"] = blocks[0][1]
    return edit


def published_at(date):
    """The published date a crawler header states (``发布时间: 2023-02-20 15:07``)."""
    def edit(blocks, truth):
        truth["published"] = date
    return edit


DOCS = [
    # (name, renderer, version, agency, year, signed, variants)
    ("wrap3-text", "text", "2021", "宁远县交通运输局", 2022, "2023年1月18日", [wrap("applications", 8)]),
    ("wrap3-html", "html", "2021", "宁远县交通运输局", 2022, "2023年1月18日", [wrap("applications", 9)]),
    ("wrap3-docx", "docx", "2021", "宁远县交通运输局", 2022, "2023年1月18日", [wrap("applications", 8)]),
    ("wrap4-tsv", "tsv", "2021", "青川县水利局", 2021, "2022年1月20日", [wrap("review_litigation", 10)]),
    ("wrap4-md", "markdown", "2021", "青川县水利局", 2021, "2022年1月20日", [wrap("review_litigation", 12)]),
    ("wrap2-tabbed", "text-tabbed", "2019", "东阳市商务局", 2020, "2021年1月25日", [wrap("proactive", 6)]),
    ("pagebreak3-text", "text", "2021", "永春县教育局", 2023, "2024年1月16日", [page_break("applications", 10)]),
    ("pagebreak4-docx", "docx", "2021", "永春县教育局", 2023, "2024年1月16日",
     [page_break("review_litigation", 11)]),
    ("yu4-text", "text", "2021", "武夷山市林业局", 2022, "2023年1月30日",
     [reword("review_litigation", "四、政府信息公开行政复议与行政诉讼情况")]),
    ("he4-html", "html", "2021", "武夷山市林业局", 2022, "2023年1月30日",
     [reword("review_litigation", "四、政府信息公开行政复议和行政诉讼情况")]),
    ("yu4-tsv", "tsv", "2019", "海门区民政局", 2020, "2021年1月28日",
     [reword("review_litigation", "四、政府信息公开行政复议与诉讼情况")]),
    ("typo2-text", "text", "2021", "新泰市卫生健康委员会", 2022, "2023年1月12日",
     [reword("proactive", "二、主动公开政府信息况")]),
    ("typo3-html", "html", "2021", "新泰市卫生健康委员会", 2022, "2023年1月12日",
     [reword("applications", "三、收到和处理政府信息公开申请的情况")]),
    ("number3-docx", "docx", "2019", "海门区民政局", 2020, "2021年1月28日",
     [reword("applications", "3、 收到和处理政府信息公开申请情况"),
      reword("problems", "5、 存在的主要问题及改进情况")]),
    ("missing3-text", "text", "2021", "南靖县自然资源局", 2022, "2023年1月19日", [drop_heading("applications")]),
    ("missing3-html", "html", "2021", "南靖县自然资源局", 2022, "2023年1月19日", [drop_heading("applications")]),
    ("missing4-tsv", "tsv", "2021", "南靖县自然资源局", 2022, "2023年1月19日", [drop_heading("review_litigation")]),
    ("missing4-docx", "docx", "2019", "东阳市商务局", 2020, "2021年1月25日", [drop_heading("review_litigation")]),
    ("missing2-md", "markdown", "2021", "南靖县自然资源局", 2022, "2023年1月19日", [drop_heading("proactive")]),
    ("missing34-text", "text-tabbed", "2021", "仙居县市场监督管理局", 2021, "2022年1月14日",
     [drop_heading("applications"), drop_heading("review_litigation")]),
    ("dup4-text", "text", "2021", "仙居县市场监督管理局", 2021, "2022年1月14日", [duplicate_four_row()]),
    ("dup4-tsv", "tsv", "2019", "东阳市商务局", 2020, "2021年1月25日", [duplicate_four_row(), wrap("applications", 7)]),
    ("zeros4-text", "text-tabbed", "2019", "塔河县工业和信息化局", 2020, "2021年1月30日", [review_zeros_short()]),
    ("zeros4-html", "html", "2021", "塔河县工业和信息化局", 2021, "2022年1月30日", [review_zeros_short()]),
    ("longfees-tabbed", "text-tabbed", "2019", "塔河县工业和信息化局", 2020, "2021年1月30日",
     [zero_row("行政事业性收费", "fees", "proactive"), long_row("行政事业性收费")]),
    ("longrow-unequal-text", "text", "2019", "塔河县工业和信息化局", 2020, "2021年1月30日",
     [long_row("行政许可", "9"), nulls_for("proactive", "licensing")]),
    ("short3-text", "text", "2021", "梁平区司法局", 2022, "2023年2月3日",
     [zero_row("2．重复申请", "not_processed_duplicate", "applications"), short_row("2．重复申请")]),
    ("short3-ambiguous-text", "text", "2021", "梁平区司法局", 2022, "2023年2月3日",
     [short_row("（一）予以公开"), nulls_for("applications", "granted")]),
    ("spans-once-tsv", "tsv", "2021", "梁平区司法局", 2022, "2023年2月3日", []),
    ("spans-once-wrap-tsv", "tsv", "2019", "海门区民政局", 2020, "2021年1月28日", [wrap("applications", 8)]),
    ("typo-header-text", "text", "2019", "东阳市商务局", 2020, "2021年1月25日",
     [header_typo("本年新制作数量", "本年新制做数量"), header_typo("处理决定数量", "处理决定数")]),
    ("typo-header-html", "html", "2021", "青川县水利局", 2021, "2022年1月20日",
     [header_typo("本年制发件数", "本年制发件")]),
    ("plain-md", "markdown", "2019", "永春县教育局", 2020, "2021年1月22日", []),
    ("plain-docx", "docx", "2021", "武夷山市林业局", 2021, "2022年1月27日", []),
    ("contents-text", "text", "2021", "宁远县交通运输局", 2023, "2024年1月22日", [contents()]),
    ("contents-docx", "docx", "2019", "青川县水利局", 2020, "2021年1月29日", [contents(), wrap("applications", 8)]),
    ("pipe-cells", "pipe-cells", "2021", "宁远县交通运输局", 2022, "2023年1月18日", []),
    ("pipe-rows", "pipe-rows", "2019", "东阳市商务局", 2020, "2021年1月25日",
     [header_typo("采购总金额", "采购总金额(万元)")]),
    ("chrome-yearfirst-text", "text", "2021", "南靖县自然资源局", 2022, "2023年1月19日",
     [retitle("2022年南靖县自然资源局政府信息公开工作年度报告"),
      front("听全文", "字号：大 中 小", "首页 > 政务公开 > 政府信息公开年报 > 2022 > 正文")]),
    ("metatable-html", "html", "2021", "武夷山市林业局", 2022, "2023年1月30日", [meta_table("2023-02-01")]),
    ("body-under-title-docx", "docx", "2021", "武夷山市林业局", 2021, "2022年1月18日",
     [retitle("2021年武夷山市林业局政府信息公开工作年度报告"),
      front("武夷山市林业局", "2022年01月18日来源:1", published="2022-01-18")]),
    ("abbreviated-text", "text", "2021", "安溪县人民政府办公室", 2022, "2023年2月3日",
     [retitle("县政府办2022年度政府信息公开工作年度报告", agency="安溪县人民政府办公室")]),
    ("prose-year-md", "markdown", "2021", "螺洋街道办事处", 2021, "2022年1月14日",
     [prose_year(2021, "螺洋街道办事处")]),
    ("wide-title-text", "text", "2021", "龙游县人民政府办公室", 2021, "2022年1月20日",
     [retitle("龙游县人民政府办公室2021年政府信息公开工作年度报告",
              lines=["          龙游县人民政府办公室2021年政府          ", "          信息公开工作年度报告",
                     "(2022年1月)"])]),
    ("oneline-missing2", "oneline", "2021", "平潭综合实验区君山片区管理局", 2022, "2023年1月9日",
     [drop_heading("proactive"), published_at("2023-02-20")]),
    ("oneline-numbered2", "oneline", "2019", "平潭综合实验区国有资产管理局", 2020, "2021年1月7日",
     [reword("proactive", "（二）主动公开政府信息情况"), published_at("2023-02-20")]),
    # independent corpus seeds 41 and 42 (session 7): a heading broken by a page number in a one-line body
    ("oneline-pagebreak2", "oneline", "2021", "洛阳市生态环境局", 2021, "2022年1月20日",
     [page_break("proactive", 8), published_at("2023-02-20")]),
]
ONCE = {"spans-once-tsv", "spans-once-wrap-tsv", "dup4-tsv"}


APPLICANTS = C7[:-1]
LEAF_ROWS = ("granted", "partially_granted", *(k for _, _, keys in LEAVES for k in keys), "other_handling",
             *OTHER_2021[2])


def failing_checks(truth):
    """The template's four cross-checks (TEMPLATE.md) on the truth's numbers: ``[rule, where]`` of each failing
    one. A check that meets a null fails (a value the document does not fix cannot close a sum)."""
    def fails(parts, total):
        return None in parts or total is None or abs(sum(parts) - total) > 1e-6

    apps, out = truth["applications"], []
    for column in C7:
        new, old, handled, forward = (apps[k][column] for k in ("new_received", "carried_over", "total_handled",
                                                                 "carried_forward"))
        if fails([new, old], None if handled is None or forward is None else handled + forward):
            out.append(["applications.balance", column])
    for key, values in apps.items():
        if fails([values[c] for c in APPLICANTS], values["total"]):
            out.append(["applications.row_total", key])
    for column in C7:
        if fails([apps[k][column] for k in LEAF_ROWS if k in apps], apps["total_handled"][column]):
            out.append(["applications.handled_total", column])
    for group, values in truth["review_litigation"].items():
        if fails([values[f] for f in ("upheld", "corrected", "other", "pending")], values["total"]):
            out.append(["review_litigation.total", group])
    return sorted(out)


def build():
    for old in HERE.glob("v*_*"):
        old.unlink()
    for number, (name, renderer, version, agency, year, signed, variants) in enumerate(DOCS, 1):
        blocks, truth = report(agency, year, version, signed)
        for edit in variants:
            edit(blocks, truth)
        truth["failing_checks"] = failing_checks(truth)
        render, suffix = RENDERERS[renderer]
        file = f"v{number:02d}_{name}{suffix}"
        data = render(blocks, once=name in ONCE)
        (HERE / file).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        truth = {"file": file, "format": FORMAT_OF[renderer], "layout": renderer,
                 "features": sorted(f.__qualname__.split(".")[0] for f in variants) or ["plain"], **truth}
        (HERE / f"v{number:02d}_{name}.truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(DOCS)} reports in {HERE}")


if __name__ == "__main__":
    build()
