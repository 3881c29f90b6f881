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

Run::

    python benchmarks/independent.py OUT --count 300 --seed 13
    nianbao score OUT

``tests/test_independent.py`` runs a slice (40 reports, seed 13) and asserts no wrong non-null value.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
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
FORMATS = ("text", "text-tabbed", "tsv", "markdown", "html", "docx")
CN_DIGITS = "〇一二三四五六七八九"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ASCII = str.maketrans("０１２３４５６７８９", "0123456789")
NONE_WORDS = ("—", "-", "/", "无")
#: Other wordings of the section headings, as real reports print them (与/和 for 、, 的, other numbers).
REWORDED = {
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
        if fmt != "text":
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
              "other_handling": "（六）其他处理", "carried_forward": "四、结转下年度继续办理"}
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
        if fmt in ("markdown", "docx"):
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


def title_variant(rng, agency, year):
    """A title in the words real reports use; ``(title text, blocks for it, in <title> only)``."""
    forms = (f"{agency}{year}年政府信息公开工作年度报告", f"{agency}{year}年政府信息公开工作年报",
             f"{agency}{year}年度政府信息公开工作报告", f"{agency}关于{year}年政府信息公开工作的年度报告")
    title = rng.choice(forms)
    shape = rng.choice(("one", "one", "two", "title-only"))
    if shape == "two":
        return title, [("para", agency), ("para", title[len(agency):])], False
    return title, [("title", title)], shape == "title-only"


# ---- One report ---------------------------------------------------------------------------------------------

def one(rng, number):
    agency = rng.choice(AGENCIES)
    year = rng.randint(2019, 2024)
    version = "2019" if year <= 2020 else "2021"
    fmt = rng.choice(FORMATS)
    sy, sm, sd = year + 1, rng.randint(1, 3), rng.randint(1, 28)
    numbers = (proactive(rng, version), applications(rng, version), review(rng))
    period = [f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"] if rng.random() < 0.4 else []
    blocks, truth = build.report(agency, year, version, f"{sy}年{sm}月{sd}日", extra_front=period, numbers=numbers)
    title, title_blocks, title_only = title_variant(rng, agency, year)
    blocks[0:1] = title_blocks if not (title_only and fmt == "html") else []
    truth["title"] = title
    blocks[-1] = ("para", signature_date(rng, sy, sm, sd))
    features, edits = [], []

    def maybe(chance, name, edit):
        if rng.random() < chance:
            features.append(name)
            edits.append(edit)

    maybe(0.15, "duplicate_four_row", build.duplicate_four_row())
    maybe(0.1, "contents", contents(len(blocks[:blocks.index(("heading", build.HEADINGS["overview"]))])))
    short = set()
    maybe(0.2, "short_zero_row", short_zero_row(rng, fmt, short))
    maybe(0.25, "none_spellings", none_spellings(rng))
    maybe(0.2, "full_width", full_width(rng))
    maybe(0.15, "blank_cell", blank_cell(rng, fmt, short))
    # a heading edit last: the edits above find the headings as the template prints them
    key = rng.choice(("proactive", "applications", "review_litigation"))
    heading = build.HEADINGS[key]
    what = rng.choice(("wrap", "page_break", "reword", "drop", None, None))
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
    for edit in edits:
        edit(blocks, truth)
    truth["failing_checks"] = build.failing_checks(truth)
    once = fmt == "tsv" and rng.random() < 0.5
    features += [*(["spans_once"] if once else []), *(["period"] if period else []), f"title-{title_blocks[0][0]}"]
    render, suffix = build.RENDERERS[fmt]
    data = render(blocks, once=once)
    if fmt == "html":
        data = data.replace("<title>年度报告</title>", f"<title>{title}</title>" if title_only else
                            "<title>政府信息公开</title>")
        features.append("title-only" if title_only else "title-h1")
    name = f"i{number:04d}_{fmt}{suffix}"
    return name, data, {"file": name, "format": build.FORMAT_OF[fmt], "layout": fmt,
                        "features": sorted(set(features)) or ["plain"], **truth}


def generate(directory, count, seed):
    """Write ``count`` reports and their truths into ``directory``; the same seed writes the same corpus."""
    rng = random.Random(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        name, data, truth = one(rng, number)
        (directory / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        (directory / f"{Path(name).stem}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1),
                                                                 encoding="utf-8")
    return directory


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    generate(args.directory, args.count, args.seed)
    print(f"{args.count} reports in {args.directory} (seed {args.seed})")


if __name__ == "__main__":
    sys.exit(main())
