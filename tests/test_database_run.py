"""Fixtures with a `[database_run]` table in expect.toml (the wrong-database rule, RL411):
real SQLAlchemy, run by tests/database_oracle.py on a copy, must do what the table says, and
routerlint must report RL411 exactly where a call fails with "no such table"."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import TESTS, copy_fixture, fixture_dirs, fixture_id, last_json_line, load_expect, run_routerlint

ORACLE = TESTS / "database_oracle.py"
FIXTURES = [path for path in fixture_dirs() if "database_run" in load_expect(path)]


def _expected(spec: dict) -> dict:
    return {call: outcome if outcome == "ok" else [outcome["fails"], outcome["at"]]
            for call, outcome in spec.get("calls", {}).items()}


def test_there_is_a_database_run_fixture():
    assert FIXTURES


@pytest.mark.parametrize("fixture", FIXTURES, ids=[fixture_id(f) for f in FIXTURES])
def test_sqlalchemy_does_what_expect_says(fixture, tmp_path):
    copy = copy_fixture(fixture, tmp_path)
    proc = subprocess.run([sys.executable, "-I", str(ORACLE), str(copy)], capture_output=True,
                          text=True, timeout=300, cwd=str(copy))
    data = last_json_line(proc.stdout)
    assert data["startup"] == "ok", (data, proc.stderr[-3000:])
    actual = {call: outcome if outcome == "ok" else [outcome["fails"], outcome["at"]]
              for call, outcome in data["calls"].items()}
    assert actual == _expected(load_expect(fixture)["database_run"]), (data, proc.stderr[-2000:])


@pytest.mark.parametrize("fixture", FIXTURES, ids=[fixture_id(f) for f in FIXTURES])
def test_routerlint_reports_the_failing_queries(fixture, tmp_path):
    spec = load_expect(fixture)["database_run"]
    proc = run_routerlint(copy_fixture(fixture, tmp_path), "--no-cache")
    report = json.loads(proc.stdout)
    found = sorted(f"{d['path']}:{d['line']}" for d in report["diagnostics"]
                   if d["code"] == "RL411")
    want = sorted(o["at"] for o in spec.get("calls", {}).values()
                  if o != "ok" and "no such table" in o["fails"])
    assert found == want, "\n".join(f"{d['path']}:{d['line']} {d['code']} {d['message']}"
                                    for d in report["diagnostics"])
