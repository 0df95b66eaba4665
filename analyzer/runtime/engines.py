"""Tables and engines: `create_all` builds a MetaData's tables on the database of one engine;
a session bound to another engine then queries a model of that MetaData and the database
refuses it (UndefinedTable / no such table) although create_all "ran" (RL411). Also says,
for RL406, where create_all is called on a MetaData and on which engine.

Everything is resolved statically from facts/sessions.py, across modules through their
imports; the MetaData of `Base.metadata` and the models' tables come from the simulations.
Whatever is not clear — an engine made in a function, a session passed around, two engines
whose URLs cannot be told apart, a table an Alembic revision may create — is "cannot tell",
and nothing is said.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Set, Tuple

from routerlint.facts.cache import Cache, digest
from routerlint.facts.sessions import MARKERS, WIRING_FORMAT, Wiring, read_wiring
from routerlint.results import Diagnostic, Related
from routerlint.rules.rl411_create_all_other_engine import RULE as OTHER_ENGINE
from routerlint.runtime.values import BaseRef, MetaRef

Ref = Tuple[str, str]  # (module, name) where a name is defined


@dataclass
class CreateAll:
    path: str
    line: int
    meta: str  # the MetaData key (runtime/values.py)
    engine: Optional[Ref]  # None: cannot tell
    function: Optional[str]
    text: str  # as written: "Base.metadata"


class Wirings:
    """Every project module's wiring facts, and name resolution across them."""

    def __init__(self, project: Any, sims: List[Any], cache: Optional[Cache]) -> None:
        self.project, self.sims = project, sims
        self.by_module: Dict[str, Wiring] = {}
        self.paths: Dict[str, str] = {}
        seen: Set[str] = set()
        for sim in sims:
            for name, module in sim.sys_modules.items():
                if name in seen or module.path is None or module.facts is None:
                    continue
                seen.add(name)
                wiring = self._read(name, module, cache)
                if wiring is not None:
                    self.by_module[name] = wiring
                    self.paths[name] = module.path

    def _read(self, name: str, module: Any, cache: Optional[Cache]) -> Optional[Wiring]:
        try:
            data = (self.project.root / module.path).read_bytes()
        except OSError:
            return None
        if not any(marker in data for marker in MARKERS):
            return None
        key = digest(b"session-wiring\0%d\0%s\0%d\0%s" % (
            WIRING_FORMAT, name.encode(), module.is_package, data))
        if cache is None:
            return read_wiring(data, name, module.is_package)
        return cache.memo(key, Wiring.from_json,
                          lambda: read_wiring(data, name, module.is_package),
                          lambda found: found.to_json() if found is not None else None)

    def resolve(self, module: str, dotted: str, depth: int = 0) -> Optional[Ref]:
        """Where `dotted`, read in `module`, is defined: (module, name)."""
        wiring = self.by_module.get(module)
        if depth > 8:
            return None
        first, _, rest = dotted.partition(".")
        imported = wiring.imports.get(first) if wiring is not None else None
        if imported is None:
            return (module, dotted) if not rest else None
        source, name = imported
        if name is None:  # `import a.b as m`: m.x is a.b's x
            return self.resolve(source, rest, depth + 1) if rest else None
        if rest:  # `from app import db` then db.engine: a submodule's name
            return self.resolve(f"{source}.{name}", rest, depth + 1)
        if source in self.by_module or any(source in s.sys_modules for s in self.sims):
            target = self.by_module.get(source)
            if target is not None and name in target.imports:
                return self.resolve(source, name, depth + 1)
            return (source, name)
        return None

    def engine_of_session(self, module: str, ref: str, kind: str) -> Optional[Ref]:
        """The engine a session made from `ref` is bound to."""
        where = self.resolve(module, ref)
        if where is None:
            return None
        wiring = self.by_module.get(where[0])
        if wiring is None:
            return None
        if kind == "engine":
            return where if where[1] in wiring.engines else None
        if where[1] in wiring.makers:
            return self._engine(where[0], wiring.makers[where[1]][1])
        helper = wiring.helpers.get(where[1])
        if helper is not None:
            return self.engine_of_session(where[0], helper[1], helper[2] if helper[2] ==
                                          "engine" else "call")
        return None

    def _engine(self, module: str, ref: Optional[str]) -> Optional[Ref]:
        if ref is None:
            return None
        where = self.resolve(module, ref)
        if where is None or where[0] not in self.by_module:
            return None
        return where if where[1] in self.by_module[where[0]].engines else None

    def url(self, engine: Ref) -> Optional[str]:
        return self.by_module[engine[0]].engines[engine[1]][1]

    def url_key(self, engine: Ref) -> Optional[object]:
        """What an engine's URL is made from, comparable across modules: the place a URL
        name is defined (`DATABASE_URL` imported from app.config), else its source text."""
        text = self.url(engine)
        if text is None:
            return None
        if text.replace(".", "").replace("_", "").isalnum() and not text[:1].isdigit():
            return self.resolve(engine[0], text) or text
        return text

    def engine_line(self, engine: Ref) -> Tuple[str, int]:
        return self.paths[engine[0]], self.by_module[engine[0]].engines[engine[1]][0]

    def metadata_key(self, module: str, text: str) -> Optional[str]:
        """The MetaData key of `Base.metadata` / `metadata` read in `module`."""
        for sim in self.sims:
            loaded = sim.sys_modules.get(module)
            if loaded is None:
                continue
            value = sim.lookup(loaded, text)
            if isinstance(value, MetaRef):
                return value.key
            if isinstance(value, BaseRef):
                return None
        return None

    def create_alls(self) -> List[CreateAll]:
        found = []
        for module, wiring in sorted(self.by_module.items()):
            for line, metadata, engine, function in wiring.create_alls:
                meta = self.metadata_key(module, metadata)
                if meta is None:
                    continue
                found.append(CreateAll(self.paths[module], line, meta,
                                       self._engine(module, engine), function, metadata))
        return found


