"""The daemon's shortcut for the passes over every module: the module graph, the router and
app classes (Kinds), and which modules are routers or create the app.

Each pass is a deterministic function of a few things it reads from each module's facts and
of a few questions to the world (where an import not in the project lives, an installed
library's classes). The daemon keeps last run's result with what it read; when every module
gives the same reading (the same facts object, shared per content, or an equal reading of a
changed file) and every question the same answer, the pass would compute the same result,
so it is taken as it is — reuse.py's argument applied to these passes. Otherwise it runs in
full, as in a fresh process. An edit inside a function body changes no reading of the graph
(its imports) or of Kinds (class bases, aliases, what functions return), so one such edit
costs one file's reading instead of a pass over every module.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple

from routerlint.facts.imports import Modules, imports_of, package_of
from routerlint.facts.model import Assign, ClassDef, FunctionDef, ModuleFacts, Return, derived
from routerlint.project.discover import Project, SourceFile
from routerlint.runtime.apps import creates_app, router_modules, top_assign
from routerlint.runtime.fastapi_classes import ROUTER, Kinds, Shape, _top_level, top_level
from routerlint.runtime.graph import build_graph, internally_loaded, locate_module

Library = Callable[[str], Optional[Shape]]
Entry = Tuple[str, SourceFile, ModuleFacts]


def module_graph(memory, project: Project, modules: Modules,
                 scan: Callable[[SourceFile], ModuleFacts], cache=None,
                 files=None) -> FrozenSet[str]:
    """The modules an internal module imports at load time (graph.internally_loaded of
    build_graph(project, modules, scan)), `modules` extended in place the same way; in the
    daemon (`memory`), last run's when the graph's inputs are provably the same, else (a
    fresh process) the stored answers when they are (stored_graph.py)."""
    if memory is None:
        from routerlint.runtime.stored_graph import module_graph as stored

        return stored(cache, project, modules, scan, files if files is not None else {})
    key = ("graph", str(project.root), tuple(map(str, project.source_roots)))
    kept: Optional[_KeptGraph] = memory.recall(key)
    loaded = kept.reuse(project, modules, scan) if kept is not None else None
    if loaded is None:
        given = len(modules)
        lookups: Dict[str, Optional[SourceFile]] = {}

        def locate(project: Project, prefix: str) -> Optional[SourceFile]:
            lookups[prefix] = found = locate_module(project, prefix)
            return found

        loaded = internally_loaded(build_graph(project, modules, scan, locate))
        kept = _KeptGraph(_entries(modules), given, lookups, loaded)
    memory.kept[key] = kept
    return loaded


class _KeptGraph:
    """A graph's answer (internally_loaded) with what built it: every module (those given,
    then those it located and scanned, in that order) and every prefix it looked for on disk
    with what it found."""

    def __init__(self, entries: List[Entry], given: int,
                 lookups: Dict[str, Optional[SourceFile]], loaded: FrozenSet[str]) -> None:
        self.entries, self.given, self.lookups, self.loaded = entries, given, lookups, loaded

    def reuse(self, project: Project, modules: Modules,
              scan: Callable[[SourceFile], ModuleFacts]) -> Optional[FrozenSet[str]]:
        """The kept answer, `modules` extended as building the graph would, or None."""
        if len(modules) != self.given:
            return None
        for (name, (source, facts)), (was, source_was, facts_was) in zip(
                modules.items(), self.entries):
            if name != was or not _same_imports(source, facts, source_was, facts_was):
                return None
        if any(locate_module(project, prefix) != found
               for prefix, found in self.lookups.items()):
            return None
        located = []
        for name, source, facts_was in self.entries[self.given:]:
            facts = scan(source)  # as building would: stamped for the report cache
            if not _same_imports(source, facts, source, facts_was):
                return None
            located.append((name, (source, facts)))
        modules.update(located)
        self.entries = _entries(modules)
        return self.loaded


def _same_imports(source: SourceFile, facts: ModuleFacts, source_was: SourceFile,
                  facts_was: ModuleFacts) -> bool:
    return (source == source_was
            and (facts is facts_was or imports_of(source, facts) == imports_of(source, facts_was)))


def _entries(modules: Modules) -> List[Entry]:
    return [(name, source, facts) for name, (source, facts) in modules.items()]


class Roles:
    """Kinds over the modules, the router modules (name -> line of its first router) and
    whether a module creates the app (apps.creates_app)."""

    def __init__(self, kinds: Kinds, routers: Dict[str, int],
                 creates: Callable[[str], bool]) -> None:
        self.kinds, self.routers, self.creates = kinds, routers, creates


def module_roles(memory, root: str, modules: Modules, library: Library, cache=None,
                 files=None) -> Roles:
    """Kinds(modules, library), router_modules and creates_app; in the daemon, last run's
    Kinds when its inputs are provably the same, and then each unchanged module's roles;
    in a fresh process the same from the cache (stored_roles.py)."""
    if memory is None and cache is None:
        kinds = Kinds(modules, library)
        return Roles(kinds, router_modules(modules, kinds),
                     lambda name: creates_app(modules[name][1], kinds, name))
    if memory is None:
        from routerlint.runtime.stored_roles import stored_roles

        kinds, found = stored_roles(cache, root, modules, library,
                                    files if files is not None else {}, _role)
        return _roles(kinds, found, modules)
    key = ("roles", root)
    kept: Optional[_KeptRoles] = memory.recall(key)
    same = kept is not None and kept.same_inputs(modules, library)
    asked = Asked(library, kept.asked if same else {})  # type: ignore[union-attr]
    if same:
        kinds = Kinds.found(modules, asked, kept.kinds.targets, kept.kinds.classes)
        roles = {name: role for name, facts, role in kept.roles
                 if modules.get(name, (None, None))[1] is facts}
    else:
        kinds, roles = Kinds(modules, asked), {}
    for name, (_, facts) in modules.items():
        if name not in roles:
            roles[name] = _role(name, facts, kinds)
    kinds.library = library  # later questions (simulations) are not this pass's
    kept = _KeptRoles(_readings(modules), asked.answers, kinds,
                      [(name, facts, roles[name]) for name, (_, facts) in modules.items()])
    memory.kept[key] = kept
    return _roles(kinds, roles, modules)


def _roles(kinds: Kinds, roles: Dict[str, Tuple[Optional[int], bool]],
           modules: Modules) -> Roles:
    routers = {name: roles[name][0] for name in sorted(modules) if roles[name][0] is not None}
    return Roles(kinds, routers, lambda name: roles[name][1])


def _role(name: str, facts: ModuleFacts, kinds: Kinds) -> Tuple[Optional[int], bool]:
    """(line of its first router or None, creates the app), as router_modules and
    creates_app judge them."""
    lines = [a.line for a in (top_assign(facts, "APIRouter"), kinds.first_assign(name, ROUTER))
             if a is not None]
    return (min(lines) if lines else None), creates_app(facts, kinds, name)


class Asked:
    """The library, asked on Kinds' behalf; each distinct question and answer remembered."""

    def __init__(self, library: Library, answers: Dict[str, Optional[Shape]]) -> None:
        self.library, self.answers = library, dict(answers)

    def __call__(self, module: str) -> Optional[Shape]:
        if module not in self.answers:
            self.answers[module] = self.library(module)
        return self.answers[module]


