"""The report cache never lies: after each edit — sources, dependency declarations, server
commands — a cached run says exactly what a --no-cache run says."""

from __future__ import annotations

import json
import random

from test_cli import app, routerlint

ROUTER = "from fastapi import APIRouter\n{extra}\nrouter = APIRouter()\n"


def _report(project, *extra):
    done = routerlint("scan", ".", "--format", "json", *extra, cwd=project)
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(done.stdout)
    data["summary"].pop("seconds")
    return data


def _same(project):
    cached = _report(project)
    assert cached == _report(project), "a warm run differs from the run that filled the cache"
    assert cached == _report(project, "--no-cache"), "the cached report is stale"


def _edits(project):
    pyproject = project / "pyproject.toml"
    yield lambda: pyproject.write_text(
        '[project]\nname = "t"\nversion = "0"\ndependencies = ["fastapi"]\n')
    yield lambda: (project / "app/routers/items.py").write_text(
        ROUTER.format(extra="import sqlalchemy\n"))
    yield lambda: pyproject.write_text(
        '[project]\nname = "t"\nversion = "0"\ndependencies = ["fastapi", "sqlalchemy"]\n')
    yield lambda: (project / "requirements.txt").write_text("fastapi\n-r requirements/base.txt\n")
    yield lambda: (project / "requirements").mkdir(exist_ok=True) or (
        project / "requirements/base.txt").write_text("sqlalchemy\n")
    yield lambda: (project / "requirements").mkdir(exist_ok=True) or (
        project / "requirements/base.txt").write_text("# nothing\n")
    yield lambda: (project / "Dockerfile").write_text('CMD ["uvicorn", "app.main:app"]\n')
    yield lambda: (project / "Dockerfile").write_text('CMD ["uvicorn", "app.other:app"]\n')
    yield lambda: (project / "app/routers/items.py").rename(project / "app/routers/goods.py")
    yield lambda: (project / "requirements.txt").unlink(missing_ok=True)


def test_cached_report_follows_every_edit(tmp_path):
    project = app(tmp_path, {
        "app/__init__.py": "", "app/routers/__init__.py": "",
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "app/other.py": "from fastapi import FastAPI\n\nfrom app.routers import items\n\n"
                        "app = FastAPI()\n",
        "app/routers/items.py": ROUTER.format(extra="")})
    _same(project)
    for edit in _edits(project):
        edit()
        _same(project)


def test_cached_report_follows_random_edit_sequences(tmp_path):
    rng = random.Random(20261126)
    for attempt in range(2):
        (tmp_path / str(attempt)).mkdir()
        project = app(tmp_path / str(attempt), {
            "app/__init__.py": "", "app/routers/__init__.py": "",
            "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "app/other.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "app/routers/items.py": ROUTER.format(extra="")})
        edits = list(_edits(project))
        _same(project)
        for index in sorted(rng.sample(range(len(edits)), 4)):
            edits[index]()
            _same(project)
