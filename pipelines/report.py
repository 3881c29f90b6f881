"""``report.html``: one self-contained page about a run, built from its output folder.

``nianbao run`` writes it beside the other outputs; ``nianbao report OUT/`` rebuilds it from an existing
output folder without parsing anything again. It reads ``records-*.jsonl``, ``dead-letters-*.jsonl``,
``summary.json`` and, when present, ``cross-checks.jsonl`` (the cross-year checks), streaming the records
once, and writes one HTML file that needs nothing else to open: the styles, the script, the data and the
charts (SVG from matplotlib, :mod:`.charts`) are all inside it, and it asks the network for nothing.

The page (Jinja2, ``templates/report.html.j2``) shows the run, the dead letters by stage, the charts, a
sortable, filterable, paginated table of the reports whose rows open each report's three tables as read
(cells a failing check compares are highlighted, the check's expected and actual beside them) and the
cross-year chains per agency. Every label of the template comes from :mod:`nianbao.template` and the
flat table's column names from :mod:`nianbao.flat_table`.

Size: the table lists at most :data:`MAX_REPORTS` reports (the first in input order; the page says so
when there are more, and its counts and charts still cover all). Each report's tables travel gzip-compressed
in chunks of :data:`CHUNK` reports that the page unpacks only when a row of the chunk is opened, so the
page parses only the table's index when it opens. See ``docs/pipeline.md``, "report.html".

This module imports no Beam (only :mod:`.outputs`' plain helpers, which import Beam lazily for remote
paths), so ``nianbao report`` starts without a pipeline.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import glob
import gzip
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import click
import orjson

from nianbao.flat_table import COLUMNS
from nianbao.template import (
    APPLICATION_COLUMNS,
    APPLICATION_GROUPS,
    APPLICATION_ROWS,
    PROACTIVE_COLUMNS,
    PROACTIVE_ITEMS,
    REVIEW_FIELDS,
    REVIEW_GROUPS,
    SECTION_HEADINGS,
    proactive_fields,
)
from nianbao.template import DEADLINES as TEMPLATE_DEADLINES

from . import charts, page_entry
from .heap import fewer_collections
from .page_entry import Head, outcome_group
from .run_files import CROSS_CHECKS, DEAD_LETTERS, RECORDS, REPORT, SUMMARY, output_files
from .storage import PendingFile, is_local, join, read_bytes

#: Reports the page lists with their tables. 100,000 reports make a page of about 40 MB that opens in under
#: 2 s (docs/pipeline.md, benchmarks/bench_report.py); a larger run is better explored in reports.parquet.
MAX_REPORTS = 100_000
#: Reports per compressed chunk of tables: opening a row unpacks one chunk (about 150 KB, 1.5 MB of JSON).
CHUNK = 500
#: Dead letters listed per stage (all are counted; dead-letters-*.jsonl has every one).
MAX_DEAD_LETTERS = 200
#: Failing cross-year checks kept per agency for its chain's details.
MAX_CHAIN_DETAILS = 50
#: The files the page lists for one agency-year's duplicate reports (the count is always whole) and for one
#: cross-year comparison: a corpus that holds each report under many names (the million-input benchmark:
#: each file under 50) would otherwise keep every name in the page's process (623 MB at 1,000,000 inputs).
MAX_DUPLICATE_URIS = 10
#: Agencies in the top-agencies chart.
TOP_AGENCIES = 15
#: Page names of the body levels nianbao.derive tells apart, and of the timeliness statuses.
LEVEL_NAMES = {"department": "部门", "government": "地方人民政府", "township": "乡镇、街道"}
STATUS_NAMES = {"on_time": "按期", "late": "逾期", "unknown": "无法判断"}
#: Statutory publication deadlines (条例第四十九条, nianbao.template): months after the report year, with the day.
DEADLINES = tuple(sorted((month, f"{month}月{day}日：{LEVEL_NAMES[level]}")
                         for level, (month, day) in TEMPLATE_DEADLINES.items()))
#: Short Chinese names of the rules (page text of ours, not the template's); other rules show their key.
RULE_NAMES = {
    "applications.balance": "收支平衡",
    "applications.row_total": "行合计",
    "applications.handled_total": "办理结果合计",
    "review_litigation.total": "复议诉讼合计",
    "cross_year.carried_over": "跨年度结转",
    "cross_year.in_force": "跨年度现行有效件数",
    "cross_year.gap": "缺少年度",
    "cross_year.duplicate": "同年多份报告",
}
_GAP, _DUPLICATE = "cross_year.gap", "cross_year.duplicate"


class ReportError(click.ClickException):
    """The folder holds no nianbao outputs to report on."""


# --------------------------------------------------------------------------
# Reading an output folder
# --------------------------------------------------------------------------


def _shards(directory: str, prefix: str) -> list[str]:
    if is_local(directory):
        return sorted(glob.glob(os.path.join(glob.escape(directory), f"{prefix}-*-of-*.jsonl")))
    return output_files(directory, prefix)


def _lines(path: str) -> Iterator[dict[str, Any]]:
    """The JSON objects of one JSON Lines file, streamed when local (a shard holds up to 50,000 records)."""
    if is_local(path):
        with open(path, "rb") as handle:
            yield from (orjson.loads(line) for line in handle if line.strip())
        return
    for line in read_bytes(path).splitlines():
        if line.strip():
            yield orjson.loads(line)


def _exists(path: str) -> bool:
    if is_local(path):
        return os.path.isfile(path)
    from apache_beam.io.filesystems import FileSystems

    return FileSystems.exists(path)


# --------------------------------------------------------------------------
# What the page shows, gathered in one pass
# --------------------------------------------------------------------------


def _labels() -> dict[str, Any]:
    """The template's shapes and Chinese labels for the page's tables (nothing here spells a label)."""
    return {
        "sections": {key: SECTION_HEADINGS[key][0] for key in ("proactive", "applications", "review_litigation")},
        "proactive": [[item, PROACTIVE_ITEMS[item].zh, [[c, PROACTIVE_COLUMNS[c].zh] for c in cols]]
                      for item, cols in proactive_fields().items()],
        "application_rows": [[key, row.zh, APPLICATION_GROUPS[row.group].zh if row.group else None]
                             for key, row in APPLICATION_ROWS.items()],
        "application_columns": [[key, col.zh] for key, col in APPLICATION_COLUMNS.items()],
        "review_groups": [[key, group.zh] for key, group in REVIEW_GROUPS.items()],
        "review_fields": [[key, f.zh] for key, f in REVIEW_FIELDS.items()],
        "columns": {c.name: c.zh for c in COLUMNS},
        "where": {**{k: v.zh for k, v in APPLICATION_ROWS.items()}, **{k: v.zh for k, v in REVIEW_GROUPS.items()},
                  **{k: v.zh for k, v in PROACTIVE_ITEMS.items()}, **{k: v.zh for k, v in APPLICATION_COLUMNS.items()}},
        "rules": RULE_NAMES,
    }


@dataclass
class _Chain:
    """One agency's cross-year lines: years seen, links between years, gaps, duplicates."""

    years: set[int] = field(default_factory=set)
    links: dict[tuple[int, int], list[Any]] = field(default_factory=dict)  # → [ok, failed, not comparable, details]
    gaps: set[tuple[int, int]] = field(default_factory=set)
    duplicates: dict[int, list[str]] = field(default_factory=dict)  # year → up to MAX_DUPLICATE_URIS files
    duplicate_counts: dict[int, int] = field(default_factory=dict)  # year → how many reports

    def add(self, line: dict[str, Any]) -> None:
        years = [y for y in line.get("years") or () if isinstance(y, int)]
        self.years.update(years)
        rule = line.get("rule")
        if len(years) < 2:
            return
        if rule == _GAP:
            self.gaps.add((min(years), max(years)))
        elif rule == _DUPLICATE:
            uris = self.duplicates.setdefault(years[0], [])
            listed = list(dict.fromkeys(line.get("uris") or ()))
            count = line.get("actual")
            self.duplicate_counts[years[0]] = max(self.duplicate_counts.get(years[0], 0), len(listed),
                                                  count if isinstance(count, int) else 0)
            uris.extend(u for u in listed[: MAX_DUPLICATE_URIS] if u not in uris)
            del uris[MAX_DUPLICATE_URIS:]
        else:
            link = self.links.setdefault((years[0], years[1]), [0, 0, 0, []])
            ok = line.get("ok")
            link[0 if ok is True else 1 if ok is False else 2] += 1
            if ok is not True and len(link[3]) < MAX_CHAIN_DETAILS:
                link[3].append([rule, line.get("where"), ok, line.get("expected"), line.get("actual"),
                                [os.path.basename(str(u)) for u in (line.get("uris") or ())[:MAX_DUPLICATE_URIS]]])

    def compact(self, agency: str) -> list[Any]:
        links = [[y0, y1, *counts[:3], counts[3]] for (y0, y1), counts in sorted(self.links.items())]
        return [agency, sorted(self.years), links, sorted(map(list, self.gaps)),
                [[year, uris, self.duplicate_counts.get(year, len(uris))]
                 for year, uris in sorted(self.duplicates.items())]]


