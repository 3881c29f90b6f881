"""Build and run the pipeline, then merge its staged outcomes into the final outputs.

:func:`run` is the library form of ``nianbao run``: it takes the same argument
list (``--input``, ``--output``, ``--table_labels``, ``--plugins`` and any
Beam option), and returns the summary it also writes to ``summary.json``.

The launcher does three things besides running the pipeline:

1. It expands the inputs (folders, globs, ``@list`` files) into the exact list
   of files, so "documents in" is known before anything runs, progress has a
   total, and runners that split ``Create`` (Dask) spread the files.
2. It picks the runner. The default is Beam's FnApiRunner on every core
   (``multi_processing``): in Beam 2.77, the ``DirectRunner`` name first tries
   to download and start Prism, a network call nianbao must not make by
   default, so ``DirectRunner`` (or no ``--runner``) means the FnApiRunner here.
3. It merges the staged shards in input order (:mod:`nianbao.pipelines.merge`), one outcome per input
   however often a runner staged it, and proves conservation from what is on
   disk: every input has exactly one outcome, or the summary lists it as missing. On the local
   runner with worker processes the merge runs while they parse, as their shards are committed
   (:class:`~nianbao.pipelines.merge.OverlappedMerge`); elsewhere after the pipeline.
   Plugin outputs (:mod:`nianbao.output`) are opened before the pipeline runs,
   so a misconfigured one costs nothing, and fed in the same merge.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import logging
import os
import re
import resource
import shlex
import shutil
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import DirectOptions, PipelineOptions, StandardOptions, WorkerOptions
from apache_beam.runners.runner import PipelineState

from nianbao.agency import Aliases
from nianbao.derive import Populations
from nianbao.errors import NianbaoError
from nianbao.host import build_host
from nianbao.output import Outputs, select, selects_none

from .crossyear import FactSorter, cross_year_local, merge_cross_checks
from .errors import RunError, RunInterrupted
from .heap import fewer_collections
from .interrupt import Interrupts
from .listing import (
    INPUTS,
    LISTED,
    TODO,
    Listing,
    ListingWriter,
    clean_globs,
    input_uris,
    is_excluded,
    move_listing,
    read_listing,
    write_listing,
)
from .merge import Outcomes, OverlappedMerge, merge
from .options import TRUTHS, NianbaoOptions, resolve_limits, resolve_plugins
from .report import ReportFeed
from .resume import Staging, file_sha256, open_staging, pending, run_key, shard_prefix
from .run_files import RECORDS, SUMMARY, output_files, write_summary
from .staged import newest_hashes, sorted_entries
from .staging import (
    PART,
    SHARD,
)
from .storage import is_local, join
from .table_files import warm_up
from .transforms import CROSS, CROSS_PART, NAMESPACE, build, build_cross_year

_LOG = logging.getLogger(__name__)

#: The Prism-free local runner behind nianbao's default (and behind ``--runner DirectRunner``).
LOCAL_RUNNER = "apache_beam.runners.portability.fn_api_runner.FnApiRunner"
DASK_RUNNER = "apache_beam.runners.dask.dask_runner.DaskRunner"
_DIRECT_NAMES = {"direct", "directrunner", "switchingdirectrunner", "fnapirunner", LOCAL_RUNNER.lower(),
                 "apache_beam.runners.direct.direct_runner.directrunner"}
_RUNNER_ALIASES = {"dask": DASK_RUNNER, "daskrunner": DASK_RUNNER}
#: ``progress(done, total)``: called from a background thread while the pipeline runs.
ProgressFn = Callable[[int, int], None]
#: The start of the INFO line :func:`phase` logs for each phase of a run (``benchmarks/scale.py`` reads them).
PHASE = "nianbao phase"


@contextlib.contextmanager
def phase(name: str) -> Iterator[None]:
    """Log one INFO line when the phase ends: its wall seconds, the launcher's CPU seconds in it (all its
    threads) and the CPU seconds of child processes that ended in it (local workers, the report's process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        yield
    finally:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        _LOG.info("%s %s: %.3f s wall, %.3f s CPU launcher, %.3f s CPU children", PHASE, name,
                  time.perf_counter() - wall, time.process_time() - cpu,
                  max(0.0, after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime))


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------


def exclude_paths(paths: Iterable[str], globs: Iterable[str]) -> tuple[list[str], list[str]]:
    """``(kept, excluded)``: a path is excluded when it, or a folder on it, matches a glob from the right
    (:func:`~.listing.is_excluded`)."""
    globs = clean_globs(globs)
    kept: list[str] = []
    excluded: list[str] = []
    for path in paths:
        (excluded if is_excluded(path, globs) else kept).append(path)
    return kept, excluded


def expand_inputs(inputs: Iterable[str], *, exclude: str | None = None) -> list[str]:
    """Folders (recursive), globs and ``@list`` files → the sorted, unique list of input files, in memory.

    An archive (``.zip``, ``.gz``) stands for the inputs inside it (:func:`nianbao.archive.list_members`).
    Local paths are made absolute (workers may run elsewhere). Files under ``exclude`` (the output
    directory) are left out, so a run into a folder inside its input does not read its own outputs.
    ``nianbao run`` itself lists into a file (:func:`~.listing.write_listing`), never a list like this one.
    """
    paths = sorted(set(input_uris(inputs, exclude=exclude)))
    if not paths:
        raise RunError("no input files (every match was inside the output directory)")
    return paths


def list_inputs(inputs: Sequence[str], output: str, exclude: Iterable[str]) -> Listing:
    """The run's input listing, in a temporary file until :func:`~.listing.move_listing` puts it in the staging."""
    handle, target = tempfile.mkstemp(prefix="nianbao-inputs-", suffix=LISTED)
    os.close(handle)
    try:
        return write_listing(inputs, target, exclude=output, globs=[TRUTHS, *exclude])
    except BaseException:
        os.remove(target)
        raise


# --------------------------------------------------------------------------
# Runner
# --------------------------------------------------------------------------


def _has_flag(argv: Sequence[str], name: str) -> bool:
    return any(arg == name or arg.startswith(name + "=") for arg in argv)


def runner_path(name: str | None) -> str:
    """The runner a ``--runner`` value means to nianbao: direct names map to :data:`LOCAL_RUNNER`.

    ``BundleBasedDirectRunner`` and ``PrismRunner`` stay available by name.
    """
    if not name or name.lower() in _DIRECT_NAMES:
        return LOCAL_RUNNER
    return _RUNNER_ALIASES.get(name.lower(), name)


def import_runner_options(name: str | None) -> None:
    """Import the module of a runner so that its own options (``--dask_client_address`` …) register.

    The Dask runner is an optional extra: a missing ``dask``/``distributed``
    becomes a :class:`RunError` with the install hint.
    """
    path = runner_path(name)
    if "." not in path:
        from apache_beam.runners.runner import create_runner

        try:
            create_runner(path)
        except ValueError as exc:
            raise RunError(f"unknown runner {name!r}: {exc}") from exc
        except ImportError as exc:  # e.g. DataflowRunner without apache-beam[gcp]
            raise RunError(f"runner {name!r} is not available: {exc}. Install the Beam extra it needs "
                           "(apache-beam[gcp] for Dataflow, apache-beam[aws] for s3://)") from exc
        return
    module = path.rsplit(".", 1)[0]
    try:
        importlib.import_module(module)
        if path == DASK_RUNNER:
            importlib.import_module("dask.distributed")
    except ImportError as exc:
        hint = " Install it with: pip install 'nianbao[dask]'" if "dask" in path.lower() else ""
        raise RunError(f"runner {name!r} is not available: {exc}.{hint}") from exc


#: Below this many documents the local default is one in-process worker: a worker subprocess spends
#: about two seconds of CPU importing Beam, more than a small run gains from a second core.
SMALL_RUN = 1000


def choose_runner(options: PipelineOptions, argv: Sequence[str], documents: int | None = None) -> tuple[Any, str]:
    """The runner object (or name) to run with and its display name; fills in the local defaults.

    No ``--runner`` (or ``DirectRunner``) is the FnApiRunner, never Prism.
    Unless the user set them, ``direct_num_workers`` is the number of cores
    (one for fewer than :data:`SMALL_RUN` documents) and ``direct_running_mode``
    is ``multi_processing`` when there are several workers. On Dask, unless the user set
    ``--dask_npartitions`` or ``--dask_partition_size``, each pipeline element (a chunk of the
    listing) is a partition.
    """
    requested = options.view_as(StandardOptions).runner
    path = runner_path(requested)
    import_runner_options(requested)
    if path == DASK_RUNNER and not any(_has_flag(argv, flag) for flag in ("--dask_npartitions",
                                                                          "--dask_partition_size")):
        from apache_beam.runners.dask.dask_runner import DaskOptions

        # a pipeline element is a chunk of the listing: one Dask partition each (Dask's default of 128 items
        # a partition would put a small run's chunks all on one worker)
        options.view_as(DaskOptions).partition_size = 1
    if path != LOCAL_RUNNER:
        return path, path.rsplit(".", 1)[-1]
    direct = options.view_as(DirectOptions)
    cores = os.cpu_count() or 1
    if not _has_flag(argv, "--direct_num_workers"):
        direct.direct_num_workers = 1 if documents is not None and documents < SMALL_RUN else cores
    if not _has_flag(argv, "--direct_running_mode") and direct.direct_num_workers != 1:
        direct.direct_running_mode = "multi_processing"
    if not _has_flag(argv, "--default_sdk_harness_log_level"):  # local workers: no INFO per gRPC channel
        options.view_as(WorkerOptions).default_sdk_harness_log_level = "ERROR"
    workers = direct.direct_num_workers or cores
    return local_runner(options), (f"FnApiRunner ({workers} worker{'s' * (workers != 1)}, "
                                   f"{direct.direct_running_mode})")


def local_runner(options: PipelineOptions) -> Any:
    """The FnApiRunner as Beam's ``DirectRunner`` builds it (options provisioned to workers), minus Prism."""
    from apache_beam.portability.api import beam_provision_api_pb2
    from apache_beam.runners.portability.fn_api_runner import fn_runner
    from apache_beam.runners.portability.portable_runner import JobServiceHandle

    own = set(vars(NianbaoOptions([])._visible_options))  # worker processes have no parser for these
    values = {k: v for k, v in options.get_all_options().items() if k not in own}
    encoded = JobServiceHandle.encode_pipeline_options(values)
    info = fn_runner.ExtendedProvisionInfo(beam_provision_api_pb2.ProvisionInfo(pipeline_options=encoded))
    return _quiet_runner_class()(provision_info=info)


#: How a local worker process starts: through :mod:`nianbao.pipelines.worker`, which keeps Beam's start-up quiet.
#: ``exec``: Beam runs the command through ``/bin/sh -c``; the worker replaces the shell, so a worker killed
#: is one process gone (no shell left behind printing "Killed").
WORKER_COMMAND = f"exec {shlex.quote(sys.executable)} -m nianbao.pipelines.worker"


@functools.cache
def _quiet_runner_class() -> type:
    """The FnApiRunner whose ``multi_processing`` workers start with :data:`WORKER_COMMAND`.

    Beam's ``run_pipeline`` sets the subprocess environment (Beam's own worker command) on
    ``_default_environment`` just before using it; this class swaps the command there.
    """
    from apache_beam.runners.portability.fn_api_runner import fn_runner
    from apache_beam.transforms.environments import SubprocessSDKEnvironment

    class QuietFnApiRunner(fn_runner.FnApiRunner):
        @property
        def _default_environment(self) -> Any:
            return self._nianbao_environment

        @_default_environment.setter
        def _default_environment(self, environment: Any) -> None:
            if isinstance(environment, SubprocessSDKEnvironment):
                environment = SubprocessSDKEnvironment.from_command_string(WORKER_COMMAND)
            self._nianbao_environment = environment

    return QuietFnApiRunner


# --------------------------------------------------------------------------
# Progress, metrics
# --------------------------------------------------------------------------


class _Progress(threading.Thread):
    """Counts staged outcomes while the pipeline runs and reports ``(done, total)``.

    Each outcome is three lines in a shard; only the bytes appended since the
    last look are read (shards are tracked by inode across their rename).
    """

    def __init__(self, staging: str, total: int, callback: ProgressFn, interval: float = 0.5, *,
                 prefix: str = "") -> None:
        super().__init__(name="nianbao-progress", daemon=True)
        self.staging, self.total, self.callback, self.interval = staging, total, callback, interval
        self.prefix = prefix  # this run's shards only (a resumed run's earlier ones are not progress)
        self.stopped = threading.Event()
        self.seen: dict[int, tuple[int, int]] = {}  # inode → (bytes read, newlines in them)

    def count(self) -> int:
        try:
            entries = [e for e in os.scandir(self.staging)
                       if e.name.endswith((PART, SHARD)) and e.name.startswith(self.prefix)]
        except OSError:
            return 0
        for entry in entries:
            try:
                info = entry.stat()
                read, lines = self.seen.get(info.st_ino, (0, 0))
                if info.st_size > read:
                    with open(entry.path, "rb") as handle:
                        handle.seek(read)
                        chunk = handle.read(info.st_size - read)
                    self.seen[info.st_ino] = (read + len(chunk), lines + chunk.count(b"\n"))
            except OSError:  # renamed or removed under us: next time
                continue
        return sum(lines for _, lines in self.seen.values()) // 3

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.callback(min(self.count(), self.total), self.total)

    def stop(self) -> None:
        self.stopped.set()
        self.join()
        self.callback(min(self.count(), self.total), self.total)


def beam_metrics(result: Any) -> dict[str, int] | None:
    """nianbao's Beam counters (summed over steps), or ``None`` where the runner has none (Dask)."""
    try:
        from apache_beam.metrics.metric import MetricsFilter

        counters = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))["counters"]
    except Exception:  # NotImplementedError on Dask; anything else is not worth failing a finished run
        return None
    totals: dict[str, int] = {}
    for counter in counters:
        value = counter.committed if counter.committed is not None else counter.attempted
        totals[counter.key.metric.name] = totals.get(counter.key.metric.name, 0) + (value or 0)
    return dict(sorted(totals.items()))


