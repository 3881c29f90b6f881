"""Agency identity: which reports come from the same body, across years and spellings.

:func:`agency_key` folds the ways one body's name is printed into one key, and
nothing more: it never drops a word that could name another body. It folds

* full-width and half-width forms, compatibility characters (Unicode NFKC);
* traditional characters into simplified ones (OpenCC's ``t2s``);
* whitespace, punctuation and brackets (only letters, digits and CJK are kept);
* ``人民政府`` into ``政府`` wherever it stands in the name, since both styles name
  one government: ``XX区人民政府`` = ``XX区政府`` and ``XX区人民政府办公室`` =
  ``XX区政府办公室``, but ``XX区人民政府办公室`` stays apart from ``XX区人民政府``;
* a place's government into the place, at the end of the name only: a report titled
  ``沭阳县2021年政府信息公开工作年度报告`` is 沭阳县人民政府's (``沭阳县人民政府`` =
  ``沭阳县政府`` = ``沭阳县``, while ``沭阳县人民政府办公室`` keeps its 政府).

Names rules cannot join (``淄博市工信局`` for ``淄博市工业和信息化局``) are joined by
a user's alias file (:class:`Aliases`, ``nianbao run --agency-aliases``): a CSV of
``name,canonical`` rows.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .errors import NianbaoError
from .template import GOVERNMENT_FULL, GOVERNMENT_SHORT, PLACE_SUFFIXES


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


#: Agency names :func:`agency_key` keeps: a worker meets about one new name a report, so the cache grows with
#: the reports it has read up to its size (65,536 names were about 10 MB of a worker or of the page's process).
AGENCY_CACHE_SIZE = 8192


@lru_cache(maxsize=AGENCY_CACHE_SIZE)
def agency_key(name: str | None) -> str | None:
    """The comparable key of an agency name, or ``None`` for no name.

    >>> agency_key("淄博市 工业和信息化局") == agency_key("淄博市工業和信息化局")
    True
    >>> agency_key("ＸＸ区人民政府") == agency_key("XX区政府") != agency_key("XX区人民政府办公室")
    True
    """
    if not name:
        return None
    text = _t2s().convert(unicodedata.normalize("NFKC", name))
    text = "".join(ch for ch in text if ch.isalnum()).casefold().replace(GOVERNMENT_FULL, GOVERNMENT_SHORT)
    if text.endswith(GOVERNMENT_SHORT) and text[:-len(GOVERNMENT_SHORT)].endswith(PLACE_SUFFIXES):
        text = text[:-len(GOVERNMENT_SHORT)]  # a place's government is the place: 沭阳县人民政府 = 沭阳县
    return text or None


class AliasError(NianbaoError):
    """The alias file cannot be used: unreadable, a malformed row, or aliases that go round in a circle."""

    stage = "aliases"


@dataclass(frozen=True)
class Aliases:
    """The user's alias table: the key of a name → the key and printed form of its canonical name."""

    targets: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str, *, uri: str = "<aliases>") -> Aliases:
        """Read ``name,canonical`` rows (a header row ``name,canonical`` and ``#`` comments are skipped).

        Chains (``a → b``, ``b → c``) resolve to their end; a circle or a name given two
        canonical names is an :class:`AliasError` naming the file and line.
        """
        direct: dict[str, tuple[str, str, int]] = {}
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            cells = [cell.strip() for cell in row]
            if not cells or not any(cells) or cells[0].startswith("#"):
                continue
            if len(cells) != 2 or not all(cells):
                raise AliasError(f"line {number}: expected two names, `name,canonical`, not {row!r}", uri=uri)
            if number == 1 and [c.casefold() for c in cells] == ["name", "canonical"]:
                continue
            name, canonical = (agency_key(cell) for cell in cells)
            if name is None or canonical is None:
                raise AliasError(f"line {number}: a name without letters or characters: {row!r}", uri=uri)
            if name == canonical:
                continue
            if name in direct and direct[name][0] != canonical:
                raise AliasError(f"line {number}: {cells[0]!r} already has the canonical name "
                                 f"{direct[name][1]!r} (line {direct[name][2]})", uri=uri)
            direct[name] = (canonical, cells[1], number)
        targets: dict[str, tuple[str, str]] = {}
        for name in direct:
            seen = {name}
            key, display, number = direct[name]
            while key in direct:
                if key in seen:
                    raise AliasError(f"line {number}: the aliases of {display!r} go round in a circle", uri=uri)
                seen.add(key)
                key, display, number = direct[key]
            targets[name] = (key, display)
        return cls(targets)

    @classmethod
    def load(cls, path: str) -> Aliases:
        """The alias file at ``path`` (UTF-8, with or without a BOM)."""
        try:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise AliasError(f"cannot read the alias file: {exc}", uri=path) from exc
        return cls.parse(text, uri=path)

    def resolve(self, name: str | None) -> tuple[str, str | None] | None:
        """``(key, canonical name or None)`` of a printed name; ``None`` when the name is empty."""
        key = agency_key(name)
        if key is None:
            return None
        target = self.targets.get(key)
        return target if target is not None else (key, None)


def display_name(names: Iterable[tuple[str, int | None]]) -> str:
    """The name to show for one key: the most printed, then the latest year's, then the first in code order.

    ``names`` are ``(printed name, year)`` pairs of the key's reports; the choice does
    not depend on their order, so every runner shows the same name.
    """
    pairs = list(names)
    counts = Counter(name for name, _ in pairs)
    latest: dict[str, int] = {}
    for name, year in pairs:
        latest[name] = max(latest.get(name, -1), year if year is not None else -1)
    return min(counts, key=lambda name: (-counts[name], -latest[name], name))
