"""What one Alembic revision file says, read with `ast` (never imported: a revision runs DDL).

The identifiers (`revision`, `down_revision`, `branch_labels`, `depends_on`, plain or
annotated assignments of literals) and the schema operations of `upgrade()`, in order:
`op.create_table`, `drop_table`, `rename_table`, `add_column`, `drop_column`, `alter_column`
(`new_column_name=`), `create_index`, `drop_index`, and the same inside
`with op.batch_alter_table(t) as b:`. Anything else that could change the schema — `op.execute`,
a loop, a branch, a helper call — becomes an `unknown` op: literal SQL names the tables it may
touch, anything else may touch every table. The replay says nothing that depends on them.
"""

from __future__ import annotations

import ast
import re
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Tuple

from routerlint.facts.columns import column_call, type_of
from routerlint.facts.comments import suppressions
from routerlint.facts.syntax import compile_verdict

# op.* calls that change no table, column or index the replay tracks (constraints, data).
_HARMLESS = frozenset({
    "bulk_insert", "get_bind", "get_context", "f", "inline_literal", "create_foreign_key",
    "drop_constraint", "create_unique_constraint", "create_primary_key",
    "create_check_constraint", "create_exclude_constraint", "create_table_comment",
    "drop_table_comment", "invoke", "implementation_for",
    "sync_enum_values",  # alembic-postgresql-enum: enum types only
})
_DDL_WORDS = frozenset({"create", "alter", "drop", "rename"})
# SQLAlchemy constructs: DML ones change rows, never the schema; the DDL ones are named so.
_DML_CALLS = frozenset({"update", "insert", "delete", "select"})
_TYPE_CALLS = frozenset({"Enum", "ENUM", "Sequence"})  # `sa.Enum(...).create(bind)`: types
REVISION_FORMAT = 4  # bump when Revision's JSON layout or what it reads changes (cache key)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


@dataclass
class Op:
    kind: str  # create_table | drop_table | rename_table | add_column | drop_column |
    # rename_column | create_index | drop_index | unknown
    line: int
    table: Optional[str] = None  # None: not a literal
    column: Optional[str] = None
    new: Optional[str] = None  # rename target (table or column)
    columns: Optional[List[str]] = None  # create_table: None when not all literal;
    # create_index: the plain-string column names (expressions left out)
    index: Optional[str] = None
    words: Optional[List[str]] = None  # unknown op: words of its literal SQL; None: anything
    block: int = 0  # batch ops: line of their `with op.batch_alter_table(...)` (they run,
    # and fail, when that block ends); 0 for plain ops
    # create_table / add_column: each column's facts (facts/columns.py), None where unread
    defs: Optional[List[Optional[list]]] = None
    # alter_column: what it changes, {"nullable": bool or None, "type_": type or None}
    # (None: given, but not a literal)
    changes: Optional[Dict[str, object]] = None


@dataclass
class Revision:
    path: str  # relative to the project root
    revision: Optional[str] = None  # None: not a literal (the file cannot be judged)
    line: int = 0  # of `revision = ...`
    down: List[str] = field(default_factory=list)  # down_revision ids; [] for a base
    down_line: int = 0
    down_known: bool = True  # False: down_revision is not a literal
    branch_labels: List[str] = field(default_factory=list)
    depends_on: List[str] = field(default_factory=list)
    depends_line: int = 0
    ops: List[Op] = field(default_factory=list)
    upgrade_line: int = 0  # 0: no upgrade() found
    error: Optional[str] = None  # why the file could not be read
    message: str = ""  # the docstring's first line: the `-m` message Alembic wrote there
    # line -> codes of its `# noqa` comments: revision files are no modules (Alembic loads
    # them by path), so the scanner never reads their comments
    suppressions: Dict[int, List[str]] = field(default_factory=dict)
    # CPython's verdict when it refuses the file, [code, line, col, message]: Alembic loads
    # (executes) every revision file, so `alembic heads` fails on it (facts/syntax.py)
    syntax: Optional[list] = None
    # its top-level import statements, which run when Alembic loads it:
    # [line, col, module, level, [[name, asname], ...] or None, asname]
    imports: List[list] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Revision":
        data = dict(data)
        data["ops"] = [Op(**op) for op in data.get("ops", ())]
        data["suppressions"] = {int(k): v for k, v in data.get("suppressions", {}).items()}
        return cls(**data)


