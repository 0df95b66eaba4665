"""runtime/stored_graph.py and stored_roles.py: a fresh process takes the module graph's and
the FastAPI class model's answers from the cache only when the pass would find the same, and
does take them after an edit the pass does not read (else it saves nothing). Each run below
is a new Cache and new facts, as in a new process; the answers are compared with the pass run
from scratch."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from helpers import EXAMPLES_DIR, FIXTURES_DIR, copy_fixture, random_edit
from routerlint.engine import Options, analyze
from routerlint.facts.cache import Cache
from routerlint.facts.pool import Scanner
from routerlint.project.discover import Project, SourceFile
from routerlint.reporters.formats import to_json
from routerlint.runtime import graph, stored_graph, stored_roles
from routerlint.runtime.fastapi_classes import Kinds
from routerlint.runtime.kept import module_roles

FILES = {
    "app/__init__.py": "",
    "app/main.py": "from fastapi import FastAPI\n\nimport app.env.config\nfrom app import users\n"
                   "\napp = FastAPI()\n",
    "app/users.py": "from app import models\n\n\ndef later():\n    import app.lazy\n",
    "app/models.py": "X = 1\n",
    "app/lazy.py": "",
}
TARGET = (3, 11)


@pytest.fixture
def reuses(monkeypatch):
    """How many times stored answers were taken, per pass."""
    count = {}
    for module in (stored_graph, stored_roles):
        def counting(*args, _real=module._reuse, _name=module.__name__, **kwargs):
            found = _real(*args, **kwargs)
            count[_name] = count.get(_name, 0) + (found is not None)
            return found

        monkeypatch.setattr(module, "_reuse", counting)
    return count


@pytest.fixture
def builds(monkeypatch):
    """How many times the graph was really built."""
    count = [0]
    real = graph.build_graph

    def counting(*args, **kwargs):
        count[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(stored_graph, "build_graph", counting)
    return count


def _write(root: Path, files) -> None:
    for rel, text in files.items():
        path = root / rel
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _run(root: Path, given, roots=None):
    """(loaded, module names in order) as a new process finds them through the cache, and
    the same from a graph built from scratch."""
    project = Project(root, roots or [root])
    sources = [SourceFile(root / rel, rel, rel[:-3].replace("/", ".").removesuffix(".__init__"),
                          rel.endswith("__init__.py")) for rel in given]
    scanner = Scanner(TARGET, Cache(root, TARGET))
    modules = {s.module: (s, f) for s, f in zip(sources, scanner.scan_many(sources))}
    loaded = stored_graph.module_graph(scanner.cache, project, modules, scanner, scanner.files)
    fresh = {s.module: (s, f) for s, f in zip(sources, Scanner(TARGET).scan_many(sources))}
    built = graph.internally_loaded(graph.build_graph(project, fresh, Scanner(TARGET)))
    return (loaded, list(modules)), (built, list(fresh))


GIVEN = ["app/__init__.py", "app/main.py", "app/users.py", "app/lazy.py"]  # models: located


def test_kept_until_an_import_a_lookup_or_a_located_file_changes(tmp_path, builds):
    _write(tmp_path, FILES)
    steps = [  # (edit, built again?)
        ({}, True),  # the first run
        ({}, False),
        ({"app/main.py": FILES["app/main.py"] + "X = 2\n"}, False),  # no import changed
        ({"app/users.py": FILES["app/users.py"] + "    return 1\n"}, False),
        ({"app/models.py": "Y = 2\n"}, False),  # a located file, its imports the same
        ({"app/main.py": FILES["app/main.py"].replace("from app import users", "")}, True),
        ({"app/main.py": FILES["app/main.py"]}, True),
        ({"app/env/__init__.py": "", "app/env/config.py": ""}, True),  # a lookup finds it now
        ({"app/env/config.py": "import app.lazy\n"}, True),  # a located file's imports
        ({"app/users.py": FILES["app/users.py"].replace("def later():\n    ", "")}, True),
        ({"app/env/config.py": None}, True),  # gone: the lookup finds nothing again
        ({}, False),
        ({"app/main.py": FILES["app/main.py"] + "import extra.tools\n"}, True),
        ({}, False),
        ({"extra/__init__.py": "", "extra/tools.py": ""}, True),  # a new top-level package
        ({}, False),
    ]
    for number, (edit, rebuilt) in enumerate(steps):
        _write(tmp_path, edit)
        before = builds[0]
        through_cache, from_scratch = _run(tmp_path, GIVEN)
        assert through_cache == from_scratch, f"step {number}: {edit}"
        assert (builds[0] > before) == rebuilt, f"step {number}: {edit}"
    assert "app.models" in through_cache[1] and "app.env" in through_cache[1]


def test_other_roots_or_modules_or_a_damaged_entry_build_again(tmp_path, builds):
    _write(tmp_path, FILES)
    _run(tmp_path, GIVEN)
    assert builds[0] == 1
    through_cache, from_scratch = _run(tmp_path, GIVEN, roots=[tmp_path, tmp_path / "app"])
    assert through_cache == from_scratch and builds[0] == 2
    through_cache, from_scratch = _run(tmp_path, GIVEN[:-1])
    assert through_cache == from_scratch and builds[0] == 3
    for entry in (tmp_path / ".routerlint_cache").glob("facts-*/*/*.json"):
        text = entry.read_text()
        if '"given"' in text:
            entry.write_text(text.replace('"given"', '"giver"'))
    through_cache, from_scratch = _run(tmp_path, GIVEN[:-1])
    assert through_cache == from_scratch and builds[0] == 4
    _run(tmp_path, GIVEN[:-1])
    assert builds[0] == 4


BASE = "from fastapi import APIRouter\n\n\nclass Router(APIRouter):\n    pass\n\n\n" \
       "def make():\n    return APIRouter()\n"
ROLE_FILES = {
    "app/__init__.py": "",
    "app/base.py": BASE,
    "app/users.py": "from app.base import Router\n\nrouter = Router()\n",
    "app/items.py": "from app.base import make\n\nrouter = make()\n",
    "app/plugins.py": "from lib import Versioned\n\nrouter = Versioned()\n",
    "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
}


def _library(router: bool):
    """An installed `lib` whose Versioned class subclasses APIRouter, or does not."""
    shape = ({"APIRouter": "fastapi.APIRouter"}, {"Versioned": ["APIRouter"] if router else []})
    return lambda module: shape if module == "lib" else None


@pytest.fixture
def kinds_built(monkeypatch):
    """How many times Kinds really ran its rounds."""
    count = [0]
    real = Kinds.__init__

    def counting(self, *args, **kwargs):
        count[0] += 1
        real(self, *args, **kwargs)

    monkeypatch.setattr(Kinds, "__init__", counting)
    return count


def _roles(root: Path, library):
    """(classes, routers, creates) as a new process finds them through the cache, and the
    same from scratch."""
    sources = [SourceFile(root / rel, rel, rel[:-3].replace("/", ".").removesuffix(".__init__"),
                          rel.endswith("__init__.py")) for rel in sorted(ROLE_FILES)]
    scanner = Scanner(TARGET, Cache(root, TARGET))
    results = []
    for cache in (scanner.cache, None):
        facts = scanner.scan_many(sources) if cache else Scanner(TARGET).scan_many(sources)
        modules = {s.module: (s, f) for s, f in zip(sources, facts)}
        roles = module_roles(None, str(root), modules, _library(True) if library else
                             _library(False), cache, scanner.files)
        results.append(({m: c for m, c in roles.kinds.classes.items() if c}, roles.routers,
                        sorted(name for name in modules if roles.creates(name))))
    return results


def test_roles_kept_until_a_class_a_factory_or_a_library_answer_changes(tmp_path,
                                                                        kinds_built):
    _write(tmp_path, ROLE_FILES)
    users = ROLE_FILES["app/users.py"]
    steps = [  # (edit, the library's Versioned a router?, Kinds run again?)
        ({}, True, True),  # the first run
        ({}, True, False),
        ({"app/users.py": "\n\n" + users}, True, False),  # its router's line moves
        ({"app/base.py": BASE + "\n\ndef other():\n    return 1\n"}, True, True),
        ({"app/base.py": BASE.replace("    return APIRouter()", "    x = 1\n    return "
                                      "APIRouter()")}, True, True),  # a body Kinds reads
        ({"app/main.py": ROLE_FILES["app/main.py"] + "X = 1\n"}, True, False),
        ({"app/base.py": BASE.replace("class Router(APIRouter)", "class Router")}, True, True),
        ({"app/base.py": BASE}, True, True),
        ({}, False, True),  # the library's answer changed
        ({"app/items.py": "from app.base import make\n\nrouter = make()\nother = 2\n"},
         False, False),
    ]
    for number, (edit, library, rebuilt) in enumerate(steps):
        _write(tmp_path, edit)
        before = kinds_built[0]
        through_cache, from_scratch = _roles(tmp_path, library)
        assert through_cache == from_scratch, f"step {number}: {edit}"
        assert (kinds_built[0] > before + 1) == rebuilt, f"step {number}: {edit}"
    assert through_cache[1] == {"app.items": 3, "app.users": 5}  # the moved line


def _report(root: Path, cache: bool) -> dict:
    out = json.loads(to_json(analyze(Options(paths=[str(root)], jobs=1, cache=cache))))
    out["summary"].pop("seconds")
    return out


# Edits the stored passes do not read (a new constant) weigh more here: each must be taken.
EDITS = ("name", "name", "name", "import", "missing-name", "syntax", "restore", "new-router",
         "delete", "def", "router-class")


# Seeds whose sequences include a router class added to a module with no router (a model the
# stored roles must not keep): backend 4 and 6, the monorepo's 4.
@pytest.mark.parametrize("app,seed", [("examples/backend", 1), ("examples/backend", 4),
                                      ("examples/backend", 6), ("fixtures/monorepo_backend", 4)])
def test_reports_through_the_stored_graph_equal_uncached_ones_after_every_edit(
        tmp_path, reuses, app, seed):
    base = {"examples": EXAMPLES_DIR, "fixtures": FIXTURES_DIR}[app.split("/")[0]]
    root = copy_fixture(base / app.split("/")[1], tmp_path)
    originals = {p: p.read_text() for p in root.rglob("*.py")}
    rng = random.Random(seed)
    done = []
    for step in range(10):
        cached = _report(root, cache=True)
        assert cached == _report(root, cache=False), f"after: {done}"
        done.append(random_edit(root, rng, step, originals, EDITS))
    # the stored answers of both passes were really taken, and the reports still agreed
    assert len(reuses) == 2 and min(reuses.values()) >= 1, (reuses, done)
