"""The disclosed-count extractor: the phrase finder, the extractor, and the plugin as installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata

import pytest

import nianbao
import nianbao_disclosed_count
from nianbao.document import Document, Paragraph
from nianbao.host import build_host
from nianbao.outline import Outline
from nianbao_disclosed_count import DisclosedCountExtractor, find_disclosed

REPORT = """某某市工业和信息化局2020年政府信息公开工作年度报告
一、总体情况
2020年，我局通过门户网站主动公开各类信息523条，其中工作动态136条。
二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
无。
六、其他需要报告的事项
无。
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("主动公开各类信息523条", (523, False)),
        ("全年主动公开各类政府信息 5500 余条，", (5500, True)),
        ("主动公开政府信息1.2万条", (12000, True)),
        ("主动公开政府信息3万多条", (30000, True)),
        ("主动公开政府信息１，５２３条", (1523, False)),  # full-width digits and comma
        ("主动公开2023年度政府信息856条", (856, False)),  # a year on the way is not the count
        ("共公布政府信息2599条（其中……其他应主动公开政府信息856条）", None),  # a breakdown, not the total
        ("积极主动公开。2020年共发布生态环境保护类信息40条", None),  # another sentence
        ("主动公开政策文件11件", None),  # 件 counts documents, not items
        ("全年主动公开信息", None),
    ],
)
def test_find_disclosed(text, expected):
    found = find_disclosed(text)
    assert (None if found is None else (found["count"], found["approximate"])) == expected


def test_the_quote_is_the_phrase_as_matched():
    assert find_disclosed("2020年，我局主动公开各类信息523条，其中")["quote"] == "主动公开各类信息523条"


def extract(*texts: str):
    document = Document(blocks=tuple(Paragraph(text=t) for t in texts), format="text")
    return DisclosedCountExtractor().extract(document, Outline.of(document))


def test_only_the_overview_is_searched():
    found = extract("一、总体情况", "本年度工作有序开展。", "主动公开信息100条。", "二、主动公开政府信息情况",
                    "主动公开信息999条。")
    assert found.fields["disclosed"]["count"] == 100
    assert found.issues == []


def test_no_stated_count_is_null_with_a_warning():
    found = extract("一、总体情况", "本年度工作有序开展。", "二、主动公开政府信息情况", "主动公开信息999条。")
    assert found.fields == {"disclosed": None}
    assert [(i.level, i.code, i.where) for i in found.issues] == [("warning", "disclosed.not_found", "disclosed")]


def test_a_document_without_headings_is_searched_whole():
    found = extract("某局2022年报告全年主动公开政府信息14571条。一是做好规范性文件……")
    assert found.fields["disclosed"]["count"] == 14571


def test_registered_directly_the_extractor_adds_a_key_to_the_record():
    host = build_host(entry_points=False, extra=[nianbao_disclosed_count])
    record = nianbao.parse_bytes(REPORT.encode(), "report.txt", host=host)
    assert record["disclosed"] == {"count": 523, "approximate": False, "quote": "主动公开各类信息523条"}
    assert record["agency"] == "某某市工业和信息化局"  # the built-in extractors still ran
    jsonschema = pytest.importorskip("jsonschema")
    from nianbao.schema import load_schema

    jsonschema.validate(record, load_schema())  # extra keys are allowed by the contract


def test_installed_it_loads_through_its_entry_point():
    [ep] = [ep for ep in metadata.entry_points(group="nianbao") if ep.name == "disclosed_count"]
    assert ep.dist is not None and ep.dist.name == "nianbao-disclosed-count"
    host = build_host(entry_points=["disclosed_count"])
    info = host.info("disclosed_count")
    assert (info.package, info.version, info.error) == ("nianbao-disclosed-count", "0.1.0", None)
    assert info.registers == ("extractor disclosed_count",)
    assert host.owner("extractor", "disclosed_count") == "disclosed_count"


def test_nianbao_parse_prints_the_new_key(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    env = {**os.environ, "NIANBAO_LOAD_PLUGINS": "disclosed_count"}
    result = subprocess.run([sys.executable, "-m", "nianbao", "parse", str(path)], capture_output=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["disclosed"]["count"] == 523
