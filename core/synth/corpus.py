"""Generating a corpus: reports in every format, each with its ground truth beside it.

Report ``i`` of seed ``s`` depends on nothing but ``(s, i)`` and its format,
so a corpus is reproducible and a larger ``n`` only adds files. Formats take
turns; a format with several layouts (``text``) picks one per report.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .grid import Style
from .model import Spec, make_spec, truth_of
from .page import Block, blocks_of, table_variants
from .render_html import render_html
from .render_text import render_text_cells, render_text_paragraphs, render_tsv

FORMATS: tuple[str, ...] = ("text", "tsv", "html", "docx")
#: Format → its layouts (the text format has the two seed layouts).
LAYOUTS: dict[str, tuple[str, ...]] = {
    "text": ("text-cells", "text-paragraphs"),
    "tsv": ("tsv",),
    "html": ("html",),
    "docx": ("docx",),
}
TRUTH_SUFFIX = ".truth.json"
#: Layouts that keep a blank cell apart from the padding of merged cells, so a value left blank is
#: still a slot: not scraped text (a blank cell prints nothing) nor tab tables (a blank at a row's end
#: is indistinguishable from the padding tabs of merged label columns).
BLANK_LAYOUTS = frozenset({"text-cells", "html", "docx"})
#: Layouts whose tables may come split across a page break (documents converted from print).
SPLIT_LAYOUTS = frozenset({"html", "docx"})

Renderer = Callable[[list[Block], Spec, Style, random.Random, list[str]], bytes]


def _render_docx(*args) -> bytes:
    from .render_docx import render_docx  # python-docx is optional: import it only when asked

    return render_docx(*args)


#: Layout → (renderer, file extension, whether it is a web page).
RENDERERS: dict[str, tuple[Renderer, str, bool]] = {
    "text-cells": (render_text_cells, ".txt", False),
    "text-paragraphs": (render_text_paragraphs, ".txt", True),
    "tsv": (render_tsv, ".txt", False),
    "html": (render_html, ".html", True),
    "docx": (_render_docx, ".docx", False),
}


@dataclass(frozen=True, slots=True)
class Rendered:
    """One generated report: its file name, bytes and ground truth."""

    name: str
    data: bytes
    truth: dict


@dataclass(slots=True)
class Plan:
    """A report drawn but not yet printed: what is known before the (possibly slow) renderer runs."""

    name: str
    fmt: str
    layout: str
    spec: Spec
    style: Style
    blocks: list[Block]
    features: list[str]
    rng: random.Random


#: Layouts that print each cell on its own, so a cell left out is gone rather than an empty slot of a grid
#: (a tab table or a Word table keeps the slot: a blank, not a missing cell).
CELLS_APART_LAYOUTS = frozenset({"text-cells", "text-paragraphs", "html"})
#: Share of tab-table reports whose merged cells are written once (variants.SPANS_ONCE_SOURCE).
P_SPANS_ONCE = 0.25


def plan_one(seed: int, index: int, fmt: str, *, real_variants: bool = True) -> Plan:
    """Draw report ``index`` of corpus ``seed`` in format ``fmt``, up to its printable blocks.

    ``real_variants`` adds the habits of real reports of :mod:`nianbao.synth.variants`, drawn from a random
    stream of their own, so the rest of a report is drawn as without them (the committed samples have none).
    """
    rng = random.Random(f"nianbao-synth:{seed}:{index}:{fmt}")
    variety = random.Random(f"nianbao-synth-variants:{seed}:{index}:{fmt}") if real_variants else None
    layout = rng.choice(LAYOUTS[fmt])
    _, ext, web = RENDERERS[layout]
    if layout == "text-paragraphs":
        web = rng.random() < 0.6
    features: list[str] = []
    spec = make_spec(rng, web=web, blanks=layout in BLANK_LAYOUTS)
    style = Style.draw(rng, features)
    one_table = rng.random() < 0.6
    blocks = blocks_of(spec, style, rng, one_table=one_table, publish=web, intro=rng.random() < 0.2,
                       split=layout in SPLIT_LAYOUTS, features=features, variety=variety)
    if variety is not None:
        table_variants(blocks, variety, features, cells_apart=layout in CELLS_APART_LAYOUTS)
        if layout == "tsv" and variety.random() < P_SPANS_ONCE:
            features.append("tsv:spans-once")
    return Plan(f"{index:05d}_{layout}{ext}", fmt, layout, spec, style, blocks, features, rng)


def render_plan(plan: Plan) -> Rendered:
    """Print a planned report in its layout and attach its truth."""
    renderer = RENDERERS[plan.layout][0]
    data = renderer(plan.blocks, plan.spec, plan.style, plan.rng, plan.features)
    truth = truth_of(plan.spec, file=plan.name, fmt=plan.fmt, layout=plan.layout, features=plan.features)
    return Rendered(plan.name, data, truth)


def render_one(seed: int, index: int, fmt: str) -> Rendered:
    """Report ``index`` of corpus ``seed`` in format ``fmt``."""
    return render_plan(plan_one(seed, index, fmt))


def truth_path(report: Path) -> Path:
    """Where a report's truth lives: ``00012_html.html`` → ``00012_html.truth.json``."""
    return report.with_name(report.stem + TRUTH_SUFFIX)


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats asked for, validated."""
    out = tuple(f.strip() for f in formats if f.strip())
    unknown = [f for f in out if f not in LAYOUTS]
    if unknown or not out:
        raise ValueError(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return out


def generate(out: Path, n: int, seed: int, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write ``n`` reports (formats taking turns) and their truths into ``out``; return the report paths."""
    formats = check_formats(formats)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(n):
        rendered = render_one(seed, index, formats[index % len(formats)])
        path = out / rendered.name
        path.write_bytes(rendered.data)
        truth_path(path).write_text(json.dumps(rendered.truth, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


# ---- The committed samples --------------------------------------------------------

#: Seed of the reports committed under ``samples/``.
SAMPLES_SEED = 2024
SAMPLE_PREFIX = "synth_"
#: (format, features the sample must have) in the order they are picked; each report is used once.
SAMPLE_PICKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("html", ("html:gbk",)),
    ("html", ("template:2019+2019",)),
    ("html", ("table:split",)),
    ("html", ("template:2021+2019",)),
    ("docx", ("template:2021+2019",)),
    ("docx", ("table:split",)),
    ("docx", ("template:2019+2019", "title:split-agency")),
    ("docx", ("broken",)),
    ("tsv", ()),
    ("text", ("web:footer",)),
)
MAX_SAMPLE_TRIES = 2000


def sample_set(seed: int = SAMPLES_SEED) -> list[Rendered]:
    """The handful of reports kept under ``samples/``: a variety picked by feature, deterministically."""
    picked: list[Rendered] = []
    used: set[tuple[str, int]] = set()
    for fmt, wanted in SAMPLE_PICKS:
        for index in range(MAX_SAMPLE_TRIES):
            if (fmt, index) in used:
                continue
            plan = plan_one(seed, index, fmt, real_variants=False)
            if fmt == "docx" and not set(wanted) <= {*plan.features, *plan.spec.features}:
                continue  # decided before printing: skip the slow renderer
            rendered = render_plan(plan)
            if set(wanted) <= set(rendered.truth["features"]):
                used.add((fmt, index))
                name = SAMPLE_PREFIX + rendered.name
                picked.append(Rendered(name, rendered.data, {**rendered.truth, "file": name}))
                break
        else:
            raise ValueError(f"no {fmt} report with {wanted} among the first {MAX_SAMPLE_TRIES} of seed {seed}")
    return picked


def write_samples(out: Path, seed: int = SAMPLES_SEED) -> list[Path]:
    """Write the sample reports (without truths: ``samples/`` holds only reports) into ``out``.

    Earlier generated samples (``synth_*``) that are no longer in the set are removed.
    """
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for rendered in sample_set(seed):
        path = out / rendered.name
        path.write_bytes(rendered.data)
        paths.append(path)
    for stale in set(out.glob(f"{SAMPLE_PREFIX}*")) - set(paths):
        stale.unlink()
    return paths


def render_spec(spec: Spec, layout: str, rng: random.Random) -> bytes:
    """Print a spec made elsewhere (:func:`~nianbao.synth.model.series_spec`) in one layout, one table each."""
    renderer, _, _ = RENDERERS[layout]
    features: list[str] = []
    style = Style.draw(rng, features)
    blocks = blocks_of(spec, style, rng, one_table=True, publish=spec.published is not None, intro=False,
                       split=False, features=features)
    return renderer(blocks, spec, style, rng, features)
