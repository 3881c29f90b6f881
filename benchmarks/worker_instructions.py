"""Instructions a report costs in a worker's conditions: caches warm from *other* reports, not from these.

``instructions.py`` parses its reports once before counting them, so every cache (the cell parser's, the labels')
holds exactly the reports counted: right for code whose cost does not depend on what was seen before, flattering
for anything that remembers whole tables (a cache keyed by a table's shape hits every time there, about half the
time in a worker; docs/benchmarks.md, "Session 9"). This script counts, under callgrind, ``process_bytes`` +
``record.dumps`` over the first ``--per`` reports of each format of a folder (the scale corpus, in name order, as a
worker takes them), after warming the caches on the ``--per`` reports of each format that follow them::

    python benchmarks/worker_instructions.py /tmp/nianbao-scale/distinct-20000 --per 100
    python benchmarks/worker_instructions.py /tmp/nianbao-scale/distinct-20000 --per 100 --tree /tmp/before
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from instructions import (  # this script's folder is first on sys.path
    _control,
    per_item_table,
    tree_name,
    tree_option,
    under_callgrind,
)
from turns import kind

FORMATS = ("text", "tsv", "html")


def child(folder: Path, per: int, tree: str | None) -> None:
    """Under callgrind: warm on the reports after the counted ones, then count each format into its own dump."""
    os.environ["NIANBAO_LOAD_PLUGINS"] = ""
    if tree:
        from records_diff import load_tree

        load_tree(Path(tree).resolve())
    from nianbao.host import build_host
    from nianbao.parse import process_bytes
    from nianbao.record import dumps

    host = build_host(entry_points=False)
    by_format: dict[str, list[Path]] = {fmt: [] for fmt in FORMATS}
    for path in sorted(folder.iterdir()):
        files = by_format.get(kind(path))
        if files is not None and len(files) < 2 * per:
            files.append(path)
    for fmt in FORMATS:
        for path in by_format[fmt][per:]:
            dumps(process_bytes(path.read_bytes(), str(path), host=host).record)
    for fmt in FORMATS:
        items = [(path.read_bytes(), str(path)) for path in by_format[fmt][:per]]
        _control("--instr=on")
        for data, uri in items:
            dumps(process_bytes(data, uri, host=host).record)
        _control(f"--dump={fmt} {len(items)}")
        _control("--instr=off")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="reports named as the scale corpus names them (00002_html.html)")
    parser.add_argument("--per", type=int, default=100, help="reports counted per format (default 100)")
    parser.add_argument("--tree", help="a checkout of this repository to load nianbao from")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.folder, args.per, args.tree)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        found = under_callgrind(__file__, [str(args.folder), "--per", str(args.per), "--child",
                                           *tree_option(args.tree)], Path(tmp))
    print(f"Instructions per report (callgrind) in a worker's conditions, {args.folder}, {tree_name(args.tree)}\n")
    print(per_item_table(found, FORMATS, "| format | reports | nianbao |", 1e6, "M", 2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
