"""Everything nianbao knows about the report template, in one place.

The State Council's template (国办公开办函〔2019〕60号, revised by
〔2021〕30号) fixes six sections and three statistics tables. This module holds
that knowledge as data: section heading words, the row, column and item labels
of both versions with the variants real reports print, the record keys of
docs/record.md, the spellings of "none", and the web-page chrome that is not part of
any section. It also holds the two pure functions every table goes through:
:func:`normalise_label` and the table-cell parser :func:`parse_cell`.

Key ↔ label mappings are written once; reverse lookups, record keys, the JSON
Schema and CSV headers are all derived from them. No reader imports this
module, and this module imports no reader.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# --------------------------------------------------------------------------
# Label normalisation
# --------------------------------------------------------------------------

_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕")
_NUMBERING = re.compile(
    r"^(?:"
    r"[一二三四五六七八九十]+[、.,]"  # 一、  三.
    r"|\d{1,2}[、.,](?!\d)"  # 1、  1.  (not 1.5)
    r"|第[一二三四五六七八九十]+部分"  # 第一部分
    r")+"
)


#: Levels of nested brackets removed (a label has one or two). Bounded: each level is a pass over the
#: text, and a hostile cell of 10,000 nested brackets would otherwise take 10,000 passes.
MAX_BRACKET_DEPTH = 8


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=65536)
def normalise_label(text: str) -> str:
    """The comparable core of a label: ``"（三）1．属于国家秘密"`` → ``"属于国家秘密"``.

    NFKC (full-width brackets, digits and stops become ASCII), bracketed asides
    dropped (numbering like ``(一)`` and notes like ``(单位:万元)`` alike),
    whitespace and line breaks removed, leading numbering (``一、``, ``1.``,
    ``1、``) stripped, then only letters, digits and CJK characters kept, so
    quotes, slashes and list commas no longer matter. Cached: the same few
    hundred labels recur in every report. Idempotent: the steps are repeated
    on the result until it no longer changes (numbering behind a quote,
    ``“第一部分…``, shows only once the quote is gone).
    """
    text = _label_core(text)
    for _ in range(3):
        again = _label_core(text)
        if again == text:
            break
        text = again
    return text


def _label_core(text: str) -> str:
    text = "".join(_nfkc(text).split())
    for _ in range(MAX_BRACKET_DEPTH):  # nested brackets: remove innermost first
        stripped = _BRACKETED.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = _NUMBERING.sub("", text)
    return "".join(ch for ch in text if ch.isalnum())


# --------------------------------------------------------------------------
# The table-cell parser (the hot path)
# --------------------------------------------------------------------------

#: Why a cell has no clean number. ``None`` means a plain number.
BLANK = "blank"  # nothing printed: value None
NONE_SPELLING = "none_spelling"  # —, -, /, 无: value 0
GARBAGE = "garbage"  # text that is not a number: value None
UNIT_YUAN = "yuan"  # an amount in 元 (value as printed, in 元)
UNIT_WAN = "wan"  # an amount in 万元
UNIT_COUNT = "count_unit"  # a count with a unit word (3件, 5条)
DECIMAL = "decimal"  # a number with a fraction (134.8)

#: Spellings of "none" or "zero" in a table cell.
NONE_SPELLINGS = frozenset({"-", "--", "—", "——", "－", "–", "/", "\\", "无", "0.00", "空", "／"})
_COUNT_UNITS = ("件", "条", "个", "次", "项", "人次", "人")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
#: Longest number text parsed (digits, sign, point): a glued row's run has at most 40 digits. Longer ones
#: are garbage; unchecked, 400 digits make ``float`` infinite and 4,300 make ``int`` raise.
MAX_NUMBER_CHARS = 100

Parsed = tuple["int | float | None", "str | None"]


#: Distinct cell texts a worker remembers. A report's cells are a few hundred strings ("0", "1", its labels),
#: the same in every report, so a worker's cache is warm after its first documents.
CELL_CACHE_SIZE = 16384


@lru_cache(maxsize=CELL_CACHE_SIZE)  # a hit is one C call with no Python frame: faster than int(s.strip()) itself
def parse_cell(text: str) -> Parsed:
    """Parse one table cell: ``(value, note)``.

    ``note`` is ``None`` for a plain integer and otherwise one of the codes
    above; ``value`` is an ``int``, a ``float`` or ``None``. Amounts keep the
    unit they were printed in: the fitter knows which columns are in 万元.
    Pure, so cached (see ``CELL_CACHE_SIZE``); ``parse_cell.__wrapped__`` is
    the uncached function.

    >>> parse_cell("  0"), parse_cell("1,234"), parse_cell("134.8万元"), parse_cell("—")
    ((0, None), (1234, None), (134.8, 'wan'), (0, 'none_spelling'))
    """
    t = text.strip()
    if t.isdecimal():  # fast path: ASCII or full-width digits, int() takes both
        return (int(t), None) if len(t) <= MAX_NUMBER_CHARS else (None, GARBAGE)
    return _parse_cell_slow(t)


def _parse_cell_slow(t: str) -> Parsed:
    if not t:
        return None, BLANK
    t = "".join(_nfkc(t).split())
    if not t:
        return None, BLANK
    if t in NONE_SPELLINGS:
        return 0, NONE_SPELLING
    note = None
    if t.endswith("万元"):
        t, note = t[:-2], UNIT_WAN
    elif t.endswith("元"):
        t, note = t[:-1], UNIT_YUAN
    else:
        for unit in _COUNT_UNITS:
            if t.endswith(unit):
                t, note = t[: -len(unit)], UNIT_COUNT
                break
    t = t.replace(",", "")
    if len(t) > MAX_NUMBER_CHARS or not _NUMBER.fullmatch(t):
        return None, GARBAGE
    if "." in t:
        value = float(t)
        if value.is_integer() and note is None:
            return int(value), None
        return value, note or DECIMAL
    return int(t), note


# --------------------------------------------------------------------------
# Outline: the six sections, the title, the page chrome
# --------------------------------------------------------------------------

#: Section key → heading words (normalised). Headings are found by these words,
#: never by their numbering, which real reports get wrong.
SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "overview": ("总体情况",),
    "proactive": ("主动公开政府信息情况", "主动公开政府信息"),
    "applications": ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请"),
    "review_litigation": (
        "政府信息公开行政复议行政诉讼情况",
        "政府信息公开行政法复议行政诉讼情况",  # seen: pingtan 2022
        "因政府信息公开工作被申请行政复议提起行政诉讼情况",
        "政府信息公开行政复议行政诉讼",
    ),
    "problems": (
        "存在的主要问题及改进情况",
        "存在的主要问题及改进措施",
        "存在的主要问题和改进情况",
        "存在的主要问题及整改措施",  # seen: shuyang fgj 2023
        "政府信息公开工作存在的主要问题及改进情况",  # seen: shanghai gov office 2019
    ),
    "other": ("其他需要报告的事项",),
}
SECTION_ORDER: tuple[str, ...] = tuple(SECTION_HEADINGS)
#: The prose sections and their record keys under ``sections``.
PROSE_SECTIONS: tuple[str, ...] = ("overview", "problems", "other")
#: A heading line is short; a sentence that happens to contain the words is not one.
HEADING_MAX_CHARS = 40

#: Web-page chrome: a paragraph containing one of these ends the report text.
CHROME_MARKERS: tuple[str, ...] = (
    "扫一扫在手机打开当前页",
    "扫一扫在手机上查看当前页面",
    "网站声明",
    "版权所有",
    "ICP备",
    "网站标识码",
    "jiucuo",
    "网站地图",
    "联系我们",
    "公网安备",
    "打印本页",
    "关闭窗口",
    "【打印】",
    "【关闭】",
    "分享到",
    "附件下载",
)

#: Publish lines on web pages: ``发布时间:2023-01-17 10:04``, ``发布日期:2022-01-26``.
PUBLISH_LABELS: tuple[str, ...] = ("发布时间", "发布日期", "公开日期", "发文日期", "成文日期", "日期", "时间")
TITLE_WORDS = "政府信息公开"
#: Field labels that crawlers put before a title: ``标题: 平潭综合实验区2021年度…``.
TITLE_LABELS: tuple[str, ...] = ("标题", "题目", "名称", "文章标题")
TITLE_END = "报告"
#: Lines above a title that are not part of it: page labels of PDF and web exports (``正文``, ``目录``).
FRONT_WORDS: tuple[str, ...] = ("正文", "全文", "原文", "目录", "文字版", "图文版", "图解版", "附件")
#: Words a title puts around its agency that are not the agency's name: ``XX局关于2021年…报告``.
AGENCY_AFFIXES: tuple[str, ...] = ("关于", "的")

# --------------------------------------------------------------------------
# Tables: a small vocabulary of keyed labels
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Label:
    """A record key and the labels (first one canonical) that print it."""

    key: str
    labels: tuple[str, ...]
    group: str | None = None

    @property
    def zh(self) -> str:
        """The canonical Chinese label."""
        return self.labels[0]


def _keyed(labels: Iterable[Label]) -> dict[str, Label]:
    """Index labels by key; raise on an empty label list or a duplicate key (import-time check)."""
    out: dict[str, Label] = {}
    for label in labels:
        if not label.labels:
            raise ValueError(f"template: {label.key!r} has no labels")
        if label.key in out:
            raise ValueError(f"template: duplicate key {label.key!r}")
        out[label.key] = label
    return out


def _lookup(labels: Iterable[Label]) -> dict[str, str]:
    """Normalised label → key; raise when one label would mean two keys."""
    out: dict[str, str] = {}
    for label in labels:
        for text in label.labels:
            norm = normalise_label(text)
            if not norm:
                raise ValueError(f"template: label {text!r} of {label.key!r} normalises to nothing")
            if out.get(norm, label.key) != label.key:
                raise ValueError(f"template: label {text!r} means both {out[norm]!r} and {label.key!r}")
            out[norm] = label.key
    return out


# ---- Section 二: 第二十条 items ------------------------------------------

PROACTIVE_ITEMS = _keyed(
    [
        Label("regulations", ("规章",)),
        Label("normative_documents", ("规范性文件", "行政规范性文件")),
        Label("licensing", ("行政许可",)),
        Label("other_services", ("其他对外管理服务事项", "其他对外管理服务")),
        Label("penalty", ("行政处罚",)),
        Label("enforcement", ("行政强制",)),
        Label("fees", ("行政事业性收费",)),
        Label("procurement", ("政府集中采购",)),
    ]
)
PROACTIVE_COLUMNS = _keyed(
    [
        Label("new_made", ("本年新制作数量", "本年制作数量", "新制作数量")),
        Label("new_published", ("本年新公开数量", "新公开数量")),
        Label("total_published", ("对外公开总数量", "公开总数量")),
        Label("issued", ("本年制发件数", "本年发件", "本年制发件", "本年发件数", "本年制发数量")),
        Label("repealed", ("本年废止件数", "本年废止件", "本年废止数量")),
        Label("in_force", ("现行有效件数", "现行有效件", "现行有效数量")),
        Label("prev_count", ("上一年项目数量", "上年项目数量", "上一年度项目数量")),
        Label("change", ("本年增/减", "本年增减", "增/减")),
        Label("decisions", ("处理决定数量", "本年处理决定数量", "本年度处理决定数量")),
        Label("amount_wan", ("金额", "采购总金额", "本年收费金额", "收费金额", "采购金额")),
        Label("projects", ("采购项目数量", "项目数量")),
    ]
)
#: Columns whose values are amounts in 万元 (cells in 元 are converted).
AMOUNT_COLUMNS = frozenset({"amount_wan"})
#: The header cell that opens every item's column headers.
PROACTIVE_HEADER_START = normalise_label("信息内容")

#: Template version → item → columns, in printed order.
PROACTIVE_SHAPES: dict[str, dict[str, tuple[str, ...]]] = {
    "2019": {
        "regulations": ("new_made", "new_published", "total_published"),
        "normative_documents": ("new_made", "new_published", "total_published"),
        "licensing": ("prev_count", "change", "decisions"),
        "other_services": ("prev_count", "change", "decisions"),
        "penalty": ("prev_count", "change", "decisions"),
        "enforcement": ("prev_count", "change", "decisions"),
        "fees": ("prev_count", "change"),
        "procurement": ("projects", "amount_wan"),
    },
    "2021": {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "penalty": ("decisions",),
        "enforcement": ("decisions",),
        "fees": ("amount_wan",),
    },
}

# ---- Section 三: applications -----------------------------------------

APPLICATION_COLUMNS = _keyed(
    [
        Label("natural_person", ("自然人",)),
        Label("commercial", ("商业企业",)),
        Label("research", ("科研机构",)),
        Label("social_welfare", ("社会公益组织",)),
        Label("legal_service", ("法律服务机构",)),
        Label("other_org", ("其他",)),
        Label("total", ("总计",)),
    ]
)
#: The six applicant columns that ``total`` sums.
APPLICANT_COLUMNS: tuple[str, ...] = tuple(APPLICATION_COLUMNS)[:-1]

#: Group labels of section 三: they head rows but carry no values themselves.
APPLICATION_GROUPS = _keyed(
    [
        Label("results", ("本年度办理结果", "本年度办理结果情况")),
        Label("denied", ("不予公开",)),
        Label("unavailable", ("无法提供",)),
        Label("not_processed", ("不予处理",)),
        Label("other", ("其他处理",)),
    ]
)
APPLICATION_ROWS = _keyed(
    [
        Label("new_received", ("本年新收政府信息公开申请数量", "本年新收政府信息公开申请")),
        Label("carried_over", ("上年结转政府信息公开申请数量", "上年结转政府信息公开申请")),
        Label("granted", ("予以公开",), "results"),
        Label("partially_granted", ("部分公开",), "results"),
        Label("denied_state_secret", ("属于国家秘密",), "denied"),
        Label("denied_prohibited_by_law", ("其他法律行政法规禁止公开",), "denied"),
        Label("denied_three_safety_one_stability", ("危及“三安全一稳定”", "危及三安全一稳定"), "denied"),
        Label("denied_third_party", ("保护第三方合法权益",), "denied"),
        Label("denied_internal_affairs", ("属于三类内部事务信息",), "denied"),
        Label("denied_process_info", ("属于四类过程性信息",), "denied"),
        Label("denied_enforcement_file", ("属于行政执法案卷",), "denied"),
        Label("denied_query_matter", ("属于行政查询事项",), "denied"),
        Label("unavailable_not_held", ("本机关不掌握相关政府信息",), "unavailable"),
        Label("unavailable_needs_creation", ("没有现成信息需要另行制作",), "unavailable"),
        Label("unavailable_unclear", ("补正后申请内容仍不明确",), "unavailable"),
        Label("not_processed_petition", ("信访举报投诉类申请",), "not_processed"),
        Label("not_processed_duplicate", ("重复申请",), "not_processed"),
        Label("not_processed_publication", ("要求提供公开出版物",), "not_processed"),
        Label("not_processed_excessive", ("无正当理由大量反复申请",), "not_processed"),
        Label("not_processed_confirmation", ("要求行政机关确认或重新出具已获取信息",), "not_processed"),
        Label("other_handling", ("其他处理",), "results"),
        Label(
            "other_no_correction",
            ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "逾期不补正"),
            "other",
        ),
        Label(
            "other_no_fee",
            ("申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "逾期未缴纳费用"),
            "other",
        ),
        Label("other_misc", ("其他",), "other"),
        Label("total_handled", ("总计",), "results"),
        Label("carried_forward", ("结转下年度继续办理",)),
    ]
)
#: Rows that are a 2019 leaf but a 2021 group heading: ``（六）其他处理``.
AMBIGUOUS_GROUP_ROWS = {"other_handling": "other"}
#: Which rows say which template version section 三 follows.
APPLICATION_VERSION_ROWS = {"other_handling": "2019", "other_no_correction": "2021", "other_no_fee": "2021"}
#: The leaf rows of 三（一）…（六） that （七）总计 sums.
HANDLED_LEAF_ROWS: tuple[str, ...] = tuple(
    key for key, row in APPLICATION_ROWS.items() if row.group is not None and key != "total_handled"
)

# ---- Section 四: review and litigation --------------------------------

REVIEW_GROUPS = _keyed(
    [
        Label("review", ("行政复议",)),
        Label("litigation_direct", ("未经复议直接起诉",)),
        Label("litigation_after_review", ("复议后起诉",)),
    ]
)
REVIEW_FIELDS = _keyed(
    [
        Label("upheld", ("结果维持",)),
        Label("corrected", ("结果纠正",)),
        Label("other", ("其他结果",)),
        Label("pending", ("尚未审结",)),
        Label("total", ("总计",)),
    ]
)
#: Section 四's 15 values in printed order.
REVIEW_SLOTS: tuple[tuple[str, str], ...] = tuple((g, f) for g in REVIEW_GROUPS for f in REVIEW_FIELDS)
#: Words that appear only in section 四's header.
REVIEW_HEADER_WORDS = frozenset(
    normalise_label(t)
    for t in ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", *(f.zh for f in REVIEW_FIELDS.values()))
)

# ---- Lookups derived from the tables above ----------------------------

PROACTIVE_ITEM_LOOKUP = _lookup(PROACTIVE_ITEMS.values())
PROACTIVE_COLUMN_LOOKUP = _lookup(PROACTIVE_COLUMNS.values())
APPLICATION_COLUMN_LOOKUP = _lookup(APPLICATION_COLUMNS.values())
APPLICATION_GROUP_LOOKUP = _lookup(APPLICATION_GROUPS.values())
#: Row lookup; labels that also name a column (其他, 总计) resolve by context in the fitter.
APPLICATION_ROW_LOOKUP = _lookup(r for r in APPLICATION_ROWS.values() if r.key != "other_handling")
SECTION_LOOKUP = _lookup(Label(k, v) for k, v in SECTION_HEADINGS.items())
#: Every normalised table label (items, columns, rows, groups, section 四's header words).
TABLE_LABELS: frozenset[str] = frozenset(
    {*PROACTIVE_ITEM_LOOKUP, *PROACTIVE_COLUMN_LOOKUP, *APPLICATION_COLUMN_LOOKUP, *APPLICATION_GROUP_LOOKUP,
     *APPLICATION_ROW_LOOKUP, *REVIEW_HEADER_WORDS}
)


#: Every start of a table label (``上``, ``上一``, …, ``上一年项目数量``): :func:`within_label` is one set lookup.
_LABEL_STARTS: frozenset[str] = frozenset(label[:end] for label in TABLE_LABELS for end in range(1, len(label) + 1))


def within_label(norm: str) -> bool:
    """Whether a normalised text is a whole table label or the start of one (``上一年`` of ``上一年项目数量``)."""
    return norm in _LABEL_STARTS


@dataclass(frozen=True, slots=True)
class _PrefixIndex:
    """A lookup's labels by their starts, so :func:`match_label` resolves a truncated label with one dict lookup.

    ``truncated`` maps every proper start (at least ``min_chars`` long) of a
    label to the key of the longest labels it starts, or ``None`` when those
    longest labels mean different keys. ``longest`` bounds the starts of a
    text worth looking up when the text extends a label.
    """

    lookup: dict[str, str]
    truncated: dict[str, str | None]
    longest: int

    @classmethod
    def build(cls, lookup: dict[str, str], min_chars: int) -> _PrefixIndex:
        best: dict[str, tuple[int, set[str]]] = {}
        for label, key in lookup.items():
            for end in range(min_chars, len(label)):
                length, keys = best.get(label[:end], (0, set()))
                if len(label) > length:
                    best[label[:end]] = (len(label), {key})
                elif len(label) == length:
                    keys.add(key)
        truncated = {start: (next(iter(keys)) if len(keys) == 1 else None) for start, (_, keys) in best.items()}
        return cls(lookup, truncated, max(map(len, lookup), default=0))


_PREFIX_INDEXES: dict[tuple[int, int], _PrefixIndex] = {}


def _prefix_index(lookup: dict[str, str], min_chars: int) -> _PrefixIndex:
    """The index of a lookup, built on first use (lookups are constants: the template's tables)."""
    index = _PREFIX_INDEXES.get((id(lookup), min_chars))
    if index is None or index.lookup is not lookup:  # the index holds its lookup, so an id is never reused
        index = _PREFIX_INDEXES[(id(lookup), min_chars)] = _PrefixIndex.build(lookup, min_chars)
    return index


def match_label(norm: str, lookup: dict[str, str], *, min_chars: int = 4) -> str | None:
    """Resolve a normalised label: exact first, then a truncated or extended print of one.

    A cell may hold a label cut short (a line break inside it in a cell-per-line
    export) or followed by an aside without brackets; both match when the
    overlapping part is at least ``min_chars`` long. The longest label wins; a
    tie between two keys (``属于行政`` starts both 属于行政执法案卷 and
    属于行政查询事项) matches neither. Dict lookups only: a truncated label is
    a key of the lookup's prefix index, an extended one has a label as a start.
    """
    key = lookup.get(norm)
    if key is not None or len(norm) < min_chars:
        return key
    index = _prefix_index(lookup, min_chars)
    if norm in index.truncated:  # labels that extend norm are longer than any label norm extends
        return index.truncated[norm]
    for end in range(min(len(norm) - 1, index.longest), min_chars - 1, -1):  # the longest label norm starts with
        key = lookup.get(norm[:end])
        if key is not None:
            return key
    return None


#: A sub-item number opening a line: ``（一）主动公开政府信息情况`` under 总体情况 is not section 二.
_SUB_ITEM = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十\d]+\s*[)）]")
#: A row number opening a label: ``（七）``, ``3.``, ``3、``, ``３．``; column headers print none.
_ROW_NUMBER = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[\d０-９]{1,2}\s*[、.．,，])")


