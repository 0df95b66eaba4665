"""The module graph's answers, kept in the cache for the next process.

A fresh one-change run imported NetworkX (~0.15 s) and built the graph again, to find what
the last run found. build_graph is a deterministic function of the modules it is given (names
and files, in order), of what each module imports (imports_of: targets and how, in order;
lines are not read) and of each disk lookup it makes for a module not given. The entry keeps
the modules, their content hashes and the lookups with what a run needs from the graph: the
modules it located (and scanned), and the modules an internal module imports at load time
(apps.entry_module). When every module reads the same (stored.py) and every lookup, made
again, finds the same, the answers are taken as they are and NetworkX is not imported.
Otherwise the graph is built in full and stored again. The daemon keeps the graph's answers
in memory instead (kept.py).
"""

from __future__ import annotations

from typing import Callable, Dict, FrozenSet, List, Optional, Tuple

from routerlint.facts.cache import Cache
from routerlint.facts.imports import Modules, imports_of
from routerlint.facts.model import ModuleFacts
from routerlint.project.discover import Project, SourceFile
from routerlint.runtime.graph import build_graph, internally_loaded, locate_module
from routerlint.runtime.stored import Files, answers, reads_the_same, sha, stored_key

FORMAT = 2


def module_graph(cache: Optional[Cache], project: Project, modules: Modules,
                 scan: Callable[[SourceFile], ModuleFacts], files: Files) -> FrozenSet[str]:
    """internally_loaded(build_graph(project, modules, scan)), `modules` extended in place
    the same way; from the cache when the stored readings all hold."""
    if cache is None:
        return internally_loaded(build_graph(project, modules, scan))

    def run() -> Tuple[FrozenSet[str], dict]:
        given = [(name, source.rel) for name, (source, _) in modules.items()]
        lookups: Dict[str, Optional[str]] = {}

        def locate(project: Project, prefix: str) -> Optional[SourceFile]:
            found = locate_module(project, prefix)
            lookups[prefix] = found.rel if found is not None else None
            return found

        loaded = internally_loaded(build_graph(project, modules, scan, locate))
        return loaded, {"roots": _roots(project), "given": given, "lookups": lookups,
                        "loaded": sorted(loaded),
                        "contents": {name: sha(source, files)
                                     for name, (source, _) in modules.items()}}

    return answers(cache, _key(project),
                   lambda entry: _reuse(entry, cache, project, modules, scan, files), run)


def preload(cache: Optional[Cache], project: Project) -> None:
    """Import NetworkX now (while other processes parse the files that changed) unless an
    entry is stored for this project: then it is likely not needed at all."""
    if cache is None or not cache.has(_key(project)):
        import networkx  # noqa: F401


def _reuse(entry: dict, cache: Cache, project: Project, modules: Modules,
           scan: Callable[[SourceFile], ModuleFacts], files: Files) -> Optional[FrozenSet[str]]:
    try:
        given, lookups = entry["given"], entry["lookups"]
        if entry["roots"] != _roots(project) or len(given) != len(modules):
            return None
        for (name, (source, facts)), (was, rel) in zip(modules.items(), given):
            if name != was or source.rel != rel or not _same(entry, cache, name, source, facts,
                                                             files):
                return None
        located: List[Tuple[str, Tuple[SourceFile, ModuleFacts]]] = []
        holds: Dict[str, bool] = {}  # top-level name -> may a root hold it? (one check each)
        for prefix, rel in lookups.items():
            top = prefix.partition(".")[0]
            if top not in holds:
                holds[top] = project.may_hold(top)
            if rel is None and not holds[top]:
                continue  # still nothing there: thousands of third-party names, checked once
            found = locate_module(project, prefix)
            if (found.rel if found is not None else None) != rel:
                return None
            if found is not None:
                facts = scan(found)  # as building would: stamped for the report cache
                if not _same(entry, cache, prefix, found, facts, files):
                    return None
                located.append((prefix, (found, facts)))
        loaded = frozenset(entry["loaded"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # a foreign or damaged entry: build
    modules.update(located)
    return loaded


def _same(entry: dict, cache: Cache, name: str, source: SourceFile, facts: ModuleFacts,
          files: Files) -> bool:
    """Does module `name` read as stored? (A new content hash that reads the same is
    recorded, and the entry marked for writing.)"""
    content, now = entry["contents"].get(name), sha(source, files)
    if not reads_the_same(cache, content, now, facts, lambda f: _reading(source, f)):
        return False
    if now != content:
        entry["contents"][name] = now
        entry["stale"] = True
    return True


def _reading(source: SourceFile, facts: ModuleFacts) -> List[Tuple[str, str]]:
    """What build_graph reads of one module: its imports' targets and kinds, in order."""
    return [(target, how) for target, _, how in imports_of(source, facts)]


def _key(project: Project) -> str:
    return stored_key("module graph", FORMAT, str(project.root))


def _roots(project: Project) -> List[str]:
    return [str(root) for root in project.source_roots]
