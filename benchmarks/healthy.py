"""Healthy real apps: routerlint must raise no false alarm where CPython starts the app.

For each app below (a real open-source FastAPI server published on the package index, whose
wheel carries its source), this script
  1. builds a throw-away venv and `pip install`s the app with its dependencies;
  2. asks that venv's CPython to import the app's start-up module (the truth: it must start);
  3. copies the app's package out of site-packages into a scratch project (so module names are
     the app's own) and runs `routerlint scan --python <venv> --format json` on it;
  4. fails if routerlint says the app does not start, or any router fails, or reports any
     error-severity finding other than RL204 (undeclared dependency: a copied wheel declares
     nothing) — each of those would be a false alarm on a healthy app.

    python benchmarks/healthy.py [--apps prefect,lnbits] [--work /tmp/routerlint-healthy] [--keep]

Needs the package index (pip). Slow (minutes per app: it installs real dependency trees), so it
is run by hand, not by the test suite; results are recorded in the README.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

# name -> (pip requirements, space-separated; top-level package copied out, module CPython imports to start it,
#          extra routerlint arguments, environment variables the app needs to start)
APPS = {
    "prefect": ("prefect==3.9.1", "prefect", "prefect.server.api.server", [], {}),
    "zenml": ("zenml[server]==0.98.0", "zenml", "zenml.zen_server.zen_server_api", [], {}),
    # bolt11 2.1 imports ConstBitStream, which bitstring 5 removed: the app only starts with 4.x
    "lnbits": ("lnbits==1.6.2 bitstring<5", "lnbits", "lnbits.app", [], {}),
    "dstack": ("dstack[server]==0.22.5", "dstack", "dstack._internal.server.app", [], {}),
}

ALLOWED = {"RL204"}  # a copied wheel has no dependency declarations of its own


def _run(command, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def _venv(work: Path, name: str, requirement: str) -> Path:
    venv = work / f"venv-{name}"
    python = venv / "bin" / "python"
    if not python.exists():
        _run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = _run([str(python), "-m", "pip", "install", "--quiet",
                     "--disable-pip-version-check", *requirement.split()], timeout=1800)
        if done.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            raise RuntimeError(f"pip install {requirement} failed:\n{done.stderr[-2000:]}")
    return python


def _site_package(python: Path, package: str) -> Path:
    code = ("import sysconfig, pathlib, sys; "
            f"print(pathlib.Path(sysconfig.get_paths()['purelib'], {package!r}))")
    return Path(_run([str(python), "-I", "-c", code], check=True).stdout.strip())


def check(name: str, work: Path) -> dict:
    requirement, package, start, extra, env_vars = APPS[name]
    python = _venv(work, name, requirement)
    env = {**os.environ, **env_vars}
    starts = _run([str(python), "-c", f"import {start}"], env=env, timeout=600, cwd=work)
    project = work / f"project-{name}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir()
    shutil.copytree(_site_package(python, package), project / package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (project / "pyproject.toml").write_text(f'[project]\nname = "healthy-{name}"\n')
    started = time.perf_counter()
    scan = _run([sys.executable, "-m", "routerlint", "scan", ".", "--python", str(python),
                 "--format", "json", "--no-cache", "--app", start, *extra],
                cwd=project, timeout=1800)
    seconds = time.perf_counter() - started
    try:
        report = json.loads(scan.stdout)
    except ValueError:
        return {"app": name, "ok": False, "problem": f"routerlint exit {scan.returncode}: "
                                                    f"{scan.stderr.strip()[-1500:]}"}
    errors = [d for d in report["diagnostics"]
              if d["severity"] == "error" and d["code"] not in ALLOWED]
    failing = [r["module"] for r in report["routers"] if not r["loads"]]
    app = report.get("app") or {}
    problems = []
    if starts.returncode != 0:
        problems.append("CPython does not start it either (not a healthy app here):\n"
                        + starts.stderr.strip()[-1500:])
    if app and not app.get("starts", True):
        problems.append(f"routerlint says the app does not start: {app.get('cause')}")
    if failing:
        problems.append(f"routerlint says {len(failing)} routers fail: {failing[:10]}")
    problems += [f"{d['path']}:{d['line']}: {d['code']} {d['message']}" for d in errors[:30]]
    summary = report["summary"]
    return {"app": name, "requirement": requirement, "ok": not problems,
            "files": summary["files"], "lines": summary.get("lines"),
            "routers": summary["routers"], "errors": len(errors),
            "warnings": summary["warnings"], "seconds": round(seconds, 1),
            "problems": problems}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", default=",".join(APPS), help="comma-separated, of: "
                        + ", ".join(APPS))
    parser.add_argument("--work", default="/tmp/routerlint-healthy", type=Path)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for name in args.apps.split(","):
        try:
            result = check(name.strip(), args.work)
        except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
            result = {"app": name, "ok": False, "problems": [str(exc)]}
        results.append(result)
        print(json.dumps(result, indent=2), flush=True)
    bad = [r["app"] for r in results if not r["ok"]]
    print(f"{len(results) - len(bad)} of {len(results)} healthy apps clean"
          + (f"; false alarms or setup problems on: {', '.join(bad)}" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
