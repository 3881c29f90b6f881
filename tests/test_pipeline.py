"""``nianbao run``: the Beam pipeline, its outputs and its command line.

The end-to-end run goes over a few hundred reports in every format plus
corrupt files, on the local runner with two worker processes, and checks
conservation (records + dead letters = inputs, nothing twice), that every
record and dead letter is exactly what the CLI's parse path gives for the same
file, and that the Parquet and CSV tables hold the JSON Lines' numbers.
"""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
import sys
import textwrap
from collections import Counter
from pathlib import Path

import apache_beam as beam
import click
import orjson
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to
from click.testing import CliRunner

from nianbao.flat_table import COLUMNS, flat_row, header
from nianbao.host import build_host, env_selection
from nianbao.parse import process_bytes
from nianbao.pipelines import run as run_module
from nianbao.pipelines import run_files, staging, table_files
from nianbao.pipelines.cli import run_command, split_args
from nianbao.pipelines.options import resolve_plugins
from nianbao.pipelines.run import LOCAL_RUNNER, RunError, expand_inputs, run, runner_path
from nianbao.pipelines.run_files import iter_jsonl, output_files
from nianbao.pipelines.staging import DEAD_LETTER, RECORD
from nianbao.pipelines.transforms import MatchAndRead, Parse, WriteOutcomes
from nianbao.template import numeric_fields

from .conftest import REAL, SEED_FILES

LOCAL = "--runner=FnApiRunner"  # tests never let Beam's DirectRunner try Prism

# --------------------------------------------------------------------------
# A corpus: generated reports in every format with their truths, real ones, corrupt files
# --------------------------------------------------------------------------

SYNTH_SEED = 11
SYNTH_BULK = 240  # text, tab tables and web pages: cheap to render
SYNTH_DOCX = 8  # Word files take python-docx a quarter of a second each


def _junk(seed: int, size: int = 3000) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(size))


