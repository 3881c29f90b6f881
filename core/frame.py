"""The analyst's API: reports straight into a pandas DataFrame, one row per report.

``nianbao.read_reports("reports/")`` parses every report under a folder (or the
files given) and returns the flat table of ``reports.parquet``: the same columns
(:data:`nianbao.flat_table.COLUMNS`) with the same types, as pandas' nullable dtypes,
so a value the report does not have is ``<NA>``, never 0 or NaN-turned-float.
pandas is an optional extra (``pip install 'nianbao[pandas]'``); nothing here
imports it until it is called.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .flat_table import flat_row, rows_to_batch
from .host import PluginHost, get_host
from .parse import process_bytes

if TYPE_CHECKING:
    import pandas

#: Ground-truth files ``nianbao synth`` writes beside its reports: not reports (``nianbao run`` skips them too).
TRUTH_SUFFIX = ".truth.json"


def report_files(paths_or_folder: str | Path | Iterable[str | Path]) -> list[Path]:
    """The files to read: a file as given, a folder's files recursively (sorted), ``*.truth.json`` left out."""
    items = [paths_or_folder] if isinstance(paths_or_folder, (str, Path)) else list(paths_or_folder)
    files: list[Path] = []
    for item in map(Path, items):
        if item.is_dir():
            files.extend(sorted(p for p in item.rglob("*") if p.is_file() and not p.name.endswith(TRUTH_SUFFIX)))
        else:
            files.append(item)
    return files


def read_reports(paths_or_folder: str | Path | Iterable[str | Path], *,
                 host: PluginHost | None = None) -> pandas.DataFrame:
    """Parse reports into a DataFrame with the columns and types of ``reports.parquet``, one row per report.

    ``paths_or_folder`` is a report file, a folder (every file under it,
    recursively, in sorted order; ``*.truth.json`` left out) or a list of
    files and folders. Counts are ``Int64``, amounts and other proactive values
    ``Float64``, text ``string`` and dates ``datetime.date`` objects: what
    ``pd.read_parquet("out/reports.parquet", dtype_backend="numpy_nullable")``
    gives for the same reports (``uri`` is the path as given here). A file that
    cannot be read is not a row: its dead letter is in
    ``frame.attrs["dead_letters"]`` and a ``UserWarning`` names it, as
    ``nianbao run`` lists it in ``dead-letters-*.jsonl``.
    """
    try:
        import pandas  # noqa: F401  (the types mapper and to_pandas need it)
        import pyarrow as pa
    except ImportError as exc:
        raise ImportError(f"nianbao.read_reports needs pandas: pip install 'nianbao[pandas]' ({exc})") from exc
    host = host or get_host()
    rows: list[list[Any]] = []
    dead: list[dict[str, Any]] = []
    for path in report_files(paths_or_folder):
        try:
            data = path.read_bytes()
        except OSError as exc:
            dead.append({"source": {"uri": str(path)},
                         "error": {"stage": "read", "type": "OSError", "message": exc.strerror or str(exc)}})
            continue
        outcome = process_bytes(data, str(path), host=host)
        if outcome.record is None:
            dead.append(outcome.dead_letter)
        else:
            rows.append(flat_row(outcome.record))
    table = pa.Table.from_batches([rows_to_batch(rows)])
    frame = table.to_pandas(types_mapper=_nullable_types().get)
    frame.attrs["dead_letters"] = dead
    if dead:
        named = ", ".join(f"{d['source']['uri']} [{d['error']['stage']}]" for d in dead[:5])
        warnings.warn(f"{len(dead)} file(s) could not be read and are not rows: {named}"
                      f"{' …' if len(dead) > 5 else ''} (see frame.attrs['dead_letters'])", UserWarning, stacklevel=2)
    return frame


@cache
def _nullable_types() -> dict[Any, Any]:
    """Arrow type → pandas nullable dtype, as ``dtype_backend="numpy_nullable"`` maps them."""
    import pandas as pd
    import pyarrow as pa

    return {pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(), pa.string(): pd.StringDtype(),
            pa.bool_(): pd.BooleanDtype()}
