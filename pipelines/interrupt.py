"""Stopping a local run cleanly: Ctrl-C, and a worker process that dies under the launcher.

Beam's FnApiRunner starts each ``multi_processing`` worker through ``/bin/sh -c`` and waits for it in a
thread named ``run_worker``; when the worker dies (killed, out of memory) that thread raises
``RuntimeError: Worker subprocess exited with return code N`` and the runner waits forever for the
work the worker had. :class:`Interrupts` watches for that exception (``threading.excepthook``), stops
the other workers, and interrupts the launcher's main thread, as Ctrl-C does; ``nianbao run`` then
says in one line how far it got and how to resume. Workers ignore SIGINT
(:mod:`nianbao.pipelines.worker`), so Ctrl-C on a terminal reaches the launcher alone and no worker
prints a traceback; the launcher stops them itself.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from types import TracebackType
from typing import Any

import psutil

#: Threads of the runner's gRPC channels, which fail (and say so) when a run is stopped.
_CHANNEL_THREADS = {"read_grpc_client_inputs", "beam_control_read", "run_worker"}
#: What the command line of a local worker process contains.
WORKER_MARKS = ("sdk_worker_main", "nianbao.pipelines.worker")


def worker_processes() -> list[psutil.Process]:
    """This process's local Beam workers (and any shell that started one), children first."""
    found = []
    with contextlib.suppress(psutil.Error):
        for child in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if any(mark in " ".join(child.cmdline()) for mark in WORKER_MARKS):
                    found.append(child)
    return found[::-1]


def stop_workers() -> None:
    """Kill this process's local workers (they hold nothing worth saving: staged shards are committed)."""
    for process in worker_processes():
        with contextlib.suppress(psutil.Error):
            process.kill()


_LOG = logging.getLogger(__name__)
_DATA_PLANE = "apache_beam.runners.worker.data_plane"


def _channel_broke(thread_name: str, exc: BaseException | None) -> bool:
    """Whether a thread's exception is one of the runner's gRPC channels closing under it."""
    return thread_name in _CHANNEL_THREADS and type(exc).__module__.startswith("grpc")


def _quiet_channel(record: logging.LogRecord) -> bool:
    """Drop the data plane's error about a channel that closed (a worker died: the run says so once)."""
    return not (record.exc_info and _channel_broke(record.threadName, record.exc_info[1]))


class Interrupts:
    """While a run's pipeline runs: turn Ctrl-C and a dead worker into one ``KeyboardInterrupt``.

    ``reason`` says which: ``None`` (nothing happened), ``"interrupted"`` (SIGINT) or what the runner
    said about the worker. Only the main thread can be interrupted; elsewhere (a run started from a
    thread) a dead worker is recorded and reported if the runner returns.
    """

    def __init__(self) -> None:
        self.reason: str | None = None
        self._level = logging.NOTSET
        self._hook: Any = None
        self._handler: Any = None
        self._main = threading.current_thread() is threading.main_thread()

    def __enter__(self) -> Interrupts:
        logging.getLogger(_DATA_PLANE).addFilter(_quiet_channel)
        self._hook = threading.excepthook
        threading.excepthook = self._excepthook
        if self._main:
            self._handler = signal.signal(signal.SIGINT, self._sigint)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.reason is not None:
            stop_workers()
            for thread in threading.enumerate():  # the runner's channel threads end now; let them end quietly
                if thread.name in _CHANNEL_THREADS:
                    thread.join(timeout=2)
            logging.getLogger("apache_beam").setLevel(self._level)
        if self._main:
            signal.signal(signal.SIGINT, self._handler)
        threading.excepthook = self._hook
        logging.getLogger(_DATA_PLANE).removeFilter(_quiet_channel)

    def _stopping(self, reason: str) -> None:
        """Record why the run stops and stop the workers before the runner tears down its channels."""
        if self.reason is None:
            self.reason = reason
            beam_log = logging.getLogger("apache_beam")
            self._level = beam_log.level
            beam_log.setLevel(logging.CRITICAL)  # the runner's errors about closed channels: not news
        stop_workers()

    def _sigint(self, signum: int, frame: Any) -> None:
        self._stopping("interrupted")
        raise KeyboardInterrupt

    def _excepthook(self, args: threading.ExceptHookArgs) -> None:
        message = str(args.exc_value)
        died = (args.thread is not None and args.thread.name == "run_worker"
                and "exited with return code" in message)
        if died and self.reason is None:
            self._stopping(f"a worker process died ({message})")
            if self._main:
                signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
            return
        if self.reason is not None or _channel_broke(args.thread.name if args.thread else "", args.exc_value):
            # the runner's channels failing as a worker dies or the run is torn down: the one line that
            # nianbao run prints says what happened (a failure that is not a worker's death fails the run)
            _LOG.debug("%s in thread %s", message, args.thread.name if args.thread else "?")
            return
        self._hook(args)


__all__ = ["Interrupts", "stop_workers", "worker_processes"]
