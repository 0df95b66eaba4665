"""The FastAPI class model (Kinds) and each module's role, kept in the cache for the next
process: kept.py's argument for the daemon, on disk.

Kinds is a deterministic function of what it reads of each module (kept.kinds_reading: the
names its imports and aliases bind, its classes' bases, what its functions return; no line
numbers), in order, and of the installed library's answers to the questions it asked. The
entry keeps the modules (names, package or not, content hash), those answers, the classes
found and each module's role (the line of its first router, whether it creates the app).
When every module reads the same (stored.py) and the library answers every question the
same, the classes found are taken as they are, and so is each unchanged module's role; a
changed module's role is judged again (its lines may have moved). Otherwise Kinds runs in
full and the entry is stored again.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional, Tuple

from routerlint.facts.cache import Cache
from routerlint.facts.imports import Modules, package_of
from routerlint.facts.model import ModuleFacts
from routerlint.runtime.fastapi_classes import Kinds, Shape, bindings
from routerlint.runtime.stored import Files, answers, reads_the_same, sha, stored_key

FORMAT = 1
Role = Tuple[Optional[int], bool]
Judge = Callable[[str, ModuleFacts, Kinds], Role]


def stored_roles(cache: Cache, root: str, modules: Modules,
                 library: Callable[[str], Optional[Shape]], files: Files,
                 judge: Judge) -> Tuple[Kinds, Dict[str, Role]]:
    """(Kinds(modules, library), {name: judge(name, facts, kinds)}) for the modules; from the
    cache when the stored readings all hold."""
    from routerlint.runtime.kept import Asked

    def run() -> Tuple[Tuple[Kinds, Dict[str, Role]], dict]:
        asked = Asked(library, {})
        kinds = Kinds(modules, asked)
        roles = {name: judge(name, facts, kinds) for name, (_, facts) in modules.items()}
        kinds.library = library  # later questions (simulations) are not this pass's
        return (kinds, roles), {
            "given": [[name, source.is_package, sha(source, files)]
                      for name, (source, _) in modules.items()],
            "asked": asked.answers, "classes": {m: c for m, c in kinds.classes.items() if c},
            "roles": {name: list(role) for name, role in roles.items()
                      if role != (None, False)}}

    return answers(cache, stored_key("module roles", FORMAT, root),
                   lambda entry: _reuse(entry, cache, modules, library, files, judge), run)


def _reuse(entry: dict, cache: Cache, modules: Modules,
           library: Callable[[str], Optional[Shape]], files: Files,
           judge: Judge) -> Optional[Tuple[Kinds, Dict[str, Role]]]:
    from routerlint.runtime.kept import kinds_reading

    try:
        given: List[list] = entry["given"]
        if len(given) != len(modules):
            return None
        changed = []
        for (name, (source, facts)), was in zip(modules.items(), given):
            if name != was[0] or source.is_package != was[1]:
                return None
            scope = package_of(name, source.is_package)
            now = sha(source, files)
            if not reads_the_same(cache, was[2], now, facts,
                                  lambda f: kinds_reading(f, scope)):
                return None
            if now != was[2]:
                was[2] = now
                changed.append(name)
        if any(_as_stored(library(module)) != shape for module, shape in entry["asked"].items()):
            return None
        classes = {name: dict(entry["classes"].get(name, {})) for name in modules}
        roles: Dict[str, Role] = {name: (None, False) for name in modules}
        roles.update((name, (role[0], bool(role[1]))) for name, role in entry["roles"].items())
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None  # a foreign or damaged entry: build
    targets = {name: bindings(facts, package_of(name, source.is_package))
               for name, (source, facts) in modules.items()}
    kinds = Kinds.found(modules, library, targets, classes)
    for name in changed:
        roles[name] = judge(name, modules[name][1], kinds)
        entry["roles"][name] = list(roles[name])
        entry["stale"] = True
    return kinds, roles


def _as_stored(shape: Optional[Shape]) -> Any:
    """A library answer as it reads back from the entry's JSON."""
    return json.loads(json.dumps(shape))
