"""A whole fuzz campaign: every target, split into parts, run a few at a time, figures merged.

``python -m fuzz.campaign --n 100000 --parallel 2 --out out/fuzz`` runs
``python -m fuzz.run`` for each target (text, tsv, html, docx, all) with ``n``
cases in all, split into parts of different run seeds (``--split``, more for
the slower docx target) so that no part runs much over a quarter of an hour,
``--parallel`` parts at a time. Then it merges the parts' summaries into
``<out>/campaign.json`` and prints a Markdown table (the one in
``docs/robustness.md``). ``--merge-only`` redoes the table from the summaries
already in ``<out>``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .seeds import TARGETS

#: Parts per target: the docx reader is the slowest per case.
SPLITS = {"text": 2, "tsv": 2, "html": 2, "docx": 4, "all": 2}


def part_commands(targets: list[str], n: int, out: Path, splits: dict[str, int]) -> list[list[str]]:
    """One ``fuzz.run`` command line per part; parts of a target differ by run seed."""
    commands = []
    for target in targets:
        parts = splits.get(target, 2)
        for part in range(parts):
            cases = n // parts + (1 if part < n % parts else 0)
            commands.append([sys.executable, "-m", "fuzz.run", "--target", target, "--n", str(cases),
                             "--seed", str(part + 1), "--out", str(out)])
    return commands


def merge(out: Path, targets: list[str]) -> dict[str, Any]:
    """The parts' summaries in ``out`` merged per target."""
    merged: dict[str, Any] = {}
    for target in targets:
        parts = [json.loads(p.read_text("utf-8")) for p in sorted(out.glob(f"{target}-seed*.json"))]
        if not parts:
            continue
        findings: dict[str, int] = {}
        outcomes: dict[str, int] = {}
        for part in parts:
            for kind, count in part["findings"].items():
                findings[kind] = findings.get(kind, 0) + count
            for kind, count in part["outcomes"].items():
                outcomes[kind] = outcomes.get(kind, 0) + count
        merged[target] = {
            "cases": sum(p["cases"] for p in parts),
            "parts": len(parts),
            "seconds_per_part_max": max(p["seconds"] for p in parts),
            "part_seconds_total": round(sum(p["seconds"] for p in parts), 1),
            "median_ms": max(p["time_per_case_ms"]["median"] for p in parts),
            "p99_ms": max(p["time_per_case_ms"]["p99"] for p in parts),
            "max_ms": max(p["time_per_case_ms"]["max"] for p in parts),
            "mean_input_bytes": round(sum(p["mean_input_bytes"] * p["cases"] for p in parts)
                                      / max(1, sum(p["cases"] for p in parts))),
            "peak_rss_mb": max(p["rss_mb"]["peak"] for p in parts),
            "rss_growth_mb": max(p["rss_mb"]["final"] - p["rss_mb"]["after_first_chunk"] for p in parts),
            "records": sum(v for k, v in outcomes.items() if k.startswith("record:")),
            "dead_letters": sum(v for k, v in outcomes.items() if k.startswith("dead:")),
            "outcomes": dict(sorted(outcomes.items())),
            "findings": findings,
            "commands": [p["command"] for p in parts],
        }
    return merged


def table(merged: dict[str, Any]) -> str:
    """The merged figures as a Markdown table."""
    lines = ["| target | cases | records | dead letters | findings | median / p99 / max CPU ms per case | "
             "peak RSS MiB | RSS growth MiB | longest part s |",
             "|---|---:|---:|---:|---|---|---:|---:|---:|"]
    for target, m in merged.items():
        found = ", ".join(f"{k} {v}" for k, v in m["findings"].items()) or "none"
        lines.append(f"| {target} | {m['cases']:,} | {m['records']:,} | {m['dead_letters']:,} | {found} | "
                     f"{m['median_ms']:.1f} / {m['p99_ms']:.0f} / {m['max_ms']:.0f} | {m['peak_rss_mb']} | "
                     f"{m['rss_growth_mb']} | {m['seconds_per_part_max']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz.campaign", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="Cases per target (default 100000).")
    parser.add_argument("--targets", default=",".join(TARGETS), help="Comma list of targets.")
    parser.add_argument("--parallel", type=int, default=2, help="Parts run at a time (default 2).")
    parser.add_argument("--out", type=Path, default=Path("out/fuzz"), help="Output folder.")
    parser.add_argument("--merge-only", action="store_true", help="Only merge the summaries already in --out.")
    args = parser.parse_args(argv)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    failed = 0
    if not args.merge_only:
        commands = part_commands(targets, args.n, args.out, SPLITS)

        def launch(command: list[str]) -> int:
            log = args.out / f"{command[4]}-seed{command[8]}.log"
            with log.open("w") as handle:
                return subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, check=False).returncode

        with ThreadPoolExecutor(args.parallel) as pool:
            failed = sum(1 for code in pool.map(launch, commands) if code != 0)
    merged = merge(args.out, targets)
    merged_all = {"targets": merged, "wall_seconds": round(time.perf_counter() - started, 1)}
    (args.out / "campaign.json").write_text(json.dumps(merged_all, ensure_ascii=False, indent=1), encoding="utf-8")
    print(table(merged))
    return 1 if failed or any(m["findings"] for m in merged.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
