"""Safety limits and the per-document time budget: one bad file never stops, hangs or floods a worker.

:class:`Limits` bounds what one document may cost. :func:`~nianbao.parse.process_bytes`
applies them:

- ``max_input_bytes`` is checked first, before any reader sees the bytes
  (:class:`~nianbao.errors.InputTooLargeError`, stage ``detect``);
- ``max_blocks`` (paragraphs plus table cells) and ``max_text_chars`` (one
  paragraph or one cell: an "extremely long line") are checked on the read
  Document, and by the text readers before they split a text into lines;
  ``max_elements`` by the HTML and DOCX readers before lxml parses the markup
  (all :class:`~nianbao.errors.DocumentLimitError`, stage ``read``);
- ``time_budget`` is a cooperative deadline. ``process_bytes`` opens a
  :class:`Budget` for the document in a :mod:`contextvars` variable and the
  loops nianbao owns call :func:`check_deadline` (the fitter's walk, the glued
  splitter, the readers' block loops, stage boundaries), which raises
  :class:`~nianbao.errors.TimeBudgetError` naming the stage once the budget is
  spent. No signal or thread is involved, so it works in any thread of any Beam
  worker; a context variable is private to the thread (and task) that set it.
  The budget is CPU time of the thread doing the work (:func:`time.thread_time`),
  not wall-clock time: a Beam worker runs several threads under one GIL, and on
  a busy machine wall time would dead-letter good documents, while a
  pathological one burns CPU wherever it runs. Time spent inside one C call
  (lxml parsing a page, a regex over a paragraph) cannot be interrupted: the
  size limits above bound it, so a document overruns its budget by at most one
  such call.

Every message names the limit that tripped and how to raise it. Defaults can be
changed per process with environment variables (``NIANBAO_MAX_INPUT_BYTES``,
``NIANBAO_MAX_BLOCKS``, ``NIANBAO_MAX_TEXT_CHARS``, ``NIANBAO_MAX_ELEMENTS``, ``NIANBAO_TIME_BUDGET``;
read by :meth:`Limits.from_env`, which ``process_bytes`` uses when given no
``limits``) or per call with ``process_bytes(..., limits=Limits(...))``. The
DOCX reader's zip limits (entries, inflated size, ratio) are its own, on
``DocxReader``.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from time import thread_time
from typing import Any

from .document import Document, Table
from .errors import DocumentLimitError, InputTooLargeError, TimeBudgetError
from .record import Issue

MIB = 1024 * 1024

#: Environment variable → :class:`Limits` field.
ENV_VARS = {
    "NIANBAO_MAX_INPUT_BYTES": "max_input_bytes",
    "NIANBAO_MAX_BLOCKS": "max_blocks",
    "NIANBAO_MAX_TEXT_CHARS": "max_text_chars",
    "NIANBAO_MAX_ELEMENTS": "max_elements",
    "NIANBAO_TIME_BUDGET": "time_budget",
}
_ENV_OF = {field: name for name, field in ENV_VARS.items()}


@dataclass(frozen=True, kw_only=True, slots=True)
class Limits:
    """What one document may cost; ``0`` turns a limit off.

    The defaults are far above any real report (a report is tens of kilobytes
    to a few megabytes, a few thousand blocks, lines of at most a few thousand
    characters, and parses in well under a second).
    """

    #: Largest input accepted, in bytes.
    max_input_bytes: int = 50 * MIB
    #: Most blocks in a read document: paragraphs plus table cells (text lines, for the text readers).
    max_blocks: int = 200_000
    #: Longest paragraph or table cell, in characters (a line of a text file).
    max_text_chars: int = 1_000_000
    #: Most markup tags (``<``) in an HTML page or a DOCX's ``word/document.xml``, counted before parsing:
    #: lxml's tree costs about 300 bytes an element, so this bounds the parse's memory (~150 MB) and time.
    max_elements: int = 500_000
    #: CPU seconds one document may take from bytes to record (of the thread processing it).
    time_budget: float = 10.0

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, int | float) or isinstance(value, bool) or math.isnan(value) or value < 0:
                raise ValueError(f"Limits.{field.name} must be a number >= 0 (0 turns it off), not {value!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, overridden by ``NIANBAO_MAX_INPUT_BYTES`` and the other variables of ``ENV_VARS``.

        A malformed value is a configuration mistake, so it raises
        ``ValueError`` naming the variable rather than being ignored.
        """
        environ = os.environ if environ is None else environ
        changes: dict[str, float] = {}
        for name, field in ENV_VARS.items():
            raw = environ.get(name, "").strip()
            if not raw:
                continue
            try:
                changes[field] = float(raw) if field == "time_budget" else int(raw.replace("_", ""))
            except ValueError:
                raise ValueError(f"{name}={raw!r} is not a number (0 turns the limit off)") from None
        return cls(**changes) if changes else DEFAULT_LIMITS

    @staticmethod
    def how_to_raise(field: str) -> str:
        """The fix-it part of a limit's message."""
        return (f"raise it with {_ENV_OF[field]}=… (0 turns it off) or process_bytes(…, "
                f"limits=Limits({field}=…)), only for files you trust")


