"""The batch report's charts: matplotlib figures rendered to SVG text that the page inlines.

Text stays text (``svg.fonttype = none``): the browser draws the Chinese labels with its own fonts, so
the page needs no embedded font and nothing from the network. Category names are drawn inside the axes
above their bars rather than as tick labels, so a machine without a Chinese font (where matplotlib cannot
measure the glyphs) still lays the charts out right. Every function takes plain aggregates (lists of
labels and numbers) and returns one ``<svg>`` element as a string, or ``None`` when there is nothing to
draw.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Sequence
from typing import Any

#: The page's palette (report.css uses the same colours).
ACCENT = "#2b6cb0"
MUTED = "#a0aec0"
BAD = "#c53030"
#: Fonts the browser should try for the Chinese text (the SVG names them; the page embeds none).
FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei",
         "DejaVu Sans"]
_RC = {
    "svg.fonttype": "none",
    "font.family": ["sans-serif"],
    "font.sans-serif": FONTS,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
}
_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)


def warm_up() -> None:
    """Import the figure and the SVG backend the charts use (about 0.6 s), before the first chart."""
    import matplotlib.backends.backend_svg
    import matplotlib.figure  # noqa: F401


def _figure(height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(6.4, height), layout="constrained")


def to_svg(figure: Any, name: str) -> str:
    """The figure as an inline ``<svg>`` element: no XML prologue, no metadata, ids unique to ``name``."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({**_RC, "svg.hashsalt": name}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")  # the browser has the glyphs
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = _METADATA.sub("", _PROLOGUE.sub("", buffer.getvalue(), count=1), count=1)
    return text.replace("<svg ", f'<svg role="img" aria-label="{name}" ', 1)


def _quiet() -> None:
    """No "findfont: Font family ... not found" lines for the fonts this machine lacks: the browser has them."""
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)


def hbars(title: str, labels: Sequence[str], values: Sequence[float], notes: Sequence[str] | None = None, *,
          colors: Sequence[str] | None = None, xlabel: str = "", percent: bool = False) -> str | None:
    """Horizontal bars, one per label, each label written above its bar and ``notes`` (or the value) after it."""
    if not labels:
        return None
    import matplotlib

    _quiet()
    with matplotlib.rc_context(_RC):
        figure = _figure(0.9 + 0.42 * len(labels))
        ax = figure.add_subplot()
        positions = range(len(labels))
        bars = ax.barh(positions, values, height=0.42, color=list(colors) if colors else ACCENT)
        texts = list(notes) if notes is not None else [
            f"{v:.0%}" if percent else f"{v:,.0f}" for v in values]
        ax.bar_label(bars, texts, padding=3, fontsize=8)
        for position, label in zip(positions, labels, strict=True):
            ax.text(0, position - 0.26, label, va="bottom", ha="left", fontsize=8.5)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.set_ylim(len(labels) - 0.5, -0.9)
        top = max(values, default=0)
        ax.set_xlim(0, (1 if percent else max(top, 1)) * 1.18)
        if percent:
            ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_title(title)
        if xlabel:
            ax.set_xlabel(xlabel)
        return to_svg(figure, title)


def columns(title: str, labels: Sequence[str], values: Sequence[int], *, marks: Sequence[tuple[float, str]] = (),
            colors: Sequence[str] | None = None, xlabel: str = "") -> str | None:
    """Vertical bars over ordered categories (months), with dashed vertical ``marks`` ``(position, text)``."""
    if not labels or not any(values):
        return None
    import matplotlib

    _quiet()
    with matplotlib.rc_context(_RC):
        figure = _figure(3.0)
        ax = figure.add_subplot()
        positions = range(len(labels))
        bars = ax.bar(positions, values, width=0.7, color=list(colors) if colors else ACCENT)
        ax.bar_label(bars, [f"{v:,}" if v else "" for v in values], padding=2, fontsize=7.5)
        ax.set_xticks(list(positions), labels, fontsize=7.5, rotation=0)
        for position, text in marks:
            ax.axvline(position, color=BAD, linestyle="--", linewidth=1)
            ax.text(position + 0.08, max(values) * 1.08, text, color=BAD, fontsize=8, va="top")
        ax.set_ylim(0, max(values) * 1.15)
        ax.set_title(title)
        if xlabel:
            ax.set_xlabel(xlabel)
        return to_svg(figure, title)
