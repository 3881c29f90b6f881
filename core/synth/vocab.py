"""The printed words of a generated report, taken from :mod:`nianbao.template` and checked against it.

The template module holds what nianbao *recognises*; this module picks, for
each key, the spelling a report prints (the canonical label, or a variant the
template lists) and adds the few presentation words the template has no key
for: numbering, the 第二十条 article rows, table captions. Every printed label
is resolved back through the template's own lookups at import, so the
generator cannot print a label the template does not know.
"""

from __future__ import annotations

from nianbao.template import (
    APPLICATION_COLUMN_LOOKUP,
    APPLICATION_COLUMNS,
    APPLICATION_GROUP_LOOKUP,
    APPLICATION_GROUPS,
    APPLICATION_ROW_LOOKUP,
    APPLICATION_ROWS,
    PROACTIVE_COLUMN_LOOKUP,
    PROACTIVE_COLUMNS,
    PROACTIVE_ITEM_LOOKUP,
    PROACTIVE_ITEMS,
    PROACTIVE_SHAPES,
    REVIEW_FIELDS,
    REVIEW_GROUPS,
    SECTION_HEADINGS,
    match_label,
    normalise_label,
    section_of_heading,
)

CN_NUMERALS = "一二三四五六七八九十"


def cn(n: int) -> str:
    """Chinese numeral for 1…10 (``3`` → ``三``)."""
    if not 1 <= n <= len(CN_NUMERALS):
        raise ValueError(f"no numeral for {n}")
    return CN_NUMERALS[n - 1]


# ---- Section headings ------------------------------------------------------

#: Section key → heading as printed (without numbering). The template stores
#: heading words normalised (no punctuation); reports print the 、.
HEADINGS: dict[str, str] = {
    "overview": "总体情况",
    "proactive": "主动公开政府信息情况",
    "applications": "收到和处理政府信息公开申请情况",
    "review_litigation": "政府信息公开行政复议、行政诉讼情况",
    "problems": "存在的主要问题及改进情况",
    "other": "其他需要报告的事项",
}

#: Other printed headings the template knows (typo included: 行政法复议, seen in a real 2022 report).
HEADING_VARIANTS: dict[str, tuple[str, ...]] = {
    "problems": ("存在的主要问题及改进措施", "存在的主要问题和改进情况"),
    "review_litigation": ("因政府信息公开工作被申请行政复议、提起行政诉讼情况", "政府信息公开行政法复议、行政诉讼情况"),
}

# ---- Section 二 --------------------------------------------------------------

#: 第二十条 articles and the items each one's rows print, in template order.
ARTICLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("一", ("regulations", "normative_documents")),
    ("五", ("licensing", "other_services")),
    ("六", ("penalty", "enforcement")),
    ("八", ("fees",)),
    ("九", ("procurement",)),
)
#: The header cell that opens an article's column headers.
CONTENT_HEADER = "信息内容"
#: (version, item) → printed item label, where it is not the canonical one.
ITEM_LABELS: dict[tuple[str, str], str] = {("2021", "normative_documents"): "行政规范性文件"}
#: (version, item, column) → printed header, where it is not the canonical one.
COLUMN_LABELS: dict[tuple[str, str | None, str], str] = {
    ("2019", "procurement", "amount_wan"): "采购总金额",
    ("2021", None, "decisions"): "本年处理决定数量",
    ("2021", "fees", "amount_wan"): "本年收费金额",
}
#: Unit notes printed after an amount header (the template's labels carry none).
AMOUNT_NOTES_WAN: tuple[str, ...] = ("", "（单位：万元）", "（万元）", "（单位：万元，保留4位小数）")
AMOUNT_NOTES_YUAN: tuple[str, ...] = ("（单位：元）", "（元）")


def item_label(version: str, item: str) -> str:
    """The label a ``version`` report prints for a 第二十条 item."""
    return ITEM_LABELS.get((version, item), PROACTIVE_ITEMS[item].zh)


def column_label(version: str, item: str, column: str) -> str:
    """The header a ``version`` report prints for ``column`` of ``item``."""
    for key in ((version, item, column), (version, None, column)):
        if key in COLUMN_LABELS:
            return COLUMN_LABELS[key]
    return PROACTIVE_COLUMNS[column].zh


def column_variants(version: str, item: str, column: str) -> tuple[str, ...]:
    """Every spelling the template accepts for a header, the printed one first."""
    first = column_label(version, item, column)
    return (first, *(v for v in PROACTIVE_COLUMNS[column].labels if v != first))


