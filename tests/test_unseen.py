"""Reports that found a fault on a generator's seed never run before, kept as the seed wrote them.

Each file under ``tests/data/unseen/`` (listed in tests/data/SOURCES.md with what it printed and what was read
before its fix) must be read right field by field: its numbers, metadata, template, failing checks and prose.
"""

from __future__ import annotations

from pathlib import Path

from nianbao import parse_file
from nianbao.synth.score import score

UNSEEN = Path(__file__).parent / "data" / "unseen"


def test_reports_that_found_a_fault_are_read_right_field_by_field(host):
    report = score(UNSEEN, host=host)
    assert report.documents == len(list(UNSEEN.glob("*.truth.json"))) >= 3
    wrong = [f"{m.file}: {m.path}: expected {m.expected!r}, got {m.actual!r}" for m in report.mismatches]
    assert not wrong, "\n".join(wrong[:20])


def test_a_footnote_mark_after_a_number_in_a_pdf_is_no_digit_of_it(host):
    """``17¹`` and ``4²`` (Word footnotes on two value cells, the PDF LibreOffice made of them): read 171 and 42
    before (wrong values, red team 2 class 0a); the superscript marks are left out and the rows' sums hold."""
    record = parse_file(UNSEEN / "rt2-pdf-footnote-ref.pdf", host=host)
    applications = record["applications"]
    assert applications["new_received"]["natural_person"] == 17
    assert applications["denied_internal_affairs"]["legal_service"] == 4
    assert not [c for c in record["checks"] if c["rule"] == "applications.row_total" and not c["ok"]]
