"""How routerlint finds the app's shape from the command line: one-file scans, inferred and
declared source roots (said with -v), and no `pip install` advice for names the tree holds."""

from __future__ import annotations

import json
import sys

from test_cli import app, routerlint

SHARED = "from app.models import Missing\n"
ROUTER = "from fastapi import APIRouter\n{imports}\nrouter = APIRouter()\n"


def _two_routers(tmp_path):
    return app(tmp_path, {
        "app/__init__.py": "", "app/models.py": "class User:\n    pass\n",
        "app/routers/__init__.py": "",
        "app/routers/good.py": ROUTER.format(imports="from app.models import User\n"),
        "app/routers/bad.py": ROUTER.format(imports=SHARED),
    })


def test_one_file_is_judged_in_its_project(tmp_path):
    project = _two_routers(tmp_path)
    good = routerlint("scan", "app/routers/good.py", "--format", "json", "--no-cache",
                      cwd=project)
    report = json.loads(good.stdout)
    assert good.returncode == 0, good.stdout
    assert [r["module"] for r in report["routers"]] == ["app.routers.good"]
    assert report["routers"][0]["loads"] and report["diagnostics"] == []
    bad = routerlint("scan", "app/routers/bad.py", "--format", "json", "--no-cache",
                     cwd=project)
    report = json.loads(bad.stdout)
    assert bad.returncode == 1
    assert {d["path"] for d in report["diagnostics"]} == {"app/routers/bad.py"}
    assert report["routers"][0]["cause"]["code"] == "RL202"


def _monorepo(tmp_path):
    (tmp_path / ".git").mkdir()
    files = {"backend/requirements.txt": "fastapi\n", "backend/app/__init__.py": "",
             "backend/app/models.py": "class User:\n    pass\n",
             "backend/app/routers/__init__.py": "",
             "backend/app/routers/users.py": ROUTER.format(imports="from app.models import User\n"),
             "backend/app/main.py": ("from fastapi import FastAPI\n\nfrom app.routers import users\n"
                                     "\napp = FastAPI()\napp.include_router(users.router)\n")}
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_monorepo_root_is_inferred_from_any_starting_point(tmp_path):
    repo = _monorepo(tmp_path)
    for cwd, target in ((repo, "."), (repo / "backend", "."), (repo / "backend", "app"),
                        (repo, "backend/app/routers/users.py")):
        done = routerlint("scan", target, "--format", "json", "--no-cache", "-v", cwd=cwd)
        report = json.loads(done.stdout)
        assert done.returncode == 0, (cwd, target, done.stdout)
        assert [r["module"] for r in report["routers"]] == ["app.routers.users"], (cwd, target)
        assert report["diagnostics"] == []


def test_the_inferred_root_is_said_with_verbose(tmp_path):
    done = routerlint("scan", ".", "--no-cache", "-v", cwd=_monorepo(tmp_path))
    assert "source root inferred: backend (the code imports 'app'" in done.stderr


def test_no_pip_install_advice_for_a_name_in_the_tree(tmp_path):
    repo = _monorepo(tmp_path)
    # Two folders named `app`: ambiguous, so no root is inferred, and the advice says where
    # the name lives instead of suggesting `pip install app`.
    (repo / "frontend_api" / "app").mkdir(parents=True)
    (repo / "frontend_api" / "app" / "__init__.py").write_text("")
    (repo / "frontend_api" / "app" / "views.py").write_text("from app import views\n")
    done = routerlint("scan", ".", "--no-cache", cwd=repo)
    assert "pip install app" not in done.stdout
    assert "exists in this project at" in done.stdout


def test_a_dockerfile_names_the_app_and_its_root(tmp_path):
    repo = _monorepo(tmp_path)
    (repo / "backend" / "app" / "__init__.py").unlink()  # app is now a namespace folder
    (repo / "Dockerfile").write_text(
        'WORKDIR /srv\nCOPY backend/app /srv/app\nCMD ["uvicorn", "app.main:app"]\n')
    done = routerlint("scan", ".", "--format", "json", "--no-cache", "-v", cwd=repo)
    report = json.loads(done.stdout)
    assert report["app"]["module"] == "app.main", done.stderr
    assert "named by Dockerfile:3" in done.stderr


def test_app_option_naming_a_factory_function_runs_it_as_uvicorn_does(tmp_path):
    """`--app app.factory:create_app` names a function: uvicorn calls it ("ASGI app factory
    detected") even without --factory, so start-up runs its lazy router imports; naming
    the module alone imports it, and each router is then judged alone."""
    from helpers import FIXTURES_DIR, copy_fixture

    project = copy_fixture(FIXTURES_DIR / "app_uvicorn_factory", tmp_path)
    (project / "Procfile").unlink()  # no server command: only --app says how it starts
    outcomes = {}
    for option in ("app.factory:create_app", "app.factory"):
        done = routerlint("scan", "--app", option, "--format", "json", "--no-cache",
                          "--python", sys.executable, cwd=project)
        report = json.loads(done.stdout)
        outcomes[option] = {r["module"]: (r["loads"], r["alone"]) for r in report["routers"]}
    assert outcomes["app.factory:create_app"] == {"app.routers.items": (True, False),
                                                  "app.routers.users": (False, False)}
    assert outcomes["app.factory"] == {"app.routers.items": (True, True),
                                       "app.routers.users": (False, True)}
