"""Models against the schema `alembic upgrade head` builds, column by column — what `alembic
check` (compare_metadata) reports, said before deploy: a model column no revision adds
(RL407), a table or column at head no model declares (RL408), a declared type or nullability
that differs on the two sides (RL409, RL410). Each message ends with the difference as
`alembic check` names it, e.g. `(alembic check: add_column users.email)`.

Only what both sides say literally is compared: a table whose columns the replay does not
know (an op of unknown effect, a `*columns` helper), a model whose columns are not all read
(runtime/model_columns.py), an unknown type — each is left alone.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple

from routerlint.facts.columns import type_difference, type_text
from routerlint.facts.model import ClassDef, TableCall, body_search, derived, walk_events
from routerlint.results import Diagnostic, Related
from routerlint.rules.rl407_model_column_not_migrated import RULE as COLUMN_MISSING
from routerlint.rules.rl408_schema_not_modelled import RULE as NOT_MODELLED
from routerlint.rules.rl409_column_type_drift import RULE as TYPE_DRIFT
from routerlint.rules.rl410_column_nullable_drift import RULE as NULLABLE_DRIFT
from routerlint.runtime.model_columns import model_columns
from routerlint.runtime.schema_replay import Schema

Model = Tuple[Any, Any, ClassDef]  # (TableDef, simulation, class statement)


class ModelClasses:
    """(simulation, class statement) of the table a mapped class registered; each module's
    class statements indexed once."""

    def __init__(self, sims: Iterable[Any]) -> None:
        self.sims = list(sims)
        self.index: Dict[str, Dict[Tuple[str, int], ClassDef]] = {}

    def of(self, table: Any) -> Optional[Tuple[Any, ClassDef]]:
        if not table.owner.startswith("class "):
            return None
        key = (table.owner[len("class "):], table.line)
        for sim in self.sims:
            loaded = sim.sys_modules.get(table.module)
            if loaded is None or loaded.facts is None:
                continue
            classes = self.index.get(table.module)
            if classes is None:
                classes = self.index[table.module] = {
                    (e.name, e.line): e for e in walk_events(loaded.facts.events)
                    if isinstance(e, ClassDef)}
            if key in classes:
                return sim, classes[key]
        return None


def every_table_named(sims: List[Any]) -> bool:
    """Whether every table the models may register is known by name: no computed
    `__tablename__`, no `Table(<expression>, ...)`, no model module that failed to load.
    Else a table at head may belong to a model routerlint cannot name: RL408 keeps quiet."""
    for sim in sims:
        for outcome in sim.attempts:
            loaded = sim.sys_modules.get(outcome.module)
            if not outcome.ok and (loaded is None or loaded.facts is None or any(
                    isinstance(e, (ClassDef, TableCall)) for e in walk_events(
                        loaded.facts.events))):
                return False
        for loaded in sim.sys_modules.values():
            if loaded.facts is not None and loaded.path is not None and not derived(
                    loaded.facts, "names its tables", lambda: _names_tables(loaded.facts)):
                return False
    return True


def _names_tables(facts: Any) -> bool:
    """Whether every table a module's classes and Table() calls make is named literally."""
    for event in walk_events(facts.events, body_search(
            facts, '"k":"class"', '"k":"table"', '"table":')):
        if isinstance(event, ClassDef) and event.tablename_dynamic and \
                not event.tablename_rule:
            return False
        table = getattr(event, "table", None)
        if isinstance(event, TableCall) and event.name is None or \
                isinstance(table, TableCall) and table.name is None:
            return False
    return True


def _label(place: Tuple[str, int]) -> str:
    return f"{place[0]}:{place[1]}"


def drift(schema: Schema, models: Dict[str, Tuple[Any, Any, ClassDef]],
          all_named: bool, folder: str) -> List[Diagnostic]:
    """Findings for one script folder with one head. `models`: qualified table name ->
    (TableDef, simulation, class statement or None) of the MetaData(s) env.py targets."""
    found: List[Diagnostic] = []
    for qualified, (table, sim, cls) in sorted(models.items()):
        columns = schema.tables.get(qualified)
        if qualified not in schema.tables or columns is None or not schema.knows(qualified):
            continue  # missing (RL406) or its columns unknown
        declared = model_columns(sim, table.module, cls) if cls is not None else None
        if declared is None:
            continue
        created = schema.created.get(qualified)
        facts = schema.facts.get(qualified, {})
        where = Related(table.path, table.line, f"{table.owner}, table '{qualified}'")
        for name, fact in declared.items():
            line = fact[2] or table.line
            if name not in columns:
                related = [where] + ([Related(created[0], created[1],
                                              "the revision that creates the table")]
                                     if created else [])
                found.append(COLUMN_MISSING.diagnostic(
                    table.path, line, 1,
                    f"column '{qualified}.{name}' of {table.owner} is added by no revision in "
                    f"{folder}: after `alembic upgrade head` every query of the model fails "
                    f"(column {qualified}.{name} does not exist) "
                    f"(alembic check: add_column {qualified}.{name})",
                    related=related, symbol=f"{qualified}.{name}"))
                continue
            head = facts.get(name)
            if head is None:
                continue
            added = columns[name]
            related = [where, Related(added[0], added[1], "where the column is added")]
            why = type_difference(fact[3], head[0])
            if why is not None:
                found.append(TYPE_DRIFT.diagnostic(
                    table.path, line, 1,
                    f"column '{qualified}.{name}' is {type_text(fact[3])} in {table.owner} "
                    f"but {type_text(head[0])} after `alembic upgrade head` ({why}; "
                    f"{_label(added)}) (alembic check: modify_type {qualified}.{name})",
                    related=related, symbol=f"{qualified}.{name}"))
            if fact[4] is not None and head[1] is not None and fact[4] != head[1] \
                    and not fact[5] and not head[2]:
                effect = ("inserting or updating it to None fails (NOT NULL constraint)"
                          if fact[4] else "reads may return None where the model promises "
                          "a value")
                found.append(NULLABLE_DRIFT.diagnostic(
                    table.path, line, 1,
                    f"column '{qualified}.{name}' is {'nullable' if fact[4] else 'NOT NULL'} "
                    f"in {table.owner} but {'nullable' if head[1] else 'NOT NULL'} after "
                    f"`alembic upgrade head` ({_label(added)}): {effect} "
                    f"(alembic check: modify_nullable {qualified}.{name})",
                    related=related, symbol=f"{qualified}.{name}"))
        for name, added in sorted(columns.items(), key=lambda kv: kv[1]):
            if name in declared:
                continue
            head = facts.get(name)
            note = (": inserts through the model fail (NOT NULL, no value given)"
                    if head is not None and head[1] is False else "")
            found.append(NOT_MODELLED.diagnostic(
                added[0], added[1], 1,
                f"column '{qualified}.{name}' exists after `alembic upgrade head` but "
                f"{table.owner} does not declare it{note} "
                f"(alembic check: remove_column {qualified}.{name})",
                related=[where], symbol=f"{qualified}.{name}"))
    if all_named:
        for qualified, place in sorted(schema.created.items(), key=lambda kv: kv[1]):
            if qualified in models or qualified not in schema.tables or \
                    not schema.knows(qualified):
                continue
            found.append(NOT_MODELLED.diagnostic(
                place[0], place[1], 1,
                f"table '{qualified}' exists after `alembic upgrade head` but no model "
                f"declares it on the MetaData env.py targets "
                f"(alembic check: remove_table {qualified})", symbol=qualified))
    return found
