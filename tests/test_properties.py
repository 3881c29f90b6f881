"""Properties of the pure functions every table cell goes through: parse_cell, normalise_label, split_run.

Hypothesis draws the inputs; the examples in ``tests/test_template.py`` pin
the behaviour on real cells, these say what holds for every input.
"""

from __future__ import annotations

import itertools
import math
import time

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from nianbao import template as t
from nianbao.glued import MAX_CANDIDATES, MAX_RUN_DIGITS, TooManySplits, split_run
from nianbao.template import (
    APPLICATION_ROW_LOOKUP,
    NONE_SPELLINGS,
    PROACTIVE_ITEM_LOOKUP,
    REVIEW_HEADER_WORDS,
    normalise_label,
    parse_cell,
)

#: Every property's settings (local, not a global profile: other modules keep Hypothesis' defaults).
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NOTES = {None, t.BLANK, t.NONE_SPELLING, t.GARBAGE, t.UNIT_YUAN, t.UNIT_WAN, t.UNIT_COUNT, t.DECIMAL, t.SEVERAL}
WHITESPACE = (" ", "\t", "\n", "\r\n", "\u3000", "\xa0", "\r")
FULL_WIDTH = str.maketrans("0123456789,.-()", "０１２３４５６７８９，．－（）")
#: Characters cells are made of: digits of both widths, separators, signs, units, none-spellings, spaces.
CELL_ALPHABET = "0123456789０１２３４５６７８９,，.．-－—–/无空元万件条个次项人 \t\n\u3000\xa0x"

any_text = st.text()
cell_like = st.text(alphabet=CELL_ALPHABET, max_size=20)
padding = st.text(alphabet="".join(WHITESPACE), max_size=3)


# --------------------------------------------------------------------------
# parse_cell
# --------------------------------------------------------------------------


def check_parsed(parsed: object) -> None:
    """The documented shape of ``parse_cell``'s answer."""
    assert isinstance(parsed, tuple) and len(parsed) == 2
    value, note = parsed
    assert note in NOTES
    assert value is None or type(value) in (int, float)
    assert (value is None) == (note in (t.BLANK, t.GARBAGE, t.SEVERAL))
    if note is None:
        assert type(value) is int
    if note == t.DECIMAL:
        assert type(value) is float
    if note == t.NONE_SPELLING:
        assert value == 0
    if type(value) is float:
        assert math.isfinite(value)


@PROPERTY
@given(st.one_of(any_text, cell_like))
@example("1" * 5000)  # int() refuses more than 4,300 digits
@example("1" * 400 + ".5")  # float() of 400 digits is inf
@example("９" * 200)
def test_parse_cell_never_raises_and_answers_in_the_documented_types(text):
    check_parsed(parse_cell(text))


@PROPERTY
@given(st.integers(min_value=-(10**15), max_value=10**15), padding, padding)
def test_parse_cell_digits_round_trip(number, before, after):
    assert parse_cell(f"{before}{number}{after}") == (number, None)


@PROPERTY
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_parse_cell_full_width_digits_equal_ascii(number):
    ascii_text = str(number)
    assert parse_cell(ascii_text.translate(FULL_WIDTH)) == parse_cell(ascii_text) == (number, None)


@PROPERTY
@given(st.integers(min_value=0, max_value=10**15), st.sampled_from([",", "，"]))
def test_parse_cell_thousands_separators(number, separator):
    text = f"{number:,}".replace(",", separator)
    assert parse_cell(text) == (number, None)
    assert parse_cell(text.translate(FULL_WIDTH)) == (number, None)


@PROPERTY
@given(st.sampled_from(sorted(NONE_SPELLINGS)), padding, padding)
def test_parse_cell_none_spellings_are_zero(spelling, before, after):
    assert parse_cell(f"{before}{spelling}{after}") == (0, t.NONE_SPELLING)


@PROPERTY
@given(st.integers(min_value=0, max_value=10**12),
       st.sampled_from([("万元", t.UNIT_WAN), ("元", t.UNIT_YUAN), ("件", t.UNIT_COUNT), ("项", t.UNIT_COUNT)]))
