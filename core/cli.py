"""The ``nianbao`` command line: a thin layer over the library.

Commands that need heavy imports (the Beam pipeline, the corpus generator) are
loaded only when called (``LazyGroup``), so ``nianbao parse`` starts fast.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .host import get_host
from .parse import process_bytes
from .record import dumps

#: Commands defined outside this module, imported on first use: name → "module:attribute".
LAZY_COMMANDS = {
    "run": "nianbao.pipelines.cli:run_command",
    "report": "nianbao.pipelines.report:report_command",
    "synth": "nianbao.synth:synth_command",
    "score": "nianbao.synth:score_command",
}


class LazyGroup(click.Group):
    """A click group whose heavy subcommands are imported only when invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module, _, attr = LAZY_COMMANDS[cmd_name].partition(":")
            try:
                return getattr(importlib.import_module(module), attr)
            except (ImportError, AttributeError) as exc:
                return _unavailable(cmd_name, exc)
        return super().get_command(ctx, cmd_name)


def _unavailable(name: str, exc: Exception) -> click.Command:
    """A stand-in for a command whose module cannot be imported: it says why when run."""

    def fail() -> None:
        raise click.ClickException(f"`nianbao {name}` is unavailable: {exc}")

    return click.Command(name, callback=fail, help=f"(unavailable: {exc})")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
def main() -> None:
    """nianbao (年报): government information disclosure annual reports into validated records."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pretty", is_flag=True, help="Indented JSON for humans instead of JSON Lines.")
def parse(files: tuple[Path, ...], pretty: bool) -> None:
    """Parse report FILES and print one record per file (JSON Lines).

    A file that cannot be read is reported on stderr with its stage and the
    others still run; the exit status is 1 if any file failed.
    """
    host = get_host()
    failed = 0
    out = sys.stdout.buffer
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            click.echo(f"nianbao: {path}: [read] cannot open the file: {exc.strerror or exc}", err=True)
            failed += 1
            continue
        outcome = process_bytes(data, str(path), host=host)
        if outcome.record is None:
            assert outcome.exception is not None
            click.echo(f"nianbao: {outcome.exception}", err=True)
            failed += 1
            continue
        out.write(dumps(outcome.record, pretty=pretty) + b"\n")
        out.flush()
    if failed:
        raise SystemExit(1)


@main.command()
@click.option("--all", "show_all", is_flag=True, help="Also list each plugin's hooks.")
@click.option("--hook", "hook", metavar="NAME", default=None,
              help="Only plugins implementing hook NAME (e.g. register_readers).")
def plugins(show_all: bool, hook: str | None) -> None:
    """List plugins, their packages, and the readers, extractors, checks and outputs they register.

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

