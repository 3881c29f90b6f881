"""The ``nianbao`` command line: a thin layer over the library.

Commands that need heavy imports (the Beam pipeline, the corpus generator) are
loaded only when called (``LazyGroup``), so ``nianbao parse`` starts fast.
"""

from __future__ import annotations

import importlib
import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from . import __version__
from .archive import iter_inputs
from .errors import NianbaoError
from .frame import report_files
from .host import get_host
from .limits import OPTIONS as LIMIT_OPTIONS
from .limits import Limits
from .parse import Outcome, process_bytes
from .record import dumps

#: Core commands defined outside this module, imported on first use: name → "module:attribute".
#: Plugins add theirs through the ``register_commands`` hook (``nianbao run`` and ``report`` among them).
LAZY_COMMANDS = {
    "synth": "nianbao.synth:synth_command",
    "score": "nianbao.synth:score_command",
}


#: Log lines Beam writes while it is imported that tell a nianbao user nothing (its BigQuery client without apitools).
_IMPORT_NOISE = ("apitools not found",)
_HANDLER_NAME = "nianbao-cli"


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (as logging's last-resort handler does)."""

    def __init__(self) -> None:
        super().__init__()
        self.set_name(_HANDLER_NAME)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.addFilter(lambda record: not str(record.msg).startswith(_IMPORT_NOISE))

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(verbosity: int = 0) -> None:
    """Log to stderr for a command: errors only (``verbosity < 0``, ``-q``), warnings (0), INFO (``-v``).

    Called before a command's heavy modules are imported, so Beam's import-time
    warning meets a handler that drops it instead of installing its own.
    """
    root = logging.getLogger()
    if not any(handler.get_name() == _HANDLER_NAME for handler in root.handlers):
        root.addHandler(_StderrHandler())
    root.setLevel(logging.ERROR if verbosity < 0 else logging.WARNING if verbosity == 0 else logging.INFO)


def verbosity_options(command: Any = None, *, quiet: str = "Print only errors.",
                      verbose: str = "Also print the INFO messages of the libraries underneath (Beam's).") -> Any:
    """``-v/--verbose`` and ``-q/--quiet`` for a command; the callback gets ``verbosity`` (-1, 0 or 1).

    Used bare (``@verbosity_options``) or with the two help texts (``@verbosity_options(quiet=…)``).
    """
    if command is None:
        return lambda function: verbosity_options(function, quiet=quiet, verbose=verbose)

    def check(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
        if value and ctx.params.get("verbosity"):
            raise click.UsageError("-v/--verbose and -q/--quiet exclude each other")
        if value:
            ctx.params["verbosity"] = 1 if param.name == "verbose" else -1
        return value

    command = click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=check, help=quiet)(command)
    command = click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=check, help=verbose)(command)
    return command


_LIMIT_HELP = {
    "max_input_bytes": "Largest input accepted, in bytes.",
    "max_blocks": "Most paragraphs plus table cells (text lines) in one document.",
    "max_text_chars": "Longest paragraph, table cell or text line, in characters.",
    "max_elements": "Most markup tags in an HTML page or a DOCX part, counted before parsing.",
    "time_budget": "CPU seconds one document may take from bytes to record.",
}
_LIMITS_KEY = "nianbao.limits"


def limit_options(command: Any) -> Any:
    """The limits of one document as options (``--max-input-bytes`` …, ``--time-budget``), for ``parse``,
    ``check`` and ``run``; :func:`command_limits` gives what they add up to. 0 turns a limit off; an option
    not given keeps its ``NIANBAO_*`` variable or default (:meth:`Limits.resolve`)."""

    def keep(ctx: click.Context, param: click.Parameter, value: float | None) -> None:
        ctx.meta.setdefault(_LIMITS_KEY, {})[param.name] = value

    defaults = Limits()
    for field in reversed(LIMIT_OPTIONS):
        kind = click.FloatRange(min=0) if field == "time_budget" else click.IntRange(min=0)
        command = click.option(LIMIT_OPTIONS[field], field, type=kind, default=None, expose_value=False,
                               callback=keep, metavar="N",
                               help=f"{_LIMIT_HELP[field]} Default {getattr(defaults, field):,} "
                                    f"(0: no limit).")(command)
    return command


def command_limits() -> Limits:
    """The limits the current command's options (:func:`limit_options`) and the environment give."""
    ctx = click.get_current_context()
    try:
        return Limits.resolve(ctx.meta.get(_LIMITS_KEY, {}))
    except ValueError as exc:  # a malformed NIANBAO_* variable
        raise click.UsageError(str(exc)) from exc


