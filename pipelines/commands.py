"""The pipelines package as a built-in plugin: it registers ``nianbao run`` and ``nianbao report``.

Both are named as ``"module:attribute"`` (:func:`nianbao.hookspecs.register_commands`),
so this module imports nothing heavy: building the plugin host (``nianbao parse``,
every pipeline worker) does not import Beam, matplotlib or Jinja2.
"""

from __future__ import annotations

from collections.abc import Callable

from nianbao.hookspecs import hookimpl


@hookimpl
def register_commands(register: Callable[[str, object], None]) -> None:
    register("run", "nianbao.pipelines.cli:run_command")
    register("report", "nianbao.pipelines.report:report_command")
