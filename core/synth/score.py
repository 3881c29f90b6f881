"""Scoring nianbao against a generated corpus: parse every report, compare with its truth.

Fields are compared one by one and counted per format (and per layout) in
five categories: every numeric table value (``numeric``), the metadata
(``metadata``: title, agency, year, published, signed), ``template``, the set
of failing cross-checks (``checks``), and the prose sections compared without
whitespace (``sections``). A numeric field counts when the truth or the
record has it, so a row the record invents is a mismatch too. A report that
ends as a dead letter gets every field of its truth wrong.

A mismatch is *wrong* (counted apart, in the table's ``wrong`` column) when the record holds a value where the
truth holds another: a number, a metadata field or the template read differently, not left null or absent. The
project's promise is that there are none: a null with an issue is honest, a wrong value is not.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao.host import PluginHost, get_host
from nianbao.parse import process_bytes
from nianbao.template import numeric_fields

from .corpus import TRUTH_SUFFIX
from .model import TEMPLATE_RULES

CATEGORIES: tuple[str, ...] = ("numeric", "metadata", "template", "checks", "sections")
METADATA_FIELDS: tuple[str, ...] = ("title", "agency", "year", "published", "signed")
SECTION_FIELDS: tuple[str, ...] = ("overview", "problems", "other")
NUMERIC_PATHS: tuple[str, ...] = tuple(path for path, *_ in numeric_fields())
DEAD = "<dead letter>"
ABSENT = "<absent>"
#: The categories whose mismatches can be wrong values (checks and prose differ without stating a wrong fact).
WRONG_CATEGORIES: tuple[str, ...] = ("numeric", "metadata", "template")
_MISSING = object()


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One field where the record and the truth disagree."""

    file: str
    format: str
    layout: str
    category: str
    path: str
    expected: Any
    actual: Any

    @property
    def wrong(self) -> bool:
        """Whether this is a wrong value (:func:`is_wrong`), not a miss."""
        return is_wrong(self.category, self.actual)


def is_wrong(category: str, actual: Any) -> bool:
    """Whether a mismatching field of ``category`` whose record holds ``actual`` is a wrong value: the record
    states a value the document does not mean (not a null, an absent row or a dead letter), in a category where
    that is a wrong answer rather than a missed one."""
    return category in WRONG_CATEGORIES and actual not in (None, ABSENT, DEAD)


@dataclass(slots=True)
class Tally:
    """Counts for one format or layout: documents, and correct/total fields per category."""

    documents: int = 0
    dead_letters: int = 0
    perfect: int = 0
    wrong: int = 0  # values stated that differ from the truth (``Mismatch.wrong``)
    correct: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)
    readable: list[int] = field(default_factory=lambda: [0, 0])  # numeric fields the truth has a value for: right, all
    unsettled: int = 0  # cells printed but not settled by the document (null in the truth, named under "unsettled")

    def accuracy(self, category: str | None = None) -> float | None:
        """Share of fields right in ``category`` (all categories pooled if ``None``); ``None`` if nothing scored."""
        total = self.total[category] if category else sum(self.total.values())
        correct = self.correct[category] if category else sum(self.correct.values())
        return correct / total if total else None


@dataclass(slots=True)
class Report:
    """The result of scoring a corpus."""

    formats: dict[str, Tally] = field(default_factory=dict)
    layouts: dict[str, Tally] = field(default_factory=dict)
    layout_format: dict[str, str] = field(default_factory=dict)
    reports: dict[str, Tally] = field(default_factory=dict)  # truth file → that one report's counts
    mismatches: list[Mismatch] = field(default_factory=list)
    features: dict[str, list[int]] = field(default_factory=dict)  # feature → [reports, reports with mismatches]

    @property
    def documents(self) -> int:
        return sum(t.documents for t in self.formats.values())

    def accuracy(self, fmt: str | None = None, category: str | None = None) -> float | None:
        """Accuracy of one format (or of all), in one category (or pooled)."""
        if fmt is not None:
            return self.formats[fmt].accuracy(category)
        pooled = Tally()
        for tally in self.formats.values():
            pooled.correct.update(tally.correct)
            pooled.total.update(tally.total)
        return pooled.accuracy(category)

    def wrong(self) -> list[Mismatch]:
        """The mismatches that are wrong values (``Mismatch.wrong``): none, if nianbao keeps its promise."""
        return [m for m in self.mismatches if m.wrong]

    def worst(self) -> float:
        """The lowest accuracy of any format in any category (1.0 for an empty corpus)."""
        values = [t.accuracy(c) for t in self.formats.values() for c in CATEGORIES]
        return min((v for v in values if v is not None), default=1.0)

    def common(self, limit: int = 15) -> list[tuple[str, int, Mismatch]]:
        """The most frequent mismatching field paths: ``(path, count, first example)``."""
        counts = Counter(m.path for m in self.mismatches)
        first: dict[str, Mismatch] = {}
        for m in self.mismatches:
            first.setdefault(m.path, m)
        return [(path, n, first[path]) for path, n in counts.most_common(limit)]

    def render(self, limit: int = 15, *, all_features: bool = False, per_report: bool = False) -> str:
        """The report as text: the accuracy table, the commonest mismatches, the features behind them.

        ``all_features`` lists every feature of the corpus, not only those of reports with mismatches;
        ``per_report`` adds one line per report (fields right / scored per category), for a small corpus of
        real reports.
        """
        lines = [*_table(self), "", *_common(self, limit), "", *_features(self, all_features)]
        return "\n".join([*lines, "", *_per_report(self)] if per_report else lines)