DEFAULT_LIMITS = Limits()


# --------------------------------------------------------------------------
# The budget of the document being processed
# --------------------------------------------------------------------------


class Budget:
    """The limits and the deadline of one document, and the stage it is in.

    ``stage`` (``read``, ``extract``) and ``where`` (the reader or extractor
    running) are set by the parse entry point and named in the error.
    """

    __slots__ = ("expires", "limits", "stage", "started", "uri", "where")

    def __init__(self, limits: Limits, uri: str | None = None) -> None:
        self.limits = limits
        self.started = thread_time()
        self.expires = self.started + limits.time_budget if limits.time_budget else float("inf")
        self.stage = "read"
        self.where = ""
        self.uri = uri

    def enter(self, stage: str, where: str = "") -> None:
        """Record that processing moved on to ``stage`` (in reader or extractor ``where``)."""
        self.stage, self.where = stage, where

    def elapsed(self) -> float:
        """CPU seconds this thread has spent on the document so far."""
        return thread_time() - self.started

    def check(self) -> None:
        """Raise :class:`TimeBudgetError` if the deadline has passed."""
        if thread_time() > self.expires:
            self.expired()

    def expired(self) -> None:
        """Raise the :class:`TimeBudgetError` of this budget."""
        where = f" ({self.where})" if self.where else ""
        raise TimeBudgetError(
            f"time budget of {self.limits.time_budget:g} s exceeded in stage {self.stage}{where} after "
            f"{self.elapsed():.1f} s of CPU time: a pathological document; "
            f"{Limits.how_to_raise('time_budget')}",
            stage=self.stage, uri=self.uri)


_CURRENT: ContextVar[Budget | None] = ContextVar("nianbao_budget", default=None)


@contextmanager
def document_budget(limits: Limits, uri: str | None = None) -> Iterator[Budget]:
    """Open the budget of one document for the block: :func:`check_deadline` inside it sees it."""
    budget = Budget(limits, uri)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def current_budget() -> Budget | None:
    """The budget of the document being processed in this thread or task, if any."""
    return _CURRENT.get()


def current_limits() -> Limits:
    """The limits of the document being processed, else the process defaults."""
    budget = _CURRENT.get()
    return budget.limits if budget is not None else Limits.from_env()


def check_deadline() -> None:
    """Raise :class:`TimeBudgetError` if the current document's time budget is spent; cheap enough for loops."""
    budget = _CURRENT.get()
    if budget is not None and thread_time() > budget.expires:
        budget.expired()


# --------------------------------------------------------------------------
# Size checks
# --------------------------------------------------------------------------


