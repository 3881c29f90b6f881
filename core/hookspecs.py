"""The hooks a nianbao plugin may implement; this module is their reference documentation.

Every hook is a *contribution* hook: it receives a ``register`` callback owned
by the host and calls it once per thing it contributes. The host checks what it
is given (a :class:`~nianbao.readers.Reader`, an
:class:`~nianbao.extract.Extractor`, a check rule, an
:class:`~nianbao.output.Output`, a command), stamps the contributing
plugin's name on it and rejects a duplicate name, naming both plugins. Hooks
return nothing; a ``return`` value is ignored.

Hooks are called once, when the host is built (:func:`nianbao.host.get_host`,
once per process or pipeline worker), and resolved into plain lists: nothing is
called per document or per cell.

Order: the host calls the implementations in registration order (built-ins,
then plugins passed to ``build_host(extra=...)``, then entry-point plugins), so
a name clash is blamed on the later plugin. pluggy's ``tryfirst``/``trylast``
marks are accepted but change nothing; hook wrappers are refused. Contributions
are *used* by their ``priority`` (higher first; ties keep registration order):
that is the one ordering knob a plugin has. See ``docs/plugins.md``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .checks import Rule
    from .extract import Extractor
    from .output import Output
    from .readers import Reader



def _plain(function: Any) -> Any:
    """A plain function calling ``function`` (with its name and signature) if Cython compiled it, else ``function``.

    pluggy (1.7) takes a module's hook implementations only from plain Python functions (``inspect.isfunction``),
    static and class methods; a function of a module compiled by Cython (the compiled build, ``nianbao.compiled``)
    is a ``cython_function_or_method``: it takes pluggy's marker attribute but is passed over, and its plugin would
    contribute nothing. The wrapper is what pluggy finds and calls; it costs a call once per process (hooks run
    when the host is built, never per document). Anything else, a third-party plugin's included, is left as it is.
    """
    if inspect.isfunction(function) or "cython_function" not in type(function).__name__:
        return function

    @functools.wraps(function)  # __wrapped__: inspect.signature, and with it pluggy, sees the compiled signature
    def plain(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return plain


class _HookimplMarker(pluggy.HookimplMarker):
    """pluggy's ``HookimplMarker``, which first makes a compiled function a plain one (:func:`_plain`)."""

    def __call__(self, function: Any = None, **options: Any) -> Any:
        if function is None:
            mark = super().__call__(**options)
            return lambda inner: mark(_plain(inner))
        return super().__call__(_plain(function), **options)


hookspec = pluggy.HookspecMarker("nianbao")
hookimpl = _HookimplMarker("nianbao")


@hookspec
def register_readers(register: Callable[[Reader], None]) -> None:
    """Contribute format readers.

    Called once at start-up. ``register`` takes one
    :class:`~nianbao.readers.Reader` *instance* with a unique ``name``; call it
    once per reader. Returns nothing.

    Format detection, per input: every reader's ``accepts(head, source)`` is
    asked (``head``: the first 64 KiB; ``source``: extension, mime type,
    charset); those that accept are tried by descending ``priority``, and the
    first whose ``read`` returns a Document wins and is named in the record's
    ``source.reader``. A reader that raises a ``ReadError`` passes the input to
    the next one. If none accepts, the input is a dead letter at stage
    ``detect`` ("no reader accepts the file"); if all that accepted failed, at
    stage ``read``, listing each attempt.
    """


@hookspec
def register_extractors(register: Callable[[Extractor], None]) -> None:
    """Contribute section extractors.

    Called once at start-up. ``register`` takes one
    :class:`~nianbao.extract.Extractor` *instance* with a unique ``name``; call
    it once per extractor. Returns nothing.

    Every extractor runs on every read document, by descending ``priority``,
    and returns an :class:`~nianbao.extract.Extraction` (fields, issues,
    template versions). The host merges the fields into the record in that
    order: a dict value is merged key by key into a dict already there, any
    other value replaces it, so an extractor may add new top-level keys. An
    extractor that raises is reported as an ``extractor.failed`` issue on the
    record and the others still run.
    """


@hookspec
def register_checks(register: Callable[[str, Rule], None]) -> None:
    """Contribute record checks (cross-checks, 勾稽关系).

    Called once at start-up. ``register(name, rule)`` takes a unique, non-empty
    ``name`` (the record's ``checks[].rule``) and a callable; call it once per
    rule. Returns nothing.

    ``rule(record)`` is called on every record after all extractors ran and
    yields :class:`~nianbao.record.CheckResult` objects (``where``, ``ok``,
    ``expected``, ``actual``); the runner stamps ``name`` as their ``rule``.
    Rules run in registration order and every result is kept.
    """


@hookspec
def register_outputs(register: Callable[[Output], None]) -> None:
    """Contribute outputs: destinations a run writes besides its built-in files.

    Called once at start-up. ``register`` takes one
    :class:`~nianbao.output.Output` *instance* with a unique ``name``; call it
    once per output. Returns nothing.

    ``nianbao run`` opens every selected output (``--outputs``, default all) on
    its output directory before the pipeline starts (``Output.open(directory)``
    gives a :class:`~nianbao.output.Sink`; raising there stops the run with the
    output's message). During the merge, in the launcher, each sink receives
    every record (``write_record``) and dead letter (``write_dead_letter``)
    exactly once, in input order, as the dicts of docs/record.md; then ``close()``
    returns the files it wrote. A sink that raises is aborted and reported in
    ``summary.json`` (``outputs.<name>.error``); the other outputs and the
    built-in files are still written, and ``nianbao run`` exits with status 1.
    """


@hookspec
def register_commands(register: Callable[[str, object], None]) -> None:
    """Contribute ``nianbao`` subcommands (``nianbao NAME …``), as simonw/llm's ``register_commands`` does.

    Called once at start-up. ``register(name, command)`` takes a unique,
    non-empty ``name`` and a :class:`click.Command`, or a ``"module:attribute"``
    string naming one, imported only when the command is invoked or its help is
    shown, so a command with heavy imports costs the other commands nothing.
    Returns nothing. ``nianbao --help`` lists the registered commands beside the
    core ones; a name the core already uses (``parse``, ``check``, ``plugins``,
    ``synth``, ``score``) is rejected. The pipelines package registers ``run`` and
    ``report`` this way (``nianbao.pipelines.commands``), so the core names no
    Beam module.
    """
