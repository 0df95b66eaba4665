"""Which names are FastAPI's router and app classes, by what they are rather than how they are
spelled: `APIRouter` under any alias or attribute path (`fastapi.APIRouter`,
`from fastapi import APIRouter as Router`), project classes that subclass it, directly or
through other project classes in any module (`class PrefectRouter(APIRouter)` in one module,
`router = PrefectRouter()` in thirty others), and project factories that return one
(`def create_application(...): app = FastAPI(...); ...; return app`), and classes of
installed libraries that subclass them (read from their source with `ast`). Read from the
facts, never imported.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from routerlint.facts.model import (Assign, ClassDef, FunctionDef, Import, ModuleFacts, Return,
                                    body_search, derived)
from routerlint.facts.imports import Modules, absolute, package_of

ROUTER, APP = "router", "app"
Shape = Tuple[Dict[str, str], Dict[str, List[str]]]  # (bindings, class -> bases)

# Where FastAPI (and Starlette's re-export through FastAPI) defines the two classes.
KNOWN = {
    "fastapi.APIRouter": ROUTER, "fastapi.routing.APIRouter": ROUTER,
    "fastapi.FastAPI": APP, "fastapi.applications.FastAPI": APP,
}
_BLOCKS = ("body", "orelse", "finalbody", "handlers")
_ROUNDS = 20  # subclass chains across modules resolve in as many rounds as they are long


class Kinds:
    """For each module: its top-level names bound to a router or app class, and the dotted
    targets of its imports (`Router` -> `fastapi.APIRouter`, `api` -> the module `fastapi`)."""

    def __init__(self, modules: Modules,
                 library: Optional[Callable[[str], Optional[Shape]]] = None) -> None:
        self.modules = modules
        # installed module name -> its shape (Installed.classes), None when not found
        self.library = library or (lambda module: None)
        self.targets: Dict[str, Dict[str, str]] = {}
        self.classes: Dict[str, Dict[str, str]] = {}  # module -> {class name: kind}
        for name, (source, facts) in modules.items():
            package = package_of(name, source.is_package)
            self.targets[name] = bindings(facts, package)
            self.classes[name] = {}
        for _ in range(_ROUNDS):
            if not self._round():
                break

    @classmethod
    def found(cls, modules: Modules, library: Optional[Callable[[str], Optional[Shape]]],
              targets: Dict[str, Dict[str, str]],
              classes: Dict[str, Dict[str, str]]) -> "Kinds":
        """The Kinds that `Kinds(modules, library)` would build, given what an earlier build
        over the same inputs found (runtime/kept.py proves them the same)."""
        kinds = cls.__new__(cls)
        kinds.modules, kinds.library = modules, library or (lambda module: None)
        kinds.targets, kinds.classes = targets, classes
        return kinds

    def _round(self) -> bool:
        changed = False
        # A function body is only decoded (cached bodies are lazy) when it may name one of
        # the classes or factories known so far, under any local name.
        known = {"FastAPI", "APIRouter"} | {c for found in self.classes.values() for c in found}
        for name, (_, facts) in self.modules.items():
            local = known | {alias for alias, target in self.targets[name].items()
                             if target.rpartition(".")[2] in known}
            may_make = body_search(facts, *local)
            for event in top_level(facts):
                if isinstance(event, ClassDef) and event.name not in self.classes[name]:
                    kind = next((k for k in (self.resolve(name, b) for b in event.bases if b)
                                 if k), None)
                    if kind is not None:
                        self.classes[name][event.name] = kind
                        changed = True
                elif (isinstance(event, FunctionDef) and event.name not in self.classes[name]
                      and may_make(event)):
                    kind = self._returns(name, event.body)
                    if kind is not None:  # a factory: calling it gives a router or an app
                        self.classes[name][event.name] = kind
                        changed = True
                elif (isinstance(event, Assign) and event.ref and len(event.names) == 1
                      and event.names[0] not in self.classes[name]):
                    kind = self.resolve(name, event.ref)  # `PrivateRouter = AdminRouter`
                    if kind is not None:
                        self.classes[name][event.names[0]] = kind
                        changed = True
        return changed

    def _returns(self, module: str, body) -> Optional[str]:
        """ROUTER/APP when a function returns an instance (`return APIRouter()`, or
        `app = FastAPI(); ...; return app`), read in its module's scope."""
        local: Dict[str, str] = {}
        for event in _top_level(body):
            if isinstance(event, Assign) and event.call and event.names:
                kind = self.resolve(module, event.call)
                if kind is not None:
                    local.update((n, kind) for n in event.names)
            elif isinstance(event, Return):
                kind = (self.resolve(module, event.call) if event.call
                        else local.get(event.ref or ""))
                if kind is not None:
                    return kind
        return None

    def resolve(self, module: str, dotted: Optional[str]) -> Optional[str]:
        """ROUTER, APP or None for the dotted name `dotted` as written in `module`."""
        if not dotted:
            return None
        head, _, rest = dotted.partition(".")
        local = self.classes.get(module, {})
        if not rest and head in local:
            return local[head]
        target = self.targets.get(module, {}).get(head)
        if target is None:
            return None
        return self._qualified(f"{target}.{rest}" if rest else target, set())

    def _qualified(self, qualified: str, seen: set) -> Optional[str]:
        if qualified in KNOWN:
            return KNOWN[qualified]
        if qualified in seen:
            return None
        seen.add(qualified)
        owner, _, attr = qualified.rpartition(".")
        if owner in self.modules:  # a project module: its own class, or a name it imported
            if attr in self.classes[owner]:
                return self.classes[owner][attr]
            target = self.targets[owner].get(attr)
            if target is not None:
                return self._qualified(target, seen)
            return None
        # An installed library's class (CapWords: its functions are not followed), a router
        # or an app when one of its bases is: `class VersionedRouter(APIRouter)`.
        shape = self.library(owner) if owner and attr.lstrip("_")[:1].isupper() else None
        if shape is None:
            return None
        bindings, classes = shape
        if attr in classes:
            return next((k for k in (self._library_base(owner, bindings, base, seen)
                                     for base in classes[attr]) if k), None)
        if attr in bindings:
            return self._qualified(bindings[attr], seen)
        return None

    def _library_base(self, owner: str, bindings: Dict[str, str], base: str,
                      seen: set) -> Optional[str]:
        head, _, rest = base.partition(".")
        if head in bindings:
            target = bindings[head]
            return self._qualified(f"{target}.{rest}" if rest else target, seen)
        return self._qualified(f"{owner}.{base}", seen)  # a class of the same module

    def first_assign(self, module: str, kind: str) -> Optional[Assign]:
        """The first top-level `x = Cls(...)` in `module` whose class is of `kind`."""
        for event in top_level(self.modules[module][1]):
            if isinstance(event, Assign) and event.call and self.resolve(module, event.call) == kind:
                return event
        return None


