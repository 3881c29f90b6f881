"""Instructions a report costs, per format, counted by valgrind's callgrind: repeatable on a shared machine.

CPU time on a machine shared with other jobs moves by ±15 % from run to run; the number of instructions the
CPU executes for the same code on the same input does not (two runs agree within 0.05 %, whatever the load).
This script generates a corpus (``nianbao.synth``, fixed seed, the formats taking turns), then runs itself
under ``valgrind --tool=callgrind`` with instrumentation off, and per format: parses every report once (caches
warm, as in a worker), switches counting on (``callgrind_control``), runs the floor of ``benchmarks/stages.py``
(decode + split lines; ``lxml.html.fromstring``; zip read + XML parse), dumps the count, runs
``process_bytes`` + ``record.dumps`` over the same reports, dumps again. It prints instructions per report
and the ratio to the floor. ``--tree DIR`` loads ``nianbao`` from another checkout (``records_diff.py``'s
``load_tree``), so the code before a change is counted on the same corpus::

    python benchmarks/instructions.py                      # 12 reports per format, this tree
    python benchmarks/instructions.py --tree /tmp/before   # the same corpus through another checkout

Counts include the interpreter's own work (allocation, garbage collection); ``PYTHONHASHSEED`` is fixed so
set and dict orders, and with them the counts, repeat.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

FORMATS = ("text", "tsv", "html", "docx")
SEED = 2024


def _control(*args: str) -> None:
    """Send callgrind a command for this process (it waits until callgrind has done it)."""
    subprocess.run(["callgrind_control", *args, str(os.getpid())], check=True, stdout=subprocess.DEVNULL)


def child(corpus: Path, formats: list[str], tree: str | None, by_stage: bool) -> None:
    """Under callgrind: per format, the floor then nianbao (or each stage), each counted into its own dump."""
    os.environ["NIANBAO_LOAD_PLUGINS"] = ""
    if tree:
        from records_diff import load_tree  # this script's folder is first on sys.path

        load_tree(Path(tree).resolve())
    from stages import floor, stage_list  # after load_tree: stages imports nianbao

    from nianbao.host import build_host
    from nianbao.parse import process_bytes
    from nianbao.record import dumps

    host = build_host(entry_points=False)
    for fmt in formats:
        paths = sorted(p for p in (corpus / fmt).iterdir())
        if by_stage:
            calls = [(name, call) for name, call in stage_list(fmt, paths, host) if call is not None]
        else:
            items = [(p.read_bytes(), str(p)) for p in paths]
            calls = [("floor", floor(fmt, [d for d, _ in items])),
                     ("nianbao", lambda items=items: [dumps(process_bytes(d, u, host=host).record)
                                                      for d, u in items])]
        for _, call in calls:
            call()  # warm: caches filled, lazily built indexes built
        _control("--instr=on")
        for index, (_, call) in enumerate(calls):
            call()
            _control(f"--dump={fmt} {index}")  # callgrind_control drops a name with brackets, + or ·
        (corpus / f"{fmt}.names").write_text("\n".join(name for name, _ in calls))
        _control("--instr=off")


def under_callgrind(script: str, args: list[str], out: Path) -> dict[str, int]:
    """Run ``script`` with ``args`` (its ``--child`` half) under callgrind with counting off until it switches it on,
    ``PYTHONHASHSEED`` fixed, its dumps written to ``out``; return :func:`counts` of them."""
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    out.mkdir(parents=True, exist_ok=True)
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out / 'callgrind.%p'}",
               sys.executable, script, *args]
    subprocess.run(command, check=True, env={**os.environ, "PYTHONHASHSEED": "0"}, stderr=subprocess.DEVNULL)
    return counts(out)


def tree_option(tree: str | None) -> list[str]:
    """The ``--tree`` argument a counting script hands its ``--child`` half (none for this tree)."""
    return ["--tree", tree] if tree else []


def tree_name(tree: str | None) -> str:
    """What a table's title says was counted."""
    return f"tree {tree}" if tree else "this tree"


