"""A nianbao extractor plugin: how many items the report says it disclosed proactively.

Section 一 (总体情况) usually states the year's total in words, before the tables
break it down: ``主动公开各类信息523条``, ``全年主动公开政府信息5500余条``,
``主动公开政府信息1.2万条``. This plugin adds one key to the record::

    "disclosed": {"count": 523, "approximate": false, "quote": "主动公开各类信息523条"}

``approximate`` is true for ``余``/``多`` ("more than") and for counts in 万.
When the overview states no such number the key is ``null`` with a warning
issue ``disclosed.not_found``; a document in which no section heading was found
at all is searched whole. A figure inside brackets is part of a breakdown
(``（其中……其他应主动公开政府信息856条）``), not the total, and is skipped.

It shows the two things an extractor plugin needs: an
:class:`~nianbao.extract.Extractor` subclass, and a ``register_extractors``
hook that the ``nianbao`` entry point of this package's ``pyproject.toml`` names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from nianbao import Extraction, Extractor, hookimpl
from nianbao.document import Document
from nianbao.outline import Outline, texts_of
from nianbao.record import warning

__version__ = "0.1.0"
__all__ = ["KEY", "DisclosedCountExtractor", "find_disclosed", "register_extractors"]

#: The record key this plugin adds.
KEY = "disclosed"
#: 主动公开, then up to 40 characters within the clause (no 。；), a number, maybe 万 and 余/多, then 条.
STATED = re.compile(
    r"主动公开[^。；;！!？?]{0,40}?(?<![\d.])(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<wan>万)?\s*(?P<more>[余多])?\s*条"
)
_OPEN, _CLOSE = "(（[【〔", ")）]】〕"


def find_disclosed(text: str) -> dict[str, Any] | None:
    """The first count of proactively disclosed items stated outside brackets in ``text``, or ``None``."""
    text = unicodedata.normalize("NFKC", text)  # full-width digits and brackets → ASCII
    for match in STATED.finditer(text):
        before = text[: match.start()]
        if sum(before.count(c) for c in _OPEN) > sum(before.count(c) for c in _CLOSE):
            continue  # inside a bracketed breakdown
        number = float(match["number"].replace(",", ""))
        if match["wan"]:
            number *= 10000
        return {
            "count": round(number),
            "approximate": bool(match["more"] or match["wan"]),
            "quote": match.group(0),
        }
    return None


class DisclosedCountExtractor(Extractor):
    """Adds ``disclosed`` from the prose of section 一 (总体情况)."""

    name = "disclosed_count"
    priority = 10  # after the built-ins; it reads only the overview, so order does not matter

    def extract(self, document: Document, outline: Outline) -> Extraction:
        """Search the overview's paragraphs in order; the first stated count wins.

        A document whose headings were not found (a crawler's one-line text) is
        searched whole: its overview comes first anyway.
        """
        section = outline.sections.get("overview")
        if section is not None:
            blocks = section.blocks
        elif not outline.sections:
            blocks = document.blocks
        else:
            blocks = ()  # the report has sections, but no overview
        for text in texts_of(blocks):
            found = find_disclosed(text)
            if found is not None:
                return Extraction(fields={KEY: found})
        issue = warning("disclosed.not_found", "the overview (总体情况) states no number of items "
                        "proactively disclosed (主动公开…N条)", KEY)
        return Extraction(fields={KEY: None}, issues=[issue])


@hookimpl
def register_extractors(register: Callable[[Extractor], None]) -> None:
    """Contribute the extractor."""
    register(DisclosedCountExtractor())
