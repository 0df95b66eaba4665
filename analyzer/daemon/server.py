"""The daemon: one process that serves `routerlint scan` runs one after another.

    python -m routerlint.daemon.server SOCKET IDLE_SECONDS   (started by `routerlint daemon start`)

Each request runs the very command line the client was given, in the client's folder and
with the client's environment variables, output captured; the answer is the exit code and
the two outputs. What stays between runs is only what cannot change a report: imported
modules and, in facts/pool.py's Memory, each file's facts by content (a file whose size and
mtime are those of its last stamp is not even read again).
"""

from __future__ import annotations

import gc
import io
import os
import signal
import socket
import sys
from contextlib import redirect_stderr, redirect_stdout
from typing import Any, Dict, Optional

from routerlint.daemon import channel

QUIET_SECONDS = 1.0  # without a scan for this long, the daemon collects garbage


def serve(path: str, idle_seconds: float) -> None:
    lock = _sole(path)
    if lock is None:
        return  # another daemon serves this socket, or is starting to: exit 0 (client.start)
    import libcst  # noqa: F401  (imported once, here, not on every scan)
    import networkx  # noqa: F401

    import routerlint.phases  # noqa: F401
    from routerlint.facts import pool

    pool.MEMORY = pool.Memory()
    stamp = channel.code_stamp()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `kill`: still remove the socket
    # Bound and listening under another name, then renamed into place: a client that finds
    # the path bound but not yet listening takes it for a dead daemon's and unlinks it.
    ready = path + ".t"
    try:
        os.unlink(ready)
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(ready)
    os.chmod(ready, 0o600)
    listener.listen(16)
    os.replace(ready, path)  # (the lock says no live daemon uses `path`)
    ours = os.stat(path).st_ino
    collect = False  # a scan's garbage waits for a quiet second (a burst of scans first)
    try:
        while True:
            listener.settimeout(QUIET_SECONDS if collect else idle_seconds)
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                if not collect:
                    return  # idle: stop
                gc.unfreeze()  # the runs froze their facts; what they dropped is collected
                gc.collect()
                collect = False
                continue
            with conn:
                conn.settimeout(None)
                try:
                    request = channel.receive(conn)
                except (OSError, ValueError):
                    continue
                if not isinstance(request, dict):
                    continue
                gc.disable()  # no collection while a client waits (phases.py says why)
                try:
                    answer = _handle(request, stamp)
                    try:
                        channel.send(conn, answer)
                    except OSError:
                        pass  # the client left
                finally:
                    gc.enable()
                    collect = True
                if answer.get("stopping"):
                    return
    finally:
        listener.close()
        try:
            if os.stat(path).st_ino == ours:  # not a newer daemon's socket
                os.unlink(path)
        except OSError:
            pass


def _sole(path: str, tries: int = 20) -> Optional[int]:
    """An exclusive lock on `<socket>.lock`, held until this process exits, or None when
    another daemon holds it (one that is stopping gets a second to let go). Two daemons
    started at once (`scan --daemon` from parallel hooks) would each unlink the other's
    socket; with the lock, the second leaves at once."""
    import fcntl
    import time

    fd = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    for attempt in range(tries):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError:
            if attempt + 1 < tries:
                time.sleep(0.05)
    os.close(fd)
    return None


def _handle(request: Dict[str, Any], stamp: str) -> Dict[str, Any]:
    if request.get("stamp") != stamp:
        return {"stopping": True, "stale": True}  # the client runs other code: make way
    if request.get("stop"):
        return {"stopping": True, "pid": os.getpid()}
    if "run" in request:
        try:
            return _run(request["run"], request["cwd"], request["env"])
        except Exception:  # noqa: BLE001 — its folder vanished, a bug: the client runs it
            return {}
    return {"pid": os.getpid(), "stamp": stamp}


def _run(argv, cwd: str, env: Dict[str, str]) -> Dict[str, Any]:
    """`routerlint <argv>` as the client would have run it: its folder, its environment."""
    from routerlint.cli import main
    from routerlint.facts import pool

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    code: Any = 0
    pool.MEMORY.begin()  # type: ignore[union-attr]
    try:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main.main(args=list(argv), prog_name="routerlint")
            except SystemExit as exc:
                code = exc.code
            if "-v" in argv or "--verbose" in argv:
                print(f"routerlint: served by the daemon (pid {os.getpid()})", file=sys.stderr)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
    if not isinstance(code, int):
        code = 0 if code is None else 1
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


if __name__ == "__main__":
    serve(sys.argv[1], float(sys.argv[2]))
