"""CPU time a report of the plain loop over ``process_bytes``, per format, for two checkouts taking turns.

On a shared machine a CPU-time figure moves with the load; two trees measured one after the other in the same
minutes, several turns each, give a ratio that holds. Each turn is a fresh process (``records_diff.load_tree``
loads the tree's ``nianbao``) that reads every file once to warm the caches, then times read + ``process_bytes``
+ ``record.dumps`` per file with ``time.process_time`` and sums the times by format (``html``, ``tsv``, ``text``
from the generated names, ``.docx``, …)::

    python benchmarks/turns.py /tmp/before . --files /tmp/nianbao-scale/distinct-20000 --first 3000 --turns 2

A tree may be ``installed``: the ``nianbao`` its interpreter has installed, not a checkout's sources. With
``--python`` given once per tree, each tree's turns run under its own interpreter, so the compiled build (a venv
made by ``NIANBAO_COMPILE=1 pip install .``) and the pure sources take turns::

    python benchmarks/turns.py . installed --python .venv/bin/python --python .venv-compiled/bin/python \
        --files /tmp/nianbao-scale/distinct-20000 --first 3000 --turns 3
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

#: The tree that names no checkout: the interpreter's installed ``nianbao`` (a compiled build, say).
INSTALLED = "installed"

def kind(path: Path) -> str:
    """A file's format as the generated names give it (``00002_html.html`` → html), else its extension."""
    stem = path.stem.split("_", 1)[-1]
    return stem.split("-")[0] if "_" in path.stem else path.suffix.lstrip(".")


def child(tree: str, files: list[Path]) -> dict[str, list[float]]:
    """``{format: [documents, CPU seconds]}`` of one turn of ``tree`` (or the ``installed`` nianbao) over ``files``."""
    os.environ["NIANBAO_LOAD_PLUGINS"] = ""
    if tree != INSTALLED:
        from records_diff import load_tree  # this script's folder is first on sys.path

        load_tree(Path(tree).resolve())
    from nianbao.host import build_host
    from nianbao.parse import process_bytes
    from nianbao.record import dumps

    host = build_host(entry_points=False)
    items = [(kind(path), path.read_bytes(), str(path)) for path in files]
    for _, data, uri in items:  # warm: the template's caches as a worker's are after its first reports
        process_bytes(data, uri, host=host)
    out: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for fmt, data, uri in items:
        started = time.process_time()
        outcome = process_bytes(data, uri, host=host)
        dumps(outcome.record if outcome.ok else outcome.dead_letter)
        out[fmt][0] += 1
        out[fmt][1] += time.process_time() - started
    return dict(out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("trees", nargs=2, help="two checkouts of this repository (or `installed`): before, after")
    parser.add_argument("--python", action="append", default=[],
                        help="the interpreter of a tree's turns, once per tree in their order (default: this one)")
    parser.add_argument("--files", required=True, help="a folder of reports")
    parser.add_argument("--first", type=int, default=3000, help="the first N files of the folder, by name")
    parser.add_argument("--turns", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    files = sorted(p for p in Path(args.files).iterdir() if p.is_file() and not p.name.startswith("."))[: args.first]
    if args.child:
        print(json.dumps(child(args.child, files)))
        return 0
    if args.python and len(args.python) != len(args.trees):
        parser.error("--python: give one interpreter per tree, or none")
    pythons = args.python or [sys.executable] * len(args.trees)
    labels = [f"{tree} ({python})" if args.python else tree for tree, python in zip(args.trees, pythons, strict=True)]
    runs: list[list[dict[str, list[float]]]] = [[] for _ in args.trees]  # by position: a tree may come twice
    for turn in range(args.turns):
        for side, (tree, python) in enumerate(zip(args.trees, pythons, strict=True)):
            done = subprocess.run([python, __file__, *args.trees, "--files", args.files, "--first",
                                   str(args.first), "--child", tree], check=True, capture_output=True, text=True)
            runs[side].append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"turn {turn + 1}, {labels[side]}: done", file=sys.stderr)
    formats = sorted({fmt for turns in runs for run in turns for fmt in run})
    print(f"| format | {labels[0]} ms/doc (each turn) | {labels[1]} ms/doc (each turn) | after/before (mean) |")
    print("|---|---:|---:|---:|")
    for fmt in formats:
        before, after = ([run[fmt][1] / run[fmt][0] * 1000 for run in turns if fmt in run] for turns in runs)
        print(f"| {fmt} ({runs[0][0][fmt][0]} docs) | {' / '.join(f'{v:.2f}' for v in before)} | "
              f"{' / '.join(f'{v:.2f}' for v in after)} | {sum(after) / sum(before):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
