"""Alembic, judged statically: each script folder's revision files as Alembic loads them
(runtime/revision_loads.py), its revision map (RL400-RL403), the schema its upgrade builds
on an empty database (RL404, RL405), the model tables it never creates (RL406) and the
columns it builds otherwise than the models declare (RL407-RL410, runtime/drift.py), plus
the `migrations` section of the JSON output. Revisions and `env.py` are read, never
imported (project/migrations.py finds them, facts/revisions.py reads them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Set, Tuple

from routerlint.facts.cache import Cache, digest
from routerlint.facts.alembic_env import read_env_target
from routerlint.facts.revisions import REVISION_FORMAT, Revision, read_revision
from routerlint.facts.stamps import read_stamped, stat_unchanged
from routerlint.project.discover import Project
from routerlint.project.migrations import (
    ScriptLocation, revision_files, script_locations, unread_files,
)
from routerlint.results import Diagnostic, Related, diagnostic_from_json, diagnostic_to_json
from routerlint.rules.rl400_multiple_heads import RULE as MULTIPLE_HEADS
from routerlint.rules.rl401_unknown_down_revision import RULE as UNKNOWN_DOWN
from routerlint.rules.rl402_duplicate_revision_id import RULE as DUPLICATE_ID
from routerlint.rules.rl403_revision_cycle import RULE as CYCLE
from routerlint.rules.rl404_duplicate_in_chain import RULE as DUPLICATE
from routerlint.rules.rl405_missing_target import RULE as MISSING
from routerlint.rules.rl406_model_table_not_migrated import RULE as NOT_MIGRATED
from routerlint.facts.model import Call, body_search, derived, walk_events
from routerlint.runtime.drift import ModelClasses, drift, every_table_named
from routerlint.runtime.engines import Wirings, create_all_note, other_engine
from routerlint.runtime.revision_loads import Unit, folder_loads, load_findings
from routerlint.runtime.revision_map import RevisionMap, build
from routerlint.runtime.schema_replay import Schema, replay
from routerlint.runtime.values import BaseRef, MetaRef

REPLAY_RULES = {"RL404": DUPLICATE, "RL405": MISSING}


Suppressions = Dict[str, Dict[int, List[str]]]
Stamp = Tuple[int, int, str]  # (size, mtime_ns or -1 when racy, sha256): facts/stamps.py


@dataclass
class Scripts:
    """The project's Alembic script folders and their revision files, found once a run: the
    phases keep revision files out of the app's modules (Alembic loads them, the app never
    imports them), and analyse() judges them."""
    locations: List[ScriptLocation]
    configs: List[Path]  # the alembic.ini files read
    files: Dict[Path, List[str]]  # script folder -> its revision files, in Alembic's order

    def revision_paths(self) -> Set[str]:
        return {path for paths in self.files.values() for path in paths}


def find_scripts(project: Project) -> Scripts:
    """Every script folder of `project` (project/migrations.py) and its revision files."""
    configs: List[Path] = []
    locations = script_locations(project.root, project.excludes, project.source_roots,
                                 configs)
    return Scripts(locations, configs,
                   {location.folder: revision_files(location) for location in locations})


def analyse(project: Project, sims: Iterable[Any], cache: Optional[Cache] = None,
            stamps: Optional[Dict[str, Stamp]] = None, scripts: Optional[Scripts] = None,
            unit: Optional[Unit] = None,
            judge: Optional[Callable[[List[str]], Optional[List[Any]]]] = None
            ) -> Tuple[List[Diagnostic], Optional[List[dict]], Suppressions]:
    """(findings, the JSON section, the revision files' suppression comments) for every
    Alembic script folder (`scripts`, found here when not given); ([], None, {}) without
    one. Revision facts are cached by content (and path) beside the files' facts: a long
    chain is parsed once. Every file consulted (configs, env.py, revisions) gets its stamp
    in `stamps`, for the report cache. `unit` (phases.py) simulates the revisions' imports
    (runtime/revision_loads.py); without it they are not judged. `judge`: the target
    Python's syntax verdicts on absolute paths, when it is not this one (phases.py)."""
    stamps = {} if stamps is None else stamps
    scripts = find_scripts(project) if scripts is None else scripts
    rejudge = None if judge is None else (
        lambda rels: judge([str(project.root / rel) for rel in rels]))
    configs, locations = scripts.configs, scripts.locations
    for path in configs:
        read_stamped(str(path), stamps)
    envs = {location.folder: read_stamped(str(location.env_py), stamps)  # None: unreadable
            for location in locations}
    sims = list(sims)
    wirings = Wirings(project, sims, cache) if _calls_create_all(sims) else None
    if not locations:
        return _other_engine(wirings, sims, []), None, {}
    found: List[Diagnostic] = []
    section = []
    suppressions: Suppressions = {}
    judged: List[Judged] = []
    refused: Set[Any] = set()
    kept = _KeptStamps(cache)
    for location in locations:
        folder = _folder(project, location, scripts.files[location.folder], cache, kept,
                         stamps)
        suppressions.update(folder.suppressions)
        found += folder.found + load_findings(project.rel(location.folder), folder.loads, unit,
                                              rejudge)
        if folder.refused:
            refused.add(location.folder)
        env = envs[location.folder]
        schemas = folder.schemas if folder.chain_complete and _models_judgeable(location, env) \
            else None
        judged.append((location, schemas) + _target_metadata(env, sims))
        section.append(folder.section)
    kept.save()
    return (found + _not_migrated(project, judged, sims, wirings)
            + _drift(project, [j for j in judged if j[0].folder not in refused], sims)
            + _other_engine(wirings, sims, judged),
            section, suppressions)


def _calls_create_all(sims: List[Any]) -> bool:
    """Whether any module may call `<metadata>.create_all(...)` (its facts say so: cheap)."""
    seen = set()  # each module once, not once per simulation that imported it
    for sim in sims:
        for module in sim.sys_modules.values():
            facts = module.facts
            if module.path is None or facts is None or id(facts) in seen:
                continue
            seen.add(id(facts))
            if derived(facts, "calls create_all", lambda: _calls_it(facts)):
                return True
    return False


def _calls_it(facts: Any) -> bool:
    return any(isinstance(event, Call) and event.func.endswith(".create_all")
               for event in walk_events(facts.events, body_search(facts, "create_all")))


class _MaybeMigrated:
    """Tables an Alembic revision may create (on whichever database it runs): those at a
    head, those the replay cannot judge, any table when a folder cannot be judged."""

    def __init__(self, judged: List["Judged"]) -> None:
        self.judged = judged

    def __contains__(self, table: object) -> bool:
        return any(schemas is None or any(table in s.tables or not s.knows(str(table))
                                          for s in schemas)
                   for _, schemas, _, _ in self.judged)


def _other_engine(wirings: Optional[Wirings], sims: List[Any], judged: List["Judged"]
                  ) -> List[Diagnostic]:
    if wirings is None:
        return []
    tables: Dict[Tuple[str, Optional[str], str], Any] = {}
    for sim in sims:
        for key, table in getattr(sim, "tables", {}).items():
            tables.setdefault(key, table)
    return other_engine(wirings, tables, _MaybeMigrated(judged))


def _drift(project: Project, judged: List["Judged"], sims: List[Any]) -> List[Diagnostic]:
    """RL407-RL410 for each folder that builds one head: its targeted models' columns."""
    found: List[Diagnostic] = []
    named: Optional[bool] = None
    classes = ModelClasses(sims)
    for location, schemas, metas, _ in judged:
        if schemas is None or len(schemas) != 1:
            continue
        models: Dict[str, Any] = {}
        for sim in sims:
            for (meta, schema_name, name), table in getattr(sim, "tables", {}).items():
                qualified = f"{schema_name}.{name}" if schema_name else name
                if (metas is not None and meta not in metas) or _is_test(table.path) \
                        or qualified in models:
                    continue
                owner = classes.of(table)
                models[qualified] = (table,) + (owner if owner else (None, None))
        if named is None:
            named = every_table_named(sims)
        found += drift(schemas[0], models, named, f"{project.rel(location.folder)}/")
    return found


# (location, the schema at each head or None when unknown, env.py's MetaData keys or None,
# the target_metadata line)
Judged = Tuple[ScriptLocation, Optional[List[Schema]], Optional[Set[str]], int]


def _models_judgeable(location: ScriptLocation, env: Optional[bytes]) -> bool:
    """Whether the chain routerlint read (complete, see _Folder) is the one that runs and
    decides every table: not with version subfolders Alembic is not told to read (prefect
    picks one in code), not when env.py (`env`; None when unreadable) filters tables
    (`include_object`, `include_name`: compare_metadata then ignores some by design)."""
    if unread_files(location):
        return False
    return env is None or (b"include_object" not in env and b"include_name" not in env)


@dataclass
class _Folder:
    """What one script folder's revisions alone decide; cached whole, by their contents."""
    found: List[Diagnostic]  # RL400-RL405
    schemas: Optional[List[Schema]]  # the schema at each head; None when not judged
    chain_complete: bool  # there are revisions and Alembic builds their map
    suppressions: Suppressions
    section: dict  # its part of the JSON `migrations` section
    refused: bool  # the upgrade stops (RL404/RL405): no head to compare the models with
    loads: dict  # what loading the folder runs (runtime/revision_loads.py)

    def to_json(self) -> dict:
        return {"found": [diagnostic_to_json(d) for d in self.found],
                "schemas": None if self.schemas is None else [s.to_json() for s in self.schemas],
                "chain_complete": self.chain_complete, "suppressions": self.suppressions,
                "section": self.section, "refused": self.refused, "loads": self.loads}

    @classmethod
    def from_json(cls, data: dict) -> "_Folder":
        schemas = data["schemas"]
        return cls([diagnostic_from_json(d) for d in data["found"]],
                   None if schemas is None else [Schema.from_json(s) for s in schemas],
                   bool(data["chain_complete"]),
                   {path: {int(line): codes for line, codes in lines.items()}
                    for path, lines in data["suppressions"].items()},
                   dict(data["section"]), bool(data["refused"]), dict(data["loads"]))


def _folder(project: Project, location: ScriptLocation, paths: List[str],
            cache: Optional[Cache], kept: "_KeptStamps", stamps: Dict[str, Stamp]) -> _Folder:
    """The folder judged from its revisions: one cache entry keyed by every file's path and
    content, so that an unchanged chain of 500 revisions is ~500 stat() calls and one JSON
    decode, neither read nor replayed again; a changed file is read (its neighbours' facts
    come from their own entries) and the chain judged again. A file whose size and mtime
    are those kept (not racy) is not even read: its content hash is the one kept."""
    if cache is None:
        return _judge_folder(project, location, [
            _read(project, path, None, read_stamped(path, stamps)) for path in paths])
    contents: Dict[str, Optional[bytes]] = {}
    for path in paths:
        if not kept.trusted(path, stamps):
            contents[path] = read_stamped(path, stamps)
            if path in stamps:
                kept.record(path, stamps[path])
    where = b"%s\0%s\0%d" % (project.rel(location.folder).encode(),
                              project.rel(location.declared_in).encode()
                              if location.declared_in else b"-", location.line)
    key = digest(b"alembic-folder\0%d\0%s\0" % (REVISION_FORMAT, where) + b"\0".join(
        b"%s\0%s" % (project.rel(path).encode(),
                     stamps[path][2].encode() if path in stamps else b"-")
        for path in paths))
    complete = all(path in stamps for path in paths)
    return cache.memo(key, _Folder.from_json, lambda: _judge_folder(project, location, [
        _read(project, path, cache, contents.get(path)) for path in paths]),
        lambda folder: folder.to_json() if complete else None)


def _judge_folder(project: Project, location: ScriptLocation, revisions: List[Revision]
                  ) -> _Folder:
    chain = build(revisions)
    found: List[Diagnostic] = []
    schemas = None
    if all(r.revision is not None and r.down_known for r in revisions):
        # (an id routerlint cannot read could be any parent: else say nothing)
        found, schemas = _judge(project, location, chain)
    return _Folder(found, schemas, bool(chain.files) and not chain.broken,
                   {r.path: r.suppressions for r in revisions if r.suppressions},
                   _describe(project, location, revisions, chain),
                   any(d.code in REPLAY_RULES for d in found), folder_loads(revisions))


class _KeptStamps:
    """The revision files' stamps of the last run (one cache entry per project), so that an
    unchanged chain is stat()ed, not read and hashed, as the report cache does. Saved with
    this run's files only: a deleted revision's stamp goes with it."""

    KEY = digest(b"alembic-revision-stamps")

    def __init__(self, cache: Optional[Cache]) -> None:
        self.cache = cache
        raw = cache.read(self.KEY) if cache is not None else None
        stored = cache.decode(self.KEY, raw) if cache is not None and raw is not None else None
        self.stamps: Dict[str, list] = stored if isinstance(stored, dict) else {}
        self.now: Dict[str, list] = {}  # this run's files

    def trusted(self, path: str, stamps: Dict[str, Stamp]) -> bool:
        known = self.stamps.get(path)
        if not isinstance(known, list) or len(known) != 3 or not stat_unchanged(path, known):
            return False
        stamps[path] = tuple(known)  # type: ignore[assignment]
        self.now[path] = known
        return True

    def record(self, path: str, stamp: Stamp) -> None:
        self.now[path] = list(stamp)

    def save(self) -> None:
        if self.cache is not None and self.now != self.stamps:
            self.cache.put(self.KEY, self.now)


def _read(project: Project, path: str, cache: Optional[Cache], data: Optional[bytes]
          ) -> Revision:
    rel = project.rel(path)
    if data is None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            return Revision(rel, error=f"unreadable: {exc}")
    if cache is None:
        return read_revision(data, rel)
    key = digest(b"alembic-revision\0%d\0%s\0%s" % (REVISION_FORMAT, rel.encode(), data))
    return cache.memo(key, Revision.from_json, lambda: read_revision(data, rel),
                      Revision.to_json)


def _judge(project: Project, location: ScriptLocation, chain: RevisionMap
           ) -> Tuple[List[Diagnostic], List[Schema]]:
    found = []
    for ignored, kept in chain.duplicates:
        found.append(DUPLICATE_ID.diagnostic(
            ignored.path, ignored.line, 1,
            f"revision id '{ignored.revision}' is also declared by {kept.path}:{kept.line}; "
            "Alembic keeps that later file, yet still counts this one as a head: `alembic "
            "upgrade head` fails (Multiple head revisions are present)",
            related=[Related(kept.path, kept.line, "the file Alembic uses for this id")],
            symbol=f"{ignored.revision}:{ignored.path}"))
    for rev, missing, line in chain.unknown:
        if missing in rev.down:
            what, said = "down_revision", (f"Revision {missing} referenced from "
                                           f"{rev.revision} is not present")
        else:  # looked up without a warning, before any down_revision
            what, said = "depends_on", f"KeyError: '{missing}' while it resolves depends_on"
        found.append(UNKNOWN_DOWN.diagnostic(
            rev.path, line or rev.line, 1,
            f"revision {rev.revision}: {what} '{missing}' names no revision in "
            f"{project.rel(location.folder)}/; every Alembic command fails ({said})",
            symbol=missing))
    for cycle in chain.cycles:
        ids = ", ".join(r.revision for r in cycle)
        for rev in cycle:
            found.append(CYCLE.diagnostic(
                rev.path, rev.down_line or rev.line, 1,
                f"revision {rev.revision} is in a down_revision cycle ({ids}); every Alembic "
                "command fails (Cycle is detected in revisions)",
                related=[Related(o.path, o.down_line or o.line, f"revision {o.revision}")
                         for o in cycle if o is not rev], symbol=rev.revision))
    if chain.broken:
        return found, []  # Alembic builds no map: nothing runs, nothing more to say
    if len(chain.heads) > 1:
        heads = ", ".join(chain.heads)
        for head in chain.heads:
            rev = chain.by_id[head]
            found.append(MULTIPLE_HEADS.diagnostic(
                rev.path, rev.line, 1,
                f"revision {head} is one of {len(chain.heads)} heads ({heads}); `alembic "
                "upgrade head` fails (Multiple head revisions are present)",
                related=[Related(chain.by_id[o].path, chain.by_id[o].line, f"head {o}")
                         for o in chain.heads if o != head], symbol=head))
    schemas: List[Schema] = []
    seen: Set[Tuple[str, str, int]] = set()
    for head in chain.heads:
        schema, problems = replay(chain.ancestors_in_order(head))
        schemas.append(schema)
        for problem in problems:
            key = (problem.code, problem.rev.path, problem.op.line)
            if key in seen:
                continue
            seen.add(key)
            op, related = problem.op, [Related(p, n, note) for p, n, note in problem.related]
            message = problem.message
            if op.block:  # Alembic runs a batch, and fails, where its `with` block ends
                message += (f"; batch_alter_table runs it when the block that starts here "
                            f"ends (the operation: line {op.line})")
                related.insert(0, Related(problem.rev.path, op.line, "the batch operation"))
            found.append(REPLAY_RULES[problem.code].diagnostic(
                problem.rev.path, op.block or op.line, 1, message, related=related,
                symbol=problem.symbol))
    return found, schemas


def _not_migrated(project: Project, judged: List[Judged], sims: List[Any],
                  wirings: Optional[Wirings] = None) -> List[Diagnostic]:
    """RL406: model tables no script folder creates. A table counts for the folders whose
    env.py targets its MetaData (every folder when that is unknown); it is migrated when
    any of them creates it, and not judged when one of them cannot be judged. Tables that
    only tests register are left out."""
    tables: Dict[Tuple[str, Optional[str], str], Any] = {}
    for sim in sims:
        for key, table in getattr(sim, "tables", {}).items():
            tables.setdefault(key, table)
    found = []
    calls = wirings.create_alls() if wirings is not None else []
    for (meta, schema_name, name), table in sorted(tables.items(), key=lambda kv: (
            kv[1].path, kv[1].line)):
        if _is_test(table.path):
            continue
        qualified = f"{schema_name}.{name}" if schema_name else name
        targets = [j for j in judged if j[2] is None or meta in j[2]]
        if not targets or any(schemas is None or any(
                qualified in s.tables or not s.knows(qualified) for s in schemas)
                for _, schemas, _, _ in targets):
            continue
        location, _, metas, target_line = targets[0]
        if metas is not None:
            related = Related(project.rel(location.env_py), target_line,
                              "env.py hands Alembic this MetaData")
        else:
            related = Related(project.rel(location.declared_in or location.env_py),
                              location.line or 1, "the Alembic script folder")
        folders = ", ".join(f"{project.rel(j[0].folder)}/" for j in targets)
        found.append(NOT_MIGRATED.diagnostic(
            table.path, table.line, 1,
            f"table '{qualified}' ({table.owner}) is created by no revision in {folders}: "
            f"after `alembic upgrade head` every query on it fails (relation "
            f"\"{qualified}\" does not exist){create_all_note(calls, meta, wirings)}",
            related=[related] + [Related(c.path, c.line, "create_all of its MetaData")
                                 for c in calls if c.meta == meta], symbol=qualified))
    return found


def _is_test(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
            or any(part in ("tests", "test") for part in parts[:-1]))


def _target_metadata(env: Optional[bytes], sims: List[Any]
                     ) -> Tuple[Optional[Set[str]], int]:
    """The MetaData keys `env.py` (`env`; None when unreadable) hands Alembic
    (`target_metadata = Base.metadata`, or a list of them): env.py's imports looked up in the
    simulations (env.py itself is often not importable: a folder named `alembic/` is shadowed
    by the installed package); None when unknown, and then every model counts."""
    if env is None:
        return None, 0
    target = read_env_target(env)
    if target is None or target.refs is None:
        return None, 0
    keys = set()
    for module, path in target.refs:
        key = _metadata_key(module, path, sims)
        if key is None:
            return None, 0
        keys.add(key)
    return keys, target.line


def _metadata_key(module: str, path: List[str], sims: List[Any]) -> Optional[str]:
    if module == "sqlmodel" and path == ["SQLModel", "metadata"]:
        return "sqlmodel"
    # `import app.models` then `app.models.Base.metadata`: the longest imported module
    parts = module.split(".") + path
    for sim in sims:
        loaded = getattr(sim, "sys_modules", {})
        for cut in range(len(parts) - 1, 0, -1):
            owner = loaded.get(".".join(parts[:cut]))
            if owner is None:
                continue
            value = owner.ns.get(parts[cut])
            rest = parts[cut + 1:]
            if isinstance(value, BaseRef) and rest == ["metadata"]:
                return value.meta_key
            if isinstance(value, MetaRef) and not rest:
                return value.key
            break
    return None


def _describe(project: Project, location: ScriptLocation, revisions: List[Revision],
              chain: RevisionMap) -> dict:
    return {
        "script_location": project.rel(location.folder),
        "config": project.rel(location.declared_in) if location.declared_in else None,
        "revisions": [{"id": r.revision, "path": r.path, "line": r.line,
                       "message": r.message,
                       "parents": r.down, "depends_on": r.depends_on,
                       "branch_labels": r.branch_labels, "ops": len(r.ops),
                       **({"error": r.error} if r.error else {})} for r in revisions],
        "heads": [] if chain.broken else chain.listed_heads,
    }
