"""A clone is the whole product: nothing the tests, docs or code use lies outside the repository."""

from __future__ import annotations

import re
import subprocess

from .conftest import REPO

#: The folders issue 12 names; none may reach for reference material beside the checkout.
FOLDERS = ("core", "plugins", "pipelines", "tests", "benchmarks", "fuzz", "examples", "docs", "README.md")
OUTSIDE = re.compile(r"\.\./shared|/work/shared|parent\s*/\s*[\"']shared[\"']")


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "--", *FOLDERS], cwd=REPO, capture_output=True, text=True, check=True)
    return [name for name in out.stdout.splitlines() if name != "tests/test_self_contained.py"]


def test_no_file_reaches_outside_the_repository():
    offenders = []
    for name in tracked_files():
        path = REPO / name
        if path.suffix not in {".py", ".md", ".toml", ".cfg", ".ini", ".txt", ".json", ".yml", ".yaml", ""}:
            continue
        text = path.read_text("utf-8", errors="replace")
        offenders += [f"{name}:{text.count(chr(10), 0, m.start()) + 1}" for m in OUTSIDE.finditer(text)]
    assert not offenders, f"files naming reference material outside the repo: {offenders}"


def test_every_test_data_file_has_a_source():
    sources = (REPO / "tests" / "data" / "SOURCES.md").read_text("utf-8")
    data = [p for p in (REPO / "tests" / "data").rglob("*") if p.is_file() and p.name != "SOURCES.md"]
    assert data
    missing = [p.name for p in data if p.suffix != ".json" and p.name.split(".")[0] not in sources
               and p.name not in sources and p.stem.split("-")[0] not in sources]
    assert not missing, f"test data without a row in tests/data/SOURCES.md: {missing}"


def test_docs_name_the_contract_in_the_repo():
    for name in ("template.md", "record.md"):
        assert (REPO / "docs" / name).is_file()
    readme = (REPO / "README.md").read_text("utf-8")
    assert "docs/record.md" in readme and "RECORD.md" not in readme.replace("docs/record.md", "")
