"""The merge overlapped with the pipeline (:class:`nianbao.pipelines.merge.OverlappedMerge`).

The staged shards of a real run (two worker processes, a shard committed every 0.1 s, so many shards in the
local runner's real layout: each worker's chunks in listing order, the two workers' chunks in turn) are handed
to an overlapped merge one at a time, as the workers committed them: it must write the outcomes of every input
whose outcome and all earlier inputs' are staged, before the pipeline is said to end, and finish with files byte
for byte those of the merge after the pipeline (:func:`nianbao.pipelines.merge.merge`) over the same shards,
and the same counts, also when shards come in an order that makes it wait, when its room for waiting entries
runs out, and for a resumed run (two generations, restaged, missing and unexpected outcomes). Then whole
``nianbao run``s: one that merges during its pipeline against one that merges after it
(``NIANBAO_OVERLAP_MERGE=0``), same inputs, same files.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import orjson
import pytest

from nianbao.pipelines import run as run_module
from nianbao.pipelines.listing import read_listing
from nianbao.pipelines.merge import Outcomes, OverlappedMerge, merge
from nianbao.pipelines.resume import STAGING
from nianbao.pipelines.run_files import REPORT
from nianbao.pipelines.staging import FRAGMENT, SHARD, index_shard
from nianbao.synth.corpus import generate

from .test_tail import _untimed

TWO_WORKERS = ["--direct_num_workers=2", "--direct_running_mode=multi_processing", "--plugins=none"]
FILES = ("records-00000-of-00001.jsonl", "dead-letters-00000-of-00001.jsonl", "reports.csv", "reports.parquet")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("overlap") / "in"
    generate(folder, 400, 18, formats=("text", "tsv"))
    for truth in folder.glob("*.truth.json"):
        truth.unlink()
    (folder / "m-unreadable.bin").write_bytes(b"\x00\x01 not a report")  # a dead letter among the records
    return folder


@pytest.fixture(scope="module")
def staged(corpus, tmp_path_factory) -> Path:
    """A real run's staging folder, kept: its listing and its committed shards with their Arrow fragments."""
    out = tmp_path_factory.mktemp("staged") / "out"
    remove = run_module._remove
    run_module._remove = lambda directory: None
    try:
        run_module.run([f"--input={corpus}", f"--output={out}", *TWO_WORKERS, "--checkpoint_interval=0.1"])
    finally:
        run_module._remove = remove
    return out / STAGING


def shards_of(staging: Path) -> list[Path]:
    """The committed shards, in the order their first outcome comes in the listing (a worker's commit order)."""
    def first(shard: Path) -> str:
        with open(shard, "rb", buffering=0) as handle:
            return next(index_shard(handle))[0]

    return sorted(staging.glob(f"*{SHARD}"), key=first)


def uris_of(shard: Path) -> list[str]:
    with open(shard, "rb", buffering=0) as handle:
        return [uri for uri, *_ in index_shard(handle)]


def commit(shard: Path, staging: Path, name: str | None = None) -> Path:
    """Put a shard into ``staging`` as a worker does: its fragments first, then the shard under its final name."""
    name = name or shard.name
    for fragment in sorted(shard.parent.glob(f"{shard.name}.*{FRAGMENT}")):
        shutil.copy(fragment, staging / (name + fragment.name[len(shard.name):]))
    shutil.copy(shard, staging / (name + ".part"))
    os.replace(staging / (name + ".part"), staging / name)
    return staging / name


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the overlapped merge did not get there"
        time.sleep(0.02)


def after_pipeline(listing: list[str], staging: Path, out: Path) -> dict:
    return merge(listing, str(staging), str(out))


def assert_same_files(one: Path, other: Path) -> None:
    for name in FILES:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name
    assert not [name for name in os.listdir(one) if name.startswith(".")], "temporary files left"


def overlapped(listing: Path, todo: Path | None, staging: Path, out: Path, scratch: Path, **options) -> OverlappedMerge:
    merging = OverlappedMerge(str(listing), str(todo) if todo else None, str(staging), "g0001-",
                              Outcomes(str(out)), str(scratch), poll=0.02, **options)
    merging.start()
    return merging


