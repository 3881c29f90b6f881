"""Cross-year checks: the real 平潭 series and a generated batch of agencies with deliberate breaks.

Both go through the real Beam pipeline (``nianbao run``'s :func:`run`); the Dask
runner runs the same generated batch in ``test_pipeline_dask.py``. The generated
batch's truth is made with it: which chain links were broken, which years are
missing or reported twice, which links cross the template change.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import orjson
import pytest

from nianbao.crossyear import cross_year_checks, facts_of
from nianbao.pipelines.run import run
from nianbao.synth.corpus import RENDERERS, render_spec
from nianbao.synth.model import series_spec
from nianbao.template import APPLICANT_COLUMNS, APPLICATION_COLUMNS

from .conftest import REAL

COLUMNS = list(APPLICATION_COLUMNS)


def read_cross(out: Path) -> list[dict]:
    return [orjson.loads(line) for line in (out / "cross-checks.jsonl").read_bytes().splitlines()]


def by_link(lines: list[dict]) -> dict[tuple, dict]:
    """Lines keyed ``(rule, agency, y0, y1, where)``; a key twice would be a bug."""
    out = {(ln["rule"], ln["agency"], *ln["years"], ln["where"]): ln for ln in lines}
    assert len(out) == len(lines), "one line per check"
    return out


# ---- the real 平潭 series -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pingtan(tmp_path_factory):
    root = tmp_path_factory.mktemp("pingtan")
    for path in sorted(REAL.glob("pingtan-*.txt")):
        (root / path.name).write_bytes(path.read_bytes())
    out = tmp_path_factory.mktemp("pingtan-out")
    summary = run([f"--input={root}", f"--output={out}", "--plugins=none"])
    return root, out, summary


def test_pingtan_series_checks_come_out_as_the_reports_say(pingtan):
    root, out, summary = pingtan
    lines = by_link(read_cross(out))
    uri = {year: str(root / f"pingtan-{year}.txt") for year in (2019, 2020, 2021, 2022, 2024)}
    name = "平潭综合实验区"
    # Read off the reports: 2019 and 2020 carry nothing forward and nothing over (every 结转 cell 0);
    # 2021 carries 1 (自然人) forward into 2022, whose 上年结转 prints 1 (自然人) — the chain holds.
    carried = {(2019, 2020): dict.fromkeys(COLUMNS, 0), (2020, 2021): dict.fromkeys(COLUMNS, 0),
               (2021, 2022): {**dict.fromkeys(COLUMNS, 0), "natural_person": 1, "total": 1}}
    for (y0, y1), values in carried.items():
        for column, value in values.items():
            line = lines.pop(("cross_year.carried_over", name, y0, y1, column))
            assert (line["ok"], line["expected"], line["actual"]) == (True, value, value), line
            assert line["uris"] == [uri[y0], uri[y1]]
    # 现行有效件数: 2019 and 2020 print the 2019 columns (no 现行有效件数), so 2019→2020 and the template
    # change 2020→2021 are not comparable; 规章 2021 prints 0/0/0 and 2022 0/0/0: 0 = 0 + 0 - 0.
    # 规范性文件 of 2021 and 2022 are glued runs that split several ways (left null): not comparable.
    for y0, y1 in ((2019, 2020), (2020, 2021)):
        for item in ("regulations", "normative_documents"):
            assert lines.pop(("cross_year.in_force", name, y0, y1, item))["ok"] is None
    regulations = lines.pop(("cross_year.in_force", name, 2021, 2022, "regulations"))
    assert (regulations["ok"], regulations["expected"], regulations["actual"]) == (True, 0, 0)
    assert lines.pop(("cross_year.in_force", name, 2021, 2022, "normative_documents"))["ok"] is None
    # 2023 is missing: a gap between 2022 and 2024, and no chain across it
    gap = lines.pop(("cross_year.gap", name, 2022, 2024, "2023"))
    assert gap["ok"] is False and gap["uris"] == [uri[2022], uri[2024]]
    assert lines == {}
    cross = summary["cross_checks"]
    assert cross["agencies"] == 1 and cross["records"] == 5 and cross["lines"] == 28
    assert cross["rules"]["cross_year.carried_over"] == {"ok": 21, "failed": 0, "not_comparable": 0}
    assert cross["rules"]["cross_year.in_force"] == {"ok": 1, "failed": 0, "not_comparable": 5}
    assert cross["rules"]["cross_year.gap"]["failed"] == 1
    assert summary["files"]["cross_checks"] == "cross-checks.jsonl"


# ---- a generated batch with deliberate breaks ----------------------------------------------------


@dataclass
class Body:
    """One generated agency: the names it prints per year, its years, the links broken on purpose."""

    display: str
    names: dict[int, str]
    carry_breaks: dict[int, str] = field(default_factory=dict)  # year → the column whose 上年结转 is off
    force_breaks: dict[int, str] = field(default_factory=dict)  # year → the item whose 现行有效件数 is off
    old_columns: set[int] = field(default_factory=set)  # years printing 2019 columns in section 二 (mixed)
    twice: set[int] = field(default_factory=set)  # years reported twice (another format)


BODIES = [
    # 人民政府 / 政府 and a space in the same name join; its 办公室 is another body
    Body("滨海县人民政府", {2019: "滨海县人民政府", 2020: "滨海县政府", 2021: "滨海县 人民政府", 2022: "滨海县人民政府",
                       2023: "滨海县人民政府", 2024: "滨海县政府"},
         carry_breaks={2021: "natural_person"}, force_breaks={2023: "normative_documents"}),
    Body("滨海县人民政府办公室", {y: "滨海县人民政府办公室" for y in range(2019, 2025)},
         carry_breaks={2024: "commercial"}, old_columns={2022}),
    # traditional and simplified characters join
    Body("台州市财政局", {2020: "臺州市財政局", 2021: "台州市财政局", 2022: "台州市财政局", 2023: "台州市财政局"},
         carry_breaks={2022: "legal_service"}, force_breaks={2022: "regulations"}),
    # full-width and half-width brackets join; 2021 missing (a gap); 2023 reported twice
    Body("滨海新区（开发区）管理委员会", {2019: "滨海新区（开发区）管理委员会", 2020: "滨海新区(开发区)管理委员会",
                                2022: "滨海新区（开发区）管理委员会", 2023: "滨海新区（开发区）管理委员会",
                                2024: "滨海新区(开发区)管理委员会"},
         force_breaks={2024: "regulations"}, twice={2023}),
    # a name only the alias file joins
    Body("淄博市工业和信息化局", {2021: "淄博市工信局", 2022: "淄博市工业和信息化局", 2023: "淄博市工业和信息化局"},
         carry_breaks={2023: "total"}),
    # a place's report is its government's; two years missing; 2025
    Body("沭阳县人民政府", {2019: "沭阳县", 2020: "沭阳县人民政府", 2023: "沭阳县人民政府", 2024: "沭阳县政府",
                       2025: "沭阳县人民政府"},
         carry_breaks={2020: "research", 2025: "other_org"}, force_breaks={2025: "normative_documents"}),
]
#: Layouts the reports are printed in, taking turns (a duplicate takes the next one).
LAYOUTS = ("tsv", "html", "docx", "text-cells")
ALIASES = "name,canonical\n淄博市工信局,淄博市工业和信息化局\n"
ITEMS = ("regulations", "normative_documents")


def _chain(rng: random.Random, body: Body) -> dict[int, dict]:
    """Each year's chosen numbers: carried over/forward per applicant column, (issued, repealed, in force)."""
    years = sorted(body.names)
    numbers: dict[int, dict] = {}
    forward_before: dict[str, int] | None = None
    force_before: dict[str, int] = {item: rng.randint(0, 40) for item in ITEMS}
    for year in years:
        linked = forward_before is not None and year - 1 in numbers
        over = dict(forward_before) if linked else {c: rng.randint(0, 3) for c in APPLICANT_COLUMNS}
        if year in body.carry_breaks:
            column = body.carry_breaks[year]
            over["natural_person" if column == "total" else column] += 2
        forward = {c: rng.choice((0, 0, 1, 2, 5)) for c in APPLICANT_COLUMNS}
        in_force = {}
        for item in ITEMS:
            issued, repealed = rng.randint(0, 6), rng.randint(0, 3)
            count = max(force_before[item] + issued - repealed, 0)
            issued = count - force_before[item] + repealed  # keep the chain exact when clamped at zero
            if year in body.force_breaks and body.force_breaks[year] == item:
                count += 3
            in_force[item] = (issued, repealed, count)
            force_before[item] = count
        numbers[year] = {"over": over, "forward": forward, "in_force": in_force}
        forward_before = forward
    return numbers


