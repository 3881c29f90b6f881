"""The ``nianbao synth`` and ``nianbao score`` commands: thin wrappers over :mod:`nianbao.synth`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from .corpus import FORMATS, SAMPLES_SEED, check_formats, generate, write_samples
from .score import CATEGORIES, score


@click.command("synth")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the reports and their .truth.json files into.")
@click.option("-n", "count", default=100, show_default=True, type=click.IntRange(min=0),
              help="Number of reports.")
@click.option("--seed", default=0, show_default=True, type=int, help="Corpus seed: same seed, same files.")
@click.option("--formats", default=",".join(FORMATS), show_default=True,
              help="Comma-separated formats, taking turns: text, tsv, html, docx.")
@click.option("--samples", is_flag=True,
              help=f"Write the fixed sample set kept under samples/ instead (seed {SAMPLES_SEED}, no truths; "
                   "-n, --seed and --formats are ignored).")
def synth_command(out: Path, count: int, seed: int, formats: str, samples: bool) -> None:
    """Generate N realistic reports with their ground truth (<name>.truth.json) into OUT."""
    if samples:
        written = _rendering(lambda: write_samples(out))
        click.echo(f"wrote {len(written)} sample reports to {out}")
        return
    try:
        chosen = check_formats(formats.split(","))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--formats") from exc
    paths = _rendering(lambda: generate(out, count, seed, chosen))
    click.echo(f"wrote {len(paths)} reports and their truths to {out} (seed {seed}, formats {','.join(chosen)})")


def _rendering(write: Callable[[], list[Path]]) -> list[Path]:
    """Run a writer; a missing optional renderer dependency (python-docx) becomes a usage error."""
    try:
        return write()
    except ImportError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("score")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--min-accuracy", type=click.FloatRange(0, 1), default=None,
              help="Exit 1 if any format scores below this (0-1) in any category: "
                   + ", ".join(CATEGORIES) + ".")
@click.option("--top", default=15, show_default=True, type=click.IntRange(min=0),
              help="How many of the commonest mismatching fields to list.")
@click.option("--features", "all_features", is_flag=True,
              help="List every feature of the corpus (layouts, encodings, variants) with its mismatch share.")
@click.option("--reports", "per_report", is_flag=True,
              help="Add one line per report: fields right / scored in each category.")
def score_command(directory: Path, min_accuracy: float | None, top: int, all_features: bool,
                  per_report: bool) -> None:
    """Parse every report of a generated corpus in DIRECTORY and compare the records with the truths."""
    try:
        report = score(directory)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    if not report.documents:
        raise click.ClickException(f"no *.truth.json files in {directory}: generate a corpus with `nianbao synth`")
    click.echo(report.render(top, all_features=all_features, per_report=per_report))
    if min_accuracy is not None and report.worst() < min_accuracy:
        click.echo(f"\nFAIL: lowest accuracy {100 * report.worst():.2f}% is below {100 * min_accuracy:.2f}%", err=True)
        raise SystemExit(1)
