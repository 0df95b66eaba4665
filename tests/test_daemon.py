"""The daemon (`routerlint daemon start`) must print exactly what a fresh, uncached process
prints, after any sequence of edits: it keeps facts and reuses last run's simulations, so
random edit sequences on the bundled example (and a copy of a fixture) compare its report
with a `--no-cache` run after every step."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from helpers import EXAMPLES_DIR, FIXTURES_DIR, copy_fixture, random_edit

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid"), reason="Unix sockets only")


@pytest.fixture
def daemon_env():
    """An environment whose daemon lives in a private, short-named folder of this test."""
    folder = tempfile.mkdtemp(prefix="rld-", dir="/tmp")  # socket paths are short on Linux
    env = {**os.environ, "ROUTERLINT_DAEMON_DIR": folder}
    yield env
    subprocess.run([sys.executable, "-m", "routerlint", "daemon", "stop"], env=env,
                   capture_output=True, timeout=60)
    shutil.rmtree(folder, ignore_errors=True)


def _routerlint(env, *args, cwd=None):
    return subprocess.run([sys.executable, "-m", "routerlint", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def _report(proc) -> dict:
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    data = json.loads(proc.stdout)
    data["summary"].pop("seconds")
    return data


def test_daemon_start_status_stop(daemon_env):
    assert _routerlint(daemon_env, "daemon", "status").returncode == 1
    started = _routerlint(daemon_env, "daemon", "start", "--idle", "5")
    assert started.returncode == 0 and "daemon started" in started.stdout, started.stderr
    again = _routerlint(daemon_env, "daemon", "start")
    assert "already running" in again.stdout
    status = _routerlint(daemon_env, "daemon", "status")
    assert status.returncode == 0 and "daemon running" in status.stdout
    assert "no daemon" not in _routerlint(daemon_env, "daemon", "stop").stdout
    assert _routerlint(daemon_env, "daemon", "status").returncode == 1


def test_a_daemon_that_cannot_start_says_why(tmp_path, monkeypatch):
    """The server's stderr goes to a log in the private folder; when it exits at once, the
    error says so at once, with what it said."""
    from routerlint.daemon import client

    folder = tmp_path / "d"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("ROUTERLINT_DAEMON_DIR", str(folder))
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\necho 'ImportError: no module named libcst' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(client.sys, "executable", str(broken))
    with pytest.raises(OSError, match=r"exited with status 3 .*\n.*no module named libcst"):
        client.start()


def test_scan_without_a_daemon_runs_here(daemon_env, tmp_path):
    app = copy_fixture(EXAMPLES_DIR / "backend", tmp_path)
    proc = _routerlint(daemon_env, "scan", "-v", "--exit-zero", str(app))
    assert proc.returncode == 0 and "served by the daemon" not in proc.stderr


def test_usage_errors_come_back_as_they_are(daemon_env, tmp_path):
    _routerlint(daemon_env, "daemon", "start", "--idle", "5")
    proc = _routerlint(daemon_env, "scan", str(tmp_path / "missing"))
    assert proc.returncode == 2 and "no such file or directory" in proc.stderr
    assert "Traceback" not in proc.stderr




@pytest.mark.parametrize("app,seed", [("examples/backend", 1), ("examples/backend", 2),
                                      ("fixtures/order_loader_loop_conflict_second", 3),
                                      ("fixtures/env_chosen_imports", 4)])
def test_daemon_answers_as_a_fresh_process_after_every_edit(daemon_env, tmp_path, app, seed):
    base = {"examples": EXAMPLES_DIR, "fixtures": FIXTURES_DIR}[app.split("/")[0]]
    root = copy_fixture(base / app.split("/")[1], tmp_path)
    originals = {p: p.read_text() for p in root.rglob("*.py")}
    extra = ["--env", "SEARCH_BACKEND=Local"] if "env_chosen" in app else []
    started = _routerlint(daemon_env, "daemon", "start", "--idle", "5")
    assert started.returncode == 0, started.stderr
    rng = random.Random(seed)
    done = []
    for step in range(8):
        served = _routerlint(daemon_env, "scan", "--format", "json", "--exit-zero", "-v",
                             *extra, str(root))
        assert "served by the daemon" in served.stderr, served.stderr[-2000:]
        fresh = _routerlint(daemon_env, "scan", "--format", "json", "--exit-zero",
                            "--no-cache", *extra, str(root))
        assert _report(served) == _report(fresh), f"after: {done}"
        done.append(random_edit(root, rng, step, originals))


def test_a_killed_daemon_leaves_scans_working(daemon_env, tmp_path):
    import signal
    import time

    started = _routerlint(daemon_env, "daemon", "start", "--idle", "5")
    pid = int(started.stdout.split("pid ")[1].split(",")[0])
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if _routerlint(daemon_env, "daemon", "status").returncode == 1:
            break
        time.sleep(0.1)
    assert not list(Path(daemon_env["ROUTERLINT_DAEMON_DIR"]).glob("*.sock"))
    app = copy_fixture(EXAMPLES_DIR / "backend", tmp_path)
    proc = _routerlint(daemon_env, "scan", "-v", "--exit-zero", str(app))
    assert proc.returncode == 0 and "served by the daemon" not in proc.stderr


def _until_status(env, code: int) -> bool:
    import time

    for _ in range(200):
        if _routerlint(env, "daemon", "status").returncode == code:
            return True
        time.sleep(0.1)
    return False


def test_scan_daemon_starts_one_for_the_next_scans(daemon_env, tmp_path):
    """`scan --daemon` with none running: that scan runs here and starts one; the next is
    served, with the same report. Under CI it starts none."""
    env = {k: v for k, v in daemon_env.items() if k != "CI"}
    app = copy_fixture(EXAMPLES_DIR / "backend", tmp_path)
    in_ci = _routerlint({**env, "CI": "true"}, "scan", "--daemon", "-v", "--exit-zero",
                        str(app))
    assert in_ci.returncode == 0 and "started a daemon" not in in_ci.stderr, in_ci.stderr
    assert _routerlint(env, "daemon", "status").returncode == 1
    first = _routerlint(env, "scan", "--daemon", "-v", "--format", "json", "--exit-zero",
                        str(app))
    assert "started a daemon for the next scans" in first.stderr, first.stderr[-2000:]
    assert "served by the daemon" not in first.stderr
    assert _until_status(env, 0)
    later = _routerlint(env, "scan", "--daemon", "-v", "--format", "json", "--exit-zero",
                        str(app))
    assert "served by the daemon" in later.stderr and "started" not in later.stderr
    assert _report(later) == _report(first)


def test_scan_daemon_contradicting_flags_are_a_usage_error(daemon_env, tmp_path):
    for other in ("--no-cache", "--no-daemon"):
        proc = _routerlint(daemon_env, "scan", "--daemon", other, str(tmp_path))
        assert proc.returncode == 2 and "contradict" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    assert _routerlint(daemon_env, "daemon", "status").returncode == 1


def test_daemons_started_at_once_leave_one(daemon_env):
    """Two servers on one socket at the same moment (parallel `scan --daemon`): one serves,
    the other exits 0 at once instead of unlinking the first one's socket."""
    from routerlint.daemon import channel

    folder = daemon_env["ROUTERLINT_DAEMON_DIR"]
    socket_path = os.path.join(folder, "x.sock")
    servers = [subprocess.Popen([sys.executable, "-m", "routerlint.daemon.server",
                                 socket_path, "30"], env=daemon_env,
                                stderr=subprocess.PIPE) for _ in range(2)]
    try:
        codes = []
        for server in servers:
            try:
                codes.append(server.wait(timeout=10))
            except subprocess.TimeoutExpired:
                codes.append(None)
        assert sorted(codes, key=str) == [0, None], codes  # one left at once, one serves
        import socket

        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(socket_path)
            channel.send(conn, {"ping": True, "stamp": ""})
            assert channel.receive(conn) == {"stopping": True, "stale": True}
        alive = next(server for server in servers if server.returncode is None)
        assert alive.wait(timeout=10) == 0  # a stale client makes it stop
    finally:
        for server in servers:
            if server.poll() is None:
                server.kill()
                server.wait()