def _remove(directory: str) -> None:
    try:
        if is_local(directory):
            shutil.rmtree(directory, ignore_errors=True)
        else:
            FileSystems.delete([directory.rstrip("/") + "/"])
    except Exception as exc:  # leftover staging is untidy, not an error
        _LOG.warning("could not remove the staging directory %s: %s", directory, exc)


# --------------------------------------------------------------------------
# Run
# --------------------------------------------------------------------------


def open_outputs(plugins: Sequence[str], spec: str | None, directory: str) -> Outputs:
    """Open the plugin outputs ``spec`` selects (``--outputs``) on ``directory``, in the launcher.

    The launcher builds its own plugin host from the same plugin selection as
    the workers; outputs run here because they see one ordered stream. A
    selected plugin installed only where the workers run (a Dask cluster's
    environment) is not an error here: it just has no outputs in this run.
    """
    if selects_none(spec):  # --outputs none: no plugin host to build
        return Outputs((), directory)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"plugin .* was asked for", category=RuntimeWarning)
        host = build_host(entry_points=list(plugins))
    absent = sorted(set(plugins) - {info.name for info in host.infos if info.error is None})
    if absent:
        _LOG.info("plugins not loaded in the launcher (their outputs are not written): %s", ", ".join(absent))
    return Outputs(select(host.outputs, spec), directory, owner=lambda name: host.owner("output", name))


