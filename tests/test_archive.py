"""Archives of reports: a .zip is its members, a .gz its one file; zip bombs and path traversal refused.

Everything runs through the real commands: ``nianbao parse`` (click's runner, in
process) and ``nianbao run`` (the Beam pipeline on the local runner).
"""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from nianbao.archive import ArchiveError, ArchiveLimits, list_members, read_member
from nianbao.cli import main
from nianbao.errors import ZipLimitError
from nianbao.pipelines import run_files
from nianbao.pipelines.run import run
from nianbao.pipelines.run_files import iter_jsonl, output_files

from .conftest import SAMPLES, SEED_FILES

LOCAL = "--runner=FnApiRunner"
REPORT = SEED_FILES[4].read_bytes()


def zip_of(entries: dict[str, bytes], *, stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def run_outputs(inputs: list[Path], out: Path) -> tuple[dict, list[dict], list[dict]]:
    summary = run([*(f"--input={path}" for path in inputs), f"--output={out}", LOCAL, "--direct_num_workers=1"])
    records = list(iter_jsonl(output_files(str(out), run_files.RECORDS)))
    letters = list(iter_jsonl(output_files(str(out), run_files.DEAD_LETTERS)))
    return summary, records, letters


def without_uri(record: dict) -> bytes:
    record = {**record, "source": {k: v for k, v in record["source"].items() if k != "uri"}}
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS)


def test_a_zip_of_the_samples_gives_the_same_records_as_the_folder(tmp_path):
    archive = tmp_path / "samples.zip"
    archive.write_bytes(zip_of({path.name: path.read_bytes() for path in sorted(SAMPLES.iterdir())}))
    folder_summary, folder_records, folder_letters = run_outputs([SAMPLES], tmp_path / "folder")
    zip_summary, zip_records, zip_letters = run_outputs([archive], tmp_path / "zip")
    assert folder_letters == zip_letters == []
    assert zip_summary["documents_in"] == folder_summary["documents_in"] == len(list(SAMPLES.iterdir()))
    assert zip_summary["formats"] == folder_summary["formats"]
    assert sorted(map(without_uri, zip_records)) == sorted(map(without_uri, folder_records))
    assert {r["source"]["uri"] for r in zip_records} == {f"{archive}!/{p.name}" for p in SAMPLES.iterdir()}