def make_series(root: Path) -> dict[str, dict[int, dict]]:
    """Render every body's reports into ``root`` (layouts taking turns, a duplicate in another); the chosen numbers."""
    rng = random.Random("nianbao-cross-year")
    chosen: dict[str, dict[int, dict]] = {}
    for number, body in enumerate(BODIES):
        chosen[body.display] = numbers = _chain(rng, body)
        for year, name in body.names.items():
            spec = series_spec(rng, agency=name, year=year, carried_over=numbers[year]["over"],
                               carried_forward=numbers[year]["forward"], in_force=numbers[year]["in_force"],
                               proactive_version="2019" if year in body.old_columns else None)
            turn = number + year
            for copy in range(2 if year in body.twice else 1):
                layout = LAYOUTS[(turn + copy) % len(LAYOUTS)]
                extension = RENDERERS[layout][1]
                (root / f"b{number}-{year}-{copy}{extension}").write_bytes(render_spec(spec, layout, rng))
    return chosen


def expected_outcomes(chosen: dict[str, dict[int, dict]]) -> dict[tuple, bool | None]:
    """``(rule, agency, y0, y1, where) → ok`` by construction: the breaks fail, links without 2021 columns on
    both sides are not comparable, every other link holds."""
    out: dict[tuple, bool | None] = {}
    for body in BODIES:
        years = sorted(body.names)
        for year in body.twice:
            out[("cross_year.duplicate", body.display, year, year, "report")] = False
        for y0, y1 in pairwise(years):
            if y1 - y0 > 1:
                hole = str(y0 + 1) if y1 - y0 == 2 else f"{y0 + 1}-{y1 - 1}"
                out[("cross_year.gap", body.display, y0, y1, hole)] = False
                continue
            broken = body.carry_breaks.get(y1)  # a column off by 2 puts its 总计 off too ("total": 自然人 is)
            off = set() if broken is None else {"natural_person" if broken == "total" else broken, "total"}
            for column in COLUMNS:
                out[("cross_year.carried_over", body.display, y0, y1, column)] = column not in off
            comparable = all(y >= 2021 and y not in body.old_columns for y in (y0, y1))
            for item in ITEMS:
                out[("cross_year.in_force", body.display, y0, y1, item)] = (
                    None if not comparable else body.force_breaks.get(y1) != item)
    return out


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    root = tmp_path_factory.mktemp("series")
    chosen = make_series(root)
    aliases = root.parent / "aliases.csv"
    aliases.write_text(ALIASES, encoding="utf-8")
    return root, chosen, aliases