def run(argv: Sequence[str], *, progress: ProgressFn | None = None) -> dict[str, Any]:
    """Run ``nianbao run`` from an argument list; return the summary (also written to summary.json).

    ``argv`` holds ``--input`` (repeatable), ``--output``, optionally
    ``--table_labels`` and ``--plugins``, and any Beam pipeline option. ``progress``
    is called with ``(done, total)`` about twice a second while a pipeline
    with a local output directory runs.
    """
    started = time.perf_counter()
    argv = list(argv)
    options = PipelineOptions(argv)
    ours = options.view_as(NianbaoOptions)
    if not ours.input:
        raise RunError("no inputs: give a folder, a glob or @list-file (--input)")
    if not ours.output:
        raise RunError("no output directory (--output)")
    output = os.path.abspath(ours.output) if is_local(ours.output) else ours.output
    with phase("listing"):
        listing = list_inputs(ours.input, output, ours.exclude or ())
    try:
        return _run(argv, options, ours, output, listing, started, progress)
    finally:
        if is_local(listing.uri) and os.path.exists(listing.uri):  # not moved into the staging: an early error
            os.remove(listing.uri)


def _run(argv: list[str], options: PipelineOptions, ours: NianbaoOptions, output: str, listing: Listing,
         started: float, progress: ProgressFn | None) -> dict[str, Any]:
    plugins = resolve_plugins(ours.plugins)
    ours.plugins = ",".join(plugins) or "none"  # the resolved selection travels with the job
    try:
        limits = resolve_limits(ours)  # so do the limits: workers never read their own environment for them
    except ValueError as exc:
        raise RunError(str(exc)) from exc
    try:
        aliases = Aliases.load(ours.agency_aliases) if ours.agency_aliases else None
        populations = Populations.load(ours.population, aliases) if ours.population else None
    except NianbaoError as exc:
        raise RunError(str(exc)) from exc
    # what the staged records depend on besides their bytes: resuming with other tables or limits starts over
    key = run_key(plugins, limits=repr(limits),
                  **{name: file_sha256(path) if path and is_local(path) else path
                     for name, path in (("agency_aliases", ours.agency_aliases), ("population", ours.population))})
    staging = open_staging(output, key, fresh=ours.fresh)
    if staging.note:
        _LOG.warning("%s", staging.note)
    try:  # before anything is written or parsed: an output that cannot open ends the run here
        plugin_outputs = open_outputs(plugins, ours.outputs, output)
    except NianbaoError as exc:
        if not staging.resumed:  # nothing staged yet: leave the output folder as it was
            _remove(staging.path)
        raise RunError(str(exc)) from exc

    try:
        listing = move_listing(listing, join(staging.path, INPUTS))  # where workers read their chunks
        todo = to_parse(listing, staging)
        runner, runner_name = choose_runner(options, argv, todo.count)
    except BaseException:
        plugin_outputs.abort()
        raise
    # One pipeline sees every record only when there is one wave and nothing was resumed; otherwise the
    # cross-year checks run after the merge, over the final records. So do the local runner's: its
    # GroupByKey would hold every record's facts in the launcher, the launcher's external sort does not.
    local = runner_path(options.view_as(StandardOptions).runner) == LOCAL_RUNNER
    whole = not local and not staging.resumed and todo.count <= ours.wave_size

    def pipelines() -> Iterator[beam.Pipeline]:
        """One pipeline per wave of at most --wave_size inputs, each a fresh runner."""
        for number, chunks in enumerate(todo.waves(ours.wave_size)):
            wave_runner = runner if number == 0 else choose_runner(options, argv, todo.count)[0]
            pipeline = beam.Pipeline(runner=wave_runner, options=options)
            build(pipeline, chunks, staging.path, plugins, aliases=aliases, populations=populations, limits=limits,
                  prefix=shard_prefix(staging.generation), checkpoint=ours.checkpoint_interval, cross_year=whole)
            yield pipeline

    hint = resume_hint(staging)
    warming = threading.Thread(target=warm_up, name="nianbao-warm-up", daemon=True)
    metrics: dict[str, int] | None = None
    page: ReportFeed | None = None
    overlapped: OverlappedMerge | None = None
    try:
        with plugin_outputs, contextlib.ExitStack() as stack:
            scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="nianbao-facts-"))
            facts = FactSorter(scratch, aliases) if local else None  # fed by the merge
            warming.start()  # while the pipeline runs, the launcher is mostly idle
            if todo.count and overlaps(options, staging, plugin_outputs):  # merge as the workers stage
                stack.enter_context(fewer_collections())
                page = ReportFeed(output, spool=staging.path)
                overlapped = OverlappedMerge(
                    listing.uri, todo.uri if staging.resumed else None, staging.path, shard_prefix(staging.generation),
                    Outcomes(output, labels=ours.table_labels, plugin_outputs=plugin_outputs, facts=facts, page=page),
                    scratch)
                overlapped.start()
                stack.callback(overlapped.abort)  # a failed run: stopped before its scratch folder goes (else a no-op)
            if todo.count:  # a resumed run may find everything staged
                monitor = (_Progress(staging.path, todo.count, progress, prefix=shard_prefix(staging.generation))
                           if progress and is_local(staging.path) else None)
                with phase("pipeline"):
                    metrics = execute(pipelines(), monitor, hint)
            pipeline_done = time.perf_counter()
            if page is None:  # report.html reads the outcomes as the merge hands them on, behind it (a spool)
                page = ReportFeed(output, spool=staging.path if is_local(staging.path) else None)
            warming.join()
            with phase("merge"), fewer_collections():
                if overlapped is not None:
                    counts = overlapped.finish()
                    _LOG.info("nianbao merge during the pipeline: %d of %d outcomes written, %.3f s CPU (its thread)",
                              overlapped.during, overlapped.outcomes.written, overlapped.cpu)
                else:
                    counts = merge(read_listing(listing.uri), staging.path, output, labels=ours.table_labels,
                                   plugin_outputs=plugin_outputs, facts=facts, page=page)
            page.outcomes_done()  # it draws the charts while the cross-year checks run here
            if not whole:
                with phase("cross-year"), fewer_collections():
                    cross_year_after_merge(output, staging.path, aliases, options, hint, facts)
        with phase("cross-checks"):
            counts["cross_checks"] = merge_cross_checks(staging.path, output)
    except OSError as exc:  # the final outputs cannot be written (a full disk …): the staged work is kept
        _stop(page, overlapped)
        raise RunError(f"cannot write the outputs in {output}: {exc}; {hint}") from exc
    except BaseException:
        _stop(page, overlapped)
        raise
    finally:
        plugin_outputs.abort()  # a no-op once closed; removes partial files when the run failed
    finished = time.perf_counter()
    wall = finished - started
    cross_checks = counts.pop("cross_checks")
    cross_checks["records_without_agency_or_year"] = counts["records"] - cross_checks["records"]
    files = {**counts.pop("files"), "cross_checks": cross_checks["file"], "summary": SUMMARY}
    plugin_results = counts.pop("outputs")
    summary: dict[str, Any] = {
        "documents_in": listing.count,
        "resumed": listing.count - todo.count,
        "records": counts.pop("records"),
        "dead_letters": counts.pop("dead_letters"),
        "missing": counts.pop("missing"),
        "missing_uris": counts.pop("missing_uris"),
        "excluded": listing.excluded,
        "restaged": counts.pop("restaged"),
        "unexpected": counts.pop("unexpected"),
        **counts,  # formats, dead-letter stages and types, failing checks, workers
        "cross_checks": cross_checks,
        "runner": runner_name,
        "plugins": list(plugins),
        "output": output,
        "files": files,
        "outputs": plugin_results,
        "wall_time_s": round(wall, 3),
        "pipeline_time_s": round(pipeline_done - started, 3),
        "merge_time_s": round(finished - pipeline_done, 3),
        "documents_per_s": round(listing.count / wall, 2) if wall else None,
        "metrics": metrics,
    }
    try:
        write_summary(output, summary)
        with phase("report"):
            page.finish()  # the page's process reads summary.json and cross-checks.jsonl, then writes report.html
    except OSError as exc:
        raise RunError(f"cannot write {SUMMARY} or the report in {output}: {exc}; {hint}") from exc
    finally:
        page.abort()  # a no-op once it has finished
    _remove(staging.path)  # only now: until the summary is written, a rerun resumes from it
    return summary


