"""The time budget of the document being processed: a cooperative deadline, in CPU time.

:func:`~nianbao.parse.process_bytes` opens a :class:`Budget` for each document
(:func:`document_budget`) in a :mod:`contextvars` variable; the loops nianbao
owns (the readers' block loops, the fitter's walk, the glued splitter, stage
boundaries) call :func:`check_deadline`, which raises
:class:`~nianbao.errors.TimeBudgetError` naming the stage once
``Limits.time_budget`` is spent. No signal or thread is involved, so it works in
any thread of any Beam worker; a context variable is private to the thread (and
task) that set it. The budget counts CPU time of the working thread
(:func:`time.thread_time`), not wall time: a worker runs several threads under
one GIL, and on a busy machine wall time would dead-letter good documents (the
checks read that clock, a system call on some machines, only once the budget has
passed on the monotonic clock: a thread spends no more CPU time than wall time). Time
inside one C call (lxml parsing a page) cannot be interrupted; the size limits
of :mod:`nianbao.limits` bound it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from time import monotonic, thread_time
from typing import TYPE_CHECKING

from .errors import TimeBudgetError

if TYPE_CHECKING:
    from .limits import Limits




class Budget:
    """The limits and the deadline of one document, and the stage it is in.

    ``stage`` (``read``, ``extract``) and ``where`` (the reader or extractor
    running) are set by the parse entry point and named in the error.
    """

    __slots__ = ("expires", "limits", "stage", "started", "uri", "wall_expires", "where")

    def __init__(self, limits: Limits, uri: str | None = None) -> None:
        self.limits = limits
        # The thread's CPU clock is a system call on some machines (0.8 µs on a VM without a vDSO for it), read
        # some 40 times a document; the monotonic clock is not. A thread spends no more CPU time than the wall
        # time that passes, so until the budget has passed on the wall clock (read first, so that it is the
        # earlier start) it has not passed on the CPU clock either, and the checks read only the wall clock.
        self.wall_expires = monotonic() + limits.time_budget if limits.time_budget else float("inf")
        self.started = thread_time()
        self.expires = self.started + limits.time_budget if limits.time_budget else float("inf")
        self.stage = "read"
        self.where = ""
        self.uri = uri

    def enter(self, stage: str, where: str = "") -> None:
        """Record that processing moved on to ``stage`` (in reader or extractor ``where``)."""
        self.stage, self.where = stage, where

    def elapsed(self) -> float:
        """CPU seconds this thread has spent on the document so far."""
        return thread_time() - self.started

    def check(self) -> None:
        """Raise :class:`TimeBudgetError` if the deadline has passed."""
        if monotonic() > self.wall_expires and thread_time() > self.expires:
            self.expired()

    def expired(self) -> None:
        """Raise the :class:`TimeBudgetError` of this budget."""
        where = f" ({self.where})" if self.where else ""
        raise TimeBudgetError(
            f"time budget of {self.limits.time_budget:g} s exceeded in stage {self.stage}{where} after "
            f"{self.elapsed():.1f} s of CPU time: a pathological document; "
            f"{self.limits.how_to_raise('time_budget')}",
            stage=self.stage, uri=self.uri)


_CURRENT: ContextVar[Budget | None] = ContextVar("nianbao_budget", default=None)


@contextmanager
def document_budget(limits: Limits, uri: str | None = None) -> Iterator[Budget]:
    """Open the budget of one document for the block: :func:`check_deadline` inside it sees it."""
    budget = Budget(limits, uri)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def current_budget() -> Budget | None:
    """The budget of the document being processed in this thread or task, if any."""
    return _CURRENT.get()


def check_deadline() -> None:
    """Raise :class:`TimeBudgetError` if the current document's time budget is spent; cheap enough for loops."""
    budget = _CURRENT.get()
    if budget is not None and monotonic() > budget.wall_expires and thread_time() > budget.expires:
        budget.expired()
