"""`if os.getenv(...)` decided for the environment given, as CPython decides it."""

from __future__ import annotations

import types

import libcst as cst
import pytest

from helpers import run_routerlint
from routerlint.facts.envtest import env_tree
from routerlint.facts.envtree import Undecided, evaluate, variables
from routerlint.project.dotenv import read_dotenv

CONDITIONS = [
    'os.getenv("FEATURE")',
    'os.environ.get("FEATURE")',
    'os.getenv("FEATURE", "")',
    'not os.getenv("FEATURE")',
    'os.getenv("MODE", "full") == "lite"',
    'os.getenv("MODE", "full").lower() != "lite"',
    '"lite" in os.getenv("FEATURES", "").split(",")',
    'os.getenv("FLAG", "false").strip().lower() in ("1", "true", "yes")',
    '"FEATURE" in os.environ',
    '"FEATURE" not in os.environ',
    'os.getenv("FEATURE") is None',
    'os.getenv("FEATURE") or os.getenv("MODE") == "lite"',
    'os.getenv("FEATURE") and os.getenv("MODE", "x").startswith("li")',
    'bool(os.environ.get("FEATURE", ""))',
    'True and os.getenv("FEATURE")',
]
ENVIRONMENTS = [{}, {"FEATURE": "1"}, {"FEATURE": ""}, {"MODE": "lite", "FEATURES": "a,lite"},
                {"MODE": "LITE", "FLAG": " Yes "}, {"FLAG": "true", "FEATURE": "x"}]


def _python(expression: str, environ: dict):
    fake_os = types.SimpleNamespace(getenv=lambda name, default=None: environ.get(name, default),
                                    environ=environ)
    return eval(expression, {"os": fake_os})  # noqa: S307 — our own literal test cases


@pytest.mark.parametrize("expression", CONDITIONS)
def test_conditions_agree_with_python(expression):
    tree = env_tree(cst.parse_expression(expression), {})
    assert tree is not None, f"not read: {expression}"
    for environ in ENVIRONMENTS:
        assert bool(evaluate(tree, environ)) == bool(_python(expression, environ)), \
            (expression, environ)


def test_names_bound_to_environment_reads_are_followed():
    known = {"FEATURES": env_tree(cst.parse_expression('os.getenv("ENABLED", "")'), {})}
    tree = env_tree(cst.parse_expression('"lite" in FEATURES'), known)
    assert variables(tree) == ["ENABLED"]
    assert evaluate(tree, {"ENABLED": "lite,x"}) is True


@pytest.mark.parametrize("expression", ['settings.DEBUG', 'os.getenv(name)', 'x == "a"',
                                        '"a" == "b"'])
def test_other_conditions_are_left_alone(expression):
    assert env_tree(cst.parse_expression(expression), {}) is None


def test_what_would_raise_is_undecided():
    tree = env_tree(cst.parse_expression('os.getenv("FEATURE").lower() == "on"'), {})
    with pytest.raises(Undecided):
        evaluate(tree, {})  # AttributeError on None in CPython: not ours to decide


def test_dotenv_file(tmp_path):
    env = tmp_path / ".env"
    env.write_text('# comment\nA=1\nexport B="two words"  # note\nC=three # note\nD=\'q\'\n'
                   "not a line\nE=\n")
    assert read_dotenv(env) == {"A": "1", "B": "two words", "C": "three", "D": "q", "E": ""}
    assert read_dotenv(tmp_path / "missing.env") == {}


APP = {
    "pyproject.toml": '[project]\nname = "envapp"\nversion = "0"\n',
    "app/__init__.py": "",
    "app/settings.py": (
        "import os\n"
        "try:\n    from dotenv import load_dotenv\n"
        "except ImportError:\n    def load_dotenv():\n        return None\n"
        "load_dotenv()\n"
        "if os.getenv('LEGACY_REPORTS'):\n    import legacy_reports_unavailable\n"),
    "app/routers/__init__.py": "",
    "app/routers/reports.py": "from fastapi import APIRouter\nimport app.settings\n"
                              "router = APIRouter()\n",
}


def _write(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _fails(proc) -> bool:
    return "1 fail" in proc.stdout.splitlines()[-1]


def test_env_flag_settings_and_dotenv(tmp_path):
    _write(tmp_path, APP)
    assert not _fails(run_routerlint(tmp_path, "--format", "text", "--no-cache"))
    assert _fails(run_routerlint(tmp_path, "--format", "text", "--no-cache",
                                 "--env", "LEGACY_REPORTS=1"))
    (tmp_path / ".env").write_text("LEGACY_REPORTS=yes\n")  # loaded by load_dotenv()
    assert _fails(run_routerlint(tmp_path, "--format", "text", "--no-cache"))
    assert not _fails(run_routerlint(tmp_path, "--format", "text", "--no-cache",
                                     "--env", "LEGACY_REPORTS="))  # the flag wins
    (tmp_path / "pyproject.toml").write_text(
        APP["pyproject.toml"] + '[tool.routerlint]\nenv = { LEGACY_REPORTS = "" }\n')
    assert not _fails(run_routerlint(tmp_path, "--format", "text", "--no-cache"))


def test_dotenv_is_read_only_when_the_app_loads_it(tmp_path):
    _write(tmp_path, {**APP, "app/settings.py": APP["app/settings.py"].replace(
        "load_dotenv()\n", "")})
    (tmp_path / ".env").write_text("LEGACY_REPORTS=yes\n")
    assert not _fails(run_routerlint(tmp_path, "--format", "text", "--no-cache"))


@pytest.mark.parametrize("args, wanted", [
    (["--env", "NOVALUE"], "write NAME=VALUE"),
    (["--env", "1BAD=x"], "write NAME=VALUE"),
])
def test_bad_env_flag(tmp_path, args, wanted):
    _write(tmp_path, APP)
    proc = run_routerlint(tmp_path, "--format", "text", *args)
    assert proc.returncode == 2 and wanted in proc.stderr and "Traceback" not in proc.stderr


def test_bad_env_setting(tmp_path):
    _write(tmp_path, {**APP, "pyproject.toml": APP["pyproject.toml"]
                      + "[tool.routerlint]\nenv = { FLAG = 1 }\n"})
    proc = run_routerlint(tmp_path, "--format", "text")
    assert proc.returncode == 2 and "'env' must map variable names to strings" in proc.stderr
