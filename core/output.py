"""Outputs: where a run's outcomes go besides its built-in files (a database, a spreadsheet, an index).

An :class:`Output` is contributed through the ``register_outputs`` hook. For
each run it is opened once, on the run's output directory, and gives a
:class:`Sink`; the sink is fed every outcome exactly once, in input order
(records to :meth:`Sink.write_record`, dead letters to
:meth:`Sink.write_dead_letter`), then closed once, or aborted when the run
fails. In ``nianbao run`` this happens in the launcher, during the merge that
writes the built-in files, so a sink sees one ordered stream however many
workers parsed it.

:class:`Outputs` drives several sinks and contains their failures: a sink
that raises is aborted and reported, and the other sinks and the built-in
files carry on. A sink that cannot *open* stops the run before any document is
parsed, since nothing has been spent yet.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import OutputError

_LOG = logging.getLogger(__name__)

#: ``--outputs`` spellings: every registered output, or none.
ALL = "all"
NONE = "none"


class Output:
    """A kind of output, registered once per process; :meth:`open` starts one run's :class:`Sink`.

    Subclass it, set ``name`` (unique among outputs; what ``--outputs`` selects
    and ``summary.json`` reports) and ``description`` (one line for ``nianbao
    plugins``), and implement :meth:`open`. Keep per-run state in the sink, not
    here: one Output instance serves every run of the process.
    """

    name: str = ""
    description: str = ""

    def open(self, directory: str) -> Sink:
        """Start writing into ``directory`` (a local path, or a URL such as ``gs://b/out`` for remote runs).

        Raise here, with a message saying what to fix, when the output cannot
        work there (a local-only format given a URL, a missing optional
        library): the run stops before parsing anything.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement open()")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


class Sink:
    """One run's writer for an :class:`Output`.

    Records and dead letters arrive as the dicts of ``docs/record.md``, in input
    order, each exactly once; they are shared with other sinks, so do not
    modify them. Write under temporary names and move the files into place in
    :meth:`close`, so a failed run leaves no half-written output behind.
    """

    def write_record(self, record: dict[str, Any]) -> None:
        """Write one record."""
        raise NotImplementedError(f"{type(self).__name__} does not implement write_record()")

    def write_dead_letter(self, letter: dict[str, Any]) -> None:
        """Write one dead letter (``source`` and ``error``). By default dead letters are ignored."""

    def close(self) -> Sequence[str]:
        """Finish the run's files and return their paths (``summary.json`` lists them)."""
        return ()

    def abort(self) -> None:
        """Remove what was written so far: the run failed, or this sink raised. Must not raise."""


@dataclass(slots=True)
class _Open:
    """A sink being fed, with what it was fed and how it ended."""

    name: str
    plugin: str
    sink: Sink | None
    records: int = 0
    dead_letters: int = 0
    files: list[str] = field(default_factory=list)
    error: str | None = None


def selects_none(spec: str | None) -> bool:
    """Whether ``spec`` (``--outputs``) selects no output at all: ``none`` or empty."""
    return spec is not None and spec.strip() in ("", NONE)


def select(outputs: Sequence[Output], spec: str | None) -> list[Output]:
    """The outputs ``spec`` names: ``all`` (or ``None``), ``none`` (or empty), or a comma list of names.

    An unknown name is an :class:`~nianbao.errors.OutputError` listing the
    registered outputs, with the hint that an output arrives with its plugin.
    """
    spec = ALL if spec is None else spec.strip()
    if spec == ALL:
        return list(outputs)
    if selects_none(spec):
        return []
    by_name = {output.name: output for output in outputs}
    wanted = list(dict.fromkeys(name.strip() for name in spec.split(",") if name.strip()))
    unknown = [name for name in wanted if name not in by_name]
    if unknown:
        known = ", ".join(sorted(by_name)) or "none (install an output plugin)"
        raise OutputError(f"no output called {', '.join(map(repr, unknown))}; registered outputs: {known}. "
                          f"An output arrives with its plugin: is it installed and selected (--plugins)?")
    return [by_name[name] for name in wanted]


class Outputs:
    """The selected outputs of one run, opened on one directory; use as a context manager.

    Opening happens in the constructor: if any output fails to open, the ones
    already open are aborted and :class:`~nianbao.errors.OutputError` names the
    failing output and its plugin. Afterwards every failure is contained: the
    failing sink is aborted, logged and reported by :meth:`close`, the others
    go on.
    """

    def __init__(self, outputs: Iterable[Output], directory: str, *, owner: Any = None) -> None:
        """``owner(name)`` names the plugin that registered an output (for messages); optional."""
        self.directory = directory
        self._open: list[_Open] = []
        for output in outputs:
            plugin = owner(output.name) if owner is not None else type(output).__module__
            try:
                sink = output.open(directory)
            except Exception as exc:
                self.abort()
                raise OutputError(f"output {output.name!r} (plugin {plugin!r}) cannot open {directory}: "
                                  f"{type(exc).__name__}: {exc}") from exc
            self._open.append(_Open(output.name, plugin, sink))

    @property
    def active(self) -> bool:
        """Whether a sink is still being fed (none selected, all failed or closed: no)."""
        return any(entry.sink is not None for entry in self._open)

    def _fail(self, entry: _Open, doing: str, exc: Exception) -> None:
        entry.error = f"output {entry.name!r} (plugin {entry.plugin!r}) failed {doing}: {type(exc).__name__}: {exc}"
        _LOG.error("%s; its files are removed, the other outputs go on", entry.error)
        sink, entry.sink = entry.sink, None
        if sink is not None:
            try:
                sink.abort()
            except Exception as abort_exc:  # already failing: say so, go on
                _LOG.warning("output %r: abort() raised %s: %s", entry.name, type(abort_exc).__name__, abort_exc)

    def write_record(self, record: dict[str, Any]) -> None:
        """Give one record to every sink still working."""
        self._write(record, dead=False)

    def write_dead_letter(self, letter: dict[str, Any]) -> None:
        """Give one dead letter to every sink still working."""
        self._write(letter, dead=True)

    def _write(self, outcome: dict[str, Any], *, dead: bool) -> None:
        for entry in self._open:
            if entry.sink is None:
                continue
            try:
                if dead:
                    entry.sink.write_dead_letter(outcome)
                else:
                    entry.sink.write_record(outcome)
            except Exception as exc:
                self._fail(entry, f"writing the {'dead letter' if dead else 'record'} of {_uri(outcome)}", exc)
            else:
                if dead:
                    entry.dead_letters += 1
                else:
                    entry.records += 1

    def close(self) -> dict[str, dict[str, Any]]:
        """Close every working sink; per output: files, records, dead letters and ``error`` (or ``None``)."""
        for entry in self._open:
            if entry.sink is None:
                continue
            try:
                files = entry.sink.close()
            except Exception as exc:
                self._fail(entry, "closing", exc)
                continue
            entry.sink = None
            entry.files = [_relative(str(path), self.directory) for path in files or ()]
        return {entry.name: {"plugin": entry.plugin, "files": entry.files, "records": entry.records,
                             "dead_letters": entry.dead_letters, "error": entry.error} for entry in self._open}

    def abort(self) -> None:
        """Abort every sink still open (the run failed)."""
        for entry in self._open:
            sink, entry.sink = entry.sink, None
            if sink is not None:
                try:
                    sink.abort()
                except Exception as exc:  # cleaning up after a failure: never mask it
                    _LOG.warning("output %r: abort() raised %s: %s", entry.name, type(exc).__name__, exc)

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.abort()


def _uri(outcome: dict[str, Any]) -> str:
    source = outcome.get("source")
    return str(source.get("uri")) if isinstance(source, dict) else "?"


def _relative(path: str, directory: str) -> str:
    """``path`` relative to ``directory`` when it lies inside it, else as given."""
    if "://" in path or "://" in directory:
        prefix = directory.rstrip("/") + "/"
        return path[len(prefix):] if path.startswith(prefix) else path
    try:
        relative = os.path.relpath(path, directory)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith("..") else relative
