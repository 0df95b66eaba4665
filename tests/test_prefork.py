"""The early parse child (facts/prefork.py): it parses what it is given as the scanner would,
and a child that is not used, or cannot take the work, is killed and reaped, never left."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2,
                                reason="the prefork needs fork and two cores")

SOURCE = b"from fastapi import APIRouter\nrouter = APIRouter()\n\ndef f(x=1):\n    return x\n"


def _in_fresh_process(code: str) -> str:
    """Run `code` where LibCST is not imported yet, as in a real run."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_child_parses_what_it_is_sent_as_the_scanner_does():
    out = _in_fresh_process(f"""
import json
from routerlint.facts.prefork import Prefork
from routerlint.facts.pool import _parse
child = Prefork.start()
assert child is not None
collect = child.take([("k", {SOURCE!r}, "m.py")], (3, 11), lambda: ["fallback"])
got = collect()
assert got != ["fallback"]
assert json.loads(json.dumps(_parse({SOURCE!r}, "m.py", (3, 11)))) == got[0]
print("same")
""")
    assert out.strip() == "same"


def test_an_unused_child_is_killed_and_reaped():
    out = _in_fresh_process("""
import os
from routerlint.facts.prefork import Prefork
child = Prefork.start()
child.close()
try:
    os.kill(child.pid, 0)
    print("still there")
except ProcessLookupError:
    print("gone")
""")
    assert out.strip() == "gone"


def test_work_too_large_for_the_pipe_is_refused_and_the_child_killed():
    out = _in_fresh_process(f"""
import os
from routerlint.facts.prefork import Prefork
child = Prefork.start()
big = b"x = 1\\n" * (child.capacity // 5)
print(child.take([("k", big, "m.py")], (3, 11), lambda: []) is None)
try:
    os.kill(child.pid, 0)
    print("still there")
except ProcessLookupError:
    print("gone")
""")
    assert out.split() == ["True", "gone"]


def test_no_child_once_libcst_is_imported():
    out = _in_fresh_process("""
import libcst
from routerlint.facts.prefork import Prefork
print(Prefork.start())
""")
    assert out.strip() == "None"


@pytest.mark.parametrize("runs, flags", [(1, []), (2, []), (1, ["--no-cache"])],
                         ids=["miss", "report-cache-hit", "no-cache"])
def test_a_scan_forks_its_child_before_click_and_leaves_none_behind(tmp_path, runs, flags):
    """`routerlint scan` forks the child first (LibCST's import beside click's); whether a
    changed file used it, a report-cache hit did not need it, or --no-cache wants none."""
    app = tmp_path / "app"
    (app / "routers").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "routers" / "__init__.py").write_text("")
    (app / "routers" / "items.py").write_text(SOURCE.decode())
    (app / "main.py").write_text("from fastapi import FastAPI\nfrom app.routers import items\n"
                                 "app = FastAPI()\napp.include_router(items.router)\n")
    argv = ["routerlint", "scan", "--exit-zero", "--no-daemon", "--python", sys.executable,
            *flags, str(tmp_path)]
    code = f"""
import os, sys
from routerlint.facts import prefork
forked = []
start = prefork.Prefork.start
def recording():
    child = start()
    forked.append((child.pid if child else None, "click" in sys.modules))
    return child
prefork.Prefork.start = staticmethod(recording)
from routerlint.__main__ import run
sys.argv = {argv!r}
try:
    run()
except SystemExit:
    pass
for pid, click_imported in forked:
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    print("FORKED", pid is not None, click_imported, alive, file=sys.stderr)
"""
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=120, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert "Routers: 1 found, 1 load" in done.stdout
    forked = [line.split()[1:] for line in done.stderr.splitlines() if line.startswith("FORKED")]
    assert forked == [["True", "False", "False"]]
