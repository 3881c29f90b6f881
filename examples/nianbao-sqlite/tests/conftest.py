"""Shared fixtures: a folder of reports (generated, with their truths) plus unreadable files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Only this package's plugin: other installed plugins must not change what the tests see.
os.environ["NIANBAO_LOAD_PLUGINS"] = "sqlite"

#: Reports per format in the folder.
PER_FORMAT = 3


@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """A folder of generated reports in every format, an empty file and binary junk; truths by file name."""
    from nianbao.synth.corpus import FORMATS, render_one

    folder = tmp_path_factory.mktemp("reports")
    truths = {}
    for index in range(PER_FORMAT * len(FORMATS)):
        rendered = render_one(7, index, FORMATS[index % len(FORMATS)])
        (folder / rendered.name).write_bytes(rendered.data)
        truths[rendered.name] = rendered.truth
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.docx").write_bytes(bytes(range(256)) * 8)
    return folder, truths
