"""Safety limits: what one document may cost, so one bad file never stops, hangs or floods a worker.

:class:`Limits` bounds one document. :func:`~nianbao.parse.process_bytes` applies them:

- ``max_input_bytes`` is checked first, before any reader sees the bytes
  (:class:`~nianbao.errors.InputTooLargeError`, stage ``detect``);
- ``max_blocks`` (paragraphs plus table cells) and ``max_text_chars`` (one
  paragraph or one cell) are checked on the read Document, and by the text
  readers before they split a text into lines; ``max_elements`` by the HTML and
  DOCX readers before lxml parses the markup (all
  :class:`~nianbao.errors.DocumentLimitError`, stage ``read``);
- ``time_budget`` is enforced by :mod:`nianbao.budget`.

Every message names the limit that tripped and how to raise it. Defaults can be
changed per process with environment variables (``ENV_VARS``, read by
:meth:`Limits.from_env`), per command with ``nianbao parse``/``check``/``run``
options (``OPTIONS``: ``nianbao run`` resolves them in the launcher and hands
them to its workers), or per call with ``process_bytes(..., limits=Limits(...))``. The DOCX reader's zip
limits (entries, inflated size, ratio) are its own, on ``DocxReader``.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter

from .budget import check_deadline, current_budget
from .document import Document, Table
from .errors import DocumentLimitError, InputTooLargeError

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
#: :class:`Limits` field → its command-line option (``nianbao parse``, ``check`` and ``run``).
OPTIONS = {field: "--" + field.replace("_", "-") for field in ENV_VARS.values()}


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

    @classmethod
    def resolve(cls, given: Mapping[str, float | None], environ: Mapping[str, str] | None = None) -> Limits:
        """:meth:`from_env`, with the fields ``given`` a value (not ``None``) set to it: command-line options."""
        changes = {field: value for field, value in given.items() if value is not None}
        limits = cls.from_env(environ)
        return dataclasses.replace(limits, **changes) if changes else limits

    def as_dict(self) -> dict[str, float]:
        """Every field and its value."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}

    @staticmethod
    def how_to_raise(field: str) -> str:
        """The fix-it part of a limit's message."""
        return (f"raise it with {OPTIONS[field]}=… or {_ENV_OF[field]}=… (0 turns it off) or process_bytes(…, "
                f"limits=Limits({field}=…)), only for files you trust")


DEFAULT_LIMITS = Limits()


def current_limits() -> Limits:
    """The limits of the document being processed, else the process defaults."""
    budget = current_budget()
    return budget.limits if budget is not None else Limits.from_env()


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
            yield from block.cell_texts()
        else:
            yield block.text


_text_of = attrgetter("text")


def check_document(document: Document, limits: Limits | None = None) -> int:
    """Refuse a read document of more than ``max_blocks`` paragraphs and cells, or with one over ``max_text_chars``.

    Runs before any extractor: the template's regular expressions and label
    lookups then never see a paragraph longer than the limit. Returns the
    length of the longest text (see :func:`forget_long_texts`), or the length no text exceeds that the reader
    counted (:attr:`Document.sizes <nianbao.document.Document.sizes>`: the text readers count as they read,
    so their documents are not walked again here unless the count may pass a limit).

    The count and the longest text are found a block at a time, a table's cells
    in C (``map``, ``max``); only a document over a limit is walked text by text,
    by :func:`_refuse`, for the error naming the first text over it.
    """
    limits = limits or current_limits()
    if document.sizes is not None:  # counted by the reader as it read: no walk unless a limit may be passed
        blocks, longest = document.sizes
        if not ((limits.max_text_chars and longest > limits.max_text_chars) or
                (limits.max_blocks and blocks > limits.max_blocks)):
            return longest
    if not any(issubclass(kind, Table) for kind in set(map(type, document.blocks))):  # paragraphs only
        blocks = len(document.blocks)
        longest = max(map(len, map(_text_of, document.blocks)), default=0)
    else:
        blocks = longest = 0
        for index, block in enumerate(document.blocks, 1):
            if isinstance(block, Table):
                lengths = [*map(len, block.cell_texts())]  # a table of texts: its Cells are not made for this
                blocks += len(lengths)
                if lengths:
                    longest = max(longest, *lengths)
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
