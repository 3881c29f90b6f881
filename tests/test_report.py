"""``report.html``: the page ``nianbao run`` writes and ``nianbao report`` rebuilds, tested in a real browser.

The samples go through the real pipeline (``nianbao run samples/ --output …``); the page is then opened
from disk in headless Chromium (Debian's ``chromium``, driven by Playwright with the system browser), with
every request routed: anything but the page's own file fails the test, and so does any console error.
The cross-year chains are tested on a small ``cross-checks.jsonl`` written here in the format of the
batch checks (issue 15). Tests that need the browser skip, saying so, only where no Chromium is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from nianbao.checks import involved_cells
from nianbao.cli import main
from nianbao.pipelines.report import (
    CROSS_CHECKS,
    LEVEL_NAMES,
    MAX_DUPLICATE_URIS,
    REPORT,
    STATUS_NAMES,
    Collector,
    build_report,
)
from nianbao.pipelines.run_files import RECORDS, iter_jsonl, output_files
from nianbao.template import APPLICATION_COLUMNS, APPLICATION_ROWS, REVIEW_GROUPS, SECTION_HEADINGS

from .conftest import SAMPLES

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """The system Chromium (Debian's package, or CHROMIUM=/path), or ``None``."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


# --------------------------------------------------------------------------
# The samples through the real pipeline, once
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    result = CliRunner().invoke(main, ["run", str(SAMPLES), "--output", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def records(samples_out) -> list[dict]:
    return list(iter_jsonl(output_files(str(samples_out), RECORDS)))


#: Cross-year lines as the batch checks write them: one agency with a break, a not-comparable pair and a gap,
#: one with a duplicate year, one whose chain holds.
CHAIN_LINES = [
    {"rule": "cross_year.carried_over", "agency": "平潭综合实验区管理委员会", "years": [2019, 2020],
     "where": "total", "ok": True, "expected": 2, "actual": 2, "uris": ["pingtan-2019.txt", "pingtan-2020.txt"]},
    {"rule": "cross_year.carried_over", "agency": "平潭综合实验区管理委员会", "years": [2020, 2021],
     "where": "total", "ok": False, "expected": 5, "actual": 3, "uris": ["pingtan-2020.txt", "pingtan-2021.txt"]},
    {"rule": "cross_year.in_force", "agency": "平潭综合实验区管理委员会", "years": [2020, 2021],
     "where": "regulations", "ok": None, "expected": None, "actual": None,
     "uris": ["pingtan-2020.txt", "pingtan-2021.txt"]},
    {"rule": "cross_year.carried_over", "agency": "平潭综合实验区管理委员会", "years": [2021, 2022],
     "where": "total", "ok": True, "expected": 0, "actual": 0, "uris": ["pingtan-2021.txt", "pingtan-2022.txt"]},
    {"rule": "cross_year.gap", "agency": "平潭综合实验区管理委员会", "years": [2022, 2024], "where": "",
     "ok": False, "expected": None, "actual": None, "uris": ["pingtan-2022.txt", "pingtan-2024.txt"]},
    {"rule": "cross_year.duplicate", "agency": "淄博市工业和信息化局", "years": [2021, 2021], "where": "",
     "ok": False, "expected": None, "actual": None, "uris": ["zibo-2021-a.html", "zibo-2021-b.docx"]},
    {"rule": "cross_year.carried_over", "agency": "淄博市工业和信息化局", "years": [2020, 2021],
     "where": "total", "ok": True, "expected": 1, "actual": 1, "uris": ["zibo-2020.txt", "zibo-2021-a.html"]},
    {"rule": "cross_year.carried_over", "agency": "塔城地区工信局", "years": [2020, 2021],
     "where": "natural_person", "ok": True, "expected": 0, "actual": 0, "uris": ["tacheng-2020.txt", "t-2021.txt"]},
]


@pytest.fixture(scope="module")
def with_chains(samples_out, tmp_path_factory) -> Path:
    """A copy of the samples' outputs plus cross-checks.jsonl, its page rebuilt by ``nianbao report``."""
    out = tmp_path_factory.mktemp("chains") / "out"
    shutil.copytree(samples_out, out)
    (out / CROSS_CHECKS).write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in CHAIN_LINES))
    result = CliRunner().invoke(main, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out / REPORT)
    return out


# --------------------------------------------------------------------------
# The file itself
# --------------------------------------------------------------------------


def test_run_writes_a_self_contained_page(samples_out, records):
    page = (samples_out / REPORT).read_text("utf-8")
    tree = lxml_html.fromstring(page)
    # nothing to fetch: no external script, style sheet, image, font or frame
    for element in tree.iter():
        for attribute in ("src", "href", "data", "srcset", "poster"):
            value = element.get(attribute)
            assert value is None or value.startswith("#"), (element.tag, attribute, value)
    for style in tree.iter("style"):
        assert "@import" not in style.text and "url(" not in style.text
    assert tree.find(".//link") is None
    # the template's own labels, from nianbao.template
    for key in ("proactive", "applications", "review_litigation"):
        assert SECTION_HEADINGS[key][0] in page
    # one inline SVG chart per chart, drawn by matplotlib
    svgs = tree.findall(".//figure/svg")
    assert len(svgs) >= 4
    assert all("<path" in lxml_html.tostring(svg, encoding="unicode") for svg in svgs)
    # the run's figures as the summary gives them
    assert f">{len(records)}<" in page
    # timeliness as the records state it (条例第四十九条), one bar per level and status found
    statuses = Counter((r["timeliness"]["level"], r["timeliness"]["status"]) for r in records)
    assert "按期公开：条例第四十九条" in page
    for (level, status), count in statuses.items():
        assert f"{LEVEL_NAMES.get(level, '层级不明')}·{STATUS_NAMES[status]}" in page, (level, status, count)


def test_report_rebuilds_without_the_inputs(samples_out, records, tmp_path):
    out = tmp_path / "moved"
    shutil.copytree(samples_out, out)
    (out / REPORT).unlink()
    result = CliRunner().invoke(main, ["report", str(out), "--limit", "4"])
    assert result.exit_code == 0, result.output
    page = (out / REPORT).read_text("utf-8")
    data = orjson.loads(lxml_html.fromstring(page).get_element_by_id("nianbao-data").text)
    assert len(data["rows"]) == 4  # the table's limit …
    assert f"共 {len(records)} 份" in page  # … is said on the page, and the counts cover every record
    first = records[0]
    assert data["strings"][data["rows"][0][0]] == first["agency"]
    assert data["rows"][0][4] == sum(1 for check in first["checks"] if not check["ok"])


def test_report_command_imports_no_beam(samples_out, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(samples_out, out)
    code = ("import sys; from nianbao.cli import main; sys.argv = ['nianbao', 'report', sys.argv[1]]\n"
            "try:\n    main()\nexcept SystemExit as stop:\n    assert not stop.code, stop.code\n"
            "assert 'apache_beam' not in sys.modules, 'nianbao report imported Beam'")
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, capture_output=True, timeout=120)
    assert (out / REPORT).read_text("utf-8").count("<figure") >= 4


def test_the_page_a_run_builds_beside_its_merge_is_the_page_report_builds(tmp_path):
    """``nianbao run`` feeds the page's process each outcome during the merge (records and dead letters
    interleaved, in input order); the page is byte for byte what ``nianbao report`` builds from the files."""
    inputs = tmp_path / "in"
    shutil.copytree(SAMPLES, inputs)
    (inputs / "a-unknown.bin").write_bytes(b"\x00\x01 not a report")  # dead letters among the records
    (inputs / "m-empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "--output", str(out), "--no-progress",
                                       "--allow-dead-letters"])
    assert result.exit_code == 0, result.output
    summary = orjson.loads((out / "summary.json").read_bytes())
    assert summary["dead_letters"] == 2 and summary["records"] >= 10
    written, built = (out / REPORT).read_bytes(), build_report(str(out)).encode("utf-8")
    built_at = re.compile(r"生成于 \d{4}-\d\d-\d\d \d\d:\d\d UTC".encode())  # the minute each was built
    assert built_at.search(written) and built_at.sub(b"", written) == built_at.sub(b"", built)


