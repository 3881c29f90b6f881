"""The optional compiled build (``NIANBAO_COMPILE=1 pip install .``): how it is built, and that it changes nothing.

The build's tests run on every install: the backend asks for Cython only when told to, and ``setup.py`` compiles
the modules of ``nianbao.compiled.MODULES`` only then, never in an editable install, never in place. The compiled
install's tests run on a compiled install (they are skipped, saying so, on a pure one): every module of the list
is an extension, pluggy still finds the compiled readers, and the records of the bundled samples and tests/data
are byte for byte those of the pure ``.py`` sources of this tree (loaded by ``benchmarks/records_diff.py``).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import types

import pytest

from nianbao import Document, Paragraph, Reader
from nianbao.compiled import MODULES, build_name, compiled_modules, is_extension, source_path
from nianbao.hookspecs import hookimpl
from nianbao.host import build_host

from .conftest import DATA, REPO, SAMPLES

BUILD_FILES = ("pyproject.toml", "setup.py", "README.md", "MANIFEST.in")
BUILD_DIRS = ("_build", "core", "plugins", "pipelines")


@pytest.fixture(scope="module")
def source_copy(tmp_path_factory):
    """What a build reads of this tree (pyproject, setup.py, the packages), copied: a build writes egg-info."""
    copy = tmp_path_factory.mktemp("build") / "nianbao"
    copy.mkdir()
    for name in BUILD_FILES:
        shutil.copy(REPO / name, copy / name)
    for name in BUILD_DIRS:
        shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.c"))
    return copy


def _env(compile_flag: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NIANBAO_COMPILE"}
    if compile_flag is not None:
        env["NIANBAO_COMPILE"] = compile_flag
    return env


@pytest.mark.parametrize(("flag", "wants_cython"), [(None, False), ("0", False), ("1", True)])
def test_backend_asks_for_cython_only_for_a_compiled_wheel(source_copy, flag, wants_cython):
    """The in-tree backend's wheel requirements (setuptools' own, run on the copy) gain Cython with the flag only;
    an editable install never asks for it."""
    script = ("import json, backend\n"
              "print(json.dumps([backend.get_requires_for_build_wheel(), backend.get_requires_for_build_editable(),"
              " backend.get_requires_for_build_sdist()]))")
    done = subprocess.run([sys.executable, "-c", script], cwd=source_copy, capture_output=True, text=True,
                          env={**_env(flag), "PYTHONPATH": str(source_copy / "_build")}, timeout=300)
    assert done.returncode == 0, done.stderr
    wheel, editable, sdist = json.loads(done.stdout.strip().splitlines()[-1])
    assert any(r.lower().startswith("cython") for r in wheel) is wants_cython
    assert not any(r.lower().startswith("cython") for r in editable + sdist)


#: Runs setup.py with ARGV under a stand-in for setuptools.setup that prints the extensions it was given.
_SETUP = ("import json, runpy, sys, setuptools\n"
          "given = {}\n"
          "setuptools.setup = lambda **kw: given.update(kw)\n"
          "sys.argv = ['setup.py', *sys.argv[1:]]\n"
          "runpy.run_path('setup.py', run_name='__main__')\n"
          "print(json.dumps([[e.name, e.sources] for e in given.get('ext_modules', [])]))")


@pytest.mark.parametrize(("flag", "command", "compiled"), [
    (None, "bdist_wheel", False), ("1", "bdist_wheel", True), ("1", "editable_wheel", False), ("1", "develop", False),
])
def test_setup_compiles_the_listed_modules_only_when_asked(source_copy, flag, command, compiled):
    done = subprocess.run([sys.executable, "-c", _SETUP, command], cwd=source_copy, capture_output=True, text=True,
                          env=_env(flag), timeout=300)
    assert done.returncode == 0, done.stderr
    extensions = json.loads(done.stdout.strip().splitlines()[-1])
    if compiled:
        assert extensions == [[module, [source_path(module)]] for module in MODULES]
        assert all((source_copy / source_path(module)).is_file() for module in MODULES)
    else:
        assert extensions == []
        if flag == "1":
            assert "editable install stays pure Python" in done.stderr


def test_the_sdist_carries_the_build(source_copy, tmp_path):
    """An sdist builds either way: it holds the in-tree backend, setup.py and the module list, and no C."""
    script = f"import backend; print(backend.build_sdist({str(tmp_path)!r}))"
    done = subprocess.run([sys.executable, "-c", script], cwd=source_copy, capture_output=True, text=True,
                          env={**_env(None), "PYTHONPATH": str(source_copy / "_build")}, timeout=300)
    assert done.returncode == 0, done.stderr
    with tarfile.open(tmp_path / done.stdout.strip().splitlines()[-1]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"_build/backend.py", "setup.py", "pyproject.toml", "core/compiled.py"} <= names
    assert {source_path(module) for module in MODULES} <= names
    assert not [name for name in names if name.endswith((".c", ".so"))]


def test_setup_never_builds_in_place(source_copy):
    """An extension beside its .py would shadow the .py edited after it."""
    done = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=source_copy,
                          capture_output=True, text=True, env=_env("1"), timeout=300)
    assert done.returncode != 0 and "never built in place" in done.stderr
    assert not list(source_copy.glob("core/*.so")) and not list(source_copy.glob("core/*.c"))


def test_the_build_is_named():
    found = compiled_modules()
    assert set(found) <= set(MODULES)
    assert build_name() == (f"compiled: {len(found)} modules" if found else "pure Python")
    done = subprocess.run([sys.executable, "-m", "nianbao", "--version"], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == f"nianbao, version 0.1.0 ({build_name()})"
    assert is_extension("fit.cpython-311-x86_64-linux-gnu.so") and not is_extension("fit.py")


class _Reader(Reader):
    name = "compiled-like"
    format = "x"
    extensions = frozenset({".x"})

    def read(self, data, source):
        return Document(blocks=(Paragraph(text=data.decode()),), format="x")


class cython_function_or_method:  # the name of Cython's function type, which hookimpl looks for
    """A stand-in for a compiled function on a pure install: a callable that is not ``inspect.isfunction`` (pluggy
    passes it over), with what Cython's ``binding=True`` gives one: a code object, defaults and a qualified name
    (pluggy reads the argument names there)."""

    __code__ = (lambda register: None).__code__
    __defaults__ = None

    def __init__(self):
        self.__name__ = self.__qualname__ = "register_readers"  # on the instance: a class body's names the class

    def __call__(self, register):
        register(_Reader())


@pytest.mark.parametrize("options", [{}, {"tryfirst": True}])
def test_hookimpl_makes_a_compiled_function_a_plain_one(options):
    """pluggy 1.7 finds hook implementations among plain functions only; ``hookimpl`` wraps anything else, so the
    plugin still contributes (with or without marker options), and a Python function is left as it is."""
    assert not inspect.isfunction(cython_function_or_method())
    plugin = types.ModuleType("compiled_like")
    compiled = cython_function_or_method()
    plugin.register_readers = hookimpl(**options)(compiled) if options else hookimpl(compiled)
    assert inspect.isfunction(plugin.register_readers)
    assert list(inspect.signature(plugin.register_readers).parameters) == ["register"]
    host = build_host(entry_points=False, extra=[plugin])
    assert "compiled-like" in {reader.name for reader in host.readers}

    def python_function(register):
        pass

    assert hookimpl(python_function) is python_function
    static = staticmethod(python_function)  # pluggy takes these as they are: hookimpl must not wrap them
    assert hookimpl(static) is static


def test_no_listed_module_is_run_as_a_script():
    """``python -m`` cannot run an extension (runpy finds no code object for it), so a module that nianbao starts as
    a process of its own (``python -m …``: a worker, the page's process, the Parquet writer) must stay pure, and no
    listed module has a ``__main__`` block."""
    sources = [path.read_text(encoding="utf-8") for folder in ("core", "plugins", "pipelines")
               for path in sorted((REPO / folder).rglob("*.py"))]
    started = {name for text in sources for name in re.findall(r'-m(?:",\s*"|\s+)(nianbao[\w.]*)', text)}
    assert {"nianbao.pipelines.report", "nianbao.pipelines.table_files", "nianbao.pipelines.worker"} <= started
    assert not started & set(MODULES)
    for module in MODULES:
        assert '__name__ == "__main__"' not in (REPO / source_path(module)).read_text(encoding="utf-8"), module


compiled_only = pytest.mark.skipif(
    not compiled_modules(),
    reason="pure Python install: the compiled build's tests need `NIANBAO_COMPILE=1 pip install .` (README)")


@compiled_only
def test_every_listed_module_is_compiled():
    """A compiled install compiles the whole list, or it is broken (a module that failed silently, say)."""
    assert compiled_modules() == list(MODULES)
    for name in MODULES:
        module = importlib.import_module(name)
        assert is_extension(module.__file__), module.__file__


@compiled_only
def test_pluggy_finds_the_compiled_readers(host):
    """The readers' ``@hookimpl`` functions are compiled; the host still registers every reader they contribute."""
    names = {reader.name for reader in host.readers}
    assert {"text", "tsv", "html"} <= names, names


@compiled_only
def test_records_equal_the_pure_sources(tmp_path):
    """The samples' and tests/data's records, compiled against this tree's ``.py`` files: byte for byte."""
    out = {}
    for side, tree in (("compiled", []), ("pure", ["--tree", str(REPO)])):
        out[side] = tmp_path / f"{side}.jsonl"
        done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "records_diff.py"), "records", str(SAMPLES),
                               str(DATA), "--out", str(out[side]), *tree], capture_output=True, text=True,
                              timeout=1200)
        assert done.returncode == 0, done.stderr
    compiled, pure = out["compiled"].read_bytes(), out["pure"].read_bytes()
    assert compiled.count(b"\n") > 200  # 15 samples, about 230 of tests/data
    assert compiled == pure


