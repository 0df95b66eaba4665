"""The whole-report cache is correct: any input that changes the report invalidates it, and a
hit equals an uncached run (speed is the benchmark's business, never asserted here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from routerlint import engine
from routerlint.facts.cache import CACHE_DIR
from routerlint.engine import Options, analyze
from routerlint.reporters.formats import to_json
from helpers import EXAMPLES_DIR, copy_fixture

APP = EXAMPLES_DIR / "backend"


@pytest.fixture
def app(tmp_path):
    return copy_fixture(APP, tmp_path)


@pytest.fixture
def runs(monkeypatch):
    """How many times the full analysis (graph + simulation) ran in this process."""
    calls = []
    real = engine._analyze

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "_analyze", counting)
    return calls


def _result(root: Path, **kw) -> dict:
    out = json.loads(to_json(analyze(Options(paths=[str(root)], jobs=1, **kw))))
    out["summary"].pop("seconds")
    return out


def _reports(root: Path):
    return sorted((root / CACHE_DIR).glob("report-*.json"))


def test_hit_equals_an_uncached_run_and_skips_the_analysis(app, runs):
    uncached = _result(app, cache=False)
    assert _result(app) == uncached  # cold: stores the report
    assert len(_reports(app)) == 1
    runs.clear()
    assert _result(app) == uncached
    assert runs == []


def test_a_changed_file_invalidates_it(app, runs):
    _result(app)
    router = app / "app" / "routers" / "users.py"
    router.write_text(router.read_text() + "\nfrom app.no_such_module import thing\n")
    runs.clear()
    changed = _result(app)
    assert runs == [1]
    assert changed == _result(app, cache=False)
    assert any(d["path"] == "app/routers/users.py" and d["code"] == "RL200"
               for d in changed["diagnostics"])


def test_same_content_with_a_new_mtime_is_still_a_hit(app, runs):
    cold = _result(app)
    router = app / "app" / "routers" / "users.py"
    st = router.stat()
    os.utime(router, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    runs.clear()
    assert _result(app) == cold
    assert runs == []


def test_a_new_module_invalidates_it(app, runs):
    cold = _result(app)
    (app / "app" / "routers" / "extra.py").write_text(
        "from fastapi import APIRouter\nrouter = APIRouter()\n")
    runs.clear()
    warm = _result(app)
    assert runs == [1]
    assert warm["summary"]["files"] == cold["summary"]["files"] + 1


def test_options_are_part_of_the_key(app, runs):
    _result(app)
    runs.clear()
    _result(app, app="app.main:app")
    assert runs == [1]
    assert len(_reports(app)) == 2


def test_a_corrupt_report_entry_is_survived(app, runs):
    cold = _result(app)
    for entry in _reports(app):
        entry.write_bytes(b"\x00{not json")
    runs.clear()
    assert _result(app) == cold
    assert runs == [1]
    runs.clear()
    assert _result(app) == cold  # rewritten
    assert runs == []


def test_damaged_stamps_in_a_report_entry_are_not_trusted(app, runs):
    """A miss reads unchanged files by the entry's stamps; damaged ones are ignored."""
    cold = _result(app)
    for entry in _reports(app):
        data = json.loads(entry.read_text())
        for number, path in enumerate(sorted(data["files"])):
            data["files"][path] = [[1], "x", None, 7, [0, 0, "../../x"]][number % 5]
        entry.write_text(json.dumps(data))
    runs.clear()
    assert _result(app) == cold
    assert runs == [1]


def _cli(root: Path, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "routerlint", "scan", "--format", "json",
                           "--exit-zero", *args, str(root)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    out["summary"].pop("seconds")
    return out


def test_editing_tool_routerlint_settings_invalidates_it(app):
    before = _cli(app)
    assert _cli(app) == before  # warm
    codes = {d["code"] for d in before["diagnostics"]}
    ignored = sorted(codes)[0]
    pyproject = app / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + f'\n[tool.routerlint]\nignore = ["{ignored}"]\n')
    after = _cli(app)
    assert ignored not in {d["code"] for d in after["diagnostics"]}
    assert after == _cli(app, "--no-cache")
    kept = sorted(codes)[-1]
    selected = _cli(app, "--select", kept)  # a CLI option is in the key too
    assert selected["diagnostics"]
    assert {d["code"] for d in selected["diagnostics"]} == {kept}
    assert selected == _cli(app, "--select", kept, "--no-cache")


def test_the_kept_file_list_notices_files_added_removed_and_renamed(app, monkeypatch):
    """The walk is skipped while no walked folder changed (engine._discover): after the
    folders are old enough to be trusted (2 s), each change must still be seen."""
    walks = []
    real = engine.discover
    monkeypatch.setattr(engine, "discover", lambda *a, **k: walks.append(1) or real(*a, **k))
    _result(app)
    past = 1_000_000_000
    for folder, _, _ in os.walk(app):  # as if the tree was last changed long ago
        os.utime(folder, (past, past))
    _result(app)
    walks.clear()
    before = _result(app)
    assert walks == []  # the kept list answered
    routers = app / "app" / "routers"
    steps = [
        lambda: (routers / "added.py").write_text("from fastapi import APIRouter\n\nrouter = APIRouter()\n"),
        lambda: (routers / "added.py").rename(routers / "renamed.py"),
        lambda: (routers / "renamed.py").unlink(),
        lambda: (routers / "sub").mkdir(),
        lambda: (routers / "sub" / "deep.py").write_text("import not_installed_here\n"),
    ]
    for step in steps:
        step()
        walks.clear()
        kept = _result(app)
        assert walks  # the change made it walk again
        assert kept == _result(app, cache=False)
        for folder, _, _ in os.walk(app):
            os.utime(folder, (past, past))
    assert before != _result(app)