def test_a_page_process_that_fails_says_why(tmp_path):
    from nianbao.pipelines.report import ReportFeed

    feed = ReportFeed(str(tmp_path))
    feed.add(True, b"{not json")
    with pytest.raises(OSError, match=r"JSONDecodeError: unexpected character"):
        feed.finish()
    feed.abort()
    assert not (tmp_path / REPORT).exists()


def test_a_page_process_whose_launcher_died_writes_no_page(tmp_path):
    """The stream ends (the launcher was killed) before the launcher said the summary is written: no page,
    a failure, so a killed run never leaves a page of half its outcomes."""
    letter = orjson.dumps({"source": {"uri": "/in/a.bin"}, "error": {"stage": "detect", "type": "DetectError",
                                                                      "message": "unknown"}})
    done = subprocess.run([sys.executable, "-m", "nianbao.pipelines.report", "--stream", str(tmp_path), "100"],
                          input=b"d" + letter + b"\ne\n", capture_output=True, timeout=120, check=False)
    assert done.returncode != 0
    assert b"the run ended before its summary was written" in done.stderr
    assert not (tmp_path / REPORT).exists()


def test_report_on_a_folder_without_outputs_says_so(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 1
    assert str(tmp_path) in result.output and "no nianbao outputs" in result.output


def test_a_rerun_removes_a_stale_page_before_writing(samples_out):
    from nianbao.pipelines.run_files import clear_outputs

    scratch = samples_out.parent / "stale"
    scratch.mkdir()
    (scratch / REPORT).write_text("old")
    clear_outputs(str(scratch))
    assert not (scratch / REPORT).exists()


def test_involved_cells_name_cells_the_record_has(records):
    failing = [(r, c) for r in records for c in r["checks"] if not c["ok"]]
    assert failing
    for record, check in failing:
        cells = involved_cells(check["rule"], check["where"], record)
        assert cells, check
        for section, row, column in cells:
            assert column in record[section][row], (check, row, column)
    assert involved_cells("plugin.rule", "x", records[0]) == []


def test_script_text_in_a_record_stays_text(samples_out, tmp_path):
    out = tmp_path / "hostile"
    shutil.copytree(samples_out, out)
    shard = Path(output_files(str(out), RECORDS)[0])
    lines = shard.read_bytes().splitlines()
    record = orjson.loads(lines[0])
    record["agency"] = "</script><script>window.pwned=1</script><b>机关</b>"
    shard.write_bytes(b"\n".join([orjson.dumps(record), *lines[1:]]) + b"\n")
    page = build_report(str(out))
    assert "</script><script>window.pwned" not in page
    assert page.count("</script>") == 2  # the data block's and the script's own


# --------------------------------------------------------------------------
# In the browser
# --------------------------------------------------------------------------


class Page:
    """A Playwright page on a file URL that records console errors and every request leaving the page."""

    def __init__(self, browser, path: Path, *, width: int = 1366) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:"))
                     else self.requests.append(r.url))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_selector("html[data-ready=true]")

    def _route(self, route) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], self.errors
        assert self.requests == [], self.requests


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium found (/usr/bin/chromium, chromium on PATH, or CHROMIUM=/path): "
                    "apt-get install chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    opened: list[Page] = []

    def opener(path: Path, **kwargs) -> Page:
        opened.append(Page(browser, path, **kwargs))
        return opened[-1]

    yield opener
    for page in opened:
        page.close()  # asserts: no console error, no request left the page


