"""Names an installed (third-party) module defines, read from its source — never imported.

The simulation treats such a module like an internal one whose names are known but whose own
imports are not followed: top-level bindings in any branch, the names its imports bind,
star-imports followed within the same top-level package, and (by the caller) submodules.
Anything we cannot read with certainty — extension modules (and modules beside one, which it
may fill at import time), a module-level `__getattr__`,
`sys.modules`/`globals()` tricks, `match` statements, star-imports from elsewhere — makes the
module *unknown* (None): every name is accepted, never a false alarm.
"""

from __future__ import annotations

import ast
import os
import re
from typing import Dict, FrozenSet, List, Optional, Set, Tuple

from routerlint.facts.imports import absolute, package_of, resolve
from routerlint.facts.model import Assign, Bind, ClassDef, DynamicImport, FunctionDef, Import

_TRICKS = re.compile(
    rb"sys\.modules\s*\[|globals\(\)|vars\(\)|\bexec\s*\(|setattr\s*\(|__getattr__|"
    rb"^\s*match\s[^\n]*:\s*$|__path__", re.M)
_WALRUS = re.compile(rb"\b([A-Za-z_]\w*)\s*:=")

Names = Tuple[Optional[FrozenSet[str]], Optional[List[str]], bool]
Stamp = Tuple[int, int, str]  # (size, mtime_ns or -1, sha256): see reportcache

class Installed:
    """One run's reader of installed modules. Each answer is remembered by the file's path,
    mtime and size with the stamps of every file it was read from (`read`, which the report
    cache records), in memory for this run and on disk between runs
    (.routerlint_cache/external-*.json): a one-file change never re-parses installed
    packages. No module state: two runs never share or reset each other's."""

    def __init__(self, cache=None) -> None:
        self.cache = cache
        self.read: Dict[str, Stamp] = {}  # the files this run's answers came from
        # key -> (answer, {path: stamp} of every file it was read from)
        self._memory: Dict[str, Tuple[object, Dict[str, Stamp]]] = {}
        self._disk: Dict[str, list] = (cache.get_external() if cache is not None
                                       else None) or {}
        self._dirty = False

    def save(self) -> None:
        if self.cache is not None and self._dirty:
            self.cache.put_external(self._disk)

    def names(self, path: str, module: str, is_package: bool, locate,
              target=(3, 11)) -> Names:
        """(names, all_names, dynamic_all) for the module at `path`; names None when
        unknown. `locate(dotted)` returns an environment Located (for star-imports inside
        the package)."""
        result, deps = self._names(path, module, is_package, locate, target, set())
        self.read.update(deps)
        return result

    def _names(self, path, module, is_package, locate, target,
               seen: Set[str]) -> Tuple[Names, Dict[str, Stamp]]:
        def compute():
            deps: Dict[str, Stamp] = {}

            def star(base: str, located) -> Names:
                found, star_deps = self._names(located.file, base, located.is_package,
                                               locate, target, seen | {module})
                deps.update(star_deps)
                return found

            return _read(path, module, is_package, locate, target, seen | {module}, deps,
                         star), deps

        return self._remembered(
            path, f"|{target[0]}.{target[1]}", compute,
            encode=lambda r: [sorted(r[0]) if r[0] is not None else None, r[1], r[2]],
            decode=lambda d: (frozenset(d[0]) if d[0] is not None else None, d[1],
                              bool(d[2])),
            unreadable=(None, None, True))

    def removed(self, path: str, module: str) -> Dict[str, str]:
        """The names `module`'s `__getattr__` refuses per its library's migration table
        (runtime/removed_names.py), remembered like its names."""
        from routerlint.runtime.removed_names import removed_names as read_removed

        def compute():
            deps: Dict[str, Stamp] = {}
            return read_removed(path, module, deps), deps

        removed, deps = self._remembered(path, f"|removed|{module}", compute,
                                         encode=lambda r: [r], decode=lambda d: dict(d[0]),
                                         unreadable={})
        self.read.update(deps)
        return removed

    def classes(self, path: str, module: str, is_package: bool) -> "Shape":
        """(the names its imports and aliases bind -> dotted targets, its top-level classes ->
        their bases as written) for an installed module: what a project's `router =
        VersionedRouter()` needs to know that a library's `class VersionedRouter(APIRouter)`
        is a router. Read with `ast` (library modules can be long; this needs no positions)
        and remembered like its names."""

        def compute():
            from routerlint.facts.stamps import read_stamped

            deps: Dict[str, Stamp] = {}
            data = read_stamped(path, deps)
            try:
                tree = ast.parse(data or b"")
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return ({}, {}), deps
            return _shape(tree.body, package_of(module, is_package)), deps

        shape, deps = self._remembered(path, f"|classes|{module}", compute,
                                       encode=lambda r: list(r),
                                       decode=lambda d: (dict(d[0]), dict(d[1])),
                                       unreadable=({}, {}))
        self.read.update(deps)
        return shape

    def _remembered(self, path: str, suffix: str, compute, encode, decode, unreadable):
        """(answer, {path: stamp} of the files it was read from) for the file at `path`: from
        this run, else from disk while every one of those files is unchanged, else
        `compute()`. `encode`/`decode` turn an answer into JSON-ready fields and back."""
        try:
            stat = os.stat(path)
        except OSError:
            return unreadable, {}
        key = f"{path}|{stat.st_mtime_ns}|{stat.st_size}{suffix}"
        if key in self._memory:
            return self._memory[key]
        stored = self._disk.get(key)
        if stored is not None:
            from routerlint.facts.stamps import same_file

            try:
                *fields, deps = stored
                if all(same_file(p, *stamp) for p, stamp in deps.items()):
                    found = (decode(fields), {p: tuple(st) for p, st in deps.items()})
                    self._memory[key] = found
                    return found
            except (TypeError, ValueError, AttributeError, IndexError):
                pass
        answer, deps = compute()
        self._memory[key] = (answer, deps)
        self._disk[key] = encode(answer) + [deps]
        self._dirty = True
        return answer, deps


