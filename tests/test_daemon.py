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

from helpers import EXAMPLES_DIR, FIXTURES_DIR, copy_fixture

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


def _edits(root: Path, rng: random.Random, step: int):
    """One random edit of the app under `root`; returns what it did (for the failure text)."""
    files = sorted(p for p in root.rglob("*.py") if ".routerlint_cache" not in p.parts)
    modules = [".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
               for p in files]
    target = rng.choice(files)
    kind = rng.choice(["name", "import", "missing-name", "missing-package", "syntax",
                       "restore", "new-router", "delete", "touch", "def"])
    text = target.read_text()
    if kind == "name":
        target.write_text(text + f"\nEDIT_{step} = {step}\n")
    elif kind == "import":
        target.write_text(f"import {rng.choice(modules)}\n" + text)
    elif kind == "missing-name":
        target.write_text(text + f"\nfrom {rng.choice(modules)} import NotThere{step}\n")
    elif kind == "missing-package":
        target.write_text(f"import not_installed_{step}\n" + text)
    elif kind == "syntax":
        target.write_text(text + "\ndef broken(a=1, b):\n    pass\n")
    elif kind == "restore":
        original = ORIGINALS.get(target)
        if original is not None:
            target.write_text(original)
    elif kind == "new-router":
        package = rng.choice([p.parent for p in files if p.name == "__init__.py"])
        new = package / f"added_{step}.py"
        new.write_text("from fastapi import APIRouter\n\nrouter = APIRouter()\n")
        target.write_text(text + f"\nimport {'.'.join(new.relative_to(root).with_suffix('').parts)}\n")
    elif kind == "delete":
        if target.name != "__init__.py":
            target.unlink()
    elif kind == "touch":
        os.utime(target)
    elif kind == "def":  # a body edit: the lines below it move
        target.write_text(f"def helper_{step}():\n    import not_installed_lazy\n\n\n" + text)
    return f"{kind} {target.relative_to(root)}"


ORIGINALS: dict = {}


@pytest.mark.parametrize("app,seed", [("examples/backend", 1), ("examples/backend", 2),
                                      ("fixtures/order_loader_loop_conflict_second", 3),
                                      ("fixtures/env_chosen_imports", 4)])
def test_daemon_answers_as_a_fresh_process_after_every_edit(daemon_env, tmp_path, app, seed):
    base = {"examples": EXAMPLES_DIR, "fixtures": FIXTURES_DIR}[app.split("/")[0]]
    root = copy_fixture(base / app.split("/")[1], tmp_path)
    ORIGINALS.clear()
    ORIGINALS.update((p, p.read_text()) for p in root.rglob("*.py"))
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
        done.append(_edits(root, rng, step))


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
