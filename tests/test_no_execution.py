"""routerlint reads the app; it never imports or executes it.

Every module of tests/fixtures/no_execution writes an IMPORTED marker next to itself when it is
imported. The oracle (real imports) must create markers; routerlint must create none.
"""

from __future__ import annotations

import json

from helpers import FIXTURES_DIR, copy_fixture, run_oracle, run_routerlint

FIXTURE = FIXTURES_DIR / "no_execution"


def _markers(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("IMPORTED"))


def test_markers_work_under_real_import(tmp_path):
    """Sanity check of the fixture itself: importing it does write markers."""
    copy = copy_fixture(FIXTURE, tmp_path)
    assert _markers(copy) == []
    data, _ = run_oracle(copy)
    assert all(o.get("loads") for o in data["routers"].values()), data
    assert _markers(copy), "importing the fixture created no IMPORTED marker: the fixture is broken"


def test_routerlint_executes_nothing(tmp_path):
    copy = copy_fixture(FIXTURE, tmp_path)
    proc = run_routerlint(copy)
    assert "Traceback" not in proc.stderr, proc.stderr[-4000:]
    assert proc.returncode in (0, 1), f"exit {proc.returncode}\n{proc.stderr[-2000:]}"
    json.loads(proc.stdout)  # it really scanned
    assert _markers(copy) == [], f"routerlint executed app code: markers {_markers(copy)}"
