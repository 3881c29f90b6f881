"""The plugin host: loads plugins once and resolves their hooks into plain lists.

Built-in plugins (``DEFAULT_PLUGINS``) and third-party plugins (the ``nianbao``
entry-point group) go through the same registration. ``NIANBAO_LOAD_PLUGINS``
restricts which entry points load: unset loads all, empty loads none, a comma
list loads those names. A third-party plugin that fails to import or to register
is skipped with a warning and listed with its error; a failing built-in raises.
"""

from __future__ import annotations

import difflib
import importlib
import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from typing import Any

import pluggy

from . import hookspecs
from .checks import Rule
from .errors import PluginError
from .extract import Extractor
from .output import Output
from .readers import Reader

ENTRY_POINT_GROUP = "nianbao"
DEFAULT_PLUGINS: tuple[str, ...] = (
    "nianbao.plugins.text",
    "nianbao.plugins.tsv",
    "nianbao.plugins.markdown",
    "nianbao.plugins.html",
    "nianbao.plugins.docx",
    "nianbao.plugins.pdf",
    "nianbao.plugins.legacyword",
    "nianbao.plugins.metadata",
    "nianbao.plugins.prose",
    "nianbao.plugins.tables",
    "nianbao.plugins.checks",
    "nianbao.pipelines.commands",  # `nianbao run` and `report`: registered by name, Beam imported on use
)
BUILTIN = "nianbao"
#: The package shown for plugins handed to :func:`build_host` as ``extra``.
REGISTERED = "<registered>"
#: Environment variable restricting entry-point plugins: unset all, empty none, else a comma list.
LOAD_ENV = "NIANBAO_LOAD_PLUGINS"


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """A loaded (or failed) plugin: its name, the distribution it came from, what it registered.

    ``registers`` lists its contributions as ``"reader pdf"``, ``"extractor
    metadata"``, ``"check applications.balance"``, ``"output sqlite"``; ``error`` says why a
    third-party plugin was skipped (then it registers nothing).
    """

    name: str
    package: str
    version: str | None
    hooks: tuple[str, ...] = ()
    error: str | None = None
    registers: tuple[str, ...] = ()


@dataclass(slots=True)
class PluginHost:
    """The plugin manager plus the resolved readers, extractors, checks and outputs."""

    pm: pluggy.PluginManager
    readers: list[Reader] = field(default_factory=list)
    extractors: list[Extractor] = field(default_factory=list)
    checks: list[tuple[str, Rule]] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    commands: dict[str, object] = field(default_factory=dict)  # name → click.Command or "module:attribute"
    owners: dict[tuple[str, str], str] = field(default_factory=dict)
    infos: list[PluginInfo] = field(default_factory=list)

    def owner(self, kind: str, name: str) -> str:
        """The plugin that registered the reader/extractor/check/output called ``name``."""
        return self.owners[(kind, name)]

    def reader(self, name: str) -> Reader:
        """The registered reader called ``name`` (``KeyError`` if there is none)."""
        for reader in self.readers:
            if reader.name == name:
                return reader
        raise KeyError(name)

    def info(self, name: str) -> PluginInfo:
        """The :class:`PluginInfo` of the plugin called ``name`` (``KeyError`` if there is none)."""
        for info in self.infos:
            if info.name == name:
                return info
        raise KeyError(name)


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _entry_points(selected: set[str] | None) -> Iterable[metadata.EntryPoint]:
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if selected is None or ep.name in selected:
            yield ep


def env_selection() -> set[str] | None:
    """What ``NIANBAO_LOAD_PLUGINS`` selects: ``None`` (unset) for all, else the set of names (empty: none).

    The one reading of the variable: :func:`build_host` and ``nianbao run --plugins``'s default use it.
    """
    env = os.environ.get(LOAD_ENV)
    return None if env is None else {n.strip() for n in env.split(",") if n.strip()}


def _selection(entry_points: bool | Iterable[str] | None) -> set[str] | None:
    """Which entry points to load: ``None`` for all, else the set of names."""
    if entry_points is None:
        return env_selection()
    if entry_points is True:
        return None
    if entry_points is False:
        return set()
    return set(entry_points)


def _third_party_warning(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=3)


