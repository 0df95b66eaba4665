"""Shared helpers for the fixture-driven tests (oracle, predictions, no-execution)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES_DIR = TESTS / "fixtures"
EXAMPLES_DIR = REPO / "examples"
ORACLE = TESTS / "oracle.py"

# Never copied: caches and the marker files the no_execution fixture writes.
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "IMPORTED", ".routerlint_cache", ".pytest_cache")


def fixture_dirs() -> list[Path]:
    """Every app with an expect.toml: tests/fixtures/* and examples/* (either may be empty)."""
    found = []
    for base in (FIXTURES_DIR, EXAMPLES_DIR):
        if base.is_dir():
            found.extend(sorted(p.parent for p in base.glob("*/expect.toml")))
    return found


def fixture_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def load_expect(fixture: Path) -> dict:
    with open(fixture / "expect.toml", "rb") as f:
        return tomllib.load(f)


def copy_fixture(fixture: Path, tmp_path: Path) -> Path:
    """Copy the fixture to tmp_path so nothing (bytecode, markers, caches) lands in the repo."""
    dest = tmp_path / fixture.name
    shutil.copytree(fixture, dest, ignore=_IGNORE, symlinks=True)
    return dest


def target_python(expect: dict, request) -> str | None:
    """The interpreter of the venv named by expect.toml `env` (built once per session)."""
    if "env" not in expect:
        return None
    return request.getfixturevalue("target_envs")(expect["env"])


def expected_outcomes(expect: dict, section: str = "routers") -> dict[str, dict]:
    """expect.toml [routers] as {"module": {"loads": True} | {"loads": False, "code", "at"}};
    [scripts] as {"path": ...} alike ("runs" for a script that runs)."""
    out = {}
    for module, spec in expect.get(section, {}).items():
        if spec in ("loads", "runs"):
            out[module] = {"loads": True}
        elif isinstance(spec, dict) and "fails" in spec:
            out[module] = {"loads": False, "code": spec["fails"], "at": spec.get("at")}
        else:
            raise ValueError(f"expect.toml: bad value for {module!r} in [{section}]: {spec!r}")
    return out


def comparable(outcome: dict) -> tuple:
    if outcome.get("loads"):
        return ("loads",)
    return ("fails", outcome.get("code"), outcome.get("at"))


def describe(outcome: dict | None) -> str:
    if outcome is None:
        return "<absent>"
    if outcome.get("loads"):
        return "loads"
    text = f"fails {outcome.get('code')} at {outcome.get('at')}"
    extra = outcome.get("exc") or outcome.get("message")
    if extra:
        text += f"  [{extra}]"
    if outcome.get("chain"):
        text += f"  chain={' -> '.join(outcome['chain'])}"
    if outcome.get("how"):
        text += f"  ({outcome['how']})"
    return text


def compare_routers(expected: dict[str, dict], actual: dict[str, dict], who: str,
                    what: str = "routers") -> list[str]:
    """Mismatch lines, empty when `actual` says the same as `expected` for every router
    (or script)."""
    problems = []
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    if missing:
        problems.append(f"{what} in expect.toml that {who} did not report: {missing}")
    if extra:
        problems.append(f"{what} {who} found that expect.toml does not list: {extra}")
    for module in sorted(set(expected) & set(actual)):
        if comparable(expected[module]) != comparable(actual[module]):
            problems.append(
                f"{module}:\n    expected: {describe(expected[module])}\n    {who:>8}: {describe(actual[module])}"
            )
    return problems


def last_json_line(stdout: str) -> dict:
    lines = [line for line in stdout.strip().splitlines() if line.strip()]
    if not lines:
        raise ValueError("no output")
    return json.loads(lines[-1])


def run_oracle(copy: Path, python: str | None = None) -> tuple[dict, subprocess.CompletedProcess]:
    """Load the app with real CPython: `python` (a target venv's interpreter) or ours."""
    proc = subprocess.run(
        [python or sys.executable, "-I", str(ORACLE), str(copy)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=str(copy),
    )
    try:
        data = last_json_line(proc.stdout)
    except (ValueError, json.JSONDecodeError) as exc:
        raise AssertionError(
            f"oracle produced no JSON ({exc}); exit {proc.returncode}\n"
            f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}"
        ) from None
    return data, proc


def routerlint_env() -> dict[str, str]:
    env = dict(os.environ)
    extra = [str(REPO)]
    if (REPO / "src").is_dir():
        extra.insert(0, str(REPO / "src"))
    if env.get("PYTHONPATH"):
        extra.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(extra)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_routerlint(copy: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "routerlint", "scan", str(copy), "--format", "json", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(REPO),
        env=routerlint_env(),
    )


EDITS = ("name", "import", "missing-name", "missing-package", "syntax", "restore", "new-router",
         "delete", "touch", "def")


def random_edit(root: Path, rng: random.Random, step: int, originals: dict,
                kinds=EDITS) -> str:
    """One random edit of the app under `root`, of one of `kinds` (`originals`: path -> text,
    for "restore"); returns what it did, for a failure's text. Shared by the tests that
    compare a report reached through kept or stored state with an uncached one after every
    edit."""
    files = sorted(p for p in root.rglob("*.py") if ".routerlint_cache" not in p.parts)
    modules = [".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
               for p in files]
    target = rng.choice(files)
    kind = rng.choice(kinds)
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
        original = originals.get(target)
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
    elif kind == "router-class":  # a new router class and a router made from it
        target.write_text(text + f"\n\nfrom fastapi import APIRouter as Base{step}\n\n\n"
                          f"class Routed{step}(Base{step}):\n    pass\n\n\n"
                          f"routed_{step} = Routed{step}()\n")
    elif kind == "def":  # a body edit: the lines below it move
        target.write_text(f"def helper_{step}():\n    import not_installed_lazy\n\n\n" + text)
    return f"{kind} {target.relative_to(root)}"
