"""Column facts read with `ast`, shared by model classes and Alembic revisions: a column's
name, its declared type and its nullability, each only when the source says it literally.
The drift rules (RL407-RL409) compare a model's columns with the schema `alembic upgrade
head` builds, so both sides must be read the same way; anything computed is None (unknown),
and an unknown fact is never compared.

A column fact is `[attribute, name, line, type, nullable, primary_key]`: `type` is
`[TypeName, [int args]]` (`sa.String(length=50)` -> ["String", [50]]; args None when not all
literal ints), or None; `nullable` True / False / None.
"""

from __future__ import annotations

import ast
from typing import Any, List, Optional

ColumnFact = List[Any]
_COLUMN_CALLS = frozenset({"Column", "mapped_column"})
# Class-level values that make no column of their own (relationships, properties, docs).
_NO_COLUMN = frozenset({"relationship", "synonym", "association_proxy", "hybrid_property",
                        "composite", "query_expression", "backref", "ClassVar", "dynamic_loader",
                        "Relationship", "hybrid_method", "validates", "property", "staticmethod",
                        "classmethod"})
# Calls that may wrap a column (deferred(Column(...))) or an expression: not read.
_MAYBE_COLUMN = frozenset({"deferred", "column_property"})
# Type arguments whose ints are the type's parameters (length, precision, scale).
_SIZE_KEYWORDS = ("length", "precision", "scale")


def ast_name(node: Optional[ast.AST]) -> Optional[str]:
    """`a.b.c` for a Name/Attribute chain of CPython's AST, else None (the one reader:
    sessions.py and positions.py use it too)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.insert(0, node.id)
        return ".".join(parts)
    return None


def ast_last(node: Optional[ast.AST]) -> str:
    name = ast_name(node)
    return name.rpartition(".")[2] if name else ""


def type_of(node: Optional[ast.AST]) -> Optional[list]:
    """`sa.Integer`, `sa.Integer()`, `String(50)`, `sa.String(length=50)` ->
    [name, [int args] or None]; None for anything else (a variable, a helper's result)."""
    if isinstance(node, (ast.Name, ast.Attribute)):
        name = ast_last(node)
        return [name, []] if name[:1].isupper() else None
    if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Name, ast.Attribute)):
        return None
    name = ast_last(node.func)
    if not name[:1].isupper():
        return None
    args: Optional[List[int]] = []
    values = list(node.args) + [kw.value for kw in node.keywords if kw.arg in _SIZE_KEYWORDS]
    if len(values) != len(node.args) + len(node.keywords):
        args = None  # other options (collation, timezone, enum values): not read
    for value in values:
        if args is not None and isinstance(value, ast.Constant) and type(value.value) is int:
            args.append(value.value)
        else:
            args = None
    return [name, args]


def _literal_bool(node: Optional[ast.AST]) -> Optional[bool]:
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    return None


def column_call(call: ast.Call, attribute: Optional[str], line: int,
                annotation: Optional[ast.AST] = None) -> Optional[ColumnFact]:
    """The fact of `Column(...)` / `mapped_column(...)` (None when its name is unknown).
    SQLAlchemy's defaults: the name is the attribute's unless a string comes first; the
    type is the first positional type (a `ForeignKey` alone takes the target's: unknown);
    nullable is `not primary_key`, and for `mapped_column` under `Mapped[...]` it follows
    `Optional[...]` / `X | None`."""
    args = list(call.args)
    name = attribute
    if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
        name = args.pop(0).value
    elif args and not isinstance(args[0], (ast.Call, ast.Name, ast.Attribute)):
        return None
    if name is None:
        return None
    keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg}
    if any(kw.arg is None for kw in call.keywords) or any(isinstance(a, ast.Starred)
                                                          for a in args):
        return [attribute, name, line, None, None, None]  # **options: anything
    given = keywords.get("type_", args[0] if args else None)
    kind = None
    if given is not None and ast_last(given if not isinstance(given, ast.Call) else given.func
                                   ) not in ("ForeignKey", "Sequence", "Identity", "Computed"):
        kind = type_of(given)
    primary = _literal_bool(keywords.get("primary_key")) if "primary_key" in keywords else False
    if "nullable" in keywords:
        nullable = _literal_bool(keywords["nullable"])
    elif primary is None:
        nullable = None
    elif primary:
        nullable = False
    elif ast_last(call.func) == "mapped_column" and annotation is not None:
        nullable = _optional(annotation)
    else:
        nullable = True
    if any(isinstance(a, ast.Call) and ast_last(a.func) in ("Computed", "Identity")
           for a in args):
        nullable = None  # generated columns: the database decides
    return [attribute, name, line, kind, nullable, primary]


