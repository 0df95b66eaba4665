"""Hostile input never gives a traceback: deep code, odd settings, a mute interpreter, and
routerlint's own bugs (one line, exit 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from test_cli import app, one_line_error, routerlint


def _deep_sources() -> dict:
    elifs = ["import os", "x = int(os.environ.get('X', '0'))", "if x == 0:", "    y = 0"]
    elifs += [f"elif x == {i}:\n    y = {i}" for i in range(1, 1000)]
    return {
        # CPython compiles these: they must not be syntax findings, nor crash routerlint.
        "app/__init__.py": "",
        "app/elifs.py": "\n".join(elifs) + "\n",
        "app/nots.py": "y = " + "not " * 900 + "True\n",
        "app/strings.py": "y = (" + " ".join(['"a"'] * 5000) + ")\n",
        # CPython refuses this one at import (RecursionError during compilation).
        "app/plus.py": "y = " + " + ".join(["1"] * 5000) + "\n",
    }


def _cpython_compiles(text: str) -> bool:
    done = subprocess.run([sys.executable, "-c", "import sys; compile(sys.stdin.read(), 'f', 'exec')"],
                          input=text, capture_output=True, text=True, timeout=120)
    return done.returncode == 0


def test_deep_code_is_judged_like_cpython_without_a_traceback(tmp_path):
    files = _deep_sources()
    project = app(tmp_path, files)
    done = routerlint("scan", project, "--format", "json", "--no-cache")
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.returncode == 1, done.stderr
    found = {(d["path"], d["code"]) for d in json.loads(done.stdout)["diagnostics"]}
    for rel, text in files.items():
        syntax = {code for path, code in found if path == rel and code.startswith("RL10")}
        if _cpython_compiles(text):
            assert not syntax, f"{rel}: CPython compiles it, routerlint says {syntax}"
        else:
            assert syntax == {"RL102"}, f"{rel}: CPython refuses it, routerlint says {syntax}"
    # What routerlint cannot read, it says so (a warning), instead of a false syntax error.
    assert ("app/strings.py", "RL901") in found and ("app/elifs.py", "RL901") in found


@pytest.mark.parametrize("pyproject, says", [
    ('[tool]\nrouterlint = 3\n', "'tool.routerlint' must be a table"),
    ('tool = "x"\n[project]\nname = "t"\n', "'tool' must be a table"),
    ('[tool.routerlint]\nsrc = "app"\n', 'src = ["src", "backend"]'),
])
def test_malformed_settings_are_one_line_errors(tmp_path, pyproject, says):
    project = app(tmp_path, {"app/__init__.py": "", "app/main.py": "x = 1\n"})
    (project / "pyproject.toml").write_text(pyproject)
    done = routerlint("scan", project)
    one_line_error(done)
    assert says in done.stderr and "pyproject.toml" in done.stderr


def test_empty_python_is_a_usage_error(tmp_path):
    project = app(tmp_path, {"app/__init__.py": ""})
    done = routerlint("scan", project, "--python", "")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--python" in done.stderr


def test_an_interpreter_that_never_answers_is_a_clean_error(tmp_path, monkeypatch):
    from routerlint.project import interpreter as environment

    mute = tmp_path / "python"
    mute.write_text("#!/bin/sh\nsleep 60\n")
    mute.chmod(0o755)
    monkeypatch.setattr(environment, "PROBE_TIMEOUT", 1)
    with pytest.raises(environment.TargetPythonError, match="did not answer within 1 s"):
        environment.Environment._run_probe(str(mute))


def test_an_internal_error_is_one_line_and_exit_3(tmp_path, monkeypatch):
    from routerlint import cli, engine

    def broken(options):
        raise KeyError("boom")

    monkeypatch.setattr(engine, "analyze", broken)
    monkeypatch.delenv("ROUTERLINT_DEBUG", raising=False)
    project = app(tmp_path, {"app/__init__.py": ""})
    result = CliRunner().invoke(cli.main, ["scan", str(project)])
    assert result.exit_code == 3
    assert "internal error: KeyError" in result.output and "--debug" in result.output
    assert "Traceback" not in result.output
    debug = CliRunner().invoke(cli.main, ["--debug", "scan", str(project)])
    assert isinstance(debug.exception, KeyError)  # the traceback is there for a bug report


def test_debug_env_var_shows_the_traceback(tmp_path, monkeypatch):
    from routerlint import cli, engine

    monkeypatch.setattr(engine, "analyze", lambda options: 1 / 0)
    monkeypatch.setenv("ROUTERLINT_DEBUG", "1")
    result = CliRunner().invoke(cli.main, ["scan", str(app(tmp_path, {"a.py": ""}))])
    assert isinstance(result.exception, ZeroDivisionError)


def test_a_large_generated_module_is_judged_by_cpython_alone(tmp_path):
    from routerlint.facts.largefile import LARGE_FILE_BYTES

    items = LARGE_FILE_BYTES // 3 + 1000
    data = ("from app.helpers import missing_name\nimport os\nfrom typing import (List,\n"
            "    Dict)\n\nD = [" + ", ".join(["1"] * items) + "]\n")
    project = app(tmp_path, {
        "app/__init__.py": "", "app/helpers.py": "def fmt():\n    pass\n", "app/data.py": data,
        "app/routers/__init__.py": "",
        "app/routers/r.py": "from fastapi import APIRouter\nfrom app.data import D\n\n"
                            "router = APIRouter()\n"})
    done = routerlint("scan", project, "--format", "json", "--no-cache")
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    causes = {(d["code"], d["path"], d["line"]) for d in report["diagnostics"]}
    assert ("RL202", "app/data.py", 1) in causes  # its imports are still checked
    assert not report["routers"][0]["loads"]


def test_only_regular_files_are_read(tmp_path):
    project = app(tmp_path, {"app/__init__.py": "",
                             "app/r.py": "from fastapi import APIRouter\nrouter = APIRouter()\n"})
    os.mkfifo(project / "app" / "x.py")
    (project / "app" / "z.py").symlink_to("/dev/zero")
    done = routerlint("scan", project, "--no-cache", "-v")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "app/x.py: skipped: not a regular file" in done.stderr
    assert "app/z.py: skipped: not a regular file" in done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_parse_workers_die_with_a_killed_run(tmp_path):
    import signal
    import time

    files = {"app/__init__.py": ""}
    for index in range(4):  # files that take seconds each to parse, in a pool of workers
        files[f"app/m{index}.py"] = "".join(f"def f{i}(x):\n    return x + {i}\n"
                                            for i in range(9000))
    project = app(tmp_path, files)
    proc = subprocess.Popen([sys.executable, "-m", "routerlint", "scan", str(project),
                             "--no-cache", "-j", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    children = []
    deadline = time.monotonic() + 60
    while len(children) < 2 and time.monotonic() < deadline and proc.poll() is None:
        children = _forked_children(proc.pid)  # the pool's workers, not the env probe
        time.sleep(0.02)
    time.sleep(0.5)  # let them start parsing
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    if not children:
        pytest.fail("the run ended before any parse worker was seen; make the app larger")
    deadline = time.monotonic() + 3  # well before any worker could finish its file
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in children if _alive(pid)], "parse workers outlived the run"


def _forked_children(pid: int) -> list:
    """Children running the parent's own command line: forked workers."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            own = handle.read()
        return [c for c in _children(pid) if open(f"/proc/{c}/cmdline", "rb").read() == own]
    except OSError:
        return []


