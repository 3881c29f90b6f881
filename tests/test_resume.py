"""Runs that survive: faults injected into real ``nianbao run`` pipelines, then a rerun that resumes.

Each test breaks a run on the local runner with two worker processes (``multi_processing``), the
default for large runs, in one of the ways issue 18 lists: a worker killed with SIGKILL, the launcher
killed with SIGKILL, Ctrl-C, a full disk (a real tmpfs of a few hundred KB, mounted for the test:
root only, skipped otherwise), a file that disappears or changes between the listing and the reading
or between a run and its rerun. Every time: either the run completes, or it fails with one clear
line; the rerun into the same folder completes; and conservation holds (records + dead letters =
inputs, every input once), with records byte-identical to an uninterrupted run's.

The corpus is generated (``nianbao.synth``, text and tab tables: quick to parse), large enough that a
run is still parsing when the first shard is committed (``--checkpoint_interval=0.2``): that is when
the fault is injected.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson
import pytest

from nianbao.pipelines import run_files, staging, table_files
from nianbao.pipelines.interrupt import worker_processes
from nianbao.pipelines.resume import STAGING
from nianbao.pipelines.run import RunError, RunInterrupted, run

from .test_pipeline import read_outputs

N = 1200
NIANBAO = [sys.executable, "-c", "from nianbao.cli import main; main()"]
TWO_WORKERS = ["--direct_num_workers=2", "--direct_running_mode=multi_processing", "--plugins=none",
               "--checkpoint_interval=0.2"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    from nianbao.synth.corpus import generate, truth_path

    root = tmp_path_factory.mktemp("resume-corpus") / "reports"
    for path in generate(root, N, 18, formats=("text", "tsv")):
        truth_path(path).unlink()
    return root


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> Path:
    """The uninterrupted run's outputs (one in-process worker)."""
    out = tmp_path_factory.mktemp("reference")
    run([f"--input={corpus}", f"--output={out}", "--plugins=none", "--direct_num_workers=1"])
    return out


def jsonl_bytes(directory: Path, prefix: str) -> bytes:
    return b"".join(Path(p).read_bytes() for p in run_files.output_files(str(directory), prefix))


def assert_conserved(out: Path, inputs: list[str], summary: dict) -> None:
    """Records + dead letters = inputs, each input exactly once, as the summary says."""
    records, letters = read_outputs(out)
    uris = [r["source"]["uri"] for r in records] + [d["source"]["uri"] for d in letters]
    assert len(uris) == len(set(uris)) == len(inputs), "an input lost or written twice"
    assert sorted(uris) == sorted(inputs)
    assert summary["documents_in"] == summary["records"] + summary["dead_letters"] == len(inputs)
    assert summary["missing"] == 0 and summary["unexpected"] == 0
    assert not (out / STAGING).exists(), "a finished run leaves no staging"
    assert not [name for name in os.listdir(out) if name.startswith(".")], "nor a temporary file (a killed run's)"


def assert_same_as_reference(out: Path, reference: Path) -> None:
    for prefix in (run_files.RECORDS, run_files.DEAD_LETTERS):
        assert jsonl_bytes(out, prefix) == jsonl_bytes(reference, prefix)
    assert (out / table_files.TABLE_CSV).read_bytes() == (reference / table_files.TABLE_CSV).read_bytes()
    # cross-year checks: the reference's come from its one pipeline, a resumed or waved run's from the
    # final records after the merge; the same lines either way
    cross = (reference / run_files.CROSS_CHECKS).read_bytes()
    assert cross.count(b"\n") > 10 and (out / run_files.CROSS_CHECKS).read_bytes() == cross


def inputs_of(corpus: Path) -> list[str]:
    return sorted(str(p) for p in corpus.iterdir())


def wait_for_shard(out: Path, timeout: float = 120, process: subprocess.Popen | None = None) -> None:
    """Until a worker has committed a staged shard (the run is under way and has work to keep)."""
    folder = out / STAGING
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (process is None or process.poll() is None):
        with contextlib.suppress(FileNotFoundError):
            if any(name.endswith(staging.SHARD) for name in os.listdir(folder)):
                return
        time.sleep(0.02)
    raise AssertionError("no shard was committed")


