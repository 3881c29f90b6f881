"""The four cross-checks: evaluated on every record; a broken copy of a seed fails exactly the right ones."""

from __future__ import annotations

import pytest

import nianbao

from .conftest import SEED_FILES, SEEDS

SEED = SEEDS / "004_2dfc536c7b58f7e3.txt"
RULES = {"applications.balance", "applications.row_total", "applications.handled_total", "review_litigation.total"}


def failing(record):
    return {(c["rule"], c["where"]) for c in record["checks"] if not c["ok"]}


def replace_nth_line(text: str, anchor: str, offset: int, new: str) -> str:
    """Replace the line ``offset`` lines below the first line containing ``anchor``."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if anchor in line)
    assert lines[start + offset].strip().isdigit(), lines[start + offset]
    lines[start + offset] = new
    return "\n".join(lines)


@pytest.mark.parametrize("name", sorted(p.name for p in SEED_FILES))
def test_every_rule_runs_on_every_seed(name, host):
    record = nianbao.parse_file(SEEDS / name, host=host)
    template = [c for c in record["checks"] if c["rule"] in RULES]
    assert {c["rule"] for c in template} == RULES
    # 7 balance + 7 handled-total + one row total per row + 3 groups
    assert len(template) == 7 + 7 + len(record["applications"]) + 3
    # the other rules (prose.*, plausibility.*) are documented and prefixed
    assert {c["rule"].split(".")[0] for c in record["checks"] if c["rule"] not in RULES} <= {"prose", "plausibility"}


def test_clean_seed_passes_every_check(host):
    assert failing(nianbao.parse_file(SEED, host=host)) == set()


@pytest.mark.parametrize(
    ("anchor", "offset", "new", "expected"),
    [
        # 一、本年新收 自然人 2 → 3: that row's total and the 自然人 balance break
        ("一、本年新收政府信息公开申请数量", 1, "\t3",
         {("applications.row_total", "new_received"), ("applications.balance", "natural_person")}),
        # （一）予以公开 自然人 1 → 0: that row's total and the 自然人 sum of handled results break
        ("（一）予以公开", 1, "\t0",
         {("applications.row_total", "granted"), ("applications.handled_total", "natural_person")}),
        # （七）总计 总计 2 → 5: its row total, the handled total and the balance of column 总计
        ("（七）总计", 7, "\t5",
         {("applications.row_total", "total_handled"), ("applications.handled_total", "total"),
          ("applications.balance", "total")}),
    ],
)
def test_broken_copy_fails_exactly_the_right_checks(anchor, offset, new, expected, host):
    text = SEED.read_text("utf-8")
    broken = replace_nth_line(text, anchor, offset, new)
    record = nianbao.parse_bytes(broken.encode("utf-8"), "broken.txt", host=host)
    assert failing(record) == expected


def test_broken_review_total(host):
    text = SEED.read_text("utf-8")
    head, _, tail = text.partition("四、政府信息公开行政复议、行政诉讼情况")
    lines = tail.split("\n")
    first_value = next(i for i, line in enumerate(lines) if line.strip() == "0")
    lines[first_value] = "\t1"  # 行政复议 结果维持 0 → 1
    record = nianbao.parse_bytes((head + "四、政府信息公开行政复议、行政诉讼情况" + "\n".join(lines)).encode(),
                                 "broken.txt", host=host)
    assert failing(record) == {("review_litigation.total", "review")}
    check = next(c for c in record["checks"] if c["rule"] == "review_litigation.total" and c["where"] == "review")
    assert (check["expected"], check["actual"]) == (1, 0)


def test_null_makes_a_check_fail_with_actual_null(host):
    record = nianbao.parse_file(SEEDS / "000_396b049f417bb130.txt", host=host)
    balance = [c for c in record["checks"] if c["rule"] == "applications.balance"]
    assert balance and all(not c["ok"] and c["actual"] is None and c["expected"] == 0 for c in balance)
    # section 四's 14 printed zeros are read by the agreement rule now: its checks hold
    review = [c for c in record["checks"] if c["rule"] == "review_litigation.total"]
    assert review and all(c["ok"] and c["expected"] == c["actual"] == 0 for c in review)


def test_compare_results_are_the_keyword_built_ones():
    # compare() fills a twin of the slots and sets the class (nianbao.checks._result): the same type, value,
    # equality, hash, pickling and frozenness
    import pickle
    from dataclasses import FrozenInstanceError, replace

    from nianbao.checks import compare
    from nianbao.record import CheckResult

    passed, failed, null = compare("total", [1, 2.5], 3.5), compare("total", [1, 2], 4), compare("x", [1, None], 3)
    assert passed == CheckResult(where="total", ok=True, expected=3.5, actual=3.5)
    assert failed == CheckResult(where="total", ok=False, expected=3, actual=4)
    assert null == CheckResult(where="x", ok=False, expected=None, actual=None)
    assert hash(failed) == hash(CheckResult(where="total", ok=False, expected=3, actual=4))
    assert type(passed) is CheckResult and pickle.loads(pickle.dumps(passed)) == passed
    assert replace(passed, rule="r").to_dict() == {"rule": "r", "where": "total", "ok": True, "expected": 3.5,
                                                   "actual": 3.5}
    with pytest.raises(FrozenInstanceError):
        passed.ok = False  # type: ignore[misc]
