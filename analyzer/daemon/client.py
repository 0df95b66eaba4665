"""The client side: hand a `scan` to the user's running daemon, start it, stop it, ask it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional, Tuple

from routerlint.daemon import channel

IDLE_MINUTES = 60  # a daemon nobody asks for this long stops by itself


def forward(argv) -> Optional[Tuple[int, str, str]]:
    """(exit code, stdout, stderr) of `routerlint <argv>` run by the daemon, or None when
    this must run here: not a scan, `--no-cache` / `--no-daemon`, or no daemon of this code.
    `scan --daemon` with no daemon to answer starts one for the scans after it (not under
    CI: no process outlives the job) and runs here meanwhile."""
    argv = list(argv)
    if not argv or argv[0] != "scan" or "--no-cache" in argv or "--no-daemon" in argv:
        return None
    wanted = "--daemon" in argv
    if not hasattr(os, "getuid") or not (wanted or channel.any_daemon()) \
            or not channel.supported():
        return None
    stamp = channel.code_stamp()
    path = channel.socket_path(stamp)
    if path is None:
        return None
    answer = None
    if path.exists():
        answer = _ask(path, {"run": argv, "cwd": os.getcwd(), "env": dict(os.environ),
                             "stamp": stamp})
    if answer is None and wanted and not os.environ.get("CI"):
        try:
            pid = spawn(path)
        except OSError:
            pid = None  # its log says why; this scan runs here either way
        if pid is not None and ("-v" in argv or "--verbose" in argv):
            print(f"routerlint: started a daemon for the next scans (pid {pid}); this one "
                  "runs here", file=sys.stderr)
    if answer is None or "code" not in answer:
        return None  # none, it stopped, crashed, or serves other code: run here
    return answer["code"], answer["out"], answer["err"]


def _ask(path: Path, message) -> Optional[dict]:
    import socket

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(str(path))
            channel.send(conn, message)
            return channel.receive(conn)
    except ConnectionRefusedError:  # nobody listens: a daemon that was killed hard
        try:
            path.unlink()
        except OSError:
            pass
        return None
    except (OSError, ValueError):
        return None


def status() -> Tuple[Optional[dict], Optional[Path]]:
    """(the daemon's answer to a ping, or None; its socket path)."""
    if not channel.supported():
        return None, None
    stamp = channel.code_stamp()
    path = channel.socket_path(stamp)
    if path is None or not path.exists():
        return None, path
    return _ask(path, {"ping": True, "stamp": stamp}), path


def start(idle_minutes: float = IDLE_MINUTES) -> Tuple[dict, Path, bool]:
    """Start the daemon unless it runs: (its ping answer, socket path, started now?).
    Raises OSError when it does not answer within 20 s."""
    import time

    answer, path = status()
    if answer is not None:
        return answer, path, False  # type: ignore[return-value]
    if path is None:
        raise OSError("no private folder for the daemon's socket (set ROUTERLINT_DAEMON_DIR "
                      "to a folder only you can enter)")
    process = _popen(path, idle_minutes)
    deadline = time.monotonic() + 20
    # A daemon that exits 0 at once found another one starting (server.py's lock): wait for
    # that one instead.
    while time.monotonic() < deadline and process.poll() in (None, 0):
        answer, _ = status()
        if answer is not None:
            return answer, path, True
        time.sleep(0.05)
    answer, _ = status()  # (it may have answered just now)
    if answer is not None:
        return answer, path, True
    what = (f"exited with status {process.returncode}" if process.poll() is not None
            else "did not answer within 20 s")
    log = path.with_suffix(".log")
    try:
        said = log.read_text(errors="replace").strip()[-1500:]
    except OSError:
        said = ""
    raise OSError(f"the daemon {what} on {path}" + (f"; it said:\n{said}" if said else
                                                     f" (its stderr: {log}, empty)"))


def spawn(path: Path, idle_minutes: float = IDLE_MINUTES) -> int:
    """Start a daemon on `path` without waiting for it; its pid. (If another one starts at
    the same moment, one of the two exits at once: server.py's lock.)"""
    return _popen(path, idle_minutes).pid


def _popen(path: Path, idle_minutes: float):
    import subprocess

    log = path.with_suffix(".log")  # its stderr, in the private folder: why it failed
    with open(log, "wb") as errors:
        return subprocess.Popen([sys.executable, "-m", "routerlint.daemon.server", str(path),
                                 str(idle_minutes * 60)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=errors, start_new_session=True, close_fds=True)


def stop() -> Optional[dict]:
    """Ask the daemon to stop; its last answer, or None when none was running."""
    answer, path = status()
    if answer is None or path is None:
        return None
    return _ask(path, {"stop": True, "stamp": answer.get("stamp")})
