"""Print the benchmark table: per benchmark the median, and the ratios nianbao/floor and peer/nianbao.

Reads the JSON that ``pytest benchmarks/ --benchmark-json=FILE`` wrote (every
figure from one run on one machine) and prints one Markdown table, then the
targets of the performance issue with the measured ratio and whether each is
met. Medians are given per item (per cell, per table, per report) as the
benchmarks' ``extra_info`` declares them; ratios compare per-item medians
within one group, so a floor that handles only the integer cells of the cell
mix is still compared per cell. Each ratio is followed by the same ratio of the
fastest calls: on a busy machine the minimums are the less disturbed figures,
and a wide gap between the two says the run was disturbed.

Usage::

    python benchmarks/report.py [FILE]                 # default: benchmarks/results/latest.json
    python benchmarks/report.py NEW --against OLD      # adds OLD's medians and the change
    python benchmarks/report.py NEW --against OLD --fail-over 1.25   # exit 1 if a ratio got 25% worse

``--fail-over`` compares ratios (nianbao/floor, nianbao per item for rows
without a floor), not raw times, so that two runs on a machine under
different load can still be compared.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT = Path(__file__).parent / "results" / "latest.json"


@dataclass(frozen=True, slots=True)
class Row:
    """One benchmark of the run, as the table needs it."""

    group: str
    name: str
    label: str
    role: str | None
    primary: bool
    unit: str
    items: int
    median: float  # seconds per call
    min: float  # the fastest call: the least disturbed by other work on the machine

    @property
    def per_item(self) -> float:
        return self.median / self.items

    def per(self, stat: str) -> float:
        """Seconds per item by ``"median"`` or ``"min"``."""
        return getattr(self, stat) / self.items


@dataclass(frozen=True, slots=True)
class Target:
    """A ratio the issue sets: ``subject/floor`` at most ``limit``, or ``peer/subject`` at least ``limit``."""

    name: str
    group: str
    kind: str  # "floor": nianbao/floor ≤ limit; "peer": peer/nianbao ≥ limit
    limit: float
    peer: str | None = None  # label prefix of the peer row


TARGETS: tuple[Target, ...] = (
    Target("cell parser ≤ 2× int(s.strip()) per cell", "cells", "floor", 2),
    Target("text report ≤ 4× decode + split lines", "report: text", "floor", 4),
    Target("tab-table report ≤ 4× decode + split lines", "report: tsv", "floor", 4),
    Target("HTML report ≤ 2× lxml.html.fromstring", "report: html", "floor", 2),
    Target("DOCX report ≤ 2× zip + lxml parse", "report: docx", "floor", 2),
    Target("HTML: MarkItDown ≥ 10× slower than nianbao", "report: html", "peer", 10, "MarkItDown"),
    Target("DOCX: MarkItDown ≥ 10× slower than nianbao", "report: docx", "peer", 10, "MarkItDown"),
)


def load(path: Path) -> tuple[dict[str, Any], list[Row]]:
    """The run's JSON and its benchmarks as rows, in group then name order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for bench in data["benchmarks"]:
        info = bench.get("extra_info", {})
        rows.append(Row(group=bench.get("group") or bench["name"], name=bench["name"],
                        label=info.get("label", bench["name"]), role=info.get("role"),
                        primary=bool(info.get("primary")), unit=info.get("unit", "call"),
                        items=int(info.get("items", 1)), median=bench["stats"]["median"],
                        min=bench["stats"]["min"]))
    rows.sort(key=lambda r: (r.group, {"nianbao": 0, "floor": 1, "peer": 2}.get(r.role or "", 3), r.name))
    return data, rows


def subject(rows: list[Row], group: str) -> Row | None:
    """The group's primary nianbao row."""
    return next((r for r in rows if r.group == group and r.role == "nianbao" and r.primary), None)


def floor(rows: list[Row], group: str) -> Row | None:
    """The group's floor row."""
    return next((r for r in rows if r.group == group and r.role == "floor"), None)


def duration(seconds: float) -> str:
    """A duration with a unit that keeps three significant figures readable."""
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def vs_floor(rows: list[Row], row: Row, stat: str = "median") -> float | None:
    """A nianbao row's per-item median (or minimum) over its group's floor's."""
    low = floor(rows, row.group)
    return row.per(stat) / low.per(stat) if row.role == "nianbao" and low else None


def vs_subject(rows: list[Row], row: Row, stat: str = "median") -> float | None:
    """A peer row's per-item median (or minimum) over its group's nianbao row's."""
    base = subject(rows, row.group)
    return row.per(stat) / base.per(stat) if row.role == "peer" and base else None