# ---- Comparing one record with its truth ------------------------------------------


def _get(tree: dict[str, Any] | None, path: str) -> Any:
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, int | float) or not isinstance(b, int | float):
        return False
    return abs(a - b) < 1e-6


def _squeeze(text: Any) -> Any:
    return "".join(text.split()) if isinstance(text, str) else text


def compare(truth: dict[str, Any], record: dict[str, Any] | None) -> Iterator[tuple[str, str, Any, Any, bool]]:
    """Every scored field: ``(category, path, expected, actual, ok)``; ``record`` ``None`` for a dead letter."""
    for path in NUMERIC_PATHS:
        expected = _get(truth, path)
        actual = DEAD if record is None else _get(record, path)
        if expected is _MISSING and actual is _MISSING:
            continue
        expected = None if expected is _MISSING else expected
        ok = actual is not _MISSING and actual != DEAD and _same_number(expected, actual)
        yield "numeric", path, expected, (ABSENT if actual is _MISSING else actual), ok
    for name in METADATA_FIELDS:
        actual = DEAD if record is None else record.get(name)
        yield "metadata", name, truth[name], actual, actual == truth[name]
    actual = DEAD if record is None else record.get("template")
    yield "template", "template", truth["template"], actual, actual == truth["template"]
    expected = sorted(map(list, truth["failing_checks"]))
    actual = DEAD if record is None else sorted([c["rule"], c["where"]] for c in record["checks"]
                                                if not c["ok"] and c["rule"] in TEMPLATE_RULES)
    yield "checks", "failing_checks", expected, actual, actual == expected
    for name in SECTION_FIELDS if "sections" in truth else ():  # real reports' truths may leave prose out
        expected = truth["sections"][name]
        actual = DEAD if record is None else record["sections"].get(name)
        yield "sections", f"sections.{name}", expected, actual, _squeeze(actual) == _squeeze(expected)


# ---- Scoring a directory -----------------------------------------------------------


def truths(directory: Path) -> list[dict[str, Any]]:
    """Every truth file of a corpus directory, in file-name order."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob(f"*{TRUTH_SUFFIX}"))]


def score(directory: str | Path, *, host: PluginHost | None = None) -> Report:
    """Parse every report of a generated corpus with nianbao and compare the records with the truths."""
    directory = Path(directory)
    host = host or get_host()
    report = Report()
    for truth in truths(directory):
        path = directory / truth["file"]
        if not path.is_file():
            raise FileNotFoundError(f"{directory}: the truth of {truth['file']} is there but the report is not")
        outcome = process_bytes(path.read_bytes(), str(path), host=host)
        score_one(report, truth, outcome.record)
    return report


def score_one(report: Report, truth: dict[str, Any], record: dict[str, Any] | None) -> None:
    """Add one report's comparison to ``report``."""
    tallies = [report.formats.setdefault(truth["format"], Tally())]
    tallies.append(report.layouts.setdefault(truth["layout"], Tally()))
    tallies.append(report.reports.setdefault(truth["file"], Tally()))
    report.layout_format[truth["layout"]] = truth["format"]
    wrong = 0
    for category, path, expected, actual, ok in compare(truth, record):
        for tally in tallies:
            tally.total[category] += 1
            tally.correct[category] += ok
            if category == "numeric" and expected is not None:
                tally.readable[0] += ok
                tally.readable[1] += 1
        if not ok:
            wrong += 1
            mismatch = Mismatch(truth["file"], truth["format"], truth["layout"], category, path, expected, actual)
            report.mismatches.append(mismatch)
            for tally in tallies:
                tally.wrong += mismatch.wrong
    for tally in tallies:
        tally.documents += 1
        tally.unsettled += len(truth.get("unsettled", ()))
        tally.dead_letters += record is None
        tally.perfect += wrong == 0
    for feature in truth.get("features", ()):
        counts = report.features.setdefault(feature, [0, 0])
        counts[0] += 1
        counts[1] += wrong > 0


