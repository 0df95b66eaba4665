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

from routerlint.facts.imports import absolute, resolve
from routerlint.facts.model import Assign, Bind, ClassDef, DynamicImport, FunctionDef, Import

_TRICKS = re.compile(
    rb"sys\.modules\s*\[|globals\(\)|vars\(\)|\bexec\s*\(|setattr\s*\(|__getattr__|"
    rb"^\s*match\s[^\n]*:\s*$|__path__", re.M)
_WALRUS = re.compile(rb"\b([A-Za-z_]\w*)\s*:=")

Names = Tuple[Optional[FrozenSet[str]], Optional[List[str]], bool]
Stamp = Tuple[int, int, str]  # (size, mtime_ns or -1, sha256): see reportcache

# "path|mtime_ns|size|what" -> (answer, {path: stamp} of every file it was read from). For
# names: ((names or None, literal __all__ or None, __all__ assigned at all), the module and
# its star-imports).
_CACHE: Dict[str, Tuple[object, Dict[str, Stamp]]] = {}

# The files this run's answers came from (the engine resets it per run; the report cache
# records them).
READ: Dict[str, Stamp] = {}

# Answers kept on disk between runs (.routerlint_cache/external-*.json), checked against the
# stamps of their files: a one-file change then never re-parses installed packages.
_disk: Dict[str, list] = {}
_disk_dirty = False


def load_disk(cache) -> None:
    global _disk, _disk_dirty
    _disk, _disk_dirty = (cache.get_external() if cache is not None else None) or {}, False


def save_disk(cache) -> None:
    if cache is not None and _disk_dirty:
        cache.put_external(_disk)


def module_names(path: str, module: str, is_package: bool, locate, target=(3, 11),
                 _seen: Optional[Set[str]] = None) -> Names:
    """(names, all_names, dynamic_all) for the module at `path`; names None when unknown.
    `locate(dotted)` returns an environment Located (for star-imports inside the package)."""
    result, deps = _names(path, module, is_package, locate, target, _seen)
    READ.update(deps)
    return result


def _names(path, module, is_package, locate, target, _seen) -> Tuple[Names, Dict[str, Stamp]]:
    def compute():
        deps: Dict[str, Stamp] = {}
        seen = set(_seen or ()) | {module}
        return _read(path, module, is_package, locate, target, seen, deps), deps

    return _remembered(
        path, f"|{target[0]}.{target[1]}", compute,
        encode=lambda r: [sorted(r[0]) if r[0] is not None else None, r[1], r[2]],
        decode=lambda d: (frozenset(d[0]) if d[0] is not None else None, d[1], bool(d[2])),
        unreadable=(None, None, True))


def removed_names(path: str, module: str) -> Dict[str, str]:
    """The names `module`'s `__getattr__` refuses per its library's migration table
    (runtime/removed_names.py), remembered like its names."""
    from routerlint.runtime.removed_names import removed_names as read_removed

    def compute():
        deps: Dict[str, Stamp] = {}
        return read_removed(path, module, deps), deps

    removed, deps = _remembered(path, f"|removed|{module}", compute, encode=lambda r: [r],
                                decode=lambda d: dict(d[0]), unreadable={})
    READ.update(deps)
    return removed


def _remembered(path: str, suffix: str, compute, encode, decode, unreadable):
    """(answer, {path: stamp} of the files it was read from) for the file at `path`: from this
    process, else from disk while every one of those files is unchanged, else `compute()`.
    `encode`/`decode` turn an answer into JSON-ready fields and back."""
    global _disk_dirty
    try:
        stat = os.stat(path)
    except OSError:
        return unreadable, {}
    key = f"{path}|{stat.st_mtime_ns}|{stat.st_size}{suffix}"
    if key in _CACHE:
        return _CACHE[key]
    stored = _disk.get(key)
    if stored is not None:
        from routerlint.facts.stamps import same_file

        try:
            *fields, deps = stored
            if all(same_file(p, *stamp) for p, stamp in deps.items()):
                found = (decode(fields), {p: tuple(st) for p, st in deps.items()})
                _CACHE[key] = found
                return found
        except (TypeError, ValueError, AttributeError, IndexError):
            pass
    answer, deps = compute()
    _CACHE[key] = (answer, deps)
    _disk[key] = encode(answer) + [deps]
    _disk_dirty = True
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


def _read(path, module, is_package, locate, target, seen, deps):
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
    package = module if is_package else module.rpartition(".")[0]
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
        (star_names, star_all, dynamic), star_deps = _names(
            located.file, base, located.is_package, locate, target, seen)
        deps.update(star_deps)
        if star_names is None or dynamic:
            return False
        names.update(star_all if star_all is not None
                     else (n for n in star_names if not n.startswith("_")))
        return True

    walk(facts.events)
    if unknown:
        return None, None, True
    dynamic_all = "__all__" in names and facts.all_names is None
    return frozenset(names), facts.all_names, dynamic_all



Shape = Tuple[Dict[str, str], Dict[str, List[str]]]


def module_classes(path: str, module: str, is_package: bool) -> Shape:
    """(the names its imports and aliases bind -> dotted targets, its top-level classes ->
    their bases as written) for an installed module: what a project's `router =
    VersionedRouter()` needs to know that a library's `class VersionedRouter(APIRouter)` is a
    router. Read with `ast` (library modules can be long; this needs no positions) and
    remembered like its names."""

    def compute():
        from routerlint.facts.stamps import read_stamped

        deps: Dict[str, Stamp] = {}
        data = read_stamped(path, deps)
        try:
            tree = ast.parse(data or b"")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return ({}, {}), deps
        package = module if is_package else module.rpartition(".")[0]
        return _shape(tree.body, package), deps

    shape, deps = _remembered(path, f"|classes|{module}", compute, encode=lambda r: list(r),
                              decode=lambda d: (dict(d[0]), dict(d[1])), unreadable=({}, {}))
    READ.update(deps)
    return shape


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