def check_series_run(out: Path, summary: dict, chosen: dict[str, dict[int, dict]]) -> None:
    """Every break found, no false failure, every gap and duplicate reported (shared with the Dask test)."""
    records = [orjson.loads(line) for path in sorted(out.glob("records-*.jsonl"))
               for line in path.read_bytes().splitlines()]
    # the reports say what was chosen (else a parse problem, not a cross-year one, would be tested)
    for record in records:
        facts = facts_of(record)
        display = next(b.display for b in BODIES if record["agency"] in b.names.values())
        numbers = chosen[display][record["year"]]
        assert facts["carried_over"] == {**numbers["over"], "total": sum(numbers["over"].values())}, record["source"]
        assert facts["carried_forward"] == {**numbers["forward"], "total": sum(numbers["forward"].values())}
    lines = by_link(read_cross(out))
    got = {key: line["ok"] for key, line in lines.items()}
    assert got == expected_outcomes(chosen)
    failed = sorted(key for key, ok in got.items() if ok is False)
    assert ("cross_year.carried_over", "滨海县人民政府", 2020, 2021, "natural_person") in failed
    assert ("cross_year.in_force", "台州市财政局", 2021, 2022, "regulations") in failed
    duplicate = lines[("cross_year.duplicate", "滨海新区（开发区）管理委员会", 2023, 2023, "report")]
    assert len(duplicate["uris"]) == 2 and duplicate["actual"] == 2
    # a break's numbers are the reports' own
    line = lines[("cross_year.carried_over", "台州市财政局", 2021, 2022, "legal_service")]
    numbers = chosen["台州市财政局"]
    assert (line["expected"], line["actual"]) == (numbers[2021]["forward"]["legal_service"],
                                                  numbers[2022]["over"]["legal_service"])
    assert summary["cross_checks"]["agencies"] == len(BODIES)
    assert summary["cross_checks"]["records"] == summary["records"] == len(records)


