"""Benchmark fixtures: a generated corpus (fixed seed) and the table-cell mix taken from it.

Every benchmark reads its inputs from one corpus written by :mod:`nianbao.synth`
into a session temporary directory, so the inputs are realistic reports with a
ground truth to assert against, and the same on every run and machine.
Benchmarks tag themselves through ``benchmark.extra_info``, which
``benchmarks/report.py`` reads to pair each subject with its floor and peers:

- ``role``: ``"nianbao"`` (the subject), ``"floor"`` (the least any tool must do
  with the same input) or ``"peer"`` (another tool on the same files);
- ``primary``: the nianbao row of its group that floors and peers are compared
  with (a group may hold other nianbao variants);
- ``label``: the row's name in the printed table;
- ``unit`` and ``items``: what one call processes (``"cell"`` × 15,744,
  ``"report"`` × 6), so medians can be read per cell or per report;
- ``bytes`` or ``cells``: the input's size.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ["NIANBAO_LOAD_PLUGINS"] = ""  # built-in plugins only: an installed plugin must not skew the figures

#: The corpus: same seed, same files. Six reports per format (formats take turns).
CORPUS_SEED = 2024
CORPUS_SIZE = 24
#: The cell mix is read off the tab-table renders of this many reports (their cells as printed).
MIX_REPORTS = 40


@dataclass(frozen=True, slots=True)
class Report:
    """One generated report: its file, bytes and ground truth."""

    path: Path
    data: bytes
    truth: dict[str, Any]

    @property
    def format(self) -> str:
        return self.truth["format"]


@dataclass(frozen=True, slots=True)
class Corpus:
    """The generated reports, grouped by format."""

    reports: tuple[Report, ...]

    def of(self, fmt: str) -> list[Report]:
        """Every report of a format, in file order."""
        return [r for r in self.reports if r.format == fmt]


@pytest.fixture(scope="session")
def host():
    """The plugin host, built once (as a pipeline worker builds it once), built-ins only."""
    from nianbao.host import build_host

    return build_host(entry_points=False)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """``CORPUS_SIZE`` generated reports, text, tab table, HTML and DOCX taking turns."""
    from nianbao.synth.corpus import generate, truth_path
    from nianbao.synth.score import truths

    out = tmp_path_factory.mktemp("corpus")
    generate(out, CORPUS_SIZE, CORPUS_SEED)
    reports = tuple(Report(out / t["file"], (out / t["file"]).read_bytes(), t) for t in truths(out))
    assert all(truth_path(r.path).exists() for r in reports)
    return Corpus(reports)


@dataclass(frozen=True, slots=True)
class CellMix:
    """Table cells as reports print them, and the integer ones among them (those ``int(s.strip())`` takes)."""

    cells: tuple[str, ...]
    integers: tuple[str, ...]
    #: How many cells of each kind (parse_cell's note, ``"int"`` for a plain number).
    kinds: dict[str, int]


def _is_integer(text: str) -> bool:
    try:
        int(text.strip())
    except ValueError:
        return False
    return True


@pytest.fixture(scope="session")
def cell_mix(tmp_path_factory: pytest.TempPathFactory) -> CellMix:
    """Every cell of the statistics tables of ``MIX_REPORTS`` tab-table reports, unstripped, in file order.

    A tab table prints each cell as the generator drew it: mostly small counts
    and zeros, some padded (``"  0"``), full-width (``"０"``), with units
    (``"3件"``, ``"134.8万元"``), none spellings (``"—"``, ``"无"``), the blank
    padding of merged label columns, and the row and column labels themselves.
    """
    from collections import Counter

    from nianbao.decode import decode_text
    from nianbao.synth.corpus import generate
    from nianbao.template import parse_cell

    out = tmp_path_factory.mktemp("mix")
    cells: list[str] = []
    for path in generate(out, MIX_REPORTS, CORPUS_SEED, ("tsv",)):
        for line in decode_text(path.read_bytes()).text.splitlines():
            if "\t" in line:
                cells.extend(line.split("\t"))
    kinds = Counter(parse_cell(c)[1] or "int" for c in cells)
    return CellMix(tuple(cells), tuple(c for c in cells if _is_integer(c)), dict(kinds.most_common()))