def build_host(
    *,
    builtins: Iterable[str] = DEFAULT_PLUGINS,
    entry_points: bool | Iterable[str] | None = None,
    extra: Iterable[object] = (),
) -> PluginHost:
    """Build a plugin host.

    ``entry_points``: ``True`` loads every installed plugin, ``False`` none, an
    iterable of names only those; ``None`` follows ``NIANBAO_LOAD_PLUGINS``.
    ``extra`` registers plugin objects directly (tests, embedding).

    Built-ins and ``extra`` plugins are the caller's own code: any error in them
    raises (:class:`~nianbao.errors.PluginError` for a bad registration).
    Entry-point plugins are somebody else's: one that fails to import, names an
    unknown hook or registers something invalid is skipped as a whole, with a
    ``RuntimeWarning`` naming it, and listed in ``host.infos`` with its error.
    """
    pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
    pm.add_hookspecs(hookspecs)
    failed: dict[str, PluginInfo] = {}
    packages: dict[str, tuple[str, str | None]] = {}
    for name in builtins:
        module = importlib.import_module(name)  # a broken built-in is a bug: let it raise
        pm.register(module, name=name)
        packages[name] = (BUILTIN, _version(BUILTIN))
    for index, plugin in enumerate(extra):
        name = getattr(plugin, "__name__", None) or f"extra-{index}"
        pm.register(plugin, name=name)
        packages[name] = (REGISTERED, None)
    pm.check_pending()  # a misspelt hook in our own code fails here

    selected = _selection(entry_points)
    if selected != set():
        found: set[str] = set()
        for ep in _entry_points(selected):
            found.add(ep.name)
            dist = ep.dist.name if ep.dist else "?"
            version = ep.dist.version if ep.dist else None
            try:
                plugin = ep.load()
                pm.register(plugin, name=ep.name)
            except Exception as exc:  # contained: one broken plugin must not stop the others
                message = (f"plugin {ep.name!r} ({ep.value}) from {dist} failed to load: "
                           f"{type(exc).__name__}: {exc}; skipped (fix or uninstall {dist}, or leave "
                           f"{ep.name!r} out of {LOAD_ENV})")
                _third_party_warning(message)
                failed[ep.name] = PluginInfo(ep.name, dist, version, error=message)
                continue
            packages[ep.name] = (dist, version)
            unknown = _unknown_hooks(pm, plugin)
            if unknown:
                pm.unregister(plugin)
                message = f"plugin {ep.name!r} from {dist} implements unknown hooks: {unknown}; skipped"
                _third_party_warning(message)
                failed[ep.name] = PluginInfo(ep.name, dist, version, error=message)
        for name in sorted((selected or set()) - found):
            message = (f"plugin {name!r} was asked for ({LOAD_ENV} or --plugins) but no installed package "
                       f"provides it in the {ENTRY_POINT_GROUP!r} entry-point group")
            _third_party_warning(message)
            failed[name] = PluginInfo(name, "?", None, error=message)

    host = PluginHost(pm=pm)
    commands: list[tuple[str, object]] = []
    rank = {name: index for index, (name, _) in enumerate(pm.list_name_plugin())}
    collected = [
        _collect(host, "reader", pm.hook.register_readers, _typed("reader", Reader), host.readers, packages, rank),
        _collect(host, "extractor", pm.hook.register_extractors, _typed("extractor", Extractor), host.extractors,
                 packages, rank),
        _collect(host, "check", pm.hook.register_checks, _check, host.checks, packages, rank),
        _collect(host, "output", pm.hook.register_outputs, _typed("output", Output), host.outputs, packages, rank),
        _collect(host, "command", pm.hook.register_commands, _command, commands, packages, rank),
    ]
    host.commands.update(commands)
    for errors in collected:
        for name, message in errors.items():
            if name not in failed:
                _third_party_warning(message)
                package, version = packages[name]
                failed[name] = PluginInfo(name, package, version, error=message)
    for name in failed:  # a plugin that failed anywhere contributes nothing anywhere
        _withdraw(host, name)
    host.readers.sort(key=lambda r: -r.priority)
    host.extractors.sort(key=lambda e: -e.priority)

    registered: dict[str, list[str]] = {}
    for (kind, thing), plugin_name in host.owners.items():
        registered.setdefault(plugin_name, []).append(f"{kind} {thing}")
    infos = list(failed.values())
    for name, plugin in pm.list_name_plugin():
        if name in failed:
            continue
        hooks = tuple(sorted(h.name for h in pm.get_hookcallers(plugin) or ()))
        package, version = packages.get(name, ("?", None))
        infos.append(PluginInfo(name, package, version, hooks, registers=tuple(registered.get(name, ()))))
    host.infos = sorted(infos, key=lambda i: (i.package != BUILTIN, i.name))
    return host


def _unknown_hooks(pm: pluggy.PluginManager, plugin: object) -> str:
    """The plugin's hookimpls that match no hookspec, with a "did you mean" for each ("" if none)."""
    known = [name for name in dir(pm.hook) if not name.startswith("_") and getattr(pm.hook, name).has_spec()]
    unknown = []
    for caller in pm.get_hookcallers(plugin) or ():
        if not caller.has_spec() and not all(i.optionalhook for i in caller.get_hookimpls()):
            close = difflib.get_close_matches(caller.name, known, 1)
            unknown.append(caller.name + (f" (did you mean {close[0]}?)" if close else ""))
    return ", ".join(sorted(unknown))


# A register callback's check: (plugin, args) → (name, thing to store); raises PluginError.
Validate = Callable[[str, tuple[Any, ...]], tuple[str, Any]]


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


