"""Source roots the app's own imports need, inferred as uvicorn's working folder would give them.

A monorepo keeps its back end in `backend/app/` and runs `uvicorn app.main:app` from
`backend/`, so its code says `from app.models import User`. Scanned from the repository root,
`app` is not importable: every such import would look missing. When a top-level name the code
imports is neither importable from the current roots nor installed, but exactly one package or
module of that name sits deeper in the scanned tree, in a folder that is not a package itself,
that folder is a root — as mypy and
pylint find roots by crawling up through `__init__.py`. Settings (`--src`, `src = [...]`) win.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, NamedTuple, Set, Tuple

from routerlint.facts.model import FunctionDef, Import, ModuleFacts, body_search, derived
from routerlint.facts.imports import Modules

_BLOCKS = ("body", "orelse", "finalbody", "handlers")


def imported_tops(events: Iterable, imports: Callable[[FunctionDef], bool]) -> Set[str]:
    """Top-level names of every absolute import, at any depth (lazy ones included: in the
    functions `imports` says may import, see body_search)."""
    found: Set[str] = set()
    todo = [list(events)]
    while todo:
        for event in todo.pop():
            if isinstance(event, Import) and not event.level and event.module:
                found.add(event.module.split(".")[0])
            if isinstance(event, FunctionDef) and not imports(event):
                continue  # a cached body without imports stays undecoded (memory, time)
            for attr in _BLOCKS:
                inner = getattr(event, attr, None)
                if isinstance(inner, list) and inner:
                    todo.append(inner)
    return found


class Home(NamedTuple):
    """Where a module name appears below the top of the project's module names."""

    folder: Path  # the folder holding the package or module (its would-be source root)
    shown: str  # its own path, relative to the project root: `backend/app/`, `scripts/x.py`
    stops: bool  # crawling up through __init__.py files stops at `folder` (mypy's root rule)


def homes(modules: Modules, names: Set[str], root: Path) -> Dict[str, List[Home]]:
    """name -> every distinct place a package or module called `name` sits deeper in the
    tree (`backend.app` holds `app` in backend/), in module-name order. One mechanism for
    inferring roots and for saying where a missing name lives instead of `pip install`."""
    found: Dict[str, Dict[Path, Home]] = {}
    for module, (source, _) in sorted(modules.items()):
        parts = module.split(".")
        for depth in range(1, len(parts)):
            name = parts[depth]
            if name not in names:
                continue
            last = depth == len(parts) - 1 and not source.is_package
            climb = len(parts) - depth - (0 if source.is_package else 1)
            folder = source.path.parent
            for _ in range(climb):
                folder = folder.parent
            if folder in found.get(name, {}):
                continue
            own = folder / (name + ".py" if last else name)
            try:
                shown = own.relative_to(root).as_posix() + ("" if last else "/")
            except ValueError:
                shown = str(own)
            found.setdefault(name, {})[folder] = Home(
                folder, shown, not (folder / "__init__.py").exists())
    return {name: list(places.values()) for name, places in found.items()}


def module_tops(facts: ModuleFacts) -> Set[str]:
    """imported_tops of a module, once per content."""
    return derived(facts, "tops", lambda: imported_tops(
        facts.events, body_search(facts, '"k":"import"')))


def inferred_roots(modules: Modules, importable, root: Path) -> Dict[Path, str]:
    """{new root: why} for imports no current root or installed
    package satisfies; `importable(top)` says whether a name resolves today."""
    tops = {name.split(".")[0] for name in modules}
    wanted = set()
    for _, facts in modules.values():
        wanted |= module_tops(facts)
    found: Dict[Path, str] = {}
    for top, places in sorted(homes(modules, wanted - tops, root).items()):
        if len(places) == 1 and not importable(top):
            home = places[0]
            # Only where crawling up through __init__.py files stops (as mypy and pylint find
            # roots): `zenml/integrations/airflow` is `zenml.integrations.airflow`, never
            # `airflow`, however much `import airflow` inside it is unresolved.
            if home.folder != root and home.stops:
                found.setdefault(home.folder, f"the code imports '{top}', which lives there")
    return found


def describe(found: Dict[Path, str], root: Path) -> List[str]:
    out = []
    for folder, why in found.items():
        try:
            rel = folder.relative_to(root).as_posix()
        except ValueError:
            rel = str(folder)
        out.append(f"{rel} ({why})")
    return out


_TEST_FILE = re.compile(r"(test_.*|.*_test|conftest)\.py")
Scope = Tuple[Tuple[Path, ...], Tuple[Path, ...]]  # (folders before the roots, after them)


def script_scopes(modules: Modules) -> Dict[Scope, List[str]]:
    """The sys.path a module sees when it is run, not imported: `python scripts/seed.py` puts
    `scripts/` first, pytest puts a test file's first folder without `__init__.py` first,
    and constant `sys.path.insert(0, ...)` / `.append(...)` lines add theirs. Scripts inside a
    package are left alone (they are run with `python -m`). {scope: modules run in it}."""
    found: Dict[Scope, List[str]] = {}
    run = [(name, entry) for name, entry in modules.items()  # few: sort only these
           if entry[1].script or _TEST_FILE.fullmatch(entry[0].path.name)]
    for name, (source, facts) in sorted(run):
        folder = source.path.parent
        if _TEST_FILE.fullmatch(source.path.name):
            while (folder / "__init__.py").exists() and folder.parent != folder:
                folder = folder.parent
        elif not facts.script or (folder / "__init__.py").exists():
            continue
        first: List[Path] = [folder]
        last: List[Path] = []
        for _, at_front, path in _inserted(source, facts):
            if at_front:
                first.insert(0, path)
            else:
                last.append(path)
        found.setdefault((tuple(first), tuple(last)), []).append(name)
    return found


def inserted_roots(modules: Modules, root: Path) -> Dict[Path, str]:
    """{folder: why} for constant `sys.path.insert/append` lines in modules that are not test
    files: once such a module runs, the whole process sees the folder."""
    found: Dict[Path, str] = {}
    lines = [(name, entry) for name, entry in modules.items() if entry[1].sys_path]  # few
    for _, (source, facts) in sorted(lines):
        if _TEST_FILE.fullmatch(source.path.name):
            continue
        for line, _, path in _inserted(source, facts):
            if path != root:
                found.setdefault(path, f"{source.rel}:{line} adds it to sys.path")
    return found


def _inserted(source, facts) -> Iterator[Tuple[int, bool, Path]]:
    """(line, put first?, folder) of each module-level `sys.path` line whose folder exists."""
    for line, at_front, rel in facts.sys_path:
        path = (source.path.parent / rel).resolve()
        if path.is_dir():
            yield line, at_front, path