def make_corpus(root: Path) -> tuple[list[Path], dict[str, dict]]:
    """Write the test corpus under ``root/reports``; return the report paths and ``uri → truth``.

    ``nianbao synth`` writes each truth beside its report; they are moved to
    ``root/truths`` so that the reports folder holds nothing but inputs.
    """
    from nianbao.synth.corpus import generate, truth_path

    reports, truths_dir = root / "reports", root / "truths"
    generated = generate(reports / "synth", SYNTH_BULK, SYNTH_SEED, formats=("text", "tsv", "html"))
    generated += generate(reports / "synth-docx", SYNTH_DOCX, SYNTH_SEED, formats=("docx",))
    truths: dict[str, dict] = {}
    for path in generated:
        truth = truth_path(path)
        truths[str(path)] = orjson.loads(truth.read_bytes())
        moved = truths_dir / path.parent.name / truth.name
        moved.parent.mkdir(parents=True, exist_ok=True)
        truth.rename(moved)
    files: dict[str, bytes] = {f"seeds/{p.name}": p.read_bytes() for p in SEED_FILES}
    files.update({f"real/{p.name}": p.read_bytes() for p in sorted(REAL.glob("*.html"))})
    a_docx = next(p for p in generated if p.suffix == ".docx").read_bytes()
    a_page = next(p for p in generated if p.suffix == ".html").read_bytes()
    files.update({
        "corrupt/empty.txt": b"",
        "corrupt/blank.html": b"  \n\t\n",
        "corrupt/junk.bin": _junk(1),
        "corrupt/junk.docx": _junk(2),
        "corrupt/truncated.docx": a_docx[: len(a_docx) // 3],
        "corrupt/docx-named.html": a_docx,  # wrong extension: sniffed as a zip
        "corrupt/page-named.docx": a_page,  # wrong extension: a web page saved as .docx
    })
    for name, data in files.items():
        path = reports / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return sorted([*generated, *(reports / name for name in files)]), truths


def shared_corpus(tmp_path_factory) -> tuple[Path, list[Path], dict[str, dict]]:
    """The corpus, built once per test session (both pipeline test modules use it): root, paths, truths."""
    root = tmp_path_factory.getbasetemp() / "pipeline-corpus"
    done = root / "paths.json"
    if not done.exists():
        paths, truths = make_corpus(root)
        done.write_bytes(orjson.dumps({"paths": [str(p) for p in paths], "truths": truths}))
    saved = orjson.loads(done.read_bytes())
    return root / "reports", [Path(p) for p in saved["paths"]], saved["truths"]


def expected_outcomes(paths: list[Path]) -> dict[str, tuple[str, dict]]:
    """What the CLI's parse path gives for each file: ``uri → (kind, record or dead letter)``."""
    host = build_host(entry_points=False)
    expected = {}
    for path in paths:
        outcome = process_bytes(path.read_bytes(), str(path), host=host)
        expected[str(path)] = (RECORD, outcome.record) if outcome.ok else (DEAD_LETTER, outcome.dead_letter)
    return expected


def read_outputs(directory: Path) -> tuple[list[dict], list[dict]]:
    """Every record and every dead letter written to ``directory``."""
    records = list(iter_jsonl(output_files(str(directory), run_files.RECORDS)))
    letters = list(iter_jsonl(output_files(str(directory), run_files.DEAD_LETTERS)))
    return records, letters


# --------------------------------------------------------------------------
# End to end on the local runner, two worker processes
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    return shared_corpus(tmp_path_factory)[1]


@pytest.fixture(scope="module")
def truths(tmp_path_factory) -> dict[str, dict]:
    return shared_corpus(tmp_path_factory)[2]


def shared_direct_run(tmp_path_factory) -> tuple[dict, Path, list[tuple[int, int]]]:
    """The corpus through the local runner with two worker processes, once per session: summary, output, progress."""
    root, _, _ = shared_corpus(tmp_path_factory)
    out = tmp_path_factory.getbasetemp() / "pipeline-direct-run"
    progress = out.parent / "pipeline-direct-run.progress.json"
    if not progress.exists():
        seen: list[tuple[int, int]] = []
        run([f"--input={root}", f"--output={out}", "--direct_num_workers=2",
             "--direct_running_mode=multi_processing"], progress=lambda d, t: seen.append((d, t)))
        progress.write_bytes(orjson.dumps(seen))
    summary = orjson.loads((out / run_files.SUMMARY).read_bytes())
    return summary, out, [tuple(pair) for pair in orjson.loads(progress.read_bytes())]


@pytest.fixture(scope="module")
def direct_run(tmp_path_factory):
    return shared_direct_run(tmp_path_factory)


@pytest.fixture(scope="module")
def expected(corpus) -> dict[str, tuple[str, dict]]:
    return expected_outcomes(corpus)


def test_corpus_covers_every_format_and_corrupt_files(corpus, expected):
    assert len(corpus) >= 250
    suffixes = Counter(p.suffix for p in corpus)
    assert {".txt", ".html", ".docx", ".bin"} <= set(suffixes)
    formats = Counter(body["source"]["format"] for kind, body in expected.values() if kind == RECORD)
    assert {"text", "tsv", "html", "docx"} <= set(formats), formats
    stages = Counter(body["error"]["stage"] for kind, body in expected.values() if kind == DEAD_LETTER)
    assert {"detect", "read"} <= set(stages), stages


def test_records_plus_dead_letters_equal_inputs(corpus, direct_run):
    summary, out, _ = direct_run
    records, letters = read_outputs(out)
    uris = [r["source"]["uri"] for r in records] + [d["source"]["uri"] for d in letters]
    assert len(uris) == len(set(uris)), "a document was written twice"
    assert sorted(uris) == sorted(str(p) for p in corpus)
    assert summary["documents_in"] == len(corpus) == summary["records"] + summary["dead_letters"]
    assert (summary["records"], summary["dead_letters"], summary["missing"]) == (len(records), len(letters), 0)


def test_every_outcome_is_what_the_cli_parse_path_gives(expected, direct_run):
    _, out, _ = direct_run
    records, letters = read_outputs(out)
    for record in records:
        assert expected[record["source"]["uri"]] == (RECORD, record), record["source"]["uri"]
    for letter in letters:
        assert expected[letter["source"]["uri"]] == (DEAD_LETTER, letter), letter["source"]["uri"]


def test_every_record_is_correct_against_its_ground_truth(truths, direct_run):
    from nianbao.synth.score import compare

    _, out, _ = direct_run
    records, _ = read_outputs(out)
    checked = 0
    for record in records:
        truth = truths.get(record["source"]["uri"])
        if truth is None:  # seeds, real pages: no truth, compared with the CLI path above
            continue
        wrong = [(path, expected, actual) for _, path, expected, actual, ok in compare(truth, record) if not ok]
        assert not wrong, (record["source"]["uri"], wrong[:5])
        checked += 1
    assert checked == len(truths) == SYNTH_BULK + SYNTH_DOCX


def test_each_dead_letter_names_its_file_and_stage(corpus, direct_run):
    _, out, _ = direct_run
    _, letters = read_outputs(out)
    inputs = {str(p) for p in corpus}
    for letter in letters:
        assert letter["source"]["uri"] in inputs
        assert letter["error"]["stage"] in {"detect", "read", "extract"}
        assert letter["error"]["type"] and letter["error"]["message"]
    stages = {Path(d["source"]["uri"]).name: d["error"]["stage"] for d in letters}
    assert {name: stages.get(name) for name in ("empty.txt", "blank.html", "junk.bin")} == dict.fromkeys(
        ("empty.txt", "blank.html", "junk.bin"), "detect")
    assert stages.get("truncated.docx") == "read"
    assert stages.get("junk.docx") == stages.get("page-named.docx") == "read"  # a web page saved as .docx


def test_summary_counts_match_the_outputs(corpus, direct_run):
    summary, out, seen = direct_run
    records, letters = read_outputs(out)
    assert orjson.loads((out / "summary.json").read_bytes()) == summary
    assert summary["formats"] == dict(sorted(Counter(r["source"]["format"] for r in records).items()))
    assert summary["dead_letter_stages"] == dict(sorted(Counter(d["error"]["stage"] for d in letters).items()))
    failed = Counter(c["rule"] for r in records for c in r["checks"] if not c["ok"])
    assert summary["checks_failed"] == dict(sorted(failed.items()))
    assert summary["wall_time_s"] > 0 and summary["runner"].startswith("FnApiRunner (2 workers")
    assert sum(summary["workers"].values()) == len(corpus)
    assert summary["metrics"]["documents"] == len(corpus)
    assert summary["metrics"]["records"] == len(records)
    assert seen and seen[-1] == (len(corpus), len(corpus))
    assert not any(name.startswith(".") for name in os.listdir(out)), "staging or temporary files left behind"


def _number(cell: str):
    return None if cell == "" else float(cell)


def test_parquet_and_csv_hold_the_jsonl_numbers(direct_run):
    _, out, _ = direct_run
    records, _ = read_outputs(out)
    table = pq.read_table(out / table_files.TABLE_PARQUET)
    assert table.num_rows == len(records)
    zh = {path: label for path, label, *_ in numeric_fields()}
    assert table.schema.field("applications.granted.total").metadata[b"zh"].decode() == zh[
        "applications.granted.total"]
    columns = table.to_pydict()
    raw = (out / table_files.TABLE_CSV).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(records)
    by_uri = {row["uri"]: row for row in rows}
    fields = [path for path, *_ in numeric_fields()]
    assert set(fields) <= set(columns) and set(fields) <= set(rows[0])
    compared = 0
    for i, record in enumerate(records):
        uri = record["source"]["uri"]
        assert columns["uri"][i] == uri
        row = by_uri[uri]
        for path in fields:
            section, key, column = path.split(".")
            value = record[section].get(key, {}).get(column)
            assert columns[path][i] == value, (uri, path)
            assert _number(row[path]) == value, (uri, path)
            compared += value is not None
        failing = sum(not c["ok"] for c in record["checks"])
        assert columns["checks_failed"][i] == failing == int(row["checks_failed"])
        assert row["agency"] == (record["agency"] or "")  # Chinese text intact
        assert columns["year"][i] == record["year"]
    assert compared > 1000


# --------------------------------------------------------------------------
# Transforms on tiny in-memory input
# --------------------------------------------------------------------------


@pytest.fixture()
def few(tmp_path) -> list[Path]:
    paths = []
    for i, seed in enumerate(SEED_FILES[:2]):
        paths.append(tmp_path / f"r{i}.txt")
        shutil.copy(seed, paths[-1])
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.bin").write_bytes(b"\x00\x01\x02 not a report")
    return [*paths, tmp_path / "empty.txt", tmp_path / "junk.bin"]


def test_parse_gives_one_outcome_per_document(few):
    with BeamTestPipeline(runner="FnApiRunner") as p:
        kinds = (p | MatchAndRead([str(f) for f in few], match=False) | Parse()
                 | beam.Map(lambda parsed: (parsed[0], (parsed[1].get("error") or {}).get("stage"))))
        assert_that(kinds, equal_to([(RECORD, None), (RECORD, None), (DEAD_LETTER, "detect"),
                                     (DEAD_LETTER, "detect")]))


def test_a_pipeline_in_this_process_gives_back_the_garbage_collector_settings(few):
    """The workers collect less often (nianbao.pipelines.heap); a run in the caller's process puts its
    thresholds back when the parse is torn down."""
    import gc

    before = gc.get_threshold()
    with BeamTestPipeline(runner="FnApiRunner") as p:
        count = p | MatchAndRead([str(f) for f in few], match=False) | Parse() | beam.combiners.Count.Globally()
        assert_that(count, equal_to([len(few)]))
    assert gc.get_threshold() == before


def test_a_file_gone_before_it_is_read_is_a_read_dead_letter(tmp_path):
    gone = str(tmp_path / "gone.txt")
    with BeamTestPipeline(runner="FnApiRunner") as p:
        errors = (p | MatchAndRead([gone], match=False) | Parse()
                  | beam.Map(lambda x: (x[0], x[1]["source"]["uri"], x[1]["error"]["stage"], x[1]["error"]["type"])))
        assert_that(errors, equal_to([(DEAD_LETTER, gone, "read", "ReadError")]))


def test_a_glob_pattern_is_matched_in_the_pipeline(few):
    with BeamTestPipeline(runner="FnApiRunner") as p:
        count = p | MatchAndRead([str(few[0].parent / "*.txt")]) | Parse() | beam.combiners.Count.Globally()
        assert_that(count, equal_to([3]))


def test_an_element_processed_twice_is_written_once(few, tmp_path):
    """A runner that re-executes an element stages it again; the merge writes it once."""
    staging = tmp_path / "staging"
    parsed = [(RECORD, process_bytes(few[0].read_bytes(), str(few[0])).record)]
    with BeamTestPipeline(runner="FnApiRunner") as p:
        _ = p | beam.Create(parsed * 3, reshuffle=False) | WriteOutcomes(str(staging))
    with BeamTestPipeline(runner="FnApiRunner") as p:  # and once more, in another bundle
        _ = p | beam.Create(parsed, reshuffle=False) | WriteOutcomes(str(staging))
    shards = sorted(name for name in os.listdir(staging) if name.endswith(".shard"))
    assert len(shards) == 2 and all(f"{name}.0000.arrow" in os.listdir(staging) for name in shards)
    counts = run_module.merge([str(few[0])], str(staging), str(tmp_path / "out"))
    assert (counts["records"], counts["missing"], counts["restaged"], counts["unexpected"]) == (1, 0, 3, 0)
    records, _ = read_outputs(tmp_path / "out")
    assert records == [parsed[0][1]]


def test_table_rows_from_several_fragments_keep_the_input_order(tmp_path, monkeypatch):
    from nianbao.pipelines import transforms

    monkeypatch.setattr(transforms, "FRAGMENT_ROWS", 2)  # the in-memory runner runs the DoFn here
    for i, seed in enumerate(SEED_FILES):
        shutil.copy(seed, tmp_path / f"{4 - i}.txt")
    out = tmp_path / "out"
    run([f"--input={tmp_path}", f"--output={out}", LOCAL, "--direct_num_workers=1"])
    assert len([n for n in os.listdir(out) if n.endswith(".arrow")]) == 0  # staging removed
    records, _ = read_outputs(out)
    table = pq.read_table(out / table_files.TABLE_PARQUET).to_pydict()
    assert table["uri"] == [r["source"]["uri"] for r in records] == sorted(str(p) for p in tmp_path.glob("*.txt"))
    assert table["applications.new_received.total"] == [r["applications"]["new_received"]["total"] for r in records]


def test_a_shard_cut_short_keeps_its_whole_outcomes(few, tmp_path):
    records = [process_bytes(f.read_bytes(), str(f)).record for f in few[:2]]
    data = b"".join(staging.encode_staged(staging.stage_record(r)) for r in records)
    whole = list(staging.index_shard(io.BytesIO(data)))
    assert [(uri, ordinal) for uri, ordinal, *_ in whole] == [(str(few[0]), -1), (str(few[1]), -1)]
    assert [uri for uri, *_ in staging.index_shard(io.BytesIO(data[:-10]))] == [str(few[0])]


def test_the_index_skips_bodies_and_still_reads_shards_staged_without_their_length(few, tmp_path):
    """The first line of a staged outcome says how long the rest is, so the merge's index reads only first
    lines; a shard staged by an older nianbao (no length) is indexed line by line, to the same entries."""
    outcomes = [process_bytes(f.read_bytes(), str(f)) for f in few[:3]]  # two records, a dead letter
    staged = [staging.stage_record(o.record) if o.ok else staging.stage_dead_letter(o.dead_letter) for o in outcomes]
    new = [staging.encode_staged(s, ordinal=i) for i, s in enumerate(staged)]
    old = []
    for outcome in new:
        key, rest = outcome.split(b"\n", 1)
        assert len(orjson.loads(key)) == 4 and orjson.loads(key)[3] == len(rest)
        old.append(orjson.dumps(orjson.loads(key)[:3]) + b"\n" + rest)
    for lines in (new, old):
        path = tmp_path / "shard"
        path.write_bytes(b"".join(lines))
        with open(path, "rb", buffering=0) as handle:
            index = list(staging.index_shard(handle))
        offsets = [sum(map(len, lines[:i])) for i in range(len(lines))]
        assert index == [(str(f), i, offsets[i], len(lines[i]), s.sha256)
                         for i, (f, s) in enumerate(zip(few[:3], staged, strict=True))]
        data = path.read_bytes()
        assert [staging.decode_staged(data[o:o + n]) for _, _, o, n, _ in index] == staged
        with open(path, "rb", buffering=0) as handle:  # cut inside the last body: the whole ones are kept
            path.write_bytes(data[:-5])
            assert [uri for uri, *_ in staging.index_shard(handle)] == [str(f) for f in few[:2]]


def test_merge_reports_a_document_without_outcome_as_missing(tmp_path):
    (tmp_path / "staging").mkdir()
    counts = run_module.merge(["/nowhere/a.txt"], str(tmp_path / "staging"), str(tmp_path / "out"))
    assert (counts["records"], counts["dead_letters"], counts["missing"]) == (0, 0, 1)
    assert counts["missing_uris"] == ["/nowhere/a.txt"]


# --------------------------------------------------------------------------
# Outputs as pure functions
# --------------------------------------------------------------------------


def test_table_columns_derive_from_the_template():
    names = [c.name for c in COLUMNS]
    assert names[:2] == ["uri", "format"] and names[-2:] == ["checks_failed", "issues"]
    assert [path for path, *_ in numeric_fields()] == names[11:-9]
    # then the derived values (nianbao.derive), each with a Chinese label
    assert names[-9:-2] == ["measures.granted_share", "measures.review_correction_rate",
                            "measures.litigation_lost_share", "measures.applications_per_10k", "timeliness.status",
                            "timeliness.deadline", "timeliness.days_late"]
    assert header("zh")[names.index("measures.review_correction_rate")] == "行政复议纠正率"
    zh = {path: label for path, label, *_ in numeric_fields()}
    assert header("zh")[names.index("applications.granted.total")] == zh["applications.granted.total"]
    with pytest.raises(ValueError):
        header("fr")


def test_staged_outcome_round_trip(few):
    record = process_bytes(few[0].read_bytes(), str(few[0])).record
    staged = staging.stage_record(record, worker="h:1")
    back = staging.decode_staged(staging.encode_staged(staged))
    assert back == staged and orjson.loads(back.body) == record
    assert back.row == flat_row(record)


def test_writer_shards_and_labels(few, tmp_path):
    records = [process_bytes(f.read_bytes(), str(f)).record for f in few[:2]]
    tmp_path = tmp_path / "written"
    with run_files.RunFilesWriter(str(tmp_path), labels="zh", shard_lines=1) as writer:
        for record in records:
            writer.add(staging.stage_record(record))
        counts = writer.close()
    assert counts["files"]["records"] == ["records-00000-of-00002.jsonl", "records-00001-of-00002.jsonl"]
    assert counts["files"]["dead_letters"] == ["dead-letters-00000-of-00001.jsonl"]
    header = next(csv.reader(io.StringIO((tmp_path / "reports.csv").read_text("utf-8-sig"))))
    assert header[:2] == ["文件", "格式"] and "复议后起诉·总计" in header
    assert sorted(os.listdir(tmp_path)) == sorted([*counts["files"]["records"], *counts["files"]["dead_letters"],
                                                  "reports.csv", "reports.parquet"])


# --------------------------------------------------------------------------
# Inputs, options, runner
# --------------------------------------------------------------------------


def test_expand_inputs_folder_glob_and_list_file(tmp_path, few):
    folder = few[0].parent
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.txt").write_text("x")
    (tmp_path / "out").mkdir(exist_ok=True)
    (tmp_path / "out" / "records-00000-of-00001.jsonl").write_text("{}")
    everything = expand_inputs([str(folder)], exclude=str(tmp_path / "out"))
    assert everything == sorted([*(str(f) for f in few), str(folder / "sub" / "deep.txt")])
    assert expand_inputs([str(folder / "*.txt")]) == sorted(str(f) for f in few if f.suffix == ".txt")
    assert expand_inputs([str(folder / "**.txt")])[-1] == str(folder / "sub" / "deep.txt")
    listing = tmp_path / "list.txt"
    listing.write_text(f"# reports\n{few[0].name}\n\n{folder / 'sub'}\n", "utf-8")
    assert expand_inputs([f"@{listing}"]) == [str(few[0]), str(folder / "sub" / "deep.txt")]
    with pytest.raises(RunError, match="no such file"):
        expand_inputs([str(tmp_path / "missing")])
    with pytest.raises(RunError, match="no files match"):
        expand_inputs([str(tmp_path / "*.nothing")])


def test_default_runner_is_local_and_never_prism():
    assert runner_path(None) == runner_path("DirectRunner") == LOCAL_RUNNER
    assert runner_path("DaskRunner").endswith("dask_runner.DaskRunner")
    assert runner_path("DataflowRunner") == "DataflowRunner"
    options = beam.options.pipeline_options.PipelineOptions([])
    runner, name = run_module.choose_runner(options, [], documents=run_module.SMALL_RUN)
    from apache_beam.runners.portability.fn_api_runner.fn_runner import FnApiRunner

    assert isinstance(runner, FnApiRunner)  # its worker processes start through nianbao.pipelines.worker
    assert name == f"FnApiRunner ({os.cpu_count()} worker{'s' * (os.cpu_count() != 1)}, " + (
        "multi_processing)" if os.cpu_count() != 1 else "in_memory)")
    small = beam.options.pipeline_options.PipelineOptions([])
    assert run_module.choose_runner(small, [], documents=10)[1] == "FnApiRunner (1 worker, in_memory)"
    chosen = beam.options.pipeline_options.PipelineOptions(["--direct_num_workers=2"])
    assert run_module.choose_runner(chosen, ["--direct_num_workers=2"], documents=10)[1] == (
        "FnApiRunner (2 workers, multi_processing)")


def test_exclusions_match_names_folders_and_tails_of_paths():
    paths = ["/r/a.txt", "/r/a.txt.bak", "/r/drafts/b.txt", "/r/drafts/deep/c.txt", "/r/final/d.txt",
             "/r/final/d.truth.json", "gs://bucket/drafts/e.txt"]
    assert run_module.exclude_paths(paths, ["*.bak"])[1] == ["/r/a.txt.bak"]
    assert run_module.exclude_paths(paths, ["drafts"])[1] == ["/r/drafts/b.txt", "/r/drafts/deep/c.txt",
                                                              "gs://bucket/drafts/e.txt"]
    assert run_module.exclude_paths(paths, ["drafts/*.txt/"])[1] == ["/r/drafts/b.txt", "gs://bucket/drafts/e.txt"]
    assert run_module.exclude_paths(paths, ["*.truth.json"]) == (
        [p for p in paths if not p.endswith(".json")], ["/r/final/d.truth.json"])


def test_exclusion_of_one_name_agrees_with_purepath_match():
    """The listing's shortcut for a glob of one name (any name on the path matches) says what
    ``PurePath.match`` of the path and each folder on it says, on paths with odd parts."""
    import random
    from pathlib import PurePath

    from nianbao.pipelines.listing import is_excluded

    def by_purepath(path, globs):
        pure = PurePath(path)
        return any(part.match(glob) for glob in globs for part in (pure, *pure.parents[:-1]))

    names = ["a", "b.txt", "drafts", "x.truth.json", ".", "..", "", "gs:", "A.TXT", "c.bak", "[x]", "a b", "e.zip!"]
    globs = ["*.bak", "drafts", "*.truth.json", "*.txt", "a", "*", "?", "[ab]*", "A.*", "drafts/*.txt", "*/b.txt",
             "..", "gs:", "[!a]*", "*!"]
    rng = random.Random(18)
    for _ in range(5000):
        tail = "/".join(rng.choice(names) for _ in range(rng.randint(0, 5)))
        path = rng.choice(["/", "", "gs://", "./", "//"]) + tail
        chosen = rng.sample(globs, rng.randint(1, 2))
        if path:
            assert is_excluded(path, chosen) == by_purepath(path, chosen), (path, chosen)


def test_plugin_selection_is_resolved_in_the_launcher(monkeypatch):
    monkeypatch.delenv("NIANBAO_LOAD_PLUGINS", raising=False)
    assert resolve_plugins(None, installed=["b", "a"]) == ("a", "b")
    monkeypatch.setenv("NIANBAO_LOAD_PLUGINS", "")
    assert resolve_plugins(None, installed=["a"]) == ()
    assert resolve_plugins("all", installed=["a"]) == ("a",)
    assert resolve_plugins("none") == () and resolve_plugins("y, x") == ("x", "y")
    # One reading of the variable: the launcher's default is what the host itself would load.
    monkeypatch.setenv("NIANBAO_LOAD_PLUGINS", " b , a,")
    assert env_selection() == {"a", "b"} and resolve_plugins(None) == ("a", "b")


def test_split_args_separates_inputs_from_beam_options():
    inputs, flags = split_args(["samples/", "--runner", "FnApiRunner", "more/*.txt", "--direct_num_workers=2",
                                "--save_main_session", "third"])
    assert inputs == ["samples/", "more/*.txt", "third"]
    assert flags == ["--runner", "FnApiRunner", "--direct_num_workers=2", "--save_main_session"]


def test_split_args_rejects_an_option_beam_does_not_know_and_a_bad_value():
    with pytest.raises(click.NoSuchOption, match="--unknown_option") as caught:
        split_args(["samples/", "--unknown_option=1"])
    assert caught.value.option_name == "--unknown_option"
    with pytest.raises(click.NoSuchOption) as caught:
        split_args(["samples/", "--direct_num_worker", "2"])
    assert caught.value.possibilities[0] == "--direct_num_workers"
    with pytest.raises(click.BadParameter, match="invalid choice: 'fast'"):
        split_args(["samples/", "--direct_running_mode", "fast"])


# --------------------------------------------------------------------------
# Third-party plugins reach the workers
# --------------------------------------------------------------------------

PLUGIN_MODULE = textwrap.dedent('''
    """An out-of-tree nianbao plugin for the pipeline tests: one extra check, one output."""
    import os

    from nianbao import CheckResult, Output, Sink, hookimpl


    def seen(record):
        yield CheckResult(where="pipeline", ok=True, expected=1, actual=1)


    class UriSink(Sink):
        def __init__(self, path):
            self.path, self.lines = path, []

        def write_record(self, record):
            self.lines.append(record["source"]["uri"] + "\\trecord")

        def write_dead_letter(self, letter):
            self.lines.append(letter["source"]["uri"] + "\\t" + letter["error"]["stage"])

        def close(self):
            with open(self.path, "w", encoding="utf-8") as handle:
                handle.write("".join(line + "\\n" for line in self.lines))
            return [self.path]


    class UriOutput(Output):
        name = "uris"
        description = "uris.tsv: each input's URI and outcome, in input order"

        def open(self, directory):
            return UriSink(os.path.join(directory, "uris.tsv"))


    @hookimpl
    def register_checks(register):
        register("testplug.seen", seen)


    @hookimpl
    def register_outputs(register):
        register(UriOutput())
''')

FAILING_OUTPUT_MODULE = textwrap.dedent('''
    """An output that breaks on its second record, as a buggy plugin would."""
    from nianbao import Output, Sink, hookimpl


    class Brittle(Sink):
        count = 0

        def write_record(self, record):
            self.count += 1
            if self.count == 2:
                raise KeyError("disclosed")


    class BrittleOutput(Output):
        name = "brittle"

        def open(self, directory):
            return Brittle()


    @hookimpl
    def register_outputs(register):
        register(BrittleOutput())
''')


def install_test_plugin(root: Path) -> Path:
    """Real installed distributions (dist-info with entry points) in ``root``; returns ``root``.

    ``testplug`` adds a check and the ``uris`` output; ``testfail`` adds the ``brittle`` output.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "nianbao_testplug.py").write_text(PLUGIN_MODULE, "utf-8")
    (root / "nianbao_testfail.py").write_text(FAILING_OUTPUT_MODULE, "utf-8")
    info = root / "nianbao_testplug-0.1.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: nianbao-testplug\nVersion: 0.1\n", "utf-8")
    (info / "entry_points.txt").write_text("[nianbao]\ntestplug = nianbao_testplug\ntestfail = nianbao_testfail\n",
                                           "utf-8")
    return root


@pytest.fixture()
def test_plugin(tmp_path, monkeypatch) -> Path:
    root = install_test_plugin(tmp_path / "site")
    monkeypatch.syspath_prepend(str(root))  # this process
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    return root


def test_installed_plugins_are_used_on_worker_processes(few, tmp_path, test_plugin):
    out = tmp_path / "out"
    summary = run([f"--input={few[0]}", f"--input={few[1]}", f"--output={out}", "--plugins=testplug",
                   "--direct_num_workers=1", "--direct_running_mode=multi_processing"])
    records, _ = read_outputs(out)
    assert summary["plugins"] == ["testplug"] and len(records) == 2
    workers = {w.rsplit(":", 1)[1] for w in summary["workers"]}
    assert str(os.getpid()) not in workers  # parsed in worker processes, not here
    for record in records:
        assert {"rule": "testplug.seen", "where": "pipeline", "ok": True, "expected": 1, "actual": 1} in record[
            "checks"]


def test_plugin_outputs_get_every_outcome_once_in_input_order(few, tmp_path, test_plugin):
    out = tmp_path / "out"
    summary = run([*(f"--input={path}" for path in few), f"--output={out}", "--plugins=testplug",
                   "--direct_num_workers=2", "--direct_running_mode=multi_processing"])
    order = expand_inputs([str(path) for path in few])  # the input order: sorted, de-duplicated
    records, letters = read_outputs(out)
    stages = {d["source"]["uri"]: d["error"]["stage"] for d in letters}
    expected = [f"{uri}\t{stages.get(uri, 'record')}" for uri in order]
    assert (out / "uris.tsv").read_text("utf-8").splitlines() == expected
    assert summary["outputs"] == {"uris": {"plugin": "testplug", "files": ["uris.tsv"], "records": len(records),
                                           "dead_letters": len(letters), "error": None}}


def test_a_failing_plugin_output_spoils_nothing_else(few, tmp_path, test_plugin):
    out = tmp_path / "out"
    result = CliRunner().invoke(run_command, [*map(str, few), "-o", str(out), "--plugins", "testplug,testfail",
                                              "--no-progress", LOCAL, "--direct_num_workers=1"])
    assert result.exit_code == 1
    assert "output 'brittle' (plugin 'testfail') failed writing the record of " in result.stderr
    summary = orjson.loads((out / "summary.json").read_bytes())
    assert summary["outputs"]["brittle"]["error"].endswith("KeyError: 'disclosed'")
    assert summary["outputs"]["uris"]["error"] is None  # the other output is whole ...
    records, letters = read_outputs(out)
    assert len(records) + len(letters) == summary["documents_in"] == 4  # ... and so are the built-in files
    assert len((out / "uris.tsv").read_text("utf-8").splitlines()) == 4


def test_an_unknown_output_stops_the_run_before_parsing(few, tmp_path, test_plugin):
    out = tmp_path / "out"
    with pytest.raises(RunError, match="no output called 'sqlite'; registered outputs: brittle, uris"):
        run([f"--input={few[0]}", f"--output={out}", "--plugins=testplug,testfail", "--outputs=uris,sqlite", LOCAL])
    assert list(out.iterdir()) == []  # no staging left, nothing parsed


@pytest.mark.filterwarnings("ignore:plugin 'nianbao_no_such_plugin':RuntimeWarning")
def test_a_worker_without_a_selected_plugin_fails_loudly(few, tmp_path):
    with pytest.raises(Exception, match="cannot load plugin"):
        run([f"--input={few[0]}", f"--output={tmp_path / 'out'}", "--plugins=nianbao_no_such_plugin", LOCAL,
             "--direct_num_workers=1"])


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------


def test_cli_run_prints_the_summary_and_writes_chinese_headers(few, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(run_command, [str(few[0].parent), "-o", str(out), "--labels", "zh",
                                              "--no-progress", "--runner", "FnApiRunner",
                                              "--direct_num_workers=1", "--allow-dead-letters"])
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.stdout[result.stdout.index("{"):])
    assert (summary["documents_in"], summary["records"], summary["dead_letters"]) == (4, 2, 2)
    header = (out / "reports.csv").read_text("utf-8-sig").splitlines()[0]
    assert header.startswith("文件,格式,读取器") and "机关" in header


def test_cli_run_without_inputs_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(run_command, ["-o", str(tmp_path)])
    assert result.exit_code == 2 and "INPUT" in result.output


def test_cli_run_names_an_unknown_runner(tmp_path):
    result = CliRunner().invoke(run_command, [str(tmp_path), "-o", str(tmp_path), "--runner=NoSuchRunner"])
    assert result.exit_code == 1 and "NoSuchRunner" in result.output


def test_nianbao_core_never_imports_beam():
    code = "import sys, nianbao, nianbao.cli, nianbao.plugins; " \
           "from nianbao.host import build_host; build_host(entry_points=False); " \
           "sys.exit('apache_beam' in sys.modules)"
    import subprocess

    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_workers_run_under_the_limits_given_to_nianbao_run_not_their_own_environment(tmp_path):
    """A real run on two worker processes: --max-input-bytes below one input's size makes it a dead letter
    naming the limit, although every process's environment turns that limit off."""
    import subprocess

    small, large = sorted(SEED_FILES, key=lambda p: p.stat().st_size)[::len(SEED_FILES) - 1]
    assert small.stat().st_size < large.stat().st_size
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in (small, large):
        shutil.copy(path, inputs / path.name)
    out = tmp_path / "out"
    env = {**os.environ, "NIANBAO_LOAD_PLUGINS": "", "NIANBAO_MAX_INPUT_BYTES": "0"}  # 0: the limit is off
    process = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "run", str(inputs), "-o", str(out), "-q", "--allow-dead-letters",
         f"--max-input-bytes={small.stat().st_size}", "--direct_num_workers=2",
         "--direct_running_mode=multi_processing"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr.decode()[-2000:]
    summary = orjson.loads((out / run_files.SUMMARY).read_bytes())
    assert summary["records"] == 1 and summary["dead_letters"] == 1
    assert all(not worker.endswith(f":{process.pid}") for worker in summary["workers"])  # parsed in workers
    (letter,) = iter_jsonl(output_files(str(out), run_files.DEAD_LETTERS))
    assert letter["source"]["uri"].endswith(large.name)
    assert letter["error"]["stage"] == "detect" and letter["error"]["type"] == "InputTooLargeError"
    assert f"over the limit of {small.stat().st_size:,} bytes" in letter["error"]["message"]
    assert "Limits.max_input_bytes" in letter["error"]["message"]
    assert "--max-input-bytes" in letter["error"]["message"]
    (record,) = iter_jsonl(output_files(str(out), run_files.RECORDS))
    assert record["source"]["uri"].endswith(small.name)


def test_limits_resolve_options_over_the_environment(monkeypatch):
    from apache_beam.options.pipeline_options import PipelineOptions

    from nianbao.limits import Limits
    from nianbao.pipelines.options import NianbaoOptions, resolve_limits

    monkeypatch.setenv("NIANBAO_MAX_BLOCKS", "7")
    options = PipelineOptions(["--max_text_chars=9", "--time_budget=0.5"]).view_as(NianbaoOptions)
    limits = resolve_limits(options)
    assert limits == Limits(max_blocks=7, max_text_chars=9, time_budget=0.5)
    assert (options.max_blocks, options.max_text_chars, options.max_input_bytes) == (7, 9, Limits().max_input_bytes)
    monkeypatch.setenv("NIANBAO_MAX_BLOCKS", "many")
    with pytest.raises(RunError, match="NIANBAO_MAX_BLOCKS"):
        run([f"--input={SEED_FILES[0]}", "--output=/nonexistent/out"])
