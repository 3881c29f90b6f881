"""``nianbao run``: the Beam pipeline over a folder, glob or list of reports, as a click command.

Beam options pass through untouched: anything the command does not declare
(``--runner``, ``--direct_num_workers``, ``--dask_client_address``,
``--setup_file`` …) goes to Beam. Inputs and Beam options may be mixed; an
option Beam does not know must be written ``--name=value``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any

import click
import orjson

from .run import RunError, import_runner_options, run


def _beam_parser() -> Any:
    """Beam's own argument parser, with the options of every imported options class."""
    from apache_beam.options.pipeline_options import PipelineOptions

    holder: list[Any] = []
    PipelineOptions([]).get_all_options(add_extra_args_fn=holder.append)
    return holder[0]


def _runner_arg(tokens: Sequence[str]) -> str | None:
    for index, token in enumerate(tokens):
        if token.startswith("--runner="):
            return token.split("=", 1)[1]
        if token == "--runner" and index + 1 < len(tokens):
            return tokens[index + 1]
    return None


def split_args(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """Separate input paths from Beam options in one argument list: ``(inputs, beam flags)``.

    The runner's module is imported first so its options are known. An
    option that takes a value consumes the next token; an unknown option
    without ``=`` does too when the next token is not an option (Beam's own
    convention for unknown options).
    """
    import_runner_options(_runner_arg(tokens))
    parser = _beam_parser()
    takes_value = {opt: action.nargs != 0 for action in parser._actions for opt in action.option_strings}
    inputs: list[str] = []
    flags: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "--":
            inputs.extend(tokens[index + 1:])
            break
        if token.startswith("-") and len(token) > 1:
            flags.append(token)
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if "=" not in token and following is not None and takes_value.get(
                    token, not following.startswith("-")):
                flags.append(following)
                index += 1
        else:
            inputs.append(token)
        index += 1
    return inputs, flags


class _Bar:
    """Progress on the terminal: documents done out of total and the rate (tqdm when installed)."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.started = time.monotonic()
        self.last_line = 0.0

    def __call__(self, done: int, total: int) -> None:
        try:
            from tqdm import tqdm
        except ImportError:
            tqdm = None
        if tqdm is not None:
            if self.bar is None:
                self.bar = tqdm(total=total, unit="doc", desc="nianbao run", file=sys.stderr, smoothing=0.1)
            self.bar.update(done - self.bar.n)
            return
        now = time.monotonic()
        if now - self.last_line >= 2 or done == total:
            self.last_line = now
            rate = done / max(now - self.started, 1e-9)
            click.echo(f"\rnianbao run: {done}/{total} documents ({rate:.1f}/s)", err=True,
                       nl=done == total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@click.command(
    "run",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                      "help_option_names": ["-h", "--help"]},
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="INPUT... [BEAM OPTIONS]")
@click.option("-o", "--output", required=True, metavar="DIR",
              help="Output directory (local, or gs:// and other Beam filesystems).")
@click.option("--labels", type=click.Choice(["key", "zh"]), default="key", show_default=True,
              help="CSV headers: record keys (applications.granted.total) or Chinese labels. "
                   "(Dataflow job labels: Beam's --label KEY=VALUE.)")
@click.option("--plugins", default=None, metavar="all|none|NAME,...",
              help="Entry-point plugins for the workers. Default: NIANBAO_LOAD_PLUGINS, else all installed.")
@click.option("--outputs", default="all", show_default=True, metavar="all|none|NAME,...",
              help="Plugin outputs to write besides the built-in files (see `nianbao plugins`).")
@click.option("--progress/--no-progress", default=None,
              help="Show documents done and the rate. Default: when stderr is a terminal.")
def run_command(args: tuple[str, ...], output: str, labels: str, plugins: str | None, outputs: str,
                progress: bool | None) -> None:
    """Parse every report in INPUT (folders, globs, @list files) with an Apache Beam pipeline.

    Writes records-*.jsonl, dead-letters-*.jsonl, reports.parquet, reports.csv,
    summary.json and report.html (a page to look at; `nianbao report` rebuilds
    it) to --output, plus what installed output plugins write, and prints the
    summary. Runs locally on every core by default; any Beam
    option selects and configures another runner:

    \b
      nianbao run samples/ -o out/
      nianbao run 'reports/**/*.html' -o out/ --direct_num_workers=2
      nianbao run @files.txt -o out/ --runner=DaskRunner --dask_client_address=tcp://host:8786

    Exit status 1 if a document has no outcome (never expected) or a plugin
    output failed; summary.json says which.
    """
    try:
        inputs, beam_flags = split_args(args)
    except RunError as exc:
        raise click.ClickException(str(exc)) from exc
    if not inputs:
        raise click.UsageError("give at least one INPUT: a folder, a glob or @list-file "
                               "(put inputs before options Beam does not know)")
    argv = [*(f"--input={item}" for item in inputs), f"--output={output}", f"--table_labels={labels}",
            f"--outputs={outputs}"]
    if plugins is not None:
        argv.append(f"--plugins={plugins}")
    argv.extend(beam_flags)
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Bar() if show else None
    try:
        summary = run(argv, progress=bar)
    except RunError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if bar is not None:
            bar.close()
    click.echo(orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode())
    failed_outputs = [result["error"] for result in summary["outputs"].values() if result["error"]]
    for error in failed_outputs:
        click.echo(f"nianbao run: {error}", err=True)
    if summary["missing"]:
        click.echo(f"nianbao run: {summary['missing']} document(s) produced no outcome: "
                   f"{', '.join(summary['missing_uris'][:5])}", err=True)
    if summary["missing"] or failed_outputs:
        raise SystemExit(1)
