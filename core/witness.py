"""Prose as a second witness for a glued row: the overview's counts pick among the row's splits.

Crawler text that glued a row's numbers together (``行政规范性文件15621``) can often be cut several
ways (``15 / 6 / 21``, ``1 / 56 / 21``, …), and the table alone cannot tell which. The overview
(一、总体情况) often states the same numbers in words: ``制定规范性文件15件``, ``废止规范性文件6件``. Such a
statement is a second witness, used only where it is unambiguous and only to choose among the readings
the digits allow:

- a measure counts only when the overview states exactly one number for it (two different numbers: no
  witness), read by the same reader as the prose checks (:func:`nianbao.checks.statements`, the rules of
  ``nianbao.template.PROSE_CELL_PATTERNS``);
- a reading is kept when it agrees with every statement about its row; a statement that no reading
  agrees with (``现行有效件数424件`` where every cut of ``34089`` ends in 89 or 9) is a disagreement, and
  then the prose is not used for that row at all;
- a prose number never becomes a value by itself: values only ever come from a reading of the printed
  digits, and only rows left null with several readings are looked at (a value the table gave is never
  overridden).

The fitter (``nianbao.fit.fit_proactive``) takes the values when one reading is left, or the cells every
reading left gives alike, with a warning that names the rule and quotes the prose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .checks import Number, statements
from .template import PROSE_CELLS, PROSE_IN_YUAN, yuan_in_wan


@dataclass(frozen=True, slots=True)
class Fact:
    """One number the overview states for a section 二 cell: the rule that read it, the columns it may be
    (any of them), its value in the record's unit, and the clause it was read from, as printed."""

    rule: str
    columns: tuple[str, ...]
    value: Number
    quote: str


def prose_facts(text: str | None) -> dict[str, tuple[Fact, ...]]:
    """Section 二 item → the facts the overview ``text`` states about it, each unambiguous (one number)."""
    if not text:
        return {}
    said = statements(text)
    facts: dict[str, list[Fact]] = defaultdict(list)
    for rule, (item, columns) in PROSE_CELLS.items():
        found = said.get(rule, ())
        if len({number for number, _ in found}) != 1:
            continue  # none, or different numbers for one measure: no witness
        number, quote = found[0]
        value = yuan_in_wan(number) if rule in PROSE_IN_YUAN else number
        facts[item].append(Fact(rule=rule, columns=columns, value=value, quote=quote))
    return {item: tuple(found) for item, found in facts.items()}


@dataclass(frozen=True, slots=True)
class Narrowed:
    """What the facts make of a row's readings: the indices of the readings kept (all of them when no fact
    speaks to the row's columns), the facts that removed some, and the facts no reading agrees with."""

    kept: tuple[int, ...]
    used: tuple[Fact, ...] = ()
    disagreeing: tuple[Fact, ...] = ()


def narrow(columns: Sequence[str], readings: Sequence[Sequence[Number]], facts: Sequence[Fact]) -> Narrowed:
    """The readings of a row (each in the record's units, one value per column) that every fact agrees with.

    A fact agrees with a reading when one of the columns it may be holds its value. When a fact agrees
    with no reading, or the facts together with none, nothing is narrowed: the prose and the digits
    disagree, and neither is taken over the other.
    """
    everything = tuple(range(len(readings)))
    kept = set(everything)
    used: list[Fact] = []
    disagreeing: list[Fact] = []
    for fact in facts:
        slots = [n for n, column in enumerate(columns) if column in fact.columns]
        if not slots:
            continue
        agreeing = {k for k, reading in enumerate(readings) if any(reading[n] == fact.value for n in slots)}
        if not agreeing:
            disagreeing.append(fact)
        elif agreeing != set(everything):
            used.append(fact)
            kept &= agreeing
    if disagreeing or not kept:
        return Narrowed(kept=everything, disagreeing=tuple(disagreeing) or tuple(used))
    return Narrowed(kept=tuple(sorted(kept)), used=tuple(used))


def quoted(facts: Sequence[Fact]) -> str:
    """Facts for an issue message: ``'制定规范性文件15件' (prose rule normative_documents.issued)``."""
    return "; ".join(f"{fact.quote!r} (prose rule {fact.rule})" for fact in facts)

