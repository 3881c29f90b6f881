"""The worker process of a local multi-process run, started quietly: ``python -m nianbao.pipelines.worker``.

Beam starts each local worker as ``python -m apache_beam.runners.worker.sdk_worker_main``. Importing
Beam there logs ``apitools not found`` through the root logger, which installs a stderr handler, and
the harness then prints ``Logging handler created`` and other start-up INFO lines on the terminal of
every ``nianbao run``. This entry point gives the root logger a handler for errors only *before* Beam
is imported, then runs Beam's own worker main unchanged. What the worker logs after start-up still
reaches the launcher through Beam's logging service, where ``-v`` shows it.
"""

from __future__ import annotations

import logging
import sys


def main() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.ERROR)
    logging.getLogger().addHandler(handler)  # a handler exists, so Beam's import-time warning installs none

    from apache_beam.runners.worker import sdk_worker_main

    sdk_worker_main.main(sys.argv)


if __name__ == "__main__":
    main()
