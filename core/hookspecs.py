"""The hooks a nianbao plugin may implement; this module is their reference documentation.

Every hook is a *contribution* hook: it receives a ``register`` callback owned
by the host and calls it once per thing it contributes. The host checks what it
is given (a :class:`~nianbao.readers.Reader`, an
:class:`~nianbao.extract.Extractor`, a check rule), stamps the contributing
plugin's name on it and rejects a duplicate name, naming both plugins.

Hooks are called once, when the host is built (:func:`nianbao.plugins.get_host`),
and resolved into plain lists: nothing is called per document or per cell.
Order of use is by each contribution's ``priority`` (higher first, stable),
never by pluggy's call order, so ``tryfirst``/``trylast`` do not matter here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .checks import Rule
    from .extract import Extractor
    from .readers import Reader

hookspec = pluggy.HookspecMarker("nianbao")
hookimpl = pluggy.HookimplMarker("nianbao")


@hookspec
def register_readers(register: Callable[[Reader], None]) -> None:
    """Contribute format readers.

    Called once at start-up. Call ``register(reader)`` for each
    :class:`~nianbao.readers.Reader` instance. When several readers accept an
    input (``Reader.accepts``), they are tried by descending ``priority``; the
    first that reads it wins and is named in the record's ``source.reader``.
    """


@hookspec
def register_extractors(register: Callable[[Extractor], None]) -> None:
    """Contribute section extractors.

    Called once at start-up. Call ``register(extractor)`` for each
    :class:`~nianbao.extract.Extractor`. Every extractor runs on every document
    (by descending ``priority``); each returns a partial record that the host
    merges into the record, so an extractor may add new keys.
    """


@hookspec
def register_checks(register: Callable[[str, Rule], None]) -> None:
    """Contribute record checks (cross-checks, 勾稽关系).

    Called once at start-up. Call ``register(name, rule)``: ``rule(record)``
    yields :class:`~nianbao.record.CheckResult` objects; the runner stamps
    ``name`` as their ``rule``. Every rule runs on every record.
    """