def per_item_table(found: dict[str, int], order: Sequence[str], header: str, scale: float, unit: str,
                   digits: int) -> str:
    """A Markdown table of callgrind dumps described ``"NAME COUNT"`` (``html 100``): each dump's instructions a
    counted item, rows in ``order`` of their names, ``header`` naming the three columns (``| format | reports |
    nianbao |``), figures divided by ``scale``, printed with ``digits`` decimals and followed by ``unit``."""
    lines = [header, "|---|---:|---:|"]
    for key in sorted(found, key=lambda key: order.index(key.split()[0])):
        name, items = key.split()
        lines.append(f"| {name} | {items} | {found[key] / int(items) / scale:,.{digits}f} {unit} |")
    return "\n".join(lines)


def counts(folder: Path) -> dict[str, int]:
    """``{dump description: instructions}`` from the callgrind output files in ``folder``."""
    out: dict[str, int] = {}
    for path in folder.iterdir():
        text = path.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: dump (.+)$", text, re.M)  # callgrind_control --dump=WHAT
        total = re.search(r"^totals: (\d+)", text, re.M)
        if trigger and total:
            out[trigger.group(1)] = int(total.group(1))
    return out


def corpus(folder: Path, per: int, formats: list[str]) -> None:
    """``per`` generated reports of each format, a folder per format."""
    from nianbao.synth.corpus import generate, truth_path
    from nianbao.synth.score import truths

    raw = folder / "raw"
    generate(raw, per * len(FORMATS), SEED)
    for truth in truths(raw):
        if truth["format"] in formats:
            (folder / truth["format"]).mkdir(exist_ok=True)
            shutil.copy(raw / truth["file"], folder / truth["format"] / truth["file"])
            truth_path(raw / truth["file"]).unlink()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per", type=int, default=12, help="reports per format (default 12)")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--tree", help="a checkout of this repository to load nianbao from")
    parser.add_argument("--stages", action="store_true", help="count each stage of benchmarks/stages.py")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    formats = args.formats.split(",")
    if args.child:
        child(Path(args.child), formats, args.tree, args.stages)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus(work / "corpus", args.per, formats)
        counted = under_callgrind(__file__, ["--child", str(work / "corpus"), "--formats", args.formats,
                                             *tree_option(args.tree),
                                             *(["--stages"] if args.stages else [])], work / "out")
        found: dict[tuple[str, str], float] = {}
        for key, count in sorted(counted.items(),
                                 key=lambda item: (formats.index(item[0].split()[0]), int(item[0].split()[1]))):
            fmt, index = key.split()
            name = (work / "corpus" / f"{fmt}.names").read_text().split("\n")[int(index)]
            found[fmt, name.replace("  ", "· ")] = count / args.per
    print(f"Instructions per report (callgrind), {args.per} reports per format, {tree_name(args.tree)}\n")
    if args.stages:
        names: list[str] = []  # every format's stages, in their order
        for fmt, name in found:
            if name not in names:
                before = [n for f, n in found if f == fmt and n in names and
                          list(found).index((fmt, n)) < list(found).index((fmt, name))]
                names.insert(names.index(before[-1]) + 1 if before else len(names), name)
        print("| stage | " + " | ".join(formats) + " |")
        print("|---|" + "---:|" * len(formats))
        for name in names:
            cells = [f"{found[fmt, name] / 1e6:,.2f} M ({found[fmt, name] / found[fmt, 'floor']:.2f}×)"
                     if (fmt, name) in found else "" for fmt in formats]
            print(f"| {name} | " + " | ".join(cells) + " |")
        return 0
    print("| format | nianbao | floor | nianbao/floor |")
    print("|---|---:|---:|---:|")
    for fmt in formats:
        n, f = found[fmt, "nianbao"], found[fmt, "floor"]
        print(f"| {fmt} | {n / 1e6:,.2f} M | {f / 1e6:,.3f} M | {n / f:,.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