# ---- Section 三 --------------------------------------------------------------

APPLICANT_CAPTION = "申请人情况"
ORG_CAPTION = "法人或其他组织"
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
#: Aside printed after 部分公开.
ROW_ASIDES: dict[str, str] = {"partially_granted": "（区分处理的，只计这一情形，不计其他情形）"}


def application_outline(version: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """Section 三's rows as ``(kind, key, leaves)`` in printed order for a （六） ``version``.

    ``kind`` is ``"top"`` (一、二、四、), ``"leaf"`` (a row of 三 such as
    （一）予以公开) or ``"group"`` (（三）不予公开 with its ``leaves``). The
    order and grouping are the template's; a 2019 （六） is the single row
    ``other_handling``, a 2021 （六） the group ``other``.
    """
    out: list[tuple[str, str, tuple[str, ...]]] = []
    groups: dict[str, list[str]] = {}
    for key, row in APPLICATION_ROWS.items():
        if version == "2019" and row.group == "other":
            continue
        if version == "2021" and key == "other_handling":
            key, row = "other", None  # the 2021 （六） is a group heading
        group = row.group if row is not None else "results"
        if group is None:
            out.append(("top", key, ()))
        elif group == "results":
            if key == "other":
                out.append(("group", "other", ()))
                groups["other"] = []
            else:
                out.append(("leaf", key, ()))
        else:
            if group not in groups:
                groups[group] = []
                out.append(("group", group, ()))
            groups[group].append(key)
    return [(kind, key, tuple(groups.get(key, ()))) if kind == "group" else (kind, key, leaves)
            for kind, key, leaves in out]


#: Rows printed now and then by a shorter label the template also lists.
SHORT_ROW_LABELS = frozenset({"new_received", "carried_over"})


def row_label(key: str, *, short: bool = False) -> str:
    """Printed label of an application row (without numbering); ``short``: its shorter variant, if any."""
    labels = APPLICATION_ROWS[key].labels
    text = labels[1] if short and key in SHORT_ROW_LABELS and len(labels) > 1 else labels[0]
    return text + ROW_ASIDES.get(key, "")


def group_label(key: str) -> str:
    """Printed label of an application group (without numbering)."""
    return APPLICATION_GROUPS[key].zh


# ---- Section 四 --------------------------------------------------------------

LITIGATION_CAPTION = "行政诉讼"

# ---- Validation against the template (import time) -------------------------


def _check(cond: bool, message: str) -> None:
    if not cond:
        raise ValueError(f"synth vocabulary: {message}")


def _validate() -> None:
    for key, text in HEADINGS.items():
        _check(section_of_heading(text) == key, f"heading {text!r} does not open {key!r}")
        _check(normalise_label(text) in (normalise_label(w) for w in SECTION_HEADINGS[key]), f"heading {text!r}")
    for key, texts in HEADING_VARIANTS.items():
        for text in texts:
            _check(section_of_heading(text) == key, f"heading variant {text!r} does not open {key!r}")
    shaped = {item for shape in PROACTIVE_SHAPES.values() for item in shape}
    listed = {item for _, items in ARTICLES for item in items}
    _check(shaped == listed, f"articles list {sorted(listed)}, shapes have {sorted(shaped)}")
    for version, shape in PROACTIVE_SHAPES.items():
        for item, columns in shape.items():
            label = item_label(version, item)
            _check(PROACTIVE_ITEM_LOOKUP.get(normalise_label(label)) == item, f"item label {label!r}")
            for column in columns:
                for text in column_variants(version, item, column):
                    found = match_label(normalise_label(text), PROACTIVE_COLUMN_LOOKUP)
                    _check(found == column, f"column label {text!r} reads as {found!r}, not {column!r}")
    for key in APPLICATION_ROWS:
        for text in {row_label(key), row_label(key, short=True)} if key != "other_handling" else ():
            found = match_label(normalise_label(text), APPLICATION_ROW_LOOKUP)
            _check(found == key, f"row label {text!r} reads as {found!r}")
    for key in APPLICATION_GROUPS:
        _check(APPLICATION_GROUP_LOOKUP.get(normalise_label(group_label(key))) == key, f"group {key!r}")
    for key, column in APPLICATION_COLUMNS.items():
        _check(APPLICATION_COLUMN_LOOKUP.get(normalise_label(column.zh)) == key, f"column {key!r}")
    _check(bool(REVIEW_GROUPS) and bool(REVIEW_FIELDS), "review labels")


_validate()
