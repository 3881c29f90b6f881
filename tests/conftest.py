"""Test set-up: installed third-party plugins must not leak into the tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["NIANBAO_LOAD_PLUGINS"] = ""

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
#: The five seed reports (real text exports) live among the samples, named 000_… to 004_….
SEEDS = SAMPLES
SEED_FILES = sorted(SAMPLES.glob("[0-9][0-9][0-9]_*.txt"))
#: Real reports and other parsers' documents, copied in with their origin (tests/data/SOURCES.md).
DATA = REPO / "tests" / "data"
REAL = DATA / "real"
PEER = DATA / "peer"


@pytest.fixture(scope="session")
def host():
    from nianbao.host import build_host

    return build_host(entry_points=False)