def _visible_rows(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#reports-table tbody tr.row", "rows => rows.map(r => Array.from(r.cells, c => c.innerText))")


def test_page_opens_with_summary_table_and_charts(samples_out, records, open_page, tmp_path):
    view = open_page(samples_out / REPORT)
    page = view.page
    assert page.locator("#run .card").first.is_visible()
    assert page.locator("figure.chart svg").count() >= 4
    assert page.locator("figure.chart svg").first.bounding_box()["width"] > 300
    assert len(_visible_rows(page)) == len(records)
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_a_row_opens_its_three_tables_with_the_failing_cells_marked(samples_out, records, open_page, tmp_path):
    view = open_page(samples_out / REPORT)
    page = view.page
    index, record = next((i, r) for i, r in enumerate(records) if any(not c["ok"] for c in r["checks"]))
    row = page.locator(f"#reports-table tr.row[data-index='{index}']")
    row.click()
    detail = page.locator("#reports-table tr.detail")
    detail.locator("table.grid").first.wait_for()
    assert row.get_attribute("aria-expanded") == "true"
    for key in ("proactive", "applications", "review_litigation"):
        assert detail.get_by_role("heading", name=SECTION_HEADINGS[key][0]).is_visible()
    # the template's labels on the rows and columns of 三
    text = detail.inner_text()
    for label in (APPLICATION_ROWS["new_received"].zh, APPLICATION_COLUMNS["natural_person"].zh,
                  REVIEW_GROUPS["review"].zh):
        assert label in text
    # every failing check is listed with its expected and actual, and its cells are highlighted
    failing = [c for c in record["checks"] if not c["ok"]]
    items = detail.locator("ol.checks li")
    assert items.count() == len(failing)
    first = failing[0]
    listed = items.first.inner_text()
    def as_shown(value):  # null is 空 on the page
        return "空" if value is None else str(value)

    assert first["rule"] in listed and f"应为 {as_shown(first['expected'])}，实际 {as_shown(first['actual'])}" in listed
    cells = involved_cells(first["rule"], first["where"], record)
    assert detail.locator("td.hit[data-checks~='1']").count() == len(cells) > 0
    # rows the report has issues at are marked, the message on the label
    at_rows = {tuple(i["where"].split(".")[:2]) for i in record["issues"]}
    at_rows = {(section, row) for section, *rest in at_rows for row in rest
               if section in SECTION_HEADINGS and row in (record.get(section) or {})}
    marked = detail.locator("table.grid th.issue")
    assert marked.count() == len(at_rows) > 0
    assert record["issues"][0]["message"] in "\n".join(marked.evaluate_all("ths => ths.map(t => t.title)"))
    detail.screenshot(path=str(tmp_path / "detail.png"))
    row.click()  # closes again
    assert page.locator("#reports-table tr.detail").count() == 0


def test_print_hides_the_controls_and_keeps_charts_and_table(samples_out, open_page, tmp_path):
    page = open_page(samples_out / REPORT).page
    page.emulate_media(media="print")
    assert not page.locator("#reports .controls").is_visible() and not page.locator("#reports-pager").is_visible()
    assert page.locator("figure.chart svg").first.is_visible() and page.locator("#reports-table").is_visible()
    pdf = page.pdf(path=str(tmp_path / "report.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")


def test_filter_sort_and_pages(samples_out, records, open_page):
    page = open_page(samples_out / REPORT).page
    page.locator("#f-failing").check()
    failing = [r for r in records if any(not c["ok"] for c in r["checks"])]
    assert len(_visible_rows(page)) == len(failing)
    page.locator("#f-failing").uncheck()
    rule = "review_litigation.total"
    page.locator("#f-rule").select_option(rule)
    expected = [r for r in records if any(not c["ok"] and c["rule"] == rule for c in r["checks"])]
    assert len(_visible_rows(page)) == len(expected) > 0
    page.locator("#f-rule").select_option("")
    page.locator("th[data-key=year] button").click()
    years = [int(cells[2]) for cells in _visible_rows(page)]
    assert years == sorted(r["year"] for r in records)
    page.locator("th[data-key=year] button").click()
    assert [int(cells[2]) for cells in _visible_rows(page)] == sorted(years, reverse=True)
    agency = records[3]["agency"]
    page.locator("#q").fill(agency)
    assert {cells[1] for cells in _visible_rows(page)} == {agency}
    assert page.locator("#reports-pager input").input_value() == "1"


def test_pages_of_fifty(tmp_path, samples_out, records, open_page):
    out = tmp_path / "many"
    shutil.copytree(samples_out, out)
    shard = Path(output_files(str(out), RECORDS)[0])
    shard.write_bytes(shard.read_bytes() * 8)  # 120 records: three pages
    (out / REPORT).write_text(build_report(str(out)), "utf-8")
    page = open_page(out / REPORT).page
    assert len(_visible_rows(page)) == 50
    page.locator("#reports-pager button", has_text="下一页").click()
    page.locator("#reports-pager button", has_text="下一页").click()
    rows = _visible_rows(page)
    assert len(rows) == 8 * len(records) - 100 and rows[0][0] == "101"
    assert page.locator("#reports-pager button", has_text="下一页").is_disabled()
    page.locator("#reports-table tr.row[data-index='119']").click()  # the last chunk unpacks too
    page.locator("#reports-table tr.detail table.grid").first.wait_for()


def test_chains_show_breaks_gaps_and_duplicates(with_chains, open_page, tmp_path):
    page = open_page(with_chains / REPORT).page
    agencies = page.locator("#chain-list .agency")
    assert agencies.count() == 2  # the chain that holds is hidden while "only problems" is checked
    pingtan = agencies.filter(has_text="平潭综合实验区管理委员会")
    assert pingtan.locator(".year.missing").all_inner_texts() == ["2023"]
    assert pingtan.locator(".link.broken").count() == 1
    assert pingtan.locator(".link.ok").count() == 2  # 2019→2020, 2021→2022
    assert pingtan.locator(".year:not(.missing)").all_inner_texts() == ["2019", "2020", "2021", "2022", "2024"]
    pingtan.locator("button.more").click()
    details = pingtan.locator("table").inner_text()
    assert "cross_year.carried_over" in details and "2020→2021" in details and "不可比较" in details
    assert "cross_year.gap" in details and "2022→2024" in details and "缺少 2023" in details
    row = pingtan.locator("tr", has_text="未通过").filter(has_text="cross_year.carried_over")
    assert row.locator("td").nth(4).inner_text() == "5" and row.locator("td").nth(5).inner_text() == "3"
    zibo = agencies.filter(has_text="淄博市工业和信息化局")
    assert zibo.locator(".year.dup").inner_text() == "2021 ×2"
    zibo.locator("button.more").click()
    assert "zibo-2021-a.html zibo-2021-b.docx" in zibo.locator("table").inner_text()
    page.locator("#chain-problems").uncheck()
    assert agencies.count() == 3
    assert agencies.filter(has_text="塔城地区工信局").locator(".link.broken").count() == 0
    page.locator("#chains").screenshot(path=str(tmp_path / "chains.png"))


def test_dead_letters_by_stage_and_a_narrow_screen(tmp_path, open_page):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SAMPLES / "004_2dfc536c7b58f7e3.txt", inputs)
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "junk.bin").write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "--output", str(out), "--no-progress",
                                       "--allow-dead-letters"])
    assert result.exit_code == 0, result.output
    letters = list(iter_jsonl(output_files(str(out), "dead-letters")))
    stages = Counter(letter["error"]["stage"] for letter in letters)
    assert sum(stages.values()) == 2
    view = open_page(out / REPORT, width=420)
    text = view.page.locator("#dead").inner_text()
    for stage, count in stages.items():
        assert f"{stage}：{count} 个文件" in text
    for letter in letters:
        assert letter["error"]["message"] in text and letter["source"]["uri"] in text
    assert view.page.evaluate("document.documentElement.scrollWidth") <= 420  # no page-wide sideways scroll


