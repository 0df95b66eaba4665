"""Third-party imports resolved against a real target venv (tests/envs.py), never imported."""

from __future__ import annotations

import json
import os
import shutil

from helpers import FIXTURES_DIR, copy_fixture, routerlint_env, run_oracle, run_routerlint

FIXTURE = FIXTURES_DIR / "thirdparty_env"


def _report(proc):
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def _router(report, module):
    return next(r for r in report["routers"] if r["module"] == module)


def test_removed_name_depends_on_installed_version(tmp_path, target_envs):
    """exportlib 1.0 defines SafetySettings, 2.0 does not: same app, two verdicts, and
    CPython agrees in both environments."""
    copy = copy_fixture(FIXTURE, tmp_path)
    v1, v2 = target_envs("exportlib1"), target_envs("thirdparty")
    in_v1 = _router(_report(run_routerlint(copy, "--python", v1)), "app.routers.gemini")
    in_v2 = _router(_report(run_routerlint(copy, "--python", v2)), "app.routers.gemini")
    assert in_v1["loads"] is True
    assert in_v2["loads"] is False and in_v2["cause"]["code"] == "RL202"
    assert "SafetySettings" in in_v2["cause"]["message"]
    oracle, _ = run_oracle(copy, v1)
    assert oracle["routers"]["app.routers.gemini"]["loads"] is True


def test_missing_package_names_the_distribution(tmp_path, target_envs):
    copy = copy_fixture(FIXTURE, tmp_path)
    report = _report(run_routerlint(copy, "--python", target_envs("thirdparty")))
    ci = _router(report, "app.routers.ci")["cause"]
    assert ci["code"] == "RL201" and "pip install dagger-io" in ci["message"]
    gamma = _router(report, "app.routers.telemetry_gamma")["cause"]
    assert "no submodule 'nsvendor.exporter.gamma'" in gamma["message"]
    beta = _router(report, "app.routers.telemetry_beta")["cause"]
    assert beta["message"].endswith("(unknown location)")


def test_in_project_venv_is_chosen_and_reported(tmp_path, target_envs):
    """Without --python, an in-project .venv is the target; -v says so on stderr."""
    copy = copy_fixture(FIXTURE, tmp_path)
    python = target_envs("thirdparty")
    venv = os.path.dirname(os.path.dirname(python))
    os.symlink(venv, copy / ".venv")
    env = routerlint_env()
    env.pop("VIRTUAL_ENV", None)
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "routerlint", "scan", str(copy), "--format",
                           "json", "-v"], capture_output=True, text=True, env=env, timeout=300)
    report = _report(proc)
    assert report["summary"]["python_reason"] == "in-project .venv"
    assert "in-project .venv" in proc.stderr
    assert _router(report, "app.routers.pipelines")["loads"] is True  # daggerish found there
    # without the venv, the running interpreter lacks daggerish: the router fails
    (copy / ".venv").unlink()
    shutil.rmtree(copy / ".routerlint_cache", ignore_errors=True)
    proc = subprocess.run([sys.executable, "-m", "routerlint", "scan", str(copy), "--format",
                           "json"], capture_output=True, text=True, env=env, timeout=300)
    report = _report(proc)
    assert report["summary"]["python_reason"] == "the interpreter running routerlint"
    assert _router(report, "app.routers.pipelines")["cause"]["code"] == "RL201"


def test_bad_python_is_a_usage_error(tmp_path):
    copy = copy_fixture(FIXTURE, tmp_path)
    proc = run_routerlint(copy, "--python", str(tmp_path / "no-such-python"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "no-such-python" in proc.stderr
