"""The one parse entry point: bytes → reader → Document → extractors → record → checks.

The CLI, the Python API and the Beam pipeline all call :func:`process_bytes`;
it never raises for a bad document: it returns either a record or a dead
letter. :func:`parse_bytes` and :func:`parse_file` are the API forms that
return the record and raise a :class:`~nianbao.errors.NianbaoError` instead.

Every document runs under :class:`~nianbao.limits.Limits`: its size is checked
before detection, the read Document's block count and longest paragraph before
extraction, and a time budget (a cooperative deadline, see
:mod:`nianbao.budget`) covers it from bytes to record. A reader that crashes
(any exception, not only a ``ReadError``) is one failed attempt; an extractor
that crashes is an ``extractor.failed`` issue on a record still written. Only
the time budget ends a document outright, as a dead letter of the stage it ran
out in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .budget import current_budget, document_budget
from .checks import run_checks_to_dicts
from .derive import derive
from .document import Document
from .errors import DetectError, EmptyDocumentError, ExtractError, NianbaoError, ReadError, TimeBudgetError
from .extract import Extraction
from .glued import is_glued, unglue
from .host import PluginHost, get_host
from .limits import Limits, check_document, check_input_size
from .outline import Outline
from .page import settle
from .record import Issue, cap_issues, clamp_values, dead_letter, error, new_record, source_of, warning
from .source import SourceInfo
from .template import LONG_TEXT_CHARS, combine_versions, forget_long_texts, report_template

#: Bytes that ``Reader.accepts`` sees: enough for a sniff, never the whole of a large file.
HEAD_BYTES = 65536


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of processing one input: exactly one of ``record`` and ``dead_letter``."""

    record: dict[str, Any] | None = None
    dead_letter: dict[str, Any] | None = None
    exception: NianbaoError | None = None

    @property
    def ok(self) -> bool:
        return self.record is not None


def read_document(data: bytes, source: SourceInfo, host: PluginHost) -> tuple[Document, str]:
    """Pick a reader and read: ``(document, reader name)``.

    Readers that accept are tried by priority; ``DetectError`` when none
    accepts, ``ReadError`` listing every attempt when all that accepted failed.
    A reader that raises something other than a ``NianbaoError`` (a bug, or
    ``MemoryError``) is a failed attempt like any other, its exception type named;
    a ``TimeBudgetError`` ends the document at once.
    """
    if not data.strip():
        raise EmptyDocumentError("the file is empty" if not data else "the file holds only whitespace")
    budget = current_budget()
    head = data[:HEAD_BYTES]
    failures: list[tuple[str, BaseException]] = []
    candidates = []
    for reader in host.readers:
        try:
            if reader.accepts(head, source):
                candidates.append(reader)
        except Exception as exc:  # a bug in accepts(): reported with the attempts, the other readers still run
            failures.append((f"{reader.name} (accepts)", exc))
    if not candidates and not failures:
        tried = ", ".join(r.name for r in host.readers)
        raise DetectError(f"no reader accepts the file (extension {source.extension or 'none'}, "
                          f"mime type {source.mimetype or 'unknown'}; readers: {tried})")
    for reader in candidates:
        if budget is not None:
            budget.enter("read", f"reader {reader.name}")
            budget.check()
        try:
            return reader.read(data, source), reader.name
        except TimeBudgetError:
            raise
        except Exception as exc:
            failures.append((reader.name, exc))
    if len(failures) == 1 and isinstance(failures[0][1], ReadError):
        raise failures[0][1]
    attempts = "; ".join(f"{name}: {_describe(exc)}" for name, exc in failures)
    raise ReadError(f"every reader that accepted the file failed ({attempts})") from failures[-1][1]


#: Exceptions a reader may raise for a bad file without it being a bug in the reader.
_EXPECTED = (NianbaoError, MemoryError, RecursionError)


def _describe(exc: BaseException) -> str:
    """``Type: message`` of a failed attempt; a crash that is no ``ReadError`` is called a bug."""
    text = f"{type(exc).__name__}: {exc}"
    if not isinstance(exc, _EXPECTED):
        text += " (unexpected: a bug in the reader, please report it with this file)"
    return text