def create_all_note(calls: List[CreateAll], meta: str, wirings: Optional[Wirings]) -> str:
    """For RL406: where create_all builds this MetaData's tables, and on which engine."""
    mine = [c for c in calls if c.meta == meta]
    if not mine or wirings is None:
        return ("; routerlint finds no `create_all` call on its MetaData: only a database "
                "built some other way has the table")
    parts = []
    for call in mine:
        where = f"in {call.function}()" if call.function else "at import"
        engine = (f"engine '{call.engine[1]}' ({':'.join(map(str, wirings.engine_line(call.engine)))})"
                  if call.engine else "an engine routerlint cannot tell")
        parts.append(f"{call.path}:{call.line} ({where}, on {engine})")
    return ("; create_all builds it only where the app calls it: " + ", ".join(parts)
            + " — which hides the missing revision in development")


def other_engine(wirings: Wirings, tables: Dict[Tuple[str, Optional[str], str], Any],
                 migrated: Set[str]) -> List[Diagnostic]:
    """RL411: a model queried through a session whose engine is not the one create_all
    builds its MetaData on."""
    calls = wirings.create_alls()
    by_meta: Dict[str, List[CreateAll]] = {}
    for call in calls:
        by_meta.setdefault(call.meta, []).append(call)
    classes = {(t.module, t.owner[len("class "):]): (key, t) for key, t in tables.items()
               if t.owner.startswith("class ")}
    found: List[Diagnostic] = []
    said: Set[Tuple[str, str, str]] = set()
    for module, wiring in sorted(wirings.by_module.items()):
        for line, ref, kind, model, function in sorted(wiring.queries):
            target = wirings.resolve(module, model)
            hit = classes.get(target) if target else None
            if hit is None:
                continue
            (meta, schema, name), table = hit
            qualified = f"{schema}.{name}" if schema else name
            made = by_meta.get(meta, [])
            if not made or any(c.engine is None for c in made) or qualified in migrated:
                continue  # no create_all, one whose engine is unclear, or Alembic's table
            engine = wirings.engine_of_session(module, ref, kind)
            if engine is None or any(c.engine == engine for c in made):
                continue
            url, others = wirings.url_key(engine), [wirings.url_key(c.engine) for c in made]
            if url is None or None in others or url in others:
                continue  # the same URL, or one routerlint cannot read: maybe one database
            if (module, function, qualified) in said:
                continue  # the first query of it in this function fails: said once
            said.add((module, function, qualified))
            url = wirings.url(engine)
            first = made[0]
            engine_path, engine_line = wirings.engine_line(engine)
            related = [Related(first.path, first.line,
                               f"create_all builds {first.text}'s tables on engine "
                               f"'{first.engine[1]}' ({url_text(wirings.url(first.engine))})"),
                       Related(engine_path, engine_line,
                               f"the session's engine '{engine[1]}' ({url_text(url)})"),
                       Related(table.path, table.line, f"{table.owner}, table '{qualified}'")]
            found.append(OTHER_ENGINE.diagnostic(
                wirings.paths[module], line, 1,
                f"{function}() queries {table.owner[len('class '):]} (table '{qualified}') "
                f"through a session bound to engine '{engine[1]}', but create_all creates "
                f"that table only on engine '{first.engine[1]}' ({first.path}:{first.line}): "
                f"the two engines are built from different URLs, so the query fails at run "
                f"time (relation \"{qualified}\" does not exist)",
                related=related, symbol=f"{qualified}:{engine[1]}"))
    return found


def url_text(url: Optional[str]) -> str:
    return f"url {url}" if url is not None else "its url unknown"
