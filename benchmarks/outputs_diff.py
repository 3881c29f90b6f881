"""Every output file of ``nianbao run`` through two checkouts, compared byte for byte: "outputs identical", shown.

``records_diff.py`` compares records; a change to what a worker stages (the flat row, its CSV line, the page's
entry, the shard's lines) shows only in the run's files. This script runs ``nianbao run`` over the same inputs
with each tree (the default runner: DirectRunner, every core, worker processes when there are 1,000 inputs or
more), each into the same output folder in turn (the page names it), and compares every file the two runs wrote:
``records-*.jsonl``, ``dead-letters-*.jsonl``, ``reports.csv``, ``reports.parquet``, ``cross-checks.jsonl``,
``report.html`` and ``summary.json``, byte for byte, apart from what differs between any two runs of one tree:
in ``summary.json`` the timings (``*_time_s``, ``documents_per_s``) and the workers' names (``host:pid``; their
total is compared), in ``report.html`` the time and rate it prints (``1.207 秒``, ``12.43 份/秒``) and the minute
it was made (``生成于 2026-12-04 09:30 UTC``)::

    python benchmarks/outputs_diff.py /tmp/before . samples tests/data /tmp/corpus

A tree is loaded by putting a folder first on ``PYTHONPATH`` whose ``nianbao`` package is the tree's ``core/``
(file by file) with its ``plugins/`` and ``pipelines/``, so the runner's worker processes load the same tree.
Exit status 0 when every file is the same, 1 otherwise (each differing file named, with its first difference).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: summary.json keys that differ between two runs of one tree.
TIMINGS = ("wall_time_s", "pipeline_time_s", "merge_time_s", "documents_per_s")
#: What report.html prints of the run's time and rate, and when it was made.
PAGE_TIMES = re.compile(r"\d+(?:\.\d+)? (?:秒|份/秒)|生成于 \d{4}-\d\d-\d\d \d\d:\d\d UTC")


def farm(tree: Path, folder: Path) -> Path:
    """A folder holding a ``nianbao`` package made of ``tree``'s ``core/``, ``plugins/`` and ``pipelines/``."""
    package = folder / "nianbao"
    package.mkdir(parents=True)
    for entry in (tree / "core").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry.resolve())
    for name in ("plugins", "pipelines"):
        (package / name).symlink_to((tree / name).resolve())
    return folder


def run(tree: Path, inputs: list[str], out: Path, work: Path, extra: list[str]) -> None:
    """``nianbao run`` over ``inputs`` into ``out`` with ``tree``'s nianbao."""
    path = farm(tree, work / f"farm-{len(list(work.iterdir()))}")
    env = {**os.environ, "PYTHONPATH": str(path), "NIANBAO_LOAD_PLUGINS": ""}
    where = subprocess.run([sys.executable, "-c", "import nianbao.pipelines.run as r; print(r.__file__)"], env=env,
                           check=True, capture_output=True, text=True).stdout.strip()
    if not where.startswith(str(path)):
        raise SystemExit(f"{tree}: nianbao loads from {where}, not the tree")
    shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run([sys.executable, "-c", "import sys; from nianbao.cli import main; sys.exit(main())", "run",
                           *inputs, "-o", str(out), "--allow-dead-letters", "--no-progress", *extra],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: nianbao run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    print(f"{tree}: {done.stderr.strip().splitlines()[-1]}", file=sys.stderr)


def normalised(path: Path) -> bytes:
    """A file's bytes, less what differs between two runs of one tree."""
    data = path.read_bytes()
    if path.name == "summary.json":
        summary = json.loads(data)
        for key in TIMINGS:
            summary.pop(key, None)
        summary["workers"] = sum(summary.get("workers", {}).values())
        return json.dumps(summary, ensure_ascii=False, sort_keys=True).encode()
    if path.name == "report.html":
        return PAGE_TIMES.sub("T", data.decode()).encode()
    return data


def compare(before: Path, after: Path) -> list[str]:
    """What differs between two output folders: one line per file."""
    names = sorted({p.relative_to(before).as_posix() for p in before.rglob("*") if p.is_file()}
                   | {p.relative_to(after).as_posix() for p in after.rglob("*") if p.is_file()})
    problems = []
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            problems.append(f"{name}: only in {'after' if not a.exists() else 'before'}")
            continue
        x, y = normalised(a), normalised(b)
        if x != y:
            at = next((i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y)))
            problems.append(f"{name}: differs at byte {at} ({len(x)} vs {len(y)} bytes): "
                            f"{x[max(0, at - 40): at + 40]!r} vs {y[max(0, at - 40): at + 40]!r}")
        else:
            print(f"  same: {name} ({len(a.read_bytes()):,} bytes)", file=sys.stderr)
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path, help="a checkout of this repository")
    parser.add_argument("after", type=Path, help="another checkout")
    parser.add_argument("inputs", nargs="+", help="what nianbao run reads (folders, globs, @lists)")
    parser.add_argument("--keep", type=Path, help="keep both runs' outputs here (before/, after/)")
    parser.add_argument("--compare", action="store_true", help="only compare what --keep holds (no runs)")
    args, extra = parser.parse_known_args(argv)  # anything else goes to nianbao run (Beam options)
    if args.compare:
        if args.keep is None:
            parser.error("--compare needs --keep")
        problems = compare(args.keep / "before", args.keep / "after")
        for line in problems:
            print(line)
        print(f"{'outputs identical' if not problems else f'{len(problems)} files differ'}: {args.keep}")
        return 1 if problems else 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "farms").mkdir()
        out = work / "out"
        kept = args.keep or work / "kept"
        for name, tree in (("before", args.before), ("after", args.after)):
            run(tree.resolve(), args.inputs, out, work / "farms", extra)
            shutil.rmtree(kept / name, ignore_errors=True)
            kept.mkdir(parents=True, exist_ok=True)
            shutil.move(str(out), str(kept / name))
        problems = compare(kept / "before", kept / "after")
    for line in problems:
        print(line)
    print(f"{'outputs identical' if not problems else f'{len(problems)} files differ'}: "
          f"{args.before} vs {args.after} on {' '.join(args.inputs)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
