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
from .page import Block, blocks_of
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


def render_one(seed: int, index: int, fmt: str) -> Rendered:
    """Report ``index`` of corpus ``seed`` in format ``fmt``."""
    rng = random.Random(f"nianbao-synth:{seed}:{index}:{fmt}")
    layout = rng.choice(LAYOUTS[fmt])
    renderer, ext, web = RENDERERS[layout]
    if layout == "text-paragraphs":
        web = rng.random() < 0.6
    features: list[str] = []
    spec = make_spec(rng, web=web)
    style = Style.draw(rng, features)
    one_table = rng.random() < 0.6
    blocks = blocks_of(spec, style, rng, one_table=one_table, publish=web, intro=rng.random() < 0.2,
                       split=layout in SPLIT_LAYOUTS, features=features)
    data = renderer(blocks, spec, style, rng, features)
    name = f"{index:05d}_{layout}{ext}"
    truth = truth_of(spec, file=name, fmt=fmt, layout=layout, features=features)
    return Rendered(name, data, truth)


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
