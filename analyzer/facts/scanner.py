"""One LibCST pass per file: source bytes in, ModuleFacts out.

The walk is hand-written rather than a CSTVisitor: it descends only into what runs at import
time (top level, class bodies, try/if/loop blocks) plus function bodies for lazy imports and
app factories, which keeps the scan close to the bare parse cost (see facts/positions.py).
"""

from __future__ import annotations

import ast
import operator
import re
import unicodedata
from collections import Counter
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import libcst as cst

from routerlint.facts.model import (
    ALWAYS_BOUND, Assign, Bind, Call, ClassDef, DynamicImport, FunctionDef, Handler, If, Import, Loop,
    ModuleFacts, Reads, Return, SyntaxIssue, TableCall, Try,
)
from routerlint.facts.columns import class_columns
from routerlint.facts.cstnames import NOT_LITERAL, dotted, literal
from routerlint.facts.envtest import env_tree
from routerlint.facts.settingsclass import settings_of
from routerlint.facts.pathexpr import folder_of, path_parts
from routerlint.facts.largefile import LARGE_FILE_BYTES, large_facts
from routerlint.facts.positions import ast_dotted, attribute_lines, statement_positions
from routerlint.facts.comments import suppressions
from routerlint.facts.syntax import compile_verdict

Version = Tuple[int, int]


def scan_source(source: bytes, filename: str, target: Version = (3, 11),
                large: int = LARGE_FILE_BYTES) -> ModuleFacts:
    """Facts for one file. A file CPython rejects gets only its SyntaxIssue: it runs nothing.
    A file CPython accepts but routerlint cannot read (LibCST refuses it, or it is too deep
    even with a large stack) is *unanalysed*: it runs, any name may exist, its imports are
    not followed, and RL901 says so — never a false syntax verdict."""
    lines = source.count(b"\n") + (1 if source and not source.endswith(b"\n") else 0)
    facts = ModuleFacts(lines=lines, suppressions=suppressions(source))
    if len(source) > large:  # generated data: CPython's verdict, its imports, no LibCST
        return large_facts(source, filename, facts, _routers_by_text)
    facts.syntax, tree = compile_verdict(source, filename)
    if facts.syntax is not None:
        facts.events = _routers_by_text(source)
        return facts
    try:
        facts.events = deep(lambda: _walk(source, tree, target, facts))
        if _nesting(facts.events) > MAX_NESTING:
            raise RecursionError(f"blocks nested more than {MAX_NESTING} deep")
    except Exception as exc:  # noqa: BLE001 — CPython accepts it: never crash on it
        first = (str(exc).splitlines() or [""])[0]
        facts.unanalysed = f"{type(exc).__name__}: {first}"[:200]
        facts.all_names, facts.has_getattr = None, False
        facts.events = _routers_by_text(source)
        facts.dynamic_names = True
    return facts


def rejudged(facts: ModuleFacts, verdict: Optional[SyntaxIssue], source: bytes) -> ModuleFacts:
    """The facts under the target interpreter's syntax verdict (facts/syntax.py
    target_verdicts) where it differs from the one running routerlint's. A file only the
    target accepts is unanalysed (RL901): this interpreter cannot parse it, so nothing in it
    can be read, and saying "syntax error" would be false."""
    host = facts.syntax
    if verdict is not None:
        return ModuleFacts(lines=facts.lines, suppressions=facts.suppressions, syntax=verdict,
                           events=_routers_by_text(source))
    import sys

    here = "%d.%d" % sys.version_info[:2]
    facts.syntax = None
    facts.unanalysed = (f"valid for the target Python, but Python {here}, which runs "
                        f"routerlint, cannot parse it ({host.message}, line {host.line}); "
                        "run routerlint on the target version to read it")
    facts.all_names, facts.has_getattr, facts.dynamic_names = None, False, True
    return facts


def _walk(source: bytes, tree, target: Version, facts: ModuleFacts) -> list:
    module = parse_unvalidated(source)
    if not source.isascii():
        module = module.visit(_Normalized())
    if tree is None:  # valid, but too deep for AST objects at the default limit
        tree = ast.parse(source)
    facts.dynamic_names = _writes_own_namespace(source)
    walker = _Walker(statement_positions(module, tree), target, facts, tree)
    return walker.block(module.body)


class _Normalized(cst.CSTTransformer):
    """Identifiers as CPython's parser reads them: NFKC-normalised (PEP 3131), so
    `from app.helpers import \ufb01le` imports `file`. String literals stay as written."""

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        value = unicodedata.normalize("NFKC", updated.value)
        return updated if value == updated.value else updated.with_changes(value=value)


# Facts nest as the code's blocks do (an elif is an If in the previous one's orelse); the
# cache encoder and the simulation walk them recursively, so deeper facts are not kept.
MAX_NESTING = 100
_BLOCKS = ("body", "orelse", "handlers", "finalbody")


def _nesting(events: list) -> int:
    """How deep the blocks of `events` nest (iteratively: the facts may be deep)."""
    deepest, todo = 0, [(events, 1)]
    while todo:
        block, depth = todo.pop()
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            break
        for event in block:
            for attr in _BLOCKS:
                inner = getattr(event, attr, None)
                if isinstance(inner, list) and inner:
                    todo.append((inner, depth + 1))
    return deepest


DEEP_STACK = 512 * 1024 * 1024
DEEP_LIMIT = 200_000


def deep(work):
    """`work()`, retried on RecursionError in a thread with a large stack and recursion limit:
    deeply nested but valid code (a 1000-branch elif chain) is read, not refused. Only the
    LibCST side runs here; CPython's verdict is taken at the default limit, as an import is."""
    import sys
    import threading

    try:
        return work()
    except RecursionError:
        pass
    result: list = []
    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    try:
        threading.stack_size(DEEP_STACK)
        sys.setrecursionlimit(max(old_limit, DEEP_LIMIT))

        def run() -> None:
            try:
                result.append((True, work()))
            except BaseException as exc:  # handed back to the caller's thread
                result.append((False, exc))

        thread = threading.Thread(target=run, name="routerlint-deep")
        thread.start()
        thread.join()
    finally:
        sys.setrecursionlimit(old_limit)
        threading.stack_size(old_stack)
    ok, value = result[0]
    if not ok:
        raise value
    return value


