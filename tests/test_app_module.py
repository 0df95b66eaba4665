"""Which module is the app (runtime/apps.entry_module) when nothing names it: a module creating
the app at import time, unless it is a helper's own small server and a factory that includes
the routers exists; any doubt keeps the module that creates it. (The fixture
app_factory_beside_helper_app checks the choice end to end against CPython.)"""

from __future__ import annotations

from pathlib import Path
from typing import Dict

from routerlint.facts.scanner import scan_source
from routerlint.project.discover import SourceFile
from routerlint.runtime.apps import entry_module, router_modules
from routerlint.runtime.fastapi_classes import Kinds

ROUTER = "from fastapi import APIRouter\nrouter = APIRouter()\n"
HELPER = "from fastapi import FastAPI\nlogin_api = FastAPI()\n\n@login_api.post('/ok')\ndef ok():\n    return 1\n"
FACTORY = """from fastapi import FastAPI
from app.routers import items, users


def create_app():
    app = FastAPI()
    for module in (items, users):
        app.include_router(module.router)
    return app
"""


def _modules(files: Dict[str, str]):
    modules = {}
    for rel, text in files.items():
        parts = rel[:-3].split("/")
        package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if package else parts)
        source = SourceFile(Path("/project") / rel, rel, name, package)
        modules[name] = (source, scan_source(text.encode(), rel))
    return modules


def _entry(files: Dict[str, str]):
    modules = _modules({"app/__init__.py": "", "app/routers/__init__.py": "",
                        "app/routers/items.py": ROUTER, "app/routers/users.py": ROUTER,
                        **files})
    kinds = Kinds(modules, lambda *args: None)
    return entry_module(None, modules, set(), kinds, routers=router_modules(modules, kinds))


def test_a_factory_that_includes_the_routers_wins_over_a_helpers_server():
    assert _entry({"app/cli/login.py": HELPER, "app/server.py": FACTORY}) == (
        "app.server", "create_app")


def test_a_factory_with_no_router_of_the_project_does_not():
    runner = FACTORY.replace("from app.routers import items, users\n", "").replace(
        "(items, users)", "()")
    assert _entry({"app/cli/login.py": HELPER, "app/runner.py": runner}) == (
        "app.cli.login", None)


def test_an_app_handed_to_a_call_or_including_routers_stays_the_app():
    registry = HELPER + "register_routes(login_api)\n"
    including = HELPER + "from app.routers import items\nlogin_api.include_router(items.router)\n"
    for text in (registry, including):
        assert _entry({"app/web.py": text, "app/server.py": FACTORY}) == ("app.web", None)


def test_a_main_module_stays_the_app_whatever_it_serves():
    assert _entry({"app/main.py": HELPER, "app/server.py": FACTORY}) == ("app.main", None)


def test_without_any_app_at_import_time_the_factory_naming_most_routers_is_started():
    one_router = FACTORY.replace("items, users", "items").replace("(items, )", "(items,)")
    named = FACTORY.replace("def create_app", "def build_api").replace(
        "    return app\n", "    return app\n\n\ndef create_app():\n    app = FastAPI()\n"
        "    api = build_api()\n    app.mount('/api', api)\n    return app\n")
    assert _entry({"app/small.py": one_router, "app/big/server.py": named}) == (
        "app.big.server", "create_app")
    assert _entry({"app/nothing.py": "x = 1\n"}) == (None, None)


def test_a_factory_importing_a_routers_object_names_that_router():
    factory = FACTORY.replace("from app.routers import items, users\n",
                              "from app.routers.items import router\n").replace(
        "for module in (items, users):\n        app.include_router(module.router)",
        "app.include_router(router)")
    assert "from app.routers.items import router" in factory
    assert _entry({"app/server.py": factory}) == ("app.server", "create_app")