class LazyGroup(click.Group):
    """The ``nianbao`` group: its own commands, :data:`LAZY_COMMANDS`, and those plugins register
    (``register_commands``); a command named ``"module:attribute"`` is imported only when invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS, *get_host().commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        target = LAZY_COMMANDS.get(cmd_name) or get_host().commands.get(cmd_name)
        if not isinstance(target, str):
            return target  # type: ignore[return-value]  (a click.Command, or None: no such command)
        configure_logging()  # before Beam is imported
        module, _, attr = target.partition(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            return _unavailable(cmd_name, exc)


def _unavailable(name: str, exc: Exception) -> click.Command:
    """A stand-in for a command whose module cannot be imported: it says why when run."""

    def fail() -> None:
        raise click.ClickException(f"`nianbao {name}` is unavailable: {exc}")

    return click.Command(name, callback=fail, help=f"(unavailable: {exc})")


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``nianbao, version 0.1.0 (pure Python)``, or ``(compiled: 14 modules)`` from the compiled build."""
    if not value or ctx.resilient_parsing:
        return
    from .compiled import build_name

    click.echo(f"nianbao, version {__version__} ({build_name()})")
    ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version, and whether this install is the compiled build, and exit.")
def main() -> None:
    """nianbao (年报): government information disclosure annual reports into validated records."""


#: An argument that is a URL, not a path: ``https://…``, ``ftp://…``.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
STDIN = "-"
_FILES = click.argument("files", nargs=-1, required=True, metavar="FILE...")
_STDIN_NAME = click.option("--stdin-name", default="<stdin>", show_default=True, metavar="NAME",
                           help="The file name (and URI in the record) of what `-` reads; its extension, "
                                "if any, helps pick the reader.")


def _outcomes(files: tuple[str, ...], stdin_name: str, *, folders: bool = False
              ) -> Iterator[tuple[str, Outcome | None]]:
    """``(name, outcome)`` per FILE argument, ``-`` read from standard input; ``None`` after an error printed.

    With ``folders``, a folder stands for its files (recursively, sorted, ``*.truth.json`` left out, as
    ``nianbao run`` reads it); otherwise a folder, like a URL or a file that cannot be opened, gets one
    ``nianbao: NAME: [read] …`` line on stderr.

    A .zip archive is read member by member (each is one input, named
    ``archive.zip!/member.docx``) and a .gz file as the file inside it.
    """
    host = get_host()
    limits = command_limits()
    for name in files:
        if name == STDIN:
            yield stdin_name, process_bytes(sys.stdin.buffer.read(), stdin_name, host=host, limits=limits)
            continue
        path = Path(name)
        if folders and path.is_dir() and not _URL.match(name):
            yield from _outcomes(tuple(map(str, report_files(path))), stdin_name)
            continue
        if _URL.match(name):
            problem = "URLs are not read; download first (e.g. `curl -O URL`) and give the file"
        elif path.is_dir():
            problem = f"is a folder: `nianbao run {name} -o OUT` reads folders"
        else:
            try:
                for uri, data in iter_inputs(name):  # a .zip is each of its members, a .gz its one file
                    if isinstance(data, NianbaoError):
                        click.echo(f"nianbao: {data}", err=True)
                        yield uri, None
                    else:
                        yield uri, process_bytes(data, uri, host=host, limits=limits)
            except OSError as exc:
                problem = f"cannot open the file: {exc.strerror or exc}"
            else:
                continue
        click.echo(f"nianbao: {name}: [read] {problem}", err=True)
        yield name, None


@main.command()
@_FILES
@click.option("--pretty", is_flag=True, help="Indented JSON for humans instead of JSON Lines.")
@_STDIN_NAME
@limit_options
def parse(files: tuple[str, ...], pretty: bool, stdin_name: str) -> None:
    """Parse report FILES and print one record per file (JSON Lines); `-` reads standard input.

    A file that cannot be read is reported on stderr with its stage and the
    others still run; the exit status is 1 if any file failed. Folders are
    for `nianbao run`; URLs are not fetched.
    """
    failed = 0
    out = sys.stdout.buffer
    for _name, outcome in _outcomes(files, stdin_name):
        if outcome is None or outcome.record is None:
            if outcome is not None:
                assert outcome.exception is not None
                click.echo(f"nianbao: {outcome.exception}", err=True)
            failed += 1
            continue
        out.write(dumps(outcome.record, pretty=pretty) + b"\n")
        out.flush()
    if failed:
        raise SystemExit(1)


@main.command()
@_FILES
@_STDIN_NAME
@verbosity_options(quiet="Print the problem lines only, no count line.",
                   verbose="Also print FILE: ok for each file without problems.")
