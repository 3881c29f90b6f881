"""The build backend: setuptools', with Cython added to a wheel's build requirements when NIANBAO_COMPILE=1.

``pyproject.toml`` names this module (``backend-path = ["_build"]``). Every hook is setuptools.build_meta's; only
the wheel's requirements differ, so a plain ``pip install .`` or ``pip install -e .`` needs no Cython and no C
compiler. ``setup.py`` decides what is compiled (nothing in an editable install: docs/architecture.md, "The
compiled build").
"""

from __future__ import annotations

import os

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403  (every hook setuptools defines, re-exported as they are)

#: The Cython a compiled build needs: 3.x, whose pure-Python mode compiles the ``.py`` files as they are.
CYTHON = "Cython>=3.0,<4"


def compile_requested() -> bool:
    """Whether this build compiles (``NIANBAO_COMPILE=1``)."""
    return os.environ.get("NIANBAO_COMPILE", "").strip() == "1"


def get_requires_for_build_wheel(config_settings=None):
    """setuptools' requirements, plus Cython for a compiled build."""
    requires = list(_setuptools.get_requires_for_build_wheel(config_settings))
    return [*requires, CYTHON] if compile_requested() else requires