def test_generated_batch_every_break_found_and_no_false_one(series, tmp_path):
    root, chosen, aliases = series
    summary = run([f"--input={root}", f"--output={tmp_path}", "--plugins=none", f"--agency_aliases={aliases}",
                   "--direct_num_workers=2", "--direct_running_mode=multi_processing"])
    check_series_run(tmp_path, summary, chosen)


def test_without_the_alias_file_the_abbreviated_name_stays_apart(series, tmp_path):
    root, _, _ = series
    run([f"--input={root}", f"--output={tmp_path}", "--plugins=none"])
    agencies = {line["agency"] for line in read_cross(tmp_path)}
    assert "淄博市工业和信息化局" in agencies and "淄博市工信局" not in agencies  # one year alone: no line
    assert {"滨海县人民政府", "滨海县人民政府办公室", "台州市财政局"} <= agencies


def test_a_re_executed_record_counts_once():
    """A runner may hand a group the same record twice: it is one report, not a duplicate."""
    fact = {"uri": "a.txt", "year": 2021, "name": "X局", "canonical": None, "template": "2021",
            "carried_over": None, "carried_forward": None, "in_force": {}}
    assert cross_year_checks([fact, dict(fact)]) == []
    later = {**fact, "uri": "b.txt", "year": 2022, "carried_over": dict.fromkeys(COLUMNS, None),
             "in_force": dict.fromkeys(ITEMS)}
    lines = cross_year_checks([fact, later, fact])
    assert {line["ok"] for line in lines} == {None}  # nulls and missing columns: not comparable, never failed
    assert len(lines) == len(COLUMNS) + len(ITEMS)


def test_population_file_fills_applications_per_10k(pingtan, tmp_path):
    root, _, _ = pingtan
    population = tmp_path / "population.csv"
    # one row for 2021 only, one for every other year; the traditional spelling is the same body
    population.write_text("name,population,year\n平潭綜合實驗區,500000,2021\n平潭综合实验区,460000,\n",
                          encoding="utf-8")
    out = tmp_path / "out"
    run([f"--input={root}", f"--output={out}", "--plugins=none", f"--population={population}"])
    import pyarrow.parquet as pq

    rows = pq.read_table(out / "reports.parquet", columns=["year", "measures.applications_per_10k"]).to_pylist()
    per_10k = {row["year"]: row["measures.applications_per_10k"] for row in rows}
    # 本年新收 总计: 2019 23, 2021 70, 2022 74 (read off the reports, tests/test_pingtan.py)
    assert per_10k[2019] == 0.5 and per_10k[2021] == 1.4 and per_10k[2022] == round(74 / 46, 6)
    records = [orjson.loads(line) for path in out.glob("records-*.jsonl") for line in path.read_bytes().splitlines()]
    assert {r["year"]: r["measures"]["applications_per_10k"] for r in records} == per_10k


