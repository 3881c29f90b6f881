"""Memory and throughput of ``nianbao run`` at 10,000 to 1,000,000 inputs: peak RSS and wall time per process.

Each size runs ``nianbao run`` as a subprocess (the launcher, with its default runner: every core,
worker subprocesses) and polls ``/proc`` every 0.2 s for the launcher and every process under it:
peak resident set (``VmRSS``: anonymous memory plus mapped file pages such as the memory-mapped
Arrow fragments the merge reads) and peak anonymous memory (``RssAnon``: what the process itself
allocated), and its CPU seconds. The inputs are ``--distinct`` reports written by ``nianbao.synth``
(text, tab table and HTML taking turns), hard-linked under as many names as a size needs (1,000 to a
folder): every name is an input and is parsed, so a million inputs cost a million parses.

Beside the runs, a plain loop over ``process_bytes`` (read, parse, ``record.dumps``; one process, no
outputs) on the distinct reports gives documents per second per core, the floor the pipeline's rate
per core is compared with.

Run (the table in docs/benchmarks.md, section "Scale", comes from this)::

    .venv/bin/python benchmarks/scale.py --sizes 10000,100000 --workdir /tmp/nianbao-scale

Nothing here asserts: it prints a Markdown table, with the load average before and after each run, the
CPU seconds of the workers, the launcher and the process that builds report.html, and that process's peak.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("text", "tsv", "html")
SEED = 18
PER_FOLDER = 1000


@dataclass
class Peak:
    """What one process reached: peak RSS and anonymous RSS (bytes), CPU seconds, its command."""

    command: str
    rss: int = 0
    anon: int = 0
    cpu: float = 0.0


@dataclass
class Measured:
    size: int
    wall: float
    summary: dict
    processes: dict[int, Peak] = field(default_factory=dict)
    load: tuple[float, float] = (0.0, 0.0)
    load_range: tuple[float, float] = (0.0, 0.0)  # lowest and highest load average seen during the run
    phases: list[tuple[str, float, float, float]] = field(default_factory=list)  # name, wall, CPU launcher, children


def _status(pid: int) -> tuple[int, int] | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line)
    except OSError:
        return None
    kb = lambda name: int(fields.get(name, "0 kB").split()[0]) * 1024  # noqa: E731
    return kb("VmRSS"), kb("RssAnon")


def _cpu(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            parts = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            args = handle.read().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(a.decode(errors="replace") for a in args if a)
    if "nianbao.pipelines.worker" in text or "sdk_worker_main" in text:
        return "worker"
    if "nianbao.pipelines.report" in text:
        return "report"
    return "launcher" if "nianbao" in text else text[:40]


def make_corpus(workdir: Path, distinct: int) -> list[Path]:
    from nianbao.synth.corpus import generate, truth_path

    source = workdir / f"distinct-{distinct}"
    done = source / ".done"
    if not done.exists():
        shutil.rmtree(source, ignore_errors=True)
        for path in generate(source, distinct, SEED, formats=FORMATS):
            truth_path(path).unlink()
        done.touch()
    return sorted(p for p in source.iterdir() if p.name != ".done")


def make_inputs(workdir: Path, files: list[Path], size: int) -> Path:
    """``size`` hard links to the distinct files, taking them in turn, ``PER_FOLDER`` to a folder."""
    root = workdir / f"inputs-{size}"
    done = root.parent / f"inputs-{size}.done"
    if not done.exists():
        shutil.rmtree(root, ignore_errors=True)
        for index in range(size):
            folder = root / f"{index // PER_FOLDER:05d}"
            if index % PER_FOLDER == 0:
                folder.mkdir(parents=True)
            source = files[index % len(files)]
            os.link(source, folder / f"{index:07d}-{source.name}")
        done.touch()
    return root


_COUNTED: dict[str, int] = {}  # committed shard → outcomes in it (a committed shard never changes)


def _staged(out: Path) -> int:
    """Outcomes staged so far in committed shards (3 lines each); each shard is read once."""
    for shard in (out / ".nianbao-staging").glob("*.shard"):
        if str(shard) not in _COUNTED:
            with contextlib.suppress(OSError), open(shard, "rb") as handle:
                _COUNTED[str(shard)] = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) // 3
    return sum(_COUNTED.values())


def measure(size: int, inputs: Path, out: Path, extra: list[str], *, every: float = 0.0,
            stop_after: float = 0.0) -> Measured:
    import orjson

    shutil.rmtree(out, ignore_errors=True)
    _COUNTED.clear()
    load_before = os.getloadavg()[0]
    command = [sys.executable, "-c", "from nianbao.cli import main; main()", "run", str(inputs), "-o", str(out),
               "--no-progress", "--plugins=none", "-v", *extra]
    log = out.parent / f"{out.name}.log"  # the launcher's INFO lines (-v), with one line per phase
    started = time.perf_counter()
    with open(log, "wb") as stderr:
        launcher = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
    processes: dict[int, Peak] = {}
    loads: list[float] = [load_before]
    reported = stopped = sampled = 0.0
    while launcher.poll() is None:
        for pid in _descendants(launcher.pid):
            status, cpu = _status(pid), _cpu(pid)
            if status is None:
                continue
            peak = processes.setdefault(pid, Peak(_command(pid)))
            if peak.command == "launcher" and pid != launcher.pid:  # seen between fork and exec: look again
                peak.command = _command(pid)
            peak.rss, peak.anon = max(peak.rss, status[0]), max(peak.anon, status[1])
            peak.cpu = max(peak.cpu, cpu or 0.0)
        elapsed = time.perf_counter() - started
        if elapsed - sampled >= 10:
            sampled = elapsed
            loads.append(os.getloadavg()[0])
        if every and elapsed - reported >= every:
            reported = elapsed
            print(f"  {size:,} at {elapsed:.0f} s: {_peaks(processes)}, staged {_staged(out):,}, "
                  f"load {loads[-1]:.1f}", file=sys.stderr, flush=True)
        if stop_after and elapsed >= stop_after and not stopped:
            stopped = elapsed
            staged = _staged(out)
            os.killpg(launcher.pid, signal.SIGINT)  # as Ctrl-C: the run stops, its staged work kept
        time.sleep(0.2)
    wall = time.perf_counter() - started
    if stopped:
        summary = {"stopped_at_s": stopped, "staged": staged}
    elif launcher.returncode != 0:
        raise SystemExit(f"nianbao run exited with {launcher.returncode} at {size} inputs")
    else:
        summary = orjson.loads((out / "summary.json").read_bytes())
    return Measured(size, wall, summary, processes, (load_before, os.getloadavg()[0]), (min(loads), max(loads)),
                    phases=_phases(log))


_PHASE = re.compile(r"nianbao phase (\S+): ([\d.]+) s wall, ([\d.]+) s CPU launcher, -?([\d.]+) s CPU children")


def _phases(log: Path) -> list[tuple[str, float, float, float]]:
    """The launcher's phase lines (``nianbao.pipelines.run.phase``): name, wall s, CPU s launcher, CPU s children."""
    found = _PHASE.findall(log.read_text(errors="replace"))
    return [(name, float(wall), float(cpu), float(children)) for name, wall, cpu, children in found]