#: ``NIANBAO_OVERLAP_MERGE=0`` makes every run merge after its pipeline (to compare the two; the outputs are the same).
OVERLAP_VARIABLE = "NIANBAO_OVERLAP_MERGE"


def overlaps(options: PipelineOptions, staging: Staging, plugin_outputs: Outputs) -> bool:
    """Whether this run merges during its pipeline: local runner, worker processes, a local staging folder.

    In-process workers share the launcher's interpreter lock (the merge would slow the parse down), other
    runners may stage an input more than once within a run (the merge after the pipeline sees every copy),
    and plugin outputs are fed in the launcher's own thread (a database connection may be tied to it).
    """
    direct = options.view_as(DirectOptions)
    return (os.environ.get(OVERLAP_VARIABLE, "1") != "0"
            and runner_path(options.view_as(StandardOptions).runner) == LOCAL_RUNNER
            and direct.direct_running_mode == "multi_processing" and direct.direct_num_workers != 1
            and is_local(staging.path) and not plugin_outputs.active)


def _stop(page: ReportFeed | None, overlapped: OverlappedMerge | None) -> None:
    """A run that fails: the page's process ends, the merge under way stops and removes its partial files."""
    if overlapped is not None:
        overlapped.abort()
    if page is not None:
        page.abort()


