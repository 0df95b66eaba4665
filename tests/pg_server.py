"""A throwaway PostgreSQL server for the Alembic fixtures SQLite cannot judge (a plain
`alter_column`, `schema=`): initdb into a temporary folder, start it on a free port, stop and
remove it afterwards. Uses the binaries of Debian's `postgresql` package
(/usr/lib/postgresql/<version>/bin) or any `initdb`/`pg_ctl` on PATH. PostgreSQL refuses to
run as root, so as root the server runs as the `postgres` user (`runuser`).

`unavailable()` says why no server can be started here (the tests skip with that reason).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import List, Optional


def _bin_dir() -> Optional[Path]:
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def unavailable() -> Optional[str]:
    """None when a server can be started; else why not (a skip reason)."""
    if _bin_dir() is None:
        return ("PostgreSQL is not installed (no initdb/pg_ctl on PATH or in "
                "/usr/lib/postgresql/*/bin): `apt-get install postgresql` (.ci/run does)")
    if _as_root():
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a `postgres` user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root without `runuser` to start PostgreSQL as `postgres`"
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        return "psycopg2 is not installed (`pip install -e '.[test]'` installs it)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One server; `url` is its `postgres` database (trust auth, user postgres)."""

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.folder = Path(tempfile.mkdtemp(prefix="routerlint-pg-"))
        self.data = self.folder / "data"
        self.port = 0
        self.url = ""

    def _run(self, args: List[str], timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0])] + args[1:]
        if _as_root():
            command = ["runuser", "-u", "postgres", "--"] + command
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              cwd=str(self.folder))

    def start(self) -> "Server":
        if _as_root():
            import pwd

            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        done = self._run(["initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                          "-E", "UTF8", "--no-sync", "--locale=C"])
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")
        for _ in range(5):  # another process may take the free port first: try another
            self.port = _free_port()
            options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c full_page_writes=off")
            done = self._run(["pg_ctl", "-D", str(self.data), "-o", options, "-w", "-t", "60",
                              "-l", str(self.folder / "log"), "start"])
            if done.returncode == 0:
                self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
                return self
            time.sleep(0.2)
        log = (self.folder / "log").read_text(errors="replace")[-2000:] \
            if (self.folder / "log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {done.stderr[-1000:]}\n{log}")

    def stop(self) -> None:
        if self.data.exists():
            self._run(["pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"], 60)
        shutil.rmtree(self.folder, ignore_errors=True)
