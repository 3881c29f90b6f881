"""What a record says beyond its numbers: the report's timeliness and the derived measures.

Both are computed once per record, after the extractors and before the checks
(:func:`derive`), from the record alone. The definitions, with their formulas and
sources, are in ``docs/checks.md`` ("Timeliness", "Derived measures").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .agency import Aliases, agency_key
from .errors import NianbaoError
from .record import Issue, warning
from .template import DEADLINES, GOVERNMENT_SHORT, PLACE_SUFFIXES, TOWNSHIP_SUFFIXES

#: Levels of a body for 条例第四十九条.
DEPARTMENT, GOVERNMENT, TOWNSHIP = "department", "government", "township"
ON_TIME, LATE, UNKNOWN = "on_time", "late", "unknown"
MEASURES: tuple[str, ...] = ("granted_share", "review_correction_rate", "litigation_lost_share",
                             "applications_per_10k")


def level_of(agency: str | None) -> str | None:
    """The body's level, from its name: a township (乡/镇政府, 街道办事处), a local government, or a department.

    A government is a name ending in 政府 or 人民政府 (``XX县人民政府``) or in a place (``平潭综合实验区``,
    ``上海市``: a report titled with a place is its government's); everything else
    (``XX局``, ``XX市人民政府办公室``, ``XX管理委员会``) is a department. ``None`` without a name.
    """
    key = agency_key(agency)
    if key is None:
        return None
    if key.endswith(TOWNSHIP_SUFFIXES):
        return TOWNSHIP
    if key.endswith(GOVERNMENT_SHORT) or key.endswith(PLACE_SUFFIXES):
        return GOVERNMENT
    return DEPARTMENT


def timeliness_of(record: Mapping[str, Any]) -> dict[str, Any]:
    """Published (else signed) against 条例第四十九条's deadline for the body's level.

    ``status`` is ``on_time``, ``late`` or ``unknown`` (no year, no date, or a township, for
    which article 49 sets no date); ``days_late`` counts days after the deadline.
    """
    level = level_of(record.get("agency"))
    year = record.get("year")
    deadline = None
    if level in DEADLINES and isinstance(year, int):
        month, day = DEADLINES[level]
        deadline = dt.date(year + 1, month, day)
    basis = "published" if record.get("published") else "signed" if record.get("signed") else None
    date = dt.date.fromisoformat(record[basis]) if basis else None
    status, late = UNKNOWN, None
    if deadline is not None and date is not None:
        late = max((date - deadline).days, 0)
        status = LATE if late else ON_TIME
    return {"status": status, "level": level, "deadline": deadline.isoformat() if deadline else None,
            "basis": basis, "date": date.isoformat() if date else None, "days_late": late}


def _cell(record: Mapping[str, Any], section: str, row: str, column: str) -> Any:
    return ((record.get(section) or {}).get(row) or {}).get(column)


def _share(part: Any, whole: Any) -> float | None:
    """``part / whole`` rounded to 6 places; ``None`` when either is missing or the whole is 0."""
    if part is None or whole is None or whole == 0:
        return None
    return round(part / whole, 6)


def _sum(*values: Any) -> Any:
    return None if None in values else sum(values)


def measures_of(record: Mapping[str, Any], population: float | None = None) -> dict[str, float | None]:
    """The derived measures of one record (``docs/checks.md`` defines each)."""
    app = "applications"
    granted = _sum(_cell(record, app, "granted", "total"), _cell(record, app, "partially_granted", "total"))
    litigation = ("litigation_direct", "litigation_after_review")
    lost = _sum(*(_cell(record, "review_litigation", g, "corrected") for g in litigation))
    suits = _sum(*(_cell(record, "review_litigation", g, "total") for g in litigation))
    new = _cell(record, app, "new_received", "total")
    return {
        "granted_share": _share(granted, _cell(record, app, "total_handled", "total")),
        "review_correction_rate": _share(_cell(record, "review_litigation", "review", "corrected"),
                                         _cell(record, "review_litigation", "review", "total")),
        "litigation_lost_share": _share(lost, suits),
        "applications_per_10k": _share(new * 10000 if new is not None else None, population),
    }


def derive(record: dict[str, Any]) -> list[Issue]:
    """Set ``timeliness`` and ``measures`` on a record; a late report's warning."""
    record["timeliness"] = timing = timeliness_of(record)
    record["measures"] = measures_of(record)
    if timing["status"] == LATE:
        body = "a local government's" if timing["level"] == GOVERNMENT else "a department's"
        return [warning("timeliness.late", f"{timing['basis']} {timing['date']}, {timing['days_late']} days after "
                        f"{timing['deadline']}, {body} deadline under 条例第四十九条", timing["basis"])]
    return []


class PopulationError(NianbaoError):
    """The population file cannot be used: unreadable, or a row that is not ``name,population[,year]``."""

    stage = "population"


@dataclass(frozen=True)
class Populations:
    """A user's population table: ``(agency key, year or None) → persons``, for ``applications_per_10k``.

    A CSV of ``name,population[,year]`` rows (population in persons; a row without a year
    holds for every year; a header row starting ``name`` and ``#`` comments are skipped).
    Names go through :func:`~nianbao.agency.agency_key` and the alias file, as the reports' do.
    """

    table: Mapping[tuple[str, int | None], float] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str, *, uri: str = "<population>", aliases: Aliases | None = None) -> Populations:
        table: dict[tuple[str, int | None], float] = {}
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            cells = [cell.strip() for cell in row]
            if not any(cells) or cells[0].startswith("#") or (number == 1 and cells[0].casefold() == "name"):
                continue
            resolved = (aliases or Aliases()).resolve(cells[0])
            try:
                if resolved is None or len(cells) not in (2, 3):
                    raise ValueError("expected `name,population` or `name,population,year`")
                population = float(cells[1].replace(",", ""))
                year = int(cells[2]) if len(cells) == 3 and cells[2] else None
                if not population > 0:
                    raise ValueError("the population must be a positive number")
            except ValueError as exc:
                raise PopulationError(f"line {number}: {exc}: {row!r}", uri=uri) from exc
            table[(resolved[0], year)] = population
        return cls(table)

    @classmethod
    def load(cls, path: str, aliases: Aliases | None = None) -> Populations:
        try:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise PopulationError(f"cannot read the population file: {exc}", uri=path) from exc
        return cls.parse(text, uri=path, aliases=aliases)

    def of(self, name: str | None, year: int | None, aliases: Aliases | None = None) -> float | None:
        """The population of a body in a year (its own year's row, else its row without a year)."""
        resolved = (aliases or Aliases()).resolve(name)
        if resolved is None:
            return None
        found = self.table.get((resolved[0], year))
        return found if found is not None else self.table.get((resolved[0], None))

    def apply(self, record: dict[str, Any], aliases: Aliases | None = None) -> None:
        """Fill ``measures.applications_per_10k`` of a record whose body has a population."""
        population = self.of(record.get("agency"), record.get("year"), aliases)
        if population is not None and isinstance(record.get("measures"), dict):
            record["measures"]["applications_per_10k"] = measures_of(record, population)["applications_per_10k"]
