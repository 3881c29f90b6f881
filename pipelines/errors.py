"""The errors ``nianbao run`` stops with: one line each, which the CLI prints as it is."""

from __future__ import annotations

from nianbao.errors import NianbaoError


class RunError(NianbaoError):
    """``nianbao run`` cannot start or finish: bad inputs, options or runner."""

    stage = "run"

    def __str__(self) -> str:
        return self.message


class RunInterrupted(RunError):
    """The run stopped before its end (Ctrl-C, a worker process died); a rerun resumes it."""
