"""The record checks: the four cross-checks (勾稽关系) of the template, prose against tables, plausibility."""

from __future__ import annotations

from nianbao.checks import (
    applications_balance,
    applications_handled_total,
    applications_row_total,
    plausibility_non_negative,
    plausibility_pending,
    plausibility_year,
    prose_applications,
    prose_litigation,
    prose_proactive,
    prose_review,
    review_litigation_total,
)
from nianbao.hookspecs import hookimpl


@hookimpl
def register_checks(register):
    register("applications.balance", applications_balance)
    register("applications.row_total", applications_row_total)
    register("applications.handled_total", applications_handled_total)
    register("review_litigation.total", review_litigation_total)
    register("prose.applications", prose_applications)
    register("prose.review", prose_review)
    register("prose.litigation", prose_litigation)
    register("prose.proactive", prose_proactive)
    register("plausibility.non_negative", plausibility_non_negative)
    register("plausibility.pending", plausibility_pending)
    register("plausibility.year", plausibility_year)