def build_record(document: Document, source: dict[str, Any], host: PluginHost) -> dict[str, Any]:
    """Run every extractor and check on a read document and assemble the record."""
    record = new_record(source)
    budget = current_budget()
    if budget is not None:
        budget.enter("extract", "outline")
    document = settle(document)
    if is_glued(document):
        document = unglue(document)
    outline = Outline.of(document)
    issues: list[Issue] = [error(n.code, n.message, "source") if n.level == "error" else
                           Issue(level=n.level, code=n.code, message=n.message, where="source")
                           for n in document.notes]
    issues += outline.issues()
    if not outline.sections:
        issues.append(error("report.no_sections", "no report section headings found (总体情况, 主动公开政府信息情况, "
                            "…): this may not be an annual report", "document"))
    versions: list[str | None] = []
    for extractor in host.extractors:
        if budget is not None:
            budget.enter("extract", f"extractor {extractor.name}")
            budget.check()
        try:
            extraction = extractor.extract(document, outline)
        except TimeBudgetError:  # the document is over its time budget: a dead letter, not a partial record
            raise
        except Exception as exc:  # a broken extractor is reported on the record, the others still run
            issues.append(error("extractor.failed", f"extractor {extractor.name!r} failed: "
                                f"{type(exc).__name__}: {exc}", extractor.name))
            continue
        _merge(record, extraction)
        issues.extend(extraction.issues)
        versions.extend(extraction.versions)
    if budget is not None:
        budget.enter("extract", "checks")
    issues.extend(clamp_values(record))
    record["template"] = report_template(versions, record.get("year"))
    told = combine_versions(versions)
    if record["template"] is None and told is not None:
        issues.append(warning("template.undecided", f"one table alone tells the template ({told}) in a report on "
                              f"{record.get('year')}: the other may be in the 2021 edition (mixed)", "template"))
    issues.extend(derive(record))
    record["issues"] = [issue.to_dict() for issue in cap_issues(issues)]
    record["checks"] = run_checks_to_dicts(host.checks, record)
    return record


def _merge(record: dict[str, Any], extraction: Extraction) -> None:
    for key, value in extraction.fields.items():
        if isinstance(value, dict) and isinstance(record.get(key), dict):
            record[key].update(value)
        else:
            record[key] = value


def process_bytes(
    data: bytes,
    uri: str = "<bytes>",
    *,
    source: SourceInfo | None = None,
    host: PluginHost | None = None,
    limits: Limits | None = None,
) -> Outcome:
    """Parse one input into a record, or into a dead letter if it cannot be read. Never raises for bad input.

    ``limits`` bounds what the document may cost (size, blocks, line length,
    time); by default :meth:`Limits.from_env <nianbao.limits.Limits.from_env>`.
    """
    host = host or get_host()
    limits = limits or Limits.from_env()
    info = source or SourceInfo.from_uri(uri)
    src = source_of(data, info.uri)
    with document_budget(limits, info.uri) as budget:
        try:
            check_input_size(len(data), limits)
            document, reader = read_document(data, info, host)
            src["format"], src["reader"] = document.format, reader
            budget.enter("read", f"reader {reader}")
            longest = check_document(document, limits)
            try:
                record = build_record(document, src, host)
            except NianbaoError:
                raise
            except Exception as exc:
                raise ExtractError(f"building the record failed ({budget.where}): {type(exc).__name__}: {exc}"
                                   ) from exc
            finally:
                if longest > LONG_TEXT_CHARS:
                    forget_long_texts()
        except NianbaoError as exc:
            exc.uri = exc.uri or info.uri
            return Outcome(dead_letter=dead_letter(src, exc.to_error()), exception=exc)
    return Outcome(record=record)


def parse_bytes(data: bytes, uri: str = "<bytes>", *, host: PluginHost | None = None) -> dict[str, Any]:
    """Parse report bytes into a record (a dict of docs/record.md); raise ``NianbaoError`` if unreadable."""
    outcome = process_bytes(data, uri, host=host)
    if outcome.exception is not None:
        raise outcome.exception
    assert outcome.record is not None
    return outcome.record


def parse_file(path: str | Path, *, host: PluginHost | None = None) -> dict[str, Any]:
    """Parse a report file into a record; raise ``NianbaoError`` if it cannot be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot open the file: {exc.strerror or exc}", uri=str(path)) from exc
    return parse_bytes(data, str(path), host=host)
