"""Fuzz one reader through the parse entry point: ``python -m fuzz.run --target html --n 100000``.

Every case (a mutated seed, see :mod:`fuzz.mutate`) goes through
:func:`nianbao.parse.process_bytes`, and the run checks that:

- it never raises, and returns exactly one of a record and a dead letter;
- a dead letter has the contract's shape (stage ``detect``/``read``/``extract``,
  the exception type, a message) and names the input's URI; a record validates
  against the record JSON Schema and can be written (``nianbao.record.dumps``);
- nothing was a crash in disguise: no reader attempt that failed with an
  unexpected exception, no ``ExtractError`` (the record builder crashed), no
  ``extractor.failed`` issue;
- no case took more than ``--slow`` seconds of CPU time (the time budget is
  10 s of CPU; inputs here are at most 2 MiB, so anything near it is a finding)
  or hit the budget; times are CPU times of the parsing thread, like the
  budget's, so a loaded machine does not make findings;
- memory stays bounded: the resident set is sampled after every case, and a
  case that grows the peak by more than ``--max-growth-mb``, or a run whose
  resident set ends above ``--max-rss-mb``, is a finding.

Findings are written to ``--out`` (the input and a description, one pair each)
and counted in ``<out>/<target>-seed<N>.json`` with the run's figures. Cases are drawn
by Hypothesis in chunks of ``--chunk`` (each its own seeded run, so Hypothesis'
own bookkeeping stays small); generation only, no shrinking: a finding is kept
as drawn, with its recipe (seed file and mutation seed: ``Mutator.case``
rebuilds it). A watchdog (``faulthandler``) dumps the
stacks and ends the run if one case hangs for ``--hang`` seconds; the case is
in ``<out>/<target>-current-<pid>.bin``.

Run each target in its own process (``--target text|tsv|html|docx|markdown|all``); two
at a time on two cores. The exit status is 1 when there were findings.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import os
import resource
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed

from .mutate import Case, Mutator, cases
from .seeds import TARGETS, load_seeds

#: Cases between two re-armings of the hang watchdog (they take well under a second each).
WATCHDOG_EVERY = 50
#: Every how many records the full JSON Schema validation runs (it costs more than the parse); the others get
#: the cheap structural check of :func:`record_problems`.
SCHEMA_EVERY = 20
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_mb() -> float:
    """The resident set size now, in MiB (Linux ``/proc``; else the peak so far)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE / 2**20
    except OSError:
        return peak_rss_mb()