def resume(corpus: Path, out: Path, reference: Path) -> dict:
    """Rerun into ``out``: it must resume (parse fewer than all), finish, and equal the reference."""
    summary = run([f"--input={corpus}", f"--output={out}", *TWO_WORKERS])
    assert 0 < summary["resumed"] < N, summary["resumed"]
    assert_conserved(out, inputs_of(corpus), summary)
    assert_same_as_reference(out, reference)
    return summary


def test_a_killed_worker_stops_the_run_with_one_line_and_the_rerun_resumes(corpus, reference, tmp_path):
    out = tmp_path / "out"
    killed: list[int] = []

    def kill_a_worker() -> None:
        wait_for_shard(out)
        worker = next(p for p in worker_processes() if "python" in p.name())
        killed.append(worker.pid)
        os.kill(worker.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_a_worker)
    killer.start()
    with pytest.raises(RunInterrupted, match=r"a worker process died .*return code -9.*run the same command "
                                             r"again to resume"):
        run([f"--input={corpus}", f"--output={out}", *TWO_WORKERS])
    killer.join()
    assert killed and not worker_processes(), "the other worker was stopped"
    assert not list(out.glob("records-*")), "no final output from a run that did not finish"
    resume(corpus, out, reference)


def test_ctrl_c_prints_one_line_and_the_rerun_resumes(corpus, reference, tmp_path):
    """SIGINT to the whole process group, as a terminal sends it: the launcher and its workers."""
    out = tmp_path / "out"
    command = [*NIANBAO, "run", str(corpus), "-o", str(out), "--no-progress", *TWO_WORKERS]
    launcher = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_for_shard(out, process=launcher)
        os.killpg(launcher.pid, signal.SIGINT)
        _, err = launcher.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(launcher.pid, signal.SIGKILL)
    lines = [line for line in err.decode().splitlines() if "apitools" not in line]
    assert launcher.returncode == 130, err.decode()
    assert lines == [f"nianbao run: interrupted; the outcomes staged so far are kept in {out / STAGING}: "
                     "run the same command again to resume (--fresh starts over)"], err.decode()
    resume(corpus, out, reference)


