"""Real reports gathered from public sources, each beside a truth read from it by hand.

Every ``tests/data/gathered/*.truth.json`` (the generator's truth shape, ``layout: real``; see
docs/corpus.md, "Real reports gathered") names its report in ``file``, relative to that folder. Two
tests per report:

- ``test_no_wrong_value`` holds for every report: no non-null value of the record (a table cell, a
  metadata field, the template) differs from the truth. A miss may be a null, never a wrong number.
- ``test_every_field`` asks for every field of the truth, failing checks included. The reports the
  parser does not yet get fully right are listed in ``KNOWN_MISSES`` with the fields it misses and
  why; they are ``xfail(strict=True)``, so a fix that makes one pass fails the run until the table
  is updated, and ``test_no_miss_beyond_the_table`` fails when a listed report misses a field the
  table does not name.

A report whose format has no reader installed (a PDF before a PDF reader is registered) is skipped
with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.synth.score import compare

from .conftest import DATA

GATHERED = DATA / "gathered"
TRUTHS = sorted(GATHERED.glob("*.truth.json"))

#: report file -> (fields it misses, why). A field ending in ``.*`` stands for every field under it.
KNOWN_MISSES: dict[str, tuple[frozenset[str], str]] = {}

#: Categories whose values the record states itself (the failing checks follow from them).
VALUE_CATEGORIES = ("numeric", "metadata", "template")


def _truth(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _record(truth: dict[str, Any], host) -> dict[str, Any] | None:
    report = GATHERED / truth["file"]
    assert report.is_file(), f"{truth['file']}: the truth is there but the report is not"
    suffix = report.suffix.lower()
    if not any(suffix in reader.extensions for reader in host.readers):
        pytest.skip(f"{truth['file']}: no reader for {suffix} files is installed")
    outcome = nianbao.process_bytes(report.read_bytes(), str(report), host=host)
    return outcome.record


def _misses(truth: dict[str, Any], record: dict[str, Any] | None) -> dict[str, tuple[Any, Any]]:
    return {path: (expected, actual) for _, path, expected, actual, ok in compare(truth, record) if not ok}


def _listed(path: str, fields: frozenset[str]) -> bool:
    return path in fields or any(f.endswith(".*") and path.startswith(f[:-1]) for f in fields)


def _param(path: Path):
    known = KNOWN_MISSES.get(_truth(path)["file"])
    marks = [pytest.mark.xfail(strict=True, reason=known[1])] if known else []
    return pytest.param(path, id=path.name.removesuffix(".truth.json"), marks=marks)


def test_every_truth_names_a_listed_report():
    """The table of known misses names only reports that are here."""
    files = {_truth(p)["file"] for p in TRUTHS}
    assert set(KNOWN_MISSES) <= files


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.removesuffix(".truth.json"))
def test_no_wrong_value(truth_path: Path, host):
    truth = _truth(truth_path)
    record = _record(truth, host)
    if record is None:
        return  # a dead letter states no value (test_every_field reports it)
    wrong = {path: (expected, actual) for category, path, expected, actual, ok in compare(truth, record)
             if category in VALUE_CATEGORIES and not ok and actual is not None}
    assert not wrong, f"{truth['file']}: values that differ from the document (path: (truth, record)): {wrong}"


@pytest.mark.parametrize("truth_path", [_param(p) for p in TRUTHS])
def test_every_field(truth_path: Path, host):
    truth = _truth(truth_path)
    misses = _misses(truth, _record(truth, host))
    assert not misses, f"{truth['file']}: fields the record misses (path: (truth, record)): {misses}"


@pytest.mark.parametrize("truth_path", [p for p in TRUTHS if _truth(p)["file"] in KNOWN_MISSES],
                         ids=lambda p: p.name.removesuffix(".truth.json"))
def test_no_miss_beyond_the_table(truth_path: Path, host):
    truth = _truth(truth_path)
    fields, _ = KNOWN_MISSES[truth["file"]]
    beyond = {path: miss for path, miss in _misses(truth, _record(truth, host)).items() if not _listed(path, fields)}
    assert not beyond, f"{truth['file']}: misses the table of known misses does not name: {beyond}"
