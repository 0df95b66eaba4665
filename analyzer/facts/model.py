"""Per-file facts: what a module does, in order, when Python imports it.

The scanner produces these from source; the simulation replays them. They are plain data so
that a cache can store them as JSON (never pickle: a cache file must not be able to run code).
Lines are 1-based, columns 0-based (as in LibCST); reporters add 1 to columns.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Dict, Iterator, List, Optional, Tuple

# A string expression the simulation may evaluate: ("lit", "a.b") | ("var", "name") |
# ("fmt", [part, ...]) where a part is a literal str or ("var", "name").  None: unknown.
StrExpr = Any


@dataclass
class Import:
    """`import a.b [as c]` (one event per alias) or `from [..]a import x [as y], ...`."""

    kind: ClassVar[str] = "import"
    line: int
    col: int
    module: str  # as written, without leading dots; "" for `from . import x`
    level: int = 0  # leading dots of a relative import
    names: Optional[List[Tuple[str, Optional[str]]]] = None  # from-import names; ["*"] for star
    asname: Optional[str] = None  # `import a.b as c`


@dataclass
class Assign:
    """A top-level binding: `x = ...`, `x: T = ...`, `def`-less names. Keeps what matters."""

    kind: ClassVar[str] = "assign"
    line: int
    col: int
    names: List[str]
    call: Optional[str] = None  # dotted callee when the value is a call: "declarative_base"
    call_args: List[Optional[str]] = field(default_factory=list)  # positional args, dotted
    call_kwargs: Dict[str, Optional[str]] = field(default_factory=dict)
    ref: Optional[str] = None  # dotted name when the value is a name: `Model = db.Base`
    strings: Optional[List[str]] = None  # a literal list/tuple/set of str, or dict's str keys
    table: Optional["TableCall"] = None  # `t = Table("x", metadata, ...)`
    # A literal list/tuple of records: dicts of str -> str, or tuples of str (router
    # registries: [{"module": "app.routers.users", "attr": "router"}, ...]).
    records: Optional[List[Any]] = None
    reads: List[Tuple[str, int]] = field(default_factory=list)  # dotted attribute reads, line
    text: StrExpr = None  # a string value (scanner.str_expr): `name = f"{__name__}.{sub}"`


@dataclass
class TableCall:
    """`Table("name", metadata, ...)`: registers a table on that MetaData when it runs."""

    kind: ClassVar[str] = "table"
    line: int
    col: int
    name: Optional[str]
    metadata: Optional[str]  # dotted expression of the MetaData argument
    schema: Optional[str] = None
    extend_existing: bool = False


@dataclass
class ClassDef:
    """A class statement, with what SQLAlchemy's declarative machinery reads at definition."""

    kind: ClassVar[str] = "class"
    line: int
    col: int
    name: str
    bases: List[Optional[str]]  # dotted names; None where not a plain name
    keywords: Dict[str, Optional[str]] = field(default_factory=dict)  # table=True, metaclass=
    decorators: List[str] = field(default_factory=list)
    tablename: Optional[str] = None
    tablename_dynamic: bool = False  # __tablename__ computed (declared_attr, expression)
    # A declared_attr `__tablename__` that names each class's table after the class:
    # "lower" (`cls.__name__.lower()`) or "name" (`cls.__name__`); inherited by subclasses.
    tablename_rule: Optional[str] = None
    schema: Optional[str] = None
    extend_existing: bool = False  # extend_existing or keep_existing in __table_args__
    abstract: bool = False
    table: Optional[TableCall] = None  # `__table__ = Table(...)` in the class body
    # The class body's own primary-key column: True (a `primary_key=True` column, a
    # PrimaryKeyConstraint, `__table__` or `__mapper_args__`), False (columns, none of them a
    # primary key), None when the body could make one in a way not read (a helper call).
    primary_key: Optional[bool] = None
    # A pydantic-settings class (a `BaseSettings` base): {"fields": {name: [type, default]},
    # "prefix": env_prefix, "case": case_sensitive, "env_file": str or None}; a default that
    # is not a literal is "?" (facts/settingsclass.py).
    settings: Optional[Dict[str, Any]] = None
    # Names a column annotation reads when SQLAlchemy evaluates it (lazy annotations only):
    # [name, line, col, annotation text], names the file binds nowhere (RL205).
    mapped_reads: List[List[Any]] = field(default_factory=list)
    methods: List["FunctionDef"] = field(default_factory=list)  # run when called on an instance
    reads: List[List[Any]] = field(default_factory=list)  # decorators, bases, keywords: RL205
    # The columns the body declares (facts/columns.py: [attribute, name, line, type,
    # nullable, primary_key]); None when it may make one in a way not read (drift rules).
    columns: Optional[List[List[Any]]] = None


