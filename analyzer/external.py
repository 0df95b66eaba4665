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

import os
import re
from typing import Dict, FrozenSet, List, Optional, Set, Tuple

from routerlint.facts import Assign, Bind, ClassDef, DynamicImport, FunctionDef, Import

_TRICKS = re.compile(
    rb"sys\.modules\s*\[|globals\(\)|vars\(\)|\bexec\s*\(|setattr\s*\(|__getattr__|"
    rb"^\s*match\s[^\n]*:\s*$|__path__", re.M)
_WALRUS = re.compile(rb"\b([A-Za-z_]\w*)\s*:=")

Names = Tuple[Optional[FrozenSet[str]], Optional[List[str]], bool]
Stamp = Tuple[int, int, str]  # (size, mtime_ns or -1, sha256): see reportcache

# (path, mtime_ns, size) -> ((names or None, literal __all__ or None, __all__ assigned at all),
# {path: stamp} of every file the answer was read from: the module and its star-imports)
_CACHE: Dict[Tuple[str, int, int], Tuple[Names, Dict[str, Stamp]]] = {}

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
    global _disk_dirty
    try:
        stat = os.stat(path)
    except OSError:
        return (None, None, True), {}
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key in _CACHE:
        return _CACHE[key]
    disk_key = f"{path}|{stat.st_mtime_ns}|{stat.st_size}|{target[0]}.{target[1]}"
    stored = _disk.get(disk_key)
    if stored is not None:
        from routerlint.reportcache import same_file

        try:
            names, all_names, dynamic, deps = stored
            if all(same_file(p, *stamp) for p, stamp in deps.items()):
                found = ((frozenset(names) if names is not None else None, all_names,
                          bool(dynamic)), {p: tuple(st) for p, st in deps.items()})
                _CACHE[key] = found  # type: ignore[assignment]
                return found  # type: ignore[return-value]
        except (TypeError, ValueError, AttributeError):
            pass
    seen = set(_seen or ()) | {module}
    deps: Dict[str, Stamp] = {}
    result = _read(path, module, is_package, locate, target, seen, deps)
    _CACHE[key] = (result, deps)
    names = sorted(result[0]) if result[0] is not None else None
    _disk[disk_key] = [names, result[1], result[2], deps]
    _disk_dirty = True
    return result, deps


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
    from routerlint.scanner import scan_source

    try:
        st = os.stat(path)
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None, None, True
    from routerlint.reportcache import now_ns, stamp_file

    deps[path] = stamp_file(path, data, st, now_ns())
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
        if event.level:
            parts = package.split(".")
            if event.level - 1 >= len(parts):
                return False
            base = ".".join(parts[: len(parts) - (event.level - 1)]
                            + ([event.module] if event.module else []))
        else:
            base = event.module
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
