"""nianbao (年报): government information disclosure annual reports into validated records."""

from __future__ import annotations

from .document import Cell, Document, Paragraph, Table
from .errors import DetectError, ExtractError, NianbaoError, ReadError
from .extract import Extraction, Extractor
from .frame import read_reports
from .hookspecs import hookimpl
from .output import Output, Sink
from .parse import Outcome, parse_bytes, parse_file, process_bytes
from .readers import Reader
from .record import CheckResult, Issue
from .source import SourceInfo

__version__ = "0.1.0"

__all__ = [
    "Cell",
    "CheckResult",
    "DetectError",
    "Document",
    "ExtractError",
    "Extraction",
    "Extractor",
    "Issue",
    "NianbaoError",
    "Outcome",
    "Output",
    "Paragraph",
    "ReadError",
    "Reader",
    "Sink",
    "SourceInfo",
    "Table",
    "__version__",
    "hookimpl",
    "parse_bytes",
    "parse_file",
    "process_bytes",
    "read_reports",
]
