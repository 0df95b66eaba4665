"""Syntax is judged by the target Python: compiled by that interpreter, in one batch."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys

import pytest

from helpers import run_routerlint

HOST = sys.version_info[:2]


def _interpreter(accepts) -> tuple:
    """A working python3.X (not this version) for which `accepts(version)` holds: on PATH, or
    installed by pyenv (whose shims fail for versions not activated)."""
    for minor in range(9, 15):
        version = (3, minor)
        if version == HOST or not accepts(version):
            continue
        candidates = [shutil.which(f"python3.{minor}")] + sorted(glob.glob(
            os.path.expanduser(f"~/.pyenv/versions/3.{minor}.*/bin/python3.{minor}")))
        for path in filter(None, candidates):
            real = subprocess.run([path, "-c", "import sys; print(sys.version_info[:2])"],
                                  capture_output=True, text=True)
            if real.stdout.strip() == str(version):
                return path, version
    return None, None


def _scan(tmp_path, source: str, *args: str) -> dict:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "syntaxapp"\nversion = "0"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "types_.py").write_text(source)
    proc = run_routerlint(tmp_path, "--no-cache", *args)
    assert "Traceback" not in proc.stderr, proc.stderr
    return {d["code"]: d for d in json.loads(proc.stdout)["diagnostics"]}


NEW_SYNTAX = "type UserId = int\n"  # PEP 695: 3.12 and later
MATCH = "match 1:\n    case 1:\n        pass\n"  # 3.10 and later


def test_newer_syntax_is_valid_for_a_newer_target(tmp_path):
    python, version = _interpreter(lambda v: v >= (3, 12))
    if HOST >= (3, 12) or python is None:
        pytest.skip(f"needs routerlint on < 3.12 (here {HOST}) and a python3.12+ installed")
    found = _scan(tmp_path, NEW_SYNTAX, "--python", python)
    assert "RL100" not in found  # valid where it runs
    assert "RL901" in found and "3.%d" % HOST[1] in found["RL901"]["message"]
    assert "RL100" in _scan(tmp_path / "host", NEW_SYNTAX)  # judged by this interpreter


def test_syntax_an_older_target_rejects_is_reported(tmp_path):
    python, version = _interpreter(lambda v: v < (3, 10))
    if HOST < (3, 10) or python is None:
        pytest.skip(f"needs routerlint on >= 3.10 (here {HOST}) and a python3.9 installed")
    found = _scan(tmp_path, MATCH, "--python", python)
    assert found["RL100"]["path"] == "app/types_.py" and found["RL100"]["line"] == 1
    assert "RL100" not in _scan(tmp_path / "host", MATCH)


def test_a_revision_file_is_judged_by_the_target_python_too(tmp_path):
    """Revision files are no modules (Alembic loads them): their syntax verdict is the
    target's as well, so a 3.12 revision is no RL100 when the app runs on 3.12."""
    python, version = _interpreter(lambda v: v >= (3, 12))
    if HOST >= (3, 12) or python is None:
        pytest.skip(f"needs routerlint on < 3.12 (here {HOST}) and a python3.12+ installed")
    from routerlint.rules.migration_cases import project, revision

    for root in (tmp_path / "target", tmp_path / "host"):
        for rel, text in project([("a1", None, [])], models=None).items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text + ("type UserId = int\n" if "versions" in rel else ""))
    on_target = run_routerlint(tmp_path / "target", "--no-cache", "--python", python)
    assert "Traceback" not in on_target.stderr, on_target.stderr
    assert not [d for d in json.loads(on_target.stdout)["diagnostics"] if d["code"] == "RL100"]
    on_host = json.loads(run_routerlint(tmp_path / "host", "--no-cache").stdout)
    assert [d["path"] for d in on_host["diagnostics"] if d["code"] == "RL100"] == [
        "migrations/versions/00_a1.py"]