def test_a_killed_launcher_leaves_staging_that_the_rerun_resumes(corpus, reference, tmp_path):
    out = tmp_path / "out"
    command = [*NIANBAO, "run", str(corpus), "-o", str(out), "--no-progress", *TWO_WORKERS]
    launcher = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
    try:
        wait_for_shard(out, process=launcher)
        launcher.kill()
        launcher.wait(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(launcher.pid, signal.SIGKILL)  # its orphaned workers, if any are left
    assert launcher.returncode == -signal.SIGKILL
    resume(corpus, out, reference)


def test_fresh_starts_over(corpus, reference, tmp_path):
    out = tmp_path / "out"
    (out / STAGING).mkdir(parents=True)
    summary = run([f"--input={corpus}", f"--output={out}", "--plugins=none", "--direct_num_workers=1", "--fresh"])
    assert summary["resumed"] == 0
    assert_conserved(out, inputs_of(corpus), summary)
    assert_same_as_reference(out, reference)


@pytest.fixture
def tiny_disk(tmp_path):
    """A tmpfs of 256 KB (root only): writes past it fail with ENOSPC, as on a full disk."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_with_a_clear_message_and_the_rerun_completes(corpus, reference, tiny_disk):
    out = tiny_disk / "out"
    with pytest.raises(RunError, match=r"No space left on device.*run the same command again to resume"):
        run([f"--input={corpus}", f"--output={out}", *TWO_WORKERS])
    subprocess.run(["mount", "-o", "remount,size=256m", str(tiny_disk)], check=True)  # space freed
    summary = run([f"--input={corpus}", f"--output={out}", *TWO_WORKERS])
    assert_conserved(out, inputs_of(corpus), summary)
    assert_same_as_reference(out, reference)


def test_files_gone_or_changed_after_listing_are_accounted_for(corpus, tmp_path, monkeypatch):
    """Between the listing and the reading: a file deleted is a ``read`` dead letter, one rewritten is
    parsed as it is when read (its record's hash is of the new bytes)."""
    from nianbao.pipelines import run as run_module

    root = tmp_path / "reports"
    shutil.copytree(corpus, root)
    names = sorted(os.listdir(root))[:40]
    gone, changed, donor = root / names[3], root / names[7], root / names[30]
    listed = run_module.write_listing

    def list_then_change(*args, **kwargs):
        listing = listed(*args, **kwargs)
        gone.unlink()
        changed.write_bytes(donor.read_bytes())
        return listing

    monkeypatch.setattr(run_module, "write_listing", list_then_change)
    out = tmp_path / "out"
    summary = run([f"--input={root}", f"--output={out}", *TWO_WORKERS])
    inputs = [*(str(root / name) for name in os.listdir(root)), str(gone)]
    assert_conserved(out, sorted(inputs), summary)
    records, letters = read_outputs(out)
    assert [(d["source"]["uri"], d["error"]["stage"]) for d in letters] == [(str(gone), "read")]
    record = next(r for r in records if r["source"]["uri"] == str(changed))
    assert record["source"]["sha256"] == hashlib.sha256(donor.read_bytes()).hexdigest()


def test_a_file_changed_between_a_run_and_its_rerun_is_parsed_again(corpus, tmp_path):
    """Resuming is keyed by content: a staged input whose bytes changed since is parsed again."""
    root = tmp_path / "reports"
    shutil.copytree(corpus, root)
    out = tmp_path / "out"
    killer = threading.Thread(target=lambda: (wait_for_shard(out), os.kill(os.getpid(), signal.SIGINT)))
    killer.start()
    with pytest.raises(RunInterrupted, match=r"^interrupted; "):
        run([f"--input={root}", f"--output={out}", *TWO_WORKERS])
    killer.join()
    staged = [orjson.loads(line)[0] for shard in (out / STAGING).glob("*.shard")
              for line in shard.read_bytes().splitlines()[::3]]
    changed = Path(staged[0])
    other = root / sorted(set(os.listdir(root)) - {changed.name})[0]
    changed.write_bytes(other.read_bytes())
    summary = run([f"--input={root}", f"--output={out}", *TWO_WORKERS])
    assert_conserved(out, sorted(str(p) for p in root.iterdir()), summary)
    assert 0 < summary["resumed"] < N
    records, _ = read_outputs(out)
    record = next(r for r in records if r["source"]["uri"] == str(changed))
    assert record["source"]["sha256"] == hashlib.sha256(other.read_bytes()).hexdigest()
    assert summary["restaged"] >= 1  # the stale outcome was staged, and dropped for the new one


def test_waves_and_a_spilling_merge_give_the_outputs_of_one_pipeline(corpus, reference, tmp_path, monkeypatch):
    """``--wave_size``: the inputs in several pipelines one after the other; the same outputs, metrics summed.
    The merge's external sort spills runs of 100 entries to disk here (a million inputs' worth, scaled down)."""
    from nianbao.pipelines import extsort, staged

    monkeypatch.setattr(staged, "RUN_ENTRIES", 100)
    spilled: list[str] = []
    spill = extsort.spill
    monkeypatch.setattr(extsort, "spill", lambda *args, prefix: spilled.append(spill(*args, prefix=prefix))
                        or spilled[-1] if prefix == "entries" else spill(*args, prefix=prefix))
    out = tmp_path / "out"
    summary = run([f"--input={corpus}", f"--output={out}", "--plugins=none", "--direct_num_workers=1",
                   "--wave_size=500"])
    assert_conserved(out, inputs_of(corpus), summary)
    assert_same_as_reference(out, reference)
    assert summary["metrics"]["documents"] == summary["metrics"]["staged"] == N  # three waves' counters summed
    assert len(spilled) == N // 100
