"""The same pipeline on Beam's Dask runner, on a dask.distributed cluster of two worker processes.

The fixture starts ``dask scheduler`` and two ``dask worker`` processes on
loopback, with an out-of-tree nianbao plugin on the workers' path, and always
tears them down. The test proves, from the written outputs, that both workers
parsed documents, that nothing was lost or written twice, that the records
equal the local runner's, and that the workers used the installed plugin.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from nianbao.pipelines.run import run

from .test_pipeline import install_test_plugin, read_outputs, shared_corpus, shared_direct_run

distributed = pytest.importorskip("distributed", reason="the Dask runner needs pip install 'nianbao[dask]'")
pytest.importorskip("apache_beam.runners.dask.dask_runner")

DASK_RUNNER = "--runner=apache_beam.runners.dask.dask_runner.DaskRunner"
WORKERS = 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(processes: list[subprocess.Popen], timeout: float = 20) -> None:
    for process in reversed(processes):  # workers first, then the scheduler
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-threaded worker processes on 127.0.0.1; yields address and worker pids."""
    plugin_root = install_test_plugin(tmp_path_factory.mktemp("site"))
    logs = tmp_path_factory.mktemp("dask-logs")
    address = f"tcp://127.0.0.1:{_free_port()}"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(plugin_root), os.environ.get("PYTHONPATH")])))
    commands = [[sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                 "--port", address.rsplit(":", 1)[1], "--no-dashboard"]]
    commands += [[sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "1",
                  "--nthreads", "1", "--no-dashboard", "--name", f"worker-{i}"] for i in range(WORKERS)]
    processes: list[subprocess.Popen] = []
    try:
        for i, command in enumerate(commands):
            log = open(logs / f"{i}.log", "wb")  # noqa: SIM115 (the process owns it)
            processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env))
            log.close()
        with distributed.Client(address, timeout="60s") as client:
            client.wait_for_workers(WORKERS, timeout=120)
            pids = set(client.run(os.getpid).values())
        yield SimpleNamespace(address=address, pids=pids, plugin_root=plugin_root, logs=logs)
    finally:
        try:  # the quick way down: the scheduler retires its workers and exits
            with distributed.Client(address, timeout="5s") as client:
                client.shutdown()
        except Exception:  # never started or already gone: terminate below
            pass
        _stop(processes)


def _without_plugin_check(record: dict) -> dict:
    checks = [c for c in record["checks"] if c["rule"] != "testplug.seen"]
    assert len(checks) == len(record["checks"]) - 1, "the plugin's check ran once on the worker"
    return {**record, "checks": checks}


def test_dask_runner_gives_the_local_records_using_both_workers(cluster, tmp_path_factory):
    root, corpus, _ = shared_corpus(tmp_path_factory)
    local, local_out, _ = shared_direct_run(tmp_path_factory)  # the local runner, two worker processes
    dask_out = tmp_path_factory.mktemp("dask")

    on_dask = run([f"--input={root}", f"--output={dask_out}", "--plugins=testplug", DASK_RUNNER,
                   f"--dask_client_address={cluster.address}"])

    # nothing lost, nothing twice
    records, letters = read_outputs(Path(dask_out))
    uris = [r["source"]["uri"] for r in records] + [d["source"]["uri"] for d in letters]
    assert len(uris) == len(set(uris)) == len(corpus)
    assert sorted(uris) == sorted(str(p) for p in corpus)
    assert on_dask["documents_in"] == on_dask["records"] + on_dask["dead_letters"] and on_dask["missing"] == 0

    # identical outcomes to the local runner, plus the check of the plugin installed on the Dask workers
    local_records, local_letters = read_outputs(Path(local_out))
    assert [_without_plugin_check(r) for r in records] == local_records
    assert letters == local_letters
    for name in ("reports.csv", "reports.parquet"):
        assert (Path(dask_out) / name).stat().st_size > 0

    # both worker processes did work, and only they did
    workers = {int(worker.rsplit(":", 1)[1]): count for worker, count in on_dask["workers"].items()}
    assert set(workers) == cluster.pids, (workers, cluster.pids)
    assert all(count > 0 for count in workers.values()) and sum(workers.values()) == len(corpus)
    assert on_dask["runner"] == "DaskRunner" and on_dask["metrics"] is None
    same = ("documents_in", "records", "dead_letters", "formats", "dead_letter_stages")
    assert {k: local[k] for k in same} == {k: on_dask[k] for k in same}


def test_dask_runner_cross_year_checks_find_every_break(cluster, tmp_path_factory):
    """The cross-year GroupByKey on Dask: the generated batch's breaks, gaps and duplicates, nothing false."""
    from .test_crossyear import ALIASES, check_series_run, make_series

    root = tmp_path_factory.mktemp("dask-series")
    chosen = make_series(root)
    aliases = tmp_path_factory.mktemp("dask-aliases") / "aliases.csv"
    aliases.write_text(ALIASES, encoding="utf-8")
    out = tmp_path_factory.mktemp("dask-series-out")
    summary = run([f"--input={root}", f"--output={out}", "--plugins=none", f"--agency_aliases={aliases}",
                   DASK_RUNNER, f"--dask_client_address={cluster.address}"])
    assert summary["runner"] == "DaskRunner"
    check_series_run(Path(out), summary, chosen)
