"""Table fitting: section 三 of a report, cells in, the template's rows out.

Per format, one call fits section 三 of every report of that format in the
corpus, from the section's blocks as the reader left them (``tokens_of`` and
``fit_applications``, the whole of what the applications extractor does). The
floor reads the same cells and converts the integer ones with ``int()``: what
is left once the template's knowledge is taken away. The fitted values are
compared with the generator's truth after timing.
"""

from __future__ import annotations

import pytest

from nianbao.document import Block, Table
from nianbao.fit import fit_applications, tokens_of
from nianbao.outline import Outline
from nianbao.page import settle
from nianbao.parse import read_document
from nianbao.source import SourceInfo

FORMATS = ("text", "tsv", "html", "docx")


def _sections(reports, host) -> list[tuple[Block, ...]]:
    """Section 三's blocks of each report, read outside the timing."""
    out = []
    for report in reports:
        document, _ = read_document(report.data, SourceInfo.from_uri(str(report.path)), host)
        out.append(Outline.of(settle(document)).sections["applications"].blocks)
    return out


def _fit_all(sections):
    return [fit_applications(tokens_of(blocks)) for blocks in sections]


def _int_all(sections):
    out = []
    for blocks in sections:
        for block in blocks:
            cells = block.cells() if isinstance(block, Table) else [block]
            out.extend(int(t) for t in (c.text.strip() for c in cells) if t.isdecimal())
    return out


@pytest.mark.parametrize("tool", ["nianbao", "floor"])
@pytest.mark.parametrize("fmt", FORMATS)
def bench_fit(benchmark, corpus, host, fmt, tool):
    """Fit section 三 of each report of ``fmt``; assert the values are the truth's."""
    reports = corpus.of(fmt)
    sections = _sections(reports, host)
    cells = sum(len(tokens_of(blocks)) for blocks in sections)
    benchmark.group = f"fit: {fmt}"
    label = "fit_applications(tokens_of(…))" if tool == "nianbao" else "int() of each integer cell"
    benchmark.extra_info.update(role=tool, label=label, unit="table", items=len(sections), cells=cells,
                                primary=True)
    result = benchmark(_fit_all if tool == "nianbao" else _int_all, sections)

    if tool == "floor":
        assert len(result) > cells / 3
        return
    for report, fitted in zip(reports, result, strict=True):
        assert fitted.values == report.truth["applications"], report.path.name
