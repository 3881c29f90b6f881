"""The launcher's side of the cross-year checks: merge the staged groups into ``cross-checks.jsonl``.

:class:`~nianbao.pipelines.transforms.CrossYearFn` stages one JSON line per
agency group (``{"key", "records", "lines"}``) in files committed per bundle. A
runner that re-executes a bundle may stage a group twice; the merge keeps the
first (in file-name order) per key. It indexes the staged groups first
(key → file, offset, length) and then writes them in key order, so the launcher
holds the index, never the lines of every agency at once.
"""

from __future__ import annotations

import itertools
import operator
import tempfile
from collections.abc import Sequence
from typing import Any

import orjson
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from nianbao.agency import Aliases
from nianbao.crossyear import RULES, count_lines

from .extsort import external_sort
from .run_files import CROSS_CHECKS
from .storage import join
from .transforms import CROSS, commit_staged, discard_staged, facts_of_records, group_line, open_cross

#: Facts sorted in memory at a time by :func:`cross_year_local` (about 2 KB each as Python objects).
RUN_FACTS = 20_000


def _open(path: str) -> Any:
    return FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)


def merge_cross_checks(staging: str, output: str) -> dict[str, Any]:
    """Write ``cross-checks.jsonl`` in ``output`` from the groups staged in ``staging``; return its counts.

    Lines are ordered by agency key, then as :func:`~nianbao.crossyear.cross_year_checks`
    returns them (years in order). The counts: agencies, keyed records, lines, and per
    rule how many lines passed, failed and were not comparable.
    """
    (result,) = FileSystems.match([join(staging, "*" + CROSS)])
    files = sorted(m.path for m in result.metadata_list if m.path.endswith(CROSS))
    index: dict[str, tuple[int, int, int]] = {}
    restaged = 0
    for number, path in enumerate(files):
        offset = 0
        with _open(path) as handle:
            for line in handle:
                key = orjson.loads(line)["key"]
                if key in index:
                    restaged += 1
                else:
                    index[key] = (number, offset, len(line))
                offset += len(line)
    counts: dict[str, Any] = {"file": CROSS_CHECKS, "agencies": len(index), "records": 0, "lines": 0,
                              "restaged_groups": restaged, "rules": count_lines(())}
    handles: dict[int, Any] = {}
    try:
        with FileSystems.create(join(output, CROSS_CHECKS),
                                compression_type=CompressionTypes.UNCOMPRESSED) as out:
            for key in sorted(index):
                number, offset, length = index[key]
                if number not in handles:
                    handles[number] = _open(files[number])
                handle = handles[number]
                handle.seek(offset)
                group = orjson.loads(handle.read(length))
                counts["records"] += group["records"]
                counts["lines"] += len(group["lines"])
                for rule, outcome in count_lines(group["lines"]).items():
                    total = counts["rules"].setdefault(rule, dict.fromkeys(outcome, 0))
                    for name, value in outcome.items():
                        total[name] += value
                for line in group["lines"]:
                    out.write(orjson.dumps(line) + b"\n")
    finally:
        for handle in handles.values():
            handle.close()
    counts["rules"] = {rule: counts["rules"][rule] for rule in (*RULES, *sorted(set(counts["rules"]) - set(RULES)))}
    return counts


def cross_year_local(record_files: Sequence[str], staging: str, aliases: Aliases | None = None, *,
                     run_facts: int | None = None) -> None:
    """The cross-year checks over a run's final records, in the launcher, in bounded memory.

    For a run in waves or resumed (:func:`~nianbao.pipelines.run.cross_year_after_merge`) on the local
    runner: the records' ``(agency key, facts)`` are sorted by key with an external sort (runs of
    ``run_facts`` spilled to disk) and each agency's group is checked in turn, instead of a
    ``GroupByKey`` that would hold every record's facts in memory. Stages one ``.cross`` file, as
    :class:`~nianbao.pipelines.transforms.CrossYearFn` does.
    """
    keyed = (fact for path in record_files for fact in facts_of_records(path, aliases))
    staged = open_cross(staging)
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-cross-") as scratch:
            ordered = external_sort(keyed, scratch, run_items=run_facts or RUN_FACTS, key=operator.itemgetter(0),
                                    decode=tuple, prefix="facts")
            for key, group in itertools.groupby(ordered, key=operator.itemgetter(0)):
                staged[0].write(group_line(key, (facts for _, facts in group)))
    except BaseException:
        discard_staged(staged)
        raise
    commit_staged(staged)
