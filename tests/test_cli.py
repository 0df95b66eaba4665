"""The command line as a user meets it: bad input, exit codes, rule docs, the JSON contract."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def routerlint(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "routerlint", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def app(tmp_path, files):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "t"\nversion = "0"\n')
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return tmp_path


def one_line_error(done):
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("routerlint: error: ")
    assert len(done.stderr.strip().splitlines()) == 1


def test_missing_path_is_a_usage_error(tmp_path):
    done = routerlint("scan", tmp_path / "nope")
    one_line_error(done)
    assert "nope: no such file or directory" in done.stderr


def test_empty_folder_is_a_usage_error(tmp_path):
    done = routerlint("scan", tmp_path)
    one_line_error(done)
    assert "no Python files" in done.stderr


def test_interpreter_that_cannot_run_is_a_usage_error(tmp_path):
    project = app(tmp_path, {"app/__init__.py": ""})
    done = routerlint("scan", project, "--python", tmp_path / "no-python")
    one_line_error(done)
    assert "cannot run the interpreter" in done.stderr


ROUTER = "from fastapi import APIRouter\nrouter = APIRouter()\n"


@pytest.mark.parametrize("content, message", [
    (b'NAME = "\xe9t\xe9"\n', "can't decode byte 0xe9"),
    (b"\x00\x01\x02\x7fELF binary", "null bytes"),
    (b"def broken(:\n    pass\n", "invalid syntax"),
])
def test_unreadable_sources_are_rl100_and_the_scan_goes_on(tmp_path, content, message):
    project = app(tmp_path, {
        "app/__init__.py": "",
        "app/bad.py": content,
        "app/routers/__init__.py": "",
        "app/routers/uses_bad.py": ROUTER + "import app.bad\n",
        "app/routers/fine.py": ROUTER,
    })
    done = routerlint("scan", project, "--format", "json")
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    [issue] = [d for d in data["diagnostics"] if d["code"] == "RL100"]
    assert issue["path"] == "app/bad.py" and message in issue["message"]
    outcomes = {r["module"]: r["loads"] for r in data["routers"]}
    assert outcomes == {"app.routers.uses_bad": False, "app.routers.fine": True}


def test_clean_app_exits_zero_and_text_has_summary(tmp_path):
    project = app(tmp_path, {"app/__init__.py": "", "app/r.py": ROUTER})
    done = routerlint("scan", project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().startswith("Routers: 1 found, 1 load, 0 fail.")


def test_exit_zero_flag(tmp_path):
    project = app(tmp_path, {"app/__init__.py": "", "app/r.py": ROUTER + "import app.gone\n"})
    assert routerlint("scan", project).returncode == 1
    assert routerlint("scan", project, "--exit-zero").returncode == 0


def test_json_contract_on_the_example():
    done = routerlint("scan", REPO / "examples" / "backend", "--format", "json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["version"] == 1
    assert set(data) >= {"version", "diagnostics", "routers", "summary"}
    for d in data["diagnostics"]:
        assert set(d) >= {"code", "name", "severity", "path", "line", "column", "end_line",
                          "end_column", "message", "fix", "related"}
        assert d["line"] >= 1 and d["column"] >= 1 and "\\" not in d["path"]
        assert not Path(d["path"]).is_absolute()
    for r in data["routers"]:
        assert set(r) >= {"module", "path", "loads", "order_dependent", "cause", "chain"}
        if not r["loads"]:
            assert r["chain"][0] == r["module"] and r["cause"]["code"].startswith("RL")
    summary = data["summary"]
    assert summary["routers"] == len(data["routers"]) == 22
    assert summary["failing"] == sum(not r["loads"] for r in data["routers"]) == 13
    by_module = {r["module"]: r for r in data["routers"]}
    assert by_module["app.routers.reports"]["order_dependent_on"] == "app.routers.analytics"
    assert [d["code"] for d in data["diagnostics"] if d["code"] == "RL301"] == ["RL301"]


def test_rules_are_listed_and_explained():
    listing = routerlint("rules")
    assert listing.returncode == 0
    from routerlint.rules import RULES
    for code in RULES:
        assert code in listing.stdout
        explained = routerlint("rule", code)
        assert explained.returncode == 0
        assert "Bad:" in explained.stdout and "Good:" in explained.stdout
        assert "Fix:" in explained.stdout
    assert routerlint("rule", "duplicate-table").stdout.startswith("RL001")
    unknown = routerlint("rule", "RL999")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


def test_version_and_module_entry_point():
    from routerlint import __version__
    done = routerlint("--version")
    assert done.returncode == 0 and __version__ in done.stdout
