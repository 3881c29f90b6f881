"""Output folders that are not local (``gs://``, ``s3://``, … any Beam filesystem): the flat table's path.

``nianbao run -o gs://bucket/out`` writes its files through Beam's ``FileSystems``; ``reports.parquet`` is
then written into a local temporary file (by the Parquet process when the table has several batches, in
the launcher when it has one) and copied into place at the end (:class:`~nianbao.pipelines.table_files.
TableFiles`). No object store is reachable here, so the stand-in is a real Beam filesystem of its own
scheme, ``nbremote://``, registered the way Beam finds every filesystem (a ``FileSystem`` subclass naming its
scheme) and keeping its objects in a local folder: every call nianbao makes goes through Beam's
``FileSystems`` as it would for ``gs://``, and ``is_local`` says no.
"""

from __future__ import annotations

import os
import tempfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.io.filesystem import FileMetadata
from apache_beam.io.filesystems import FileSystems
from apache_beam.io.localfilesystem import LocalFileSystem

from nianbao.flat_table import arrow_schema, flat_row, rows_to_batch
from nianbao.parse import process_bytes
from nianbao.pipelines import table_files
from nianbao.pipelines.run_files import RunFilesWriter
from nianbao.pipelines.staging import stage_record
from nianbao.pipelines.storage import is_local
from nianbao.synth.corpus import generate

from .test_tail import write_fragments

SCHEME = "nbremote"


class FolderFileSystem(LocalFileSystem):
    """``nbremote://KEY`` is the object ``KEY``, kept in the folder :attr:`root`; no directories (an object store)."""

    root = ""

    @classmethod
    def scheme(cls) -> str:
        return SCHEME

    def _local(self, path: str) -> str:
        if not path.startswith(f"{SCHEME}://"):
            raise ValueError(f"not an {SCHEME} path: {path}")
        return os.path.join(self.root, path[len(SCHEME) + 3:])

    def _remote(self, local: str) -> str:
        return f"{SCHEME}://" + os.path.relpath(local, self.root)

    def join(self, basepath: str, *paths: str) -> str:
        return "/".join([basepath.rstrip("/"), *paths])

    def split(self, path: str) -> tuple[str, str]:
        head, _, tail = path.rstrip("/").rpartition("/")
        return head, tail

    def has_dirs(self) -> bool:
        return False

    def mkdirs(self, path: str) -> None:
        pass

    def _list(self, prefix: str):
        local = self._local(prefix)
        folder = local if os.path.isdir(local) else os.path.dirname(local)
        for dirpath, _, files in os.walk(folder):
            for name in files:
                path = os.path.join(dirpath, name)
                if path.startswith(local):
                    yield FileMetadata(self._remote(path), os.path.getsize(path), os.path.getmtime(path))

    def create(self, path, *args, **kwargs):
        return super().create(self._local(path), *args, **kwargs)

    def open(self, path, *args, **kwargs):
        return super().open(self._local(path), *args, **kwargs)

    def copy(self, sources, destinations):
        super().copy([self._local(p) for p in sources], [self._local(p) for p in destinations])

    def rename(self, sources, destinations):
        super().rename([self._local(p) for p in sources], [self._local(p) for p in destinations])

    def exists(self, path: str) -> bool:
        return os.path.exists(self._local(path))

    def size(self, path: str) -> int:
        return super().size(self._local(path))

    def last_updated(self, path: str) -> float:
        return super().last_updated(self._local(path))

    def checksum(self, path: str) -> str:
        return super().checksum(self._local(path))

    def metadata(self, path: str) -> FileMetadata:
        found = super().metadata(self._local(path))
        return FileMetadata(path, found.size_in_bytes, found.last_updated_in_seconds)

    def delete(self, paths) -> None:
        super().delete([self._local(p) for p in paths])


