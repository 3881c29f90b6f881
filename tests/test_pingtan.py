"""Crawler texts that glue table cells together (平潭综合实验区 2019-2024), values read off the documents.

Where a glued run splits only one way under the template's shape and cross-checks, the
values are filled; where several splits fit, the values stay null and the issue lists
every candidate, the printed reading among them.
"""

from __future__ import annotations

import pytest

import nianbao
from nianbao.template import APPLICATION_ROWS

from .conftest import REAL
from .test_seeds import ZERO_ROW, review, row

ROWS_2019 = [k for k in APPLICATION_ROWS if k not in ("other_no_correction", "other_no_fee", "other_misc")]
ROWS_2021 = [k for k in APPLICATION_ROWS if k != "other_handling"]
NULL3_2019 = {"new_made": None, "new_published": None, "total_published": None}
NULL3_2021 = {"issued": None, "repealed": None, "in_force": None}
NULL_PREV = {"prev_count": None, "change": None, "decisions": None}

EXPECTED = {
    "pingtan-2019.txt": {
        "year": 2019, "published": "2020-01-20", "template": "2019",
        "proactive": {
            "regulations": {"new_made": 0, "new_published": 0, "total_published": 0},  # 规章000
            "normative_documents": NULL3_2019,  # 898989
            "licensing": NULL_PREV,  # 3960181
            "other_services": NULL_PREV,  # 100153
            "penalty": NULL_PREV,  # 26480430
            "enforcement": NULL_PREV,  # 126025
            "fees": {"prev_count": None, "change": None},  # 350: 3/50 or 35/0
            "procurement": {"projects": None, "amount_wan": None},  # 13575394432.52元
        },
        "applications": {
            **dict.fromkeys(ROWS_2019, ZERO_ROW),
            "new_received": row(23, 0, 0, 0, 0, 0, 23),  # 230 000023
            "granted": row(7, 0, 0, 0, 0, 0, 7),
            "partially_granted": row(1, 0, 0, 0, 0, 0, 1),
            "unavailable_not_held": row(7, 0, 0, 0, 0, 0, 7),
            "unavailable_unclear": row(5, 0, 0, 0, 0, 0, 5),
            "not_processed_duplicate": row(3, 0, 0, 0, 0, 0, 3),
            "total_handled": row(23, 0, 0, 0, 0, 0, 23),  # 23 0 00 0 023
        },
        "review_litigation": review(*[0] * 15),
        "ambiguous": {"proactive.licensing": "396 / 0 / 181", "proactive.normative_documents": "89 / 89 / 89",
                      "proactive.fees": "35 / 0"},
        "failing": set(),
    },
    "pingtan-2020.txt": {
        "year": 2020, "published": "2021-03-05", "template": "2019",
        "proactive": {
            "regulations": {"new_made": 0, "new_published": 0, "total_published": 7},  # 规章007
            "normative_documents": NULL3_2019,  # 7777166
            "licensing": NULL_PREV,  # 396442278
            "other_services": NULL_PREV,  # 107105
            "penalty": {**NULL_PREV, "prev_count": 2648},  # 2648-18538: 2648 in every cut (glued.cells_agreed)
            "enforcement": NULL_PREV,  # 1262629
            "fees": {"prev_count": 35, "change": -15},  # 35-15: the minus sign cuts it one way
            "procurement": {"projects": None, "amount_wan": None},  # 39573802895.90元
        },
        "applications": {
            **dict.fromkeys(ROWS_2019, ZERO_ROW),
            "new_received": row(20, 0, 0, 0, 0, 1, 21),  # 200 000121
            "granted": row(6, 0, 0, 0, 0, 1, 7),
            "partially_granted": row(6, 0, 0, 0, 0, 0, 6),
            "unavailable_not_held": row(4, 0, 0, 0, 0, 0, 4),
            "unavailable_unclear": row(3, 0, 0, 0, 0, 0, 3),
            "not_processed_duplicate": row(3, 0, 0, 0, 0, 0, 3),
            "other_handling": row(4, 0, 0, 0, 0, 0, 4),
            "total_handled": row(20, 0, 0, 0, 0, 1, 21),  # 20 0 00 0 121
        },
        "review_litigation": review(*[0] * 15),
        "ambiguous": {"proactive.penalty": "2648 / -185 / 38"},
        # the source itself breaks it: the handled rows add up to 26 (27), the total says 20 (21)
        "failing": {("applications.handled_total", "natural_person"), ("applications.handled_total", "total")},
    },
    "pingtan-2021.txt": {
        "year": 2021, "published": "2022-02-08", "template": "2021",
        "proactive": {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": NULL3_2021,  # 693665
            "licensing": {"decisions": 2293},
            "penalty": {"decisions": 1282},
            "enforcement": {"decisions": 42},
            "fees": {"amount_wan": 24252.311082},
        },
        "applications": {
            **dict.fromkeys(ROWS_2021, ZERO_ROW),
            "new_received": row(64, 0, 0, 2, 0, 4, 70),  # 640020470
            "granted": row(27, 0, 0, 2, 0, 1, 30),  # 270020130: 2/7/0/0/20/1/30 also sums, the columns decide
            "partially_granted": row(5, 0, 0, 0, 0, 0, 5),
            "denied_internal_affairs": row(1, 0, 0, 0, 0, 0, 1),
            "denied_enforcement_file": row(6, 0, 0, 0, 0, 0, 6),
            "denied_query_matter": row(1, 0, 0, 0, 0, 0, 1),
            "unavailable_not_held": row(22, 0, 0, 0, 0, 3, 25),  # 220000325 + "2." of the next label
            "other_misc": row(1, 0, 0, 0, 0, 0, 1),
            "total_handled": row(63, 0, 0, 2, 0, 4, 69),
            "carried_forward": row(1, 0, 0, 0, 0, 0, 1),
        },
        "review_litigation": review(1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0),  # 10203120001200000
        "ambiguous": {"proactive.normative_documents": "69 / 36 / 65"},
        "failing": set(),
    },
    "pingtan-2022.txt": {
        "year": 2022, "published": "2023-02-20", "template": "2021",
        "proactive": {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            # 8855698, read with the overview's 制发的规范性文件88件 and 现行有效行政规范性文件698件
            # (glued.split_by_prose)
            "normative_documents": {"issued": 88, "repealed": 55, "in_force": 698},
            "licensing": {"decisions": 10690},
            "penalty": {"decisions": 2113},
            "enforcement": {"decisions": 0},
            "fees": {"amount_wan": 9116.36},
        },
        "applications": {
            **dict.fromkeys(ROWS_2021, ZERO_ROW),
            "new_received": row(71, 3, 0, 0, 0, 0, 74),
            "carried_over": row(1, 0, 0, 0, 0, 0, 1),
            "granted": row(21, 0, 0, 0, 0, 0, 21),
            "partially_granted": row(8, 1, 0, 0, 0, 0, 9),
            "denied_internal_affairs": row(1, 0, 0, 0, 0, 0, 1),
            "denied_process_info": row(2, 0, 0, 0, 0, 0, 2),
            "denied_enforcement_file": row(1, 0, 0, 0, 0, 0, 1),
            "unavailable_not_held": row(37, 0, 0, 0, 0, 0, 37),
            "other_no_correction": row(2, 0, 0, 0, 0, 0, 2),
            "other_misc": row(0, 2, 0, 0, 0, 0, 2),
            "total_handled": row(72, 3, 0, 0, 0, 0, 75),
        },
        "review_litigation": review(0, 1, 1, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0),  # heading typo 行政法复议
        "ambiguous": {},
        "by_prose": {"proactive.normative_documents": "leaves 88 / 55 / 698: taken"},
        "failing": set(),
    },
    "pingtan-2024.txt": {
        "year": 2024, "published": "2025-03-10", "template": "2021",
        "proactive": {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            # 6233440: the overview's 本年度制发行政规范性文件62件 leaves four cuts, all 62 / …
            "normative_documents": {"issued": 62, "repealed": None, "in_force": None},
            "licensing": {"decisions": 4529},
            "penalty": {"decisions": 1100},
            "enforcement": {"decisions": 65},
            "fees": {"amount_wan": 18651.06},
        },
        "applications": {
            **dict.fromkeys(ROWS_2021, ZERO_ROW),
            "new_received": row(217, 1, 0, 0, 0, 0, 218),
            "granted": row(71, 0, 0, 0, 0, 0, 71),
            "partially_granted": row(29, 0, 0, 0, 0, 0, 29),
            "denied_state_secret": row(4, 0, 0, 0, 0, 0, 4),
            "denied_third_party": row(3, 0, 0, 0, 0, 0, 3),
            "denied_internal_affairs": row(32, 0, 0, 0, 0, 0, 32),
            "unavailable_not_held": row(75, 0, 0, 0, 0, 0, 75),
            "not_processed_duplicate": row(1, 0, 0, 0, 0, 0, 1),
            "other_no_correction": row(1, 0, 0, 0, 0, 0, 1),
            "other_misc": row(1, 1, 0, 0, 0, 0, 2),
            "total_handled": row(217, 1, 0, 0, 0, 0, 218),
        },
        "review_litigation": review(2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19),  # 21317000001324019
        "ambiguous": {"proactive.normative_documents": "62 / 33 / 440"},
        "by_prose": {"proactive.normative_documents": "'动态更新发布本年度制发行政规范性文件62件' (prose rule "
                                                      "normative_documents.issued) leaves 62 / 3 / 3440; 62 / 33 / "
                                                      "440; 62 / 334 / 40; 62 / 3344 / 0"},
        "failing": set(),
    },
}


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def parsed(request, host):
    return nianbao.parse_file(REAL / request.param, host=host), EXPECTED[request.param]


