"""``nianbao run``: the Beam pipeline over a folder, glob or list of reports, as a click command.

Beam options pass through: anything the command does not declare
(``--runner``, ``--direct_num_workers``, ``--dask_client_address``,
``--setup_file`` …) goes to Beam, and inputs and Beam options may be mixed.
An option neither the command nor Beam's option classes (those of the chosen
runner included) know is an error naming it, as is a value Beam's parser
rejects: a misspelt ``--runnr`` must not be dropped silently.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import Any

import click
import orjson

from nianbao.cli import command_limits, configure_logging, limit_options, verbosity_options

from .run import RunError, RunInterrupted, import_runner_options, run


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
    option that takes a value consumes the next token. An option Beam's parser
    does not define raises :class:`click.NoSuchOption` (with close matches),
    and the flags are then parsed by Beam's parser, so a bad value (``--direct_running_mode=x``)
    is a :class:`click.BadParameter` here rather than an error deep inside the run.
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
            name = token.split("=", 1)[0]
            if name not in takes_value:
                raise click.NoSuchOption(name, possibilities=[*takes_value, *_command_options()])
            flags.append(token)
            if "=" not in token and takes_value[name] and index + 1 < len(tokens):
                flags.append(tokens[index + 1])
                index += 1
        else:
            inputs.append(token)
        index += 1
    parser.exit_on_error = False
    try:
        parser.parse_known_args(flags)
    except argparse.ArgumentError as exc:
        raise click.BadParameter(exc.message, param_hint=exc.argument_name) from exc
    return inputs, flags


def _command_options() -> list[str]:
    """The option names of the click command being run, for "did you mean" hints."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return []
    return [opt for param in ctx.command.params for opt in getattr(param, "opts", ())]


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
@click.option("--exclude", "excludes", multiple=True, metavar="GLOB",
              help="Leave out files whose path, or a folder on it, matches GLOB (matched from the right: "
                   "'*.bak', 'drafts', 'drafts/*.txt'). Repeatable. *.truth.json is always left out.")
@click.option("--labels", type=click.Choice(["key", "zh"]), default="key", show_default=True,
              help="CSV headers: record keys (applications.granted.total) or Chinese labels. "
                   "(Dataflow job labels: Beam's --label KEY=VALUE.)")
@click.option("--plugins", default=None, metavar="all|none|NAME,...",
              help="Entry-point plugins for the workers. Default: NIANBAO_LOAD_PLUGINS, else all installed.")
@click.option("--outputs", default="all", show_default=True, metavar="all|none|NAME,...",
              help="Plugin outputs to write besides the built-in files (see `nianbao plugins`).")
@click.option("--agency-aliases", "agency_aliases", default=None, metavar="CSV",
              help="Agency names to treat as one body in the cross-year checks: `name,canonical` rows.")
@click.option("--population", default=None, metavar="CSV",
              help="Population per body (`name,population[,year]`, persons) for applications per 万 people.")
@click.option("--allow-dead-letters", is_flag=True,
              help="Exit 0 even when some inputs could not be read (they are still in dead-letters-*.jsonl).")
@click.option("--fresh", is_flag=True, default=False,
              help="Start over instead of resuming what an interrupted run into --output staged.")
@click.option("--progress/--no-progress", default=None,
              help="Show documents done and the rate. Default: when stderr is a terminal.")
