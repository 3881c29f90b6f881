"""The tail of ``nianbao run`` at 100,000 to 1,000,000 outcomes, without parsing them: merge, cross-year, page.

``stage`` builds, from the staging folder of one real run (``OUT/.nianbao-staging`` of a run whose
staging was kept: ``tail.py base`` makes one from ``benchmarks/scale.py``'s distinct corpus), the staging
folder a run of N inputs would leave: the base run's shards and Arrow fragments copied N / base times,
each copy's input paths rewritten to a folder of its own (``inputs-N/cNNNN/``, hard links to the base
run's files, so every name exists and hashes as staged). Each copy keeps the base run's real shard
layout (which chunks a worker staged together). No parse: a million outcomes in a few minutes of copying.

``tail`` then runs ``nianbao run`` on those inputs in this process: every input is staged, so the run
resumes (hashes the inputs), parses nothing and goes straight to its tail (merge, cross-year checks,
cross-checks, summary, report.html), through the real code. It samples the launcher's (this process's)
and the page process's ``VmRSS`` and ``RssAnon`` every 0.1 s and prints each phase's wall and CPU time
and peaks. The staging folder is kept, so ``tail`` can run again. ``--tracemalloc`` adds the Python
allocations' top lines at the peak of the merge (slower). A run that parses nothing merges after its (empty)
pipeline; ``overlap`` runs the merge a local run makes *during* its pipeline (``OverlappedMerge``) on the same
staging, its shards handed to it one at a time as workers commit them (no parse either).

    .venv/bin/python benchmarks/tail.py base --workdir /tmp/tail-scale --base /tmp/tail-base
    .venv/bin/python benchmarks/tail.py stage --base /tmp/tail-base/out --size 100000 --workdir /tmp/tail-merge
    .venv/bin/python benchmarks/tail.py tail --size 100000 --workdir /tmp/tail-merge
    .venv/bin/python benchmarks/tail.py overlap --size 100000 --workdir /tmp/tail-merge
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import sys
import threading
import time
import uuid
from pathlib import Path

import orjson

STAGING = ".nianbao-staging"


def _status(pid: int | str) -> tuple[int, int]:
    try:
        with open(f"/proc/{pid}/status") as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line)
    except OSError:
        return 0, 0
    kb = lambda name: int(fields.get(name, "0 kB").split()[0]) // 1024  # noqa: E731
    return kb("VmRSS"), kb("RssAnon")


def _children() -> list[int]:
    pids = []
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children") as handle:
                pids.extend(int(p) for p in handle.read().split())
        except OSError:
            continue
    return pids


def base(args: argparse.Namespace) -> None:
    """One real run over the distinct corpus, its staging folder kept."""
    import nianbao.pipelines.run as run_module

    run_module._remove = lambda directory: None
    summary = run_module.run(["--input", str(args.workdir / f"distinct-{args.distinct}"),
                              "--output", str(args.base / "out")])
    print({k: summary[k] for k in ("documents_in", "records", "dead_letters", "missing", "wall_time_s")})


def stage(args: argparse.Namespace) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    source = args.base / STAGING
    listing = [orjson.loads(line) for line in (source / "inputs.list").read_bytes().splitlines()]
    folder = os.path.dirname(listing[0]) + "/"
    copies = -(-args.size // len(listing))
    inputs = args.workdir / f"inputs-{args.size}"
    out = args.workdir / f"out-{args.size}"
    staging = out / STAGING
    shutil.rmtree(inputs, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    staging.mkdir(parents=True)
    shards = sorted(p for p in source.iterdir() if p.name.endswith(".shard"))
    started = time.perf_counter()
    for copy in range(copies):
        target = f"{inputs}/c{copy:04d}/"
        os.makedirs(target)
        for path in listing:
            os.link(path, target + os.path.basename(path))
        old, new = folder.encode(), target.encode()
        for shard in shards:
            name = re.sub(r"-[0-9a-f]{32}\.shard$", f"-{uuid.uuid4().hex}.shard", shard.name)
            (staging / name).write_bytes(_moved(shard.read_bytes(), old, new))
            for fragment in sorted(source.glob(shard.name + ".*.arrow")):
                table = pa.ipc.open_file(pa.memory_map(str(fragment))).read_all()
                column = table.schema.get_field_index("uri")
                table = table.set_column(column, table.schema.field(column),
                                         pc.replace_substring(table.column(column), folder, target))
                sink = pa.BufferOutputStream()
                with pa.ipc.new_file(sink, table.schema) as writer:
                    for batch in table.to_batches():
                        writer.write_batch(batch)
                (staging / (name + fragment.name[len(shard.name):])).write_bytes(sink.getvalue().to_pybytes())
        print(f"copy {copy + 1}/{copies}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    (staging / "run.json").write_bytes((source / "run.json").read_bytes())
    with open(staging / "inputs.list", "wb") as handle:  # for a merge alone (a run lists the inputs itself)
        for copy in range(copies):
            for path in listing:
                handle.write(orjson.dumps(f"{inputs}/c{copy:04d}/{os.path.basename(path)}") + b"\n")
    print(f"{copies * len(listing)} inputs in {inputs}, staged in {staging}")


def _moved(data: bytes, old: bytes, new: bytes) -> bytes:
    """A shard's outcomes with ``old`` (the base run's input folder) replaced by ``new`` in every line, each
    first line's length of the rest (``staging.encode_staged``) made right."""
    lines = data.split(b"\n")
    out = []
    for start in range(0, len(lines) - 1, 3):
        key = orjson.loads(lines[start])
        head, body = lines[start + 1].replace(old, new), lines[start + 2].replace(old, new)
        key[0] = key[0].replace(old.decode(), new.decode())
        if len(key) > 3:
            key[3] = len(head) + len(body) + 2
        out += [orjson.dumps(key), head, body]
    return b"\n".join(out) + b"\n"


