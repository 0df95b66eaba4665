"""RL204 undeclared-dependency: third-party imports compared with what the project declares
(PEP 621, Poetry, requirements*.txt), mapped through installed metadata and the built-in table."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from helpers import FIXTURES_DIR, copy_fixture
from miniapp import run

ROUTER = """\
import os
import json as _json
from typing import TYPE_CHECKING

import yaml
import requests
from fastapi import APIRouter
from PIL import Image
from opentelemetry.exporter.prometheus import PrometheusMetricReader

from . import helpers

try:
    import ujson
except ImportError:
    ujson = None

if TYPE_CHECKING:
    import boto3

router = APIRouter()


@router.get("/")
def index():
    import bleach
    return {}
"""


def _project(root: Path, pyproject: str, files: dict = None) -> Path:
    (root / "app" / "routers").mkdir(parents=True)
    (root / "pyproject.toml").write_text(textwrap.dedent(pyproject))
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "routers" / "__init__.py").write_text("")
    (root / "app" / "routers" / "helpers.py").write_text("X = 1\n")
    (root / "app" / "routers" / "api.py").write_text(ROUTER)
    for rel, text in (files or {}).items():
        (root / rel).write_text(textwrap.dedent(text))
    return root


def _rl204(root: Path, *args: str) -> list:
    proc = run(root, str(root), "--format", "json", "--no-cache", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return [d for d in json.loads(proc.stdout)["diagnostics"] if d["code"] == "RL204"]


def _symbols(found: list) -> list:
    """The import each finding names (its first quoted word)."""
    return [d["message"].split("'")[1] for d in found]


def test_pep621_reports_undeclared_at_the_import_line(tmp_path):
    _project(tmp_path, """\
        [project]
        name = "demo"
        version = "0"
        dependencies = ["fastapi>=0.110", "PyYAML>=6", "Pillow; python_version >= '3.9'"]
        """)
    found = _rl204(tmp_path)
    # yaml (PyYAML) and PIL (Pillow) map through the table; stdlib, internal, guarded and
    # TYPE_CHECKING imports are never reported; the lazy `import bleach` is
    assert _symbols(found) == ["requests", "opentelemetry.exporter.prometheus", "bleach"]
    first = found[0]
    assert (first["path"], first["line"], first["column"]) == ("app/routers/api.py", 6, 1)
    assert first["severity"] == "warning" and first["name"] == "undeclared-dependency"
    assert "'requests'" in first["message"] and "pyproject.toml" in first["message"]
    otel = found[1]
    assert "'opentelemetry-exporter-prometheus'" in otel["message"]
    assert found[2]["line"] == 26 and found[2]["column"] == 5


def test_optional_dependencies_and_poetry_groups_count(tmp_path):
    _project(tmp_path, """\
        [tool.poetry]
        name = "demo"

        [tool.poetry.dependencies]
        python = "^3.11"
        fastapi = "*"
        pyyaml = "*"
        requests = "*"

        [tool.poetry.group.ml.dependencies]
        pillow = "*"
        opentelemetry-exporter-prometheus = "*"
        bleach = "*"
        """)
    assert _rl204(tmp_path) == []


def test_requirements_txt_is_named_as_the_place_to_declare(tmp_path):
    _project(tmp_path, '[project]\nname = "demo"\nversion = "0"\n', {
        "requirements.txt": """\
            # runtime
            fastapi==0.115.0
            PyYAML==6.0.1  # config files
            -r requirements-ml.txt
            """,
        "requirements-ml.txt": "pillow\nopentelemetry-exporter-prometheus\n",
    })
    found = _rl204(tmp_path)
    assert _symbols(found) == ["requests", "bleach"]
    assert all(d["message"].endswith("to requirements.txt") for d in found)


def test_vcs_url_and_included_requirement_lines(tmp_path):
    """`#egg=` names a VCS or URL requirement (without one, nothing is declared, never a
    package called `git`); `name @ url` is PEP 508; `-r` includes are followed anywhere in
    the project."""
    (tmp_path / "deps").mkdir()
    _project(tmp_path, '[project]\nname = "demo"\nversion = "0"\n', {
        "requirements.txt": """\
            fastapi
            -e git+https://github.com/yaml/pyyaml.git@6.0.1#egg=PyYAML
            git+https://github.com/example/unnamed.git
            pillow @ https://files.example.org/pillow-10.0.tar.gz
            --requirement deps/observability.txt
            """,
        "deps/observability.txt": "opentelemetry-exporter-prometheus  # metrics\n",
    })
    assert _symbols(_rl204(tmp_path)) == ["requests", "bleach"]
    from routerlint.project.dependencies import declarations
    assert "git" not in declarations(tmp_path).names


def test_silent_when_nothing_is_declared(tmp_path):
    _project(tmp_path, '[project]\nname = "demo"\nversion = "0"\n')
    assert _rl204(tmp_path) == []


def test_select_and_ignore(tmp_path):
    _project(tmp_path, """\
        [project]
        name = "demo"
        version = "0"
        dependencies = ["fastapi"]

        [tool.routerlint]
        select = ["RL204"]
        """)
    proc = run(tmp_path, str(tmp_path), "--format", "json", "--no-cache")
    assert proc.returncode == 0, proc.stderr  # RL204 is a warning: it fails nothing by default
    assert {d["code"] for d in json.loads(proc.stdout)["diagnostics"]} == {"RL204"}
    strict = run(tmp_path, str(tmp_path), "--no-cache", "--fail-on", "warning")
    assert strict.returncode == 1, strict.stderr
    assert _rl204(tmp_path, "--ignore", "RL204") == []
    assert _rl204(tmp_path, "--select", "RL2", "--ignore", "RL20") == []
    assert len(_rl204(tmp_path, "--select", "RL20")) == 5


def test_import_name_from_installed_metadata(tmp_path, target_envs):
    """acme-daggerish installs `daggerish` (its wheel has no top_level.txt: the mapping comes
    from RECORD). Declared, `import daggerish` is silent; undeclared, RL204 names the
    installed distribution. `import dagger` is not declared (dagger-io, from the table)."""
    python = target_envs("thirdparty")
    copy = copy_fixture(FIXTURES_DIR / "thirdparty_env", tmp_path)
    found = _rl204(copy, "--python", python)
    assert [(d["path"], d["message"].split("'")[1]) for d in found] == [
        ("app/routers/ci.py", "dagger")]
    assert "add 'dagger-io' to pyproject.toml" in found[0]["message"]

    text = (copy / "pyproject.toml").read_text().replace(', "acme-daggerish"', "")
    (copy / "pyproject.toml").write_text(text)
    found = {d["message"].split("'")[1]: d for d in _rl204(copy, "--python", python)}
    assert sorted(found) == ["dagger", "daggerish"]
    assert "add 'acme-daggerish'" in found["daggerish"]["message"]


def test_baseline_symbol_is_the_import_name(tmp_path):
    _project(tmp_path, '[project]\nname = "demo"\nversion = "0"\ndependencies = ["fastapi"]\n')
    baseline = tmp_path / "baseline.json"
    proc = run(tmp_path, str(tmp_path), "--select", "RL204", "--write-baseline", str(baseline))
    assert proc.returncode == 0, proc.stderr
    entries = json.loads(baseline.read_text())["findings"]
    assert sorted(e["symbol"] for e in entries) == [
        "PIL", "bleach", "opentelemetry.exporter.prometheus", "requests", "yaml"]
    (tmp_path / "app" / "routers" / "api.py").write_text("\n\n" + ROUTER)  # lines move
    proc = run(tmp_path, str(tmp_path), "--select", "RL204", "--baseline", str(baseline))
    assert proc.returncode == 0, proc.stdout


def test_transitive_dependency_names_the_declared_one_that_installs_it(tmp_path):
    """`starlette` is importable only because the declared `fastapi` requires it (read from
    fastapi's installed METADATA): the message says so, as deptry's DEP003 does."""
    _project(tmp_path, """\
        [project]
        name = "demo"
        version = "0"
        dependencies = ["fastapi"]
        """, {"app/routers/plain.py": "from starlette.requests import Request\n"
                                      "import requests\n"})
    found = {d["message"].split("'")[1]: d["message"]
             for d in _rl204(tmp_path) if d["path"] == "app/routers/plain.py"}
    assert "installed only because 'fastapi' requires it" in found["starlette.requests"]
    assert "add 'starlette' to pyproject.toml" in found["starlette.requests"]
    assert "installed only because" not in found["requests"]  # fastapi does not need it