@dataclass
class Call:
    """A top-level call statement: `app.include_router(users.router)`, `create_app()`."""

    kind: ClassVar[str] = "call"
    line: int
    col: int
    func: str
    args: List[Optional[str]] = field(default_factory=list)


@dataclass
class DynamicImport:
    """`importlib.import_module(<str>)` / `__import__(<str>)` with a name we may evaluate."""

    kind: ClassVar[str] = "dynamic_import"
    line: int
    col: int
    name: StrExpr
    package: StrExpr = None
    binds: List[str] = field(default_factory=list)


@dataclass
class Bind:
    """Other top-level bindings (loop targets, `with ... as x`, augmented assignment)."""

    kind: ClassVar[str] = "bind"
    line: int
    names: List[str]


@dataclass
class Reads:
    """Names a module-level statement reads that the file binds nowhere (`X = b + 1` after
    a star import whose `__all__` leaves `b` out): NameError when it runs, unless something
    the simulation knows (a star import) bound them by then (RL205)."""

    kind: ClassVar[str] = "reads"
    line: int
    reads: List[List[Any]]  # [name, line, col]


@dataclass
class Return:
    """`return f(...)` or `return name` in a function body: what a factory hands back."""

    kind: ClassVar[str] = "return"
    line: int
    call: Optional[str] = None  # dotted callee of a returned call
    ref: Optional[str] = None  # dotted name returned


@dataclass
class FunctionDef:
    """A function definition; its body runs only when called (lazy imports live here)."""

    kind: ClassVar[str] = "function"
    line: int
    col: int
    name: str
    body: List[Any] = field(default_factory=list)
    params: List[str] = field(default_factory=list)  # positional parameter names (self too)
    # Names the `def` statement itself reads when it runs (decorators, defaults, and the
    # annotations when they are evaluated then): [name, line, col], for NameError (RL205).
    reads: List[List[Any]] = field(default_factory=list)
    # Route decorators (`@router.get(..., response_model=M)`): [object, line, model, how],
    # the model as written (a dotted name, or a string annotation's text), `how` "kw" for
    # response_model=, "return" for the return annotation FastAPI infers it from.
    routes: List[List[Any]] = field(default_factory=list)
    # Calls the `def` statement makes when it runs, in CPython's order: [callee, line, how],
    # how "factory" (`@cache(ttl=5)`: the decorator expression), "default" (`x=make()`),
    # "decorator" (`@register`: called with the function, innermost first).
    def_calls: List[List[Any]] = field(default_factory=list)


@dataclass
class Handler:
    kind: ClassVar[str] = "handler"
    line: int
    types: List[str]  # dotted exception names; [] for a bare `except:`
    body: List[Any] = field(default_factory=list)


@dataclass
class Try:
    """try/except (or `with suppress(...)`): handlers decide which failures are caught."""

    kind: ClassVar[str] = "try"
    line: int
    body: List[Any]
    handlers: List[Handler] = field(default_factory=list)
    orelse: List[Any] = field(default_factory=list)
    finalbody: List[Any] = field(default_factory=list)


@dataclass
class If:
    """An `if`; `test` is True/False when known statically (TYPE_CHECKING, versions), else None."""

    kind: ClassVar[str] = "if"
    line: int
    test: Optional[bool]
    body: List[Any] = field(default_factory=list)
    orelse: List[Any] = field(default_factory=list)
    # A test on one name against literal strings, decided when the simulation knows the
    # name's value (a parameter bound by a call): [name, "==" | "!=" | "in" | "not in", [..]]
    compare: Optional[List[Any]] = None
    # A test on the process environment (facts/envtest.py), decided for the environment given.
    env: Optional[List[Any]] = None


@dataclass
class Loop:
    """A for/while loop or a plain `with` block. For a `for` over known strings, `items`."""

    kind: ClassVar[str] = "loop"
    line: int
    target: Optional[str] = None
    items: Optional[List[str]] = None  # the literal strings iterated over, when known
    iter_ref: Optional[str] = None  # dotted name iterated over (`for n in ROUTERS`)
    targets: Optional[List[str]] = None  # `for module, attr in REGISTRY`: the names unpacked
    body: List[Any] = field(default_factory=list)
    package: Optional[str] = None  # `pkgutil.iter_modules(<package>.__path__)`: its modules


@dataclass
class SyntaxIssue:
    """CPython's verdict on a file it refuses to compile; such a module runs nothing."""

    kind: ClassVar[str] = "syntax"
    code: str  # RL100 / RL101 / RL102
    line: int
    col: int  # 1-based, as CPython reports
    message: str
    end_line: Optional[int] = None
    end_col: Optional[int] = None


