"""Shared fixtures: a plugin host that loads this package through its entry point."""

from __future__ import annotations

import os

import pytest

# Only this package's plugin: other installed plugins must not change what the tests see.
os.environ["NIANBAO_LOAD_PLUGINS"] = "odt"


@pytest.fixture(scope="session")
def host():
    """A host with the built-ins and this package, loaded the way users get it: by entry point."""
    from nianbao.host import build_host

    host = build_host(entry_points=["odt"])
    assert host.owner("reader", "odt") == "odt", "nianbao-odt is not installed: pip install -e examples/nianbao-odt"
    return host