def parse_unvalidated(source: bytes) -> cst.Module:
    """`cst.parse_module` without LibCST's per-node validation. Every node's `__post_init__`
    re-checks its fields, which guards trees built by hand; a tree from LibCST's own parser,
    of a file CPython has already accepted, is valid by construction (LibCST's PERF note on
    `CSTNode.__post_init__` says as much). Skipping it makes the parse ~17% faster. Falls
    back to the stock parse if LibCST's internals ever move."""
    validate = cst.CSTNode.__dict__.get("__post_init__")
    if validate is None:
        return cst.parse_module(source)
    cst.CSTNode.__post_init__ = _no_validation  # type: ignore[method-assign]
    try:
        return cst.parse_module(source)
    finally:
        cst.CSTNode.__post_init__ = validate  # type: ignore[method-assign]


def _no_validation(self) -> None:
    return None


# A module that writes its own namespace at run time may define any name: never a false alarm.
# Any use of the module's own namespace dict but a plain read: written in place, or handed to
# code that may fill it (protoc's `_globals = globals()` then `_builder.Build...(_globals)`).
_DYNAMIC_NAMES = re.compile(
    rb"(?:globals|vars|locals)\(\)(?!\s*(?:\.get\b|\.keys\b|\.items\b|\.values\b|\)))"
    rb"|\bexec\s*\(|sys\.modules\[__name__\]|setattr\(\s*sys\.modules")


def _writes_own_namespace(source: bytes) -> bool:
    if not any(text in source for text in (b"globals()", b"vars()", b"locals()", b"exec",
                                           b"sys.modules")):
        return False  # the regex is ~30x slower than these substring tests
    return _DYNAMIC_NAMES.search(source) is not None


_ROUTER_ASSIGN = re.compile(rb"^([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=]*)?=\s*(?:[\w.]+\.)?APIRouter\(",
                            re.MULTILINE)


def _routers_by_text(source: bytes) -> list:
    """A file CPython rejects has no facts, yet a router in it still exists (and fails)."""
    return [Assign(source.count(b"\n", 0, m.start()) + 1, 0, [m.group(1).decode()],
                   call="APIRouter") for m in _ROUTER_ASSIGN.finditer(source)]


def literal_str(node: Optional[cst.CSTNode]) -> Optional[str]:
    if type(node) in (cst.SimpleString, cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def str_expr(node: Optional[cst.CSTNode]):
    """A string-valued expression the simulation can evaluate with known variables."""
    text = literal_str(node)
    if text is not None:
        return ("lit", text)
    if type(node) is cst.Name:
        return ("var", node.value)
    if (type(node) is cst.Subscript and type(node.value) is cst.Name
            and len(node.slice) == 1 and type(node.slice[0].slice) is cst.Index):
        key = literal_str(node.slice[0].slice.value)
        if key is not None:  # `entry["module"]` of a registry record
            return ("item", node.value.value, key)
    if type(node) is cst.FormattedString:
        parts: list = []
        for part in node.parts:
            if type(part) is cst.FormattedStringText:
                parts.append(part.value)
            elif (type(part) is cst.FormattedStringExpression and part.format_spec is None
                  and part.conversion is None and dotted(part.expression)):
                parts.append(("var", dotted(part.expression)))
            else:
                return None
        return ("fmt", parts)
    if type(node) is cst.BinaryOperation:
        left, right = str_expr(node.left), str_expr(node.right)
        if left is None or right is None:
            return None
        if type(node.operator) is cst.Add:
            return ("fmt", _parts(left) + _parts(right))
        if type(node.operator) is cst.Modulo and left[0] == "lit" and left[1].count("%s") == 1:
            before, after = left[1].split("%s")
            return ("fmt", [before, right, after])
    if (type(node) is cst.Call and type(node.func) is cst.Attribute
            and node.func.attr.value == "format" and len(node.args) == 1):
        template = literal_str(node.func.value)
        value = str_expr(node.args[0].value)
        if template is not None and value is not None and template.count("{}") == 1:
            before, after = template.split("{}")
            return ("fmt", [before, value, after])
    return None


_STRING_VALUES = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString,
                  cst.BinaryOperation)


def _parts(expr) -> list:
    return list(expr[1]) if expr[0] == "fmt" else [expr[1] if expr[0] == "lit" else expr]


def _strings(node: cst.BaseExpression) -> Optional[List[str]]:
    """The strings of a literal list/tuple/set, or the str keys of a literal dict."""
    if type(node) in (cst.List, cst.Tuple, cst.Set):
        values = [literal_str(e.value) if type(e) is cst.Element else None
                  for e in node.elements]
    elif type(node) is cst.Dict:
        values = [literal_str(e.key) if type(e) is cst.DictElement else None
                  for e in node.elements]
    else:
        return None
    return values if all(v is not None for v in values) else None  # type: ignore[return-value]


def _records(node: cst.BaseExpression) -> Optional[List[Any]]:
    """A literal list/tuple of dicts (their str -> str items) or of tuples of str."""
    records: List[Any] = []
    for element in node.elements:
        value = element.value if type(element) is cst.Element else None
        if type(value) is cst.Dict:
            record = {}
            for item in value.elements:
                if type(item) is not cst.DictElement:
                    return None
                key, text = literal_str(item.key), literal_str(item.value)
                if key is None:
                    return None
                if text is not None:
                    record[key] = text
            records.append(record)
        elif type(value) in (cst.Tuple, cst.List):
            texts = _strings(value)
            if texts is None:
                return None
            records.append(texts)
        else:
            return None
    return records or None


def _loads_or_calls(events: list) -> bool:
    """Does a method body import anything, or call another method (`self.load(...)`)?"""
    todo = [events]
    while todo:
        for event in todo.pop():
            kind = event.kind
            if kind in ("import", "dynamic_import") or (
                    kind == "call" and event.func.startswith("self.")):
                return True
            for attr in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(event, attr, None)
                if isinstance(inner, list) and inner:
                    todo.append(inner)
    return False


