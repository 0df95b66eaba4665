"""The module graph: every internal module the app can reach, and its import edges.

Built from the facts alone. It also closes the set of scanned files over internal imports,
so `routerlint scan app/routers/users.py` still sees the models that router imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, FrozenSet, Optional

if TYPE_CHECKING:
    import networkx as nx

from routerlint.facts.imports import Modules, imports_of
from routerlint.facts.model import ModuleFacts
from routerlint.project.discover import Project, SourceFile


def build_graph(project: Project, modules: Modules,
                scan: Callable[[SourceFile], ModuleFacts],
                locate: Optional[Callable[[Project, str], Optional[SourceFile]]] = None
                ) -> "nx.DiGraph":
    """Module graph over `modules`, which is extended in place with every internal module
    the scanned ones import (located on disk as CPython would, by `locate`, then scanned)."""
    import networkx as nx  # not needed (nor imported) when the report cache answers

    locate = locate or locate_module
    graph = nx.DiGraph()
    absent: set = set()
    queue = list(modules)
    while queue:
        name = queue.pop()
        source, facts = modules[name]
        graph.add_node(name, path=source.rel, internal=True)
        for target, line, how in imports_of(source, facts):
            resolved = None
            parts = target.split(".")
            for depth in range(1, len(parts) + 1):
                prefix = ".".join(parts[:depth])
                if prefix not in modules:
                    found = None if prefix in absent else locate(project, prefix)
                    if found is None:
                        absent.add(prefix)
                        continue
                    modules[prefix] = (found, scan(found))
                    queue.append(prefix)
                resolved = prefix
            if resolved is None:
                resolved = parts[0]
                graph.add_node(resolved, internal=False)
            if resolved != name and not graph.has_edge(name, resolved):
                graph.add_edge(name, resolved, line=line, how=how)
    return graph


def internally_loaded(graph: "nx.DiGraph") -> FrozenSet[str]:
    """The modules some internal module imports at load time (not lazily, nor guarded)."""
    return frozenset(target for source, target, how in graph.edges(data="how")
                     if how == "load" and graph.nodes[source].get("internal"))


def locate_module(project: Project, module: str) -> Optional[SourceFile]:
    """The file of an internal module that is not a namespace package, or None."""
    path, namespace = project.locate(module)
    if path is None or namespace:
        return None
    return project.source_file(path)
