"""The real consumers: pre-commit (try-repo) runs the hook, check-jsonschema validates action.yml,
and the action's run step is executed locally."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import REPO

BIN = Path(sys.executable).parent
APP = {
    "pyproject.toml": '[project]\nname = "hooked"\nversion = "0"\n',
    "app/__init__.py": "",
    "app/web.py": "class APIRouter:\n    pass\n",
    "app/helpers.py": "def present():\n    return 1\n",
    "app/routers/__init__.py": "",
    "app/routers/items.py": "from app.web import APIRouter\nfrom app.helpers import {NAME}\n\nrouter = APIRouter()\n",
}


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   cwd=repo, check=True, capture_output=True)


def _write_app(repo: Path, name: str) -> None:
    for rel, text in APP.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("{NAME}", name))
    _git(repo, "add", "-A")


_NOT_SOURCE = {".git", "__pycache__", ".routerlint_cache", ".pytest_cache", "build", "dist"}


def _source_files() -> list:
    """The checkout's files: git's list in a repository, else (an exported tree) every file
    outside caches and build output."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, text=True)
    if listed.returncode == 0 and (REPO / ".git").exists():
        return [rel for rel in listed.stdout.split("\0") if rel]
    return [path.relative_to(REPO).as_posix() for path in sorted(REPO.rglob("*"))
            if path.is_file() and not _NOT_SOURCE.intersection(path.relative_to(REPO).parts)
            and not any(part.endswith(".egg-info") for part in path.parts)]


def _snapshot_of_routerlint(dest: Path) -> Path:
    """The working tree as it is now (committed or not), as a git repository pre-commit can
    clone."""
    for rel in _source_files():
        source = REPO / rel
        if source.is_file() and "/fixtures/" not in f"/{rel}":
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "snapshot")
    return dest


def test_pre_commit_try_repo_fails_then_passes(tmp_path):
    hook_repo = _snapshot_of_routerlint(tmp_path / "routerlint")
    repo = tmp_path / "user-repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _write_app(repo, "missing_helper")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [_tool("pre-commit"), "try-repo", str(hook_repo), "routerlint", "--all-files"]

    failing = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True,
                             timeout=900)
    output = failing.stdout + failing.stderr
    assert failing.returncode == 1, output
    assert "routerlint" in output and "Failed" in output, output
    assert "RL202" in output and "app/routers/items.py:2" in output, output

    _write_app(repo, "present")
    passing = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True,
                             timeout=900)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout


def test_hooks_file_declares_whole_program_hooks():
    text = (REPO / ".pre-commit-hooks.yaml").read_text()
    for hook_id, language in (("routerlint", "python"), ("routerlint-system", "system")):
        block = text.split(f"- id: {hook_id}\n")[1].split("\n- id:")[0]
        assert f"language: {language}" in block
        for line in ("entry: routerlint scan", "pass_filenames: false", "require_serial: true",
                     "always_run: true", "types: [python]"):
            assert line in block, (hook_id, line)


def test_action_yml_matches_the_github_actions_schema(tmp_path):
    checker = _tool("check-jsonschema")
    good = subprocess.run([checker, "--builtin-schema", "vendor.github-actions",
                           str(REPO / "action.yml")], capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    broken = tmp_path / "action.yml"  # the checker does reject a broken action
    broken.write_text((REPO / "action.yml").read_text().replace("using: composite",
                                                                "using: kompost"))
    bad = subprocess.run([checker, "--builtin-schema", "vendor.github-actions", str(broken)],
                         capture_output=True, text=True)
    assert bad.returncode == 1, bad.stdout + bad.stderr


def test_action_run_step_executes_on_a_fixture(tmp_path):
    text = (REPO / "action.yml").read_text()
    script = re.search(r"- name: Run routerlint\n.*?run: \|\n(.*)", text, re.S).group(1)
    script = "\n".join(line[8:] for line in script.splitlines())
    repo = tmp_path / "ws"
    repo.mkdir()
    _git(repo, "init", "-q")
    _write_app(repo, "missing_helper")
    summary = tmp_path / "summary.md"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "ROUTERLINT_PATHS": ".", "ROUTERLINT_ARGS": "--select RL2",
           "ROUTERLINT_SARIF": "out.sarif", "GITHUB_STEP_SUMMARY": str(summary)}
    proc = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True,
                          text=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.startswith("::error file=app/routers/items.py,line=2,"), proc.stdout
    assert '"ruleId": "RL202"' in (repo / "out.sarif").read_text()
    assert "RL202" in summary.read_text()
