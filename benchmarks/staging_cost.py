"""Instructions a record costs to stage, counted by valgrind's callgrind: the worker's work after ``process_bytes``.

A worker of ``nianbao run`` parses a report, then stages its record (:class:`~nianbao.pipelines.transforms.
StageOutcomeFn`): the record's JSON, its flat-table row, the row as a CSV line, its entry in ``report.html``, its
cross-year facts, the staged lines written to the bundle's shard, the rows written as Arrow fragments when the
shard is committed. This script counts that work alone, as ``benchmarks/instructions.py`` counts parsing: it
parses the reports of a folder (a generated corpus unless ``--files``) under ``valgrind --tool=callgrind`` with
instrumentation off, stages them all once (caches warm, pyarrow's lazy imports paid), then counts each piece into a
dump of its own, and last the whole of staging: ``StageOutcomeFn`` over the records in bundles of ``--bundle``
(each bundle's shard and fragments committed into a temporary staging folder; a Beam metrics container is current,
as in a worker, so the counters cost what they cost there). ``--tree DIR`` loads ``nianbao`` from another checkout
(``records_diff.py``'s ``load_tree``), so the code before a change is counted on the same records. Parsing
(``process_bytes``, caches warm) is counted too, so that staging's share of a worker's own work is known::

    python benchmarks/staging_cost.py                      # 200 generated reports, this tree
    python benchmarks/staging_cost.py --tree /tmp/before   # the same records through another checkout

``PYTHONHASHSEED`` is fixed so set and dict orders, and with them the counts, repeat. The pieces are parts of the
whole (``staging`` includes them and the shard's writes, the Arrow fragments, the counter), not additions to it.
"""

from __future__ import annotations

import argparse
import os
import shutil
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

SEED = 2024
#: Parsing (for scale: a worker parses, then stages), the pieces counted apart, then the whole (``staging``).
PIECES = ("process_bytes", "record.dumps", "flat_row", "csv_line", "page_entry", "keyed_facts", "staging")


def child(files: Path, tree: str | None, bundle: int) -> None:
    """Under callgrind: parse, stage once to warm, then count each piece and the whole into dumps of their own."""
    os.environ["NIANBAO_LOAD_PLUGINS"] = ""
    if tree:
        from records_diff import load_tree

        load_tree(Path(tree).resolve())
    from apache_beam.metrics.execution import MetricsContainer
    from apache_beam.runners.worker import statesampler
    from apache_beam.utils.counters import CounterFactory

    from nianbao.agency import Aliases
    from nianbao.crossyear import keyed_facts
    from nianbao.flat_table import flat_row
    from nianbao.host import build_host
    from nianbao.parse import process_bytes
    from nianbao.pipelines import page_entry
    from nianbao.pipelines.table_files import csv_line
    from nianbao.pipelines.transforms import StageOutcomeFn
    from nianbao.record import dumps

    host = build_host(entry_points=False)
    paths = sorted(p for p in files.rglob("*") if p.is_file() and not p.name.endswith(".json"))
    items = [(p.read_bytes(), str(p)) for p in paths]
    records = [outcome.record for outcome in (process_bytes(data, uri, host=host) for data, uri in items)
               if outcome.record is not None]
    aliases = Aliases()
    staging = tempfile.mkdtemp(prefix="nianbao-staging-cost-")
    sampler = statesampler.StateSampler("stage", CounterFactory())  # the step's metrics container, as in a worker
    statesampler.set_current_tracker(sampler)
    sampler.scoped_state("Stage", "process", metrics_container=MetricsContainer("Stage")).__enter__()
    rows = [flat_row(record) for record in records]

    def stage_all() -> None:
        fn = StageOutcomeFn(staging, aliases)
        fn.setup()
        for start in range(0, len(records), bundle):
            fn.start_bundle()
            for record in records[start: start + bundle]:
                for _ in fn.process(("record", record)):
                    pass
            fn.finish_bundle()
        fn.teardown()

    calls = {
        "process_bytes": lambda: [process_bytes(data, uri, host=host) for data, uri in items],
        "record.dumps": lambda: [dumps(record) for record in records],
        "flat_row": lambda: [flat_row(record) for record in records],
        "csv_line": lambda: [csv_line(row) for row in rows],
        "page_entry": lambda: [page_entry.encode(record) for record in records],
        "keyed_facts": lambda: [keyed_facts(record, aliases) for record in records],
        "staging": stage_all,
    }
    for call in calls.values():
        call()  # warm
    _control("--instr=on")
    for name in PIECES:
        calls[name]()
        _control(f"--dump={name} {len(records)}")
    _control("--instr=off")
    shutil.rmtree(staging, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=Path, help="a folder of reports (default: a generated corpus of --n)")
    parser.add_argument("--n", type=int, default=200, help="generated reports, the formats taking turns (default 200)")
    parser.add_argument("--bundle", type=int, default=100, help="records a bundle (default 100, a listing chunk)")
    parser.add_argument("--tree", help="a checkout of this repository to load nianbao from")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.tree, args.bundle)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = args.files
        if files is None:
            from nianbao.synth.corpus import generate

            files = work / "corpus"
            generate(files, args.n, SEED)
        found = under_callgrind(__file__, ["--child", str(files), "--bundle", str(args.bundle),
                                           *tree_option(args.tree)], work / "out")
    print(f"Instructions a record (callgrind), staging, {files if args.files else f'{args.n} generated reports'}, "
          f"{tree_name(args.tree)}\n")
    print(per_item_table(found, PIECES, "| piece | records | instructions a record |", 1e3, "k", 1))
    parse = next((count for key, count in found.items() if key.startswith("process_bytes ")), 0)
    stage = next((count for key, count in found.items() if key.startswith("staging ")), 0)
    if parse and stage:
        print(f"\nstaging is {stage / (parse + stage):.1%} of parsing and staging a record")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