def cross_year_after_merge(output: str, staging: str, aliases: Any, options: PipelineOptions, hint: str,
                           facts: FactSorter | None = None) -> None:
    """The cross-year checks of a run in waves or resumed, over the final records.

    Groups staged by an interrupted run (partial) are dropped first. Locally the launcher groups the
    facts the merge collected (``facts``) by agency with an external sort (:func:`~.crossyear.cross_year_local`,
    bounded memory); another runner runs one more pipeline over the records with the run's own options.
    """
    if is_local(staging):
        for name in os.listdir(staging):
            if name.endswith((CROSS, CROSS_PART)):
                os.remove(os.path.join(staging, name))
    if facts is not None:
        cross_year_local(facts, staging)  # the merge's facts, sorted by an external sort: no GroupByKey
        return
    pipeline = beam.Pipeline(runner=runner_path(options.view_as(StandardOptions).runner), options=options)
    build_cross_year(pipeline, output_files(output, RECORDS), staging, aliases)
    execute([pipeline], None, hint)


def to_parse(listing: Listing, staging: Staging) -> Listing:
    """The inputs a run must parse: all of them, or (resuming) a listing of those without a usable staged
    outcome, written beside the run's listing in the staging folder."""
    if not staging.resumed:
        return listing
    writer = ListingWriter(join(staging.path, TODO))
    with tempfile.TemporaryDirectory(prefix="nianbao-resume-") as scratch:
        shards = sorted(os.path.join(staging.path, name) for name in os.listdir(staging.path)
                        if name.endswith(SHARD))
        for uri in pending(read_listing(listing.uri), newest_hashes(sorted_entries(shards, scratch))):
            writer.add(uri)
    return writer.close()


