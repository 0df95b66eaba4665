"""runtime/kept.py: the daemon takes last run's graph and Kinds only when a fresh pass would
find the same, and does take them after an edit those passes do not read (else it saves
nothing). test_daemon.py compares whole reports; these look at the passes themselves."""

from __future__ import annotations

from pathlib import Path

from routerlint.facts.model import from_json, to_json
from routerlint.facts.pool import Memory
from routerlint.facts.scanner import scan_source
from routerlint.project.discover import Project, SourceFile
from routerlint.runtime.apps import router_modules
from routerlint.runtime.fastapi_classes import Kinds
from routerlint.runtime.graph import build_graph
from routerlint.runtime.kept import module_graph, module_roles

BASE = "from fastapi import APIRouter\n\n\ndef make():\n    return APIRouter()\n"
USER = "from app.base import make\n\nrouter = make()\n"
VERSIONED = "from lib import Versioned\n\nrouter = Versioned()\n"


def _modules(root: Path, files):
    """name -> (SourceFile, facts decoded from JSON, as every run gets them)."""
    modules = {}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        name = rel[:-3].replace("/", ".").removesuffix(".__init__")
        facts = from_json(to_json(scan_source(text.encode(), str(path))))
        modules[name] = (SourceFile(path, rel, name, rel.endswith("__init__.py")), facts)
    return modules


def _library(router: bool):
    """An installed `lib` whose Versioned class subclasses APIRouter, or nothing."""
    shape = ({"APIRouter": "fastapi.APIRouter"}, {"Versioned": ["APIRouter"] if router else []})
    return lambda module: shape if module == "lib" else None


def _fresh(modules, library):
    kinds = Kinds(modules, library)
    return kinds.classes, router_modules(modules, kinds)


def test_a_body_edit_keeps_kinds_and_a_new_library_answer_does_not(tmp_path):
    memory = Memory()
    files = {"app/__init__.py": "", "app/base.py": BASE, "app/users.py": USER,
             "app/versioned.py": VERSIONED}
    first = module_roles(memory, str(tmp_path), _modules(tmp_path, files), _library(True))
    assert first.routers == {"app.users": 3, "app.versioned": 3}

    memory.begin()  # a body edit: the same classes, bases and returns
    edited = _modules(tmp_path, {**files, "app/base.py": BASE.replace(
        "    return", "    print('hi')\n    return")})
    again = module_roles(memory, str(tmp_path), edited, _library(True))
    assert again.kinds.classes is first.kinds.classes  # taken, not computed
    assert (again.kinds.classes, again.routers) == _fresh(edited, _library(True))

    memory.begin()  # the library's class is no router any more: Kinds runs again
    changed = module_roles(memory, str(tmp_path), edited, _library(False))
    assert (changed.kinds.classes, changed.routers) == _fresh(edited, _library(False))
    assert changed.routers == {"app.users": 3}

    memory.begin()  # a function now returns something else
    other = _modules(tmp_path, {**files, "app/base.py": BASE.replace("APIRouter()", "dict()")})
    last = module_roles(memory, str(tmp_path), other, _library(True))
    assert (last.kinds.classes, last.routers) == _fresh(other, _library(True)) \
        and last.routers == {"app.versioned": 3}


def test_the_graph_is_kept_until_an_import_or_a_located_file_changes(tmp_path):
    memory = Memory()
    files = {"app/__init__.py": "", "app/main.py": "import app.env.config\nX = 1\n"}
    project = Project(tmp_path, [tmp_path])
    modules = _modules(tmp_path, files)
    graph = module_graph(memory, project, modules, lambda source: None)
    assert "app.env.config" not in modules

    memory.begin()  # not an import: the same graph
    modules = _modules(tmp_path, {**files, "app/main.py": "import app.env.config\nX = 2\n"})
    assert module_graph(memory, Project(tmp_path, [tmp_path]), modules,
                        lambda source: None) is graph

    memory.begin()  # the module it looked for now exists, though no file list shows it
    located = _modules(tmp_path, {"app/env/__init__.py": "", "app/env/config.py": "Y = 1\n"})
    modules = _modules(tmp_path, files)
    scan = lambda source: located[source.module][1]  # noqa: E731
    again = module_graph(memory, Project(tmp_path, [tmp_path]), modules, scan)
    assert again is not graph and {"app.env", "app.env.config"} <= set(modules)

    memory.begin()  # kept again: the located modules come back, scanned as building would
    modules = _modules(tmp_path, files)
    assert module_graph(memory, Project(tmp_path, [tmp_path]), modules, scan) is again
    fresh = _modules(tmp_path, files)
    build_graph(Project(tmp_path, [tmp_path]), fresh, scan)
    assert list(modules.items()) == list(fresh.items())
