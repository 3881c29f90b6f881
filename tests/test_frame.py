"""``nianbao.read_reports``: the flat table as a pandas DataFrame, equal to what the pipeline's Parquet gives."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import nianbao
from nianbao.flat_table import COLUMNS
from nianbao.pipelines.run import run

from .conftest import SAMPLES, SEED_FILES


def test_read_reports_equals_the_pipelines_parquet_read_with_nullable_dtypes(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in [*SEED_FILES, *sorted(SAMPLES.glob("synth_*"))[:4]]:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "00000_text.truth.json").write_text("{}", encoding="utf-8")  # a synth truth: not a report
    out = tmp_path / "out"
    run([f"--input={folder}", f"--output={out}", "--runner=FnApiRunner", "--direct_num_workers=1"])
    expected = pd.read_parquet(out / "reports.parquet", dtype_backend="numpy_nullable")

    frame = nianbao.read_reports(folder)
    assert list(frame.columns) == [c.name for c in COLUMNS]
    assert len(frame) == 9 and frame.attrs["dead_letters"] == []
    pd.testing.assert_frame_equal(frame.drop(columns="uri"), expected.drop(columns="uri"))
    assert frame["uri"].tolist() == [str(p) for p in sorted(folder.iterdir()) if not p.name.endswith(".json")]


def test_dtypes_are_nullable_and_missing_values_are_na_not_zero():
    seed_000, seed_004 = SEED_FILES[0], SEED_FILES[4]
    frame = nianbao.read_reports([seed_000, seed_004])
    assert frame["year"].dtype == "Int64" and frame["applications.granted.total"].dtype == "Int64"
    assert frame["proactive.procurement.amount_wan"].dtype == "Float64"
    assert frame["agency"].dtype == "string"
    row_000, row_004 = frame.iloc[0], frame.iloc[1]
    assert pd.isna(row_000["applications.carried_forward.total"])  # seed 000 prints that row empty: null, not 0
    assert row_004["applications.new_received.total"] == 2 and row_004["year"] == 2020
    assert row_004["proactive.procurement.amount_wan"] == 134.8
    assert frame["published"].map(lambda v: v is pd.NA or v is None or isinstance(v, dt.date)).all()


def test_unreadable_files_are_named_and_kept_aside(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.warns(UserWarning, match=r"1 file\(s\) could not be read .*empty.txt \[detect\]"):
        frame = nianbao.read_reports([empty, SEED_FILES[4]])
    assert len(frame) == 1
    assert [d["error"]["stage"] for d in frame.attrs["dead_letters"]] == ["detect"]


def test_the_former_module_name_nianbao_table_still_imports_for_plugins():
    import nianbao.flat_table as flat_table
    import nianbao.table as former

    assert former.COLUMNS is flat_table.COLUMNS and former.flat_row is flat_table.flat_row
    assert set(former.__all__) == {"COLUMNS", "Column", "arrow_schema", "flat_row", "header", "rows_to_batch",
                                   "table_columns"}
