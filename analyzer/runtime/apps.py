"""Where the app starts and which modules are routers, read from the facts."""

from __future__ import annotations

from typing import Callable, Collection, Dict, Optional, Tuple

from routerlint.runtime.fastapi_classes import APP, ROUTER, Kinds
from routerlint.facts.model import (Assign, Call, DynamicImport, FunctionDef, Import,
                                    ModuleFacts, body_may_contain, body_search, derived,
                                    module_lacks, walk_events)
from routerlint.facts.imports import Modules, absolute, package_of


def creates_app(facts: ModuleFacts, kinds: Optional[Kinds] = None,
                module: Optional[str] = None) -> bool:
    """`app = FastAPI()` (or a FastAPI subclass, under any alias) at top level, or a call at
    top level of a local factory that does."""
    if derived(facts, "creates FastAPI()", lambda: _creates_by_name(facts)):
        return True
    return kinds is not None and module is not None and bool(kinds.first_assign(module, APP))


def _creates_by_name(facts: ModuleFacts) -> bool:
    """`FastAPI()` at top level, or a call of a local factory that makes one (from the
    module's facts alone, so computed once per content)."""
    if top_assign(facts, "FastAPI") is not None:
        return True
    may_create = body_search(facts, "FastAPI")
    factories = {e.name for e in facts.events
                 if isinstance(e, FunctionDef) and may_create(e) and _creates_inside(e.body)}
    return any(isinstance(e, (Assign, Call)) and
               ((e.call if isinstance(e, Assign) else e.func) or "") in factories
               for e in facts.events)


def _creates_inside(events) -> bool:
    for event in events:
        if isinstance(event, Assign) and (event.call or "").rpartition(".")[2] == "FastAPI":
            return True
        for attr in ("body", "orelse", "finalbody", "handlers"):
            if _creates_inside(getattr(event, attr, ()) or ()):
                return True
    return False


def top_assign(facts: ModuleFacts, callee: str) -> Optional[Assign]:
    for event in facts.events:
        if isinstance(event, Assign) and (event.call or "").rpartition(".")[2] == callee:
            return event
    return None


def is_factory(facts: ModuleFacts, name: str) -> bool:
    """Is `name` a top-level function uvicorn would call for the app: one taking no
    positional parameters, or one that creates `FastAPI()` (a raw ASGI function takes three)."""
    return any(isinstance(e, FunctionDef) and e.name == name
               and (not e.params or _creates_inside(e.body)) for e in facts.events)


def router_modules(modules: Modules, kinds: Kinds) -> Dict[str, int]:
    """Router module -> line of its first top-level router: `x = APIRouter(...)` under any
    spelling or alias, or an instance of a project subclass of it."""
    found = {}
    for name, (_, facts) in sorted(modules.items()):
        lines = [a.line for a in (top_assign(facts, "APIRouter"), kinds.first_assign(name, ROUTER))
                 if a is not None]
        if lines:
            found[name] = min(lines)
    return found


def entry_module(app: Optional[str], modules: Modules, loaded: Collection[str],
                 kinds: Optional[Kinds] = None,
                 creates: Optional[Callable[[str], bool]] = None,
                 routers: Collection[str] = ()) -> Tuple[Optional[str], Optional[str]]:
    """(the module the app starts from, the factory start-up calls in it or None): --app;
    else one creating `FastAPI()` at import time (at top level or through a local factory it
    calls) that no other module imports (`loaded`: the modules an internal one imports at load
    time), preferring `main`. When there is none, or it is a helper's own server that serves no
    router (a CLI's login callback), the module whose function creates the app, that includes
    routers and imports the most of the `routers` modules, started as `uvicorn --factory
    module:function` would. `creates(name)`, when given, answers creates_app for a module
    (the daemon keeps it)."""
    if app:
        return app.partition(":")[0], None
    if creates is None:
        candidates = [name for name, (_, facts) in modules.items()
                      if creates_app(facts, kinds, name)]
    else:
        candidates = [name for name in modules if creates(name)]
    best = min(candidates, key=lambda name: _rank(name, loaded)) if candidates else None
    if best is None or (_serves_no_router(best, modules[best][1])
                        and not _routers_named(modules[best], routers)):
        factories = [(-named, name, function) for name, entry in modules.items()
                     for function in [_app_factory(entry[1])] if function is not None
                     for named in [_routers_named(entry, routers)] if named]
        if factories:
            _, name, function = min(factories, key=lambda f: (f[0], _rank(f[1], loaded)))
            return name, function
    return best, None


