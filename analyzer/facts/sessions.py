"""Which engine each session and each `create_all` uses, read with `ast` from one module: its
engines (`x = create_engine(url)`), session factories (`sessionmaker(bind=x)`), session
helpers (`def get_db(): return SessionLocal()`, `with SessionLocal() as s: yield s`),
`metadata.create_all(bind=x)` calls, and the models functions query through a session
(`s.query(M)`, `s.get(M, ..)`, `s.execute(select(M))`, `s.add(M(..))`). Names stay as written
(dotted); runtime/engines.py resolves them across modules. Anything else is left out:
routerlint then cannot tell, and says nothing.
"""

from __future__ import annotations

import ast
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional

from routerlint.facts.columns import ast_last, ast_name

WIRING_FORMAT = 1  # bump when Wiring's JSON layout or what it reads changes (cache key)
_ENGINES = frozenset({"create_engine", "create_async_engine"})
_MAKERS = frozenset({"sessionmaker", "async_sessionmaker"})
_SESSIONS = frozenset({"Session", "AsyncSession"})
_QUERIES = frozenset({"query", "get", "execute", "scalars", "scalar", "add", "merge", "delete"})
# Words a file must hold to be read at all (a cheap test on its bytes).
MARKERS = (b"create_all", b"sessionmaker", b"Session", b"create_engine", b"session")


@dataclass
class Wiring:
    # local name -> [module, name or None]: `from a.b import c as d` -> d: ["a.b", "c"]
    # (relative imports made absolute); `import a.b as d` -> d: ["a.b", None]
    imports: Dict[str, List[Optional[str]]] = field(default_factory=dict)
    engines: Dict[str, list] = field(default_factory=dict)  # name -> [line, url source]
    makers: Dict[str, list] = field(default_factory=dict)  # name -> [line, engine ref]
    # function -> [line, ref, "maker" | "engine"]: the session it hands out
    helpers: Dict[str, list] = field(default_factory=dict)
    # [line, metadata ref, engine ref or None, function or None]
    create_alls: List[list] = field(default_factory=list)
    # [line, session ref, "maker" | "engine" | "helper", model ref, function]
    queries: List[list] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Wiring":
        return cls(**data)


def _kwarg(call: ast.Call, name: str, index: int = 0) -> Optional[ast.AST]:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return call.args[index] if len(call.args) > index else None


def _maker_engine(call: ast.AST) -> Optional[str]:
    """The engine a `sessionmaker(...)` (or `scoped_session(sessionmaker(...))`) binds."""
    if not isinstance(call, ast.Call):
        return None
    if ast_last(call.func) == "scoped_session" and call.args:
        return _maker_engine(call.args[0])
    if ast_last(call.func) in _MAKERS:
        return ast_name(_kwarg(call, "bind"))
    return None


def read_wiring(source: bytes, module: str, is_package: bool) -> Optional[Wiring]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    found = Wiring()
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package[:len(package) - (node.level - 1)] if node.level - 1 <= len(
                    package) else None
                if up is None:
                    continue
                base = ".".join(up + ([node.module] if node.module else []))
            for alias in node.names:
                found.imports[alias.asname or alias.name] = [base, alias.name]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found.imports[alias.asname] = [alias.name, None]
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if len(targets) != 1 or not isinstance(targets[0], ast.Name):
                continue
            name, call = targets[0].id, stmt.value
            if ast_last(call.func) in _ENGINES:
                url = _kwarg(call, "url")
                found.engines[name] = [stmt.lineno, ast.unparse(url) if url else None]
            else:
                engine = _maker_engine(call)
                if engine is not None:
                    found.makers[name] = [stmt.lineno, engine]
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _function(function, found)
    for node in tree.body:  # module-level create_all calls
        _create_all(node, None, found)
    # a nested function's calls were also seen from its enclosing one: keep the innermost
    found.create_alls = list({c[0]: c for c in found.create_alls}.values())
    found.queries = list({q[0]: q for q in found.queries}.values())
    return found


def _session_source(call: ast.AST) -> Optional[List[str]]:
    """[ref, kind] of an expression that makes a session: `SessionLocal()` ("call": a maker
    or a helper, decided later), `Session(engine)` / `Session(bind=engine)` ("engine"),
    `next(get_db())`."""
    if not isinstance(call, ast.Call):
        return None
    name = ast_name(call.func)
    if name is None:
        return None
    if name.rpartition(".")[2] in _SESSIONS:
        engine = ast_name(_kwarg(call, "bind"))
        return [engine, "engine"] if engine else None
    if name == "next" and call.args:
        return _session_source(call.args[0])
    return [name, "call"]


def _function(function: ast.AST, found: Wiring) -> None:
    sessions: Dict[str, List[str]] = {}
    defaults = function.args.defaults  # type: ignore[attr-defined]
    positional = function.args.args  # type: ignore[attr-defined]
    for arg, default in list(zip(positional[len(positional) - len(defaults):], defaults)) + \
            list(zip(function.args.kwonlyargs, function.args.kw_defaults)):  # type: ignore
        if isinstance(default, ast.Call) and ast_last(default.func) == "Depends" and default.args:
            ref = ast_name(default.args[0])
            if ref:
                sessions[arg.arg] = [ref, "call"]
    hands_out: Optional[List[str]] = None
    for node in ast.walk(function):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            source = _session_source(node.value)
            if source and len(targets) == 1 and isinstance(targets[0], ast.Name):
                sessions[targets[0].id] = source
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                source = _session_source(item.context_expr)
                if source and isinstance(item.optional_vars, ast.Name):
                    sessions[item.optional_vars.id] = source
        elif isinstance(node, (ast.Return, ast.Yield)) and node.value is not None:
            value = node.value
            source = _session_source(value) if isinstance(value, ast.Call) else (
                sessions.get(value.id) if isinstance(value, ast.Name) else None)
            if source:
                hands_out = source
        elif isinstance(node, ast.Call):
            _create_all(node, function.name, found)  # type: ignore[attr-defined]
            _query(node, sessions, function.name, found)  # type: ignore[attr-defined]
    if hands_out is not None:
        found.helpers[function.name] = [function.lineno] + hands_out  # type: ignore


def _create_all(node: ast.AST, function: Optional[str], found: Wiring) -> None:
    call = node.value if isinstance(node, ast.Expr) else node
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and call.func.attr == "create_all"):
        return
    if function is None and isinstance(node, ast.Call):
        return
    metadata = ast_name(call.func.value)
    if metadata is None:
        return
    found.create_alls.append([call.lineno, metadata, ast_name(_kwarg(call, "bind")), function])


def _query(call: ast.Call, sessions: Dict[str, List[str]], function: str,
           found: Wiring) -> None:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in _QUERIES
            and isinstance(func.value, ast.Name) and func.value.id in sessions and call.args):
        return
    ref, kind = sessions[func.value.id]
    first = call.args[0]
    model = None
    if func.attr in ("query", "get"):
        model = ast_name(first)
    elif func.attr in ("add", "merge", "delete"):
        model = ast_name(first.func) if isinstance(first, ast.Call) else None
    else:
        for inner in ast.walk(first):
            if isinstance(inner, ast.Call) and ast_last(inner.func) == "select" and inner.args:
                model = ast_name(inner.args[0])
                break
    if model is not None and model[:1].isupper() or (model and "." in model):
        found.queries.append([call.lineno, ref, kind, model, function])
