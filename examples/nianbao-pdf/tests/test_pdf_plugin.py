"""The package as users get it: found through its ``nianbao`` entry point, by the library and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata

import nianbao_pdf


def nianbao(*args: str, plugins: str) -> subprocess.CompletedProcess:
    """Run the installed ``nianbao`` command with ``NIANBAO_LOAD_PLUGINS=plugins``."""
    env = {**os.environ, "NIANBAO_LOAD_PLUGINS": plugins}
    return subprocess.run([sys.executable, "-m", "nianbao", *args], capture_output=True, env=env, timeout=300)


def test_the_entry_point_is_installed():
    [ep] = [ep for ep in metadata.entry_points(group="nianbao") if ep.name == "pdf"]
    assert ep.value == "nianbao_pdf.plugin"
    assert ep.dist is not None and ep.dist.name == "nianbao-pdf"


def test_the_host_lists_the_plugin_its_package_and_what_it_registers(host):
    info = host.info("pdf")
    assert (info.package, info.version, info.error) == ("nianbao-pdf", nianbao_pdf.__version__, None)
    assert info.registers == ("reader pdf",)
    assert info.hooks == ("register_readers",)
    assert host.readers[0].name == "pdf"  # magic bytes outrank every built-in format


def test_nianbao_plugins_shows_it():
    result = nianbao("plugins", "--hook", "register_readers", plugins="pdf")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert f"pdf  (nianbao-pdf {nianbao_pdf.__version__})" in out
    assert "reader pdf  priority 70: .pdf application/pdf" in out
    assert "extractor" not in out  # --hook register_readers: only readers' plugins


def test_nianbao_parse_reads_the_real_report(report_path):
    result = nianbao("parse", str(report_path), plugins="pdf")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["source"]["reader"] == "pdf"
    assert record["applications"]["total_handled"]["total"] == 3050
    assert record["review_litigation"]["review"]["total"] == 351


def test_without_the_plugin_a_pdf_is_a_dead_letter_saying_no_reader_accepts_it(report_path):
    result = nianbao("parse", str(report_path), plugins="")
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "[detect] no reader accepts the file (extension .pdf, mime type application/pdf" in err
