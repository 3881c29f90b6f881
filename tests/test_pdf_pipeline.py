"""``nianbao run`` over a folder holding PDFs: the Beam workers read them with the built-in PDF reader.

The pipeline runs with two worker *processes* (Beam's multi-processing direct
runner), so the reader is loaded in processes that did not build the
launcher's plugin host, as on a cluster.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import PEER
from .test_pdf_plugin import SCANNED, scanned_pdf

pytest.importorskip("pdfplumber", reason="the pdf extra is not installed: pip install -e '.[pdf]'")
WORKERS = ["--direct_num_workers=2", "--direct_running_mode=multi_processing"]


def run(folder: Path, out: Path) -> dict:
    """``nianbao run FOLDER -o OUT`` on two worker processes; the printed summary."""
    env = {**os.environ, "NIANBAO_LOAD_PLUGINS": ""}
    result = subprocess.run(
        [sys.executable, "-m", "nianbao", "run", str(folder), "-o", str(out), "--no-progress", "--allow-dead-letters",
         *WORKERS],
        capture_output=True, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def lines(out: Path, prefix: str) -> list[dict]:
    return [json.loads(line) for path in sorted(out.glob(f"{prefix}-*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    shutil.copy(PEER / "govnianbao" / "szfgs2024.pdf", folder / "huaian-2024.pdf")
    (folder / "scan.pdf").write_bytes(scanned_pdf(1))
    (folder / "saved-error-page.pdf").write_bytes(b"<!DOCTYPE html><html><body>404 Not Found</body></html>")
    return folder


def test_run_reads_pdfs_on_the_workers(folder, tmp_path):
    out = tmp_path / "out"
    summary = run(folder, out)
    assert summary["formats"] == {"pdf": 1}
    [record] = lines(out, "records")
    assert record["source"]["uri"].endswith("huaian-2024.pdf")
    assert record["source"]["reader"] == "pdf"
    assert record["applications"]["new_received"]["total"] == 3119
    assert record["applications"]["total_handled"]["total"] == 3050
    assert record["proactive"]["fees"] == {"amount_wan": 96171.6}
    assert all(check["ok"] for check in record["checks"])
    dead = {letter["source"]["uri"].rsplit("/", 1)[-1]: letter["error"] for letter in lines(out, "dead-letters")}
    assert dead["saved-error-page.pdf"]["stage"] == "read" and "not a PDF" in dead["saved-error-page.pdf"]["message"]
    assert dead["scan.pdf"]["stage"] == "read" and dead["scan.pdf"]["message"].startswith(SCANNED)
