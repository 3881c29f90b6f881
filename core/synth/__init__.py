"""A generated corpus with ground truth, and a scorer: how well does nianbao read each format?

``nianbao synth --out DIR -n N --seed S`` renders realistic reports in every
format (text in the seed layouts, tab tables, HTML pages, DOCX files) with a
``<name>.truth.json`` beside each; ``nianbao score DIR`` parses them and
reports accuracy per format and the commonest mismatches.

The data path of a generated report: :mod:`.model` draws the numbers and
metadata (a :class:`~.model.Spec`, cross-checks holding by construction or
broken on purpose), :mod:`.grid` lays the tables out as merged-cell grids with
each number spelled as printed, :mod:`.page` orders the blocks, and one
``render_*`` module per format prints them. All template words come from
:mod:`nianbao.template` through :mod:`.vocab`.
"""

from __future__ import annotations

from .cli import score_command, synth_command
from .corpus import FORMATS, generate, render_one
from .score import Report, score

__all__ = ["FORMATS", "Report", "generate", "render_one", "score", "score_command", "synth_command"]
