"""The command line, run as a user runs it: a real subprocess of the installed ``nianbao`` script."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson

from .conftest import SEED_FILES, SEEDS

ENV = {**os.environ, "NIANBAO_LOAD_PLUGINS": ""}


def nianbao(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianbao", *args], capture_output=True, env=ENV, timeout=300,
                          input=stdin)


CLEAN = SEEDS / "004_2dfc536c7b58f7e3.txt"  # holds every check, no issue
BROKEN = SEEDS / "000_396b049f417bb130.txt"  # unfittable rows, so checks fail on nulls
WARNED = SEEDS / "002_6f1e0a320b3e1d76.txt"  # one warning, nothing failing


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


def test_parse_and_check_take_the_limits_as_options_over_the_environment():
    env = {**ENV, "NIANBAO_MAX_BLOCKS": "5"}  # far fewer than any report has
    refused = subprocess.run([sys.executable, "-m", "nianbao", "parse", str(CLEAN)], capture_output=True, env=env,
                             timeout=300)
    assert refused.returncode == 1 and b"Limits.max_blocks" in refused.stderr and b"--max-blocks" in refused.stderr
    allowed = subprocess.run([sys.executable, "-m", "nianbao", "parse", "--max-blocks=0", str(CLEAN)],
                             capture_output=True, env=env, timeout=300)
    assert allowed.returncode == 0 and orjson.loads(allowed.stdout)["source"]["uri"] == str(CLEAN)
    checked = nianbao("check", "--max-text-chars", "3", str(CLEAN))
    assert checked.returncode == 1 and b"max_text_chars" in checked.stdout
    assert nianbao("parse", "--time-budget=-1", str(CLEAN)).returncode == 2  # a usage error, named
    assert b"--max-elements" in nianbao("run", "--help").stdout


def test_version_and_help():
    assert nianbao("--version").stdout.decode().startswith("nianbao, version")
    assert b"parse" in nianbao("--help").stdout


#: Runs the CLI in-process with ARGV, then says on stderr which heavy packages it imported.
_IMPORTS = ("import sys; from nianbao.cli import main\n"
            "try:\n    main(sys.argv[1:], prog_name='nianbao')\n"
            "except SystemExit:\n    pass\n"
            "sys.stderr.write('IMPORTED ' + ' '.join(m for m in ('apache_beam', 'matplotlib', 'jinja2') "
            "if m in sys.modules))")


def test_parse_and_help_import_no_beam_while_the_pipelines_plugin_lists_run_and_report():
    for args in (["parse", str(CLEAN)], ["check", str(CLEAN)]):
        result = subprocess.run([sys.executable, "-c", _IMPORTS, *args], capture_output=True, env=ENV, timeout=300)
        assert result.stderr.decode().rsplit("IMPORTED", 1)[1].split() == [], (args, result.stderr[-500:])
        assert result.stdout, args
    # --help shows each command's short help, so it imports what the commands' modules import.
    listing = nianbao("--help").stdout.decode().split("Commands:")[1].split()
    assert {"run", "report", "parse", "check", "synth"} <= set(listing)
    # `run --help` imports its module (and Beam) only then, through the command the pipelines registered.
    result = subprocess.run([sys.executable, "-c", _IMPORTS, "run", "--help"], capture_output=True, env=ENV,
                            timeout=300)
    assert b"--output" in result.stdout and "apache_beam" in result.stderr.decode().rsplit("IMPORTED", 1)[1]


# --------------------------------------------------------------------------
# Inputs users have
# --------------------------------------------------------------------------


def test_parse_reads_standard_input():
    result = nianbao("parse", "-", stdin=CLEAN.read_bytes())
    assert result.returncode == 0, result.stderr
    record = orjson.loads(result.stdout)
    assert record["source"]["uri"] == "<stdin>" and record["agency"] == "淄博市工业和信息化局"
    named = orjson.loads(nianbao("parse", "-", "--stdin-name", "report.txt", stdin=CLEAN.read_bytes()).stdout)
    assert named["source"]["uri"] == "report.txt" and named["year"] == 2020


def test_parse_sends_folders_to_run_and_reads_no_url(tmp_path):
    url = "https://www.example.gov.cn/zwgk/2023.html"
    result = nianbao("parse", str(tmp_path), url, str(CLEAN))
    assert result.returncode == 1
    err = result.stderr.decode()
    assert f"nianbao: {tmp_path}: [read] is a folder: `nianbao run {tmp_path} -o OUT` reads folders" in err
    assert f"nianbao: {url}: [read] URLs are not read; download first" in err
    assert "https:/www" not in err  # not taken for a path
    assert orjson.loads(result.stdout)["year"] == 2020  # the file among them still runs


# --------------------------------------------------------------------------
# nianbao check
# --------------------------------------------------------------------------


def test_check_prints_lint_lines_and_fails_on_errors_and_failing_checks(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = nianbao("check", str(BROKEN), str(CLEAN), str(empty))
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    parsed = orjson.loads(nianbao("parse", str(BROKEN)).stdout)
    issues = [f"{BROKEN}: {i['where']}: {i['level']} {i['code']} {i['message']}" for i in parsed["issues"]]
    failing = [c for c in parsed["checks"] if not c["ok"]]
    assert lines[:len(issues)] == issues
    assert f"{BROKEN}: applications.natural_person: error applications.balance expected 0, actual null" in lines
    assert len([line for line in lines if line.startswith(f"{BROKEN}: ")]) == len(issues) + len(failing)
    assert not any(line.startswith(f"{CLEAN}:") for line in lines)
    assert f"{empty}: detect: error EmptyDocumentError the file is empty" in lines
    errors = sum(i["level"] == "error" for i in parsed["issues"]) + len(failing) + 1
    warnings = sum(i["level"] == "warning" for i in parsed["issues"])
    assert lines[-1] == (f"Found {errors} errors ({len(failing)} failing checks) and {warnings} warnings "
                         "in 2 of 3 files.")


def test_check_exits_0_on_warnings_alone_reads_folders_and_is_quiet_with_q(tmp_path):
    result = nianbao("check", str(WARNED), str(CLEAN))
    assert result.returncode == 0, result.stdout
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith(f"{WARNED}: sections.other: warning section.empty ")
    assert lines[-1] == "Found 0 errors (0 failing checks) and 1 warning in 1 of 2 files."
    quiet = nianbao("check", "-q", str(WARNED), str(CLEAN))
    assert quiet.returncode == 0 and quiet.stdout.decode().splitlines() == lines[:-1]
    folder = tmp_path / "reports"
    (folder / "2020").mkdir(parents=True)
    (folder / "2020" / WARNED.name).write_bytes(WARNED.read_bytes())
    (folder / CLEAN.name).write_bytes(CLEAN.read_bytes())
    (folder / "x.truth.json").write_text("{}", encoding="utf-8")  # a synth truth: not a report
    listed = nianbao("check", "-v", str(folder))
    assert listed.returncode == 0
    assert listed.stdout.decode().splitlines() == [
        f"{folder / CLEAN.name}: ok", lines[0].replace(str(WARNED), str(folder / "2020" / WARNED.name)), lines[-1]]
    clean = nianbao("check", "-v", "-", stdin=CLEAN.read_bytes())
    assert clean.returncode == 0
    assert clean.stdout.decode().splitlines() == ["<stdin>: ok", "All checks passed: 1 file, no issues."]


# --------------------------------------------------------------------------
# nianbao run: exit status, noise, options, exclusions
# --------------------------------------------------------------------------

WORKERS = ("--direct_num_workers", "2", "--direct_running_mode", "multi_processing")


def test_run_on_a_synth_folder_exits_1_for_a_dead_letter_and_prints_one_line(tmp_path):
    corpus = tmp_path / "corpus"
    made = nianbao("synth", "--out", str(corpus), "-n", "2")
    assert made.returncode == 0, made.stderr
    truths = sorted(corpus.glob("*.truth.json"))
    assert len(truths) == 2
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "drafts").mkdir()
    (corpus / "drafts" / "draft.txt").write_bytes(b"junk")
    (corpus / "notes.bak").write_bytes(b"junk")
    out = tmp_path / "out"
    result = nianbao("run", str(corpus), "-o", str(out), "--exclude", "drafts", "--exclude=*.bak", *WORKERS)
    assert result.returncode == 1
    summary = orjson.loads(result.stdout)
    assert (summary["documents_in"], summary["records"], summary["dead_letters"]) == (3, 2, 1)
    assert summary["excluded"] == 4  # two truths, the draft, the .bak
    failing = sum(summary["checks_failed"].values())
    # stderr is the counts line and the dead-letter hint, nothing from Beam or its worker processes
    assert result.stderr.decode().splitlines() == [
        f"3 documents: 2 records, 1 dead letter (detect 1), {failing} failing check{'s' * (failing != 1)}, "
        f"4 excluded -> {out}",
        "nianbao run: 1 input could not be read, see dead-letters-*.jsonl (--allow-dead-letters to exit 0 all "
        "the same)",
    ]
    allowed = nianbao("run", str(corpus), "-o", str(out), "--exclude", "drafts", "--exclude=*.bak", "-q",
                      "--allow-dead-letters", "--direct_num_workers=1")
    assert (allowed.returncode, allowed.stdout, allowed.stderr) == (0, b"", b"")


def test_run_verbose_shows_beam_info_and_a_clean_run_exits_0(tmp_path):
    result = nianbao("run", str(CLEAN), str(WARNED), "-o", str(tmp_path / "out"), "-v", "--direct_num_workers=1")
    assert result.returncode == 0, result.stderr
    err = result.stderr.decode()
    assert "INFO apache_beam." in err
    assert err.splitlines()[-1] == f"2 documents: 2 records, 0 dead letters, 0 failing checks -> {tmp_path / 'out'}"


def test_run_names_a_misspelt_option_and_a_bad_value(tmp_path):
    result = nianbao("run", str(CLEAN), "-o", str(tmp_path), "--runnr", "DirectRunner")
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "No such option '--runnr'" in err and "'--runner'" in err
    assert not (tmp_path / "summary.json").exists()
    bad = nianbao("run", str(CLEAN), "-o", str(tmp_path), "--direct_running_mode=fast")
    assert bad.returncode == 2 and "invalid choice: 'fast'" in bad.stderr.decode()