class Collector:
    """Takes records, dead letters and cross-year lines one at a time; :meth:`page` is the page's data."""

    def __init__(self, *, limit: int = MAX_REPORTS, chunk: int = CHUNK) -> None:
        self.limit, self.chunk = limit, chunk
        self.records = 0
        self.rows: list[list[Any]] = []
        self.chunks: list[str] = []
        self._pending: list[bytes] = []  # the tables' views (JSON) of the chunk being filled
        self._strings: dict[str, int] = {}
        self.formats: Counter[str] = Counter()
        self.failing_by_format: Counter[str] = Counter()
        self.rule_seen: Counter[str] = Counter()  # records with a result of the rule
        self.rule_failed: Counter[str] = Counter()  # records with a failing result of the rule
        self.outcomes: Counter[str] = Counter()  # application bar → sum of its 总计 cells
        self.outcome_reports: Counter[str] = Counter()  # … and how many reports printed one
        self.agency_received: Counter[str] = Counter()
        self.received_reports = 0
        self.published: Counter[int] = Counter()  # month after the year's end (0 before, 13 later) → reports
        self.timeliness: Counter[tuple[str, str]] = Counter()  # (level, status) of the record's timeliness
        self.agency_names: dict[str, Counter[str]] = defaultdict(Counter)  # agency key → names as printed
        self.dated = 0
        self.prefix: str | None = None  # the inputs' common leading path
        self.dead_letters: dict[str, list[list[str]]] = defaultdict(list)
        self.dead_counts: Counter[str] = Counter()
        self.dead_types: Counter[str] = Counter()
        self.chains: dict[str, _Chain] = defaultdict(_Chain)
        self.cross_checks: Counter[str] = Counter()
        self.cross_failed: Counter[str] = Counter()
        self._drawn: list[dict[str, str]] | None = None  # the charts, once drawn (they read records only)

    def _see(self, uri: str) -> None:
        self.prefix = uri if self.prefix is None else _common(self.prefix, uri)

    def _string(self, value: Any) -> int | None:
        if value is None:
            return None
        return self._strings.setdefault(str(value), len(self._strings))

    # ---- records ---------------------------------------------------------

    def add_record(self, record: dict[str, Any]) -> None:
        """One record, read whole (``nianbao report``, or an outcome staged without its entry)."""
        listed = len(self.rows) < self.limit
        self._add(page_entry.head(record), orjson.dumps(page_entry.tables(record)) if listed else b"")

    def add_entry(self, line: bytes) -> None:
        """One record's entry in the page, as a worker staged it (:func:`.page_entry.encode`): the same as
        :meth:`add_record` of the record, without reading the record."""
        head, tables = page_entry.decode(line)
        self._add(head, tables)

    def add_outcome(self, record: bool, body: bytes) -> None:
        """One outcome as the page's process is fed it: a record's entry or the record itself (``record``),
        or a dead letter."""
        if not record:
            self.add_dead_letter(orjson.loads(body))
        elif page_entry.is_entry(body):
            self.add_entry(body)
        else:
            self.add_record(orjson.loads(body))

    def _add(self, head: Head, tables: bytes) -> None:
        if self._drawn is not None:
            raise ValueError("a record after the charts were drawn")
        self.records += 1
        fmt = head.format or "?"
        self.formats[fmt] += 1
        self.failing_by_format[fmt] += head.failing > 0
        for rule in head.rules:
            self.rule_seen[rule] += 1
        for rule in head.failed:
            self.rule_failed[rule] += 1
        outcomes, reports = self.outcomes, self.outcome_reports
        for bar, total in head.bars:
            outcomes[bar] += total
            reports[bar] += 1
        if head.received is not None:
            self.received_reports += 1
            if head.agency_key:  # one body under its several printed names (人民政府/政府, widths, spaces)
                self.agency_received[head.agency_key] += head.received
                self.agency_names[head.agency_key][head.agency] += 1
        self.timeliness[(head.level, head.status)] += 1
        if head.month is not None:
            self.published[head.month] += 1
            self.dated += 1
        uri = head.uri
        self._see(uri)
        if len(self.rows) < self.limit:
            if not tables:
                raise ValueError(f"the page's entry of {uri} has no tables")
            self.rows.append([
                self._string(head.agency), head.year, self._string(head.template), self._string(head.format),
                head.failing, head.issues, head.errors, [self._string(r) for r in head.listed_rules],
                uri.replace("\\", "/").rsplit("/", 1)[-1],
            ])
            self._pending.append(tables)
            if len(self._pending) >= self.chunk:
                self._flush()

    def _flush(self) -> None:
        if self._pending:  # the views' JSON joined as orjson writes a list of them
            packed = gzip.compress(b"[" + b",".join(self._pending) + b"]", compresslevel=6, mtime=0)
            self.chunks.append(base64.b64encode(packed).decode("ascii"))
            self._pending = []

    # ---- dead letters, cross-year lines ----------------------------------

    def add_dead_letter(self, letter: dict[str, Any]) -> None:
        if self._drawn is not None:
            raise ValueError("a dead letter after the charts were drawn")
        error = letter.get("error") or {}
        stage = str(error.get("stage") or "?")
        self.dead_counts[stage] += 1
        self.dead_types[str(error.get("type") or "?")] += 1
        uri = str((letter.get("source") or {}).get("uri") or "")
        self._see(uri)
        if len(self.dead_letters[stage]) < MAX_DEAD_LETTERS:
            self.dead_letters[stage].append([uri, str(error.get("type") or ""), str(error.get("message") or "")])

    def add_cross_check(self, line: dict[str, Any]) -> None:
        rule = str(line.get("rule"))
        self.cross_checks[rule] += 1
        self.cross_failed[rule] += line.get("ok") is False or rule in (_GAP, _DUPLICATE)
        self.chains[str(line.get("agency") or "?")].add(line)

    # ---- the page --------------------------------------------------------

    def charts(self) -> list[dict[str, str]]:
        """The charts (:func:`_charts`), drawn once: they read the records and dead letters only, so
        :func:`collect_stream` draws them as soon as the outcomes end, before the cross-year lines come."""
        if self._drawn is None:
            self._drawn = _charts(self)
        return self._drawn

    def page(self) -> dict[str, Any]:
        """The data the page's script reads (inlined as JSON)."""
        self._flush()
        return {
            "labels": _labels(),
            "strings": list(self._strings),
            "rows": self.rows,
            "chunk": self.chunk,
            "chunks": self.chunks,
            "chains": [chain.compact(agency) for agency, chain in sorted(self.chains.items())],
        }

    def input_folder(self) -> str:
        """The folder every input is under (the run's input as the page shows it)."""
        if not self.prefix:
            return ""
        cut = max(self.prefix.rfind("/"), self.prefix.rfind("\\"))
        return self.prefix[: cut + 1] if cut >= 0 else self.prefix


