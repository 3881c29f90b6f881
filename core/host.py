"""The plugin host: loads plugins once and resolves their hooks into plain lists.

Built-in plugins (``DEFAULT_PLUGINS``) and third-party plugins (the ``nianbao``
entry-point group) go through the same registration. ``NIANBAO_LOAD_PLUGINS``
restricts which entry points load: unset loads all, empty loads none, a comma
list loads those names. A third-party plugin that fails to import or to register
is skipped with a warning and listed with its error; a failing built-in raises.
"""

from __future__ import annotations

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
from .readers import Reader

ENTRY_POINT_GROUP = "nianbao"
DEFAULT_PLUGINS: tuple[str, ...] = (
    "nianbao.plugins.text",
    "nianbao.plugins.tsv",
    "nianbao.plugins.html",
    "nianbao.plugins.docx",
    "nianbao.plugins.metadata",
    "nianbao.plugins.prose",
    "nianbao.plugins.tables",
    "nianbao.plugins.checks",
)
BUILTIN = "nianbao"


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """A loaded (or failed) plugin: its name, the distribution it came from, what it registered."""

    name: str
    package: str
    version: str | None
    hooks: tuple[str, ...] = ()
    error: str | None = None


@dataclass(slots=True)
class PluginHost:
    """The plugin manager plus the resolved readers, extractors and checks."""

    pm: pluggy.PluginManager
    readers: list[Reader] = field(default_factory=list)
    extractors: list[Extractor] = field(default_factory=list)
    checks: list[tuple[str, Rule]] = field(default_factory=list)
    owners: dict[tuple[str, str], str] = field(default_factory=dict)
    infos: list[PluginInfo] = field(default_factory=list)

    def owner(self, kind: str, name: str) -> str:
        """The plugin that registered the reader/extractor/check called ``name``."""
        return self.owners[(kind, name)]

    def reader(self, name: str) -> Reader:
        for reader in self.readers:
            if reader.name == name:
                return reader
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
    """
    pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
    pm.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []
    packages: dict[str, tuple[str, str | None]] = {}
    for name in builtins:
        module = importlib.import_module(name)  # a broken built-in is a bug: let it raise
        pm.register(module, name=name)
        packages[name] = (BUILTIN, _version(BUILTIN))
    for index, plugin in enumerate(extra):
        name = getattr(plugin, "__name__", None) or f"extra-{index}"
        pm.register(plugin, name=name)
        packages[name] = ("<registered>", None)

    if entry_points is None:
        env = os.environ.get("NIANBAO_LOAD_PLUGINS")
        selected = None if env is None else {n.strip() for n in env.split(",") if n.strip()}
    elif entry_points is True:
        selected = None
    elif entry_points is False:
        selected = set()
    else:
        selected = set(entry_points)
    if selected != set():
        for ep in _entry_points(selected):
            dist = ep.dist.name if ep.dist else "?"
            try:
                pm.register(ep.load(), name=ep.name)
            except Exception as exc:  # contained: one broken plugin must not stop the others
                message = f"plugin {ep.name!r} from {dist} failed to load: {type(exc).__name__}: {exc}"
                warnings.warn(message, RuntimeWarning, stacklevel=2)
                infos.append(PluginInfo(ep.name, dist, _version(dist), error=message))
                continue
            packages[ep.name] = (dist, _version(dist))
    pm.check_pending()

    host = PluginHost(pm=pm)
    _collect(host, "reader", pm.hook.register_readers, Reader, host.readers, packages)
    _collect(host, "extractor", pm.hook.register_extractors, Extractor, host.extractors, packages)
    _collect_checks(host, pm.hook.register_checks, packages)
    host.readers.sort(key=lambda r: -r.priority)
    host.extractors.sort(key=lambda e: -e.priority)
    for name, plugin in pm.list_name_plugin():
        hooks = tuple(sorted(h.name for h in pm.get_hookcallers(plugin) or ()))
        package, version = packages.get(name, ("?", None))
        infos.append(PluginInfo(name, package, version, hooks))
    host.infos = sorted(infos, key=lambda i: (i.package != BUILTIN, i.name))
    return host


def _contain(plugin_name: str, packages: dict[str, tuple[str, str | None]], impl: Any,
             register: Callable[..., None]) -> None:
    """Run one plugin's hook; a third-party failure becomes a warning, a built-in one raises."""
    kwargs = dict.fromkeys(impl.argnames, register)
    if packages.get(plugin_name, (BUILTIN,))[0] == BUILTIN:
        impl.function(**kwargs)
        return
    try:
        impl.function(**kwargs)
    except Exception as exc:
        warnings.warn(f"plugin {plugin_name!r} failed to register: {type(exc).__name__}: {exc}",
                      RuntimeWarning, stacklevel=3)


def _collect(host: PluginHost, kind: str, hook: Any, base: type, into: list[Any],
             packages: dict[str, tuple[str, str | None]]) -> None:
    for impl in hook.get_hookimpls():
        plugin_name = impl.plugin_name

        def register(obj: Any, _plugin: str = plugin_name) -> None:
            if not isinstance(obj, base):
                raise PluginError(f"plugin {_plugin!r} registered {obj!r} as a {kind}, "
                                  f"which is not a {base.__module__}.{base.__name__}")
            if not obj.name:
                raise PluginError(f"plugin {_plugin!r} registered a {kind} without a name")
            previous = host.owners.get((kind, obj.name))
            if previous is not None:
                raise PluginError(f"{kind} {obj.name!r} registered by both {previous!r} and {_plugin!r}")
            host.owners[(kind, obj.name)] = _plugin
            into.append(obj)

        _contain(plugin_name, packages, impl, register)


def _collect_checks(host: PluginHost, hook: Any, packages: dict[str, tuple[str, str | None]]) -> None:
    for impl in hook.get_hookimpls():
        plugin_name = impl.plugin_name

        def register(name: str, rule: Rule, _plugin: str = plugin_name) -> None:
            if not isinstance(name, str) or not name or not callable(rule):
                raise PluginError(f"plugin {_plugin!r}: register_checks wants (name, callable), got {name!r}")
            previous = host.owners.get(("check", name))
            if previous is not None:
                raise PluginError(f"check {name!r} registered by both {previous!r} and {_plugin!r}")
            host.owners[("check", name)] = _plugin
            host.checks.append((name, rule))

        _contain(plugin_name, packages, impl, register)


@lru_cache(maxsize=1)
def get_host() -> PluginHost:
    """The process-wide host, built on first use (once per worker in a pipeline)."""
    return build_host()