def test_metadata(parsed):
    record, expected = parsed
    assert record["title"] == f"平潭综合实验区{expected['year']}年度政府信息公开工作年度报告"
    assert record["agency"] == "平潭综合实验区"
    for field in ("year", "published", "template"):
        assert record[field] == expected[field]


@pytest.mark.parametrize("table", ["proactive", "applications", "review_litigation"])
def test_tables(parsed, table):
    record, expected = parsed
    assert record[table] == expected[table]


def test_ambiguous_splits_list_the_printed_reading(parsed):
    record, expected = parsed
    ambiguous = {i["where"]: i["message"] for i in record["issues"] if i["code"] == "glued.ambiguous"}
    for where, reading in expected["ambiguous"].items():
        assert reading in ambiguous[where]


def test_prose_witness_quoted(parsed):
    """A glued run the overview's counts narrow says which sentence did it (nianbao.witness)."""
    record, expected = parsed
    said = {i["where"]: i["message"] for i in record["issues"]
            if i["code"] in ("glued.split_by_prose", "glued.narrowed_by_prose")}
    assert set(said) == set(expected.get("by_prose", {}))
    for where, words in expected.get("by_prose", {}).items():
        assert words in said[where]


def test_failing_checks(parsed):
    record, expected = parsed
    assert {(c["rule"], c["where"]) for c in record["checks"] if not c["ok"]} == expected["failing"]