def _peaks(processes: dict[int, Peak]) -> str:
    mb = lambda n: f"{n / 2**20:.0f}"  # noqa: E731
    launcher = [p for p in processes.values() if p.command == "launcher"]
    workers = [p for p in processes.values() if p.command == "worker"]
    return (f"launcher peak {mb(max((p.rss for p in launcher), default=0))} / "
            f"{mb(max((p.anon for p in launcher), default=0))} MB, {len(workers)} workers so far, worst "
            f"{mb(max((p.rss for p in workers), default=0))} / {mb(max((p.anon for p in workers), default=0))} MB")


def plain_loop(files: list[Path]) -> tuple[int, float]:
    """Documents and CPU seconds of read + process_bytes + dumps over ``files`` in this process."""
    from nianbao.host import build_host
    from nianbao.parse import process_bytes
    from nianbao.record import dumps

    host = build_host(entry_points=False)
    started = time.process_time()
    for path in files:
        outcome = process_bytes(path.read_bytes(), str(path), host=host)
        dumps(outcome.record if outcome.ok else outcome.dead_letter)
    return len(files), time.process_time() - started


def table(results: list[Measured], loop: tuple[int, float]) -> str:
    mb = lambda n: f"{n / 2**20:.0f}"  # noqa: E731
    lines = ["| inputs | wall s | docs/s | docs/s per core (CPU) | launcher peak RSS / anon MB | "
             "workers | worst worker peak RSS / anon MB | report process peak RSS / anon MB | "
             "CPU s: workers / launcher / report | load before → after (lowest–highest during) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for m in results:
        launcher = [p for p in m.processes.values() if p.command == "launcher"]
        workers = [p for p in m.processes.values() if p.command == "worker"]
        report = [p for p in m.processes.values() if p.command == "report"]
        cpu = sum(p.cpu for p in m.processes.values())
        worst = max(workers, key=lambda p: p.rss) if workers else Peak("-")
        worst_anon = max((p.anon for p in workers), default=0)
        stopped = "stopped_at_s" in m.summary
        wall = f"stopped at {m.summary['stopped_at_s']:.0f}" if stopped else f"{m.wall:.0f}"
        done = m.summary["staged"] if stopped else m.size
        lines.append(
            f"| {m.size:,} | {wall} | {done / m.wall:.0f} | {done / cpu:.0f} | "
            f"{mb(max(p.rss for p in launcher))} / {mb(max(p.anon for p in launcher))} | {len(workers)} | "
            f"{mb(worst.rss)} / {mb(worst_anon)} | {mb(max((p.rss for p in report), default=0))} / "
            f"{mb(max((p.anon for p in report), default=0))} | {sum(p.cpu for p in workers):.0f} / "
            f"{sum(p.cpu for p in launcher):.0f} / {sum(p.cpu for p in report):.0f} | "
            f"{m.load[0]:.1f} → {m.load[1]:.1f} ({m.load_range[0]:.1f}–{m.load_range[1]:.1f}) |")
    docs, cpu = loop
    lines += ["", f"Plain loop over `process_bytes` (+ `record.dumps`), one process: {docs:,} documents in "
              f"{cpu:.1f} CPU s = {docs / cpu:.0f} documents per second per core."]
    for m in results:
        s = m.summary
        if "stopped_at_s" in s:
            lines.append(f"- {m.size:,}: stopped (SIGINT) after {s['stopped_at_s']:.0f} s with {s['staged']:,} "
                         "outcomes staged; docs/s counts those")
            continue
        lines.append(f"- {m.size:,}: records {s['records']:,}, dead letters {s['dead_letters']}, missing "
                     f"{s['missing']}, restaged {s['restaged']}; pipeline {s['pipeline_time_s']:.0f} s, merge "
                     f"{s['merge_time_s']:.0f} s; {s['runner']}")
    for m in results:
        if m.phases:
            lines += ["", f"Phases at {m.size:,} (launcher's own figures; children: processes that ended in the "
                      "phase, i.e. the workers, the report's process):", "",
                      "| phase | wall s | CPU s launcher | CPU s children | ms a document (wall) |",
                      "|---|---:|---:|---:|---:|"]
            named = sum(wall for _, wall, _, _ in m.phases)
            launcher_cpu = sum(p.cpu for p in m.processes.values() if p.command == "launcher")
            other = ("other (start-up, staging set-up, summary)", m.wall - named,
                     launcher_cpu - sum(cpu for _, _, cpu, _ in m.phases), 0.0)
            for name, wall, cpu, children in [*m.phases, other]:
                lines.append(f"| {name} | {wall:.1f} | {cpu:.1f} | {children:.1f} | {1000 * wall / m.size:.3f} |")
    return "\n".join(lines)


#: The kernel's automatic grouping of processes by session: each session's processes share one fair slice, whatever
#: their ``nice``, so a niced job of another session takes half the CPU from a run (measured in session 12).
AUTOGROUP = Path("/proc/sys/kernel/sched_autogroup_enabled")


def setting() -> str:
    """What the figures depend on besides the code: the interpreter and its build, nianbao's build, the scheduler."""
    import platform

    from nianbao.compiled import build_name

    autogroup = AUTOGROUP.read_text().strip() if AUTOGROUP.exists() else "absent"
    # The interpreter's own build counts: the same code ran 10-15 % faster on Debian's python3.11 than on a
    # pyenv build of 3.11.7 (no PGO or LTO; Debian builds with both): docs/benchmarks.md, "Session 12".
    line = (f"Python {sys.version.split()[0]} at {sys.executable} (built {' '.join(platform.python_build())}, "
            f"{platform.python_compiler()}); nianbao {build_name()}; scheduler autogroup {autogroup}; "
            f"load {os.getloadavg()[0]:.1f}")
    if autogroup == "1":
        line += ("\nWarning: with autogroup on, `nice` does not yield to this run: another session's busy processes "
                 "take their share of the CPU whatever their nice value (`echo 0 > " + str(AUTOGROUP) + "` as root)")
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--distinct", type=int, default=20000)
    parser.add_argument("--loop", type=int, default=3000, help="reports for the plain loop")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/nianbao-scale"))
    parser.add_argument("--every", type=float, default=0.0, help="print the peaks so far every this many seconds")
    parser.add_argument("--stop-after", type=float, default=0.0,
                        help="stop a run (SIGINT, as Ctrl-C) after this many seconds; its figures so far are kept")
    parser.add_argument("extra", nargs="*", help="more `nianbao run` options")
    args = parser.parse_args()
    os.environ.setdefault("NIANBAO_LOAD_PLUGINS", "")
    args.workdir.mkdir(parents=True, exist_ok=True)
    files = make_corpus(args.workdir, args.distinct)
    print(setting(), flush=True)
    loop = plain_loop(files[: args.loop])
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        inputs = make_inputs(args.workdir, files, size)
        results.append(measure(size, inputs, args.workdir / f"out-{size}", args.extra, every=args.every,
                               stop_after=args.stop_after))
        print(table(results, loop), flush=True)
        print(flush=True)


if __name__ == "__main__":
    main()
