"""A parse child forked before a scan imports anything else, that imports LibCST at once.

In a one-change run, LibCST's import (~0.3 s: its node classes) is most of the critical
path. `routerlint scan`, when no daemon answers it, forks this child first of all (`early`,
from __main__, before click and the engine are imported): it imports LibCST while the parent
imports the rest, reads, hashes and decodes, then parses what the first scan finds missing
from the cache. A report-cache hit, options that want no child (`--no-cache`, `--jobs`), a
scan with nothing missing or with many misses (a pool's work) kill it unused, so it never
competes with the pool's workers. Linux and macOS (fork) only; elsewhere none is forked.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
from typing import Any, Callable, List, Optional, Tuple

_PIPE_BYTES = 1 << 20  # asked for (Linux); the work is sent only when it fits in one write
_early: Optional["Prefork"] = None  # forked by `early()`, not yet claimed


def early() -> None:
    """Fork the child now, before anything else is imported; `claim()` takes it later."""
    global _early
    if _early is None:
        _early = Prefork.start()


def claim(wanted: bool) -> Optional["Prefork"]:
    """The child forked early, else a new one, when `wanted`; otherwise none (and the early
    one, if any, is killed)."""
    global _early
    child, _early = _early, None
    if not wanted:
        if child is not None:
            child.close()
        return None
    return child or Prefork.start()


class Prefork:
    """The child and its two pipes; `take(work, mode)` hands it the work, once."""

    def __init__(self, pid: int, work_end: int, result_end: int, capacity: int) -> None:
        self.pid, self.work_end, self.result_end, self.capacity = (pid, work_end, result_end,
                                                                   capacity)
        self.taken = False

    @classmethod
    def start(cls) -> Optional["Prefork"]:
        """A child importing LibCST, or None where one would not help or is not safe: one
        core, no fork, LibCST already imported, another thread alive (see pool.py)."""
        from routerlint.facts.forking import fork_child, fork_helps

        if not fork_helps():
            return None
        work_read, work_write = os.pipe()
        result_read, result_write = os.pipe()
        capacity = _widen(work_write)

        def child() -> None:
            os.close(work_write)
            os.close(result_read)
            _child(work_read, result_write)

        pid = fork_child(child)
        os.close(work_read)
        os.close(result_write)
        return cls(pid, work_write, result_read, capacity)

    def take(self, work: List[Tuple[Any, bytes, str]], mode: Tuple[int, ...],
             fallback: Callable[[], List[Any]]) -> Optional[Callable[[], List[Any]]]:
        """The call that waits for `work`'s JSON-ready facts from the child, or None (the
        child is then killed) when it cannot take the work in one non-blocking write."""
        if self.taken:
            return None
        self.taken = True
        payload = pickle.dumps((mode, [(data, filename) for _, data, filename in work]))
        if len(payload) > self.capacity:
            self._kill()
            return None
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(self.work_end, view):]
            os.close(self.work_end)
        except OSError:
            self._kill()
            return None
        from routerlint.facts.pool import child_results

        return lambda: child_results(self.pid, self.result_end, len(work), fallback)

    def close(self) -> None:
        """Kill the child if no scan took it (every run ends with this)."""
        if not self.taken:
            self.taken = True
            self._kill()

    def _kill(self) -> None:
        for end in (self.work_end, self.result_end):
            try:
                os.close(end)
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except OSError:
            pass


def _widen(end: int) -> int:
    """The pipe's capacity, widened where Linux allows it."""
    try:
        import fcntl

        fcntl.fcntl(end, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)  # type: ignore[attr-defined]
        return fcntl.fcntl(end, fcntl.F_GETPIPE_SZ)  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        return 16_384  # a pipe's capacity is at least this on every platform with fork


def _child(work_read: int, result_write: int) -> None:
    import routerlint.facts.scanner  # noqa: F401  (LibCST: the point of forking early)
    from routerlint.facts.pool import _parse_chunk

    with os.fdopen(work_read, "rb") as pipe:
        data = pipe.read()
    if not data:  # the parent closed the pipe unused
        return
    mode, chunk = pickle.loads(data)
    out = json.dumps(_parse_chunk(chunk, mode))
    with os.fdopen(result_write, "w", encoding="utf-8") as pipe:
        pipe.write(out)