_APP_NAMES = ("main", "app", "asgi")  # what an app module is usually called


def _rank(name: str, loaded: Collection[str]):
    """Not imported by another module first, then named like an app module, then shallow."""
    return (name in loaded, not name.rpartition(".")[2] in _APP_NAMES, name.count("."), name)


_SERVING = ("include_router", "mount")
_FACTORY_NAMES = ("create_app", "make_app", "build_app", "app_factory")


def _serves_no_router(name: str, facts: ModuleFacts) -> bool:
    """An app made by `FastAPI()` at top level of a module not named like the app's, that
    includes and mounts nothing and is handed to no call: a helper's own small server, not
    the app routers belong to. Any doubt (a subclass, a factory, `setup(app)`, `main.py`)
    keeps it the app."""
    made = top_assign(facts, "FastAPI")
    if made is None or name.rpartition(".")[2] in _APP_NAMES:
        return False
    names = set(made.names)
    for event in walk_events(facts.events, body_search(facts, *_SERVING)):
        if isinstance(event, Call) and (event.func.rpartition(".")[2] in _SERVING
                                        or names.intersection(event.args)):
            return False
        if isinstance(event, Assign) and names.intersection(event.call_args):
            return False
    return True


def _app_factory(facts: ModuleFacts) -> Optional[str]:
    """The module's function that creates the app, when the module includes routers: one
    named `create_app` (or alike), else one no other function of the module calls, the last
    defined (a factory composing sub-apps comes after them)."""
    if module_lacks(facts, "FastAPI") or module_lacks(facts, "include_router"):
        return None
    makers = [e for e in facts.events if isinstance(e, FunctionDef)
              and body_may_contain(e, "FastAPI") and _creates_inside(e.body)]
    if not makers or not any(
            isinstance(e, Call) and e.func.rpartition(".")[2] == "include_router"
            for e in walk_events(facts.events, body_search(facts, "include_router"))):
        return None
    called = {e.func if isinstance(e, Call) else e.call
              for e in walk_events(facts.events, lambda function: True)
              if isinstance(e, (Call, Assign))}
    return min(makers, key=lambda f: (f.name not in _FACTORY_NAMES, f.name in called,
                                      -f.line)).name


def _routers_named(entry, routers: Collection[str]) -> int:
    """How many router modules a module's imports (lazy ones too) name: the router itself,
    its package (`from app.routers import users`, `import app.routers`), or the literal start
    of a computed name (`import_module(f"app.routers.{name}")`)."""
    source, facts = entry
    if not routers:
        return 0
    package = package_of(source.module, source.is_package)
    named, exact, starts = set(), set(), []  # a router or its package; a router only
    for event in walk_events(facts.events, body_search(facts, '"k":"import"',
                                                        '"k":"dynamic_import"')):
        if isinstance(event, Import):
            base = absolute(package, event)
            if base and event.names is None:
                named.add(base)
            elif base:  # `from app.routers import items` names items, not users
                exact.add(base)
                named.update(f"{base}.{name}" for name, _ in event.names)
        elif isinstance(event, DynamicImport) and event.name:
            kind, value = event.name
            if kind == "lit":
                named.add(value)
            elif kind == "fmt" and value and isinstance(value[0], str):
                starts.append(value[0])
    return sum(1 for router in routers
               if router in named or router in exact or router.rpartition(".")[0] in named
               or any(router.startswith(start) for start in starts if start))
