"""Forking a helper process: when it helps, and a child that never outlives routerlint.

Only os and sys are imported here: a scan forks its parse child (prefork.py) before anything
else is imported, and this module's own import is on that path."""

from __future__ import annotations

import os
import sys
from typing import Callable, Optional


def can_fork() -> bool:
    """multiprocessing's "fork" start method exists exactly where os.fork does (POSIX)."""
    return hasattr(os, "fork")


def _single_threaded() -> bool:
    """A bare fork copies one thread; a lock another thread held (the import lock, a stream's)
    would stay held in the child forever. Only fork a lone thread (the CLI always is one)."""
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def fork_helps() -> bool:
    """Whether a child forked to import LibCST and parse would run beside this process: a
    second core, fork, LibCST not imported here yet (else parse here), a lone thread."""
    return ((os.cpu_count() or 1) > 1 and "libcst" not in sys.modules and can_fork()
            and _single_threaded())


def fork_child(body: Callable[[], None]) -> int:
    """Fork; the child runs `body()`, dies with this process (die_with_parent) and exits
    without ever returning here (status 0 when `body` returned, 1 when it raised). Returns
    the child's pid."""
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            die_with_parent(parent)
            body()
            status = 0
        finally:
            os._exit(status)
    return pid


def die_with_parent(parent: Optional[int] = None) -> None:
    """In a parse worker: be killed when routerlint's process dies (a CI timeout, Ctrl-C, a
    killed pre-commit), so no orphan keeps the caller's output pipe open. Linux only
    (prctl PR_SET_PDEATHSIG); elsewhere a pool's workers already exit when their queue closes."""
    import signal

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
        if parent is not None and os.getppid() != parent:  # it died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):
        pass
