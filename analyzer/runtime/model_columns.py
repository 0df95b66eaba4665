"""The columns of a mapped class as SQLAlchemy builds its table: the class body's own
columns over those of its mixins and of its declarative base (facts/columns.py reads each
body). None — and the drift rules say nothing — when any part is not read: a base routerlint
cannot find, a mapped parent (inheritance: whose table?), a helper that may make columns,
`declarative_base(cls=...)`, a SQLModel class.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from routerlint.facts.model import Assign, ClassDef, Import, derived, walk_events
from routerlint.runtime.values import BaseRef, PlainClass

# The declarative machinery's own classes (and Python's): no column of theirs.
_NO_COLUMNS = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta", "AsyncAttrs",
                         "MappedAsDataclass", "object", "Generic", "ABC"})
Found = Tuple[str, Any]  # (module, ClassDef or Assign)


def _bindings(module: str, loaded: Any) -> Dict[str, Found]:
    """Each top-level name of `module` (blocks included, function bodies not) -> its last
    binding, as at run time: ("class"/"assign", the event) or ("import", (the absolute
    source module or None, the name imported)). Built once per module, not per lookup."""
    found: Dict[str, Found] = {}
    for event in sorted(walk_events(loaded.facts.events), key=lambda e: getattr(e, "line", 0)):
        if isinstance(event, ClassDef):
            found[event.name] = (module, event)
        elif isinstance(event, Assign):
            for name in event.names:
                found[name] = (module, event)
        elif isinstance(event, Import) and event.names:
            for imported, alias in event.names:
                if imported != "*":
                    found[alias or imported] = ("import", (_absolute(
                        module, loaded.is_package, event.module, event.level), imported))
    return found


def _binding(sim: Any, module: str, name: str, depth: int = 0) -> Optional[Found]:
    """Where `name` of `module` is defined: its class statement or assignment, following
    `from x import name` (relative ones too); the last binding wins, as at run time."""
    loaded = sim.sys_modules.get(module)
    if loaded is None or loaded.facts is None or loaded.path is None or depth > 8:
        return None  # an installed package's class: not followed
    found = derived(loaded.facts, ("bindings", module, loaded.is_package),
                    lambda: _bindings(module, loaded)).get(name)
    if found is not None and found[0] == "import":
        source, imported = found[1]
        return _binding(sim, source, imported, depth + 1) if source else None
    return found


def _absolute(module: str, is_package: bool, name: str, level: int) -> Optional[str]:
    if not level:
        return name
    parts = module.split(".") if is_package else module.split(".")[:-1]
    if level - 1 > len(parts):
        return None
    parts = parts[:len(parts) - (level - 1)]
    return ".".join(parts + ([name] if name else []))


def model_columns(sim: Any, module: str, cls: ClassDef, depth: int = 0
                  ) -> Optional[Dict[str, list]]:
    """{column name: its fact} of a mapped class, or None when not every part is read."""
    if cls.columns is None or depth > 8 or cls.table is not None or "table" in cls.keywords \
            or any(b and b.rpartition(".")[2] == "SQLModel" for b in cls.bases):
        return None  # `__table__`, SQLModel's Field(...) columns: not read
    loaded = sim.sys_modules.get(module)
    if loaded is None:
        return None
    merged: Dict[str, list] = {}
    for base in reversed(cls.bases):
        if base is None:
            return None
        last = base.rpartition(".")[2]
        value = sim.lookup(loaded, base)
        if isinstance(value, BaseRef) and value.mapped:
            return None  # inheritance: the columns live on the parent's table too
        if last in _NO_COLUMNS and not isinstance(value, (BaseRef, PlainClass)):
            continue
        if "." in base:
            return None  # `models.Base`: not followed
        found = _binding(sim, module, base)
        if found is None:
            return None
        where, event = found
        if isinstance(event, Assign):
            if (event.call or "").rpartition(".")[2] in ("declarative_base", "generate_base") \
                    and "cls" not in event.call_kwargs:
                continue
            return None
        inherited = model_columns(sim, where, event, depth + 1)
        if inherited is None:
            return None
        merged.update(inherited)
    for fact in cls.columns:
        merged[fact[1]] = fact
    return merged