@pytest.mark.parametrize(("option", "text", "message"), [
    ("--agency_aliases", "甲局,乙局\n乙局,甲局\n", "go round in a circle"),
    ("--population", "平潭综合实验区,many\n", "line 1: could not convert"),
])
def test_a_bad_side_file_stops_the_run_naming_it(pingtan, tmp_path, option, text, message):
    from nianbao.pipelines.run import RunError

    root, _, _ = pingtan
    side = tmp_path / "side.csv"
    side.write_text(text, encoding="utf-8")
    with pytest.raises(RunError) as caught:
        run([f"--input={root}", f"--output={tmp_path / 'out'}", f"{option}={side}"])
    assert message in str(caught.value) and str(side) in str(caught.value)


def test_duplicates_agreeing_are_compared_once_and_disagreeing_are_not_comparable():
    def fact(uri, year, over, forward):
        return {"uri": uri, "year": year, "name": "X局", "canonical": None, "template": "2021",
                "carried_over": dict.fromkeys(COLUMNS, over), "carried_forward": dict.fromkeys(COLUMNS, forward),
                "in_force": dict.fromkeys(ITEMS)}

    def carried(lines):
        return {(ln["ok"], ln["expected"], ln["actual"]) for ln in lines if ln["rule"] == "cross_year.carried_over"}

    same = cross_year_checks([fact("a", 2021, 0, 2), fact("a.html", 2021, 0, 2), fact("b", 2022, 2, 0)])
    assert carried(same) == {(True, 2, 2)}
    assert [ln["uris"] for ln in same if ln["rule"] == "cross_year.duplicate"] == [["a", "a.html"]]
    assert all(ln["uris"] == ["a", "a.html", "b"] for ln in same if ln["rule"] == "cross_year.carried_over")
    # a copy whose row could not be read gives way to the one that could: the break is still found
    unread = cross_year_checks([fact("a", 2021, 0, 2), fact("a.html", 2021, 0, None), fact("b", 2022, 3, 0)])
    assert carried(unread) == {(False, 2, 3)}
    differ = cross_year_checks([fact("a", 2021, 0, 2), fact("a.html", 2021, 0, 3), fact("b", 2022, 3, 0)])
    assert carried(differ) == {(None, None, None)}


def _every_pairing(prevs: list[dict], curs: list[dict]) -> dict[tuple[str, str], tuple]:
    """The chain rules read straight from their definition: over every pairing of a report of each year."""
    from nianbao.crossyear import _compare

    pairs = [(p, c) for p in prevs for c in curs]
    out = {}
    for column in COLUMNS:
        out["cross_year.carried_over", column] = _compare(
            {((p["carried_forward"] or {}).get(column), (c["carried_over"] or {}).get(column)) for p, c in pairs})
    for item in ITEMS:
        found = set()
        for p, c in pairs:
            before, now = p["in_force"][item], c["in_force"][item]
            if before is None or now is None:
                found.add(None)
                continue
            parts = (before["in_force"], now["issued"], now["repealed"])
            found.add((None if None in parts else parts[0] + parts[1] - parts[2], now["in_force"]))
        if None in found:
            actuals = {(c["in_force"][item] or {}).get("in_force") for c in curs}
            out["cross_year.in_force", item] = (None, None, actuals.pop() if len(actuals) == 1 else None)
        else:
            out["cross_year.in_force", item] = _compare(found)
    return out


