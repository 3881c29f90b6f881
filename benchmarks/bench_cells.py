"""The table-cell parser against its floor, ``int(s.strip())``.

One call parses every cell of the mix (see ``cell_mix`` in ``conftest.py``);
the table reads the median per cell. The floor converts only the mix's integer
cells (the only ones it can convert), so ``nianbao/floor`` per cell is what the
parser costs over the least any cell parser must do. The ``integers`` variant
runs the parser over the floor's cells only; the ``uncached`` one runs the
function under ``parse_cell``'s cache (``parse_cell.__wrapped__``), as a
worker's first reports meet it.
"""

from __future__ import annotations

import pytest

from nianbao.template import BLANK, GARBAGE, parse_cell


def _parse_all(cells):
    return [parse_cell(s) for s in cells]


def _parse_all_uncached(cells):
    parse = parse_cell.__wrapped__
    return [parse(s) for s in cells]


def _int_all(cells):
    return [int(s.strip()) for s in cells]


LABELS = {
    "nianbao:mix": "parse_cell, cell mix",
    "nianbao:integers": "parse_cell, integer cells only",
    "uncached:mix": "parse_cell without its cache, cell mix",
    "floor:integers": "int(s.strip()), integer cells",
}
FUNCTIONS = {"nianbao": _parse_all, "uncached": _parse_all_uncached, "floor": _int_all}


@pytest.mark.parametrize("variant", list(LABELS))
def bench_cells(benchmark, cell_mix, variant):
    """Parse the cells of the mix (or its integer cells); assert the values after timing."""
    tool, cells_of = variant.split(":")
    cells = cell_mix.cells if cells_of == "mix" else cell_mix.integers
    benchmark.group = "cells"
    benchmark.extra_info.update(role="floor" if tool == "floor" else "nianbao", label=LABELS[variant],
                                unit="cell", items=len(cells), kinds=cell_mix.kinds,
                                primary=variant == "nianbao:mix")
    result = benchmark(FUNCTIONS[tool], cells)

    assert len(result) == len(cells)
    if tool == "floor":
        assert sum(result) > 0
        return
    by_text = dict(zip(cells, result, strict=True))
    for text in cell_mix.integers:  # every integer cell: its value, no note
        assert by_text[text] == (int(text.strip()), None)
    assert all(by_text[text][1] == BLANK for text in cells if not text.strip())
    if cells_of == "mix":  # labels are no numbers; a few mix kinds each occur
        assert sum(1 for _, note in result if note == GARBAGE) == cell_mix.kinds[GARBAGE]
        assert max(cell_mix.kinds, key=cell_mix.kinds.get) == "int"