def check_input_size(size: int, limits: Limits) -> None:
    """Refuse an input over ``max_input_bytes`` before any reader sees it."""
    limit = limits.max_input_bytes
    if limit and size > limit:
        raise InputTooLargeError(f"the file is {size:,} bytes, over the limit of {limit:,} bytes "
                                 f"({limit / MIB:g} MiB, Limits.max_input_bytes); no report is that large: "
                                 f"{Limits.how_to_raise('max_input_bytes')}")


def check_line_count(lines: int, limits: Limits | None = None) -> None:
    """Refuse a text of more lines than ``max_blocks``, before it is split into them."""
    limits = limits or current_limits()
    if limits.max_blocks and lines > limits.max_blocks:
        raise DocumentLimitError(f"the text has {lines:,} lines, over the limit of {limits.max_blocks:,} "
                                 f"blocks (Limits.max_blocks; a report has a few thousand): "
                                 f"{Limits.how_to_raise('max_blocks')}")


def check_element_count(count: int, what: str = "the markup", limits: Limits | None = None) -> None:
    """Refuse markup of more than ``max_elements`` tags before it is parsed (``count``: its ``<`` characters).

    Called by the HTML and DOCX readers: an lxml tree is built whole before
    anything can check a deadline, so its size is bounded up front instead.
    """
    limits = limits or current_limits()
    if limits.max_elements and count > limits.max_elements:
        raise DocumentLimitError(f"{what} has {count:,} tags, over the limit of {limits.max_elements:,} "
                                 f"(Limits.max_elements; a report has a few thousand): parsed, it would take "
                                 f"gigabytes of memory; {Limits.how_to_raise('max_elements')}")


def _texts(document: Document) -> Iterator[str]:
    for block in document.blocks:
        if isinstance(block, Table):
            for cell in block.cells():
                yield cell.text
        else:
            yield block.text


_text_of = attrgetter("text")


def check_document(document: Document, limits: Limits | None = None) -> int:
    """Refuse a read document of more than ``max_blocks`` paragraphs and cells, or with one over ``max_text_chars``.

    Runs before any extractor: the template's regular expressions and label
    lookups then never see a paragraph longer than the limit. Returns the
    length of the longest text (see :func:`forget_long_texts`).

    The count and the longest text are found a block at a time, a table's cells
    in C (``map``, ``max``); only a document over a limit is walked text by text,
    by :func:`_refuse`, for the error naming the first text over it.
    """
    limits = limits or current_limits()
    if not any(issubclass(kind, Table) for kind in set(map(type, document.blocks))):  # paragraphs only
        blocks = len(document.blocks)
        longest = max(map(len, map(_text_of, document.blocks)), default=0)
    else:
        blocks = longest = 0
        for index, block in enumerate(document.blocks, 1):
            if isinstance(block, Table):
                cells = [*block.cells()]
                blocks += len(cells)
                if cells:
                    longest = max(longest, *map(len, map(_text_of, cells)))
            else:
                blocks += 1
                longest = max(longest, len(block.text))
            if not index & 4095:
                check_deadline()
    if (limits.max_text_chars and longest > limits.max_text_chars) or (
            limits.max_blocks and blocks > limits.max_blocks):
        _refuse(document, limits)
    return longest


def _refuse(document: Document, limits: Limits) -> None:
    """Raise the error of :func:`check_document` for a document over a limit: the first text that is."""
    max_blocks, max_chars = limits.max_blocks, limits.max_text_chars
    longest = 0
    for count, text in enumerate(_texts(document), 1):
        if len(text) > longest:
            longest = len(text)
        if max_chars and longest > max_chars:
            raise DocumentLimitError(
                f"block {count:,} (a paragraph, line or table cell: {text[:20]!r}…) is {len(text):,} characters "
                f"long, over the limit of {max_chars:,} (Limits.max_text_chars; a report's longest paragraph has "
                f"a few thousand): {Limits.how_to_raise('max_text_chars')}")
        if max_blocks and count > max_blocks:
            raise DocumentLimitError(
                f"the document has more than {max_blocks:,} blocks (paragraphs and table cells; "
                f"Limits.max_blocks; a report has a few thousand): {Limits.how_to_raise('max_blocks')}")
        if not count & 4095:
            check_deadline()