def is_numbered(text: str) -> bool:
    """Whether a printed label starts with a row number (``（七）总计`` yes, the column ``总计`` no)."""
    return bool(_ROW_NUMBER.match(text))


def section_of_heading(text: str) -> str | None:
    """The section a heading line opens, or ``None`` for any other line (a sub-item such as ``（一）…`` included)."""
    stripped = text.strip()
    # a number (a table cell printed as a paragraph) normalises to digits, and no heading is digits
    if len(stripped) > HEADING_MAX_CHARS or stripped.isdecimal() or _SUB_ITEM.match(text):
        return None
    return SECTION_LOOKUP.get(normalise_label(text))


assert not any(norm.isdecimal() for norm in SECTION_LOOKUP), "section_of_heading skips numbers"


# --------------------------------------------------------------------------
# Record keys derived from the tables (for the record, the schema, the CSV)
# --------------------------------------------------------------------------

def proactive_fields() -> dict[str, tuple[str, ...]]:
    """Item → every column it can have in either version, in template order."""
    out: dict[str, list[str]] = {}
    for shape in PROACTIVE_SHAPES.values():
        for item, columns in shape.items():
            cols = out.setdefault(item, [])
            cols.extend(c for c in columns if c not in cols)
    return {item: tuple(out[item]) for item in PROACTIVE_ITEMS if item in out}


