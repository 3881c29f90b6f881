"""docs/plugins.md's code runs as printed: each ``<!-- tutorial-module: NAME -->`` block is a working plugin."""

from __future__ import annotations

import csv
import re
import sys
import types

import pytest

import nianbao
from nianbao.host import build_host

from .conftest import REPO

DOCS = REPO / "docs" / "plugins.md"
BLOCK = re.compile(r"<!-- tutorial-module: (\w+) -->\n```python\n(.*?)\n```", re.S)

REPORT_CSV = """某某市工业和信息化局2021年政府信息公开工作年度报告,,,,
一、总体情况,,,,
2021年，我局认真贯彻落实《政府信息公开条例》。,,,,
四、政府信息公开行政复议、行政诉讼情况,,,,
行政复议,,,,,行政诉讼,,,,,,,,,
"结果
维持",结果纠正,其他结果,尚未审结,总计,未经复议直接起诉,,,,,复议后起诉,,,,
,,,,,结果维持,结果纠正,其他结果,尚未审结,总计,结果维持,结果纠正,其他结果,尚未审结,总计
1,0,1,0,2,0,0,0,0,0,0,0,0,0,0
五、存在的主要问题及改进情况,,,,
一是公开内容不够全面。,,,,
"""
REPORT_TXT = "某局2021年政府信息公开工作年度报告\n一、总体情况\n本年度主动公开信息12条。\n"


def modules() -> dict[str, types.ModuleType]:
    """Every tutorial block of the docs, executed as a module of its name."""
    out = {}
    for name, source in BLOCK.findall(DOCS.read_text(encoding="utf-8")):
        module = types.ModuleType(name)
        module.__file__ = f"<docs/plugins.md: {name}>"
        sys.modules[name] = module  # dataclasses and pickling look modules up by name
        exec(compile(source, module.__file__, "exec"), module.__dict__)
        out[name] = module
    return out


@pytest.fixture(scope="module")
def tutorial():
    found = modules()
    yield found
    for name in found:
        sys.modules.pop(name, None)


def test_the_docs_hold_the_four_examples(tutorial):
    assert set(tutorial) == {"nianbao_csv", "docs_page_count", "docs_carried_forward", "docs_failing_checks"}


def test_the_csv_reader_tutorial(tutorial):
    host = build_host(entry_points=False, extra=[tutorial["nianbao_csv"]])
    assert host.reader("csv").priority == 30 and host.readers.index(host.reader("csv")) < host.readers.index(
        host.reader("markdown"))
    record = nianbao.parse_bytes(REPORT_CSV.encode(), "report.csv", host=host)
    assert record["source"]["reader"] == "csv"
    assert record["title"] == "某某市工业和信息化局2021年政府信息公开工作年度报告"
    assert record["review_litigation"]["review"] == {"upheld": 1, "corrected": 0, "other": 1, "pending": 0,
                                                     "total": 2}
    assert record["review_litigation"]["litigation_after_review"]["total"] == 0
    assert record["sections"]["problems"] == "一是公开内容不够全面。"
    table = next(block for block in tutorial["nianbao_csv"].CsvReader().read(
        REPORT_CSV.encode(), nianbao.SourceInfo.from_uri("report.csv")).blocks if isinstance(block, nianbao.Table))
    assert table.rows[1][0].text == "结果\n维持"  # a quoted line break stays in its cell
    # without the plugin, no reader accepts a .csv file
    outcome = nianbao.process_bytes(REPORT_CSV.encode(), "report.csv", host=build_host(entry_points=False))
    assert outcome.dead_letter["error"]["stage"] == "detect"
    assert outcome.dead_letter["error"]["message"].startswith("no reader accepts the file (extension .csv")


def test_the_csv_reader_refuses_non_utf8_with_a_fix(tutorial):
    reader = tutorial["nianbao_csv"].CsvReader()
    data = REPORT_CSV.encode("gb18030")
    with pytest.raises(nianbao.ReadError, match="not UTF-8 at byte 4: save it as 'CSV UTF-8' in Excel"):
        reader.read(data, nianbao.SourceInfo.from_uri("report.csv"))
    host = build_host(entry_points=False, extra=[tutorial["nianbao_csv"]])
    outcome = nianbao.process_bytes(data, "report.csv", host=host)
    assert outcome.dead_letter["error"]["stage"] == "read"
    assert "save it as 'CSV UTF-8' in Excel" in outcome.dead_letter["error"]["message"]


def test_the_extractor_example(tutorial):
    host = build_host(entry_points=False, extra=[tutorial["docs_page_count"]])
    record = nianbao.parse_bytes(REPORT_TXT.encode(), "report.txt", host=host)
    assert record["pages"] is None
    assert any(issue["code"] == "pages.unknown" for issue in record["issues"])


def test_the_check_example(tutorial):
    host = build_host(entry_points=False, extra=[tutorial["docs_carried_forward"]])
    sample = sorted((REPO / "samples").glob("004_*.txt"))[0]
    record = nianbao.parse_bytes(sample.read_bytes(), str(sample), host=host)
    mine = [c for c in record["checks"] if c["rule"] == "applications.carried_forward_bound"]
    assert [c["where"] for c in mine] == ["natural_person", "total"]
    assert all(c["ok"] for c in mine), mine


def test_the_output_example(tutorial, tmp_path):
    from nianbao.output import Outputs

    host = build_host(entry_points=False, extra=[tutorial["docs_failing_checks"]])
    assert host.info("docs_failing_checks").registers == ("output failing_checks",)
    expected = []
    with Outputs(host.outputs, str(tmp_path)) as outputs:
        for sample in sorted((REPO / "samples").iterdir()):
            record = nianbao.process_bytes(sample.read_bytes(), str(sample), host=host).record
            outputs.write_record(record)
            expected += [[str(sample), c["rule"], c["where"]] for c in record["checks"] if not c["ok"]]
        results = outputs.close()
    assert results["failing_checks"]["files"] == ["failing-checks.csv"] and results["failing_checks"]["error"] is None
    with open(tmp_path / "failing-checks.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["uri", "agency", "year", "rule", "where", "expected", "actual"]
    assert [[row[0], row[3], row[4]] for row in rows[1:]] == expected and len(expected) >= 11
    # a refused directory stops the run before anything is parsed
    with pytest.raises(nianbao.errors.OutputError, match="written locally"):
        Outputs(host.outputs, "gs://bucket/out")