def read_revision(source: bytes, rel: str) -> Revision:
    """The revision facts of one file's bytes (`rel`: its project-relative path)."""
    found = Revision(rel, suppressions=suppressions(source))
    issue, tree = compile_verdict(source, rel)
    if issue is not None:
        found.syntax = [issue.code, issue.line, issue.col, issue.message]
        found.error = f"does not compile: {issue.message} (line {issue.line})"
        return found
    if tree is None:  # valid, but too deep for AST objects: not read
        found.error = "too deeply nested to read"
        return found
    doc = ast.get_docstring(tree)
    found.message = doc.strip().splitlines()[0].strip() if doc and doc.strip() else ""
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            found.imports += _imports(stmt)
            continue
        target, value = assignment(stmt)
        if target == "revision":
            found.revision = value if isinstance(value, str) else None
            found.line = stmt.lineno
        elif target == "down_revision":
            ids = _ids(value)
            found.down_known = ids is not None
            found.down, found.down_line = ids or [], stmt.lineno
        elif target == "branch_labels":
            found.branch_labels = _ids(value) or []
        elif target == "depends_on":
            found.depends_on, found.depends_line = _ids(value) or [], stmt.lineno
        elif isinstance(stmt, ast.FunctionDef) and stmt.name == "upgrade":
            found.upgrade_line = stmt.lineno
            found.ops = _Reader().body(stmt.body)
    return found


def _imports(stmt) -> List[list]:
    """The statement as Revision.imports lists it (one entry per `import a, b` alias)."""
    if isinstance(stmt, ast.Import):
        return [[stmt.lineno, stmt.col_offset, alias.name, 0, None, alias.asname]
                for alias in stmt.names]
    if stmt.module == "__future__":
        return []
    return [[stmt.lineno, stmt.col_offset, stmt.module or "", stmt.level,
             [[alias.name, alias.asname] for alias in stmt.names], None]]


