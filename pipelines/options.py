"""The pipeline's own options: a :class:`PipelineOptions` subclass, so they travel with the job.

Everything a worker needs to reproduce the launcher's parse (the plugin
selection above all) is an option here, never an environment variable: Dask
and Dataflow workers do not see the launcher's environment. Any other Beam
option (``--runner``, ``--direct_num_workers``, ``--dask_client_address``,
``--setup_file`` …) is parsed by Beam itself from the same argument list.
"""

from __future__ import annotations

import argparse

from apache_beam.options.pipeline_options import PipelineOptions

from nianbao.limits import OPTIONS as _LIMIT_OPTIONS
from nianbao.limits import Limits

#: ``--labels`` values: record-key column names, or the template's Chinese labels.
LABELS = ("key", "zh")
#: ``--plugins`` spellings for "every installed entry-point plugin" and "built-ins only".
ALL_PLUGINS = "all"
NO_PLUGINS = "none"
#: Default ``--checkpoint_interval``: each worker commits its staged outcomes this often.
CHECKPOINT_SECONDS = 10.0
#: Default ``--wave_size``: inputs per pipeline.
WAVE_SIZE = 200_000
#: Ground-truth files ``nianbao synth`` writes beside its reports: never inputs, so its folder runs as it is.
TRUTHS = "*.truth.json"
#: The :class:`~nianbao.limits.Limits` fields, each a pipeline option of the same name (``--max_blocks``).
LIMIT_FIELDS = tuple(_LIMIT_OPTIONS)


class NianbaoOptions(PipelineOptions):
    """Options of ``nianbao run``: inputs and exclusions, output directory, CSV labels, plugin and output selection.

    ``--table_labels`` is what ``nianbao run --labels`` sets: Beam itself
    defines ``--labels``/``--label`` for Dataflow job labels, which pass through.
    """

    @classmethod
    def _add_argparse_args(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--input", dest="input", action="append", default=None,
            help="A folder (read recursively), a glob (`reports/**/*.html`, `gs://b/x/*`) or `@FILE`, "
                 "a list file with one path or glob per line. Repeat for several.")
        parser.add_argument(
            "--exclude", dest="exclude", action="append", default=None,
            help="A glob: leave out input files whose path, or a folder on it, matches it (matched from the "
                 f"right, as pathlib's PurePath.match). Repeat for several. {TRUTHS} is always left out.")
        parser.add_argument(
            "--output", dest="output", default=None,
            help="Output directory (local, or any Beam filesystem such as gs://).")
        parser.add_argument(  # not --labels: Beam's GoogleCloudOptions owns it (Dataflow job labels)
            "--table_labels", dest="table_labels", default="key", choices=LABELS,
            help="CSV column headers: record keys (`applications.granted.total`) or Chinese labels (zh). "
                 "`nianbao run --labels` sets it.")
        parser.add_argument(
            "--plugins", dest="plugins", default=None,
            help="Entry-point plugins the workers load: `all`, `none` or a comma list of names. "
                 "Default: what NIANBAO_LOAD_PLUGINS says in the launcher (unset = all installed).")
        parser.add_argument(
            "--agency_aliases", dest="agency_aliases", default=None,
            help="A CSV of `name,canonical` rows: agency names the cross-year checks treat as one body. "
                 "Read by the launcher. `nianbao run --agency-aliases` sets it.")
        parser.add_argument(
            "--population", dest="population", default=None,
            help="A CSV of `name,population[,year]` rows (persons): fills measures.applications_per_10k. "
                 "Read by the launcher.")
        for field in LIMIT_FIELDS:  # nianbao run --max-blocks … sets them; the launcher fills in the rest
            parser.add_argument(
                f"--{field}", dest=field, default=None, type=float if field == "time_budget" else int,
                help=f"Limits.{field} for every document (0: no limit). Default: the launcher's "
                     f"NIANBAO_{field.upper()}, else nianbao's default. Travels to the workers with the job.")
        parser.add_argument(
            "--outputs", dest="outputs", default="all",
            help="Plugin outputs (register_outputs) to write besides the built-in files: `all`, `none` "
                 "or a comma list of names. They run in the launcher, during the merge.")
        parser.add_argument(
            "--fresh", dest="fresh", action="store_true", default=False,
            help="Start over: ignore the outcomes an interrupted run staged in the output directory "
                 "(by default a rerun parses only what is missing).")
        parser.add_argument(
            "--wave_size", dest="wave_size", type=int, default=WAVE_SIZE,
            help="Inputs per pipeline: a larger run is parsed in waves of this many, one pipeline each "
                 "(the local runner hands each worker its whole share at once; waves bound its memory).")
        parser.add_argument(
            "--checkpoint_interval", dest="checkpoint_interval", type=float, default=CHECKPOINT_SECONDS,
            help="Seconds between commits of each worker's staged outcomes: what an interruption can lose.")


def resolve_plugins(value: str | None, *, installed: list[str] | None = None) -> tuple[str, ...]:
    """The explicit, sorted list of entry-point plugin names the workers must load.

    ``value`` is the ``--plugins`` option; ``None`` falls back to the launcher's
    ``NIANBAO_LOAD_PLUGINS`` (unset = all installed, empty = none). ``all`` is
    expanded here, in the launcher, to the plugins installed *here*, so workers
    load the same set or fail loudly (see :class:`~nianbao.pipelines.transforms.ParseFn`).
    """
    if value is None:
        from nianbao.host import env_selection

        selected = env_selection()
        value = ALL_PLUGINS if selected is None else (",".join(sorted(selected)) or NO_PLUGINS)
    value = value.strip()
    if value == NO_PLUGINS or not value:
        return ()
    if value == ALL_PLUGINS:
        if installed is None:
            from importlib import metadata

            from nianbao.host import ENTRY_POINT_GROUP

            installed = [ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)]
        return tuple(sorted(set(installed)))
    return tuple(sorted({name.strip() for name in value.split(",") if name.strip()}))


def resolve_limits(options: NianbaoOptions) -> Limits:
    """The limits every worker runs under: the launcher's ``NIANBAO_*`` variables and defaults, with the
    options given on top; written back into ``options`` whole, so they travel with the job and no worker
    reads its own environment for them."""
    limits = Limits.resolve({field: getattr(options, field) for field in LIMIT_FIELDS})
    for field, value in limits.as_dict().items():
        setattr(options, field, value)
    return limits