def _children(pid: int) -> list:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_bad_encoding_declarations_have_real_positions_and_warnings_stay_quiet(tmp_path):
    project = app(tmp_path, {
        "app/__init__.py": "",
        "app/klingon.py": b"# -*- coding: klingon -*-\nx = 1\n",
        "app/bom_latin1.py": b"\xef\xbb\xbf# -*- coding: latin-1 -*-\nx = 1\n",
        "app/warns.py": 'import re\nP = re.compile("\\d+")\nx = 1 is 1\n'})
    done = routerlint("scan", project, "--format", "sarif", "--no-cache")
    assert "SyntaxWarning" not in done.stderr and "Traceback" not in done.stderr
    results = json.loads(done.stdout)["runs"][0]["results"]
    regions = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]:
               r["locations"][0]["physicalLocation"]["region"] for r in results}
    assert set(regions) == {"app/klingon.py", "app/bom_latin1.py"}
    for region in regions.values():
        assert region["startColumn"] >= 1 and region.get("endColumn", 1) >= 1


def test_small_things_a_user_meets(tmp_path):
    project = app(tmp_path, {
        "app/__init__.py": "", "app/dist/__init__.py": "",
        "app/routers/__init__.py": "",
        "app/routers/pay.py": "from fastapi import APIRouter\nimport routerlint_no_such_pkg\n\n"
                              "router = APIRouter()\n"})
    bad_src = routerlint("scan", project, "--src", "nope")
    one_line_error(bad_src)
    assert "src entry 'nope'" in bad_src.stderr
    hidden = routerlint("scan", project, "-v", "--no-cache")
    assert "app/dist: skipped: a package, excluded by the folder-name rule 'dist'" in hidden.stderr
    assert "pip install routerlint-no-such-pkg" in hidden.stdout
    hook = subprocess.run([sys.executable, "-m", "routerlint", "scan", str(project), "--no-cache"],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PRE_COMMIT": "1"})
    assert "additional_dependencies" in hook.stdout and "pip install" not in hook.stdout
    drawn = routerlint("graph", project, "--src", ".", "--exclude", "dist", "--target-version",
                       "py311")
    assert drawn.returncode == 0 and "app.routers.pay" in drawn.stdout, drawn.stderr


def test_the_large_file_limit_is_a_setting(tmp_path):
    helpers = "def fmt():\n    pass\n" + "".join(f"X{i} = {i}\n" for i in range(400))
    project = app(tmp_path, {
        "app/__init__.py": "", "app/helpers.py": helpers,
        "app/routers/__init__.py": "",
        "app/routers/r.py": "from fastapi import APIRouter\nfrom app.helpers import nope\n\n"
                            "router = APIRouter()\n"})
    default = json.loads(routerlint("scan", project, "--format", "json").stdout)
    assert {d["code"] for d in default["diagnostics"]} == {"RL202"}  # names read: nope is missing
    with open(project / "pyproject.toml", "a") as handle:
        handle.write("\n[tool.routerlint]\nmax-file-kb = 1\n")
    small = json.loads(routerlint("scan", project, "--format", "json").stdout)
    assert small["diagnostics"] == []  # above the limit: names unknown, never a false alarm
    (project / "pyproject.toml").write_text('[project]\nname = "t"\n[tool.routerlint]\n'
                                            'max-file-kb = "big"\n')
    one_line_error(routerlint("scan", project))


def test_a_reader_that_leaves_early_is_no_internal_error(monkeypatch, capsys):
    """`routerlint rules | head -1`: the pipe closes under us; quiet, exit 141 like SIGPIPE."""
    import io
    import os

    import pytest

    from routerlint import cli

    read, write = os.pipe()
    os.close(read)  # the reader is gone: every write raises BrokenPipeError
    saved = os.dup(1)
    monkeypatch.setattr("sys.stdout", io.TextIOWrapper(os.fdopen(write, "wb"),
                                                       write_through=True))
    try:
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["rules"])
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    assert exit_info.value.code == 141
    assert "internal error" not in capsys.readouterr().err