def _typed(kind: str, base: type) -> Validate:
    """The check of ``register(obj)`` for readers and extractors: an instance of ``base`` with a name."""

    def validate(plugin: str, args: tuple[Any, ...]) -> tuple[str, Any]:
        if len(args) != 1:
            raise PluginError(f"plugin {plugin!r}: register_{kind}s' register takes one {kind}, got {len(args)}")
        (obj,) = args
        if not isinstance(obj, base):
            hint = " (a class, not an instance: call it)" if isinstance(obj, type) and issubclass(obj, base) else ""
            raise PluginError(f"plugin {plugin!r} registered {obj!r} as {_article(kind)} {kind}, which is not a "
                              f"{base.__module__}.{base.__name__} instance{hint}")
        if not isinstance(obj.name, str) or not obj.name:
            raise PluginError(f"plugin {plugin!r} registered a {kind} without a name ({obj!r})")
        return obj.name, obj

    return validate


def _check(plugin: str, args: tuple[Any, ...]) -> tuple[str, Any]:
    """The check of ``register(name, rule)`` for record checks."""
    if len(args) != 2 or not isinstance(args[0], str) or not args[0] or not callable(args[1]):
        raise PluginError(f"plugin {plugin!r}: register_checks wants register(name, rule) with a non-empty "
                          f"name and a callable rule, got {args!r}")
    return args[0], args


#: Command names the core CLI defines itself: a plugin may not take them.
CORE_COMMANDS = frozenset({"parse", "check", "plugins", "synth", "score"})


def _command(plugin: str, args: tuple[Any, ...]) -> tuple[str, Any]:
    """The check of ``register(name, command)`` for CLI commands."""
    if len(args) != 2 or not isinstance(args[0], str) or not args[0]:
        raise PluginError(f"plugin {plugin!r}: register_commands wants register(name, command) with a non-empty "
                          f"name, got {args!r}")
    name, command = args
    if name in CORE_COMMANDS:
        raise PluginError(f"plugin {plugin!r} registered the command {name!r}, which nianbao itself defines")
    lazy = isinstance(command, str) and command.count(":") == 1 and all(command.split(":"))
    if not lazy and not callable(getattr(command, "main", None)):
        raise PluginError(f"plugin {plugin!r} registered {command!r} as the command {name!r}: give a "
                          "click.Command or a 'module:attribute' string naming one")
    return name, (name, command)


def _collect(host: PluginHost, kind: str, hook: Any, validate: Validate, into: list[Any],
             packages: dict[str, tuple[str, str | None]], rank: dict[str, int]) -> dict[str, str]:
    """Call every implementation of one contribution hook; return third-party failures by plugin.

    Implementations run in registration order (built-ins, then ``extra``, then
    entry points), whatever their ``tryfirst``/``trylast`` marks, so a clash is
    always blamed on the later plugin. What a plugin registers is staged and
    kept only if its hook returns normally.
    """
    errors: dict[str, str] = {}
    for impl in sorted(hook.get_hookimpls(), key=lambda i: rank.get(i.plugin_name, len(rank))):
        plugin = impl.plugin_name
        staged: list[tuple[str, Any]] = []

        def register(*args: Any, _plugin: str = plugin, _staged: list[tuple[str, Any]] = staged) -> None:
            name, thing = validate(_plugin, args)
            previous = host.owners.get((kind, name)) or (_plugin if any(n == name for n, _ in _staged) else None)
            if previous is not None:
                raise PluginError(f"{kind} {name!r} registered by both {previous!r} and {_plugin!r}; "
                                  f"the second is rejected: rename it")
            _staged.append((name, thing))

        try:
            if impl.hookwrapper or impl.wrapper:
                raise PluginError(f"plugin {plugin!r}: {hook.name} is a contribution hook; it takes no wrappers")
            impl.function(**dict.fromkeys(impl.argnames, register))
        except Exception as exc:
            if packages.get(plugin, (BUILTIN,))[0] in (BUILTIN, REGISTERED):
                raise
            errors[plugin] = f"plugin {plugin!r} failed to register: {type(exc).__name__}: {exc}; skipped"
            continue
        for name, thing in staged:
            host.owners[(kind, name)] = plugin
            into.append(thing)
    return errors


def _withdraw(host: PluginHost, plugin: str) -> None:
    """Remove everything ``plugin`` registered (it failed somewhere) and unregister it."""
    mine = {key for key, owner in host.owners.items() if owner == plugin}
    for key in mine:
        del host.owners[key]
    host.readers[:] = [r for r in host.readers if ("reader", r.name) not in mine]
    host.extractors[:] = [e for e in host.extractors if ("extractor", e.name) not in mine]
    host.checks[:] = [c for c in host.checks if ("check", c[0]) not in mine]
    host.outputs[:] = [o for o in host.outputs if ("output", o.name) not in mine]
    for kind, name in mine:
        if kind == "command":
            host.commands.pop(name, None)
    registered = host.pm.get_plugin(plugin)
    if registered is not None:
        host.pm.unregister(registered)


@lru_cache(maxsize=1)
def get_host() -> PluginHost:
    """The process-wide host, built on first use (once per worker in a pipeline)."""
    return build_host()
