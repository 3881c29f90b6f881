"""A worker's memory as it reads more and more distinct reports: what grows, without Beam's runner around it.

Calls a worker's DoFns as the runner does (``ParseFn.parse``, then ``StageOutcomeFn.process``, a bundle
committed every 1,000 reports and its shard removed) over the files of a folder, and prints this process's
``RssAnon``/``VmRSS`` and the garbage collector's tracked objects every 1,000 reports. With ``--trace``,
``tracemalloc`` snapshots at 2,000 reports and at the last thousand are compared and the tracebacks that grew
most are printed (about ten times slower). docs/benchmarks.md, "The workers' creep", has what it found.

    .venv/bin/python benchmarks/worker_memory.py /tmp/nianbao-scale/distinct-20000 --count 20000
    .venv/bin/python benchmarks/worker_memory.py /tmp/nianbao-scale/distinct-20000 --count 6000 --trace
"""

from __future__ import annotations

import argparse
import functools
import gc
import glob
import os
import shutil
import tempfile
import time
import tracemalloc


def _memory() -> tuple[int, int]:
    with open("/proc/self/status") as handle:
        fields = dict(line.split(":", 1) for line in handle if ":" in line)
    return int(fields["RssAnon"].split()[0]) // 1024, int(fields["VmRSS"].split()[0]) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("NIANBAO_LOAD_PLUGINS", "")
    from nianbao.pipelines.listing import open_input
    from nianbao.pipelines.transforms import ParseFn, StageOutcomeFn

    paths = sorted(glob.glob(os.path.join(glob.escape(args.folder), "*")))[: args.count]
    staging = tempfile.mkdtemp(prefix="worker-memory-")
    parse, stage = ParseFn(), StageOutcomeFn(staging)
    parse.setup()
    stage.setup()
    if args.trace:
        tracemalloc.start(12)
    snapshots = []
    last = len(paths) - len(paths) % 1000
    started = time.process_time()
    stage.start_bundle()
    try:
        for number, path in enumerate(paths, 1):
            for _ in stage.process(parse.parse(path, functools.partial(open_input, path))):
                pass
            if number % 1000:
                continue
            stage.finish_bundle()
            stage.start_bundle()
            for name in os.listdir(staging):
                os.remove(os.path.join(staging, name))
            anon, rss = _memory()
            print(f"{number:,} reports: {anon} MB anonymous, {rss} MB resident, {len(gc.get_objects()):,} tracked "
                  f"objects, {time.process_time() - started:.0f} s CPU", flush=True)
            if args.trace and number in (2000, last):
                gc.collect()
                snapshots.append(tracemalloc.take_snapshot())
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if len(snapshots) == 2:
        print("grew most between 2,000 reports and the last thousand:")
        for stat in snapshots[1].compare_to(snapshots[0], "traceback")[:12]:
            print(f"  {stat.size_diff / 1e6:+.2f} MB {stat.count_diff:+,} blocks")
            for line in stat.traceback.format()[-6:]:
                print("     ", line)


if __name__ == "__main__":
    main()