def _common(a: str, b: str) -> str:
    """The longest common start of two URIs (cut back to a folder by :meth:`Collector.input_folder`)."""
    size = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return a[:size]


def collect(directory: str, *, limit: int = MAX_REPORTS) -> tuple[Collector, dict[str, Any] | None]:
    """Read an output folder once: the collector and the run's summary (``None`` when it has none)."""
    records, dead = _shards(directory, RECORDS), _shards(directory, DEAD_LETTERS)
    summary_path = join(directory, SUMMARY)
    summary = orjson.loads(read_bytes(summary_path)) if _exists(summary_path) else None
    if not records and not dead and summary is None:
        raise ReportError(f"{directory}: no nianbao outputs here (records-*.jsonl, dead-letters-*.jsonl, "
                          f"{SUMMARY})")
    collector = Collector(limit=limit)
    with fewer_collections():  # the collector keeps a row per report: fewer walks over them (nianbao.pipelines.heap)
        for path in records:
            for record in _lines(path):
                collector.add_record(record)
        for path in dead:
            for letter in _lines(path):
                collector.add_dead_letter(letter)
    cross = join(directory, CROSS_CHECKS)
    if _exists(cross):
        for line in _lines(cross):
            collector.add_cross_check(line)
    return collector, summary


# --------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------