def test_sections_without_chrome(parsed):
    record, _ = parsed
    assert record["sections"]["other"].endswith(("无收取信息处理费情况。", "无其他需要报告的事项"))
    assert record["sections"]["overview"].startswith(("2019年", "2020年", "2021年", "2022年", "2024年"))


def test_split_by_column_checks_is_reported(host):
    record = nianbao.parse_file(REAL / "pingtan-2021.txt", host=host)
    chosen = {i["where"] for i in record["issues"] if i["code"] == "glued.split_by_checks"}
    assert chosen == {"applications.granted", "applications.unavailable_not_held"}


def test_a_count_with_its_unit_glued_to_an_amount_splits_at_the_unit(host):
    """``政府集中采购1个246900元`` (平潭 旅游 2019 prints so): one project, then 246,900 元 = 24.69 万元."""
    text = (REAL / "pingtan-2019.txt").read_text(encoding="utf-8")
    assert "政府集中采购13575394432.52元" in text
    record = nianbao.parse_bytes(text.replace("政府集中采购13575394432.52元", "政府集中采购1个246900元").encode(),
                                 "pingtan-2019-variant.txt", host=host)
    assert record["proactive"]["procurement"] == {"projects": 1, "amount_wan": 24.69}


def test_section_four_glued_with_one_inconsistent_group_keeps_the_others(host):
    """One group printed with a total that is not its sum: the other two groups still read as printed."""
    text = (REAL / "pingtan-2024.txt").read_text(encoding="utf-8")
    assert "尚未审结总计21317000001324019五、" in text
    broken = text.replace("尚未审结总计21317000001324019五、", "尚未审结总计21318000001324019五、")
    record = nianbao.parse_bytes(broken.encode(), "pingtan-2024-variant.txt", host=host)
    review = record["review_litigation"]
    assert review["litigation_direct"] == dict.fromkeys(review["litigation_direct"], 0)
    assert review["litigation_after_review"] == {"upheld": 13, "corrected": 2, "other": 4, "pending": 0, "total": 19}
    assert set(review["review"].values()) == {None}
    assert any(i["code"] == "glued.group_unresolved" and i["where"] == "review_litigation.review"
               for i in record["issues"])


@pytest.mark.parametrize(("year", "old", "new"), [
    ("2022", "行政法复议、行政诉讼情况", "行政复议和行政诉讼情况"),
    ("2024", "行政复议、行政诉讼情况", "行政复议与行政诉讼情况"),
    ("2021", "收到和处理政府信息公开申请情况", "收到和处理政府 信息公开申请情况"),
])
def test_glued_text_with_a_heading_joined_by_yu_or_he_reads_as_printed_with_the_template_words(year, old, new, host):
    text = (REAL / f"pingtan-{year}.txt").read_text(encoding="utf-8")
    assert old in text
    record = nianbao.parse_bytes(text.replace(old, new, 1).encode(), f"pingtan-{year}-variant.txt", host=host)
    expected = EXPECTED[f"pingtan-{year}.txt"]
    for table in ("proactive", "applications", "review_litigation"):
        assert record[table] == expected[table]