def assignment(stmt: ast.stmt) -> Tuple[Optional[str], object]:
    """(name, literal value or a marker) of `name = literal` / `name: T = literal`."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, node = stmt.targets[0], stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        target, node = stmt.target, stmt.value
    else:
        return None, None
    if not isinstance(target, ast.Name):
        return None, None
    try:
        return target.id, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return target.id, _NOT_LITERAL


_NOT_LITERAL = object()


def _ids(value: object) -> Optional[List[str]]:
    """A revision identifier value as a list: None / () -> [], "a" -> ["a"], ("a", "b")."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _text(node: Optional[ast.AST]) -> Optional[str]:
    """A string literal, also through `op.f("name")` / `sa.text("...")`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and len(node.args) == 1 and _callee(node)[1] in ("f", "text"):
        return _text(node.args[0])
    return None


def _callee(call: ast.Call) -> Tuple[Optional[str], str]:
    """(owner name, attribute) of `owner.attr(...)`, or (None, name) of `name(...)`."""
    func = call.func
    if isinstance(func, ast.Attribute):
        owner = func.value
        if isinstance(owner, ast.Name):
            return owner.id, func.attr
        if isinstance(owner, ast.Attribute):  # alembic.op.add_column
            return owner.attr, func.attr
        return "", func.attr
    if isinstance(func, ast.Name):
        return None, func.id
    return "", ""


def _arg(call: ast.Call, index: int, keyword: str) -> Optional[ast.AST]:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[index] if len(call.args) > index else None


def _qualified(name: Optional[str], call: ast.Call) -> Optional[str]:
    schema = _arg(call, 99, "schema")
    if name is None or schema is None or (isinstance(schema, ast.Constant)
                                          and schema.value is None):
        return name
    value = _text(schema)
    return f"{value}.{name}" if value is not None else None


def _column_name(node: ast.AST) -> Optional[str]:
    """The name of `sa.Column("name", ...)`; None when it is not a literal Column."""
    if isinstance(node, ast.Call) and _callee(node)[1] == "Column" and node.args:
        return _text(node.args[0])
    return None


def _is_column(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _callee(node)[1] == "Column"


def _is_constraint(node: ast.AST) -> bool:
    """`sa.PrimaryKeyConstraint(...)`, `sa.Index(...)`: no column of their own. Anything
    else that is no literal Column (`*columns()`, a variable) leaves the columns unknown."""
    return isinstance(node, ast.Call) and _callee(node)[1].endswith(("Constraint", "Index"))


class _Reader:
    """upgrade()'s statements, in order, to ops (nested batch and autocommit blocks too)."""

    def __init__(self) -> None:
        self.ops: List[Op] = []

    def body(self, stmts: List[ast.stmt]) -> List[Op]:
        for stmt in stmts:
            self.statement(stmt)
        return self.ops

    def unknown(self, line: int, words: Optional[List[str]] = None) -> None:
        self.ops.append(Op("unknown", line, words=words))

    def statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, (ast.Pass, ast.Import, ast.ImportFrom, ast.Global)):
            return
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            return  # a docstring or comment string
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            owner, name = _callee(stmt.value)
            if owner == "op":
                self.op(stmt.value, name)
                return
            if name == "execute" and stmt.value.args:  # op.get_bind().execute(sql)
                self.execute(stmt.value.args[0], stmt.lineno)
                return
            if _creates_type(stmt.value):
                return
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and not any(
                isinstance(node, ast.Call) and not _harmless_call(node)
                for node in ast.walk(stmt)):
            return  # `users = sa.table("users", ...)`, `bind = op.get_bind()`
        if isinstance(stmt, ast.With) and (self.batch(stmt) or self.autocommit(stmt)):
            return
        self.unknown(stmt.lineno)

    def execute(self, sql: Optional[ast.AST], line: int) -> None:
        """SQL of unknown effect, unless it can only change rows: literal SQL without DDL
        words, or a SQLAlchemy update/insert/delete/select construct."""
        text = _text(sql)
        if text is not None:
            words = sorted({w.lower() for w in _WORD.findall(text)})
            if not _DDL_WORDS & set(words):
                return
            self.unknown(line, words)
        elif not _dml(sql):
            self.unknown(line)

    def autocommit(self, stmt: ast.With) -> bool:
        """`with op.get_context().autocommit_block():` runs its body as is."""
        call = stmt.items[0].context_expr if len(stmt.items) == 1 else None
        if not (isinstance(call, ast.Call) and _callee(call)[1] == "autocommit_block"):
            return False
        self.body(stmt.body)
        return True

    def op(self, call: ast.Call, name: str, table: Optional[str] = None,
           block: int = 0) -> None:
        line, batch = call.lineno, bool(block)
        shift = 1 if table is None else 0  # a batch op has no table argument

        def table_arg(index: int, keyword: str) -> Optional[str]:
            return _qualified(_text(_arg(call, index, keyword)), call)

        owner = table
        if name == "create_table" and not batch:
            names = [_column_name(a) if _is_column(a) else None
                     for a in call.args[1:] if not _is_constraint(a)]
            if any(kw.arg is None for kw in call.keywords):  # **options may hold anything
                names.append(None)
            defs = [column_call(a, None, a.lineno) if _is_column(a) else None
                    for a in call.args[1:] if not _is_constraint(a)]
            keys = {c.value for a in call.args[1:] if isinstance(a, ast.Call)
                    and _callee(a)[1] == "PrimaryKeyConstraint" for c in a.args
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)}
            for fact in defs:
                if fact is not None and fact[1] in keys:
                    fact[5], fact[4] = True, False
            self.ops.append(Op("create_table", line, table_arg(0, "table_name"),
                               columns=None if None in names else names,
                               defs=None if None in names else defs))
        elif name == "drop_table" and not batch:
            self.ops.append(Op("drop_table", line, table_arg(0, "table_name")))
        elif name == "rename_table" and not batch:
            self.ops.append(Op("rename_table", line, table_arg(0, "old_table_name"),
                               new=_text(_arg(call, 1, "new_table_name"))))
        elif name == "add_column":
            column = _arg(call, shift, "column")
            fact = column_call(column, None, line) if column is not None and _is_column(
                column) else None
            self.ops.append(Op("add_column", line, owner or table_arg(0, "table_name"),
                               column=_column_name(column) if column is not None else None,
                               block=block, defs=[fact]))
        elif name == "drop_column":
            self.ops.append(Op("drop_column", line, owner or table_arg(0, "table_name"),
                               column=_text(_arg(call, shift, "column_name")), block=block))
        elif name == "alter_column":
            new = _arg(call, 99, "new_column_name")
            column = _text(_arg(call, shift, "column_name"))
            changes: Dict[str, object] = {}
            for kw in call.keywords:
                if kw.arg == "nullable":
                    changes["nullable"] = kw.value.value if isinstance(
                        kw.value, ast.Constant) and isinstance(kw.value.value, bool) else None
                elif kw.arg == "type_":
                    changes["type_"] = type_of(kw.value)
                elif kw.arg is None:
                    changes.update(nullable=None, type_=None)  # **options: anything
            if new is None:  # type / nullable / default changes: the column must exist
                self.ops.append(Op("alter_column", line, owner or table_arg(0, "table_name"),
                                   column=column, block=block, changes=changes))
            else:
                self.ops.append(Op("rename_column", line, owner or table_arg(0, "table_name"),
                                   column=column, new=_text(new), block=block,
                                   changes=changes or None))
        elif name == "create_index":
            columns = _arg(call, 1 if batch else 2, "columns")
            names = None
            if isinstance(columns, (ast.List, ast.Tuple)):
                # plain strings name columns; `sa.text("end_time DESC")` is an expression
                names = [c.value for c in columns.elts
                         if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            self.ops.append(Op("create_index", line,
                               owner or table_arg(1, "table_name"),
                               index=_text(_arg(call, 0, "index_name")), columns=names,
                               block=block))
        elif name == "drop_index":
            self.ops.append(Op("drop_index", line, owner or table_arg(1, "table_name"),
                               index=_text(_arg(call, 0, "index_name")), block=block))
        elif name == "execute":
            self.execute(_arg(call, 0, "sqltext"), line)
        elif name in _HARMLESS:
            return
        else:
            self.unknown(line)

    def batch(self, stmt: ast.With) -> bool:
        """`with op.batch_alter_table("t") as b:` whose body only calls `b.<op>(...)`."""
        if len(stmt.items) != 1:
            return False
        item = stmt.items[0]
        call = item.context_expr
        if not (isinstance(call, ast.Call) and _callee(call) == ("op", "batch_alter_table")
                and isinstance(item.optional_vars, ast.Name)):
            return False
        table = _qualified(_text(_arg(call, 0, "table_name")), call)
        alias = item.optional_vars.id
        for inner in stmt.body:
            if isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Call) \
                    and _callee(inner.value)[0] == alias:
                if table is None:
                    self.unknown(inner.lineno)
                else:
                    self.op(inner.value, _callee(inner.value)[1], table, block=stmt.lineno)
            elif isinstance(inner, ast.Pass) or (isinstance(inner, ast.Expr) and isinstance(
                    inner.value, ast.Constant)):
                continue
            else:
                self.unknown(inner.lineno)
        return True


