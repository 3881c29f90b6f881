"""Real reports gathered from public sources, each beside a truth read from it by hand.

Every ``tests/data/gathered/*.truth.json`` (the generator's truth shape, ``layout: real``; see
docs/corpus.md, "Real reports gathered") names its report in ``file``, relative to that folder. Two
tests per report:

- ``test_no_wrong_value`` holds for every report: no non-null value of the record (a table cell, a
  metadata field, the template) differs from the truth. A miss may be a null, never a wrong number.
- ``test_every_field`` asks for every field of the truth, failing checks included. The reports the
  parser does not yet get fully right are listed in ``KNOWN_MISSES`` with the fields it misses and
  why; they are ``xfail(strict=True)``, so a fix that makes one pass fails the run until the table
  is updated, and ``test_nothing_beyond_the_tables`` fails when a listed report misses a field the
  table does not name. Wrong values found are listed the same way in ``KNOWN_WRONG`` (strict xfails
  of ``test_no_wrong_value``): bugs to fix, never accepted output.

A report whose format has no reader installed (a PDF before a PDF reader is registered), or a legacy Word file
without LibreOffice, is skipped with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.checks import run_checks_to_dicts
from nianbao.plugins.legacyword import LegacyWordReader, soffice
from nianbao.synth.score import compare, is_wrong

from .conftest import DATA

GATHERED = DATA / "gathered"
TRUTHS = sorted(GATHERED.glob("*.truth.json"))

SHANGHAI_OFFICE_PDFTEXT = "../peer/KIROGOVCOMPARE/shanghai-office-sample-source.md"

#: report file -> (fields it misses, why). A field ending in ``.*`` stands for every field under it. Empty since
#: session 6: the cells no reading of the document settles are null in their truths, each named with its hand
#: reading and why under the truth's ``unsettled`` (see test_unsettled_cells_are_null_and_say_why).
KNOWN_MISSES: dict[str, tuple[frozenset[str], str]] = {}

#: report file -> (fields the record gets WRONG, why): bugs, each to be fixed; strict xfail in test_no_wrong_value.
KNOWN_WRONG: dict[str, tuple[frozenset[str], str]] = {}



def _truth(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _record(truth: dict[str, Any], host) -> dict[str, Any] | None:
    report = GATHERED / truth["file"]
    assert report.is_file(), f"{truth['file']}: the truth is there but the report is not"
    suffix = report.suffix.lower()
    if not any(suffix in reader.extensions for reader in host.readers):
        pytest.skip(f"{truth['file']}: no reader for {suffix} files is installed")
    if suffix in LegacyWordReader.extensions and soffice() is None:  # as tests/test_legacy_word.py skips
        pytest.skip(f"{truth['file']}: LibreOffice is not installed (apt-get install libreoffice-writer-nogui; "
                    ".ci/run installs it)")
    outcome = nianbao.process_bytes(report.read_bytes(), str(report), host=host)
    return outcome.record


def _misses(truth: dict[str, Any], record: dict[str, Any] | None) -> dict[str, tuple[Any, Any]]:
    return {path: (expected, actual) for _, path, expected, actual, ok in compare(truth, record) if not ok}


def _listed(path: str, fields: frozenset[str]) -> bool:
    return path in fields or any(f.endswith(".*") and path.startswith(f[:-1]) for f in fields)


def _id(path: Path) -> str:
    return path.name.removesuffix(".truth.json")


def _param(path: Path, table: dict[str, tuple[frozenset[str], str]]):
    known = table.get(_truth(path)["file"])
    marks = [pytest.mark.xfail(strict=True, reason=known[1])] if known else []
    return pytest.param(path, id=_id(path), marks=marks)


def test_tables_name_reports_that_are_here():
    """The tables of known misses and known wrong values name only reports that are here."""
    files = {_truth(p)["file"] for p in TRUTHS}
    assert set(KNOWN_MISSES) <= files
    assert set(KNOWN_WRONG) <= files


def _wrong(truth: dict[str, Any], record: dict[str, Any] | None) -> dict[str, tuple[Any, Any]]:
    if record is None:
        return {}  # a dead letter states no value (test_every_field reports it)
    return {path: (expected, actual) for category, path, expected, actual, ok in compare(truth, record)
            if not ok and is_wrong(category, actual)}


@pytest.mark.parametrize("truth_path", [_param(p, KNOWN_WRONG) for p in TRUTHS])
def test_no_wrong_value(truth_path: Path, host):
    truth = _truth(truth_path)
    wrong = _wrong(truth, _record(truth, host))
    assert not wrong, f"{truth['file']}: values that differ from the document (path: (truth, record)): {wrong}"


@pytest.mark.parametrize("truth_path", [p for p in TRUTHS if "unsettled" in _truth(p)], ids=_id)
def test_unsettled_cells_are_null_and_say_why(truth_path: Path, host):
    """A cell the document prints but does not settle (a glued run that cuts several ways, a PDF cell that floated
    out of its row) is null in the truth, with the hand reading and why under ``unsettled``; the record must not
    state a value for it (a value there is a guess: test_no_wrong_value fails on it) and must say why it is null."""
    truth = _truth(truth_path)
    record = _record(truth, host)
    assert record is not None
    for path, note in truth["unsettled"].items():
        assert _get(truth, path) is None, f"{truth['file']}: unsettled {path} has a value in the truth"
        assert _get(record, path) is None, f"{truth['file']}: the record states {path} the document does not settle"
        assert note["reading"] is not None and len(note["why"]) > 40
        row = path.rsplit(".", 1)[0]
        assert any(i["level"] == "error" and i["where"] == row for i in record["issues"]), \
            f"{truth['file']}: no error issue says why {row} is null"


def _get(tree: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        tree = tree[part]
    return tree


@pytest.mark.parametrize("truth_path", TRUTHS, ids=_id)
def test_truth_arithmetic(truth_path: Path, host):
    """The truth's failing checks are exactly those its own values fail: a slip in reading shows here."""
    truth = _truth(truth_path)
    failing = sorted([r["rule"], r["where"]] for r in run_checks_to_dicts(host.checks, truth) if not r["ok"])
    assert failing == sorted(truth["failing_checks"])


