"""Agency identity on real names: printed variants of one body join, distinct bodies never do.

Names are the agencies of the repo's real reports (tests/data/real, samples, tests/data/peer) and
names found in public repositories' report titles and data (docs/checks.md, "Agency identity", lists them).
"""

from __future__ import annotations

import pytest

from nianbao.agency import AliasError, Aliases, agency_key, display_name
from nianbao.parse import parse_file

from .conftest import PEER, REAL, SEED_FILES

SAME = [
    # 人民政府 and 政府 in the same name
    ("上海市黄浦区人民政府", "上海市黄浦区政府"),
    ("宿州市人民政府", "宿州市政府"),
    ("上海市奉贤区人民政府办公室", "上海市奉贤区政府办公室"),
    # a report titled with its place is its government's (平潭综合实验区2021年政府信息公开工作年度报告)
    ("沭阳县人民政府", "沭阳县"), ("平潭综合实验区", "平潭综合实验区人民政府"), ("上海市", "上海市政府"),
    ("上海市人民政府办公厅", "上海市政府办公厅"),
    # whitespace as OCR and PDF text put it (淮安市洪泽区人民政府 2025 年…)
    ("淮安市洪泽区人民政府", "淮安市洪泽区 人民政府"),
    ("沭阳县发展和改革局", " 沭阳县\u3000发展和改革局\n"),
    # full-width and half-width forms
    ("南京徐庄高新技术产业开发区管理委员会", "南京徐庄高新技术产业开发区管理委员会 "),
    ("滨海新区（开发区）管理委员会", "滨海新区(开发区)管理委员会"),
    ("ＸＸ区人民政府", "XX区政府"),
    # traditional characters
    ("淄博市工业和信息化局", "淄博市工業和信息化局"),
    ("延边朝鲜族自治州人民政府办公室", "延邊朝鮮族自治州人民政府辦公室"),
    ("大庆市住房公积金管理中心", "大慶市住房公積金管理中心"),
    ("平潭综合实验区", "平潭綜合實驗區"),
]

DISTINCT = [
    # a government and its own office, its departments
    ("上海市奉贤区人民政府", "上海市奉贤区人民政府办公室"),
    ("安庆市人民政府", "安庆市人民政府办公室"),
    ("上海市人民政府", "上海市人民政府办公厅"),
    ("上海市", "上海市人民政府办公厅"), ("沭阳县", "沭阳县政府办公室"),
    ("沭阳县人民政府", "沭阳县发展和改革局"),
    # places at two levels, two places
    ("上海市人民政府", "上海市黄浦区人民政府"),
    ("宿州市人民政府", "宿迁市人民政府"),
    # an abbreviation and an OCR misreading: only an alias file joins them
    ("淄博市工信局", "淄博市工业和信息化局"),
    ("沐阳县人民政府", "沭阳县人民政府"),
    ("上海市科委", "上海市科学技术委员会"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_printed_variants_of_one_body_join(a, b):
    assert agency_key(a) == agency_key(b)


@pytest.mark.parametrize(("a", "b"), DISTINCT)
def test_distinct_bodies_never_join(a, b):
    assert agency_key(a) != agency_key(b)


def test_keys_of_the_real_reports_agencies():
    """Every real report's agency has a key; the 平潭 series is one body, the others all differ."""
    paths = [*SEED_FILES, *sorted(REAL.iterdir()), *sorted(PEER.glob("KIROGOVCOMPARE/*"))]
    agencies = {path.name: parse_file(path)["agency"] for path in paths}
    keys = {name: agency_key(agency) for name, agency in agencies.items()}
    assert None not in keys.values(), agencies
    assert len({keys[name] for name in keys if name.startswith("pingtan-")}) == 1
    # 上海市人民政府办公厅 is in two reports (2019 and 2025): one body; everything else is its own
    office = {name for name, agency in agencies.items() if agency == "上海市人民政府办公厅"}
    assert len(office) == 2
    others = [key for name, key in keys.items() if not name.startswith("pingtan-") and name not in office]
    assert len(set(others)) == len(others)
    assert keys[next(iter(office))] not in others


def test_no_name_no_key():
    assert agency_key(None) is None and agency_key("") is None and agency_key(" 《》 ") is None


def test_alias_file_joins_what_rules_cannot():
    aliases = Aliases.parse("name,canonical\n淄博市工信局,淄博市工业和信息化局\n# OCR\n沐阳县人民政府,沭阳县人民政府\n"
                            "淄博市经信委,淄博市工信局\n")
    assert aliases.resolve("淄博市工信局") == (agency_key("淄博市工业和信息化局"), "淄博市工业和信息化局")
    assert aliases.resolve("淄博市經信委") == (agency_key("淄博市工业和信息化局"), "淄博市工业和信息化局")  # a chain
    assert aliases.resolve("沐阳县政府")[0] == agency_key("沭阳县人民政府")  # the rules still apply to aliases
    assert aliases.resolve("淄博市工业和信息化局") == (agency_key("淄博市工业和信息化局"), None)
    assert aliases.resolve("") is None


@pytest.mark.parametrize(("text", "message"), [
    ("a,b,c\n", "line 1: expected two names"),
    ("甲局,\n", "line 1: expected two names"),
    ("甲局,乙局\n甲局,丙局\n", "line 2: '甲局' already has the canonical name '乙局' (line 1)"),
    ("甲局,乙局\n乙局,甲局\n", "go round in a circle"),
])
def test_a_bad_alias_file_names_file_and_line(text, message, tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AliasError) as caught:
        Aliases.load(str(path))
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_unreadable_alias_file(tmp_path):
    with pytest.raises(AliasError, match="cannot read the alias file"):
        Aliases.load(str(tmp_path / "missing.csv"))


def test_display_name_is_the_most_printed_then_the_latest():
    assert display_name([("滨海县政府", 2020), ("滨海县人民政府", 2019), ("滨海县人民政府", 2021)]) == "滨海县人民政府"
    assert display_name([("滨海县政府", 2024), ("滨海县人民政府", 2019)]) == "滨海县政府"
    # a tie: the first in code-point order (乙 U+4E59 before 甲 U+7532), whatever order the names come in
    assert display_name([("甲", 2020), ("乙", 2020)]) == display_name([("乙", 2020), ("甲", 2020)]) == "乙"
