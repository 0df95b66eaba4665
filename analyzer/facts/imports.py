"""The imports a module's facts make, with absolute names: one resolver for relative imports
(`from ..models import User` in `app.routers.users` is `app.models`), used by the module
graph, the FastAPI class model and the dependency check."""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Tuple

from routerlint.facts.model import (DynamicImport, FunctionDef, If, Import, Loop, ModuleFacts,
                                    Try, body_search, derived)
from routerlint.project.discover import SourceFile

Modules = Dict[str, Tuple[SourceFile, ModuleFacts]]


def package_of(module: str, is_package: bool) -> str:
    """The package a module's relative imports start from (`__package__`)."""
    return module if is_package else module.rpartition(".")[0]


def imports_of(source: SourceFile, facts: ModuleFacts) -> List[Tuple[str, int, str]]:
    """(absolute module name, line, how) for every import; `how` is "load", "guarded",
    "lazy" (inside a function) or "typing" (under `if TYPE_CHECKING:`)."""
    package = package_of(source.module, source.is_package)
    return derived(facts, ("imports", package), lambda: list(_imports(package, facts)))


def _imports(package: str, facts: ModuleFacts) -> Iterator[Tuple[str, int, str]]:
    lazy = body_search(facts, '"k":"import"', '"k":"dynamic_import"')

    def walk(events, how: str):
        for event in events:
            if isinstance(event, Import):
                base = absolute(package, event)
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
                if lazy(event):
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


def absolute(package: str, event: Import) -> Optional[str]:
    """The absolute module an import statement names, seen from `package`."""
    return resolve(package, event.level, event.module)


def resolve(package: str, level: int, module: Optional[str]) -> Optional[str]:
    """`from ..models import x` (level 2, "models") in package `app.routers` -> `app.models`;
    None when it climbs above the top-level package (CPython's ImportError)."""
    if not level:
        return module
    parts = package.split(".") if package else []
    if level - 1 >= len(parts):
        return None
    parts = parts[: len(parts) - (level - 1)]
    return ".".join(parts + ([module] if module else []))