def _charts(c: Collector) -> list[dict[str, str]]:
    """The charts as ``{"svg", "note"}``, in page order; a chart without data is left out."""
    out: list[dict[str, str]] = []

    def add(svg: str | None, note: str) -> None:
        if svg:
            out.append({"svg": svg, "note": note})

    bars = [key for key in dict.fromkeys(outcome_group(row) for row in APPLICATION_ROWS) if c.outcome_reports[key]]
    names = {**{k: v.zh for k, v in APPLICATION_ROWS.items()}, **{k: v.zh for k, v in APPLICATION_GROUPS.items()}}
    names["total_handled"] = f"{APPLICATION_GROUPS['results'].zh}·{names['total_handled']}"  # not 总计 alone
    received = ("new_received", "carried_over")
    add(charts.hbars("收到和办理的申请（全批次合计）", [names[k] for k in bars], [c.outcomes[k] for k in bars],
                     [f"{c.outcomes[k]:,}  （{c.outcome_reports[k]:,} 份）" for k in bars],
                     colors=[charts.MUTED if k in received else charts.ACCENT for k in bars]),
        f"各报告“{APPLICATION_COLUMNS['total'].zh}”列所印数值之和；分组（{APPLICATION_GROUPS['denied'].zh}等）"
        "为其各行之和。空值不计入，括号内为计入的报告数。")
    top = [(c.agency_names[key].most_common(1)[0][0], n) for key, n in c.agency_received.most_common(TOP_AGENCIES)
           if n > 0]
    add(charts.hbars(f"新收申请最多的 {len(top)} 个机关", [a for a, _ in top], [n for _, n in top]),
        f"按机关合计各年度的新收申请总计（同一机关的不同写法合并，显示最常见的写法）；"
        f"{c.received_reports:,} 份报告印有该数。")
    if c.timeliness:
        keys = sorted(c.timeliness, key=lambda k: (k[1] != "late", k[1], k[0]))
        add(charts.hbars("按期公开：条例第四十九条", [f"{LEVEL_NAMES.get(lv, '层级不明')}·{STATUS_NAMES.get(st, st)}"
                                              for lv, st in keys], [c.timeliness[k] for k in keys],
                         colors=[charts.BAD if st == "late" else charts.MUTED if st == "unknown" else charts.ACCENT
                                 for _, st in keys]),
            "发布日期（无则落款日期）对照法定期限：部门 1月31日前、地方人民政府 3月31日前公布上一年度报告；"
            "乡镇、街道条例未定期限，无日期者无法判断。")
    rules = sorted(c.rule_seen, key=lambda r: (-c.rule_failed[r] / c.rule_seen[r], r))
    add(charts.hbars("未通过率：按校验规则", [f"{r}  {RULE_NAMES.get(r, '')}" for r in rules],
                     [c.rule_failed[r] / c.rule_seen[r] for r in rules],
                     [f"{c.rule_failed[r] / c.rule_seen[r]:.0%}  （{c.rule_failed[r]:,}/{c.rule_seen[r]:,}）"
                      for r in rules], colors=[charts.BAD] * len(rules), percent=True),
        "有该规则结果的报告中，至少一项未通过的比例。")
    formats = sorted(c.formats)
    add(charts.hbars("未通过率：按文件格式", formats, [c.failing_by_format[f] / c.formats[f] for f in formats],
                     [f"{c.failing_by_format[f] / c.formats[f]:.0%}  （{c.failing_by_format[f]:,}/{c.formats[f]:,}）"
                      for f in formats], colors=[charts.BAD] * len(formats), percent=True),
        "该格式的报告中，至少一项校验未通过的比例。")
    if c.dated:
        months = list(range(0, max(max(c.published), 4) + 1))
        labels = [_month_label(m) for m in months]
        late = sum(n for m, n in c.published.items() if m > DEADLINES[-1][0])
        add(charts.columns("发布月份（相对报告年度）", labels, [c.published[m] for m in months],
                           marks=[(months.index(m) + 0.5, text) for m, text in DEADLINES if m in months],
                           colors=[charts.BAD if m > DEADLINES[0][0] else charts.ACCENT for m in months]),
            f"{c.dated:,} 份报告印有发布日期（共 {c.records:,} 份）；{late:,} 份晚于 3月31日。"
            "条例第四十九条：部门 1月31日前、地方人民政府 3月31日前公布上一年度报告。"
            "本页不区分机关层级，红色为 1月31日以后发布。")
    return out