@dataclass
class ModuleFacts:
    kind: ClassVar[str] = "module"
    lines: int
    events: List[Any] = field(default_factory=list)
    syntax: Optional[SyntaxIssue] = None
    all_names: Optional[List[str]] = None  # literal __all__, when there is one
    has_getattr: bool = False  # module-level __getattr__: any name may exist
    dynamic_names: bool = False  # names made at run time (globals()[...] = ...): any may exist
    unanalysed: Optional[str] = None  # CPython accepts it, routerlint could not read it: why
    script: bool = False  # has `if __name__ == "__main__":`: run as a script, its folder first
    # Module-level `sys.path.insert(i, folder)` / `.append(folder)`: [line, first?, folder
    # relative to the file's own folder], when the folder is statically known (facts/pathexpr.py).
    sys_path: List[List[Any]] = field(default_factory=list)
    suppressions: Dict[int, List[str]] = field(default_factory=dict)  # line -> codes ([]: all)


# Never a NameError: builtins, the module attributes the import system sets, and `_`, which
# gettext.install() puts among the builtins.
ALWAYS_BOUND = frozenset(dir(builtins)) | {
    "__name__", "__file__", "__doc__", "__package__", "__spec__", "__loader__", "__path__",
    "__builtins__", "__cached__", "__annotations__", "__dict__", "_"}

_KINDS = {
    cls.kind: cls
    for cls in (Import, Assign, TableCall, ClassDef, Call, DynamicImport, Bind, FunctionDef,
                Handler, Try, If, Loop, Reads, Return, SyntaxIssue, ModuleFacts)
}


def _defaults(cls) -> Dict[str, Any]:
    out = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            out[f.name] = f.default_factory()  # type: ignore[misc]
    return out


# Fields equal to their default are left out of the JSON: smaller cache files, faster loads.
_DEFAULTS = {kind: _defaults(cls) for kind, cls in _KINDS.items()}
_NESTED = (dict, list)
_SCALARS = frozenset((str, int, bool, float, type(None)))
_REQUIRED = object()
# kind -> ((field name, its default or _REQUIRED), ...) in declaration order, for to_json.
_FIELDS = {kind: tuple((f.name, _DEFAULTS[kind].get(f.name, _REQUIRED))
                       for f in dataclasses.fields(cls)) for kind, cls in _KINDS.items()}


class _LazyFunctionDef(FunctionDef):
    """A FunctionDef read from JSON whose body is decoded on first access. Most function
    bodies are never run by the simulation (only functions called at import time are), and
    decoding them was most of a warm run; `_raw` also lets readers ask cheaply whether a
    body can hold what they look for (see `body_may_contain`)."""

    def __getattr__(self, name: str) -> Any:  # only called when `body` is not decoded yet
        if name == "body":
            raw = self.__dict__["_raw"]
            if type(raw) is tuple:  # (bodies, start, end): a slice of the cache entry's tail
                raw = raw[0][raw[1]:raw[2]]
            body = from_json(json.loads(raw)) if raw else []
            self.__dict__["body"] = body
            return body
        raise AttributeError(name)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, FunctionDef):
            return (self.line, self.col, self.name, self.params, self.reads, self.routes,
                    self.def_calls, self.body) == (
                other.line, other.col, other.name, other.params, other.reads, other.routes,
                other.def_calls, other.body)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def walk_events(events: List[Any],
                enter: Callable[["FunctionDef"], bool] = lambda function: False) -> Iterator[Any]:
    """Every event of `events` and of the blocks nested in them (if/try/loop/with bodies,
    handlers), and of the function bodies `enter` accepts (none by default)."""
    todo = list(events)
    while todo:
        event = todo.pop()
        yield event
        if isinstance(event, FunctionDef) and not enter(event):
            continue
        for attr in ("body", "orelse", "handlers", "finalbody"):
            inner = getattr(event, attr, None)
            if isinstance(inner, list):
                todo.extend(inner)


def derived(facts: Any, key: Any, compute: Callable[[], Any]) -> Any:
    """A value computed from `facts` (or one of its events) alone, kept on the object: the
    daemon keeps facts from run to run, so each is computed once per file content, not once
    per run. Not a field: equality and the JSON ignore it."""
    found = facts.__dict__.get("_derived")
    if found is None:
        found = facts.__dict__["_derived"] = {}
    if key not in found:
        found[key] = compute()
    return found[key]


