"""Reports that found a fault on a generator's seed never run before, kept as the seed wrote them.

Each file under ``tests/data/unseen/`` (listed in tests/data/SOURCES.md with what it printed and what was read
before its fix) must be read right field by field: its numbers, metadata, template, failing checks and prose.
"""

from __future__ import annotations

from pathlib import Path

from nianbao.synth.score import score

UNSEEN = Path(__file__).parent / "data" / "unseen"


def test_reports_that_found_a_fault_are_read_right_field_by_field(host):
    report = score(UNSEEN, host=host)
    assert report.documents == len(list(UNSEEN.glob("*.truth.json"))) >= 3
    wrong = [f"{m.file}: {m.path}: expected {m.expected!r}, got {m.actual!r}" for m in report.mismatches]
    assert not wrong, "\n".join(wrong[:20])
