"""The command line, run as a user runs it: a real subprocess of the installed ``nianbao`` script."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson

from .conftest import SEED_FILES, SEEDS

ENV = {**os.environ, "NIANBAO_LOAD_PLUGINS": ""}


def nianbao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianbao", *args], capture_output=True, env=ENV, timeout=120)


def test_parse_prints_one_json_line_per_file():
    seeds = sorted(str(p) for p in SEED_FILES)
    result = nianbao("parse", *seeds)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(seeds)
    records = [orjson.loads(line) for line in lines]
    assert [r["source"]["uri"] for r in records] == seeds
    assert records[2]["agency"] == "天津市东丽区工业和信息化局"


def test_parse_pretty():
    result = nianbao("parse", "--pretty", str(SEEDS / "003_e1faf3f31da2fcd8.txt"))
    assert result.returncode == 0
    assert result.stdout.startswith(b"{\n  ")
    assert orjson.loads(result.stdout)["template"] == "mixed"


def test_bad_files_are_named_with_their_stage_and_do_not_stop_the_others(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    missing = tmp_path / "missing.txt"
    good = SEEDS / "004_2dfc536c7b58f7e3.txt"
    result = nianbao("parse", str(empty), str(junk), str(missing), str(good))
    assert result.returncode == 1
    err = result.stderr.decode()
    assert f"{empty}: [detect] the file is empty" in err
    assert f"{junk}: [detect] no reader accepts the file" in err
    assert f"{missing}: [read] cannot open the file" in err
    assert len(result.stdout.splitlines()) == 1
    assert orjson.loads(result.stdout)["year"] == 2020


def test_plugins_lists_readers_extractors_and_checks_with_their_package():
    result = nianbao("plugins")
    assert result.returncode == 0
    out = result.stdout.decode()
    assert "nianbao.plugins.text  (nianbao" in out
    for line in ("reader text", "reader tsv", "extractor metadata", "extractor applications",
                 "check applications.balance", "check review_litigation.total"):
        assert line in out


def test_version_and_help():
    assert nianbao("--version").stdout.decode().startswith("nianbao, version")
    assert b"parse" in nianbao("--help").stdout
