"""The five seed reports, parsed field by field against values read off the documents."""

from __future__ import annotations

import pytest

import nianbao
from nianbao.template import APPLICATION_COLUMNS

from .conftest import SEED_FILES, SEEDS

COLS = tuple(APPLICATION_COLUMNS)  # natural_person … other_org, total
ROWS_COMMON = (
    "new_received", "carried_over", "granted", "partially_granted",
    "denied_state_secret", "denied_prohibited_by_law", "denied_three_safety_one_stability", "denied_third_party",
    "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_query_matter",
    "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear",
    "not_processed_petition", "not_processed_duplicate", "not_processed_publication", "not_processed_excessive",
    "not_processed_confirmation",
)
ROWS_2019 = (*ROWS_COMMON, "other_handling", "total_handled", "carried_forward")
ROWS_2021 = (*ROWS_COMMON, "other_no_correction", "other_no_fee", "other_misc", "total_handled", "carried_forward")


def row(*values):
    """One row of section 三 as printed: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计."""
    assert len(values) == 7
    return dict(zip(COLS, values, strict=True))


ZERO_ROW = row(0, 0, 0, 0, 0, 0, 0)
NULL_ROW = row(None, None, None, None, None, None, None)


def review(*values):
    """Section 四's 15 values in printed order."""
    groups = ("review", "litigation_direct", "litigation_after_review")
    fields = ("upheld", "corrected", "other", "pending", "total")
    return {g: dict(zip(fields, values[5 * i: 5 * i + 5], strict=True)) for i, g in enumerate(groups)}


REVIEW_ZERO = review(*[0] * 15)
P2019_ZERO = {
    "regulations": {"new_made": 0, "new_published": 0, "total_published": 0},
    "normative_documents": {"new_made": 0, "new_published": 0, "total_published": 0},
    "licensing": {"prev_count": 0, "change": 0, "decisions": 0},
    "other_services": {"prev_count": 0, "change": 0, "decisions": 0},
    "penalty": {"prev_count": 0, "change": 0, "decisions": 0},
    "enforcement": {"prev_count": 0, "change": 0, "decisions": 0},
    "fees": {"prev_count": 0, "change": 0},
    "procurement": {"projects": 0, "amount_wan": 0},
}

EXPECTED = {
    "000_396b049f417bb130.txt": {
        "reader": "text",
        "title": "塔城地区工信局2020年政府信息公开工作报告",
        "agency": "塔城地区工信局",
        "year": 2020,
        "published": None,
        "signed": "2021-01-30",
        "template": "2019",
        "proactive": {
            **P2019_ZERO,
            "regulations": {"new_made": 0, "new_published": 2, "total_published": 2},
            "normative_documents": {"new_made": 0, "new_published": 2, "total_published": 2},
            # fees and procurement print three values (0 0 0) under two columns: every choice of the two
            # gives 0 / 0, so the agreement rule takes them (P2019_ZERO), with a warning
        },
        "applications": {**dict.fromkeys(ROWS_2019, ZERO_ROW), "carried_forward": NULL_ROW},
        # the report prints only 14 of the 15 values, all 0: wherever the missing one was, each group's
        # 总计 = sum of its results makes it 0 too (the agreement rule)
        "review_litigation": REVIEW_ZERO,
        "other": "无",
    },
    "001_33ad8f586fa9bf30.txt": {
        "reader": "tsv",
        "title": "华龙区工业和信息化局2020年政府信息公开工作年度报告",
        "agency": "华龙区工业和信息化局",
        "year": 2020,
        "published": None,
        "signed": None,
        "template": "2019",
        "proactive": P2019_ZERO,
        "applications": dict.fromkeys(ROWS_2019, ZERO_ROW),
        "review_litigation": REVIEW_ZERO,
        "other": "无",
    },
    "002_6f1e0a320b3e1d76.txt": {
        "reader": "text",
        "title": "天津市东丽区工业和信息化局2022年政府信息公开工作年度报告",
        "agency": "天津市东丽区工业和信息化局",
        "year": 2022,
        "published": "2023-01-17",
        "signed": None,
        "template": "2021",
        "proactive": {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {"issued": 0, "repealed": 0, "in_force": 0},
            "licensing": {"decisions": 0},
            "penalty": {"decisions": 0},
            "enforcement": {"decisions": 0},
            "fees": {"amount_wan": 0},
        },
        "applications": dict.fromkeys(ROWS_2021, ZERO_ROW),
        "review_litigation": REVIEW_ZERO,
        "other": None,  # section 六 prints nothing; the page chrome after it is not its text
    },
    "003_e1faf3f31da2fcd8.txt": {
        "reader": "text",
        "title": "巴彦淖尔市工业和信息化局2021年政府信息公开工作年度报告",
        "agency": "巴彦淖尔市工业和信息化局",
        "year": 2021,
        "published": "2022-01-26",
        "signed": "2022-01-13",
        "template": "mixed",  # 2021 section 二, 2019 single row for 三（六）
        "proactive": {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {"issued": 0, "repealed": 1, "in_force": 0},
            "licensing": {"decisions": 0},
            "penalty": {"decisions": 0},
            "enforcement": {"decisions": 0},
            "fees": {"amount_wan": 0},
        },
        "applications": dict.fromkeys(ROWS_2019, ZERO_ROW),
        "review_litigation": REVIEW_ZERO,
        "other": "根据《政府信息公开信息处理费管理办法》,市工信局本年度未发生需要收取信息处理费的情况,特此报告。",
    },
    "004_2dfc536c7b58f7e3.txt": {
        "reader": "text",
        "title": "淄博市工业和信息化局2020年度政府信息公开工作年度报告",
        "agency": "淄博市工业和信息化局",
        "year": 2020,
        "published": None,
        "signed": None,
        "template": "2019",
        "proactive": {
            "regulations": {"new_made": 0, "new_published": 0, "total_published": 0},
            "normative_documents": {"new_made": 4, "new_published": 4, "total_published": 5},
            "licensing": {"prev_count": 0, "change": 0, "decisions": 0},
            "other_services": {"prev_count": 25, "change": 0, "decisions": 5},
            "penalty": {"prev_count": 10, "change": 0, "decisions": 0},
            "enforcement": {"prev_count": 4, "change": 0, "decisions": 0},
            "fees": {"prev_count": 2, "change": 0},
            "procurement": {"projects": 2, "amount_wan": 134.8},
        },
        "applications": {
            **dict.fromkeys(ROWS_2019, ZERO_ROW),
            "new_received": row(2, 0, 0, 0, 0, 0, 2),
            "granted": row(1, 0, 0, 0, 0, 0, 1),
            "unavailable_not_held": row(1, 0, 0, 0, 0, 0, 1),
            "total_handled": row(2, 0, 0, 0, 0, 0, 2),
        },
        "review_litigation": REVIEW_ZERO,
        "other": "无。",
    },
}


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def parsed(request, host):
    path = SEEDS / request.param
    return nianbao.parse_file(path, host=host), EXPECTED[request.param]