def test_outcomes_are_written_as_their_shards_are_committed(staged, tmp_path):
    listing = list(read_listing(str(staged / "inputs.list")))
    shards = shards_of(staged)
    assert len(shards) >= 6, "the run committed too few shards to say anything"
    staging = tmp_path / "staging"
    staging.mkdir()
    shutil.copy(staged / "inputs.list", staging / "inputs.list")
    merging = overlapped(staging / "inputs.list", None, staging, tmp_path / "out", tmp_path)
    try:
        here: set[str] = set()
        progress = []
        for shard in shards:
            commit(shard, staging)
            here.update(uris_of(shard))
            prefix = next((i for i, uri in enumerate(listing) if uri not in here), len(listing))
            wait_for(lambda prefix=prefix: merging.outcomes.written >= prefix)
            progress.append(merging.outcomes.written)
            assert merging.outcomes.written == prefix  # never past an input whose outcome is not staged
        assert 0 < progress[0] < progress[len(progress) // 2] < len(listing)  # written while "parsing"
        assert progress[-1] == len(listing)  # every outcome written before the pipeline's end
        counts = merging.finish()
    except BaseException:
        merging.abort()
        raise
    reference = after_pipeline(listing, staged, tmp_path / "after")
    assert counts == reference and counts["records"] == 400 and counts["dead_letters"] == 1
    assert_same_files(tmp_path / "out", tmp_path / "after")


@pytest.mark.parametrize("waiting", [None, 30])
def test_shards_in_reverse_order_or_no_room_to_wait_give_the_same_files(staged, tmp_path, waiting):
    """The last shard first: nothing can be written until the first input's shard comes; with room for 30
    waiting entries, the shards past that are left for the external sort at the pipeline's end."""
    listing = list(read_listing(str(staged / "inputs.list")))
    staging = tmp_path / "staging"
    staging.mkdir()
    merging = overlapped(staged / "inputs.list", None, staging, tmp_path / "out", tmp_path, waiting=waiting)
    try:
        for shard in reversed(shards_of(staged)):
            commit(shard, staging)
        time.sleep(0.2)
        merging.pipeline_done()
        counts = merging.finish()
    except BaseException:
        merging.abort()
        raise
    if waiting:
        assert merging.during < len(listing)  # room ran out: the rest came sorted after the pipeline
    assert counts == after_pipeline(listing, staged, tmp_path / "after")
    assert_same_files(tmp_path / "out", tmp_path / "after")


def test_a_resumed_run_merged_as_it_goes_keeps_the_newest_outcomes_and_counts_as_the_merge_after(staged, tmp_path):
    """Generation 1 staged the first half of the shards, and (again) two of the others; this run (generation 2)
    parses the inputs of the second half. Its listing misses an input that was staged (unexpected) and names one
    nobody staged (missing)."""
    shards = shards_of(staged)
    half = len(shards) // 2
    staging = tmp_path / "staging"
    staging.mkdir()
    for number, shard in enumerate(shards[:half] + shards[half:half + 2]):
        commit(shard, staging, f"g0001-old{number:03d}{SHARD}")
    listing = list(read_listing(str(staged / "inputs.list")))
    gone = uris_of(shards[0])[1]
    listing = sorted({*listing, "/nowhere/never-staged.txt"} - {gone})
    todo = sorted(uri for shard in shards[half:] for uri in uris_of(shard))
    for name, paths in (("inputs.list", listing), ("todo.list", todo)):
        (staging / name).write_bytes(b"".join(orjson.dumps(path) + b"\n" for path in paths))
    merging = OverlappedMerge(str(staging / "inputs.list"), str(staging / "todo.list"), str(staging), "g0002-",
                              Outcomes(str(tmp_path / "out")), str(tmp_path), poll=0.02)
    merging.start()
    try:
        for number, shard in enumerate(shards[half:]):
            commit(shard, staging, f"g0002-new{number:03d}{SHARD}")
        wait_for(lambda: merging.outcomes.written == len(listing) - 1)  # all but the missing one, before the end
        merging.pipeline_done()
        counts = merging.finish()
    except BaseException:
        merging.abort()
        raise
    reference = after_pipeline(listing, staging, tmp_path / "after")
    assert (reference["missing"], reference["unexpected"]) == (1, 1) and reference["restaged"] > 0
    assert counts == reference
    assert_same_files(tmp_path / "out", tmp_path / "after")
    uris = [orjson.loads(line)["source"]["uri"] for line in (tmp_path / "out" / FILES[0]).read_bytes().splitlines()]
    assert uris == sorted(set(uris)) and len(uris) == counts["records"] == len(listing) - 2  # - missing, dead letter


def test_an_aborted_overlapped_merge_leaves_no_file(staged, tmp_path):
    staging = tmp_path / "staging"
    staging.mkdir()
    out = tmp_path / "out"
    merging = overlapped(staged / "inputs.list", None, staging, out, tmp_path)
    commit(shards_of(staged)[0], staging)
    wait_for(lambda: merging.outcomes.written > 0)
    merging.abort()
    assert os.listdir(out) == []


def read_all(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in (*FILES, "cross-checks.jsonl")}


def test_a_run_that_merges_during_its_pipeline_writes_what_one_that_merges_after_writes(corpus, tmp_path, monkeypatch,
                                                                                          caplog):
    """Two real runs of the same inputs on two worker processes, the second told to merge after its pipeline."""
    import logging

    caplog.set_level(logging.INFO, logger="nianbao.pipelines.run")
    during = run_module.run([f"--input={corpus}", f"--output={tmp_path / 'during'}", *TWO_WORKERS,
                             "--checkpoint_interval=0.1"])
    line = next(r.getMessage() for r in caplog.records if "merge during the pipeline" in r.getMessage())
    assert line.endswith("s CPU (its thread)") and " 401 outcomes written" in line
    monkeypatch.setenv(run_module.OVERLAP_VARIABLE, "0")
    caplog.clear()
    after = run_module.run([f"--input={corpus}", f"--output={tmp_path / 'after'}", *TWO_WORKERS,
                            "--checkpoint_interval=0.1"])
    assert not any("merge during the pipeline" in r.getMessage() for r in caplog.records)
    assert read_all(tmp_path / "during") == read_all(tmp_path / "after")
    pages = [_untimed((tmp_path / name / REPORT).read_bytes()).replace(str(tmp_path / name).encode(), b"OUT")
             for name in ("during", "after")]
    assert pages[0] == pages[1] and b"OUT" in pages[0]  # the page but for its minute, wall time and folder
    timing = {"wall_time_s", "pipeline_time_s", "merge_time_s", "documents_per_s", "workers", "output", "metrics"}
    assert {k: v for k, v in during.items() if k not in timing} == {k: v for k, v in after.items() if k not in timing}
    assert sum(during["workers"].values()) == sum(after["workers"].values()) == 401
    for out in (tmp_path / "during", tmp_path / "after"):
        assert not [name for name in os.listdir(out) if name.startswith(".")]  # no staging, no temporary file


def test_a_run_stopped_during_its_pipeline_leaves_the_earlier_outputs_as_they_were(corpus, staged, tmp_path):
    """The merge writes during the pipeline, but the final files replace an earlier run's only when committed:
    a run whose worker is killed leaves the earlier run's files, and no temporary file beside them."""
    import signal
    import threading

    from nianbao.pipelines.interrupt import worker_processes
    from nianbao.pipelines.run import RunInterrupted

    out = tmp_path / "out"
    shutil.copytree(staged.parent, out, ignore=shutil.ignore_patterns(STAGING))
    earlier = {name: (out / name).read_bytes() for name in os.listdir(out)}
    assert set(FILES) < set(earlier)

    def kill_a_worker() -> None:
        wait_for(lambda: any(name.endswith(SHARD) for name in os.listdir(out / STAGING))
                 if (out / STAGING).exists() else False)
        os.kill(next(p for p in worker_processes() if "python" in p.name()).pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_a_worker)
    killer.start()
    with pytest.raises(RunInterrupted, match="a worker process died"):
        run_module.run([f"--input={corpus}", f"--output={out}", *TWO_WORKERS, "--checkpoint_interval=0.1", "--fresh"])
    killer.join()
    assert {name: (out / name).read_bytes() for name in os.listdir(out) if name != STAGING} == earlier