# A small app for the passes the daemon keeps (runtime/kept.py): each step below changes one
# thing those passes read (a class's bases, what a function returns, an import that decides
# the entry module, a lazy import, the module set) or only what they do not read (a router's
# prefix, a body), and the daemon must still answer as a fresh process.
_KEPT_APP = {
    "app/__init__.py": "",
    "app/base.py": "class Router:\n    pass\n\n\ndef make():\n    return object()\n",
    "app/main.py": ("from fastapi import FastAPI\n\nfrom app.routers import items, users\n\n"
                    "app = FastAPI()\napp.include_router(users.router)\n"
                    "app.include_router(items.router)\n"),
    "app/server.py": "from fastapi import FastAPI\n\nfrom app import main\n\napp = FastAPI()\n",
    "app/routers/__init__.py": "",
    "app/routers/users.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
    "app/routers/items.py": ("from app.base import Router, make\n\nrouter = Router()\n"
                             "other = make()\n"),
    "app/routers/made.py": "from app.base import make\n\nrouter = make()\n",
}

_KEPT_STEPS = [  # (file, old text, new text): "" old text appends, None new text deletes
    ("app/base.py", "class Router:", "from fastapi import APIRouter\n\n\nclass Router(APIRouter):"),
    ("app/base.py", "    return object()", "    return APIRouter()"),
    ("app/routers/users.py", "APIRouter()", "APIRouter(prefix='/users')"),
    ("app/routers/users.py", "= APIRouter(", "= dict("),
    ("app/routers/users.py", "= dict(", "= APIRouter("),
    ("app/routers/items.py", "from app.base", "import app.env.config\nfrom app.base"),
    ("app/env/__init__.py", "", ""),  # env/ is not discovered: only the graph locates it
    ("app/env/config.py", "", "SETTING = 1\n"),
    ("app/server.py", "from app import main\n", "# main is started by uvicorn\n"),
    ("app/server.py", "# main is started by uvicorn\n", "from app import main\n"),
    ("app/base.py", "class Router(APIRouter):", "class Routed(APIRouter):"),
    ("app/base.py", "class Routed(APIRouter):", "class Router(APIRouter):"),
    ("app/routers/items.py", "", "\n\ndef later():\n    import app.routers.extra\n"),
    ("app/routers/extra.py", "", "from fastapi import APIRouter\n\nrouter = APIRouter()\n"),
    ("app/base.py", "class Router(APIRouter):", "class Router:"),
    ("app/routers/users.py", "from fastapi import APIRouter\n",
     "from fastapi import APIRouter as Router\n"),
    ("app/routers/users.py", "APIRouter(prefix", "Router(prefix"),
    ("app/routers/extra.py", "", None),
]


