"""The exceptions nianbao raises, one per stage of the data path.

::

    NianbaoError                 any nianbao failure; ``stage`` names where
    ├── DetectError              stage "detect": no reader accepts the bytes
    │   ├── EmptyDocumentError   the input has no bytes at all
    │   └── InputTooLargeError   the input is over ``Limits.max_input_bytes``, refused unread
    ├── ReadError                stage "read": a reader accepted and could not read
    │   ├── DecodeError          text that no supported encoding decodes
    │   ├── ZipLimitError        a DOCX zip over a safety limit (size, entries, ratio)
    │   ├── MarkupError          HTML/XML that cannot be parsed safely
    │   └── DocumentLimitError   a paragraph, cell or block count over a ``Limits`` bound
    ├── ExtractError             stage "extract": the record could not be built
    ├── TimeBudgetError          stage "read" or "extract": over ``Limits.time_budget``
    ├── PluginError              a plugin that fails to load or registers wrongly
    └── OutputError              stage "output": an output (``register_outputs``) failed

The limits live in :mod:`nianbao.limits`, the per-document time budget in :mod:`nianbao.budget`.

Content problems (a blank cell, a failed cross-check, a guessed encoding) are
never exceptions: they are ``issues`` entries on a record that is still written.
An exception means the document could not be read at all; the parse entry point
turns it into a dead-letter record (see :func:`nianbao.parse.process_bytes`).
"""

from __future__ import annotations


class NianbaoError(Exception):
    """Root of every nianbao exception; carries the stage and, once known, the file."""

    stage: str = "extract"

    def __init__(self, message: str, *, uri: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.uri = uri

    def __str__(self) -> str:
        where = f"{self.uri}: " if self.uri else ""
        return f"{where}[{self.stage}] {self.message}"

    def to_error(self) -> dict[str, str]:
        """The ``error`` object of a dead-letter record."""
        return {"stage": self.stage, "type": type(self).__name__, "message": self.message}


class DetectError(NianbaoError):
    """No registered reader accepts the input."""

    stage = "detect"


class EmptyDocumentError(DetectError):
    """The input is zero bytes long (or only whitespace)."""


class InputTooLargeError(DetectError):
    """The input is larger than ``Limits.max_input_bytes``: refused before any reader sees it."""


class ReadError(NianbaoError):
    """A reader accepted the input but could not turn it into a Document."""

    stage = "read"


class DecodeError(ReadError):
    """Text bytes that no supported encoding decodes."""


class ZipLimitError(ReadError):
    """A zip container over one of the safety limits."""


class MarkupError(ReadError):
    """HTML or XML that cannot be parsed safely."""


class DocumentLimitError(ReadError):
    """A read document over a ``Limits`` bound: a paragraph or cell too long, too many blocks."""


class ExtractError(NianbaoError):
    """The document was read but the record could not be built."""

    stage = "extract"


class TimeBudgetError(NianbaoError):
    """The document used up its time budget (``Limits.time_budget``); ``stage`` is where it ran out."""

    def __init__(self, message: str, *, stage: str = "read", uri: str | None = None) -> None:
        super().__init__(message, uri=uri)
        self.stage = stage


class PluginError(NianbaoError):
    """A plugin failed to import or registered something invalid."""

    stage = "plugins"


class OutputError(NianbaoError):
    """An output could not be selected, opened, written or closed; the message names it and its plugin."""

    stage = "output"