def test_parse_cell_units_keep_the_number(number, unit_note):
    unit, note = unit_note
    assert parse_cell(f"{number}{unit}") == (number, note)
    assert parse_cell(f"{number:,}{unit}") == (number, note)


@PROPERTY
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=9999))
def test_parse_cell_decimals(whole, fraction):
    assume(fraction % 10)  # 1.50 prints as 1.5: keep the text and the float comparable
    text = f"{whole}.{fraction}"
    value, note = parse_cell(text)
    assert note == t.DECIMAL and value == float(text)


@PROPERTY
@given(st.text(alphabet="0123456789", min_size=1, max_size=12), st.lists(st.sampled_from(WHITESPACE), max_size=3))
def test_parse_cell_whitespace_inside_digits_never_makes_another_number(digits, spaces):
    """Digits with spaces between them are the number only as a thousands grouping (``1 234``); else several
    numbers in one cell (a lost column rule: ``1 2`` is not 12), never the digits run together by chance."""
    spaced = digits
    for index, space in enumerate(spaces):
        cut = (index + 1) * len(digits) // (len(spaces) + 1)
        spaced = spaced[:cut] + space + spaced[cut:]
    groups = spaced.split()
    grouped = len(groups) > 1 and groups[0][0] != "0" and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    expected = parse_cell(digits) if len(groups) == 1 or grouped else (None, t.SEVERAL)
    assert parse_cell(spaced) == expected


@PROPERTY
@given(st.integers(min_value=1000, max_value=10**15), padding, padding)
def test_parse_cell_thousands_grouped_by_spaces(number, before, after):
    assert parse_cell(f"{before}{number:,}{after}".replace(",", " ")) == (number, None)


def test_parse_cell_long_numbers_are_garbage_not_a_crash():
    assert parse_cell("1" * (t.MAX_NUMBER_CHARS + 1)) == (None, t.GARBAGE)
    assert parse_cell("1" * t.MAX_NUMBER_CHARS)[1] is None


# --------------------------------------------------------------------------
# normalise_label
# --------------------------------------------------------------------------

#: The template's labels, normalised: what every print of a label must come back to.
CORE_LABELS = sorted({*APPLICATION_ROW_LOOKUP, *PROACTIVE_ITEM_LOOKUP, *REVIEW_HEADER_WORDS})
NUMBERINGS = ("一、", "三、", "十二、", "（一）", "(二)", "（ 三 ）", "1.", "1、", "２．", "3,", "第一部分",
              "（三）1．", "一、（二）", "(四)2、")
#: Characters labels are printed with: CJK of the template, ASCII and full-width brackets, digits, punctuation.
LABEL_ALPHABET = "".join(sorted(set("".join(CORE_LABELS)))) + "()（）[]［］【】〔〕0123456789０１２、.．,，：:“”\"'/ "
label_like = st.text(alphabet=LABEL_ALPHABET, max_size=30)
BRACKETS = str.maketrans("()[]", "（）［］")


@PROPERTY
@given(st.one_of(any_text, label_like, st.sampled_from(CORE_LABELS)))
@example("、第一部分予以公开")  # numbering behind punctuation: exposed only once the punctuation is gone
@example("(" * 10_000 + ")" * 10_000)  # nested brackets: bounded passes, not one per level
def test_normalise_label_is_idempotent(text):
    once = normalise_label(text)
    assert normalise_label(once) == once


@PROPERTY
@given(st.sampled_from(CORE_LABELS), st.lists(st.tuples(st.integers(0, 40), st.sampled_from(WHITESPACE)),
                                              max_size=4))
def test_normalise_label_ignores_whitespace_and_line_breaks_inside(label, breaks):
    broken = label
    for position, space in breaks:
        cut = position % (len(broken) + 1)
        broken = broken[:cut] + space + broken[cut:]
    assert normalise_label(broken) == normalise_label(label) == label


@PROPERTY
@given(label_like)
def test_normalise_label_full_width_and_half_width_brackets_are_the_same(text):
    assert normalise_label(text.translate(BRACKETS)) == normalise_label(text)