def bindings(facts: ModuleFacts, package: str) -> Dict[str, str]:
    """What each top-level name is bound to (`Router` -> `fastapi.APIRouter`), once per
    content and package."""
    return derived(facts, ("bindings", package), lambda: _bindings(package, top_level(facts)))


def top_level(facts: ModuleFacts) -> List[Any]:
    """The module's statements that run at import time (computed once per content)."""
    return derived(facts, "top_level", lambda: list(_top_level(facts.events)))


def _top_level(events) -> Iterable:
    """Statements that run at import time: the top level and its if/try blocks."""
    for event in events:
        yield event
        if isinstance(event, (ClassDef, FunctionDef)):
            continue
        for attr in _BLOCKS:
            inner = getattr(event, attr, None)
            if isinstance(inner, list):
                yield from _top_level(inner)


def _bindings(package: str, events) -> Dict[str, str]:
    """name -> dotted target, for the names imports and plain aliases bind."""
    out: Dict[str, str] = {}
    for event in events:
        if isinstance(event, Import):
            if event.names is None:
                if event.asname:
                    out[event.asname] = event.module
                else:
                    top = event.module.split(".")[0]
                    out[top] = top
                continue
            base = absolute(package, event)
            if base is None:
                continue
            for name, asname in event.names:
                if name != "*":
                    out[asname or name] = f"{base}.{name}"
        elif isinstance(event, Assign) and event.ref and len(event.names) == 1:
            head, _, rest = event.ref.partition(".")
            if head in out:  # `Router = fastapi.APIRouter` / `Router = APIRouter`
                out[event.names[0]] = f"{out[head]}.{rest}" if rest else out[head]
    return out