@limit_options
@verbosity_options
def run_command(args: tuple[str, ...], output: str, excludes: tuple[str, ...], labels: str, plugins: str | None,
                outputs: str, agency_aliases: str | None, population: str | None, allow_dead_letters: bool,
                fresh: bool, progress: bool | None, verbosity: int = 0) -> None:
    """Parse every report in INPUT (folders, globs, @list files) with an Apache Beam pipeline.

    Writes records-*.jsonl, dead-letters-*.jsonl, reports.parquet, reports.csv,
    cross-checks.jsonl (each agency's years checked against each other),
    summary.json and report.html (a page to look at; `nianbao report` rebuilds
    it) to --output, plus what installed output plugins write, prints the
    summary (JSON, on stdout) and one line of counts on stderr.
    Runs locally on every core by default; any Beam option selects and
    configures another runner:

    \b
      nianbao run samples/ -o out/
      nianbao run 'reports/**/*.html' -o out/ --direct_num_workers=2
      nianbao run @files.txt -o out/ --runner=DaskRunner --dask_client_address=tcp://host:8786

    \b
    Exit status: 0 when every input became a record; 1 when an input became a
    dead letter (unless --allow-dead-letters), has no outcome, or a plugin
    output failed; 2 for a usage error (a misspelt option among them).
    """
    configure_logging(verbosity)
    try:
        inputs, beam_flags = split_args(args)
    except RunError as exc:
        raise click.ClickException(str(exc)) from exc
    if not inputs:
        raise click.UsageError("give at least one INPUT: a folder, a glob or @list-file")
    argv = [*(f"--input={item}" for item in inputs), f"--output={output}", f"--table_labels={labels}",
            f"--outputs={outputs}", *(f"--exclude={glob}" for glob in excludes)]
    if plugins is not None:
        argv.append(f"--plugins={plugins}")
    if agency_aliases is not None:
        argv.append(f"--agency_aliases={agency_aliases}")
    if population is not None:
        argv.append(f"--population={population}")
    if fresh:
        argv.append("--fresh")
    argv.extend(f"--{field}={value}" for field, value in command_limits().as_dict().items())
    argv.extend(beam_flags)
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Bar() if show and verbosity >= 0 else None
    try:
        summary = run(argv, progress=bar)
    except (RunInterrupted, KeyboardInterrupt) as exc:  # one line, no traceback: how to go on
        if bar is not None:
            bar.close()
        reason = str(exc) if isinstance(exc, RunInterrupted) else "interrupted; run the same command again to resume"
        click.echo(f"nianbao run: {reason}", err=True)
        raise SystemExit(130) from None
    except RunError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if bar is not None:
            bar.close()
    if verbosity >= 0:
        click.echo(orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode())
    raise SystemExit(report_end(summary, output, allow_dead_letters=allow_dead_letters, quiet=verbosity < 0))


def counts_line(summary: dict[str, Any], output: str) -> str:
    """``15 documents: 13 records, 2 dead letters (detect 1, read 1), 14 failing checks -> out/``."""
    stages = summary.get("dead_letter_stages") or {}
    parts = [_count(summary["records"], "record"), _count(summary["dead_letters"], "dead letter")
             + (f" ({', '.join(f'{stage} {n}' for stage, n in sorted(stages.items()))})" if stages else "")]
    if summary["missing"]:
        parts.append(f"{summary['missing']} without outcome")
    parts.append(_count(sum((summary.get("checks_failed") or {}).values()), "failing check"))
    if summary.get("excluded"):
        parts.append(f"{summary['excluded']} excluded")
    if summary.get("resumed"):
        parts.append(f"{summary['resumed']} taken from the interrupted run")
    return f"{_count(summary['documents_in'], 'document')}: {', '.join(parts)} -> {output}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def report_end(summary: dict[str, Any], output: str, *, allow_dead_letters: bool = False,
               quiet: bool = False) -> int:
    """Print the end of a run on stderr (errors, then the counts line) and return the exit status.

    1 when a plugin output failed, a document has no outcome, or (unless
    ``allow_dead_letters``) an input became a dead letter; else 0. Quiet runs
    print the counts line only when the status is 1, as the error's explanation.
    """
    failed_outputs = [result["error"] for result in summary["outputs"].values() if result["error"]]
    for error in failed_outputs:
        click.echo(f"nianbao run: {error}", err=True)
    if summary["missing"]:
        click.echo(f"nianbao run: {summary['missing']} document(s) produced no outcome: "
                   f"{', '.join(summary['missing_uris'][:5])}", err=True)
    status = int(bool(failed_outputs or summary["missing"] or (summary["dead_letters"] and not allow_dead_letters)))
    if status or not quiet:
        click.echo(counts_line(summary, output), err=True)
    if summary["dead_letters"] and not allow_dead_letters:
        click.echo(f"nianbao run: {_count(summary['dead_letters'], 'input')} could not be read, see "
                   f"dead-letters-*.jsonl (--allow-dead-letters to exit 0 all the same)", err=True)
    return status