@pytest.fixture
def remote(tmp_path):
    """An empty ``nbremote://`` output folder; its objects are files under ``tmp_path / "store"``."""
    FolderFileSystem.root = str(tmp_path / "store")
    os.makedirs(FolderFileSystem.root)
    yield f"{SCHEME}://bucket/out"
    FolderFileSystem.root = ""


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    folder = tmp_path_factory.mktemp("remote") / "in"
    generate(folder, 90, 18)
    paths = sorted(path for path in folder.iterdir() if not path.name.endswith(".truth.json"))
    return [process_bytes(path.read_bytes(), str(path)).record for path in paths]


def test_the_stand_in_is_a_remote_beam_filesystem(remote):
    assert not is_local(remote)
    path = f"{remote}/a.txt"
    with FileSystems.create(path) as handle:
        handle.write(b"x")
    assert FileSystems.exists(path) and [m.path for m in FileSystems.match([f"{remote}/*"])[0].metadata_list] == [path]
    FileSystems.rename([path], [f"{remote}/b.txt"])
    assert not FileSystems.exists(path)
    assert os.listdir(os.path.join(FolderFileSystem.root, "bucket", "out")) == ["b.txt"]


@pytest.mark.parametrize("batch_rows", [20, 10_000])
def test_the_flat_table_of_a_remote_output_is_the_local_ones(records, remote, tmp_path, monkeypatch, batch_rows):
    """Rows from staged fragments into a remote output folder: with many batches through the Parquet process
    (into a local temporary file), with one in the launcher; either way copied into place under the final name,
    byte for byte the file a local output gets, with no temporary file left on either side."""
    monkeypatch.setattr(table_files, "BATCH_ROWS", batch_rows)
    rows = [flat_row(record) for record in records]
    fragments = write_fragments(rows, tmp_path)
    local = tmp_path / "local"
    local.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # the local copy's folder, to look at
    os.mkdir(tempfile.tempdir)
    for directory in (remote, str(local)):
        files = table_files.TableFiles(directory)
        for index, row in enumerate(rows):
            files.add_fragment_row(fragments[index // 30], index % 30, table_files.csv_line(row))
        assert (files._parquet is not None) == (batch_rows < len(rows))
        written = files.close()
        assert written["parquet"] == f"{directory}/reports.parquet"
    stored = os.path.join(FolderFileSystem.root, "bucket", "out")
    assert sorted(os.listdir(stored)) == ["reports.csv", "reports.parquet"]
    for name in ("reports.parquet", "reports.csv"):
        with open(os.path.join(stored, name), "rb") as handle:
            assert handle.read() == (local / name).read_bytes(), name
    with pq.ParquetWriter(tmp_path / "here.parquet", arrow_schema(), compression="zstd") as writer:
        for start in range(0, len(rows), batch_rows):
            writer.write_batch(rows_to_batch(rows[start:start + batch_rows]))
    assert (local / "reports.parquet").read_bytes() == (tmp_path / "here.parquet").read_bytes()
    assert pq.read_table(os.path.join(stored, "reports.parquet")).num_rows == len(rows) == 90
    assert os.listdir(tempfile.tempdir) == []  # the local copy is removed


def test_the_run_files_of_a_remote_output_with_rows_as_lists(records, remote, tmp_path, monkeypatch):
    """The merge's writer with rows given as lists (as for outcomes staged with their row), several batches
    through the Parquet process: every file lands in the remote folder under its final name."""
    monkeypatch.setattr(table_files, "BATCH_ROWS", 25)
    with RunFilesWriter(remote) as writer:
        for record in records:
            writer.add(stage_record(record))
        counts = writer.close()
    assert counts["records"] == 90 and counts["files"]["parquet"] == "reports.parquet"
    stored = os.path.join(FolderFileSystem.root, "bucket", "out")
    assert sorted(os.listdir(stored)) == ["dead-letters-00000-of-00001.jsonl", "records-00000-of-00001.jsonl",
                                          "reports.csv", "reports.parquet"]
    table = pq.read_table(os.path.join(stored, "reports.parquet"))
    assert table.num_rows == 90 and table.schema.equals(arrow_schema(), check_metadata=False)
    assert table.column("uri").to_pylist() == [record["source"]["uri"] for record in records]
    assert pa.Table.from_batches([rows_to_batch([flat_row(r) for r in records])]).equals(table.cast(arrow_schema()))
