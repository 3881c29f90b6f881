"""The four cross-checks (勾稽关系) of the template."""

from __future__ import annotations

from nianbao.checks import (
    applications_balance,
    applications_handled_total,
    applications_row_total,
    review_litigation_total,
)
from nianbao.hookspecs import hookimpl


@hookimpl
def register_checks(register):
    register("applications.balance", applications_balance)
    register("applications.row_total", applications_row_total)
    register("applications.handled_total", applications_handled_total)
    register("review_litigation.total", review_litigation_total)