def test_a_run_of_only_unreadable_files_still_gets_a_page(tmp_path, open_page):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "junk.bin").write_bytes(bytes(range(256)))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "--output", str(out), "--no-progress",
                                       "--allow-dead-letters"])
    assert result.exit_code == 0, result.output
    page = open_page(out / REPORT).page
    assert _visible_rows(page) == []
    assert "没有可画的数据" in page.locator("#charts").inner_text()
    assert "共 0 份" in page.locator("#count").inner_text()
    assert page.locator("#dead details").count() >= 1


def test_a_year_printed_under_many_names_keeps_its_count_not_every_name():
    """One agency-year under 60 names (a corpus holding each file many times): the page lists the first
    MAX_DUPLICATE_URIS and says 60, so the page's process does not keep every name."""
    uris = [f"copy-{n:02d}/zibo-2021.txt" for n in range(60)]
    collector = Collector()
    collector.add_cross_check({"rule": "cross_year.duplicate", "agency": "淄博市工业和信息化局", "years": [2021, 2021],
                               "where": "report", "ok": False, "expected": 1, "actual": 60, "uris": uris})
    dups = collector.chains["淄博市工业和信息化局"].compact("淄博市工业和信息化局")[4]
    assert dups == [[2021, uris[:MAX_DUPLICATE_URIS], 60]]
