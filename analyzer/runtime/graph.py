"""The module graph: every internal module the app can reach, and its import edges.

Built from the facts alone. It also closes the set of scanned files over internal imports,
so `routerlint scan app/routers/users.py` still sees the models that router imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict, Iterator, Optional, Tuple

if TYPE_CHECKING:
    import networkx as nx

from routerlint.project.discover import Project, SourceFile
from routerlint.facts.model import (DynamicImport, FunctionDef, If, Import, Loop, ModuleFacts, Try,
                              body_may_contain)

Modules = Dict[str, Tuple[SourceFile, ModuleFacts]]


def imports_of(source: SourceFile, facts: ModuleFacts) -> Iterator[Tuple[str, int, str]]:
    """(absolute module name, line, how) for every import; `how` is "load", "guarded",
    "lazy" (inside a function) or "typing" (under `if TYPE_CHECKING:`)."""
    package = source.module if source.is_package else source.module.rpartition(".")[0]

    def walk(events, how: str):
        for event in events:
            if isinstance(event, Import):
                base = _absolute(package, event)
                if base is None:
                    continue
                if event.names is None:
                    yield base, event.line, how
                else:
                    for name, _ in event.names:
                        yield (base if name == "*" else f"{base}.{name}"), event.line, how
                    yield base, event.line, how
            elif isinstance(event, DynamicImport) and event.name and event.name[0] == "lit":
                yield event.name[1], event.line, how
            elif isinstance(event, FunctionDef):
                if body_may_contain(event, '"k":"import"', '"k":"dynamic_import"'):
                    yield from walk(event.body, "lazy")
            elif isinstance(event, Try):
                yield from walk(event.body, "guarded" if how == "load" else how)
                for handler in event.handlers:
                    yield from walk(handler.body, how)
                yield from walk(event.orelse, how)
                yield from walk(event.finalbody, how)
            elif isinstance(event, If):
                yield from walk(event.body, "typing" if event.test is False else how)
                yield from walk(event.orelse, how)
            elif isinstance(event, Loop):
                yield from walk(event.body, how)

    yield from walk(facts.events, "load")


def _absolute(package: str, event: Import) -> Optional[str]:
    if not event.level:
        return event.module
    parts = package.split(".") if package else []
    if event.level - 1 >= len(parts):
        return None
    parts = parts[: len(parts) - (event.level - 1)]
    return ".".join(parts + ([event.module] if event.module else []))


def preload_graph() -> None:
    """Import NetworkX now (~0.1 s), while other processes parse the files that changed."""
    import networkx  # noqa: F401


def build_graph(project: Project, modules: Modules,
                scan: Callable[[SourceFile], ModuleFacts]) -> "nx.DiGraph":
    """Module graph over `modules`, which is extended in place with every internal module
    the scanned ones import (located on disk as CPython would, then scanned)."""
    import networkx as nx  # not needed (nor imported) when the report cache answers

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
                    found = None if prefix in absent else _locate(project, prefix)
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


def _locate(project: Project, module: str) -> Optional[SourceFile]:
    path, namespace = project.locate(module)
    if path is None or namespace:
        return None
    return project.source_file(path)
