"""The agreement rule: a row printed with too many or too few values, read every way it can be read.

A row of ``w`` columns printed with ``n`` values cannot be aligned by position.
But it can often be aligned by arithmetic: list every reading, keep those the
template's cross-checks allow, and if all of them give the same numbers, those
are the document's numbers whichever reading is right.

- ``n > w`` (a short row's surplus, a stray cell): a reading drops ``n - w``
  of the printed values, keeping the order of the rest.
- ``n < w`` (a cell left out): a reading puts the printed values, in order,
  into ``n`` of the ``w`` slots; each empty slot is solved from the row's sum
  checks (a total is the sum of its parts; a part is the total less the other
  parts; parts that sum to 0 are all 0 since counts are never negative). A
  slot no check fixes leaves the reading undetermined, and then nothing is taken.

A reading the checks contradict (a sum that does not hold, a count below 0) is
no reading. The row is filled only when at least one reading is left, none is
undetermined, and all give the same numbers; otherwise the caller keeps its
nulls and its error. Nothing is guessed: this is the glued-text splitter's
principle (one answer or none) applied to alignment.

This module knows no template: the caller says which slots sum to which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from math import comb

Number = int | float

#: A row whose readings exceed this many is not read (the count grows combinatorially).
MAX_READINGS = 2000
#: At most this many values too many or too few.
MAX_GAP = 3


@dataclass(frozen=True, slots=True)
class Sums:
    """The arithmetic a row must keep: ``sum(values[parts]) == values[total]`` for each equation."""

    equations: tuple[tuple[tuple[int, ...], int], ...] = ()
    #: Slots that may be negative (本年增/减); every other slot is a count or an amount, never below 0.
    signed: frozenset[int] = field(default_factory=frozenset)
    #: Slots that must be whole numbers.
    whole: frozenset[int] = field(default_factory=frozenset)

    def holds(self, values: Sequence[Number]) -> bool:
        """Whether a complete row keeps every equation, sign and wholeness."""
        for index, value in enumerate(values):
            if (value < 0 and index not in self.signed) or (index in self.whole and value != int(value)):
                return False
        return all(abs(sum(values[p] for p in parts) - values[total]) < 1e-6 for parts, total in self.equations)

    def solve(self, values: list[Number | None]) -> list[Number] | None:
        """Fill the ``None`` slots from the equations; ``None`` when some slot stays free."""
        values = list(values)
        progress = True
        while progress and None in values:
            progress = False
            for parts, total in self.equations:
                unknown = [p for p in parts if values[p] is None]
                known = sum(values[p] for p in parts if values[p] is not None)  # type: ignore[misc]
                if values[total] is None:
                    if not unknown:
                        values[total] = known
                        progress = True
                    continue
                rest = values[total] - known  # type: ignore[operator]
                if len(unknown) == 1:
                    values[unknown[0]] = rest
                    progress = True
                elif unknown and rest == 0 and not any(p in self.signed for p in unknown):
                    for p in unknown:
                        values[p] = 0
                    progress = True
        if None in values:
            return None
        return values  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Agreement:
    """The numbers every reading gave, and how many readings the checks left."""

    values: tuple[Number, ...]
    readings: int
    tried: int


class _Undetermined(Exception):
    pass


def agree(printed: Sequence[Number], width: int, sums: Sums) -> Agreement | None:
    """The numbers every allowed reading of ``printed`` as ``width`` columns gives, or ``None``.

    ``None`` when the row is not short or long by 1 to ``MAX_GAP``, when it has
    more than ``MAX_READINGS`` readings, when no reading keeps the checks, when
    some reading leaves a slot free, or when two readings differ.
    """
    found = readings(printed, width, sums)
    if found is None:
        return None
    allowed, tried = found
    if not allowed or any(r != allowed[0] for r in allowed):
        return None
    return Agreement(values=allowed[0], readings=len(allowed), tried=tried)


def readings(printed: Sequence[Number], width: int, sums: Sums) -> tuple[list[tuple[Number, ...]], int] | None:
    """The readings of ``printed`` as ``width`` columns that ``sums`` allow, and how many were tried.

    ``None`` when they cannot all be listed: the row is not short or long by 1
    to ``MAX_GAP``, it has more than ``MAX_READINGS`` readings, or some reading
    leaves a slot free. An empty list: every reading is contradicted. For a
    caller that pools the readings of several printings (a glued run cut
    several ways) before asking whether they agree.
    """
    n = len(printed)
    gap = abs(n - width)
    if not 0 < gap <= MAX_GAP or n == 0 or comb(max(n, width), gap) > MAX_READINGS:
        return None
    try:
        every = list(_readings(list(printed), width, sums))
    except _Undetermined:
        return None
    return [tuple(r) for r in every if r is not None], len(every)


def _readings(printed: list[Number], width: int, sums: Sums):
    """Each reading: a complete row the checks allow, or ``None`` for one they contradict."""
    n = len(printed)
    if n > width:
        for dropped in combinations(range(n), n - width):
            row = [v for i, v in enumerate(printed) if i not in dropped]
            yield row if sums.holds(row) else None
        return
    for empty in combinations(range(width), width - n):
        values = iter(printed)
        row: list[Number | None] = [None if i in empty else next(values) for i in range(width)]
        # a reading whose printed values already break a complete equation is contradicted before solving
        solved = sums.solve(row)
        if solved is None:
            if contradicted(row, sums):
                yield None
                continue
            raise _Undetermined
        yield solved if sums.holds(solved) else None


def contradicted(row: list[Number | None], sums: Sums) -> bool:
    """Whether the printed values of a partial row already break a sign or a fully printed equation."""
    for index, value in enumerate(row):
        if value is not None and value < 0 and index not in sums.signed:
            return True
    for parts, total in sums.equations:
        slots = (*parts, total)
        if all(row[s] is not None for s in slots):
            if abs(sum(row[p] for p in parts) - row[total]) >= 1e-6:  # type: ignore[misc]
                return True
        elif (row[total] is not None and not any(p in sums.signed for p in parts)
              and sum(row[p] for p in parts if row[p] is not None) > row[total]):  # type: ignore[misc,operator]
            return True  # the parts printed already exceed the total: no count below 0 can close it
    return False
