"""Every output routerlint gives on every fixture app and example, in one folder, for a
byte-for-byte comparison before and after a refactoring (timings masked).

    python benchmarks/snapshot.py OUT            # writes OUT/<app>.<format>
    diff -r BEFORE AFTER                         # nothing: the outputs are the same

Each app is copied to the same place under the system temp folder first, so absolute paths
in the output are equal between runs; apps that need a target environment (expect.toml
`env`) get it built once, in the same place, by tests/envs.py.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = Path(tempfile.gettempdir()) / "routerlint-snapshot"
FORMATS = ("text", "json", "github", "sarif")
_TIMES = [(re.compile(r"\d+(\.\d+)? s\)"), "N s)"),
          (re.compile(r'"(seconds|elapsed)": [0-9.e-]+'), r'"\1": N')]


def apps() -> list[Path]:
    found = sorted(p.parent for p in (REPO / "tests" / "fixtures").glob("*/expect.toml"))
    return found + sorted(p.parent for p in (REPO / "examples").glob("*/expect.toml"))


def python_for(app: Path, default: str) -> list[str]:
    """The target interpreter: the app's test environment, else `default` (the same one for
    both snapshots: its path shows in install advice)."""
    env = tomllib.loads((app / "expect.toml").read_text()).get("env")
    if env is None:
        return ["--python", default]
    sys.path.insert(0, str(REPO / "tests"))
    from envs import build_env

    where = WORK / "envs"
    python = where / env / "bin" / "python"
    if not python.exists():
        where.mkdir(parents=True, exist_ok=True)
        python = build_env(env, where)
    return ["--python", str(python)]


def snapshot(app: Path, out: Path, routerlint: str, python: str) -> None:
    name = f"{app.parent.name}-{app.name}"
    copy = WORK / "apps" / name
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(app, copy)
    extra = python_for(app, python)
    runs = [(fmt, ["scan", str(copy), "--no-cache", "--format", fmt, *extra]) for fmt in FORMATS]
    runs.append(("graph", ["graph", str(copy), *extra]))
    for label, args in runs:
        proc = subprocess.run([routerlint, *args], capture_output=True, text=True,
                              cwd=str(copy), env=dict(os.environ, NO_COLOR="1"))
        text = f"exit {proc.returncode}\n--- stdout\n{proc.stdout}--- stderr\n{proc.stderr}"
        for pattern, repl in _TIMES:
            text = pattern.sub(repl, text)
        (out / f"{name}.{label}").write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--routerlint", default=shutil.which("routerlint") or "routerlint")
    parser.add_argument("--python", default=sys.executable,
                        help="target interpreter for apps without an `env` (with fastapi and "
                             "sqlalchemy, as the tests' own)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    found = apps()
    for app in found:  # build the environments first, one at a time
        python_for(app, args.python)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(lambda app: snapshot(app, args.out, args.routerlint, args.python),
                      found))
    print(f"{len(found)} apps x {len(FORMATS) + 1} outputs in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
