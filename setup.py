"""The optional compiled build: with ``NIANBAO_COMPILE=1``, the modules of ``core/compiled.py`` through Cython.

Everything else is in ``pyproject.toml``. Without the variable (a plain ``pip install .``) and in an editable
install this adds nothing, and nothing here imports Cython. With it, each module of ``MODULES`` becomes an
extension built from its own ``.py`` (Cython's pure-Python mode: no ``.pyx``, annotations not enforced,
``binding=True`` so its functions keep their signatures and take pluggy's marker attribute), installed beside
the ``.py``. The C files go to ``build/cython/``, never beside the sources, and nothing is built in place: an
extension left in the source tree would shadow the ``.py`` edited after it.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
#: Cython's directives for every module: Python 3 semantics, functions as Python sees them, annotations ignored.
DIRECTIVES = {"language_level": 3, "binding": True, "annotation_typing": False}


def _compiled_list():
    """``core/compiled.py`` loaded by path (the package is not installed while it is built)."""
    spec = importlib.util.spec_from_file_location("_nianbao_compiled", HERE / "core" / "compiled.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compiling() -> bool:
    """``NIANBAO_COMPILE=1``, and not an editable install or ``develop`` (those keep every module pure)."""
    if os.environ.get("NIANBAO_COMPILE", "").strip() != "1":
        return False
    if {"editable_wheel", "develop"} & set(sys.argv[1:]):
        print("NIANBAO_COMPILE=1 ignored: an editable install stays pure Python", file=sys.stderr)
        return False
    return True


class CythonBuildExt(build_ext):
    """``build_ext`` that turns the ``.py`` sources into C with Cython first, and refuses to build in place."""

    def finalize_options(self) -> None:
        super().finalize_options()
        if self.inplace:
            raise SystemExit("nianbao's compiled modules are never built in place (they would shadow the .py "
                             "files); build a wheel: NIANBAO_COMPILE=1 pip install .")

    def run(self) -> None:
        from Cython.Build import cythonize  # only here: the build requirements are asked for before Cython is in

        translated = cythonize(self.extensions, compiler_directives=DIRECTIVES, quiet=True,
                               build_dir=str(Path(self.build_temp).parent / "cython"), nthreads=os.cpu_count() or 1)
        for extension, done in zip(self.extensions, translated, strict=True):
            extension.sources = done.sources  # the .c in place of the .py (setuptools' own Extension objects kept)
        if self.parallel is None:
            self.parallel = os.cpu_count() or 1
        super().run()


def extensions() -> list[Extension]:
    compiled = _compiled_list()
    return [Extension(module, [compiled.source_path(module)]) for module in compiled.MODULES]


if compiling():
    setup(ext_modules=extensions(), cmdclass={"build_ext": CythonBuildExt})
else:
    setup()