def _month_label(month: int) -> str:
    """A bin of :attr:`Collector.published`: ``当年及以前``, ``次年1月``, ``2月`` … ``12月``, ``更晚``."""
    if month <= 0:
        return "当年及以前"
    if month > 12:
        return "更晚"
    return f"次年{month}月" if month == 1 else f"{month}月"


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("nianbao.pipelines", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["n"] = lambda v: f"{v:,}" if isinstance(v, int | float) else "—" if v is None else v
    return env


def _json_for_script(data: Any) -> bytes:
    """JSON safe inside ``<script>``: ``<`` is escaped (as Jinja2's ``tojson`` does), so no ``</script>``."""
    raw = orjson.dumps(data)
    return raw.replace(b"<", b"\\u003c") if b"<" in raw else raw


#: Stands in the template for the page's data, which :func:`pieces` writes in its place as bytes: the
#: data of 100,000 reports is tens of MB, the page as one ``str`` several times that.
_DATA_MARK = "\x00nianbao-data\x00"


def pieces(collector: Collector, summary: dict[str, Any] | None, *, directory: str = "") -> Iterator[str | bytes]:
    """The page's HTML in pieces, as the template renders them, the data (:meth:`Collector.page`) as bytes."""
    import markupsafe

    summary = summary or {}
    c = collector
    run = {
        "input": c.input_folder(), "output": summary.get("output") or directory,
        "documents_in": summary.get("documents_in", c.records + sum(c.dead_counts.values())),
        "records": c.records, "dead_letters": sum(c.dead_counts.values()), "missing": summary.get("missing"),
        "failing": sum(c.failing_by_format.values()), "formats": dict(sorted(c.formats.items())),
        "runner": summary.get("runner"), "plugins": summary.get("plugins"),
        "wall_time_s": summary.get("wall_time_s"), "documents_per_s": summary.get("documents_per_s"),
        "has_summary": bool(summary),
    }
    cross = {rule: (n, c.cross_failed[rule]) for rule, n in sorted(c.cross_checks.items())}
    generated = _environment().get_template("report.html.j2").generate(
        run=run, listed=len(c.rows), limit=c.limit,
        dead={stage: (c.dead_counts[stage], c.dead_letters[stage]) for stage in sorted(c.dead_counts)},
        dead_types=dict(sorted(c.dead_types.items())), max_dead=MAX_DEAD_LETTERS,
        charts=[{"svg": markupsafe.Markup(ch["svg"]), "note": ch["note"]} for ch in c.charts()],
        cross=cross, rule_names=RULE_NAMES, agencies=len(c.chains), columns={col.name: col.zh for col in COLUMNS},
        generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        data=markupsafe.Markup(_DATA_MARK),
    )
    for piece in generated:
        if _DATA_MARK in piece:
            before, after = piece.split(_DATA_MARK, 1)
            yield before
            yield _json_for_script(c.page())
            yield after
        else:
            yield piece


def render(collector: Collector, summary: dict[str, Any] | None, *, directory: str = "") -> str:
    """The page's HTML."""
    return "".join(p if isinstance(p, str) else p.decode() for p in pieces(collector, summary, directory=directory))


def build_report(directory: str, *, limit: int = MAX_REPORTS) -> str:
    """The HTML of ``report.html`` for the output folder ``directory``."""
    collector, summary = collect(directory, limit=limit)
    return render(collector, summary, directory=directory)


def write_report(directory: str, *, limit: int = MAX_REPORTS) -> str:
    """Build ``report.html`` in the output folder ``directory`` (atomically) and return its path.

    The page is written piece by piece as it renders, never held whole in memory.
    """
    collector, summary = collect(directory, limit=limit)
    return _write_page(directory, collector, summary)


def _write_page(directory: str, collector: Collector, summary: dict[str, Any] | None) -> str:
    target = PendingFile(directory, REPORT)
    try:
        for piece in pieces(collector, summary, directory=directory):
            target.handle.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
    except BaseException:
        target.abort()
        raise
    return target.commit()


@click.command("report", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("directory", metavar="OUT")
@click.option("--limit", type=click.IntRange(min=0), default=MAX_REPORTS, show_default=True,
              help="Most reports the page lists with their tables (the counts and charts cover all).")
def report_command(directory: str, limit: int) -> None:
    """Rebuild OUT/report.html from the outputs of an earlier `nianbao run` (nothing is parsed again).

    Reads records-*.jsonl, dead-letters-*.jsonl, summary.json and cross-checks.jsonl (when present).
    """
    path = write_report(directory, limit=limit)
    click.echo(path)


#: What a line of :class:`ReportFeed`'s stream starts with: the kind of the outcome that follows (a record's
#: entry in the page, or the record itself, or a dead letter), its bytes on the line or where they are (a
#: staged shard, the bytes at an offset); a staged shard where outcomes are (numbered in the order named); a
#: file to follow (the launcher's spool of such lines, read as it grows); the end of the outcomes (the
#: cross-year lines and the summary are still to come, from the files); write the page (they are written).
#: A stream that ends without the last (the launcher died) writes no page.
_FED_RECORD, _FED_DEAD_LETTER, _AT_RECORD, _AT_DEAD_LETTER = b"r", b"d", b"R", b"D"
_FED_SHARD, _FED_FOLLOW, _FED_END, _FED_WRITE = b"s", b"f", b"e", b"w"
#: Staged shards the page's process keeps open.
_OPEN_SHARDS = 64
#: How long the page's process waits for its launcher's next line when the file it follows has nothing new.
_IDLE = 0.05


class StreamCut(ValueError):
    """The page's stream ended before the launcher said to write the page: the run did not finish."""


class _Outcomes:
    """Takes the stream's outcome lines: a kind byte, then a record's entry or JSON, or a dead letter's JSON, on
    the line or in a staged shard (``shard number, offset, size``); a line naming a shard numbers it."""

    def __init__(self, collector: Collector) -> None:
        self.collector = collector
        self.shards: list[str] = []
        self.open: dict[int, int] = {}  # shard number → file descriptor, least recently used first

    def take(self, line: bytes) -> None:
        kind, body = line[:1], line[1:]
        if kind in (_AT_RECORD, _AT_DEAD_LETTER):
            number, offset, size = map(int, body.split(b" "))
            body = self._read(number, offset, size)
            kind = _FED_RECORD if kind == _AT_RECORD else _FED_DEAD_LETTER
        elif kind == _FED_SHARD:
            self.shards.append(orjson.loads(body))
            return
        if kind not in (_FED_RECORD, _FED_DEAD_LETTER):
            raise ValueError(f"unexpected line in the report's input: {line[:80]!r}")
        self.collector.add_outcome(kind == _FED_RECORD, body)

    def _read(self, number: int, offset: int, size: int) -> bytes:
        fd = self.open.pop(number, None)
        if fd is None:
            if len(self.open) >= _OPEN_SHARDS:
                os.close(self.open.pop(next(iter(self.open))))
            fd = os.open(self.shards[number], os.O_RDONLY)
        self.open[number] = fd
        data = os.pread(fd, size, offset)
        if len(data) != size:
            raise ValueError(f"{self.shards[number]}: {size} bytes at {offset} asked, {len(data)} there")
        return data

    def close(self) -> None:
        for fd in self.open.values():
            os.close(fd)
        self.open.clear()


class _Follower:
    """The launcher's spool of outcome lines, read while the launcher writes it: complete lines only, each
    handed to ``take`` once."""

    def __init__(self, take: Callable[[bytes], None]) -> None:
        self.take = take
        self.handle: Any = None
        self.rest = b""

    def switch(self, path: str) -> None:
        """Read the current file to its end (the launcher wrote it whole before naming the next), then ``path``."""
        self.drain()
        self.handle = open(path, "rb", buffering=0)  # noqa: SIM115 (closed at the next switch or the end)

    def read(self) -> bool:
        """Take the lines written since the last read; whether there were new bytes."""
        if self.handle is None:
            return False
        data = self.handle.read(1 << 20)
        if not data:
            return False
        *lines, self.rest = (self.rest + data).split(b"\n")
        for line in lines:
            if line.strip():
                self.take(line)
        return True

    def drain(self) -> None:
        """Read to the end of the file, which is written whole."""
        if self.handle is None:
            return
        while self.read():
            pass
        self.handle.close()
        self.handle = None
        if self.rest.strip():
            raise ValueError(f"a followed output ends in a cut line: {self.rest[:80]!r}")
        self.rest = b""


def _control_lines(fd: int, poll: Callable[[], bool]) -> Iterator[bytes]:
    """The lines the launcher writes to ``fd`` (the process's standard input), reading the followed file
    (``poll``) whenever nothing else is to be done: the page keeps up with the merge without ever holding
    it up, since the launcher writes only a few short lines to the pipe."""
    import select

    buffer = b""
    while True:
        busy = poll()
        ready, _, _ = select.select([fd], [], [], 0 if busy else _IDLE)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            if buffer:
                yield buffer
            return
        *lines, buffer = (buffer + chunk).split(b"\n")
        yield from lines


def collect_stream(directory: str, lines: Iterable[bytes] | int, *,
                   limit: int = MAX_REPORTS) -> tuple[Collector, dict[str, Any] | None]:
    """What :func:`collect` gives, with the records and dead letters taken as the launcher's merge writes them
    (:class:`ReportFeed`'s stream: ``lines``, or the lines read from the file descriptor ``lines``): a line is
    one outcome (a kind byte, then a record's entry in the page or the record, or a dead letter), or names a
    file of such lines to follow (the launcher's spool, read as it grows), or ends the outcomes (the charts
    are drawn then) or says to write the page: the cross-year lines and the summary are read from
    ``directory`` then (they are written last). A stream that ends before the write line (the launcher was
    killed) raises :class:`StreamCut`, and no page is written.

    The page is the same as :func:`collect`'s: records keep their order, dead letters theirs, and nothing
    the collector counts depends on how the two interleave.
    """
    collector = Collector(limit=limit)
    outcomes = _Outcomes(collector)
    follower = _Follower(outcomes.take)
    if isinstance(lines, int):
        lines = _control_lines(lines, follower.read)
    with fewer_collections():
        for line in lines:
            kind = line[:1]
            if kind == _FED_WRITE:
                follower.drain()
                break
            if kind == _FED_FOLLOW:
                follower.switch(orjson.loads(line[1:]))
            elif kind == _FED_END:  # every outcome is written: read the spool to its end, then the charts
                follower.drain()
                collector.charts()
            elif line.strip():
                outcomes.take(line)
        else:
            raise StreamCut("the run ended before its summary was written: no page")
    outcomes.close()
    summary_path = join(directory, SUMMARY)
    summary = orjson.loads(read_bytes(summary_path)) if _exists(summary_path) else None
    cross = join(directory, CROSS_CHECKS)
    if _exists(cross):
        for entry in _lines(cross):
            collector.add_cross_check(entry)
    return collector, summary


class ReportFeed:
    """``report.html`` built in a process of its own while the launcher merges: the page's reading of the
    outcomes then runs beside the merge, on another core, instead of after it.

    The merge hands it each outcome in input order: a record's entry in the page, which the worker that parsed
    the record staged with it (:mod:`.page_entry`; the record itself when it was staged without one), or a dead
    letter; where it lies in a local staged shard (:meth:`add_at`), or its bytes (:meth:`add`). These lines go
    to a spool file (in ``spool``, the staging folder, else the system's temporary folder) that the process
    reads as it grows, behind the merge, so the merge never waits for the page; only where no spool file can
    be made do they go through the pipe, where the merge waits when the process lags. Past the first ``limit``
    records (:data:`MAX_REPORTS`) an entry given as bytes goes without its tables, which the page does not
    list. :meth:`outcomes_done` says every outcome is written;
    :meth:`finish`, called once ``summary.json`` and ``cross-checks.jsonl`` are written, ends the stream, and
    the process reads those two and writes the page (:func:`collect_stream`). The page is byte for byte what
    :func:`write_report` builds from the same folder. The process ignores SIGINT: the launcher ends it
    (:meth:`abort`) when the run stops. A failure is an ``OSError`` whose message is the last line the
    process printed.
    """

    def __init__(self, directory: str, *, spool: str | None = None, limit: int = MAX_REPORTS) -> None:
        import subprocess
        import sys
        import tempfile

        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed in finish/abort)
        self._process = subprocess.Popen([sys.executable, "-m", "nianbao.pipelines.report", "--stream", directory,
                                          str(limit)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._errors, bufsize=1 << 16)
        self._broken = False
        self._records, self._limit = 0, limit
        self._shards: dict[str, int] = {}  # staged shards named to the process, and their numbers
        self._folder, self._spool = _spool_file(spool or tempfile.gettempdir())
        if self._spool is not None:
            self._send(_FED_FOLLOW + orjson.dumps(self._spool.name) + b"\n")
            self._flush()

    @property
    def spooled(self) -> bool:
        """Whether the outcomes go to a spool file the process reads behind the merge (else through the pipe)."""
        return self._spool is not None

    def add(self, record: bool, body: bytes) -> None:
        """One outcome, on one line: a record's entry in the page or the record's JSON (``record``), or a dead
        letter's JSON."""
        if record:
            self._records += 1
            if self._records > self._limit and page_entry.is_entry(body):
                body = body.partition(page_entry.SEPARATOR)[0]  # the page does not list it: its counts only
        self._line((_FED_RECORD if record else _FED_DEAD_LETTER) + body + b"\n")

    def add_at(self, record: bool, shard: str, offset: int, size: int) -> None:
        """One outcome as :meth:`add` takes it, read by the process from the local file ``shard`` (``size`` bytes
        at ``offset``), which stays until :meth:`finish`: the spool then carries a few bytes an outcome, not its
        entry (at 100,000 records, 360 MB less for the merge to write)."""
        number = self._shards.get(shard)
        if number is None:
            number = self._shards[shard] = len(self._shards)
            self._line(_FED_SHARD + orjson.dumps(shard) + b"\n")
        self._line(b"%s%d %d %d\n" % (_AT_RECORD if record else _AT_DEAD_LETTER, number, offset, size))

    def _line(self, line: bytes) -> None:
        if self._spool is not None:
            self._spool.write(line)
        else:
            self._send(line)

    def outcomes_done(self) -> None:
        """Every outcome has been added: the process draws the charts while the launcher goes on."""
        if self._spool is not None:
            self._spool.close()  # written whole before the process is told to read it to its end
        self._send(_FED_END + b"\n")
        self._flush()

    def _send(self, line: bytes) -> None:
        if self._broken:
            return
        try:
            self._process.stdin.write(line)
        except BrokenPipeError:  # the process ended early: finish() says why
            self._broken = True

    def _flush(self) -> None:
        with contextlib.suppress(BrokenPipeError):
            self._process.stdin.flush()

    def finish(self) -> str:
        """Write the page (``summary.json`` and ``cross-checks.jsonl`` are written), wait for it; its path."""
        if self._spool is not None:
            self._spool.close()  # written whole (closed already unless outcomes_done was skipped)
        self._send(_FED_WRITE + b"\n")
        with contextlib.suppress(BrokenPipeError):
            self._process.stdin.close()
        output = self._process.stdout.read()
        code = self._process.wait()
        self._unlink()
        self._errors.seek(0)
        errors = self._errors.read().decode(errors="replace").strip().splitlines()
        self._errors.close()
        if code != 0:
            raise OSError(errors[-1] if errors else f"the report process exited with {code}")
        return output.decode().strip()

    def abort(self) -> None:
        """Stop the process, if it still runs (the run failed or was interrupted)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self._errors.close()
        self._unlink()

    def _unlink(self) -> None:
        if self._spool is not None:
            self._spool.close()
        if self._folder is not None:
            import shutil

            shutil.rmtree(self._folder, ignore_errors=True)


def _spool_file(folder: str) -> tuple[str | None, Any]:
    """A new folder in ``folder`` and a file open for writing in it (the page's spool), or ``(None, None)``."""
    import tempfile

    try:
        made = tempfile.mkdtemp(prefix=".nianbao-page-", dir=folder)
    except OSError:
        return None, None
    try:
        return made, open(os.path.join(made, "outcomes"), "wb", buffering=1 << 20)
    except OSError:
        os.rmdir(made)
        return None, None


def _stream_main(directory: str, limit: int) -> None:
    """``python -m nianbao.pipelines.report --stream OUT LIMIT``: the process behind :class:`ReportFeed`."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the launcher stops this process itself
    warm_up()  # while the workers start: the run's end then waits for neither import
    collector, summary = collect_stream(directory, sys.stdin.fileno(), limit=limit)
    print(_write_page(directory, collector, summary))


def warm_up() -> None:
    """Import what the charts and the page need (matplotlib's figure and SVG backend, the page's template, compiled
    once): :class:`ReportFeed`'s process does it as it starts, idle while the workers parse, rather than at the
    run's end, which waited 0.6 s for matplotlib's import alone."""
    charts.warm_up()
    _environment().get_template("report.html.j2")


def write_report_apart(directory: str) -> str:
    """:func:`write_report` in a process of its own, as ``nianbao run`` builds the page after its merge.

    The page's data (up to :data:`MAX_REPORTS` reports) then never adds to the launcher's memory, which
    holds Beam and pyarrow; the page's process imports neither. A failure is an ``OSError`` whose
    message is the last line the process printed.
    """
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "nianbao.pipelines.report", directory],
                          capture_output=True, check=False)
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        raise OSError(lines[-1] if lines else f"the report process exited with {done.returncode}")
    return done.stdout.decode().strip()


if __name__ == "__main__":  # python -m nianbao.pipelines.report OUT (write_report_apart), or --stream OUT LIMIT
    import sys

    if sys.argv[1:2] == ["--stream"] and len(sys.argv) == 4:
        _stream_main(sys.argv[2], int(sys.argv[3]))
    else:
        report_command()