def test_many_copies_of_an_agency_year_give_the_lines_of_every_pairing():
    """The chain lines pair the two years' distinct values, not their reports (fifty copies of each year would
    be 2,500 pairings): the same lines as every pairing of reports, on random years with copies that agree,
    disagree, leave cells null or lack a row or the 2021 columns."""
    rng = random.Random(6)

    def cell():
        return rng.choice((None, 0, 1, 2))

    def fact(uri, year):
        def row():
            return None if rng.random() < 0.1 else {c: cell() for c in COLUMNS}
        return {"uri": uri, "year": year, "name": "X局", "canonical": None, "template": "2021",
                "carried_over": row(), "carried_forward": row(),
                "in_force": {item: None if rng.random() < 0.15 else
                             {"issued": cell(), "repealed": cell(), "in_force": cell()} for item in ITEMS}}

    compared = 0
    for case in range(300):
        copies = (rng.randint(1, 4), rng.randint(1, 4))
        prevs = [fact(f"{case}-a{n}", 2021) for n in range(copies[0])]
        curs = [fact(f"{case}-b{n}", 2022) for n in range(copies[1])]
        expected = _every_pairing(prevs, curs)
        lines = {(ln["rule"], ln["where"]): (ln["ok"], ln["expected"], ln["actual"])
                 for ln in cross_year_checks([*prevs, *curs]) if ln["rule"] != "cross_year.duplicate"}
        assert lines == expected, case
        compared += sum(ok is not None for ok, _, _ in lines.values())
    assert compared > 300  # the cases compare values, not only mark them not comparable


def test_cli_run_takes_the_alias_and_population_files(series, tmp_path):
    from click.testing import CliRunner

    from nianbao.pipelines.cli import run_command

    root, _, aliases = series
    population = tmp_path / "population.csv"
    population.write_text("淄博市工信局,4700000\n", encoding="utf-8")  # the alias file applies here too
    out = tmp_path / "out"
    result = CliRunner().invoke(run_command, [str(root), "-o", str(out), "--plugins", "none", "--no-progress",
                                              "--agency-aliases", str(aliases), "--population", str(population)])
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.stdout[result.stdout.index("{"):])
    assert summary["cross_checks"]["agencies"] == len(BODIES)
    assert ("cross_year.carried_over", "淄博市工业和信息化局", 2021, 2022, "total") in by_link(read_cross(out))
    records = [orjson.loads(line) for path in out.glob("records-*.jsonl") for line in path.read_bytes().splitlines()]
    zibo = [r for r in records if r["agency"] in ("淄博市工信局", "淄博市工业和信息化局")]
    assert len(zibo) == 3 and all(r["measures"]["applications_per_10k"] is not None for r in zibo)
    assert all(r["measures"]["applications_per_10k"] is None for r in records if r not in zibo)


def test_merge_keeps_one_staged_group_per_agency_and_ignores_uncommitted_ones(tmp_path):
    """A runner that re-executes a bundle stages a group twice; a failed bundle leaves a .crosswip behind."""
    from nianbao.pipelines.crossyear import merge_cross_checks

    def group(key, agency, ok):
        line = {"rule": "cross_year.carried_over", "agency": agency, "years": [2021, 2022], "where": "total",
                "ok": ok, "expected": 1, "actual": 1 if ok else 2, "uris": ["a", "b"]}
        return orjson.dumps({"key": key, "records": 2, "lines": [line]}) + b"\n"

    staging, out = tmp_path / "staging", tmp_path / "out"
    staging.mkdir()
    out.mkdir()
    (staging / "1-a.cross").write_bytes(group("乙局", "乙局", True) + group("甲局", "甲局", False))
    (staging / "2-b.cross").write_bytes(group("甲局", "甲局", False))  # the same group again
    (staging / "3-c.crosswip").write_bytes(group("丙局", "丙局", True))  # never committed
    counts = merge_cross_checks(str(staging), str(out))
    lines = read_cross(out)
    assert [line["agency"] for line in lines] == ["乙局", "甲局"]  # one each, in key order
    assert counts["restaged_groups"] == 1 and counts["agencies"] == 2 and counts["records"] == 4
    assert counts["rules"]["cross_year.carried_over"] == {"ok": 1, "failed": 1, "not_comparable": 0}
