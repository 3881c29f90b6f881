"""``nianbao run`` over a folder holding PDFs: the Beam workers load the plugin and read them.

The pipeline runs with two worker *processes* (Beam's multi-processing direct
runner), so the PDF reader is found through the entry point in processes that
did not build the launcher's plugin host, as on a cluster.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("nianbao.pipelines.cli") is None, reason="this nianbao has no `nianbao run` yet"
)
WORKERS = ["--direct_num_workers=2", "--direct_running_mode=multi_processing"]


def run(folder: Path, out: Path, *, plugins: str) -> dict:
    """``nianbao run FOLDER -o OUT --plugins PLUGINS`` on two worker processes; the printed summary."""
    env = {**os.environ, "NIANBAO_LOAD_PLUGINS": "pdf"}
    result = subprocess.run(
        [sys.executable, "-m", "nianbao", "run", str(folder), "-o", str(out), "--plugins", plugins,
         "--no-progress", "--allow-dead-letters", *WORKERS],
        capture_output=True, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def lines(out: Path, prefix: str) -> list[dict]:
    return [json.loads(line) for path in sorted(out.glob(f"{prefix}-*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def folder(tmp_path_factory, report_path) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    shutil.copy(report_path, folder / "huaian-2024.pdf")
    (folder / "saved-error-page.pdf").write_bytes(b"<!DOCTYPE html><html><body>404 Not Found</body></html>")
    return folder


def test_run_reads_pdfs_on_the_workers(folder, tmp_path):
    out = tmp_path / "out"
    summary = run(folder, out, plugins="pdf")
    assert summary["plugins"] == ["pdf"]
    [record] = lines(out, "records")
    assert record["source"]["uri"].endswith("huaian-2024.pdf")
    assert record["source"]["reader"] == "pdf"
    assert record["applications"]["new_received"]["total"] == 3119
    assert record["applications"]["total_handled"]["total"] == 3050
    assert record["proactive"]["fees"] == {"amount_wan": 96171.6}
    assert all(check["ok"] for check in record["checks"])
    [dead] = lines(out, "dead-letters")
    assert dead["source"]["uri"].endswith("saved-error-page.pdf")
    assert dead["error"]["stage"] == "read" and "not a PDF" in dead["error"]["message"]


def test_run_without_the_plugin_makes_the_pdfs_dead_letters(folder, tmp_path):
    out = tmp_path / "out"
    run(folder, out, plugins="none")
    assert lines(out, "records") == []
    dead = lines(out, "dead-letters")
    assert len(dead) == 2
    for letter in dead:
        assert letter["error"]["stage"] == "detect"
        assert letter["error"]["message"].startswith("no reader accepts the file (extension .pdf")
