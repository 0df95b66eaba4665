"""The module graph's answers, kept in the cache for the next process.

A fresh one-change run imported NetworkX (~0.15 s) and built the graph again, to find what
the last run found. build_graph is a deterministic function of the modules it is given (names
and files, in order), of what each module imports (imports_of: targets and how, in order;
lines are not read) and of each disk lookup it makes for a module not given. The entry keeps
those readings with what a run needs from the graph: the modules it located (and scanned),
and the modules an internal module imports at load time (apps.entry_module). When every
reading and lookup is the same (an unchanged file by its content hash, a changed one by its
imports; every lookup made again), the answers are taken as they are and NetworkX is not
imported. Otherwise the graph is built in full and stored again. The daemon keeps the graph
itself instead (kept.py).
"""

from __future__ import annotations

import json
from typing import Callable, Dict, FrozenSet, List, Optional, Tuple

from routerlint.facts.cache import Cache, digest
from routerlint.facts.imports import Modules, imports_of
from routerlint.facts.model import ModuleFacts
from routerlint.project.discover import Project, SourceFile
from routerlint.runtime.graph import build_graph, internally_loaded, locate_module

FORMAT = 1
Files = Dict[str, Tuple[int, int, str]]  # the scanner's stamps: path -> (size, mtime, sha256)


def module_graph(cache: Optional[Cache], project: Project, modules: Modules,
                 scan: Callable[[SourceFile], ModuleFacts], files: Files) -> FrozenSet[str]:
    """internally_loaded(build_graph(project, modules, scan)), `modules` extended in place
    the same way; from the cache when the stored readings all hold."""
    if cache is None:
        return internally_loaded(build_graph(project, modules, scan))
    key = _key(project)
    stored = _load(cache, key)
    if stored is not None:
        loaded = _reuse(stored, project, modules, scan, files)
        if loaded is not None:
            if stored.get("stale"):
                _store(cache, key, stored)
            return loaded
    given = [(name, source.rel) for name, (source, _) in modules.items()]
    lookups: Dict[str, Optional[str]] = {}

    def locate(project: Project, prefix: str) -> Optional[SourceFile]:
        found = locate_module(project, prefix)
        lookups[prefix] = found.rel if found is not None else None
        return found

    loaded = internally_loaded(build_graph(project, modules, scan, locate))
    readings = {name: [_sha(source, files), _reading(source, facts)]
                for name, (source, facts) in modules.items()}
    _store(cache, key, {"roots": _roots(project), "given": given, "lookups": lookups,
                        "loaded": sorted(loaded), "readings": readings})
    return loaded


def preload(cache: Optional[Cache], project: Project) -> None:
    """Import NetworkX now (while other processes parse the files that changed) unless an
    entry is stored for this project: then it is likely not needed at all."""
    if cache is None or cache.read(_key(project)) is None:
        import networkx  # noqa: F401


def _reuse(stored: dict, project: Project, modules: Modules,
           scan: Callable[[SourceFile], ModuleFacts], files: Files) -> Optional[FrozenSet[str]]:
    try:
        given, lookups = stored["given"], stored["lookups"]
        if stored["roots"] != _roots(project) or len(given) != len(modules):
            return None
        for (name, (source, facts)), (was, rel) in zip(modules.items(), given):
            if name != was or source.rel != rel or not _same(stored, name, source, facts,
                                                             files):
                return None
        located: List[Tuple[str, Tuple[SourceFile, ModuleFacts]]] = []
        for prefix, rel in lookups.items():
            found = locate_module(project, prefix)
            if (found.rel if found is not None else None) != rel:
                return None
            if found is not None:
                facts = scan(found)  # as building would: stamped for the report cache
                if not _same(stored, prefix, found, facts, files):
                    return None
                located.append((prefix, (found, facts)))
        loaded = frozenset(stored["loaded"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # a foreign or damaged entry: build
    modules.update(located)
    return loaded


def _same(stored: dict, name: str, source: SourceFile, facts: ModuleFacts,
          files: Files) -> bool:
    """Does module `name` read as stored: the same content, or else the same imports (the
    new content hash is then recorded, and the entry marked for writing)."""
    was = stored["readings"].get(name)
    if was is None:
        return False
    sha = _sha(source, files)
    if sha is not None and sha == was[0]:
        return True
    if _reading(source, facts) != was[1]:
        return False
    stored["readings"][name] = [sha, was[1]]
    stored["stale"] = True
    return True


def _sha(source: SourceFile, files: Files) -> Optional[str]:
    stamp = files.get(str(source.path))
    return stamp[2] if stamp is not None else None


def _reading(source: SourceFile, facts: ModuleFacts) -> str:
    """What build_graph reads of one module: its imports' targets and kinds, in order."""
    return digest(json.dumps([[target, how] for target, _, how in imports_of(source, facts)])
                  .encode())[:32]


def _key(project: Project) -> str:
    return digest(json.dumps(["module graph", FORMAT, str(project.root)]).encode())


def _roots(project: Project) -> List[str]:
    return [str(root) for root in project.source_roots]


def _load(cache: Cache, key: str) -> Optional[dict]:
    raw = cache.read(key)
    stored = cache.decode(key, raw) if raw is not None else None
    return stored if isinstance(stored, dict) else None


def _store(cache: Cache, key: str, stored: dict) -> None:
    stored.pop("stale", None)
    cache.put(key, stored)
