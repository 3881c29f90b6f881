"""Shared fixtures: the real report, and a plugin host that loads this package through its entry point."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Only this package's plugin: other installed plugins must not change what the tests see.
os.environ["NIANBAO_LOAD_PLUGINS"] = "pdf"

DATA = Path(__file__).resolve().parent / "data"
#: 淮安市人民政府2024年政府信息公开工作年度报告 (6 pages, WPS-made, 2021 template).
REPORT = DATA / "szfgs2024.pdf"


@pytest.fixture(scope="session")
def host():
    """A host with the built-ins and this package, loaded the way users get it: by entry point."""
    from nianbao.host import build_host

    host = build_host(entry_points=["pdf"])
    assert host.owner("reader", "pdf") == "pdf", "nianbao-pdf is not installed: pip install -e examples/nianbao-pdf"
    return host


@pytest.fixture(scope="session")
def report_path() -> Path:
    """The real report's path (its name ends in .pdf)."""
    return REPORT


@pytest.fixture(scope="session")
def report_bytes() -> bytes:
    """The real report's bytes."""
    return REPORT.read_bytes()
