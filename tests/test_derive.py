"""Timeliness (条例第四十九条) and the derived measures, on real reports and edited records."""

from __future__ import annotations

import pytest

import nianbao
from nianbao.derive import derive, level_of, measures_of, timeliness_of

from .conftest import REAL, SEEDS


@pytest.mark.parametrize(("name", "level"), [
    ("平潭综合实验区", "government"),  # a report titled with its place is the place's government's
    ("沭阳县人民政府", "government"), ("淮安市洪泽区政府", "government"), ("上海市", "government"),
    ("上海市人民政府办公厅", "department"), ("安庆市人民政府办公室", "department"),
    ("沭阳县发展和改革局", "department"), ("南京徐庄高新技术产业开发区管理委员会", "department"),
    ("塔城地区工信局", "department"), ("XX县XX镇人民政府", "township"), ("XX区XX街道办事处", "township"),
    (None, None),
])
def test_level_from_the_name(name, level):
    assert level_of(name) == level


# (file, status, level, deadline, basis, date) read off each report
REAL_DATES = [
    ("pingtan-2019.txt", "on_time", "government", "2020-03-31", "published", "2020-01-20"),
    ("pingtan-2020.txt", "on_time", "government", "2021-03-31", "published", "2021-03-05"),
    ("pingtan-2024.txt", "on_time", "government", "2025-03-31", "published", "2025-03-10"),
    ("shanghai-gov-office-2019.html", "on_time", "department", "2020-01-31", "published", "2020-01-31"),  # the day
    ("shuyang-fgj-2023.html", "on_time", "department", "2024-01-31", "published", "2024-01-17"),
]


@pytest.mark.parametrize(("name", "status", "level", "deadline", "basis", "date"), REAL_DATES)
def test_real_reports_against_the_deadline(name, status, level, deadline, basis, date, host):
    timing = nianbao.parse_file(REAL / name, host=host)["timeliness"]
    assert timing == {"status": status, "level": level, "deadline": deadline, "basis": basis, "date": date,
                      "days_late": 0}


def test_signed_when_not_published_and_unknown_without_either(host):
    seed = nianbao.parse_file(SEEDS / "000_396b049f417bb130.txt", host=host)  # signed 2021-01-30, a 工信局
    assert seed["timeliness"]["basis"] == "signed" and seed["timeliness"]["status"] == "on_time"
    bare = nianbao.parse_file(SEEDS / "004_2dfc536c7b58f7e3.txt", host=host)  # no date at all
    assert bare["timeliness"] == {"status": "unknown", "level": "department", "deadline": "2021-01-31",
                                  "basis": None, "date": None, "days_late": None}
    assert not [i for i in bare["issues"] if i["code"] == "timeliness.late"]


def test_a_late_report_is_a_warning():
    record = {"agency": "沭阳县发展和改革局", "year": 2023, "published": "2024-02-05", "signed": "2024-01-10"}
    issues = derive(record)
    assert record["timeliness"]["status"] == "late" and record["timeliness"]["days_late"] == 5
    assert [(i.level, i.code, i.where) for i in issues] == [("warning", "timeliness.late", "published")]
    government = {"agency": "沭阳县人民政府", "year": 2023, "published": "2024-02-05", "signed": None}
    assert timeliness_of(government)["status"] == "on_time"  # a government has until 3月31日
    township = {"agency": "XX镇人民政府", "year": 2023, "published": "2024-02-05", "signed": None}
    assert timeliness_of(township)["status"] == "unknown"  # 第四十九条 speaks of 县级以上 only


def test_measures_of_a_real_report(host):
    record = nianbao.parse_file(REAL / "pingtan-2022.txt", host=host)
    # 予以公开 21 + 部分公开 9 of 总计 75; 行政复议 纠正 1 of 2; 诉讼: 纠正 0 of 1 (直接起诉) + 0 (复议后)
    assert record["measures"] == {"granted_share": 0.4, "review_correction_rate": 0.5, "litigation_lost_share": 0.0,
                                  "applications_per_10k": None}


def test_measures_are_null_when_a_part_is_missing_or_nothing_to_divide(host):
    record = nianbao.parse_file(REAL / "pingtan-2019.txt", host=host)  # no review, no lawsuit: 0 of 0
    assert record["measures"]["review_correction_rate"] is None
    assert record["measures"]["litigation_lost_share"] is None
    assert record["measures"]["granted_share"] == round(8 / 23, 6)
    assert measures_of(record, population=460000)["applications_per_10k"] == 0.5  # 23 new / 46 万
    shanghai = nianbao.parse_file(REAL / "shanghai-gov-office-2019.html", host=host)
    assert shanghai["measures"]["litigation_lost_share"] is None  # 复议后起诉 printed blank: null, not 0