class _KeptRoles:
    def __init__(self, readings: List[Tuple[str, bool, ModuleFacts]],
                 asked: Dict[str, Optional[Shape]], kinds: Kinds,
                 roles: List[Tuple[str, ModuleFacts, Tuple[Optional[int], bool]]]) -> None:
        self.readings, self.asked, self.kinds, self.roles = readings, asked, kinds, roles

    def same_inputs(self, modules: Modules, library: Library) -> bool:
        """Would Kinds(modules, library) find what it found last time? Yes when the modules
        come in the same order, each reads the same (kinds_reading) and the library answers
        every question it asked the same."""
        if len(modules) != len(self.readings):
            return False
        for (name, (source, facts)), (was, package_was, facts_was) in zip(
                modules.items(), self.readings):
            if name != was or source.is_package != package_was:
                return False
            package = package_of(name, package_was)
            if facts is not facts_was and (kinds_reading(facts, package)
                                           != kinds_reading(facts_was, package)):
                return False
        return all(library(module) == shape for module, shape in self.asked.items())


def _readings(modules: Modules) -> List[Tuple[str, bool, ModuleFacts]]:
    return [(name, source.is_package, facts) for name, (source, facts) in modules.items()]


def kinds_reading(facts: ModuleFacts, package: str) -> Any:
    """All that Kinds reads of one module, in order: the names its imports and aliases bind,
    and each top-level class's bases, alias and function's returns (fastapi_classes._round
    and _returns). Line numbers are not read. Kept on the facts (computed once per content);
    only a changed file's is ever computed, so function bodies are decoded only there."""
    from routerlint.runtime.fastapi_classes import _bindings

    def compute() -> Any:
        read = []
        for event in top_level(facts):
            if isinstance(event, ClassDef):
                read.append(("class", event.name, tuple(event.bases)))
            elif isinstance(event, FunctionDef):
                read.append(("def", event.name, tuple(_returns_reading(event.body))))
            elif isinstance(event, Assign) and event.ref and len(event.names) == 1:
                read.append(("alias", event.names[0], event.ref))
        return _bindings(package, top_level(facts)), read

    return derived(facts, ("kinds reading", package), compute)


def _returns_reading(body) -> List[tuple]:
    read = []
    for event in _top_level(body):
        if isinstance(event, Assign) and event.call and event.names:
            read.append(("assign", event.call, tuple(event.names)))
        elif isinstance(event, Return):
            read.append(("return", event.call, event.ref))
    return read
