"""The house rules of docs/architecture.md, checked on the import graph of the source tree.

Every ``import`` and ``from … import`` statement is read with ``ast`` (those inside functions too, so a lazy
import cannot hide an edge), resolved to a module of ours or an outside package, and the rules are
checked on the transitive closure of our own modules: a reader that imports a helper that imports the
template breaks the rule as surely as one that imports the template itself. A package's ``__init__`` is
followed only when it is imported by name: ``nianbao/__init__.py`` re-exports the public API for users,
and is not a dependency of ``nianbao.document``.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from .conftest import REPO

#: Source folder of each package (pyproject's package-dir).
PACKAGES = {"nianbao": REPO / "core", "nianbao.plugins": REPO / "plugins", "nianbao.pipelines": REPO / "pipelines"}


def module_files() -> dict[str, Path]:
    """Every module of ours, by dotted name."""
    files: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join((package, *parts))] = path
    return files


FILES = module_files()


def resolve(module: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The dotted names one import statement of ``module`` brings in (``from . import x`` gives ``pkg.x``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = module if FILES[module].name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    # ``from pkg import name``: name may be a submodule of ours.
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in FILES else base for alias in node.names]


def typing_only(tree: ast.Module) -> set[int]:
    """Ids of the statements under ``if TYPE_CHECKING:``: annotations only, never run."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return skipped


@cache
def direct_imports(module: str) -> frozenset[str]:
    tree = ast.parse(FILES[module].read_text("utf-8"))
    skipped = typing_only(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skipped:
            found.update(resolve(module, node))
    return frozenset(found)


def ours(name: str) -> str | None:
    """The module of ours that ``name`` is or lies in, if any."""
    while name:
        if name in FILES:
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def reach(module: str) -> frozenset[str]:
    """Every name ``module`` imports, directly or through modules of ours (outside packages by top name)."""
    seen: set[str] = set()
    todo = [module]
    done: set[str] = set()
    while todo:
        current = todo.pop()
        if current in done:
            continue
        done.add(current)
        for name in direct_imports(current):
            mine = ours(name)
            if mine is None:
                seen.add(name.split(".")[0])
            else:
                seen.add(mine)
                todo.append(mine)
    return frozenset(seen)


def defines(module: str, names: set[str]) -> bool:
    """Whether ``module`` defines a function or class with one of ``names``, or subclasses one of them."""
    tree = ast.parse(FILES[module].read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in names:
            return True
        if isinstance(node, ast.ClassDef) and any(getattr(b, "id", getattr(b, "attr", None)) in names
                                                  for b in node.bases):
            return True
    return False


READERS = sorted(m for m in FILES if m.startswith("nianbao.plugins.") and defines(m, {"register_readers", "Reader"}))
EXTRACTORS = sorted(m for m in FILES if m.startswith("nianbao.plugins.")
                    and defines(m, {"register_extractors", "Extractor"}))
CORE = sorted(m for m in FILES if not m.startswith(("nianbao.plugins", "nianbao.pipelines")))
PIPELINES = sorted(m for m in FILES if m.startswith("nianbao.pipelines"))
TEMPLATE = "nianbao.template"


def test_the_graph_is_what_the_rules_are_about():
    # The classification must find the modules the rules talk about, or every rule passes vacuously.
    assert {"nianbao.plugins.text", "nianbao.plugins.html", "nianbao.plugins.docx"} <= set(READERS)
    assert {"nianbao.plugins.metadata", "nianbao.plugins.tables"} <= set(EXTRACTORS)
    assert TEMPLATE in CORE and "nianbao.pipelines.run" in PIPELINES
    assert "apache_beam" in reach("nianbao.pipelines.run")
    assert TEMPLATE in reach("nianbao.plugins.metadata")


@pytest.mark.parametrize("module", READERS)
def test_readers_import_no_template(module):
    assert TEMPLATE not in reach(module), f"{module} reaches {TEMPLATE}: readers turn bytes into a Document only"


def test_template_imports_no_reader_and_nothing_of_ours():
    assert not {m for m in reach(TEMPLATE) if m in FILES}, "the template module stands alone"


@pytest.mark.parametrize("module", PIPELINES)
def test_pipelines_import_no_reader_or_extractor(module):
    bad = reach(module) & {*READERS, *EXTRACTORS}
    assert not bad, f"{module} reaches {sorted(bad)}: pipelines go through nianbao.parse"


@pytest.mark.parametrize("module", CORE)
def test_core_imports_neither_beam_nor_pipelines(module):
    bad = {m for m in reach(module) if m == "apache_beam" or m.startswith("nianbao.pipelines")}
    assert not bad, f"{module} reaches {sorted(bad)}"


@pytest.mark.parametrize("module", [m for m in CORE if m != "nianbao.host"])
def test_core_imports_no_plugin(module):
    # nianbao.host names the built-in plugin modules as strings and loads them like third-party ones.
    bad = {m for m in reach(module) if m.startswith("nianbao.plugins")}
    assert not bad, f"{module} reaches {sorted(bad)}"


def test_a_broken_rule_is_seen(tmp_path):
    # The checker itself: a reader that imports the template through a helper is caught.
    helper = tmp_path / "helper.py"
    reader = tmp_path / "reader.py"
    helper.write_text("def f():\n    from nianbao.template import normalise_label\n")
    reader.write_text("from nianbao.plugins.helper import f\nclass R(Reader): ...\n")
    FILES.update({"nianbao.plugins.helper": helper, "nianbao.plugins.reader": reader})
    try:
        direct_imports.cache_clear()
        reach.cache_clear()
        assert TEMPLATE in reach("nianbao.plugins.reader")
        assert defines("nianbao.plugins.reader", {"Reader"})
    finally:
        del FILES["nianbao.plugins.helper"], FILES["nianbao.plugins.reader"]
        direct_imports.cache_clear()
        reach.cache_clear()
