"""Test set-up: installed third-party plugins must not leak into the tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["NIANBAO_LOAD_PLUGINS"] = ""

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
SAMPLES = REPO / "samples"


@pytest.fixture(scope="session")
def host():
    from nianbao.host import build_host

    return build_host(entry_points=False)
