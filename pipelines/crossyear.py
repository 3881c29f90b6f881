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
from collections.abc import Iterator
from typing import Any

import orjson
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from nianbao.agency import Aliases
from nianbao.crossyear import RULES, Facts, count_lines, keyed_facts

from .extsort import Runs
from .run_files import CROSS_CHECKS
from .staging import StagedOutcome
from .storage import join
from .transforms import CROSS, commit_staged, discard_staged, group_line, open_cross

#: Facts sorted in memory at a time by :class:`FactSorter` (about 2 KB each as Python objects).
RUN_FACTS = 10_000


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


class FactSorter:
    """The records' cross-year facts, sorted by agency key in bounded memory, for :func:`cross_year_local`.

    The merge hands it each final record's staged outcome (:meth:`add`): the facts the worker staged
    with it, or, for an outcome staged without them, the facts of its record body.
    """

    def __init__(self, scratch: str, aliases: Aliases | None = None, *, run_facts: int | None = None) -> None:
        self.aliases = aliases or Aliases()
        self.runs = Runs(scratch, run_items=run_facts or RUN_FACTS, key=operator.itemgetter(0), decode=tuple,
                         prefix="facts")

    def add(self, staged: StagedOutcome) -> None:
        facts = staged.facts
        if facts is None:  # staged without its facts: from the record itself
            keyed = keyed_facts(orjson.loads(staged.body), self.aliases)
            facts = list(keyed) if keyed is not None else []
        if facts:
            self.runs.add(tuple(facts))

    def groups(self) -> Iterator[tuple[str, Iterator[Facts]]]:
        """``(agency key, its facts)`` in key order."""
        for key, group in itertools.groupby(self.runs.sorted(), key=operator.itemgetter(0)):
            yield key, (facts for _, facts in group)


def cross_year_local(facts: FactSorter, staging: str) -> None:
    """The cross-year checks over a run's final records, in the launcher, in bounded memory.

    For a run in waves or resumed, or on the local runner (:func:`~nianbao.pipelines.run.cross_year_after_merge`):
    the merge sorted the final records' ``(agency key, facts)`` by key (:class:`FactSorter`, runs spilled
    to disk), and each agency's group is checked in turn, instead of a ``GroupByKey`` that would hold
    every record's facts in memory. Stages one ``.cross`` file, as
    :class:`~nianbao.pipelines.transforms.CrossYearFn` does.
    """
    staged = open_cross(staging)
    try:
        for key, group in facts.groups():
            staged[0].write(group_line(key, group))
    except BaseException:
        discard_staged(staged)
        raise
    commit_staged(staged)