class ModuleBodies(str):
    """A cache entry's tail: the JSON of all its module's function bodies (cache.put). It
    remembers which texts it lacks altogether, so that asking each of a module's functions
    for a text none of them has is one search, not one per function (walks for imports,
    `create_all`, `FastAPI` ask every function of every module, each run)."""

    def lacks(self, texts: Tuple[str, ...]) -> bool:
        absent = self.__dict__.setdefault("absent", {})
        found = absent.get(texts)
        if found is None:
            if len(absent) > 64:  # the daemon keeps these for long: stay small
                absent.clear()
            found = absent[texts] = not any(text in self for text in texts)
        return found


def module_lacks(facts: Any, *texts: str) -> bool:
    """True when no function of module `facts` (read from a cache entry) has any of `texts`
    in its body: a walk looking for them then skips every function at once."""
    bodies = facts.__dict__.get("_bodies")
    return type(bodies) is ModuleBodies and bodies.lacks(texts)


def body_search(facts: Any, *texts: str) -> Callable[[FunctionDef], bool]:
    """`body_may_contain(function, *texts)` for the functions of module `facts`, as one
    predicate (for walk_events' `enter`): when no body of the module has any of `texts`
    (module_lacks), it answers False for each function without asking it."""
    if module_lacks(facts, *texts):
        return _never
    return lambda function: body_may_contain(function, *texts)


def _never(function: Any) -> bool:
    return False


def body_may_contain(function: FunctionDef, *texts: str) -> bool:
    """False only when the function's body certainly has none of `texts` in its JSON (kinds
    appear as '"k":"import"'); an already decoded body always answers True."""
    raw = function.__dict__.get("_raw")
    if raw is None or "body" in function.__dict__:
        return True
    if type(raw) is not tuple:  # the body's own JSON (facts just parsed)
        return derived(function, texts, lambda: any(text in raw for text in texts))
    bodies, start, end = raw
    if type(bodies) is ModuleBodies and bodies.lacks(texts):
        return False
    return derived(function, texts,
                   lambda: any(bodies.find(text, start, end) >= 0 for text in texts))


def to_json(obj: Any) -> Any:
    """Facts to JSON-ready data: {"k": kind, field: value, ...}, defaults omitted. A function's
    body is nested as a JSON string ("b"), decoded only when needed."""
    kind = getattr(type(obj), "kind", None)
    if kind is not None:
        data = {"k": kind}
        for name, default in _FIELDS[kind]:
            value = getattr(obj, name)
            if default is not _REQUIRED and value == default and type(value) is type(default):
                continue
            if kind == "function" and name == "body":
                data["b"] = json.dumps(to_json(value), separators=(",", ":"))
                continue
            data[name] = value if type(value) in _SCALARS else to_json(value)
        return data
    if isinstance(obj, (list, tuple)):
        return [x if type(x) in _SCALARS else to_json(x) for x in obj]
    if isinstance(obj, dict):
        out = {str(k): v if type(v) in _SCALARS else to_json(v) for k, v in obj.items()}
        # A plain dict with a "k" key (`f(k=x)` keyword arguments) must not read as a kind.
        return {"k": "dict", "items": out} if "k" in out else out
    return obj


def from_json(data: Any, bodies: str = "") -> Any:
    """The inverse of :func:`to_json`; raises KeyError/TypeError on foreign data. A function's
    "b" is its body's JSON, or [start, end] of it in `bodies` (a cache entry's tail, see
    cache.split_bodies). Hot on the warm path (every cached fact passes here), hence no
    recursion into scalars."""
    if type(data) is dict:
        kind = data.get("k")
        if kind is None:
            return {k: from_json(v, bodies) if type(v) in _NESTED else v
                    for k, v in data.items()}
        if kind == "dict":
            return {k: from_json(v, bodies) if type(v) in _NESTED else v
                    for k, v in data["items"].items()}
        if kind == "function":
            raw = data.get("b", "")
            if type(raw) is list:
                start, end = raw
                if type(start) is not int or type(end) is not int or not \
                        0 <= start <= end <= len(bodies):
                    raise ValueError("a function body outside its cache entry")
                raw = (bodies, start, end)
            obj = object.__new__(_LazyFunctionDef)
            obj.__dict__.update(line=data["line"], col=data["col"], name=data["name"],
                                params=data.get("params", []), reads=data.get("reads", []),
                                routes=data.get("routes", []),
                                def_calls=data.get("def_calls", []), _raw=raw)
            return obj
        cls = _KINDS[kind]
        obj = cls(**{k: from_json(v, bodies) if type(v) in _NESTED else v
                     for k, v in data.items() if k != "k"})
        if cls is ModuleFacts:
            obj.suppressions = {int(k): v for k, v in obj.suppressions.items()}
            if type(bodies) is ModuleBodies:  # for module_lacks; not a field
                obj.__dict__["_bodies"] = bodies
        return obj
    if type(data) is list:
        return [from_json(x, bodies) if type(x) in _NESTED else x for x in data]
    return data
