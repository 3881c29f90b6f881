"""The nianbao plugin: the entry point ``pdf`` in the ``nianbao`` group names this module."""

from __future__ import annotations

from collections.abc import Callable

from nianbao import Reader, hookimpl

from .reader import PdfReader


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    """Contribute the PDF reader."""
    register(PdfReader())
