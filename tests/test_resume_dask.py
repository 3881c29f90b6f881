"""Faults on the Dask runner: a Dask worker killed with SIGKILL mid-run, and a launcher interrupted then resumed.

The cluster is :mod:`tests.test_pipeline_dask`'s (a scheduler and two single-threaded worker processes
on loopback, each under its nanny), started afresh for this module because a worker is killed here.
"""

from __future__ import annotations

import os
import signal
import threading

import psutil
import pytest

from nianbao.pipelines.run import RunError, RunInterrupted, run

from .test_pipeline_dask import DASK_RUNNER, cluster  # noqa: F401 (the fixture, one instance for this module)
from .test_resume import (
    N,
    assert_conserved,
    assert_same_as_reference,
    corpus,  # noqa: F401 (fixture)
    inputs_of,
    reference,  # noqa: F401 (fixture)
    wait_for_shard,
)

pytest.importorskip("distributed")


def dask_args(cluster) -> list[str]:  # noqa: F811
    # small partitions: the work is spread in many tasks, so a worker dies with some of them
    return [DASK_RUNNER, f"--dask_client_address={cluster.address}", "--plugins=none",
            "--dask_npartitions=48", "--checkpoint_interval=0.2"]


def test_a_killed_dask_worker_loses_nothing(cluster, corpus, reference, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    victim = sorted(cluster.pids)[0]

    killed = threading.Event()

    def kill_a_worker() -> None:
        wait_for_shard(out)
        os.kill(victim, signal.SIGKILL)
        killed.set()

    killer = threading.Thread(target=kill_a_worker)
    killer.start()
    try:
        summary = run([f"--input={corpus}", f"--output={out}", *dask_args(cluster)])
    except RunError as exc:  # the scheduler gave up on the tasks: one clear line, then the rerun completes
        assert "run the same command again to resume" in str(exc)
        killer.join()
        summary = run([f"--input={corpus}", f"--output={out}", *dask_args(cluster)])
        assert summary["resumed"] > 0
    killer.join()
    assert_conserved(out, inputs_of(corpus), summary)
    assert_same_as_reference(out, reference)
    # the victim died mid-run (a shard was committed before, the merge came after): its tasks were done
    # again by the others (its nanny's new worker among them, perhaps); none of its work is missing
    assert killed.is_set() and not psutil.pid_exists(victim)


def test_an_interrupted_dask_run_resumes(cluster, corpus, reference, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    killer = threading.Thread(target=lambda: (wait_for_shard(out), os.kill(os.getpid(), signal.SIGINT)))
    killer.start()
    with pytest.raises(RunInterrupted, match=r"^interrupted; .*run the same command again to resume"):
        run([f"--input={corpus}", f"--output={out}", *dask_args(cluster)])
    killer.join()
    summary = run([f"--input={corpus}", f"--output={out}", *dask_args(cluster)])
    assert 0 < summary["resumed"] < N
    assert_conserved(out, inputs_of(corpus), summary)
    assert_same_as_reference(out, reference)
