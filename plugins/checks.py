"""The four cross-checks (勾稽关系) of the template."""

from __future__ import annotations

from nianbao.checks import compare
from nianbao.hookspecs import hookimpl
from nianbao.template import APPLICANT_COLUMNS, APPLICATION_COLUMNS, HANDLED_LEAF_ROWS, REVIEW_FIELDS

_PARTS = tuple(REVIEW_FIELDS)[:-1]


def applications_balance(record):
    """For each column: 一 (new) + 二 (carried over) = 三（七） (handled) + 四 (carried forward)."""
    rows = record["applications"]
    if not rows:
        return
    need = ("new_received", "carried_over", "total_handled", "carried_forward")
    for column in APPLICATION_COLUMNS:
        new, old, handled, forward = (rows.get(r, {}).get(column) for r in need)
        result = compare(column, [new, old], None if handled is None or forward is None else handled + forward)
        yield result


def applications_row_total(record):
    """For each row of 三: 总计 = the sum of the six applicant columns."""
    for key, row in record["applications"].items():
        yield compare(key, [row.get(c) for c in APPLICANT_COLUMNS], row.get("total"))


def applications_handled_total(record):
    """三（七）总计 = the sum of every leaf row of （一）…（六）, per column."""
    rows = record["applications"]
    if "total_handled" not in rows:
        return
    leaves = [rows[k] for k in HANDLED_LEAF_ROWS if k in rows]
    for column in APPLICATION_COLUMNS:
        yield compare(column, [leaf.get(column) for leaf in leaves], rows["total_handled"].get(column))


def review_litigation_total(record):
    """Section 四: each group's 总计 = the sum of the four results before it."""
    for group, fields in record["review_litigation"].items():
        yield compare(group, [fields.get(f) for f in _PARTS], fields.get("total"))


@hookimpl
def register_checks(register):
    register("applications.balance", applications_balance)
    register("applications.row_total", applications_row_total)
    register("applications.handled_total", applications_handled_total)
    register("review_litigation.total", review_litigation_total)