#: Largest magnitude of a value in a record: JSON's safe integers (2**53 - 1). Beyond it JSON readers
#: lose precision (and orjson cannot write an int over 64 bits at all); no report prints such a number.
MAX_VALUE = 2**53 - 1
#: The record's sections of numbers: ``{row: {column: number | None}}``.
NUMERIC_SECTIONS = ("proactive", "applications", "review_litigation")


#: The types of a section's values that need no look one by one (``bool`` is an ``int`` but not a number here).
_PLAIN_VALUES = frozenset({int, type(None)})
_DICTS = frozenset({dict})


def clamp_values(record: dict[str, Any]) -> list[Issue]:
    """Null every value beyond ±``MAX_VALUE`` or not finite, with an ``error`` issue each; the record stays writable.

    Extractors (plugins' too) could otherwise hand on a number the outputs cannot write. A section whose rows
    are all plain dicts of ints and nulls within range (every report's) is checked in C (``map``, ``min``,
    ``max``); any other is looked at value by value.
    """
    issues: list[Issue] = []
    for section in NUMERIC_SECTIONS:
        rows = record.get(section)
        if not isinstance(rows, dict):
            continue
        if _DICTS.issuperset(map(type, rows.values())):
            values = [*chain.from_iterable(map(dict.values, rows.values()))]
            if _PLAIN_VALUES.issuperset(map(type, values)):
                numbers = [*filter(None, values)]  # without None (and 0, which is in range)
                if not numbers or (max(numbers) <= MAX_VALUE and min(numbers) >= -MAX_VALUE):
                    continue
        for row, columns in rows.items():
            if not isinstance(columns, dict):
                continue
            for column, value in columns.items():
                if isinstance(value, int | float) and not isinstance(value, bool) and not (
                        math.isfinite(value) and -MAX_VALUE <= value <= MAX_VALUE):
                    columns[column] = None
                    shown = f"{value:.3g}" if isinstance(value, float) else f"a {len(str(abs(value)))}-digit number"
                    issues.append(Issue(level="error", code="value.out_of_range", where=f"{section}.{row}.{column}",
                                        message=f"{shown} is no number a report prints (beyond ±2^53 - 1 or not "
                                        "finite): left null"))
    return issues


#: Issues of one code kept on a record; the rest are counted in one more issue of that code. A hostile file
#: can make one issue per line (``row.duplicate`` 20,000 times), a record bigger than the file.
MAX_ISSUES_PER_CODE = 50


def cap_issues(issues: list[Issue]) -> list[Issue]:
    """``issues`` with at most ``MAX_ISSUES_PER_CODE`` of each code, the surplus summed up in one issue per code."""
    counts: dict[str, int] = {}
    kept: list[Issue] = []
    for issue in issues:
        seen = counts[issue.code] = counts.get(issue.code, 0) + 1
        if seen <= MAX_ISSUES_PER_CODE:
            kept.append(issue)
    for code, count in counts.items():
        if count > MAX_ISSUES_PER_CODE:
            first = next(i for i in issues if i.code == code)
            kept.append(Issue(level=first.level, code=code, where="document",
                              message=f"… and {count - MAX_ISSUES_PER_CODE:,} more {code} issues, not listed "
                              f"(at most {MAX_ISSUES_PER_CODE} of a kind are)"))
    return kept


#: A document with a paragraph or cell longer than this clears the template's caches once it is done.
LONG_TEXT_CHARS = 4096


def forget_long_texts() -> None:
    """Empty the template's text caches (cell parser, label normaliser).

    They keep up to tens of thousands of texts a worker has seen; real labels
    and cells are short, but a hostile document's megabyte-long "cells" would
    otherwise stay cached, document after document, and grow the worker's
    memory without bound. Called after each document that had such a text.
    """
    from .template import normalise_label, parse_cell

    for cached in (parse_cell, normalise_label):
        clear = getattr(cached, "cache_clear", None)
        if clear is not None:
            clear()