def _role(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            command = handle.read()
    except OSError:
        return ""
    return "page" if b"pipelines.report" in command else "parquet" if b"table_files" in command else ""


class Sampler(threading.Thread):
    """Peak RSS / anonymous MB of the launcher (this process), the page's and the Parquet process."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, int, int, int, int, int, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.1):
            peaks = {"page": (0, 0), "parquet": (0, 0)}
            for pid in _children():
                role = _role(pid)
                if role:
                    peaks[role] = _status(pid)
            self.samples.append((time.perf_counter(), *_status("self"), *peaks["page"], *peaks["parquet"]))


class Phases(logging.Handler):
    def __init__(self, snapshot: bool) -> None:
        super().__init__(logging.INFO)
        self.phases: list[tuple[str, float, str]] = []
        self.snapshot = snapshot
        self.snapshots: dict[str, object] = {}

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("nianbao phase"):
            name, rest = message[len("nianbao phase "):].split(":", 1)
            self.phases.append((name, time.perf_counter(), rest.strip()))


def tail(args: argparse.Namespace) -> None:
    import nianbao.pipelines.run as run_module

    run_module._remove = lambda directory: None  # keep the staging folder: the tail can run again
    handler = Phases(args.tracemalloc)
    logging.getLogger("nianbao.pipelines.run").addHandler(handler)
    logging.getLogger("nianbao.pipelines.run").setLevel(logging.INFO)
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start(args.frames)
        peak = {"size": 0, "snapshot": None}

        def watch() -> None:  # keep the snapshot of the largest traced heap seen
            while True:
                time.sleep(2)
                size = tracemalloc.get_traced_memory()[0]
                if size > peak["size"]:
                    peak["size"], peak["snapshot"] = size, tracemalloc.take_snapshot()

        threading.Thread(target=watch, daemon=True).start()
    sampler = Sampler()
    sampler.start()
    started = time.perf_counter()
    cpu = time.process_time()
    summary = run_module.run(["--input", str(args.workdir / f"inputs-{args.size}"),
                              "--output", str(args.workdir / f"out-{args.size}")])
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    sampler.stopped.set()
    sampler.join()
    print(f"{args.size:,} inputs: {summary['records']:,} records, {summary['dead_letters']} dead letters, "
          f"{summary['missing']} missing, {summary['restaged']} restaged; {wall:.1f} s wall, {cpu:.1f} s CPU launcher")
    print("| phase | wall, CPU | launcher peak RSS / anon MB | page process | Parquet process |")
    print("|---|---|---:|---:|---:|")
    begin = started
    for name, end, text in [*handler.phases, ("all", time.perf_counter(), f"{wall:.1f} s")]:
        window = [s for s in sampler.samples if (begin <= s[0] <= end or name == "all")]
        p = [max((s[i] for s in window), default=0) for i in range(1, 7)]
        print(f"| {name} | {text} | {p[0]} / {p[1]} | {p[2]} / {p[3]} | {p[4]} / {p[5]} |")
        begin = end
    if args.tracemalloc and peak["snapshot"] is not None:
        print(f"traced peak {peak['size'] / 1e6:.1f} MB; top lines:")
        for stat in peak["snapshot"].statistics("traceback" if args.frames > 1 else "lineno")[:args.top]:
            print(f"  {stat.size / 1e6:8.2f} MB {stat.count:8d}  " + " <- ".join(
                f"{os.path.relpath(f.filename) if 'nianbao' in f.filename else os.path.basename(f.filename)}:{f.lineno}"
                for f in stat.traceback[:args.frames]))


def overlap(args: argparse.Namespace) -> None:
    """The merge during a pipeline, without the pipeline: the staged folder's shards are moved aside, then
    back one at a time (fragments first, as a worker commits) in the order workers commit them (by their first
    input), while an :class:`~nianbao.pipelines.merge.OverlappedMerge` follows them, as in ``nianbao run`` on
    the local runner; then the "pipeline" ends and what is left is merged. ``--pace`` seconds between two
    shards (0: as fast as they can be moved, the merge then lags and holds as many waiting entries as it
    may). Prints the wall and CPU time and the launcher's (this process's) peak RSS; the shards end where
    they were, so the staging folder can be used again."""
    import tempfile

    from nianbao.pipelines.crossyear import FactSorter
    from nianbao.pipelines.merge import Outcomes, OverlappedMerge
    from nianbao.pipelines.report import ReportFeed
    from nianbao.pipelines.staging import index_shard

    out = args.workdir / f"out-{args.size}"
    staging = out / STAGING
    aside = args.workdir / f"aside-{args.size}"
    aside.mkdir(exist_ok=True)

    def first(shard: Path) -> str:
        with open(shard, "rb", buffering=0) as handle:
            return next(index_shard(handle))[0]

    shards = sorted(staging.glob("*.shard"), key=first)
    moved = [[shard, *sorted(staging.glob(shard.name + ".*.arrow"))] for shard in shards]
    for files in moved:
        for path in files:
            os.rename(path, aside / path.name)
    prefix = shards[0].name.split("-", 1)[0] + "-"
    sampler = Sampler()
    sampler.start()
    started, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="nianbao-overlap-") as scratch:
        page = ReportFeed(str(out), spool=str(staging))
        merging = OverlappedMerge(str(staging / "inputs.list"), None, str(staging), prefix,
                                  Outcomes(str(out), facts=FactSorter(scratch), page=page), scratch)
        merging.start()
        try:
            for files in moved:
                for path in [*files[1:], files[0]]:
                    os.rename(aside / path.name, path)
                time.sleep(args.pace)
            fed = time.perf_counter()
            merging.pipeline_done()
            counts = merging.finish()
        finally:
            merging.abort()
            page.abort()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    sampler.stopped.set()
    sampler.join()
    peak = [max((s[i] for s in sampler.samples), default=0) for i in (1, 2)]
    print(f"{args.size:,} outcomes in {len(shards)} shards: {counts['records']:,} records, {counts['dead_letters']} "
          f"dead letters, {counts['missing']} missing; {merging.during:,} written before the end; shards fed in "
          f"{fed - started:.1f} s, merge done {wall - (fed - started):.1f} s after; {wall:.1f} s wall, {cpu:.1f} s "
          f"CPU launcher ({merging.cpu:.1f} s the merge's thread); launcher peak RSS / anon {peak[0]} / {peak[1]} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("base")
    one.add_argument("--workdir", type=Path, default=Path("/tmp/tail-scale"))
    one.add_argument("--distinct", type=int, default=20000)
    one.add_argument("--base", type=Path, default=Path("/tmp/tail-base"))
    two = sub.add_parser("stage")
    two.add_argument("--base", type=Path, default=Path("/tmp/tail-base/out"))
    two.add_argument("--size", type=int, required=True)
    two.add_argument("--workdir", type=Path, default=Path("/tmp/tail-merge"))
    three = sub.add_parser("tail")
    three.add_argument("--size", type=int, required=True)
    three.add_argument("--workdir", type=Path, default=Path("/tmp/tail-merge"))
    three.add_argument("--tracemalloc", action="store_true")
    three.add_argument("--frames", type=int, default=1)
    three.add_argument("--top", type=int, default=25)
    four = sub.add_parser("overlap")
    four.add_argument("--size", type=int, required=True)
    four.add_argument("--workdir", type=Path, default=Path("/tmp/tail-merge"))
    four.add_argument("--pace", type=float, default=0.0)
    args = parser.parse_args()
    os.environ.setdefault("NIANBAO_LOAD_PLUGINS", "")
    {"base": base, "stage": stage, "tail": tail, "overlap": overlap}[args.command](args)


if __name__ == "__main__":
    main()