def _params(node: cst.FunctionDef) -> List[str]:
    params = node.params
    return [p.name.value for p in (*params.posonly_params, *params.params)]


def _targets(node: cst.BaseExpression) -> List[str]:
    if type(node) is cst.Name:
        return [node.value]
    if type(node) in (cst.Tuple, cst.List):
        return [n for e in node.elements for n in _targets(e.value)]
    if type(node) is cst.StarredElement:
        return _targets(node.value)
    return []


def _last(name: Optional[str]) -> str:
    return (name or "").rpartition(".")[2]


def _truthy(node: Optional[cst.BaseExpression]) -> bool:
    return type(node) is cst.Name and node.value == "True"


_SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _def_reads(twin, annotations: bool) -> List[List[Any]]:
    """[name, line, col] of every name a `def`/`class` statement evaluates when it runs:
    decorators, default values, bases and keywords, and annotations when `annotations`
    (lambdas and comprehensions have scopes of their own: not followed)."""
    exprs = list(twin.decorator_list)
    if isinstance(twin, ast.ClassDef):
        exprs += twin.bases + [k.value for k in twin.keywords]
    else:
        args = twin.args
        exprs += args.defaults + [d for d in args.kw_defaults if d is not None]
        if annotations:
            every = (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
            exprs += [a.annotation for a in every if a is not None and a.annotation is not None]
            if twin.returns is not None:
                exprs.append(twin.returns)
    return _loads(exprs)


def _loads(exprs: list) -> List[List[Any]]:
    """[name, line, col] of the names `exprs` read, in order."""
    found = []
    todo = list(exprs)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            found.append([node.id, node.lineno, node.col_offset])
        elif not isinstance(node, _SCOPES):
            todo.extend(ast.iter_child_nodes(node))
    return sorted(found, key=lambda read: (read[1], read[2]))


def _statement_reads(twin, annotations: bool) -> List[List[Any]]:
    """What a simple statement evaluates as it runs: an assignment's value and its targets'
    subscripts and attributes, an annotation (when evaluated), an expression, the target of
    `x += 1` (read first)."""
    kind = type(twin)
    if kind is ast.Assign:
        return _loads([*twin.targets, twin.value])
    if kind is ast.AnnAssign:
        exprs = [twin.target] + ([twin.value] if twin.value is not None else [])
        return _loads(exprs + ([twin.annotation] if annotations else []))
    if kind is ast.AugAssign:
        target = twin.target
        own = [[target.id, target.lineno, target.col_offset]] if type(target) is ast.Name else []
        return own + _loads([target, twin.value])
    if kind is ast.Expr:
        return _loads([twin.value])
    return []


def _class_body_reads(twin: ast.ClassDef, annotations: bool) -> List[List[Any]]:
    """What a class body evaluates when the class statement runs: its simple statements, and
    the headers of the methods and classes defined in it (their bodies run later)."""
    found: List[List[Any]] = []
    for stmt in twin.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found += _def_reads(stmt, annotations)
        else:
            found += _statement_reads(stmt, annotations)
    return found


def _def_calls(twin) -> List[List[Any]]:
    """The project calls a `def` statement may make as it runs (FunctionDef.def_calls):
    decorator expressions that are calls, default values that are calls, then the decorators
    applied to the function, innermost first."""
    factories, plain = [], []
    for decorator in twin.decorator_list:
        if isinstance(decorator, ast.Call):
            name = ast_dotted(decorator.func)
            if name:
                factories.append([name, decorator.lineno, "factory"])
        else:
            name = ast_dotted(decorator)
            if name:
                plain.append([name, decorator.lineno, "decorator"])
    args = twin.args
    defaults = [[ast_dotted(d.func), d.lineno, "default"]
                for d in (*args.defaults, *(k for k in args.kw_defaults if k is not None))
                if isinstance(d, ast.Call) and ast_dotted(d.func)]
    return factories + defaults + plain[::-1]


def _mapped_annotations(twin: ast.ClassDef) -> List[Tuple[str, List[List[Any]]]]:
    """(annotation text, its reads) of each column annotation `x: Mapped[T]` or
    `x: Mapped[T] = mapped_column(...)` in a class body: SQLAlchemy evaluates those when it
    maps the class (relationships are resolved later, through the registry: left out)."""
    found = []
    for stmt in twin.body:
        if not isinstance(stmt, ast.AnnAssign):
            continue
        annotation, value = stmt.annotation, stmt.value
        if not (isinstance(annotation, ast.Subscript)
                and _last(ast_dotted(annotation.value)) == "Mapped"):
            continue
        if value is not None and not (isinstance(value, ast.Call)
                                      and _last(ast_dotted(value.func)) == "mapped_column"):
            continue
        found.append((ast.unparse(annotation), _loads([annotation.slice])))
    return found


_NESTED_BODIES = ("body", "orelse", "handlers", "finalbody")


def _bound_at_top(tree: ast.Module) -> frozenset:
    """The names the module's own statements bind (imports, `def`/`class`, assignment, loop
    and `with` targets), blocks included but not function or class bodies: statements only,
    so it costs a fraction of `_bound_anywhere`, and answers most reads."""
    names = set()
    todo = list(tree.body)
    while todo:
        stmt = todo.pop()
        kind = type(stmt)
        if kind in (ast.Import, ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            names.add(stmt.name)
            continue
        elif kind in (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor):
            targets = stmt.targets if kind is ast.Assign else [stmt.target]
            names.update(n.id for t in targets for n in ast.walk(t) if type(n) is ast.Name)
        elif kind in (ast.With, ast.AsyncWith):
            names.update(n.id for item in stmt.items if item.optional_vars is not None
                         for n in ast.walk(item.optional_vars) if type(n) is ast.Name)
        for attr in _NESTED_BODIES:
            todo.extend(getattr(stmt, attr, ()) or ())
    return frozenset(names)


def _defined_once(tree: ast.Module) -> Dict[str, int]:
    """Name -> last line of the top-level `class`/`def` statement that binds it, for the names
    the file binds there and nowhere else, in no way (no other assignment, import, parameter,
    `global`): until that statement ends, reading the name at import time is a NameError."""
    counts = Counter(_bindings(tree))
    return {stmt.name: stmt.end_lineno or stmt.lineno for stmt in tree.body
            if isinstance(stmt, _DEFS) and counts[stmt.name] == 1}


_DEFS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _bound_anywhere(tree: ast.Module) -> frozenset:
    """Every name the file binds, in any scope and any way: a name bound nowhere cannot
    have been defined by code routerlint does not follow."""
    return frozenset(_bindings(tree))


def _bindings(tree: ast.Module) -> Iterator[str]:
    """Each binding of a name in the file, in any scope and any way (assignment, parameter,
    import, `def`/`class`, `except ... as`, `global`, match capture, walrus), once per place."""
    for node in ast.walk(tree):
        kind = type(node)
        if kind is ast.Name:
            if not isinstance(node.ctx, ast.Load):
                yield node.id
        elif kind in _DEFS:
            yield node.name
        elif kind is ast.arg:
            yield node.arg
        elif kind in (ast.Import, ast.ImportFrom):
            for alias in node.names:
                yield (alias.asname or alias.name).split(".")[0]
        elif kind in (ast.Global, ast.Nonlocal):
            yield from node.names
        elif kind is ast.ExceptHandler or kind.__name__ in ("MatchAs", "MatchStar"):
            if getattr(node, "name", None):
                yield node.name
        elif kind.__name__ == "MatchMapping" and node.rest:
            yield node.rest


# Class-level values that are never a primary-key column (or no column at all).
_NOT_KEYS = frozenset({"relationship", "column_property", "synonym", "association_proxy",
                       "hybrid_property", "composite", "deferred", "query_expression",
                       "backref", "ClassVar"})
_COLUMNS = frozenset({"Column", "mapped_column"})


def _primary_key(body: Sequence[cst.BaseStatement]) -> Optional[bool]:
    """Does this class body declare its own primary key (see ClassDef.primary_key)?"""
    found: Optional[bool] = False
    for stmt in body:
        if type(stmt) is cst.FunctionDef:
            if any(_last(dotted(d.decorator if type(d.decorator) is not cst.Call
                                else d.decorator.func)) in ("declared_attr", "directive")
                   for d in stmt.decorators) and stmt.name.value != "__tablename__":
                found = None  # a column made by a function: not read
            continue
        if type(stmt) is cst.ClassDef:
            continue
        if type(stmt) not in (cst.SimpleStatementLine, cst.SimpleStatementSuite):
            found = None  # `if`/`try`/... in a class body: not read
            continue
        for small in stmt.body:
            if type(small) not in (cst.Assign, cst.AnnAssign) or small.value is None:
                continue
            targets = (_targets(small.target) if type(small) is cst.AnnAssign
                       else [n for t in small.targets for n in _targets(t.target)])
            value = small.value
            if targets and targets[0] in ("__table__", "__mapper_args__"):
                return True
            if targets == ["__table_args__"]:
                if "PrimaryKeyConstraint" in cst.Module([]).code_for_node(value):
                    return True
                continue
            if targets and targets[0].startswith("__"):
                continue
            if type(value) is not cst.Call:
                continue  # a constant: no column
            callee = _last(dotted(value.func))
            if callee in _COLUMNS:
                if any(a.keyword is not None and a.keyword.value == "primary_key"
                       and not (type(a.value) is cst.Name and a.value.value == "False")
                       for a in value.args):
                    return True
            elif callee not in _NOT_KEYS:
                found = None  # `id = id_column()`: may be a primary key
    return found


def _tablename_rule(node: cst.FunctionDef) -> Optional[str]:
    """`@declared_attr def __tablename__(cls): return cls.__name__.lower()` (or without
    `.lower()`): the table is named after each class, "lower" or "name"; else None."""
    if not any(_last(dotted(d.decorator)) in ("declared_attr", "directive")
               for d in node.decorators):
        return None
    params = _params(node)
    body = node.body.body if type(node.body) is cst.IndentedBlock else [node.body]
    if len(params) != 1 or len(body) != 1 or type(body[0]) is not cst.SimpleStatementLine:
        return None
    statement = body[0].body[0] if len(body[0].body) == 1 else None
    if type(statement) is not cst.Return or statement.value is None:
        return None
    value, rule = statement.value, "name"
    if (type(value) is cst.Call and not value.args and type(value.func) is cst.Attribute
            and value.func.attr.value == "lower"):
        value, rule = value.func.value, "lower"
    return rule if dotted(value) == f"{params[0]}.__name__" else None


_ORDER = {cst.Equal: operator.eq, cst.NotEqual: operator.ne, cst.LessThan: operator.lt,
          cst.LessThanEqual: operator.le, cst.GreaterThan: operator.gt,
          cst.GreaterThanEqual: operator.ge}


def _compare_literals(left: cst.BaseExpression, comp) -> Optional[bool]:
    """`1 < 2`, `"a" == "b"`: the comparison of two literals, as CPython evaluates it."""
    compare = _ORDER.get(type(comp.operator))
    a, b = literal(left), literal(comp.comparator)
    if compare is None or a is NOT_LITERAL or b is NOT_LITERAL:
        return None
    try:
        return bool(compare(a, b))
    except TypeError:  # `"a" < 1` raises at run time: not ours to decide
        return None


_COMPARE_OPS = {cst.Equal: "==", cst.NotEqual: "!=", cst.In: "in", cst.NotIn: "not in"}


def _compare(node: cst.BaseExpression) -> Optional[List[Any]]:
    """`name == "x"`, `name != "x"`, `name in ("a", "b")` as [name, op, [strings]]."""
    if type(node) is not cst.Comparison or len(node.comparisons) != 1:
        return None
    comp = node.comparisons[0]
    op = _COMPARE_OPS.get(type(comp.operator))
    if type(node.left) is not cst.Name or op is None:
        return None
    if op in ("==", "!="):
        text = literal_str(comp.comparator)
        return None if text is None else [node.left.value, op, [text]]
    strings = _strings(comp.comparator)
    return None if strings is None else [node.left.value, op, strings]


_PATHLIKE = (cst.Call, cst.Attribute, cst.Subscript, cst.BinaryOperation)
_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "options", "head",
                            "trace", "api_route"})