@limit_options
def check(files: tuple[str, ...], stdin_name: str, verbosity: int = 0) -> None:
    """Check report FILES (or every file in a folder) as a disclosure office would before publishing.

    \b
    FILE: WHERE: LEVEL CODE message               an issue of the record (error or warning)
    FILE: WHERE: error RULE expected …, actual …  a failing cross-check (勾稽关系)
    FILE: STAGE: error TYPE message               a file that cannot be read at all

    then a count line. Exit status 1 when a check fails, an error issue exists
    or a file cannot be read; warnings alone exit 0. -q prints the problem lines
    only; -v also names the files without problems.
    """
    counts = {"error": 0, "warning": 0, "check": 0}
    files_with_problems = 0
    total = 0
    for name, outcome in _outcomes(files, stdin_name, folders=True):
        total += 1
        lines = _problems(name, outcome)
        for level, line in lines:
            counts[level] += 1
            click.echo(line)
        files_with_problems += bool(lines)
        if not lines and verbosity > 0:
            click.echo(f"{name}: ok")
    errors = counts["error"] + counts["check"]
    if verbosity >= 0:
        files_part = f"{_plural(total, 'file')}"
        if files_with_problems:
            click.echo(f"Found {_plural(errors, 'error')} ({_plural(counts['check'], 'failing check')}) and "
                       f"{_plural(counts['warning'], 'warning')} in {files_with_problems} of {files_part}.")
        else:
            click.echo(f"All checks passed: {files_part}, no issues.")
    if errors:
        raise SystemExit(1)


def _problems(name: str, outcome: Outcome | None) -> list[tuple[str, str]]:
    """The lint lines of one file as ``(kind, line)``; kind is ``error``, ``warning`` or ``check``."""
    if outcome is None:  # already reported on stderr by _outcomes
        return [("error", f"{name}: read: error OSError the file was not read (see above)")]
    if outcome.record is None:
        error = (outcome.dead_letter or {}).get("error", {})
        return [("error", f"{name}: {error.get('stage')}: error {error.get('type')} {error.get('message')}")]
    record = outcome.record
    lines = [(issue["level"], f"{name}: {issue['where'] or 'document'}: {issue['level']} {issue['code']} "
                              f"{issue['message']}") for issue in record["issues"]]
    for check in record["checks"]:
        if not check["ok"]:  # where: the rule's section and the row or column checked (applications.total)
            where = ".".join(filter(None, (check["rule"].split(".")[0], check["where"])))
            lines.append(("check", f"{name}: {where}: error {check['rule']} expected {_value(check['expected'])}, "
                                   f"actual {_value(check['actual'])}"))
    return lines


def _value(value: Any) -> str:
    return "null" if value is None else str(value)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


@main.command()
@click.option("--all", "show_all", is_flag=True, help="Also list each plugin's hooks.")
@click.option("--hook", "hook", metavar="NAME", default=None,
              help="Only plugins implementing hook NAME (e.g. register_readers).")
def plugins(show_all: bool, hook: str | None) -> None:
    """List plugins, their packages, and the readers, extractors, checks, outputs and commands they register.

    Readers show their priority and what they accept by name, so a format
    clash can be read off the list. A plugin that failed to load is listed
    with its error (and registers nothing).
    """
    host = get_host()
    if hook is not None:
        known = sorted(name for name in dir(host.pm.hook) if not name.startswith("_")
                       and getattr(host.pm.hook, name).has_spec())
        if hook not in known:
            raise click.BadParameter(f"no hook {hook!r}; hooks: {', '.join(known)}", param_hint="--hook")
    readers = {reader.name: reader for reader in host.readers}
    outputs = {output.name: output for output in host.outputs}
    for info in host.infos:
        if hook is not None and hook not in info.hooks:
            continue
        version = f" {info.version}" if info.version else ""
        click.echo(f"{info.name}  ({info.package}{version})")
        if info.error:
            click.echo(f"    ERROR: {info.error}")
        for item in info.registers:
            kind, _, name = item.partition(" ")
            detail = ""
            if kind == "reader" and name in readers:
                detail = _reader_detail(readers[name])
            elif kind == "output" and name in outputs and outputs[name].description:
                detail = f": {outputs[name].description}"
            click.echo(f"    {item}{detail}")
        if show_all and info.hooks:
            click.echo(f"    hooks: {', '.join(info.hooks)}")


def _reader_detail(reader: Any) -> str:
    """``  priority 70: .pdf application/pdf`` for a reader line of ``nianbao plugins``."""
    names = sorted(reader.extensions)
    mimes = sorted(reader.mimetypes)
    accepts = " ".join(names + mimes)
    if len(accepts) > 60:  # long mime lists (Word's) would drown the line
        accepts = " ".join(names) + f" (+{len(mimes)} mime types)"
    return f"  priority {reader.priority}" + (f": {accepts}" if accepts else "")