@pytest.mark.parametrize("field", ["title", "agency", "year", "published", "signed", "template"])
def test_metadata(parsed, field):
    record, expected = parsed
    assert record[field] == expected[field]


def test_reader(parsed):
    record, expected = parsed
    assert record["source"]["reader"] == expected["reader"]
    assert record["source"]["format"] == expected["reader"]


@pytest.mark.parametrize("table", ["proactive", "applications", "review_litigation"])
def test_tables(parsed, table):
    record, expected = parsed
    assert record[table] == expected[table]


def test_section_other(parsed):
    record, expected = parsed
    assert record["sections"]["other"] == expected["other"]


def test_prose_sections_are_clean(parsed):
    record, _ = parsed
    for text in record["sections"].values():
        if text:
            for chrome in ("网站声明", "版权所有", "ICP", "jiucuo", "扫一扫"):
                assert chrome not in text
    assert record["sections"]["overview"]
    assert record["sections"]["problems"]


def test_seed_000_defects_are_issues_not_shifts(host):
    record = nianbao.parse_file(SEEDS / "000_396b049f417bb130.txt", host=host)
    by_where = {(i["where"], i["code"]) for i in record["issues"]}
    assert ("applications.carried_forward", "row.no_values") in by_where
    assert ("proactive.fees", "row.values_agree") in by_where
    assert ("proactive.procurement", "row.values_agree") in by_where
    assert ("review_litigation", "row.values_agree") in by_where
    assert not {code for _, code in by_where} & {"row.too_many_values", "row.too_few_values"}
    # the empty last row did not take values from anywhere else
    assert record["applications"]["total_handled"] == ZERO_ROW


def test_overview_starts_after_heading(host):
    record = nianbao.parse_file(SEEDS / "004_2dfc536c7b58f7e3.txt", host=host)
    assert record["sections"]["overview"].startswith("根据《政府信息公开条例》")
    assert record["sections"]["problems"].startswith("2020年，市工信局政府信息公开工作取得了一定成绩")
    assert "[image" not in record["sections"]["overview"]


def test_parsing_the_seeds_touches_no_network(monkeypatch, host):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access while parsing: {args[1:]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for path in SEED_FILES:
        assert nianbao.parse_file(path, host=host)["schema_version"] == 1