class _Walker:
    def __init__(self, twins, target: Version, facts: ModuleFacts, tree=None) -> None:
        self.twins = twins
        self.tree = tree
        self._anywhere: Optional[frozenset] = None  # _bound_anywhere(tree), when first needed
        self._top: Optional[frozenset] = None  # _bound_at_top(tree), when first needed
        self._once: Optional[Dict[str, int]] = None  # _defined_once(tree), when first needed
        self._defs: Optional[Dict[str, int]] = None  # top-level class/def -> its last line
        self.target = target
        self.facts = facts
        self.paths: Dict[str, List[str]] = {}  # module-level names bound to a known path
        self.env: Dict[str, list] = {}  # module-level names bound to an environment read
        # Annotations of a `def` are evaluated when it runs up to Python 3.13, unless
        # `from __future__ import annotations`; 3.14 defers them (PEP 649).
        self.lazy_annotations = target >= (3, 14)

    def pos(self, node: cst.CSTNode) -> Tuple[int, int]:
        twin = self.twins.get(id(node))
        return (1, 0) if twin is None else (twin.lineno, twin.col_offset)

    # -- blocks ---------------------------------------------------------------------------
    def block(self, body: Sequence[cst.BaseStatement], top: bool = True) -> list:
        events: list = []
        for stmt in body:
            if type(stmt) is cst.SimpleStatementLine:
                for small in stmt.body:
                    self.small(small, events, top)
            else:
                self.compound(stmt, events, top)
        return events

    def suite(self, suite: cst.BaseSuite, top: bool) -> list:
        if type(suite) is cst.IndentedBlock:
            return self.block(suite.body, top)
        events: list = []
        for small in suite.body:  # SimpleStatementSuite: `if x: import a; import b`
            self.small(small, events, top)
        return events

    # -- small statements -----------------------------------------------------------------
    def small(self, node: cst.BaseSmallStatement, out: list, top: bool) -> None:
        line, col = self.pos(node)
        if top and type(node) in (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Expr):
            twin = self.twins.get(id(node))
            reads = self.unbound(_statement_reads(twin, not self.lazy_annotations),
                                 forward=True) if twin is not None else []
            if reads:
                out.append(Reads(line, reads))
        if type(node) is cst.Import:
            for alias in node.names:
                out.append(Import(line, col, dotted(alias.name) or "",
                                  asname=_alias(alias)))
        elif type(node) is cst.ImportFrom:
            names: List[Tuple[str, Optional[str]]]
            if type(node.names) is cst.ImportStar:
                names = [("*", None)]
            else:
                names = [(dotted(a.name) or "", _alias(a)) for a in node.names]
            level = len(node.relative)
            if dotted(node.module) == "__future__" and ("annotations", None) in names:
                self.lazy_annotations = True  # PEP 563: annotations are never evaluated
            out.append(Import(line, col, dotted(node.module) or "", level=level, names=names))
        elif type(node) in (cst.Assign, cst.AnnAssign):
            self.assign(node, line, col, out, top)
        elif type(node) is cst.AugAssign:
            names = _targets(node.target)
            if top and names == ["__all__"]:
                extra = _strings(node.value)
                if extra is not None and self.facts.all_names is not None:
                    self.facts.all_names = self.facts.all_names + extra
            if names:
                out.append(Bind(line, names))
        elif type(node) is cst.Expr and type(node.value) is cst.Call:
            if top and dotted(node.value.func) in ("sys.path.insert", "sys.path.append"):
                self.sys_path(node.value, line)
            self.call(node.value, line, col, out, binds=[])
        elif type(node) is cst.Return and not top and node.value is not None:
            value = node.value
            if type(value) is cst.Call:
                if dotted(value.func) in ("importlib.import_module", "import_module",
                                          "__import__"):
                    self.call(value, line, col, out, binds=[])
                else:
                    out.append(Return(line, call=dotted(value.func)))
            elif dotted(value) is not None:
                out.append(Return(line, ref=dotted(value)))
            else:  # `return importlib.import_module(f".{name}", __name__).router`
                while type(value) is cst.Attribute:
                    value = value.value
                if type(value) is cst.Call and dotted(value.func) in (
                        "importlib.import_module", "import_module"):
                    self.call(value, line, col, out, binds=[])

    def sys_path(self, node: cst.Call, line: int) -> None:
        args = [a.value for a in node.args if a.keyword is None and not a.star]
        first = dotted(node.func) == "sys.path.insert"
        if len(args) != (2 if first else 1):
            return
        if first and not (type(args[0]) is cst.Integer and args[0].value == "0"):
            first = False  # insert(1, ...) and the like: after the script's own folder
        folder = folder_of(args[-1], self.paths)
        if folder is not None:
            self.facts.sys_path.append([line, first, folder])

    def path_name(self, names: List[str], value: cst.BaseExpression) -> None:
        """`ROOT = Path(__file__).resolve().parent.parent` at module level, for a later
        `sys.path.insert(0, str(ROOT))`."""
        parts = path_parts(value, self.paths)
        if parts is not None:
            self.paths[names[0]] = parts
        else:
            self.paths.pop(names[0], None)

    def assign(self, node, line: int, col: int, out: list, top: bool) -> None:
        if type(node) is cst.AnnAssign:
            if node.value is None:
                return  # `x: int` binds nothing
            names = _targets(node.target)
        else:
            names = [n for t in node.targets for n in _targets(t.target)]
        value = node.value
        if top and len(names) == 1 and type(value) in _PATHLIKE:
            self.path_name(names, value)
        if top:  # `FEATURES = os.getenv("ENABLED_FEATURES", "")`, for a later `if`
            tree = env_tree(value, self.env) if len(names) == 1 else None
            for name in names:
                self.env.pop(name, None)
            if tree is not None:
                self.env[names[0]] = tree
        if type(value) is cst.Call and self.call(value, line, col, out, binds=names):
            return
        event = Assign(line, col, names, ref=dotted(value), strings=_strings(value))
        if type(value) in _STRING_VALUES:  # a module name built before import_module(name)
            text = str_expr(value)
            event.text = text if text is not None and text[0] in ("lit", "fmt") else None
        if event.strings is None and type(value) in (cst.List, cst.Tuple):
            event.records = _records(value)
        if type(value) is cst.Call:
            event.call = dotted(value.func)
            event.call_args = [dotted(a.value) or _quoted(a.value) for a in value.args
                               if a.keyword is None and not a.star]
            event.call_kwargs = {a.keyword.value: dotted(a.value) or _quoted(a.value)
                                 for a in value.args if a.keyword is not None}
            if _last(event.call) == "Table":
                event.table = self.table_call(value, line, col)
        if top and names == ["__all__"]:
            self.facts.all_names = event.strings
        if top and not type(value) in (cst.Name, cst.SimpleString):
            event.reads = self.reads(node, value, line)
        out.append(event)

    def reads(self, statement, value: cst.BaseExpression, line: int) -> List[Tuple[str, int]]:
        """Dotted attribute reads a module-level value performs at import time (`a.B` in a
        cycle raises AttributeError while `a` is partially initialised)."""
        found: List[cst.Attribute] = []
        stack: list = [value]
        while stack:
            node = stack.pop()
            if type(node) is cst.Attribute and dotted(node):
                found.append(node)
            else:
                stack.extend(_evaluated_parts(node))
        if not found:
            return []
        twin = self.twins.get(id(statement))
        lines = attribute_lines(twin) if twin is not None else {}
        names = [dotted(node) or "" for node in reversed(found)]
        return [(name, lines.get(name, line)) for name in names]

    def call(self, node: cst.Call, line: int, col: int, out: list, binds: List[str]) -> bool:
        """Record a call that matters on its own; False when the caller should record it."""
        func = dotted(node.func)
        if func in ("importlib.import_module", "import_module", "__import__") and node.args:
            package = None
            for arg in node.args[1:]:
                if arg.keyword is None or arg.keyword.value == "package":
                    package = str_expr(arg.value)
            out.append(DynamicImport(line, col, str_expr(node.args[0].value), package, binds))
            return True
        self.nested_calls(node, line, col, out)
        if binds:
            return False
        if func is None:
            return False
        if _last(func) == "Table":
            table = self.table_call(node, line, col)
            out.append(table)
            return True
        args = [dotted(a.value) or _quoted(a.value) for a in node.args if a.keyword is None]
        out.append(Call(line, col, func, args))
        return True

    def nested_calls(self, node: cst.Call, line: int, col: int, out: list) -> None:
        """Calls in another call's arguments that run before it and matter: an
        `importlib.import_module(...)`, as in the one-line loader
        `app.include_router(importlib.import_module(name).router)` or
        `getattr(import_module(path), attr)`, and any call handed to `include_router` or
        `mount` (`app.mount("/api", create_api_app())`: a factory importing routers)."""
        assembles = _last(dotted(node.func) or "") in ("include_router", "mount")
        for arg in node.args:
            value = arg.value
            while type(value) is cst.Attribute:
                value = value.value
            if type(value) is cst.Call:
                inner = dotted(value.func)
                if inner in ("importlib.import_module", "import_module", "__import__"):
                    self.call(value, line, col, out, binds=[])
                elif inner == "getattr" and value.args:
                    self.nested_calls(value, line, col, out)
                elif assembles and inner is not None:
                    self.call(value, line, col, out, binds=[])

    def table_call(self, node: cst.Call, line: int, col: int) -> TableCall:
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        kwargs = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        return TableCall(
            line, col,
            name=literal_str(positional[0]) if positional else literal_str(kwargs.get("name")),
            metadata=dotted(positional[1]) if len(positional) > 1 else dotted(
                kwargs.get("metadata")),
            schema=literal_str(kwargs.get("schema")),
            extend_existing=_truthy(kwargs.get("extend_existing"))
            or _truthy(kwargs.get("keep_existing")),
        )

    # -- compound statements --------------------------------------------------------------
    def compound(self, node: cst.BaseCompoundStatement, out: list, top: bool) -> None:
        line, col = self.pos(node)
        if type(node) is cst.ClassDef:
            event = self.classdef(node, line, col)
            own = self.twins.get(id(node))
            event.columns = class_columns(own) if own is not None else None
            twin = own if top else None
            if twin is not None:
                body = self.unbound(_class_body_reads(twin, not self.lazy_annotations),
                                    forward=True)
                event.reads = sorted(self.def_reads(node) + body,
                                     key=lambda read: (read[1], read[2]))
                if self.lazy_annotations:  # then SQLAlchemy evaluates them, not Python
                    event.mapped_reads = [
                        read + [text] for text, reads in _mapped_annotations(twin)
                        for read in self.unbound(reads)]
            out.append(event)
        elif type(node) is cst.FunctionDef:
            name = node.name.value
            if top and name == "__getattr__":
                self.facts.has_getattr = True
            event = FunctionDef(line, col, name, self.suite(node.body, top=False),
                                _params(node))
            if top:
                event.reads = self.def_reads(node)
                event.routes = self.routes(node)
                twin = self.twins.get(id(node))
                event.def_calls = _def_calls(twin) if twin is not None else []
            out.append(event)
        elif type(node) is cst.If:
            out.append(self.if_(node, line, top))
        elif type(node) in (cst.Try, cst.TryStar):
            handlers = [Handler(self.pos(h)[0], _exception_names(h.type),
                                self.suite(h.body, top)) for h in node.handlers]
            out.append(Try(line, self.suite(node.body, top), handlers,
                           self.suite(node.orelse.body, top) if node.orelse else [],
                           self.suite(node.finalbody.body, top) if node.finalbody else []))
        elif type(node) is cst.With:
            self.with_(node, line, out, top)
        elif type(node) is cst.For:
            package = _iter_modules_package(node.iter)
            if package is not None:
                # `for info in iter_modules(p.__path__)` or `for _, name, _ in ...`
                elements = node.target.elements if type(node.target) is cst.Tuple else []
                name = (_targets(elements[1].value) if len(elements) == 3
                        else _targets(node.target))
                out.append(Loop(line, target=name[0] if len(name) == 1 else None,
                                package=package, body=self.suite(node.body, top)))
                return
            target = _targets(node.target)
            ref = dotted(node.iter)
            if type(node.iter) is cst.Call and dotted(node.iter.func) in (
                    "enumerate", "sorted", "reversed") and node.iter.args:
                ref = None
            body = self.suite(node.body, top)
            if target:
                body.insert(0, Bind(line, target))
            unpacked = (target if type(node.target) in (cst.Tuple, cst.List) and len(target) > 1
                        and len(target) == len(node.target.elements) else None)
            out.append(Loop(line, target=target[0] if len(target) == 1 else None,
                            items=_strings(node.iter), iter_ref=ref, body=body,
                            targets=unpacked))
        elif type(node) is cst.While:
            out.append(Loop(line, body=self.suite(node.body, top)))

    def if_(self, node: cst.If, line: int, top: bool) -> If:
        orelse: list = []
        if type(node.orelse) is cst.If:
            orelse = [self.if_(node.orelse, self.pos(node.orelse)[0], top)]
        elif type(node.orelse) is cst.Else:
            orelse = self.suite(node.orelse.body, top)
        test = self.test(node.test)
        if top and test is False and type(node.test) is cst.Comparison \
                and dotted(node.test.left) == "__name__":
            self.facts.script = True  # `if __name__ == "__main__":` at module level
        return If(line, test, self.suite(node.body, top), orelse,
                  compare=_compare(node.test) if test is None else None,
                  env=env_tree(node.test, self.env if top else {}) if test is None else None)

    def with_(self, node: cst.With, line: int, out: list, top: bool) -> None:
        body = self.suite(node.body, top)
        names = [n for item in node.items if item.asname
                 for n in _targets(item.asname.name)]
        if names:
            body.insert(0, Bind(line, names))
        suppressed = [t for item in node.items
                      if type(item.item) is cst.Call
                      and _last(dotted(item.item.func)) == "suppress"
                      for t in (dotted(a.value) or "?" for a in item.item.args)]
        if suppressed:
            out.append(Try(line, body, [Handler(line, suppressed)]))
        else:
            out.append(Loop(line, body=body))

    def test(self, node: cst.BaseExpression) -> Optional[bool]:
        """Statically known truth of an `if` test, else None."""
        if dotted(node) in ("TYPE_CHECKING", "typing.TYPE_CHECKING", "t.TYPE_CHECKING"):
            return False
        if type(node) is cst.UnaryOperation and type(node.operator) is cst.Not:
            inner = self.test(node.expression)
            return None if inner is None else not inner
        if type(node) is cst.BooleanOperation:  # CPython short-circuits: so do we
            left, right = self.test(node.left), self.test(node.right)
            if type(node.operator) is cst.Or:
                return True if True in (left, right) else (
                    False if left is False and right is False else None)
            return False if False in (left, right) else (
                True if left is True and right is True else None)
        value = literal(node)
        if value is not NOT_LITERAL:
            return bool(value)
        if type(node) is cst.Comparison and len(node.comparisons) == 1:
            left, comp = node.left, node.comparisons[0]
            known = _compare_literals(left, comp)
            if known is not None:
                return known
            if dotted(left) == "__name__" and literal_str(comp.comparator) == "__main__":
                if type(comp.operator) is cst.Equal:
                    return False
                if type(comp.operator) is cst.NotEqual:
                    return True
            if dotted(left) == "sys.version_info" and type(comp.comparator) is cst.Tuple:
                version = []
                for element in comp.comparator.elements:
                    if not type(element.value) is cst.Integer:
                        return None
                    version.append(int(element.value.value))
                ops = {cst.GreaterThanEqual: tuple.__ge__, cst.GreaterThan: tuple.__gt__,
                       cst.LessThan: tuple.__lt__, cst.LessThanEqual: tuple.__le__}
                op = ops.get(type(comp.operator))
                if op is not None:
                    return op(tuple(self.target[:len(version)]), tuple(version))
        return None

    def unbound(self, reads: List[List[Any]], forward: bool = False) -> List[List[Any]]:
        """The reads of names this file binds nowhere (and no builtin): the only ones that
        can be a NameError whatever code routerlint does not follow does. With `forward`
        (reads a module-level statement makes as it runs), also those of a name bound once in
        the file, by a top-level `class`/`def` that has not finished when the read runs
        (`items: list[Item]` above `class Item`), marked [name, line, col, 1]."""
        found = [read for read in reads if read[0] not in ALWAYS_BOUND]
        later: List[List[Any]] = []
        if found and self.tree is not None:  # the cheap answer first: most names are there
            if self._top is None:
                self._top = _bound_at_top(self.tree)
            if forward:
                if self._defs is None:  # cheap: the top-level statements only
                    self._defs = {stmt.name: stmt.end_lineno or stmt.lineno
                                  for stmt in self.tree.body if isinstance(stmt, _DEFS)}
                ahead = [read for read in found if read[1] <= self._defs.get(read[0], 0)]
                if ahead:  # rare: only then is every binding of the file counted
                    if self._once is None:
                        self._once = _defined_once(self.tree)
                    later = [read + [1] for read in ahead
                             if read[1] <= self._once.get(read[0], 0)]
            found = [read for read in found if read[0] not in self._top]
        if found and self.tree is not None:
            if self._anywhere is None:
                self._anywhere = _bound_anywhere(self.tree)
            found = [read for read in found if read[0] not in self._anywhere]
        return found + later

    def routes(self, node: cst.FunctionDef) -> List[List[Any]]:
        """The route decorators of a module-level function (FunctionDef.routes), with the
        decorator's line, where CPython's traceback points when FastAPI refuses it."""
        twin = self.twins.get(id(node))
        found: List[List[Any]] = []
        for index, decorator in enumerate(node.decorators):
            call = decorator.decorator
            if type(call) is not cst.Call or type(call.func) is not cst.Attribute or \
                    call.func.attr.value not in _ROUTE_METHODS:
                continue
            owner = dotted(call.func.value)
            if owner is None:
                continue
            given = next((a.value for a in call.args
                          if a.keyword is not None and a.keyword.value == "response_model"), None)
            if given is not None:
                model, how = dotted(given) or literal_str(given), "kw"
            else:
                annotation = node.returns.annotation if node.returns is not None else None
                model, how = (dotted(annotation) or literal_str(annotation), "return") \
                    if annotation is not None else (None, "return")
            if model is None:
                continue
            line = twin.decorator_list[index].lineno if twin is not None else self.pos(node)[0]
            found.append([owner, line, model, how])
        return found

    def def_reads(self, node) -> List[List[Any]]:
        """Names a module-level `def` or `class` statement reads as it runs, with CPython's
        positions (from the statement's AST twin)."""
        twin = self.twins.get(id(node))
        return [] if twin is None else _def_reads(twin, not self.lazy_annotations)

    def classdef(self, node: cst.ClassDef, line: int, col: int) -> ClassDef:
        event = ClassDef(
            line, col, node.name.value,
            bases=[dotted(a.value) for a in node.bases],
            keywords={a.keyword.value: dotted(a.value) for a in node.keywords if a.keyword},
            decorators=[dotted(d.decorator.func if type(d.decorator) is cst.Call
                               else d.decorator) or "?" for d in node.decorators],
        )
        body = node.body.body if type(node.body) is cst.IndentedBlock else [node.body]
        for stmt in body:
            smalls = stmt.body if type(stmt) in (cst.SimpleStatementLine,
                                                    cst.SimpleStatementSuite) else [stmt]
            for small in smalls:
                self.class_member(small, event)
        event.primary_key = _primary_key(body)
        event.settings = settings_of(node, body)
        return event

    def class_member(self, node: cst.CSTNode, event: ClassDef) -> None:
        if type(node) is cst.FunctionDef:
            if node.name.value == "__tablename__":
                event.tablename_dynamic = True
                event.tablename_rule = _tablename_rule(node)
            else:  # kept only when it may load modules (a router manager's methods)
                body = self.suite(node.body, top=False)
                if _loads_or_calls(body):
                    line, col = self.pos(node)
                    event.methods.append(FunctionDef(line, col, node.name.value, body,
                                                     _params(node)))
            return
        if not type(node) in (cst.Assign, cst.AnnAssign) or node.value is None:
            return
        targets = (_targets(node.target) if type(node) is cst.AnnAssign
                   else [n for t in node.targets for n in _targets(t.target)])
        value = node.value
        if "__tablename__" in targets:
            event.tablename = literal_str(value)
            event.tablename_dynamic = event.tablename is None
        elif "__table_args__" in targets:
            self.table_args(value, event)
        elif "__abstract__" in targets:
            event.abstract = _truthy(value)
        elif "__table__" in targets:
            if type(value) is cst.Call and _last(dotted(value.func)) == "Table":
                event.table = self.table_call(value, *self.pos(node))

    @staticmethod
    def table_args(value: cst.BaseExpression, event: ClassDef) -> None:
        if type(value) is cst.Tuple:
            last = value.elements[-1].value if value.elements else None
            if not type(last) is cst.Dict:
                return  # constraints only: no options
            value = last
        if not type(value) is cst.Dict:
            event.extend_existing = True  # computed options: unknown, so never a false alarm
            return
        for element in value.elements:
            if not type(element) is cst.DictElement:
                event.extend_existing = True
                continue
            key = literal_str(element.key)
            if key == "schema":
                event.schema = literal_str(element.value)
            elif key in ("extend_existing", "keep_existing") and not (
                    type(element.value) is cst.Name and element.value.value == "False"):
                event.extend_existing = True


