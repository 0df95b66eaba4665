"""The schema an empty database has after each revision, replayed from the ops of
`upgrade()` in the order Alembic runs them, and the ops the database refuses on the way:
creating what exists (DuplicateTable / DuplicateColumn / an index twice: RL404) and
dropping, renaming, altering or adding to what does not exist (UndefinedTable /
UndefinedColumn: RL405).

An op of unknown effect (`op.execute`, a loop, a helper) makes what it may touch unknown: the
tables its literal SQL names, else every table from there on; nothing is said about those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

from routerlint.facts.revisions import Op, Revision

Place = Tuple[str, int]  # (path, line)


@dataclass
class Problem:
    code: str  # "RL404" or "RL405"
    rev: Revision
    op: Op
    message: str
    related: List[Tuple[str, int, str]] = field(default_factory=list)
    symbol: str = ""


@dataclass
class Schema:
    # table -> {column: where it was added}, or None when its columns are not all known
    tables: Dict[str, Optional[Dict[str, Place]]] = field(default_factory=dict)
    created: Dict[str, Place] = field(default_factory=dict)  # table -> where it was created
    indexes: Dict[str, Place] = field(default_factory=dict)  # explicit create_index names
    # index -> (its table, its plain column names): a dropped table takes its indexes with
    # it, and so does (on PostgreSQL) a dropped column
    indexed: Dict[str, Tuple[str, List[str]]] = field(default_factory=dict)
    blind: Set[str] = field(default_factory=set)  # lowercase words unknown SQL touched
    blind_all: bool = False  # an op of unknown effect touched anything
    # tables whose state is known again since then: created, dropped or renamed by an op
    # read here (had the upgrade stopped there, nothing later would matter)
    known: Set[str] = field(default_factory=set)
    # table -> {column: [type, nullable, primary_key]} as the ops declared them (facts/
    # columns.py), None where an op left them unread; for the drift rules (RL407-RL409)
    facts: Dict[str, Dict[str, Optional[list]]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"tables": self.tables, "created": self.created, "indexes": self.indexes,
                "indexed": self.indexed, "blind": sorted(self.blind),
                "blind_all": self.blind_all, "known": sorted(self.known), "facts": self.facts}

    @classmethod
    def from_json(cls, data: dict) -> "Schema":
        """The inverse of to_json; raises KeyError/TypeError/ValueError on foreign data."""
        def places(found: dict) -> Dict[str, Place]:
            return {name: (str(path), int(line)) for name, (path, line) in found.items()}

        return cls(tables={t: None if c is None else places(c) for t, c in data["tables"].items()},
                   created=places(data["created"]), indexes=places(data["indexes"]),
                   indexed={i: (str(t), list(c)) for i, (t, c) in data["indexed"].items()},
                   blind=set(data["blind"]), blind_all=bool(data["blind_all"]),
                   known=set(data["known"]), facts=dict(data["facts"]))

    def knows(self, table: Optional[str]) -> bool:
        """Whether this table's existence and columns can be judged here."""
        if table is None:
            return False
        if table in self.known:
            return True
        return not self.blind_all and not (_names(table) & self.blind)

    def unknown(self, words: Optional[List[str]]) -> None:
        """An op of unknown effect: on the tables its SQL names, else on every table."""
        if words is None:
            self.blind_all = True
            self.known.clear()
        else:
            self.blind.update(words)
            self.known = {t for t in self.known if not _names(t) & set(words)}

    def settled(self, *tables: Optional[str]) -> None:
        """These tables' state is set by the op just read (created, dropped, renamed)."""
        for table in tables:
            if table is not None and (self.blind_all or _names(table) & self.blind):
                self.known.add(table)


def _drop_indexes(schema: "Schema", table: str, column: Optional[str] = None) -> None:
    """Indexes that go with a dropped table (or column)."""
    for index, (owner, columns) in list(schema.indexed.items()):
        if owner == table and (column is None or column in columns):
            schema.indexes.pop(index, None)
            del schema.indexed[index]


def _names(table: str) -> Set[str]:
    return {table.lower(), table.rpartition(".")[2].lower()}


def replay(order: List[Revision]) -> Tuple[Schema, List[Problem]]:
    """The schema after running `order` on an empty database, and every refused op."""
    schema, problems = Schema(), []
    for rev in order:
        for op in rev.ops:
            problem = _apply(schema, rev, op)
            if problem is not None:
                problems.append(problem)
    return schema, problems


def _where(place: Optional[Place]) -> str:
    return f" ({place[0]}:{place[1]})" if place else ""