def numeric_fields() -> list[tuple[str, str, str, str]]:
    """Every numeric field of a record: ``(path, zh label, section, type)``.

    ``path`` is ``applications.granted.total`` style, the column name of the
    flat table outputs.
    """
    out: list[tuple[str, str, str, str]] = []
    for item, columns in proactive_fields().items():
        for col in columns:
            zh = f"{PROACTIVE_ITEMS[item].zh}·{PROACTIVE_COLUMNS[col].zh}"
            out.append((f"proactive.{item}.{col}", zh, "proactive", "number"))
    for row in APPLICATION_ROWS.values():
        for col in APPLICATION_COLUMNS.values():
            out.append((f"applications.{row.key}.{col.key}", f"{row.zh}·{col.zh}", "applications", "integer"))
    for group, field in REVIEW_SLOTS:
        zh = f"{REVIEW_GROUPS[group].zh}·{REVIEW_FIELDS[field].zh}"
        out.append((f"review_litigation.{group}.{field}", zh, "review_litigation", "integer"))
    return out


def combine_versions(versions: Iterable[str | None]) -> str | None:
    """The report's template: one version, ``"mixed"`` when tables disagree, or ``None``."""
    seen = {v for v in versions if v}
    if not seen:
        return None
    return seen.pop() if len(seen) == 1 else "mixed"


#: A document with a paragraph or cell longer than this clears the template's caches once it is done.
LONG_TEXT_CHARS = 4096


def forget_long_texts() -> None:
    """Empty the template's text caches (cell parser, label normaliser).

    They keep up to tens of thousands of texts a worker has seen; real labels
    and cells are short, but a hostile document's megabyte-long "cells" would
    otherwise stay cached, document after document, and grow the worker's
    memory without bound. Called after each document that had such a text.
    """
    for cached in (parse_cell, normalise_label):
        clear = getattr(cached, "cache_clear", None)
        if clear is not None:
            clear()