def _chain(node: Optional[ast.AST]) -> List[str]:
    """Callee names along a method chain: `sa.update(t).where(x).values(y)` ->
    ["values", "where", "update"]."""
    names = []
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Call):
            names.append(_callee(node)[1])
            node = node.func.value if isinstance(node.func, ast.Attribute) else None
        else:
            node = node.value
    return names


def _dml(node: Optional[ast.AST]) -> bool:
    """A SQLAlchemy DML construct (`sa.update(t).values(...)`, `users.insert()`)."""
    names = _chain(node)
    return bool(names) and names[-1] in _DML_CALLS | {"table"} and any(
        n in _DML_CALLS for n in names) and not any(
        n.startswith(("Create", "Drop", "Alter", "DDL")) for n in names)


def _creates_type(call: ast.Call) -> bool:
    """`sa.Enum(...).create(op.get_bind())`, `postgresql.ENUM(...).drop(...)`."""
    names = _chain(call)
    return len(names) == 2 and names[0] in ("create", "drop") and names[1] in _TYPE_CALLS


def _harmless_call(call: ast.Call) -> bool:
    """Calls an assignment in upgrade() may make without touching the schema: building
    SQLAlchemy objects (`sa.table`, `sa.Column`), `op.get_bind()`, `op.f()`."""
    owner, name = _callee(call)
    return owner in ("sa", "sqlalchemy", "postgresql", "mysql", "sqlite") or (
        owner == "op" and name in _HARMLESS) or (owner is None and name in (
            "table", "column", "Column", "String", "Integer", "text"))

