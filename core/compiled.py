"""Which modules the optional compiled build compiles, and which of them this install runs compiled.

``NIANBAO_COMPILE=1 pip install .`` compiles the modules of :data:`MODULES` with Cython in pure-Python mode (the
``.py`` files as they are, annotations not enforced; ``setup.py`` reads this list); a plain ``pip install`` or an
editable install compiles none. A compiled module is an extension (``fit.cpython-311-x86_64-linux-gnu.so``)
installed beside its ``.py``, and Python's import system prefers it. docs/architecture.md, "The compiled build".

This module imports nothing of nianbao: ``setup.py`` loads it by path, before the package is installed.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util

#: The compiled modules: the parse's hot path (the fitter, the outline, the checks, the template, the glued
#: labels, the page, the record's assembly) and the readers of the generated formats; then what a worker does with
#: each record (its flat row, cross-year facts, entry in the page, staged lines: 13 % fewer instructions there).
#: Each is also a plain ``.py`` in every install. None may be run with ``python -m`` (an extension has no code
#: object for runpy): ``table_files`` and ``report``, run so as processes of their own, stay pure.
MODULES = (
    "nianbao.fit",
    "nianbao.outline",
    "nianbao.checks",
    "nianbao.template",
    "nianbao.glued",
    "nianbao.page",
    "nianbao.record",
    "nianbao.plugins.text",
    "nianbao.plugins.tsv",
    "nianbao.plugins.html",
    "nianbao.flat_table",
    "nianbao.crossyear",
    "nianbao.pipelines.page_entry",
    "nianbao.pipelines.staging",
)

#: Where each package's sources are in the repository (pyproject's ``package-dir``).
SOURCE_DIRS = {"nianbao": "core", "nianbao.plugins": "plugins", "nianbao.pipelines": "pipelines"}


def source_path(module: str) -> str:
    """The repository path of a module's ``.py`` (``nianbao.plugins.html`` → ``plugins/html.py``)."""
    package, _, name = module.rpartition(".")
    return f"{SOURCE_DIRS[package]}/{name}.py"


def is_extension(path: str | None) -> bool:
    """Whether a module file is a compiled extension (by its name: ``.so``, ``.pyd``)."""
    return path is not None and path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def compiled_modules() -> list[str]:
    """The modules of :data:`MODULES` that this install loads compiled (their file, without importing them)."""
    found = []
    for module in MODULES:
        spec = importlib.util.find_spec(module)  # a module imported already answers with its own spec
        if spec is not None and is_extension(spec.origin):
            found.append(module)
    return found


def build_name() -> str:
    """``"compiled: 14 modules"``, or ``"pure Python"`` when none is compiled (what ``nianbao --version`` says)."""
    found = compiled_modules()
    if not found:
        return "pure Python"
    return f"compiled: {len(found)} module{'s' if len(found) != 1 else ''}"