def _extension_beside(path: str) -> bool:
    """A compiled module in the same folder may inject names into this one when the package
    loads (psycopg2's C extension fills `psycopg2.errors` with its exception classes), which
    no source shows: such a module's names are unknown."""
    folder = os.path.dirname(path)
    try:
        return any(name.endswith((".so", ".pyd")) for name in os.listdir(folder))
    except OSError:
        return True


def _read(path, module, is_package, locate, target, seen, deps, star_names):
    from routerlint.facts.stamps import read_stamped
    from routerlint.facts.scanner import scan_source

    data = read_stamped(path, deps)
    if data is None:
        return None, None, True
    if _TRICKS.search(data) or _extension_beside(path):
        return None, None, True
    facts = scan_source(data, path, target)
    if facts.syntax is not None or facts.has_getattr:
        return None, None, True
    names: Set[str] = {m.decode() for m in _WALRUS.findall(data)}
    package = package_of(module, is_package)
    unknown = False

    def walk(events) -> None:
        nonlocal unknown
        for event in events:
            if isinstance(event, (Assign, Bind)):
                names.update(event.names)
            elif isinstance(event, (FunctionDef, ClassDef)):
                names.add(event.name)
            elif isinstance(event, DynamicImport):
                names.update(event.binds)
            elif isinstance(event, Import):
                if event.names is None:
                    names.add(event.asname or event.module.split(".")[0])
                    continue
                for name, asname in event.names:
                    if name != "*":
                        names.add(asname or name)
                    elif not _star(event):
                        unknown = True
            for attr in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(event, attr, None)
                if isinstance(inner, list):
                    walk(inner)

    def _star(event: Import) -> bool:
        base = absolute(package, event)
        if base is None:
            return False
        if base.split(".")[0] != module.split(".")[0] or base in seen:
            return False  # outside the package (or a loop): not followed
        located = locate(base)
        if located is None or located.file is None or located.kind not in ("module", "package"):
            return False
        found, star_all, dynamic = star_names(base, located)
        if found is None or dynamic:
            return False
        names.update(star_all if star_all is not None
                     else (n for n in found if not n.startswith("_")))
        return True

    walk(facts.events)
    if unknown:
        return None, None, True
    dynamic_all = "__all__" in names and facts.all_names is None
    return frozenset(names), facts.all_names, dynamic_all



Shape = Tuple[Dict[str, str], Dict[str, List[str]]]


def _shape(body, package: str) -> Shape:
    bindings: Dict[str, str] = {}
    classes: Dict[str, List[str]] = {}
    todo = list(body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                bindings[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom):
            base = resolve(package, node.level, node.module)
            if base is None:
                continue
            for alias in node.names:
                if alias.name != "*":
                    bindings[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.ClassDef):
            classes[node.name] = [ast.unparse(b) for b in node.bases
                                  if isinstance(b, (ast.Name, ast.Attribute))]
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], ast.Name)
              and isinstance(node.value, (ast.Name, ast.Attribute))):
            head, _, rest = ast.unparse(node.value).partition(".")
            if head in bindings:  # `Router = routing.APIRouter`
                bindings[node.targets[0].id] = f"{bindings[head]}.{rest}" if rest \
                    else bindings[head]
        elif isinstance(node, (ast.If, ast.Try)):
            todo[:0] = node.body + node.orelse + getattr(node, "finalbody", []) + [
                stmt for handler in getattr(node, "handlers", []) for stmt in handler.body]
    return bindings, classes