# ---- Rendering ------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.2f}%"


def _row(name: str, tally: Tally) -> str:
    cells = [f"{name:<17}", f"{tally.documents:>6}", f"{tally.dead_letters:>5}", f"{tally.perfect:>8}",
             f"{tally.wrong:>6}", f"{sum(tally.total.values()):>8}"]
    cells += [f"{_pct(tally.accuracy(c)):>9}" for c in CATEGORIES]
    return "  ".join(cells)


def _table(report: Report) -> list[str]:
    header = "  ".join([f"{'format':<17}", f"{'docs':>6}", f"{'dead':>5}", f"{'perfect':>8}", f"{'wrong':>6}",
                        f"{'fields':>8}",
                        *(f"{c:>9}" for c in CATEGORIES)])
    lines = [header, "-" * len(header)]
    by_format: dict[str, list[str]] = defaultdict(list)
    for layout, fmt in report.layout_format.items():
        by_format[fmt].append(layout)
    for fmt, tally in report.formats.items():
        lines.append(_row(fmt, tally))
        layouts = sorted(by_format.get(fmt, ()))
        if len(layouts) > 1:
            lines.extend(_row(f"  {layout}", report.layouts[layout]) for layout in layouts)
    total = Tally(documents=report.documents)
    for tally in report.formats.values():
        total.dead_letters += tally.dead_letters
        total.perfect += tally.perfect
        total.wrong += tally.wrong
        total.correct.update(tally.correct)
        total.total.update(tally.total)
        total.unsettled += tally.unsettled
    lines.append(_row("all", total))
    if total.unsettled:
        lines.append(f"unsettled: {total.unsettled} cells the documents print but do not settle (null in the truths, "
                     "each named under its truth's \"unsettled\")")
    return lines


def _short(value: Any, width: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _common(report: Report, limit: int) -> list[str]:
    if not report.mismatches:
        return ["no mismatches"]
    lines = [f"most common mismatches ({len(report.mismatches)} in all):"]
    for path, count, example in report.common(limit):
        lines.append(f"  {count:>6}  {path}")
        lines.append(f"          e.g. {example.file}: expected {_short(example.expected)}, "
                     f"got {_short(example.actual)}")
    return lines


def _features(report: Report, all_features: bool = False) -> list[str]:
    rows = sorted(((f, n, bad) for f, (n, bad) in report.features.items() if bad or all_features),
                  key=lambda r: (-r[2] / r[1], r[0]))
    if not rows:
        return []
    which = "all reports" if all_features else "the reports with mismatches"
    lines = [f"features of {which} (feature: reports with mismatches / reports):"]
    lines.extend(f"  {feature:<32} {bad:>5} / {n:<5} ({100 * bad / n:.0f}%)" for feature, n, bad in rows)
    return lines


def _per_report(report: Report) -> list[str]:
    """One line per report: its fields right / scored in each category (``-`` where none is scored).

    ``readable`` is the numeric fields the truth has a value for (a cell the source lost is null in the truth and
    counts in ``numeric`` only); ``unsettled`` the cells the document prints but does not settle (a glued run that
    cuts several ways): null in the truth too, each named with its hand reading and why under the truth's
    ``unsettled``.
    """
    def cell(tally: Tally, category: str) -> str:
        total = tally.total[category]
        return f"{tally.correct[category]}/{total}" if total else "-"

    width = max((len(name) for name in report.reports), default=6)
    header = "  ".join([f"{'report':<{width}}", f"{'readable':>9}", *(f"{c:>9}" for c in CATEGORIES),
                        f"{'unsettled':>9}"])
    lines = ["per report (fields right / scored):", header, "-" * len(header)]
    lines.extend("  ".join([f"{name:<{width}}", f"{t.readable[0]}/{t.readable[1]}".rjust(9),
                            *(f"{cell(t, c):>9}" for c in CATEGORIES), f"{t.unsettled or '-':>9}"])
                 for name, t in sorted(report.reports.items()))
    return lines