@pytest.mark.parametrize("truth_path", [_param(p, KNOWN_MISSES) for p in TRUTHS])
def test_every_field(truth_path: Path, host):
    truth = _truth(truth_path)
    misses = _misses(truth, _record(truth, host))
    assert not misses, f"{truth['file']}: fields the record misses (path: (truth, record)): {misses}"


#: Each table with the finder of what it lists: a report it names must show nothing the table does not name.
TABLES = {"misses": (KNOWN_MISSES, _misses), "wrong": (KNOWN_WRONG, _wrong)}


@pytest.mark.parametrize(("kind", "truth_path"), [
    pytest.param(kind, p, id=f"{kind}-{_id(p)}") for kind, (table, _) in TABLES.items() for p in TRUTHS
    if _truth(p)["file"] in table])
def test_nothing_beyond_the_tables(kind: str, truth_path: Path, host):
    table, find = TABLES[kind]
    truth = _truth(truth_path)
    fields, _ = table[truth["file"]]
    beyond = {path: v for path, v in find(truth, _record(truth, host)).items() if not _listed(path, fields)}
    assert not beyond, f"{truth['file']}: {kind} the table KNOWN_{kind.upper()} does not name: {beyond}"


def test_score_lists_every_report(host):
    """``nianbao score tests/data/gathered --reports`` prints each report's numeric fields right / scored."""
    from click.testing import CliRunner

    from nianbao.synth.cli import score_command

    result = CliRunner().invoke(score_command, [str(GATHERED), "--reports", "--top", "0"])
    assert result.exit_code == 0, result.output
    lines = result.output.split("per report (fields right / scored):", 1)[1].splitlines()
    for path in TRUTHS:
        truth = _truth(path)
        report = GATHERED / truth["file"]
        if not any(report.suffix.lower() in reader.extensions for reader in host.readers):
            continue  # scored as a dead letter where no reader is installed
        record = nianbao.process_bytes(report.read_bytes(), str(report), host=host).record
        numeric = [(expected, ok) for category, _, expected, _, ok in compare(truth, record) if category == "numeric"]
        readable = [ok for expected, ok in numeric if expected is not None]
        line = next(line for line in lines if line.startswith(truth["file"] + " "))
        right = sum(ok for _, ok in numeric)
        assert line.split()[1:3] == [f"{sum(readable)}/{len(readable)}", f"{right}/{len(numeric)}"]
        assert line.split()[-1] == str(len(truth.get("unsettled", ())) or "-")
