"""Plain-text renderers in the three layouts of the seed reports.

- ``text-cells`` (seeds 000, 004): Word's text export. One table cell a line
  with a leading tab (a cell's later lines without it), a blank line after each
  row; a vertically merged cell leaves an empty cell in the rows it continues
  into; export noise such as ``[image: …]``.
- ``text-paragraphs`` (seeds 002, 003): text scraped from a web page. Every
  paragraph and every cell its own line with blank lines between, no trace of
  rows; a publish line, a repeated title and the site's footer.
- ``tsv`` (seed 001): one table row a line, every grid slot a tab-separated
  cell (merged slots empty), now and then a row that lost its leading tabs.
"""

from __future__ import annotations

import random

from .grid import Grid, Style
from .model import Spec
from .page import DATE, PARA, PUBLISH, SIGNER, TABLE, TITLE, Block, site_of

#: Site footer lines of a scraped web page (their markers end the report).
FOOTER: tuple[str, ...] = (
    "扫一扫在手机打开当前页",
    "网站声明 | 联系我们 | 网站地图 | 网站纠错",
    "主办:{site}人民政府 版权所有© 承办:{site}人民政府办公室",
    "网站标识码:{code} 津ICP备{icp}号-1津公网安备 {code}号",
    "jiucuo.png",
)


def footer(spec: Spec, rng: random.Random) -> list[str]:
    """The chrome lines after a scraped report."""
    code = str(rng.randint(1000000000, 9999999999))
    return [line.format(site=site_of(spec), code=code, icp=rng.randint(10000000, 99999999)) for line in FOOTER]


def encode(text: str, rng: random.Random, features: list[str]) -> bytes:
    """Text as a file holds it: UTF-8 (sometimes with a BOM) or GBK (Chinese Windows' ANSI), LF or CRLF."""
    if rng.random() < 0.2:
        features.append("text:crlf")
        text = text.replace("\n", "\r\n")
    if rng.random() < 0.15:
        features.append("text:gbk")
        return text.encode("gbk", errors="replace")  # only the footer's © is outside GBK
    if rng.random() < 0.05:
        features.append("text:bom")
        return text.encode("utf-8-sig")
    return text.encode("utf-8")


# ---- text-cells ------------------------------------------------------------------


def _cell_lines(text: str) -> list[str]:
    first, *rest = text.split("\n")
    return [f"\t{first}", *rest]


def _cells_table(grid: Grid) -> list[str]:
    """A table as Word exports it to text: a cell a line, merged-down slots as empty cells."""
    lines: list[str] = []
    for row in grid.slots():
        for cell, origin in row:
            lines.extend(_cell_lines(cell.text) if origin else ["\t"])
        lines.append("")
    return lines


def render_text_cells(blocks: list[Block], spec: Spec, style: Style, rng: random.Random,
                      features: list[str]) -> bytes:
    """Seed 000/004 layout."""
    noise = rng.random() < 0.3
    if noise:
        features.append("text:export-noise")
    lines: list[str] = []
    previous = None
    for block in blocks:
        if block.kind == TABLE:
            assert block.grid is not None
            if previous != TABLE and rng.random() < 0.3:
                lines.append("")
            lines.extend(_cells_table(block.grid))
        elif block.kind == TITLE:
            lines.extend(block.lines)
            lines.append("")
        elif block.kind in (SIGNER, DATE):
            lines.append(" " * rng.choice([0, 7, 20]) + block.text)
        else:
            indent = " " * rng.choice([0, 0, 0, 5]) if block.kind != PARA else ""
            if previous == TABLE:
                lines.append("")
            if noise and block.kind == PARA and rng.random() < 0.15:
                lines.append(f"[image: {rng.getrandbits(64):x}]")
            bookmark = "[bookmark: _GoBack]" if noise and block.kind == PARA and rng.random() < 0.05 else ""
            lines.append(indent + bookmark + block.text)
        previous = block.kind
    return encode("\n".join(lines) + "\n", rng, features)


# ---- text-paragraphs ---------------------------------------------------------------


def render_text_paragraphs(blocks: list[Block], spec: Spec, style: Style, rng: random.Random,
                           features: list[str]) -> bytes:
    """Seed 002/003 layout: every paragraph and every cell on its own, blank lines between."""
    paras: list[str] = []
    for block in blocks:
        if block.kind == TABLE:
            assert block.grid is not None
            for row in block.grid.rows():
                for cell in row:
                    paras.extend(part for part in cell.text.split("\n") if part.strip())
        elif block.kind == TITLE:
            paras.extend(block.lines)
        elif block.kind == PUBLISH:
            paras.append(block.text)
            if rng.random() < 0.4:
                paras.append("字号:")
            if rng.random() < 0.3:
                features.append("title:repeated")
                paras.append(spec.title)
        else:
            indent = " " * rng.choice([0, 0, 4]) if block.kind != PARA else ""
            paras.append(indent + block.text)
    if spec.published is not None:
        features.append("web:footer")
        paras.extend(footer(spec, rng))
    return encode("\n\n".join(paras), rng, features)


# ---- tsv -------------------------------------------------------------------------------


def _tsv_row(slots: list[str], rng: random.Random, stray: float) -> str:
    lead = next((i for i, s in enumerate(slots) if s.strip()), 0)
    if lead and rng.random() < stray:  # a row that lost its leading tabs (seed 001)
        slots = [slots[lead], "", *slots[lead + 1:], *[""] * (lead - 1)]
    return "\t".join(slots)


def _tsv_table(grid: Grid, rng: random.Random, stray: float, *, once: bool = False) -> list[str]:
    """A grid as tab rows; ``once``: a merged cell written once, the slots it covers left out, not empty."""
    if once:
        return ["\t".join(cell.text.replace("\n", "") for cell, origin in row if origin) for row in grid.slots()]
    lines = []
    for row in grid.rows():
        slots = [""] * grid.width
        for cell in row:
            slots[cell.col] = cell.text.replace("\n", "")
        lines.append(_tsv_row(slots, rng, stray))
    return lines


def render_tsv(blocks: list[Block], spec: Spec, style: Style, rng: random.Random, features: list[str]) -> bytes:
    """Seed 001 layout: paragraphs between blank lines, a table row a tab-separated line."""
    stray = 0.05 if rng.random() < 0.3 else 0.0
    if stray:
        features.append("tsv:stray-rows")
    once = "tsv:spans-once" in features  # drawn with the other real-report variants (corpus.plan_one)
    paras: list[str] = ["", ""]
    for block in blocks:
        if block.kind == TABLE:
            assert block.grid is not None
            if block.section == "review_litigation" and rng.random() < 0.2:
                paras.append("--\t--")
            paras.append("\n".join(_tsv_table(block.grid, rng, stray, once=once)))
        elif block.kind == TITLE:
            paras.append("\n".join(block.lines))
        else:
            paras.append(block.text)
    return encode("\n\n".join(paras), rng, features)
