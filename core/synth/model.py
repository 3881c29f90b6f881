"""A generated report before it is printed: metadata, prose and the three tables' numbers.

:func:`make_spec` draws a :class:`Spec` from a random generator. Numbers are
mostly zeros and small integers, sometimes large, and satisfy the four
cross-checks by construction; a few specs then break one number on purpose.
:func:`truth_of` turns a spec into the ground truth the scorer compares
records with: the docs/record.md fields plus ``failing_checks``, computed here from
the template, independently of nianbao's own check plugins.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from typing import Any

from nianbao.template import (
    AMBIGUOUS_GROUP_ROWS,
    AMOUNT_COLUMNS,
    APPLICANT_COLUMNS,
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    HANDLED_LEAF_ROWS,
    PROACTIVE_SHAPES,
    REVIEW_FIELDS,
    REVIEW_GROUPS,
)

from . import names

#: The years a spec reports on, and the first year of the 2021 template.
YEARS = range(2019, 2025)
YEAR_2021_TEMPLATE = 2021
#: Rule names of the cross-checks (docs/record.md ``checks.rule``).
RULE_BALANCE = "applications.balance"
RULE_ROW_TOTAL = "applications.row_total"
RULE_HANDLED_TOTAL = "applications.handled_total"
RULE_REVIEW_TOTAL = "review_litigation.total"
#: The rules the truth's ``failing_checks`` speaks of: the template's four (prose and plausibility are not drawn).
TEMPLATE_RULES = frozenset({RULE_BALANCE, RULE_ROW_TOTAL, RULE_HANDLED_TOTAL, RULE_REVIEW_TOTAL})
REVIEW_PARTS: tuple[str, ...] = tuple(REVIEW_FIELDS)[:-1]
BALANCE_ROWS = ("new_received", "carried_over", "total_handled", "carried_forward")

#: How often a report is a special case (probabilities per report).
P_BROKEN = 0.08
P_BLANK_ROW = 0.03
P_MIXED = 0.12
P_OLD_FORM_LATE = 0.03
P_SIGNED = 0.7
P_BLANK_ZEROS = 0.05
P_BLANK_TOTAL = 0.02
#: Share of zero cells a report with blank cells leaves blank.
BLANK_ZERO_RATE = 0.6

#: Relative frequency of each handling outcome among applications.
LEAF_WEIGHTS: dict[str, float] = {
    "granted": 40, "partially_granted": 6, "unavailable_not_held": 16, "unavailable_needs_creation": 3,
    "unavailable_unclear": 2, "not_processed_petition": 4, "not_processed_duplicate": 4,
    "not_processed_publication": 1, "not_processed_excessive": 1, "not_processed_confirmation": 1,
    "denied_third_party": 1, "denied_process_info": 2, "denied_internal_affairs": 1, "denied_query_matter": 1,
    "denied_state_secret": 0.3, "denied_prohibited_by_law": 0.5, "denied_three_safety_one_stability": 0.3,
    "denied_enforcement_file": 0.5, "other_handling": 3, "other_no_correction": 2, "other_no_fee": 0.3,
    "other_misc": 2,
}
#: Relative share of each applicant column.
APPLICANT_WEIGHTS: dict[str, float] = {
    "natural_person": 75, "commercial": 15, "research": 1.5, "social_welfare": 1.5, "legal_service": 3,
    "other_org": 4,
}


@dataclass(frozen=True, kw_only=True, slots=True)
class Spec:
    """Everything a printed report states, in the record's terms (amounts in 元 for printing)."""

    agency: str
    year: int
    title_lines: tuple[str, ...]
    proactive_version: str
    applications_version: str
    proactive: dict[str, dict[str, int | None]]  # amount columns in 元
    applications: dict[str, dict[str, int | None]]
    review: dict[str, dict[str, int | None]]
    published: dt.datetime | None
    signer: str | None
    signed: dt.date | None
    overview: tuple[str, ...]
    problems: tuple[str, ...]
    other: tuple[str, ...]
    other_aside: bool = False
    features: tuple[str, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        """The title as the record states it: its lines joined."""
        return "".join(self.title_lines)

    @property
    def template(self) -> str:
        """The record's template field: one version, or ``mixed``."""
        versions = {self.proactive_version, self.applications_version}
        return versions.pop() if len(versions) == 1 else "mixed"


# ---- Drawing a spec ----------------------------------------------------------


def make_spec(rng: random.Random, *, web: bool, blanks: bool = True) -> Spec:
    """Draw a report.

    ``web`` says whether it is a web page (and so has a publish date);
    ``blanks`` whether its layout keeps blank cells apart (a scraped text that
    prints every cell as a paragraph loses them, so no report there has any).
    """
    agency = names.agency(rng)
    year = rng.choice(YEARS)
    proactive_version, applications_version = _versions(rng, year)
    features = [f"template:{proactive_version}+{applications_version}"]
    title_lines = _title(rng, agency, year, features)
    signed = _signed(rng, year)
    published = _published(rng, year, signed) if web else None
    spec = Spec(
        agency=agency,
        year=year,
        title_lines=title_lines,
        proactive_version=proactive_version,
        applications_version=applications_version,
        proactive=_proactive(rng, proactive_version),
        applications=_applications(rng, applications_version, features),
        review=_review(rng),
        published=published,
        signer=_signer(rng, agency) if signed else None,
        signed=signed,
        overview=tuple(names.overview(rng, agency, year)),
        problems=tuple(names.problems(rng, year)),
        other=tuple(names.other(rng, year)),
        other_aside=rng.random() < 0.1,
    )
    if rng.random() < P_BLANK_ROW:
        spec = _blank_row(spec)
        features.append("blank-row")
    elif rng.random() < P_BROKEN:
        spec = _break_one(rng, spec)
        features.append("broken")
    if blanks and rng.random() < P_BLANK_ZEROS:
        spec = _blank_zeros(rng, spec)
        features.append("blank-zeros")
    if blanks and rng.random() < P_BLANK_TOTAL:
        spec = _blank_total(spec)
        features.append("blank-total")
    if spec.other_aside:
        spec = replace(spec, other=("无",))
        features.append("other-aside")
    return replace(spec, features=tuple(features))


def _versions(rng: random.Random, year: int) -> tuple[str, str]:
    if year < YEAR_2021_TEMPLATE or rng.random() < P_OLD_FORM_LATE:
        return "2019", "2019"
    if rng.random() < P_MIXED:
        return "2021", "2019"  # new section 二, old single row 三（六） (seed 003)
    return "2021", "2021"


def _title(rng: random.Random, agency: str, year: int, features: list[str]) -> tuple[str, ...]:
    """Title lines: ``{agency}{year}年政府信息公开工作年度报告`` and its variants, sometimes split."""
    year_word = rng.choices(["年", "年度", ""], weights=[85, 12, 3])[0]
    ending = rng.choices(["工作年度报告", "工作报告", "年度报告"], weights=[88, 6, 6])[0]
    head, tail = f"{agency}", f"{year}{year_word}政府信息公开{ending}"
    roll = rng.random()
    if roll < 0.12:
        features.append("title:split-agency")
        return head, tail
    if roll < 0.17:
        features.append("title:split-words")
        full = head + tail
        cut = full.index("政府信息公开") + len("政府信息公开")
        return full[:cut], full[cut:]
    return (head + tail,)


def _signed(rng: random.Random, year: int) -> dt.date | None:
    if rng.random() >= P_SIGNED:
        return None
    return dt.date(year + 1, 1, 1) + dt.timedelta(days=rng.randint(0, 80))


def _published(rng: random.Random, year: int, signed: dt.date | None) -> dt.datetime:
    day = (signed or dt.date(year + 1, 1, 5)) + dt.timedelta(days=rng.randint(0, 20))
    return dt.datetime(day.year, day.month, day.day, rng.randint(8, 18), rng.randint(0, 59))


def _signer(rng: random.Random, agency: str) -> str:
    return agency if rng.random() < 0.85 else f"{agency}办公室"


def _small(rng: random.Random, p_zero: float, high: int) -> int:
    """Zero with probability ``p_zero``, else a small count skewed low."""
    if rng.random() < p_zero:
        return 0
    return min(high, int(rng.paretovariate(1.2)))


def _count(rng: random.Random, p_zero: float, small: int, large: int, p_large: float) -> int:
    if rng.random() < p_zero:
        return 0
    return rng.randint(1, large) if rng.random() < p_large else rng.randint(1, small)


def _amount_yuan(rng: random.Random, p_zero: float) -> int:
    """An amount in 元: zero, or hundreds of 元 up to tens of millions."""
    if rng.random() < p_zero:
        return 0
    if rng.random() < 0.2:
        return rng.randint(1, 3000) * 10000
    return rng.randint(1, 50000) * 100


def _proactive(rng: random.Random, version: str) -> dict[str, dict[str, int]]:
    """Section 二 values for every item of the version's shape (amounts in 元)."""
    out: dict[str, dict[str, int]] = {}
    for item, columns in PROACTIVE_SHAPES[version].items():
        row: dict[str, int] = {}
        for column in columns:
            row[column] = _proactive_value(rng, item, column, row)
        out[item] = row
    return out


def _proactive_value(rng: random.Random, item: str, column: str, row: dict[str, int]) -> int:
    if column in AMOUNT_COLUMNS:
        return _amount_yuan(rng, 0.75 if item == "fees" else 0.5)
    if item == "regulations":
        return _small(rng, 0.9, 5)
    if column in ("new_made", "issued"):
        return _small(rng, 0.5, 30)
    if column == "new_published":
        return row.get("new_made", 0)
    if column in ("total_published", "in_force"):
        return row.get("new_made", row.get("issued", 0)) + _small(rng, 0.3, 80)
    if column == "repealed":
        return _small(rng, 0.7, 10)
    if column == "prev_count":
        return _count(rng, 0.4, 60, 900, 0.05)
    if column == "change":
        return 0 if rng.random() < 0.6 else rng.randint(-min(3, row.get("prev_count", 0)), 5)
    if column == "decisions":
        return _count(rng, 0.5, 80, 12000, 0.1)
    return _small(rng, 0.6, 20)  # projects


def application_rows(version: str) -> tuple[str, ...]:
    """The section 三 rows a ``version`` table prints, in template order."""
    other_leaves = {k for k, row in APPLICATION_ROWS.items() if row.group in AMBIGUOUS_GROUP_ROWS.values()}
    if version == "2019":
        return tuple(k for k in APPLICATION_ROWS if k not in other_leaves)
    return tuple(k for k in APPLICATION_ROWS if k not in AMBIGUOUS_GROUP_ROWS)


def _applications(rng: random.Random, version: str, features: list[str]) -> dict[str, dict[str, int | None]]:
    """Section 三 values, consistent with all three application cross-checks."""
    rows = application_rows(version)
    leaves = [k for k in HANDLED_LEAF_ROWS if k in rows]
    scale = rng.choices(["none", "small", "medium", "large"], weights=[45, 35, 15, 5])[0]
    features.append(f"applications:{scale}")
    handled = {"none": 0, "small": rng.randint(1, 12), "medium": rng.randint(10, 150),
               "large": rng.randint(200, 6000)}[scale]
    per_column = dict.fromkeys(APPLICANT_COLUMNS, 0)
    for column in rng.choices(list(APPLICANT_WEIGHTS), weights=list(APPLICANT_WEIGHTS.values()), k=handled):
        per_column[column] += 1
    values: dict[str, dict[str, int | None]] = {row: {} for row in rows}
    for column in APPLICANT_COLUMNS:
        _fill_column(rng, values, column, per_column[column], leaves)
    for row in values.values():
        row["total"] = sum(row[c] or 0 for c in APPLICANT_COLUMNS)
    return values


def _fill_column(rng: random.Random, values: dict[str, dict[str, int | None]], column: str, handled: int,
                 leaves: list[str]) -> None:
    counts = dict.fromkeys(leaves, 0)
    for leaf in rng.choices(leaves, weights=[LEAF_WEIGHTS[k] for k in leaves], k=handled):
        counts[leaf] += 1
    forward = rng.randint(0, max(1, handled // 8)) if handled and rng.random() < 0.3 else 0
    over = rng.randint(0, min(handled + forward, max(1, handled // 8))) if rng.random() < 0.25 else 0
    for leaf, n in counts.items():
        values[leaf][column] = n
    values["total_handled"][column] = handled
    values["carried_forward"][column] = forward
    values["carried_over"][column] = over
    values["new_received"][column] = handled + forward - over


def _review(rng: random.Random) -> dict[str, dict[str, int]]:
    """Section 四: mostly zeros, each group's 总计 the sum of its four results."""
    out: dict[str, dict[str, int]] = {}
    for group in REVIEW_GROUPS:
        busy = rng.random() < (0.2 if group == "review" else 0.1)
        parts = {f: (_small(rng, 0.5, 40) if busy else 0) for f in REVIEW_PARTS}
        out[group] = {**parts, "total": sum(parts.values())}
    return out


def _blank_row(spec: Spec) -> Spec:
    """四、结转下年度继续办理 printed without values (seed 000): every value null."""
    applications = {k: dict(v) for k, v in spec.applications.items()}
    applications["carried_forward"] = dict.fromkeys(APPLICATION_COLUMNS)
    return replace(spec, applications=applications)


def _blank_zeros(rng: random.Random, spec: Spec) -> Spec:
    """Leave many zero cells blank, as some offices fill only what is not zero: each one null."""

    def blank(table: dict[str, dict[str, int | None]]) -> dict[str, dict[str, int | None]]:
        return {row: {c: None if v == 0 and rng.random() < BLANK_ZERO_RATE else v for c, v in values.items()}
                for row, values in table.items()}

    return replace(spec, proactive=blank(spec.proactive), applications=blank(spec.applications),
                   review=blank(spec.review))


def _blank_total(spec: Spec) -> Spec:
    """Section 三's 总计 column left blank (a real 2019 report): every total null."""
    applications = {row: {**values, "total": None} for row, values in spec.applications.items()}
    return replace(spec, applications=applications)


def _break_one(rng: random.Random, spec: Spec) -> Spec:
    """Change one number of section 三 or 四 so that at least one cross-check fails."""
    applications = {k: dict(v) for k, v in spec.applications.items()}
    review = {k: dict(v) for k, v in spec.review.items()}
    table = applications if rng.random() < 0.75 else review
    row = rng.choice(sorted(table))
    column = rng.choice(sorted(table[row]))
    old = table[row][column] or 0
    table[row][column] = old + rng.choice([1, 2, 3, 10]) if old == 0 or rng.random() < 0.5 else old - 1
    return replace(spec, applications=applications, review=review)


# ---- The truth ---------------------------------------------------------------


def _sum_or_none(values: list[int | float | None]) -> int | float | None:
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def _fails(parts: list[int | float | None], total: int | float | None) -> bool:
    expected = _sum_or_none(parts)
    return expected is None or total is None or abs(expected - total) > 1e-6


def failing_checks(applications: dict[str, dict[str, Any]], review: dict[str, dict[str, Any]]) -> list[list[str]]:
    """The cross-checks (docs/template.md) that the numbers fail, as ``[rule, where]`` pairs."""
    out: list[list[str]] = []
    if applications:
        for column in APPLICATION_COLUMNS:
            new, old, handled, forward = (applications.get(r, {}).get(column) for r in BALANCE_ROWS)
            if _fails([new, old], _sum_or_none([handled, forward])):
                out.append([RULE_BALANCE, column])
    for key, row in applications.items():
        if _fails([row.get(c) for c in APPLICANT_COLUMNS], row.get("total")):
            out.append([RULE_ROW_TOTAL, key])
    if "total_handled" in applications:
        leaves = [applications[k] for k in HANDLED_LEAF_ROWS if k in applications]
        for column in APPLICATION_COLUMNS:
            if _fails([leaf.get(column) for leaf in leaves], applications["total_handled"].get(column)):
                out.append([RULE_HANDLED_TOTAL, column])
    for group, fields in review.items():
        if _fails([fields.get(f) for f in REVIEW_PARTS], fields.get("total")):
            out.append([RULE_REVIEW_TOTAL, group])
    return sorted(out)


def wan(yuan: int | None) -> float | None:
    """An amount in 元 as the record states it, in 万元."""
    return None if yuan is None else round(yuan / 10000, 6)


def proactive_truth(spec: Spec) -> dict[str, dict[str, int | float | None]]:
    """Section 二 as the record states it: amounts in 万元."""
    return {item: {c: wan(v) if c in AMOUNT_COLUMNS else v for c, v in row.items()}
            for item, row in spec.proactive.items()}


def truth_of(spec: Spec, *, file: str, fmt: str, layout: str, features: list[str]) -> dict[str, Any]:
    """The ground truth of a rendered report (docs/record.md fields plus ``failing_checks``)."""
    return {
        "file": file,
        "format": fmt,
        "layout": layout,
        "features": sorted({*spec.features, *features}),
        "title": spec.title,
        "agency": spec.agency,
        "year": spec.year,
        "published": spec.published.date().isoformat() if spec.published else None,
        "signed": spec.signed.isoformat() if spec.signed else None,
        "template": spec.template,
        "sections": {
            "overview": "\n".join(spec.overview),
            "problems": "\n".join(spec.problems),
            "other": "\n".join(spec.other),
        },
        "proactive": proactive_truth(spec),
        "applications": spec.applications,
        "review_litigation": spec.review,
        "failing_checks": failing_checks(spec.applications, spec.review),
    }


# ---- A series: one agency's reports with chosen chain numbers -------------------


def series_spec(rng: random.Random, *, agency: str, year: int, carried_over: dict[str, int],
                carried_forward: dict[str, int], in_force: dict[str, tuple[int, int, int]] | None = None,
                proactive_version: str | None = None) -> Spec:
    """A report of ``agency`` for ``year`` whose cross-year numbers are the ones given.

    ``carried_over`` and ``carried_forward`` give section 三's 上年结转 and 结转下年度 per
    applicant column (总计 is their sum); ``in_force`` gives ``(issued, repealed, in_force)``
    of 规章 and 规范性文件 when section 二 prints the 2021 columns (``proactive_version``,
    by default the year's template). 本年新收 is set so the report balances (予以公开 grows
    when it must). The cross-year tests render such series.
    """
    base = make_spec(rng, web=False, blanks=False)
    version = "2019" if year < YEAR_2021_TEMPLATE else "2021"
    proactive_version = proactive_version or version
    applications = _applications(rng, version, [])
    for column in APPLICANT_COLUMNS:
        over, forward = carried_over.get(column, 0), carried_forward.get(column, 0)
        new = (applications["total_handled"][column] or 0) + forward - over
        if new < 0:
            for row in ("granted", "total_handled"):
                applications[row][column] = (applications[row][column] or 0) - new
            new = 0
        applications["carried_over"][column], applications["carried_forward"][column] = over, forward
        applications["new_received"][column] = new
    for row in applications.values():
        row["total"] = sum(row[c] or 0 for c in APPLICANT_COLUMNS)
    proactive = _proactive(rng, proactive_version)
    if proactive_version == "2021":
        for item, (issued, repealed, count) in (in_force or {}).items():
            proactive[item] = {"issued": issued, "repealed": repealed, "in_force": count}
    # signed in the year after the one reported on, as real reports are (``base`` was drawn for another year)
    signed = base.signed and dt.date(year + 1, 1, 1) + (base.signed - dt.date(base.year + 1, 1, 1))
    return replace(base, agency=agency, year=year, title_lines=(f"{agency}{year}年政府信息公开工作年度报告",),
                   proactive_version=proactive_version, applications_version=version, proactive=proactive,
                   applications=applications, signer=agency if base.signed else None, signed=signed,
                   overview=tuple(names.overview(rng, agency, year)), features=())