@PROPERTY
@given(st.sampled_from(CORE_LABELS), st.sampled_from(NUMBERINGS), padding)
def test_normalise_label_strips_numbering(label, numbering, space):
    assert normalise_label(f"{numbering}{space}{label}") == label


@PROPERTY
@given(st.sampled_from(CORE_LABELS), st.sampled_from(["（区分处理的，只计这一情形，不计其他情形）", "(单位：万元)",
                                                     "【注】", "〔2019〕"]))
def test_normalise_label_drops_bracketed_asides(label, aside):
    assert normalise_label(label + aside) == label


def test_normalise_label_deep_brackets_are_fast():
    started = time.thread_time()
    normalise_label("（" * 20_000 + "予以公开" + "）" * 20_000)
    assert time.thread_time() - started < 2


# --------------------------------------------------------------------------
# split_run (glued crawler text)
# --------------------------------------------------------------------------

runs_strategy = st.lists(st.text(alphabet="0123456789", min_size=1, max_size=10), min_size=1, max_size=3)


def _splits(runs: list[str], width: int) -> list[tuple[int, ...]] | None:
    try:
        return split_run(runs, width)
    except TooManySplits:
        return None


@PROPERTY
@given(runs_strategy, st.integers(min_value=1, max_value=8))
def test_split_run_candidates_rejoin_to_the_run_without_leading_zeros(runs, width):
    candidates = _splits(runs, width)
    assume(candidates is not None)
    boundaries = set(itertools.accumulate(len(run) for run in runs))
    for candidate in candidates:
        assert len(candidate) == width
        texts = [str(value) for value in candidate]
        assert "".join(texts) == "".join(runs)
        assert all(text == "0" or not text.startswith("0") for text in texts)
        assert all(type(value) is int and value >= 0 for value in candidate)
        # a number never straddles two runs: every run boundary is a cut
        assert boundaries <= set(itertools.accumulate(len(text) for text in texts))
    assert len(set(candidates)) == len(candidates)


def _brute_force(runs: list[str], width: int) -> set[tuple[int, ...]]:
    """Every cut of each run into numbers without leading zeros, by trying every cut position."""
    per_run = []
    for run in runs:
        ways = []
        for cuts in itertools.product((False, True), repeat=len(run) - 1):
            parts, start = [], 0
            for index, cut in enumerate(cuts, 1):
                if cut:
                    parts.append(run[start:index])
                    start = index
            parts.append(run[start:])
            if all(p == "0" or not p.startswith("0") for p in parts):
                ways.append(tuple(int(p) for p in parts))
        per_run.append(ways)
    return {sum(combo, ()) for combo in itertools.product(*per_run) if sum(len(c) for c in combo) == width}


@PROPERTY
@given(st.lists(st.text(alphabet="0123456789", min_size=1, max_size=5), min_size=1, max_size=2),
       st.integers(min_value=1, max_value=7))
def test_split_run_finds_every_split(runs, width):
    assert set(split_run(runs, width)) == _brute_force(runs, width)


@PROPERTY
@given(runs_strategy, st.integers(min_value=1, max_value=7), st.integers(min_value=0, max_value=3))
def test_split_run_accept_filters(runs, width, modulus):
    def accept(split):
        return sum(split) % 4 == modulus

    everything = _splits(runs, width)
    assume(everything is not None and len(everything) < MAX_CANDIDATES)  # a capped list is not "everything"
    accepted = split_run(runs, width, accept)
    assert set(accepted) == {s for s in everything if accept(s)}


@pytest.mark.parametrize("width", [7, 15])
def test_split_run_gives_up_quickly_on_runs_with_millions_of_splits(width):
    started = time.thread_time()
    with pytest.raises(TooManySplits):
        split_run(["1" * MAX_RUN_DIGITS], width, lambda _: False)
    assert time.thread_time() - started < 10  # was a minute (width 7) or hours (width 15)


@PROPERTY
@given(st.lists(st.sampled_from(["无", "—", "-", "/", "１２", "3", "0", "12件"]), min_size=1, max_size=4),
       st.integers(min_value=1, max_value=6))
def test_split_run_never_raises_on_cell_spellings(runs, width):
    for candidate in split_run(runs, width):
        assert all(type(value) in (int, float) for value in candidate)