def test_turns_takes_an_interpreter_per_tree(tmp_path):
    """``benchmarks/turns.py``: a tree may be the interpreter's ``installed`` nianbao, each with its own ``--python``
    (how the compiled venv and the pure sources take turns); one interpreter for two trees is refused."""
    for path in sorted(SAMPLES.glob("synth_*")):
        shutil.copy(path, tmp_path / path.name.removeprefix("synth_"))  # 00000_tsv.txt: the scale corpus's names
    turns = [sys.executable, str(REPO / "benchmarks" / "turns.py"), str(REPO), "installed", "--files", str(tmp_path),
             "--turns", "1"]
    done = subprocess.run([*turns, "--python", sys.executable, "--python", sys.executable], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    rows = {line.split(" | ")[0].lstrip("| ").split(" (")[0] for line in done.stdout.splitlines()[2:]}
    assert rows == {"docx", "html", "text", "tsv"}
    assert f"installed ({sys.executable}) ms/doc" in done.stdout.splitlines()[0]
    refused = subprocess.run([*turns, "--python", sys.executable], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "one interpreter per tree" in refused.stderr


@compiled_only
def test_run_outputs_equal_the_pure_sources(tmp_path):
    """``nianbao run`` on the samples, compiled and with this tree's ``.py`` files: every output file the same
    (``benchmarks/outputs_diff.py``'s comparison: timings and workers' names aside), since the compiled modules
    include what stages each record (its flat row, its entry in the page)."""
    spec = importlib.util.spec_from_file_location("outputs_diff", REPO / "benchmarks" / "outputs_diff.py")
    outputs_diff = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(outputs_diff)
    out, work = tmp_path / "out", tmp_path / "work"  # both runs write to the same folder: the page names it
    work.mkdir()
    done = subprocess.run([sys.executable, "-m", "nianbao", "run", str(SAMPLES), "-o", str(out),
                           "--allow-dead-letters", "--no-progress"], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NIANBAO_LOAD_PLUGINS": ""})
    assert done.returncode == 0, done.stderr
    out.rename(tmp_path / "compiled")
    outputs_diff.run(REPO, [str(SAMPLES)], out, work, [])
    out.rename(tmp_path / "pure")
    assert (tmp_path / "pure" / "reports.parquet").is_file() and (tmp_path / "compiled" / "report.html").is_file()
    assert outputs_diff.compare(tmp_path / "pure", tmp_path / "compiled") == []
