"""A report as a sequence of printable blocks, shared by every renderer.

The blocks are what any format prints, in reading order: title lines, a web
page's publish line, section headings, prose paragraphs, the statistics
tables (as :class:`~nianbao.synth.grid.Grid`), and the signature. Renderers
decide only how each block looks in their format.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from . import variants, vocab
from .grid import APPLICATION_HEADER_ROWS, Grid, Style, applications_grid, proactive_grids, review_grid, split_grid
from .model import Spec

TITLE, PUBLISH, HEADING, PARA, TABLE, SIGNER, DATE = "title", "publish", "heading", "para", "table", "signer", "date"

_CN_DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True, slots=True)
class Block:
    """One printable unit: ``kind`` plus its text, its lines (a title) or its grid (a table)."""

    kind: str
    text: str = ""
    lines: tuple[str, ...] = ()
    grid: Grid | None = None
    section: str | None = None  # the section a heading opens, or a paragraph or table belongs to


def site_of(spec: Spec) -> str:
    """The portal's owner: the place the agency belongs to (the agency's name up to its last place word)."""
    for marker in ("区", "县", "市", "州", "地区"):
        cut = spec.agency.find(marker)
        if 0 < cut < len(spec.agency) - 2:
            return spec.agency[: cut + len(marker)]
    return spec.agency


def runs(text: str, rng: random.Random, max_cuts: int) -> list[str]:
    """``text`` cut at up to ``max_cuts`` arbitrary points, as Word's edit history splits runs."""
    if len(text) < 2 or max_cuts < 1:
        return [text]
    cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(1, max_cuts))))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def cn_date(day: dt.date) -> str:
    """A date in Chinese numerals: ``二〇二二年一月十三日``."""
    year = "".join(_CN_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{_cn_small(day.month)}月{_cn_small(day.day)}日"


def _cn_small(n: int) -> str:
    tens, units = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[units]
    return f"{'' if tens == 1 else _CN_DIGITS[tens]}十{_CN_DIGITS[units] if units else ''}"


def date_text(day: dt.date, rng: random.Random) -> str:
    """A signature date as printed: ``2022年1月13日``, zero-padded, or in Chinese numerals."""
    roll = rng.random()
    if roll < 0.8:
        return f"{day.year}年{day.month}月{day.day}日"
    if roll < 0.93:
        return f"{day.year}年{day.month:02d}月{day.day:02d}日"
    return cn_date(day)


def publish_text(spec: Spec, rng: random.Random) -> str:
    """A web page's publish line (``发布时间:2023-01-17 10:04``) in one of its common forms."""
    assert spec.published is not None
    at = spec.published
    source = rng.choice([spec.agency, "", "本网"])
    forms = (
        f"发布时间：{at:%Y-%m-%d %H:%M}",
        f"发布时间:{at:%Y-%m-%d %H:%M}      来源:{source}",
        f"发布日期:{at:%Y-%m-%d} 来源:{source} 访问量:{rng.randint(1, 3000)}",
        f"发布时间：{at:%Y年%m月%d日}　来源：{source}",
        f"发布日期：{at:%Y-%m-%d}　浏览次数：{rng.randint(1, 3000)}",
    )
    return rng.choice(forms)


#: Share of headings printed in a real report's other words (:data:`variants.HEADINGS`).
P_REAL_HEADING = 0.08
#: Share of headings wrapped over two lines, and of those a page number between the halves.
P_WRAPPED, P_PAGE_BREAK = 0.04, 0.3


def heading(section: str, number: int, rng: random.Random, *, arabic: bool, features: list[str],
            variety: random.Random | None = None) -> list[str]:
    """A section heading, numbered ``一、`` or (as some reports misprint it) ``2、``, now and then in other words.

    A list of lines. With ``variety`` (the draws of :mod:`variants`, kept apart
    so a corpus without them is drawn as before), now and then a heading real
    reports print instead, or one wrapped over two lines (with a page number
    between the halves, sometimes).
    """
    prefix = variants.ARABIC_NUMBER.format(n=number) if arabic and number > 1 and rng.random() < 0.5 \
        else f"{vocab.cn(number)}、"
    words = vocab.HEADINGS[section]
    if section in vocab.HEADING_VARIANTS and rng.random() < 0.06:
        words = rng.choice(vocab.HEADING_VARIANTS[section])
        features.append("headings:variants")
    elif variety is not None and section in variants.HEADINGS and variety.random() < P_REAL_HEADING:
        words = variety.choice(variants.HEADINGS[section])[0]
        features.append("headings:real-variants")
    if variety is not None and section in variants.WRAPS and variety.random() < P_WRAPPED:
        at = min(variety.choice(variants.WRAPS[section]), len(words) - 2)
        features.append("headings:wrapped")
        if variety.random() < P_PAGE_BREAK:
            features.append("headings:page-break")
            return [prefix + words[:at], variety.choice(variants.PAGE_NUMBERS), words[at:]]
        return [prefix + words[:at], words[at:]]
    return [prefix + words]


#: Share of reports (in layouts that allow it) whose section 三 table is split in two.
P_SPLIT = 0.15


def applications_tables(spec: Spec, style: Style, rng: random.Random, *, split: bool,
                        features: list[str]) -> list[Grid]:
    """Section 三's table, or (``split``, sometimes) its two parts across a page break."""
    grid = applications_grid(spec, style, rng)
    if not split or rng.random() >= P_SPLIT:
        return [grid]
    at = rng.randint(APPLICATION_HEADER_ROWS + 1, grid.height - 1)
    header = rng.random() < 0.4
    repeat = rng.random() < 0.3
    features.extend(f for f, on in (("table:split", True), ("table:split-header", header),
                                    ("table:split-labels", repeat)) if on)
    return list(split_grid(grid, at, header_rows=APPLICATION_HEADER_ROWS if header else 0, repeat_labels=repeat))


#: Share of reports whose section 四, when all 0, prints one zero too few (variants.SHORT_REVIEW_SOURCE).
P_SHORT_REVIEW = 0.3
#: Share of reports whose zero rows under a merged value cell print a zero per grid column
#: (variants.LONG_ZERO_ROW_SOURCE).
P_LONG_ZERO_ROW = 0.15


def table_variants(blocks: list[Block], variety: random.Random, features: list[str], *, cells_apart: bool) -> None:
    """Print the tables as some real reports do (:mod:`variants`): section 四 a zero short, zero rows long.

    ``cells_apart``: the layout prints each cell on its own (text, tab tables,
    HTML), so a cell left out is gone, not an empty slot of a fixed grid.
    """
    grids = {section: [b.grid for b in blocks if b.kind == TABLE and b.section == section and b.grid]
             for section in ("proactive", "review_litigation")}
    if cells_apart and variety.random() < P_SHORT_REVIEW and _short_zeros(grids["review_litigation"][0], variety):
        features.append("review:short-zeros")
    if variety.random() < P_LONG_ZERO_ROW and any([_long_zero_rows(g) for g in grids["proactive"]]):
        features.append("proactive:long-zero-row")


def _short_zeros(grid: Grid, rng: random.Random) -> bool:
    """Leave one of section 四's value cells out when every one is a printed 0; whether it did."""
    values = [cell for cell in grid.cells if cell.value]
    if not values or any(cell.text.strip() != "0" for cell in values):
        return False
    grid.cells.remove(rng.choice(values))
    return True


def _long_zero_rows(grid: Grid) -> bool:
    """Print a 0 in every grid column a merged zero cell covers (three 0s under two headers); whether any."""
    rows: dict[int, list] = {}
    for cell in grid.cells:
        rows.setdefault(cell.row, []).append(cell)
    changed = False
    for cells in rows.values():
        values = [c for c in cells if c.value]
        last = max(values, key=lambda c: c.col, default=None)
        if last is None or last.colspan < 2 or any(c.text.strip() != "0" for c in values):
            continue
        grid.cells.remove(last)
        for col in range(last.col, last.col + last.colspan):
            grid.add(last.row, col, last.text, value=True)
        changed = True
    return changed


def blocks_of(spec: Spec, style: Style, rng: random.Random, *, one_table: bool, publish: bool,
              features: list[str], intro: bool = False, split: bool = False,
              variety: random.Random | None = None) -> list[Block]:
    """The report's blocks in reading order; ``split`` lets section 三's table break in two.

    ``variety`` draws the habits of real reports listed in :mod:`variants` (headings in other words or
    wrapped, section 四 a zero short, zero rows a zero long); without it none is printed.
    """
    out = [Block(TITLE, lines=spec.title_lines)]
    if publish and spec.published is not None:
        out.append(Block(PUBLISH, publish_text(spec, rng)))
    if intro:
        out.append(Block(PARA, f"根据《中华人民共和国政府信息公开条例》规定，现公布{spec.agency}{spec.year}年"
                               "政府信息公开工作情况。"))
    arabic = rng.random() < 0.05
    tables = {
        "proactive": proactive_grids(spec, style, rng, one_table=one_table),
        "applications": applications_tables(spec, style, rng, split=split, features=features),
        "review_litigation": [review_grid(spec, style, rng)],
    }
    prose = {"overview": spec.overview, "problems": spec.problems, "other": spec.other}
    for number, section in enumerate(vocab.HEADINGS, 1):
        *first, text = heading(section, number, rng, arabic=arabic, features=features, variety=variety)
        if variety is not None and section in variants.HEADINGLESS and variety.random() < variants.P_NO_HEADING:
            features.append("headings:missing")
            out.extend(Block(TABLE, grid=g, section=section) for g in tables.get(section, ()))
            continue
        out.extend(Block(HEADING, line, section=section) for line in first)
        if section == "other" and spec.other_aside:
            out.append(Block(HEADING, f"{text}（无）", section=section))
            continue
        out.append(Block(HEADING, text, section=section))
        out.extend(Block(TABLE, grid=g, section=section) for g in tables.get(section, ()))
        out.extend(Block(PARA, p, section=section) for p in prose.get(section, ()))
    if spec.signed is not None:
        if spec.signer:
            out.append(Block(SIGNER, spec.signer))
        out.append(Block(DATE, date_text(spec.signed, rng)))
    return out