def _evaluated_parts(node: cst.CSTNode) -> list:
    """The sub-expressions evaluated when `node` is (LibCST's generic `children` rebuilds
    nodes and costs more than the parse). Unknown kinds yield nothing: fewer reads, never a
    false alarm."""
    if type(node) is cst.Call:
        return [node.func, *(arg.value for arg in node.args)]
    if type(node) in (cst.List, cst.Tuple, cst.Set):
        return [element.value for element in node.elements]
    if type(node) is cst.Dict:
        return [part for element in node.elements
                for part in ((element.key, element.value) if type(element) is cst.DictElement
                             else (element.value,))]
    if type(node) in (cst.BinaryOperation, cst.BooleanOperation):
        return [node.left, node.right]
    if type(node) is cst.Attribute:  # `f().x`: the call runs
        return [node.value]
    if type(node) is cst.Subscript:
        return [node.value, *(e.slice.value for e in node.slice if type(e.slice) is cst.Index)]
    if type(node) is cst.UnaryOperation:
        return [node.expression]
    if type(node) is cst.Comparison:
        return [node.left, *(c.comparator for c in node.comparisons)]
    if type(node) is cst.IfExp:
        return [node.test, node.body, node.orelse]
    return []


def _iter_modules_package(node: cst.BaseExpression) -> Optional[str]:
    """`pkgutil.iter_modules(app.routers.__path__)` -> "app.routers"."""
    if (type(node) is cst.Call and _last(dotted(node.func)) == "iter_modules"
            and node.args):
        path = dotted(node.args[0].value)
        if path and path.endswith(".__path__"):
            return path[: -len(".__path__")]
    return None


def _alias(alias: cst.ImportAlias) -> Optional[str]:
    if alias.asname is None:
        return None
    return dotted(alias.asname.name)


def _quoted(node: cst.BaseExpression) -> Optional[str]:
    text = literal_str(node)
    return None if text is None else repr(text)


def _exception_names(node: Optional[cst.BaseExpression]) -> List[str]:
    if node is None:
        return []
    if type(node) is cst.Tuple:
        return [dotted(e.value) or "?" for e in node.elements]
    return [dotted(node) or "?"]
