"""Where the app starts and which modules are routers, read from the facts."""

from __future__ import annotations

from typing import Callable, Collection, Dict, Optional

from routerlint.runtime.fastapi_classes import APP, ROUTER, Kinds
from routerlint.facts.model import Assign, Call, FunctionDef, ModuleFacts, body_search, derived
from routerlint.facts.imports import Modules


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
                 creates: Optional[Callable[[str], bool]] = None) -> Optional[str]:
    """The module the app starts from: --app, else one creating `FastAPI()` (at top level or
    through a local factory it calls) that no other module imports (`loaded`: the modules an
    internal one imports at load time), preferring `main`. `creates(name)`, when given,
    answers creates_app for a module (the daemon keeps it)."""
    if app:
        return app.partition(":")[0]
    if creates is None:
        candidates = [name for name, (_, facts) in modules.items()
                      if creates_app(facts, kinds, name)]
    else:
        candidates = [name for name in modules if creates(name)]
    if not candidates:
        return None

    def rank(name: str):
        return (name in loaded, not name.rpartition(".")[2] in ("main", "app", "asgi"),
                name.count("."), name)

    return min(candidates, key=rank)
