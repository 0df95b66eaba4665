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
