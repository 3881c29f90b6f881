"""Traditional-character (繁體) material, made with OpenCC's dictionaries (the ``opencc`` package nianbao depends on).

``python -m tests.make_traditional`` prints :data:`nianbao.template.TRADITIONAL` as it should be and
rewrites ``tests/data/traditional/`` (see ``tests/data/SOURCES.md``). The tests call the same
functions, so the committed table and file can be neither hand-edited nor stale.

* :func:`traditional_pairs`: for every character the template's words use, each traditional form
  that OpenCC maps to it (OpenCC's standard forms, ``TSCharacters``, and the Taiwan and Hong Kong
  variants of those, ``TWVariantsRev``/``HKVariantsRev``).
* :func:`big5_report`: a seed report in Taiwan traditional characters (OpenCC ``s2tw``), in Big5.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "samples" / "004_2dfc536c7b58f7e3.txt"
BIG5_REPORT = REPO / "tests" / "data" / "traditional" / "004_2dfc536c7b58f7e3.big5.txt"


@functools.cache
def _dictionary_text(name: str) -> str:
    """One of OpenCC's dictionaries as text: the package ships them compiled (``.ocd2``), with ``opencc_dict``."""
    import opencc

    clib = Path(opencc.__file__).parent / "clib"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.txt"
        subprocess.run([clib / "bin" / "opencc_dict", "-i", clib / "share" / "opencc" / f"{name}.ocd2",
                        "-o", out, "-f", "ocd2", "-t", "text"], check=True, capture_output=True)
        return out.read_text(encoding="utf-8")


def _dictionary(name: str, *, phrases: bool = False) -> Iterator[tuple[str, str]]:
    """``(from, first to)`` pairs of one OpenCC dictionary: single characters, or phrases too."""
    for line in _dictionary_text(name).splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0]
        if (phrases or len(source) == len(target) == 1) and source != target:
            yield source, target


def _strings(value: Any, seen: set[int]) -> Iterator[str]:
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, str):
        yield value
    elif isinstance(value, re.Pattern):
        yield value.pattern
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key, seen)
            yield from _strings(item, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name), seen)


def _derived(name: str) -> bool:
    """Module data made from the table itself (the table, its reverse, words with their traditional spellings)."""
    return "TRADITIONAL" in name or name.endswith("_SPELLED")


def _template_strings() -> list[str]:
    """Every string in the module-level data of :mod:`nianbao.template` (regular expressions included)."""
    from nianbao import template

    seen: set[int] = set()
    return [text for name, value in vars(template).items()
            if not name.startswith("__") and not _derived(name) and not callable(value)
            for text in _strings(value, seen)]


def template_characters() -> set[str]:
    """Every CJK character in the words of :mod:`nianbao.template`."""
    return {ch for text in _template_strings() for ch in text if "\u4e00" <= ch <= "\u9fff"}


def traditional_pairs() -> dict[str, str]:
    """Traditional character → the simplified character of the template's words, sorted by code point."""
    to_simplified = dict(_dictionary("TSCharacters"))
    used = template_characters()
    pairs = {t: s for t, s in to_simplified.items() if s in used}
    words = _template_strings()
    for phrase, target in _dictionary("TSPhrases", phrases=True):  # 反覆 → 反复: 覆 is a 复 only in phrases
        if len(phrase) == len(target) and any(target in text for text in words):
            for t, s in zip(phrase, target, strict=True):
                if t != s and s in used and t not in used:
                    pairs.setdefault(t, s)
    for name in ("TWVariantsRev", "HKVariantsRev"):
        for variant, standard in _dictionary(name):
            simplified = to_simplified.get(standard, standard)
            if simplified in used and variant not in used:
                pairs.setdefault(variant, simplified)
    return dict(sorted(pairs.items()))


def big5_report() -> bytes:
    """The seed report converted to Taiwan traditional characters by OpenCC (``s2tw``), encoded as Big5."""
    import opencc

    return opencc.OpenCC("s2tw").convert(SEED.read_text(encoding="utf-8")).encode("big5")


def table_source(pairs: dict[str, str], width: int = 50) -> str:
    """The ``TRADITIONAL = str.maketrans(…)`` statement for ``pairs``, in lines of ``width`` characters."""

    def lines(text: str) -> str:
        return "".join(f'    "{text[i:i + width]}"\n' for i in range(0, len(text), width))

    return f"TRADITIONAL = str.maketrans(\n{lines(''.join(pairs))[:-1]},\n{lines(''.join(pairs.values()))[:-1]},\n)"


if __name__ == "__main__":
    print(table_source(traditional_pairs()))
    BIG5_REPORT.parent.mkdir(parents=True, exist_ok=True)
    BIG5_REPORT.write_bytes(big5_report())
    print(f"wrote {BIG5_REPORT.relative_to(REPO)}")