def _apply(schema: Schema, rev: Revision, op: Op) -> Optional[Problem]:
    if op.kind == "unknown":
        schema.unknown(op.words)
        return None
    table = op.table
    if table is None:  # a table named by an expression: anything may change
        schema.unknown(None)
        return None
    here: Place = (rev.path, op.line)
    judged = schema.knows(table)
    exists = table in schema.tables
    columns = schema.tables.get(table)

    def problem(code: str, message: str, related: Optional[Place] = None,
                note: str = "", symbol: str = "") -> Optional[Problem]:
        if not judged:
            return None
        return Problem(code, rev, op, message,
                       [(related[0], related[1], note)] if related else [],
                       symbol or f"{table}")

    missing_table = None
    if op.kind != "create_table" and not exists:
        missing_table = problem(
            "RL405", f"revision {rev.revision} {_TABLE_VERB[op.kind]} table '{table}', which no earlier "
            f"revision creates: the database refuses it (no such table)")

    if op.kind == "create_table":
        found = problem("RL404", f"revision {rev.revision} creates table '{table}', which "
                        f"already exists at this point{_where(schema.created.get(table))}: "
                        "the database refuses it (table already exists)",
                        schema.created.get(table), "first created here") if exists else None
        schema.tables[table] = None if op.columns is None else {c: here for c in op.columns}
        schema.facts[table] = {} if op.defs is None else {
            d[1]: [d[3], d[4], d[5]] for d in op.defs if d is not None}
        schema.created[table] = here
        schema.settled(table)
        return found
    if op.kind == "drop_table":
        schema.tables.pop(table, None)
        schema.facts.pop(table, None)
        schema.created.pop(table, None)
        _drop_indexes(schema, table)
        schema.settled(table)
        return missing_table
    if op.kind == "rename_table":
        new = op.new
        if new is None:
            schema.unknown(None)
            return missing_table
        clash = problem("RL404", f"revision {rev.revision} renames table '{table}' to '{new}', "
                        f"which already exists{_where(schema.created.get(new))}",
                        schema.created.get(new), "created here",
                        symbol=new) if new in schema.tables and exists else None
        for index, (owner, columns) in list(schema.indexed.items()):
            if owner == table:
                schema.indexed[index] = (new, columns)
        moved = schema.tables.pop(table, None)
        schema.facts[new] = schema.facts.pop(table, {})
        schema.tables[new] = moved if judged else None  # columns of an unknown table: unknown
        schema.created[new] = schema.created.pop(table, here)
        schema.settled(table, new)
        return missing_table or clash
    if missing_table is not None or not exists:
        if op.kind == "add_column":  # keep going as if it had worked
            schema.tables.setdefault(table, None)
        return missing_table
    return _column_op(schema, rev, op, table, columns, here, problem)


def _column_op(schema: Schema, rev: Revision, op: Op, table: str,
               columns: Optional[Dict[str, Place]], here: Place, problem) -> Optional[Problem]:
    column = op.column
    if op.kind == "add_column":
        if column is None or columns is None:
            schema.tables[table] = None
            return None
        if column in columns:
            return problem("RL404", f"revision {rev.revision} adds column '{table}.{column}', "
                           f"which already exists at this point{_where(columns[column])}: the "
                           "database refuses it (duplicate column)", columns[column],
                           "first added here", symbol=f"{table}.{column}")
        columns[column] = here
        fact = op.defs[0] if op.defs else None
        schema.facts.setdefault(table, {})[column] = None if fact is None else [
            fact[3], fact[4], fact[5]]
        return None
    if op.kind == "create_index":
        found = None
        if op.index is not None and op.index in schema.indexes:
            found = problem("RL404", f"revision {rev.revision} creates index '{op.index}', "
                            f"which already exists{_where(schema.indexes[op.index])}",
                            schema.indexes[op.index], "first created here", symbol=op.index)
        elif columns is not None and op.columns is not None:
            absent = [c for c in op.columns if c not in columns]
            if absent:
                found = problem("RL405", f"revision {rev.revision} indexes column "
                                f"'{table}.{absent[0]}', which does not exist at this point",
                                symbol=f"{table}.{absent[0]}")
        if op.index is not None:
            schema.indexes[op.index] = here
            schema.indexed[op.index] = (table, list(op.columns or []))
        return found
    if op.kind == "drop_index":
        # Indexes a table creates itself (Column(index=True), unique=True) are not
        # tracked: a drop of an unknown index is never reported.
        if op.index is not None:
            schema.indexes.pop(op.index, None)
            schema.indexed.pop(op.index, None)
        return None
    if column is None or columns is None:  # drop / alter / rename of an unknown column
        if op.kind in ("drop_column", "rename_column"):
            schema.tables[table] = None
        return None
    if column not in columns:
        if op.kind == "rename_column" and op.new is not None:
            columns[op.new] = here
        return problem("RL405", f"revision {rev.revision} {_COLUMN_VERB[op.kind]} column "
                       f"'{table}.{column}', which does not exist at this point: the database "
                       "refuses it (no such column)", symbol=f"{table}.{column}")
    facts = schema.facts.setdefault(table, {})
    if op.kind == "drop_column":
        del columns[column]
        facts.pop(column, None)
        _drop_indexes(schema, table, column)
    elif op.kind == "rename_column":
        if op.new is None:
            schema.tables[table] = None
            return None
        if op.new in columns:
            return problem("RL404", f"revision {rev.revision} renames column "
                           f"'{table}.{column}' to '{op.new}', which already exists"
                           f"{_where(columns[op.new])}", columns[op.new], "added here",
                           symbol=f"{table}.{op.new}")
        columns[op.new] = columns.pop(column)
        facts[op.new] = facts.pop(column, None)
        _change(facts, op.new, op.changes)
    elif op.kind == "alter_column":
        _change(facts, column, op.changes)
    return None


def _change(facts: Dict[str, Optional[list]], column: str, changes: Optional[dict]) -> None:
    """alter_column's `nullable=` / `type_=` on a column's facts (None: not literal)."""
    fact = facts.get(column)
    if not changes or fact is None:
        return
    fact = list(fact)
    if "type_" in changes:
        fact[0] = changes["type_"]
    if "nullable" in changes:
        fact[1] = changes["nullable"]
    facts[column] = fact



_TABLE_VERB = {"drop_table": "drops", "rename_table": "renames",
               "add_column": "adds a column to", "drop_column": "drops a column of",
               "alter_column": "alters a column of", "rename_column": "renames a column of",
               "create_index": "creates an index on", "drop_index": "drops an index of"}
_COLUMN_VERB = {"drop_column": "drops", "alter_column": "alters", "rename_column": "renames"}