def test_daemon_kept_passes_follow_each_edit(daemon_env, tmp_path):
    root = tmp_path / "kept"
    for rel, text in _KEPT_APP.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    started = _routerlint(daemon_env, "daemon", "start", "--idle", "5")
    assert started.returncode == 0, started.stderr
    seen = set()
    for step in range(len(_KEPT_STEPS) + 1):
        if step:
            rel, old, new = _KEPT_STEPS[step - 1]
            path = root / rel
            if new is None:
                path.unlink()
            elif not old:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text((path.read_text() if path.exists() else "") + new)
            else:
                assert old in path.read_text(), (rel, old)
                path.write_text(path.read_text().replace(old, new))
        served = _routerlint(daemon_env, "scan", "--format", "json", "--exit-zero", "-v",
                             str(root))
        assert "served by the daemon" in served.stderr, served.stderr[-2000:]
        fresh = _routerlint(daemon_env, "scan", "--format", "json", "--exit-zero",
                            "--no-cache", str(root))
        assert _report(served) == _report(fresh), f"after step {step}: {_KEPT_STEPS[:step]}"
        report = _report(fresh)
        seen.add(((report["app"] or {}).get("module"), len(report["routers"])))
    assert len(seen) >= 3, seen  # the steps really changed the entry and the routers
