"""The nianbao plugin: the entry point ``odt`` in the ``nianbao`` group names this module."""

from __future__ import annotations

from collections.abc import Callable

from nianbao import Reader, hookimpl

from .reader import OdtReader


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    """Contribute the OpenDocument text reader."""
    register(OdtReader())