def peak_rss_mb() -> float:
    """The peak resident set size of this process, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


_RECORD_KEYS = ("schema_version", "source", "title", "agency", "year", "published", "signed", "template",
                "sections", "proactive", "applications", "review_litigation", "checks", "issues")


def record_problems(record: dict[str, Any]) -> list[str]:
    """The cheap part of the record contract: keys, value types, issue and check entries."""
    problems = [f"missing key {key}" for key in _RECORD_KEYS if key not in record]
    for section in ("proactive", "applications", "review_litigation"):
        for row, columns in record.get(section, {}).items():
            for column, value in columns.items():
                if value is not None and (type(value) not in (int, float) or value != value or abs(value) > 2**53):
                    problems.append(f"{section}.{row}.{column} = {value!r}")
    for issue in record.get("issues", []):
        if set(issue) != {"level", "code", "message", "where"} or issue["level"] not in ("warning", "error") or \
                not all(isinstance(v, str) for v in issue.values()):
            problems.append(f"bad issue {issue!r}")
    for check in record.get("checks", []):
        if not isinstance(check.get("ok"), bool) or not isinstance(check.get("rule"), str):
            problems.append(f"bad check {check!r}")
    return problems[:5]


class Checker:
    """Runs cases through ``process_bytes``, checks each outcome and keeps the figures."""

    def __init__(self, target: str, out: Path, *, slow: float, max_growth_mb: float) -> None:
        import jsonschema

        from nianbao.host import get_host
        from nianbao.schema import dead_letter_schema, load_schema

        self.target, self.out, self.slow, self.max_growth_mb = target, out, slow, max_growth_mb
        self.host = get_host()
        self.records_valid = jsonschema.Draft202012Validator(load_schema())
        self.dead_valid = jsonschema.Draft202012Validator(dead_letter_schema())
        self.current = out / f"{target}-current-{os.getpid()}.bin"
        self.cases = 0
        self.records = 0
        self.outcomes: Counter[str] = Counter()
        self.findings: Counter[str] = Counter()
        self.finding_examples: list[dict[str, Any]] = []
        self.times: list[float] = []
        self.wall_max = 0.0
        self.slowest: list[tuple[float, int, str]] = []
        self.bytes_in = 0
        self.peak = peak_rss_mb()
        self.largest_growth = 0.0
        self.largest_growth_recipe = ""

    def __call__(self, case: Case) -> None:
        from nianbao.parse import process_bytes
        from nianbao.record import dumps

        self.cases += 1
        self.bytes_in += len(case.data)
        self.current.write_bytes(case.data)
        self.peak = max(self.peak, peak_rss_mb())  # what making the case cost is not the parse's
        started, cpu_started = time.perf_counter(), time.thread_time()
        try:
            outcome = process_bytes(case.data, case.uri, host=self.host)
        except BaseException as exc:  # the one thing that must never happen
            if isinstance(exc, KeyboardInterrupt):
                raise
            self.finding(case, "raised", f"{type(exc).__name__}: {exc}")
            return
        cpu = time.thread_time() - cpu_started  # what the time budget counts; wall time depends on the load
        self.wall_max = max(self.wall_max, time.perf_counter() - started)
        self.times.append(cpu)
        if cpu > (self.slowest[0][0] if len(self.slowest) >= 5 else 0):
            self.slowest = sorted([*self.slowest, (cpu, len(case.data), case.recipe[:200])])[-5:]
        if cpu > self.slow:
            self.finding(case, "slow", f"{cpu:.1f} s of CPU")
        peak = peak_rss_mb()
        if peak > self.peak:
            growth = peak - self.peak
            if growth > self.largest_growth:
                self.largest_growth, self.largest_growth_recipe = growth, case.recipe[:300]
            if growth > self.max_growth_mb and self.cases > 1:
                self.finding(case, "memory", f"peak RSS grew {growth:.0f} MiB to {peak:.0f} MiB")
            self.peak = peak
        self.check(case, outcome, dumps)

    def check(self, case: Case, outcome: Any, dumps: Any) -> None:
        if (outcome.record is None) == (outcome.dead_letter is None):
            self.finding(case, "shape", "not exactly one of record and dead letter")
            return
        if outcome.dead_letter is not None:
            letter = outcome.dead_letter
            error = letter.get("error", {})
            self.outcomes[f"dead:{error.get('stage')}:{error.get('type')}"] += 1
            problems = [e.message for e in self.dead_valid.iter_errors(letter)]
            if letter["source"].get("uri") != case.uri or not str(error.get("message", "")).strip():
                problems.append("dead letter without the input's URI or without a message")
            if problems:
                self.finding(case, "dead_letter_contract", "; ".join(problems))
            message = str(error.get("message", ""))
            if "(unexpected: a bug" in message:
                self.finding(case, "reader_crash", message)
            elif error.get("type") == "ExtractError":
                self.finding(case, "extract_crash", message)
            elif error.get("type") == "TimeBudgetError":
                self.finding(case, "time_budget", message)
            return
        record = outcome.record
        self.outcomes[f"record:{record['source']['format']}"] += 1
        self.records += 1
        problems = record_problems(record)
        if not problems and not self.records % SCHEMA_EVERY:
            problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in
                        self.records_valid.iter_errors(record)]
        if problems:
            self.finding(case, "record_schema", "; ".join(problems[:5]))
        try:
            dumps(record)
        except Exception as exc:
            self.finding(case, "unwritable", f"{type(exc).__name__}: {exc}")
        crashed = [i["message"] for i in record["issues"] if i["code"] == "extractor.failed"]
        if crashed:
            self.finding(case, "extractor_crash", "; ".join(crashed))

    def finding(self, case: Case, kind: str, detail: str) -> None:
        self.findings[kind] += 1
        number = sum(self.findings.values())
        stem = self.out / f"{self.target}-{os.getpid()}-finding-{number:04d}-{kind}"
        if number <= 200:  # keep the first ones; the count says how many more
            stem.with_suffix(".bin").write_bytes(case.data)
            stem.with_suffix(".txt").write_text(f"kind: {kind}\nuri: {case.uri}\nrecipe: {case.recipe}\n"
                                                f"detail: {detail}\n", encoding="utf-8")
        if len(self.finding_examples) < 20:
            self.finding_examples.append({"kind": kind, "uri": case.uri, "recipe": case.recipe[:300],
                                          "detail": detail[:500], "file": stem.name})
        print(f"FINDING {kind}: {case.uri} {case.recipe[:120]} -> {detail[:300]}", flush=True)


def run(target: str, n: int, out: Path, *, chunk: int = 2000, seed: int = 0, slow: float = 5.0,
        hang: float = 120.0, max_growth_mb: float = 256.0, max_rss_mb: float = 2048.0) -> dict[str, Any]:
    """Fuzz ``target`` with ``n`` cases; return (and write) the summary."""
    out.mkdir(parents=True, exist_ok=True)
    seeds = load_seeds(target)
    checker = Checker(target, out, slow=slow, max_growth_mb=max_growth_mb)
    strategy = cases(Mutator(target, seeds))
    started = time.perf_counter()
    faulthandler.enable()
    baseline_rss = None
    done = 0
    chunk_number = 0
    while done < n:
        size = min(chunk, n - done)

        @hypothesis_seed(seed * 1_000_003 + chunk_number)
        @settings(max_examples=size, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), derandomize=False)
        @given(strategy)
        def fuzz_chunk(case: Case) -> None:
            if not checker.cases % WATCHDOG_EVERY:  # re-arming costs milliseconds: not every case
                faulthandler.dump_traceback_later(hang, exit=True)
            checker(case)

        before = checker.cases
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # zipfile's "Duplicate name" for the cases that make one
            fuzz_chunk()
        done += checker.cases - before
        chunk_number += 1
        if baseline_rss is None:
            baseline_rss = rss_mb()
        rate = checker.cases / (time.perf_counter() - started)
        print(f"[{target}] {checker.cases:,}/{n:,} cases, {rate:.0f}/s, rss {rss_mb():.0f} MiB "
              f"(peak {peak_rss_mb():.0f}), findings {dict(checker.findings)}", flush=True)
        if checker.cases == before:  # Hypothesis ran out of distinct cases (should not happen)
            break
    faulthandler.cancel_dump_traceback_later()
    elapsed = time.perf_counter() - started
    final_rss = rss_mb()
    if final_rss > max_rss_mb:
        checker.findings["memory"] += 1
    times = sorted(checker.times)
    summary = {
        "target": target,
        "cases": checker.cases,
        "seeds": len(seeds),
        "seconds": round(elapsed, 1),
        "cases_per_second": round(checker.cases / elapsed, 1) if elapsed else None,
        "mean_input_bytes": round(checker.bytes_in / max(checker.cases, 1)),
        "time_per_case_ms": {"median": round(1000 * times[len(times) // 2], 2) if times else None,
                             "p99": round(1000 * times[int(len(times) * 0.99)], 2) if times else None,
                             "max": round(1000 * times[-1], 2) if times else None,
                             "max_wall": round(1000 * checker.wall_max, 2)},
        "slowest": [{"seconds": round(t, 3), "bytes": b, "recipe": r} for t, b, r in reversed(checker.slowest)],
        "rss_mb": {"after_first_chunk": round(baseline_rss or 0), "final": round(final_rss),
                   "peak": round(peak_rss_mb()), "largest_jump_in_one_case": round(checker.largest_growth),
                   "largest_jump_recipe": checker.largest_growth_recipe},
        "outcomes": dict(sorted(checker.outcomes.items())),
        "findings": dict(checker.findings),
        "finding_examples": checker.finding_examples,
        "command": " ".join(["python -m fuzz.run", *sys.argv[1:]]),
    }
    (out / f"{target}-seed{seed}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    checker.current.unlink(missing_ok=True)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=TARGETS, required=True, help="Reader to fuzz, or `all` for detection.")
    parser.add_argument("--n", type=int, default=10_000, help="Number of cases (default 10000).")
    parser.add_argument("--out", type=Path, default=Path("out/fuzz"), help="Findings and summary folder.")
    parser.add_argument("--chunk", type=int, default=2000, help="Cases per Hypothesis run.")
    parser.add_argument("--seed", type=int, default=0, help="Run seed: same seed, same cases.")
    parser.add_argument("--slow", type=float, default=5.0, help="CPU seconds for one case to count as a finding.")
    parser.add_argument("--hang", type=float, default=120.0, help="Seconds after which one case ends the run.")
    parser.add_argument("--max-growth-mb", type=float, default=256.0, help="Peak RSS growth in one case allowed.")
    parser.add_argument("--max-rss-mb", type=float, default=2048.0, help="Resident set allowed at the end.")
    args = parser.parse_args(argv)
    os.environ.setdefault("NIANBAO_LOAD_PLUGINS", "")  # built-in readers only: fuzz nianbao, not plugins
    # nor LibreOffice: a binary .doc case is then the legacy Word reader's install-hint dead letter, not a 2 s
    # conversion in a child process (LibreOffice is fuzzed by its own project; the reader's own paths still run)
    os.environ.setdefault("NIANBAO_SOFFICE", "nianbao-fuzz-no-libreoffice")
    summary = run(args.target, args.n, args.out, chunk=args.chunk, seed=args.seed, slow=args.slow, hang=args.hang,
                  max_growth_mb=args.max_growth_mb, max_rss_mb=args.max_rss_mb)
    print(json.dumps({k: summary[k] for k in ("target", "cases", "seconds", "cases_per_second", "time_per_case_ms",
                                              "rss_mb", "findings")}, ensure_ascii=False))
    return 1 if summary["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