def test_a_zip_bomb_and_path_traversal_are_refused_and_nothing_is_written_outside_out(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    bomb = bytes(20 * 1024 * 1024)  # 20 MiB of zeros deflate about 1000:1
    archive = work / "download.zip"
    archive.write_bytes(zip_of({"good.txt": REPORT, "bomb.txt": bomb, "../../evil.txt": REPORT,
                                "/etc/cron.d/evil.txt": REPORT, "C:/evil.txt": REPORT}))
    before = sorted(p for p in tmp_path.rglob("*"))
    out = work / "out"
    summary, records, letters = run_outputs([archive], out)
    assert summary["documents_in"] == 5
    assert [r["source"]["uri"] for r in records] == [f"{archive}!/good.txt"]
    errors = {letter["source"]["uri"].split("!/", 1)[1]: letter["error"] for letter in letters}
    assert errors["bomb.txt"]["stage"] == "read" and errors["bomb.txt"]["type"] == "ZipLimitError"
    assert errors["bomb.txt"]["message"].startswith(f"archive {archive}: member bomb.txt would inflate ")
    assert "as a zip bomb does" in errors["bomb.txt"]["message"]
    for name in ("../../evil.txt", "/etc/cron.d/evil.txt", "C:/evil.txt"):
        assert errors[name]["type"] == "ArchiveError"
        assert errors[name]["message"] == (f"archive {archive}: member {name!r} has an unsafe path (absolute, or "
                                           "climbing out with '..'): refused, as path traversal; nothing was extracted")
    after = sorted(p for p in tmp_path.rglob("*") if not p.is_relative_to(out))
    assert after == before  # only OUT was written
    assert not (tmp_path / "evil.txt").exists() and not Path("/etc/cron.d/evil.txt").exists()


def test_nested_archives_and_gzip_files(tmp_path):
    inner = zip_of({"report.txt": REPORT})
    (tmp_path / "outer.zip").write_bytes(zip_of({"inner.zip": inner, "deeper.zip": zip_of({"x.zip": inner})}))
    (tmp_path / "report.txt.gz").write_bytes(gzip.compress(REPORT))
    outer = str(tmp_path / "outer.zip")
    assert list_members(outer) == [f"{outer}!/inner.zip!/report.txt", f"{outer}!/deeper.zip!/x.zip"]
    assert read_member(f"{outer}!/inner.zip!/report.txt") == REPORT
    with pytest.raises(ArchiveError, match=r"nested 3 archives deep, over the limit of 2; .*NIANBAO_ARCHIVE_MAX_DEPTH"):
        read_member(f"{outer}!/deeper.zip!/x.zip!/report.txt")
    assert list_members(outer, limits=ArchiveLimits(max_depth=3))[-1] == f"{outer}!/deeper.zip!/x.zip!/report.txt"
    result = CliRunner().invoke(main, ["parse", outer, str(tmp_path / "report.txt.gz")])
    assert result.exit_code == 1  # x.zip is too deep
    uris = [orjson.loads(line)["source"]["uri"] for line in result.stdout.splitlines()]
    assert uris == [f"{outer}!/inner.zip!/report.txt", f"{tmp_path / 'report.txt.gz'}!/report.txt"]
    assert result.stderr == (f"nianbao: {outer}!/deeper.zip!/x.zip: [read] archive {outer}!/deeper.zip: member "
                             "'x.zip' is itself an archive, nested deeper than the limit of 2; to read such an "
                             "archive anyway, raise the limit: NIANBAO_ARCHIVE_MAX_DEPTH=… (only archives you trust)\n")


def test_a_damaged_archive_inside_an_archive_says_what_is_wrong_with_it(tmp_path):
    outer = tmp_path / "outer.zip"
    outer.write_bytes(zip_of({"cut.zip": zip_of({"a.txt": REPORT})[:60], "ok.txt": REPORT}))
    members = list_members(str(outer))
    assert members == [f"{outer}!/cut.zip", f"{outer}!/ok.txt"]
    with pytest.raises(ArchiveError, match=r"archive .*outer.zip!/cut.zip: not a readable zip \(truncated"):
        read_member(members[0])


def test_a_gzip_bomb_is_refused(tmp_path):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(bytes(30 * 1024 * 1024)))
    match = rf"\[read\] archive {path}: member page.html inflates over .* as a zip bomb does"
    with pytest.raises(ZipLimitError, match=match):
        read_member(f"{path}!/page.html")


def test_a_damaged_archive_is_one_dead_letter_naming_it(tmp_path):
    path = tmp_path / "cut.zip"
    path.write_bytes(zip_of({"a.txt": REPORT})[:100])
    assert list_members(str(path)) == [str(path)]
    result = CliRunner().invoke(main, ["parse", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"nianbao: {path}: [read] archive {path}: not a readable zip (truncated")


def test_too_many_members_is_refused_with_the_limit_to_raise(tmp_path, monkeypatch):
    path = tmp_path / "many.zip"
    path.write_bytes(zip_of({f"{i}.txt": REPORT for i in range(5)}))
    monkeypatch.setenv("NIANBAO_ARCHIVE_MAX_ENTRIES", "4")
    with pytest.raises(ZipLimitError, match=r"5 entries, over the limit of 4 .*NIANBAO_ARCHIVE_MAX_ENTRIES"):
        read_member(str(path))
    monkeypatch.setenv("NIANBAO_ARCHIVE_MAX_ENTRIES", "5")
    assert len(list_members(str(path))) == 5
    assert os.environ["NIANBAO_ARCHIVE_MAX_ENTRIES"] == "5"