def _optional(annotation: ast.AST) -> Optional[bool]:
    """`Mapped[Optional[X]]` / `Mapped[X | None]` / `Mapped[Union[X, None]]` -> True,
    `Mapped[X]` -> False; None when not such a plain annotation (a string, an alias)."""
    if not (isinstance(annotation, ast.Subscript) and ast_last(annotation.value) == "Mapped"):
        return None
    inner = annotation.slice
    if isinstance(inner, ast.Subscript) and ast_last(inner.value) in ("Optional",):
        return True
    if isinstance(inner, ast.Subscript) and ast_last(inner.value) == "Union":
        elts = inner.slice.elts if isinstance(inner.slice, ast.Tuple) else [inner.slice]
        return any(isinstance(e, ast.Constant) and e.value is None for e in elts)
    if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.BitOr):
        parts, todo = [], [inner]
        while todo:
            node = todo.pop()
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
                todo += [node.left, node.right]
            else:
                parts.append(node)
        return any(isinstance(p, ast.Constant) and p.value is None for p in parts)
    if isinstance(inner, (ast.Name, ast.Attribute)):
        return False
    if isinstance(inner, ast.Subscript):  # Mapped[List[int]] (an ARRAY), Mapped[dict[...]]
        return False
    return None


def class_columns(twin: ast.ClassDef) -> Optional[List[ColumnFact]]:
    """The columns a class body declares, in order; None when the body may make one in a
    way not read (a helper call, `deferred(...)`, a `declared_attr`, an `if`, `__table__`)."""
    found: List[ColumnFact] = []
    for stmt in twin.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if any(ast_last(d.func if isinstance(d, ast.Call) else d) in ("declared_attr",
                                                                      "directive")
                   for d in stmt.decorator_list) and stmt.name != "__tablename__":
                return None
            continue
        if isinstance(stmt, (ast.ClassDef, ast.Pass, ast.Expr)):
            continue
        if isinstance(stmt, ast.AnnAssign):
            target, value, annotation = stmt.target, stmt.value, stmt.annotation
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value, annotation = stmt.targets[0], stmt.value, None
        else:
            return None
        if not isinstance(target, ast.Name):
            return None
        name = target.id
        if name == "__table__":
            return None
        if name.startswith("__") or name in ("metadata", "registry", "type_annotation_map"):
            continue
        mapped = annotation is not None and isinstance(annotation, ast.Subscript) and \
            ast_last(annotation.value) == "Mapped"
        if value is None:
            if mapped:  # `x: Mapped[int]`: a column typed from the annotation
                found.append([name, name, stmt.lineno, None, _optional(annotation), False])
            continue
        if isinstance(value, ast.Call):
            callee = ast_last(value.func)
            if callee in _COLUMN_CALLS:
                fact = column_call(value, name, stmt.lineno, annotation if mapped else None)
                if fact is None:
                    return None
                found.append(fact)
                continue
            if callee in _NO_COLUMN:
                continue
            return None  # a helper, deferred(), column_property(): may be a column
        if isinstance(value, ast.Constant) and not mapped:
            continue  # a plain class attribute
        if annotation is not None and ast_last(annotation.value if isinstance(
                annotation, ast.Subscript) else annotation) == "ClassVar":
            continue
        return None
    return found


def type_difference(model: Optional[list], head: Optional[list]) -> Optional[str]:
    """Why two declared types differ to the database, when that is clear: types of
    different storage families (an int column declared a string), or strings of different
    literal lengths. None when they agree or it is not clear (unknown types, Integer vs
    BigInteger, String vs Text, Enum, dialect types): never a guess."""
    if model is None or head is None:
        return None
    family_model, family_head = _FAMILY.get(model[0]), _FAMILY.get(head[0])
    if family_model is None or family_head is None:
        return None
    if {family_model, family_head} == {"varchar", "text"}:
        return None
    if family_model != family_head:
        return f"{family_model} vs {family_head}"
    if family_model == "varchar" and model[1] and head[1] and model[1][0] != head[1][0]:
        return f"length {model[1][0]} vs {head[1][0]}"
    return None


def type_text(kind: Optional[list]) -> str:
    if kind is None:
        return "?"
    return f"{kind[0]}({', '.join(map(str, kind[1]))})" if kind[1] else kind[0]


_FAMILY = {
    **dict.fromkeys(("Integer", "INTEGER", "INT", "BigInteger", "BIGINT", "SmallInteger",
                     "SMALLINT"), "int"),
    **dict.fromkeys(("String", "VARCHAR", "Unicode", "NVARCHAR"), "varchar"),
    **dict.fromkeys(("Text", "TEXT", "UnicodeText"), "text"),
    **dict.fromkeys(("Boolean", "BOOLEAN"), "bool"),
    **dict.fromkeys(("DateTime", "DATETIME", "TIMESTAMP"), "datetime"),
    **dict.fromkeys(("Date", "DATE"), "date"),
    **dict.fromkeys(("Float", "FLOAT", "REAL", "Double", "DOUBLE", "DOUBLE_PRECISION",
                     "Numeric", "NUMERIC", "DECIMAL"), "number"),
    **dict.fromkeys(("JSON", "JSONB"), "json"),
    **dict.fromkeys(("LargeBinary", "BLOB", "BYTEA"), "binary"),
}