def both(median: float | None, least: float | None) -> str:
    """A ratio of medians, with the ratio of minimums after it."""
    return "" if median is None else f"{ratio(median)} ({ratio(least)})"


def table(rows: list[Row], old: list[Row] | None = None) -> list[str]:
    """The benchmark table as Markdown lines; with ``old``, that run's median and ratio beside each row."""
    head = "| group | benchmark | median | per | nianbao/floor (by min) | peer/nianbao (by min) |"
    rule = "|---|---|---:|---|---:|---:|"
    if old is not None:
        head, rule = head + " before | nianbao/floor before |", rule + "---:|---:|"
    out = [head, rule]
    before = {r.name: r for r in old or []}
    for row in rows:
        line = (f"| {row.group} | {row.label} | {duration(row.per_item)} | {row.unit} | "
                f"{both(vs_floor(rows, row), vs_floor(rows, row, 'min'))} | "
                f"{both(vs_subject(rows, row), vs_subject(rows, row, 'min'))} |")
        if old is not None:
            previous = before.get(row.name)
            line += (f" {duration(previous.per_item) if previous else ''} | "
                     f"{ratio(vs_floor(old, previous)) if previous else ''} |")
        out.append(line)
    return out


def regressions(rows: list[Row], old: list[Row], limit: float) -> list[str]:
    """nianbao rows whose ratio to their floor grew by more than ``limit`` times since ``old``."""
    before = {r.name: r for r in old}
    out = []
    for row in rows:
        previous = before.get(row.name)
        now, then = vs_floor(rows, row), vs_floor(old, previous) if previous else None
        if now is not None and then is not None and now > then * limit:
            out.append(f"{row.name}: nianbao/floor {then:.2f}× → {now:.2f}× (over {limit:g}× worse)")
    return out


def measure(rows: list[Row], target: Target, stat: str) -> float | None:
    """The ratio a target is about, by ``stat``; ``None`` when its benchmarks did not run."""
    base = subject(rows, target.group)
    if target.kind == "floor":
        other = floor(rows, target.group)
        return base.per(stat) / other.per(stat) if base and other else None
    other = next((r for r in rows if r.group == target.group and r.role == "peer"
                  and r.label.startswith(target.peer or "")), None)
    return other.per(stat) / base.per(stat) if base and other else None


def targets(rows: list[Row]) -> list[str]:
    """Each target of the issue: the ratio of medians (and of minimums) and whether it is met (by medians)."""
    out = ["| target | measured (by min) | met |", "|---|---:|:---:|"]
    for target in TARGETS:
        value, least = measure(rows, target, "median"), measure(rows, target, "min")
        met = value is not None and (value <= target.limit if target.kind == "floor" else value >= target.limit)
        shown = "not run" if value is None else both(value, least)
        out.append(f"| {target.name} | {shown} | {'yes' if met else '**no**'} |")
    return out


def machine(data: dict[str, Any]) -> str:
    """One line on where and when the figures were taken."""
    info, commit = data.get("machine_info", {}), data.get("commit_info", {})
    cpu = info.get("cpu", {})
    brand = cpu.get("brand_raw") or info.get("processor") or "unknown CPU"
    cores = cpu.get("count", "?")
    return (f"{brand}, {cores} cores, {info.get('system', '')} {info.get('release', '')}; "
            f"{info.get('python_implementation', 'Python')} {info.get('python_version', '')}; "
            f"commit {str(commit.get('id', '?'))[:10]}{' (dirty)' if commit.get('dirty') else ''}; "
            f"{data.get('datetime', '')[:19]}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT, help="a --benchmark-json file")
    parser.add_argument("--against", type=Path, help="an earlier run's --benchmark-json file")
    parser.add_argument("--fail-over", type=float, metavar="TIMES",
                        help="with --against: exit 1 if a nianbao/floor ratio grew more than TIMES")
    args = parser.parse_args(argv)
    for path in (args.file, args.against):
        if path is not None and not path.exists():
            print(f"{path}: no such file; run `pytest benchmarks/ --benchmark-json={path}` first", file=sys.stderr)
            return 2
    data, rows = load(args.file)
    old = load(args.against)[1] if args.against else None
    print(f"Machine: {machine(data)}\n")
    print("\n".join(table(rows, old)))
    print()
    print("\n".join(targets(rows)))
    if old is not None and args.fail_over:
        worse = regressions(rows, old, args.fail_over)
        if worse:
            print("\nRegressions:\n" + "\n".join(worse))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
