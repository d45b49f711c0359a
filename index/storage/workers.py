"""Analysis worker processes die with the build that started them.

A build killed with SIGKILL can't stop its workers; without this they would run on as
orphans, analysing a corpus for nobody. Each worker asks Linux to send it SIGKILL when
its parent dies (`prctl(PR_SET_PDEATHSIG)`), and, on any system, a watchdog thread
exits the worker once its parent has changed (it was re-parented: its parent is gone).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 1.0


def die_with_parent() -> None:
    """A ProcessPoolExecutor initializer: end this worker when its parent process ends."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    stop = threading.Event()
    while not stop.wait(WATCH_SECONDS):
        if os.getppid() != parent:
            os._exit(1)