def resume_hint(staging: Staging) -> str:
    """The end of the one line a stopped run prints: where its work is and how to go on."""
    if not is_local(staging.path):
        return "run the same command again to start over"
    return (f"the outcomes staged so far are kept in {staging.path}: run the same command again to resume "
            "(--fresh starts over)")


def execute(pipelines: Iterable[beam.Pipeline], monitor: _Progress | None, hint: str) -> dict[str, int] | None:
    """Run the pipelines (the waves of a run) one after the other, to the end; return their summed metrics.

    Ctrl-C, a dead worker or a failed pipeline become one :class:`RunError` that says how to resume.
    """
    totals: dict[str, int] | None = {}
    with Interrupts() as interrupts:
        if monitor:
            monitor.start()
        try:
            for pipeline in pipelines:
                result = pipeline.run()
                try:
                    state = result.wait_until_finish()
                finally:
                    client = getattr(result, "client", None)  # the Dask runner's distributed.Client
                    if client is not None:
                        client.close()
                if interrupts.reason is not None:
                    raise RunInterrupted(f"{interrupts.reason}; {hint}")
                if state != PipelineState.DONE:
                    raise RunError(f"the pipeline ended in state {state}; {hint}")
                metrics = beam_metrics(result)
                totals = None if metrics is None or totals is None else {
                    k: totals.get(k, 0) + metrics.get(k, 0) for k in sorted({*totals, *metrics})}
        except KeyboardInterrupt:
            raise RunInterrupted(f"{interrupts.reason or 'interrupted'}; {hint}") from None
        except RunError:
            raise
        except Exception as exc:  # a worker's exception, as the runner reports it
            raise RunError(f"the pipeline failed: {failure_line(exc)}; {hint}") from exc
        finally:
            if monitor:
                monitor.stop()
    return totals


_ERROR_LINE = re.compile(r"^\s*(?:[\w.]+Error|[\w.]+Exception|OSError|KeyboardInterrupt)\b.*$", re.MULTILINE)


def failure_line(exc: BaseException) -> str:
    """The line that says what went wrong in a worker, out of the traceback text a runner wraps it in."""
    text = str(exc)
    lines = _ERROR_LINE.findall(text)
    line = (lines[-1] if lines else text.strip().splitlines()[-1] if text.strip() else type(exc).__name__).strip()
    return line if len(line) <= 300 else line[:297] + "..."
