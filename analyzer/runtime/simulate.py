"""An abstract run of Python's import system over the facts, in the app's load order.

It follows what CPython does (checked by the fixtures against real CPython): parents before
children, statement order, `sys.modules` caching, partially initialised modules in cycles, a
failed module removed from `sys.modules` while its side effects stay (tables it registered),
exceptions that propagate to the importer unless a matching `except` catches them, and
`from m import x` falling back to the submodule `m.x`. SQLAlchemy's table registry and
FastAPI's routers are modelled as values flowing through module namespaces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from routerlint.facts.model import (
    Assign, Bind, Call, ClassDef, DynamicImport, FunctionDef, If, Import, Loop, ModuleFacts,
    ALWAYS_BOUND, TableCall, Try, body_may_contain, walk_events,
)
from routerlint.facts.imports import package_of
from routerlint.facts.envtree import (
    Undecided, describe, evaluate, parse_setting, variables,
)
from routerlint.runtime.values import (
    UNKNOWN, AppObj, BaseRef, Func, Instance, MetaRef, Method, ModuleInfo, ModuleRef, PlainClass,
    Record, Records, RouterObj, Setting, SQLModelClass, Str, Strings, Value,
)
from routerlint.rules.rl001_duplicate_table import RULE as DUPLICATE_TABLE
from routerlint.rules.rl003_no_primary_key import RULE as NO_PRIMARY_KEY
from routerlint.rules.rl004_no_table_name import RULE as NO_TABLE
from routerlint.rules.rl005_orm_response_model import RULE as ORM_RESPONSE_MODEL
from routerlint.rules.rl200_missing_module import RULE as MISSING_MODULE
from routerlint.rules.rl202_missing_name import RULE as MISSING_NAME
from routerlint.rules.rl203_circular_import import RULE as CIRCULAR_IMPORT
from routerlint.rules.rl205_undefined_name import RULE as UNDEFINED_NAME

# Project calls followed at import time nest at most this deep (a recursion ends here).
MAX_CALLS = 9

# The exception classes an import can raise, with their parents (for `except` matching).
_PARENT = {
    "ModuleNotFoundError": "ImportError", "ImportError": "Exception",
    "SyntaxError": "Exception", "AttributeError": "Exception", "NameError": "Exception",
    "InvalidRequestError": "SQLAlchemyError", "ArgumentError": "SQLAlchemyError",
    "MappedAnnotationError": "ArgumentError",
    "SQLAlchemyError": "Exception", "FastAPIError": "RuntimeError",
    "RuntimeError": "Exception", "Exception": "BaseException",
}


@dataclass
class Failure:
    """Why a statement raised: the root cause, reported once however many routers hit it."""

    code: str
    exc: str  # the Python exception class it is at run time
    path: str
    line: int
    col: int
    message: str
    related: List[Tuple[str, int, str]] = field(default_factory=list)
    symbol: str = ""  # what it is about (table, module, name), for fingerprints
    first_stack: Tuple[str, ...] = ()  # RL001: modules importing when the first one ran


class Raised(Exception):
    """A simulated exception unwinding the simulated stack. `hops` is the import chain."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure
        self.hops: List[Tuple[str, int]] = []


@dataclass
class Outcome:
    """One attempt to execute a module."""

    module: str
    ok: bool
    failure: Optional[Failure] = None
    hops: List[Tuple[str, int]] = field(default_factory=list)


@dataclass
class Module:
    name: str
    path: Optional[str]  # relative path for internal modules; None for external ones
    facts: Optional[ModuleFacts]
    is_package: bool
    ns: Dict[str, Value] = field(default_factory=dict)
    open: bool = False  # any attribute may exist (external, __getattr__, star from unknown)
    done: bool = False
    external: bool = False  # installed third-party: names known from its source, not executed
    removed: Dict[str, str] = field(default_factory=dict)  # name -> error (runtime/removed_names.py)
    # name -> (line, values) of an environment `if` whose other branch binds it (facts/envtest)
    env_only: Dict[str, Tuple[int, str]] = field(default_factory=dict)
    # name -> (line, module) of a star import whose `__all__` leaves out a name it defines
    hidden: Dict[str, Tuple[int, str]] = field(default_factory=dict)


@dataclass
class Spec:
    """Where a module comes from: internal facts, an external (installed) module, or nothing."""

    path: Optional[str]
    facts: Optional[ModuleFacts]
    is_package: bool
    external: bool = False
    names: Optional[frozenset] = None  # an external module's defined names; None: unknown
    removed: Dict[str, str] = field(default_factory=dict)  # names its __getattr__ refuses


Finder = Callable[[str], Optional[Spec]]
MissingCode = Callable[[str], str]
Children = Callable[[str], List[str]]


@dataclass
class TableDef:
    path: str
    line: int
    owner: str  # "class PredictiveModel" or "Table('x', ...)"
    module: str
    stack: Tuple[str, ...] = ()  # modules being imported when it was registered


class Simulation:
    """One interpreter: its sys.modules, its MetaData registries, its history of attempts."""

    def __init__(self, find: Finder, missing_code: MissingCode,
                 children: Optional[Children] = None,
                 missing_message: Optional[Callable[[str, str, str], str]] = None,
                 kind_of: Optional[Callable[[str, str], Optional[str]]] = None,
                 environ: Optional[Mapping[str, str]] = None,
                 infers_response_model: bool = True,
                 env_file: Optional[Callable[[str], Mapping[str, str]]] = None) -> None:
        self.find = find
        # A settings class's `env_file`, read relative to where the server starts (the root)
        self.env_file = env_file or (lambda path: {})
        self.infers_response_model = infers_response_model  # FastAPI >= 0.89 (or unknown)
        self.environ = environ or {}  # the variables the server starts with; others unset
        # (module, dotted callee) -> "router" / "app" / None: what class a call instantiates
        self.kind_of = kind_of or (lambda module, callee: None)
        self.missing_code = missing_code  # RL200 (internal) or RL201 (third-party)
        self.children = children or (lambda package: [])
        # (missing module, CPython's message, full name asked for) -> message with a hint
        self.missing_message = missing_message or (lambda name, message, wanted: message)
        self.sys_modules: Dict[str, Module] = {}
        self.tables: Dict[Tuple[str, Optional[str], str], TableDef] = {}
        self.meta_labels: Dict[str, str] = {}
        self.attempts: List[Outcome] = []
        self.caught: List[Failure] = []  # failures a guard swallowed (router loops, optional)
        self.uncertain: List[Failure] = []  # failures in a branch of an undecided `if`
        self.class_defs: Dict[Tuple[str, str], ClassDef] = {}  # plain classes with loaders
        self.calls: Dict[str, Outcome] = {}  # import_module(name) calls that last raised
        self.includes: List[Tuple[str, str, int]] = []  # (included router module, by, line)
        self.unknown_includes = 0  # include_router calls whose router we cannot tell
        self.executed: set = set()
        self.stack: List[str] = []  # modules being executed, outermost first
        self._depth = 0
        self.beyond_depth: Set[Tuple[str, int, str]] = set()  # (path, line, function): RL902
        self._bound: Dict[str, Set[str]] = {}  # module -> names its top level may bind

    # -- the import system ------------------------------------------------------------------
    def import_module(self, name: str, wanted: Optional[str] = None) -> Module:
        """`importlib.import_module(name)`: parents first, cached, failures unwind. `wanted`
        is the full name asked for while importing its parents (for install hints)."""
        wanted = wanted or name
        found = self.sys_modules.get(name)
        if found is not None:
            return found
        parent_name, _, child = name.rpartition(".")
        parent = None
        if parent_name:
            parent = self.import_module(parent_name, wanted)
            found = self.sys_modules.get(name)
            if found is not None:  # the parent's __init__ imported it
                return found
            if not parent.is_package:
                raise Raised(Failure(self.missing_code(name), "ModuleNotFoundError", "", 0, 0,
                                     self._missing(
                                         name, f"No module named '{name}'; '{parent_name}' "
                                         "is not a package", wanted), symbol=name))
        spec = self.find(name)
        if spec is None:
            raise Raised(Failure(self.missing_code(name), "ModuleNotFoundError", "", 0, 0,
                                 self._missing(name, f"No module named '{name}'", wanted),
                                 symbol=name))
        module = Module(name, spec.path, spec.facts, spec.is_package,
                        open=spec.external and spec.names is None, external=spec.external,
                        removed=spec.removed)
        if spec.external and spec.names:  # (fromkeys: thousands of names per run, in C)
            module.ns = dict.fromkeys(spec.names, UNKNOWN)
        self.sys_modules[name] = module
        if spec.facts is not None:
            self.executed.add(name)
            self.stack.append(name)
            try:
                self.execute(module)
            except Raised as raised:
                del self.sys_modules[name]
                self.attempts.append(Outcome(name, False, raised.failure, list(raised.hops)))
                raise
            finally:
                self.stack.pop()
            self.attempts.append(Outcome(name, True))
        module.done = True
        if parent is not None:
            parent.ns[child] = ModuleRef(name)
        return module

    def _missing(self, name: str, message: str, wanted: str) -> str:
        return self.missing_message(name, message, wanted)

    def execute(self, module: Module) -> None:
        facts = module.facts
        assert facts is not None
        if facts.syntax is not None:
            issue = facts.syntax
            failure = Failure(issue.code, "SyntaxError", module.path or "", issue.line,
                              issue.col - 1, issue.message)
            raised = Raised(failure)
            raised.hops.append((module.name, issue.line))
            raise raised
        if facts.has_getattr or facts.dynamic_names:
            module.open = True
        self.run(module, facts.events)

    # -- statements ---------------------------------------------------------------------------
    def run(self, module: Module, events: list) -> None:
        for event in events:
            try:
                self.step(module, event)
            except Raised as raised:
                failure = raised.failure
                if not failure.path:  # raised by the import machinery: locate it here
                    failure.path, failure.line = module.path or "", event.line
                    failure.col = getattr(event, "col", 0)
                if not raised.hops or raised.hops[0][0] != module.name:
                    raised.hops.insert(0, (module.name, event.line))
                raise

    def step(self, module: Module, event) -> None:
        handler = getattr(self, "on_" + event.kind)
        handler(module, event)

    def on_import(self, module: Module, event: Import) -> None:
        if event.names is None:  # import a.b.c [as x]
            imported = self.import_module(event.module)
            if event.asname:
                module.ns[event.asname] = ModuleRef(imported.name)
            else:
                top = event.module.split(".")[0]
                module.ns[top] = ModuleRef(top)
            return
        base = self.absolute(module, event)
        source = self.import_module(base)
        for name, asname in event.names:
            if name == "*":
                self.star(module, source, event.line)
                continue
            module.ns[asname or name] = self.from_import(source, name)

    def absolute(self, module: Module, event: Import) -> str:
        if not event.level:
            return event.module
        package = package_of(module.name, module.is_package)
        parts = package.split(".") if package else []
        if event.level - 1 > len(parts) - 1 or not parts:
            raise Raised(Failure(MISSING_MODULE.code, "ImportError", "", 0, 0,
                                 "attempted relative import beyond top-level package",
                                 symbol="." * event.level + event.module))
        if event.level > 1:
            parts = parts[: len(parts) - (event.level - 1)]
        return ".".join(parts + ([event.module] if event.module else []))

    def from_import(self, source: Module, name: str) -> Value:
        if name in source.removed and name not in source.ns:
            raise Raised(Failure(
                MISSING_NAME.code, "ImportError", "", 0, 0,
                f"cannot import name '{name}' from '{source.name}': its installed migration "
                f"table says {source.removed[name]}",
                symbol=f"{source.name}.{name}"))
        self.module_getattr(source, name)
        value = self.attribute(source, name)
        if value is not None:
            return value
        submodule = f"{source.name}.{name}"
        if source.is_package:
            if submodule in self.sys_modules:
                return ModuleRef(submodule)
            if self.find(submodule) is not None:
                return ModuleRef(self.import_module(submodule).name)
        if source.done:
            message = (f"cannot import name '{name}' from '{source.name}' "
                       f"({source.path or 'unknown location'})")
            code = MISSING_NAME.code
        else:
            message = (f"cannot import name '{name}' from partially initialized module "
                       f"'{source.name}' (most likely due to a circular import) "
                       f"({source.path})")
            code = CIRCULAR_IMPORT.code
        related = []
        if name in source.env_only:
            line, given = source.env_only[name]
            related.append((source.path or "", line, f"'{name}' is defined only in the "
                            f"branch not taken here, with {given} (judge another "
                            "environment with --env NAME=VALUE)"))
        raise Raised(Failure(code, "ImportError", "", 0, 0, message, related=related,
                             symbol=f"{source.name}.{name}"))

    def module_getattr(self, module: Module, name: str) -> None:
        """PEP 562: a name a project module does not bind, imported from it or read from it,
        runs its module-level `__getattr__` when it has one."""
        if (name not in module.ns and not module.external
                and isinstance(module.ns.get("__getattr__"), Func)):
            self.call_local(module, "__getattr__", 0, given=[Str(name)])

    @staticmethod
    def attribute(source: Module, name: str) -> Optional[Value]:
        if name in source.ns:
            return source.ns[name]
        if source.open:
            return UNKNOWN
        return None

    def star(self, module: Module, source: Module, line: int = 0) -> None:
        if source.open or source.external:  # an installed module's __all__ is not modelled
            module.open = True
        facts = source.facts
        names = facts.all_names if facts is not None and facts.all_names is not None else [
            n for n in source.ns if not n.startswith("_")]
        if facts is not None and facts.all_names is not None:  # for RL205's explanation
            listed = set(names)
            for name in source.ns:
                if name not in listed:
                    module.hidden.setdefault(name, (line, source.name))
        for name in names:
            value = self.attribute(source, name)
            module.ns[name] = value if value is not None else UNKNOWN

    def on_dynamic_import(self, module: Module, event: DynamicImport) -> None:
        name = self.evaluate(module, event.name)
        if name is None:
            return  # not known statically: nothing to say
        if name.startswith("."):
            package = self.evaluate(module, event.package)
            if package is None:
                return
            level = len(name) - len(name.lstrip("."))
            base = package.split(".")
            name = ".".join(base[: len(base) - level + 1] + [name.lstrip(".")]).strip(".")
        try:
            imported = self.import_module(name)
        except Raised as raised:  # the loader's call raised: even a module that ran is not
            self.calls[name] = Outcome(name, False, raised.failure,  # included
                                       [(name, 1)] + list(raised.hops))
            raise
        self.calls.pop(name, None)
        for bound in event.binds:
            module.ns[bound] = ModuleRef(imported.name)

    def evaluate(self, module: Module, expr) -> Optional[str]:
        """The value of a string expression from the scanner, when it is known."""
        if expr is None:
            return None
        kind = expr[0]
        if kind == "lit":
            return expr[1]
        if kind == "var":
            if expr[1] in ("__name__", "__package__") and expr[1] not in module.ns:
                return module.name if expr[1] == "__name__" or module.is_package \
                    else module.name.rpartition(".")[0]
            value = self.lookup(module, expr[1])
            if isinstance(value, Str):
                return value.text
            return value.name if isinstance(value, ModuleInfo) else None
        if kind == "item":  # `entry["module"]` of a registry record
            value = self.lookup(module, expr[1])
            if isinstance(value, Record) and isinstance(value.data, dict):
                found = value.data.get(expr[2])
                return found if isinstance(found, str) else None
            return None
        parts = []
        for part in expr[1]:
            text = part if isinstance(part, str) else self.evaluate(module, part)
            if text is None:
                return None
            parts.append(text)
        return "".join(parts)

    def on_assign(self, module: Module, event: Assign) -> None:
        value: Value = UNKNOWN
        if event.table is not None:
            self.register_table(module, event.table, f"Table('{event.table.name}')")
        elif event.call is not None:
            value = self.call_value(module, event)
        elif event.strings is not None:
            value = Strings(event.strings)
        elif event.records is not None:
            value = Records(event.records)
        elif event.text is not None:
            text = self.evaluate(module, event.text)
            value = UNKNOWN if text is None else Str(text)
        elif event.ref is not None:
            value = self.lookup(module, event.ref, strict=True)
        for read, line in event.reads:
            try:
                self.lookup(module, read, strict=True)
            except Raised as raised:
                if not raised.failure.path:  # raised by the read itself, not in a module
                    raised.failure.path, raised.failure.line = module.path or "", line
                else:  # an import the read ran (a module __getattr__): the line that read
                    raised.hops.insert(0, (module.name, line))
                raise
        for name in event.names:
            module.ns[name] = value

    def call_value(self, module: Module, event: Assign) -> Value:
        callee = event.call or ""
        last = callee.rpartition(".")[2]
        key = f"{module.name}.{event.names[0]}" if event.names else f"{module.name}:{event.line}"
        if last == "declarative_base" or last == "generate_base":
            metadata = event.call_kwargs.get("metadata")
            meta = self.lookup(module, metadata) if metadata else UNKNOWN
            meta_key = meta.key if isinstance(meta, MetaRef) else key
            self.meta_labels.setdefault(meta_key, f"{event.names[0]}.metadata")
            cls = event.call_kwargs.get("cls")  # `declarative_base(cls=Model)`: its columns
            key_of = self.lookup(module, cls) if cls else None
            return BaseRef(meta_key, primary_key=(
                False if not cls else key_of.primary_key if isinstance(key_of, PlainClass)
                else None))
        if last == "MetaData":
            self.meta_labels.setdefault(key, event.names[0] if event.names else "metadata")
            return MetaRef(key)
        if last == "APIRouter":
            return RouterObj(module.name)
        if last == "FastAPI":
            return AppObj(module.name)
        self.call_local(module, callee, event.line, event.call_args)  # a factory runs
        kind = self.kind_of(module.name, callee)  # a subclass, or a factory returning one
        if kind == "router":
            return RouterObj(module.name)
        if kind == "app":
            return AppObj(module.name)
        cls = self.lookup(module, callee)
        if isinstance(cls, PlainClass) and (cls.module, cls.name) in self.class_defs:
            return self.construct(module, cls, event.line, event.call_args)
        return UNKNOWN

    def construct(self, module: Module, cls: PlainClass, line: int,
                  args: Sequence[Optional[str]] = ()) -> Instance:
        """`Cls(...)` at import time: its `__init__` (its own or a base's) runs now, and what
        that calls too (a service whose constructor does `import spacy` fails the import)."""
        instance = Instance(cls.module, cls.name)
        init = self.method(instance, "__init__")
        if init is not None:
            self.invoke(module, init, line, args)
        return instance  # its loader methods may be called later

    def field(self, instance: Instance, name: str) -> Optional[Setting]:
        """A pydantic-settings field of an instance of a settings class."""
        cls = self.class_defs.get((instance.module, instance.class_name))
        settings = cls.settings if cls is not None else None
        if settings and name in settings["fields"]:
            return Setting(instance.module, instance.class_name, name)
        return None

    def method(self, instance: Instance, name: str) -> Optional[Method]:
        """A method kept by the scanner, found in the class or its project bases (in order)."""
        todo, seen = [(instance.module, instance.class_name)], set()
        while todo:
            key = todo.pop(0)
            cls = self.class_defs.get(key)
            if cls is None or key in seen:
                continue
            seen.add(key)
            found = next((m for m in cls.methods if m.name == name), None)
            if found is not None:
                return Method(key[0], found, instance)
            owner = self.sys_modules.get(key[0])
            for base in cls.bases if owner is not None else ():
                value = self.lookup(owner, base) if base else UNKNOWN
                if isinstance(value, PlainClass):
                    todo.append((value.module, value.name))
        return None

    def on_return(self, module: Module, event) -> None:
        if event.call:  # `return build_app()`: the factory called runs
            self.call_local(module, event.call, event.line)

    def on_call(self, module: Module, event: Call) -> None:
        if event.func.endswith("include_router") and event.args:
            target = self.lookup(module, event.args[0] or "")
            if isinstance(target, RouterObj):
                self.includes.append((target.module, module.name, event.line))
            else:
                self.unknown_includes += 1
            return
        value = self.lookup(module, event.func, strict=True)
        if isinstance(value, PlainClass) and (value.module, value.name) in self.class_defs:
            self.construct(module, value, event.line, event.args)
            return
        self.call_local(module, event.func, event.line, event.args)

    def call_local(self, module: Module, callee: str, line: int,
                   args: Sequence[Optional[str]] = (), given: Sequence[Value] = ()) -> None:
        """Run a project function or method called at import time (app factories, loaders,
        a router manager's `load_all()`), its parameters bound to the arguments we know
        (`args` as written in `module`, or values `given`)."""
        self.invoke(module, self.lookup(module, callee), line, args, given)

    def invoke(self, module: Module, value: Value, line: int,
               args: Sequence[Optional[str]] = (), given: Sequence[Value] = ()) -> None:
        """Run a function or bound method's body in its own module's namespace. Calls nest
        at most MAX_CALLS deep (recursion ends there); a function past the bound that would
        import is recorded in `beyond_depth` (RL902), never guessed."""
        bound: List[Value] = []
        if isinstance(value, Func):
            owner_name, function = value.module, value.function
        elif isinstance(value, Method):
            owner_name, function, bound = value.module, value.function, [value.instance]
        else:
            return
        owner = self.sys_modules.get(owner_name)
        if owner is None:
            return
        if self._depth >= MAX_CALLS:
            if self.may_import(owner, function, set()):
                self.beyond_depth.add((module.path or "", line, function.name))
            return
        values = bound + list(given) + [self.lookup(module, a) if a else UNKNOWN for a in args]
        params = list(getattr(function, "params", None) or ())
        saved = {name: owner.ns[name] for name in params if name in owner.ns}
        for name, given in zip(params, values):
            owner.ns[name] = given
        self._depth += 1
        try:
            self.run(owner, function.body)
        finally:
            self._depth -= 1
            for name in params:  # the parameters were the call's, not the module's
                if name in saved:
                    owner.ns[name] = saved[name]
                else:
                    owner.ns.pop(name, None)

    def may_import(self, owner: Module, function: FunctionDef, seen: Set[int]) -> bool:
        """Could running `function` import anything, through the project functions it calls
        (by name, in its own module)? Read, never run: only to tell whether RL902 matters."""
        if id(function) in seen:
            return False
        seen.add(id(function))
        if body_may_contain(function, '"k":"import"', '"k":"dynamic_import"'):
            return True
        for event in walk_events(function.body):
            callee = event.func if isinstance(event, Call) else getattr(event, "call", None)
            if callee:
                value = owner.ns.get(callee.partition(".")[0])
                if isinstance(value, Func) and value.module == owner.name and \
                        self.may_import(owner, value.function, seen):
                    return True
        return False

    def on_reads(self, module: Module, event) -> None:
        self.check_reads(module, event)

    def on_function(self, module: Module, event: FunctionDef) -> None:
        self.check_reads(module, event)
        for owner, line, model, how in event.routes:
            self.check_route(module, owner, line, model, how)
        function = Func(module.name, event)
        for callee, line, how in event.def_calls:  # project decorators and defaults run now
            self.invoke(module, self.lookup(module, callee), line,
                        given=[function] if how == "decorator" else [])
        module.ns[event.name] = function

    def check_route(self, module: Module, owner: str, line: int, model: str, how: str) -> None:
        """FastAPI builds a Pydantic field for a route's response model as the decorator
        runs: a SQLAlchemy mapped class raises FastAPIError (RL005). The return annotation
        is the model when none is given, from FastAPI 0.89 on (`infers_response_model`)."""
        if how == "return" and not self.infers_response_model:
            return
        if not isinstance(self.lookup(module, owner), (RouterObj, AppObj)):
            return
        value = self.lookup(module, model)
        if isinstance(value, BaseRef) and value.mapped:
            where = "response_model=" if how == "kw" else "the return annotation"
            raise Raised(Failure(
                ORM_RESPONSE_MODEL.code, "FastAPIError", module.path or "", line, 0,
                f"Invalid args for response field! Hint: check that {model} is a valid "
                f"Pydantic field type ({where} names a SQLAlchemy model, which is not)",
                symbol=f"{module.name}:{line}"))

    def check_reads(self, module: Module, event) -> None:
        """NameError (RL205): a name a `def`/`class` statement reads as it runs (decorators,
        defaults, bases, annotations when evaluated) that the module binds nowhere — judged
        only where every name of the module is known, so a name bound later or by a branch
        we run is never reported — or one that only a top-level class/def binds, read before
        that statement has finished (the scanner marks those reads: `list[Item]` above
        `class Item`)."""
        if module.open or not event.reads:
            return
        for name, line, col, *later in event.reads:
            # `later`: bound only by a top-level class/def not finished yet (the scanner)
            if name in module.ns if later else self.defined(module, name):
                continue
            related = []
            if name in module.hidden:
                star_line, source = module.hidden[name]
                related.append((module.path or "", star_line,
                                f"'{source}' defines '{name}', but its __all__ leaves it out, "
                                "so this star import does not bind it"))
            raise Raised(Failure(UNDEFINED_NAME.code, "NameError", module.path or "", line,
                                 col, f"name '{name}' is not defined", related=related,
                                 symbol=f"{module.name}.{name}"))

    def defined(self, module: Module, name: str) -> bool:
        """Is `name` bound now, a builtin, or bound by some statement of the module that may
        run? Only a name none of these covers is judged a NameError (RL205)."""
        return name in module.ns or name in ALWAYS_BOUND or name in self.bound(module)

    def bound(self, module: Module) -> Set[str]:
        """Every name the module's top level binds in a statement that may run (an `if`
        known to be false, as `if TYPE_CHECKING:`, binds nothing)."""
        if module.name not in self._bound:
            found: Set[str] = set()
            todo = [module.facts.events if module.facts is not None else []]
            while todo:
                for event in todo.pop():
                    found.update(_binds(event))
                    if isinstance(event, If):
                        todo += ([event.body] if event.test is not False else []) + (
                            [event.orelse] if event.test is not True else [])
                    elif not isinstance(event, (FunctionDef, ClassDef)):
                        todo += [getattr(event, attr) for attr in ("body", "orelse",
                                                                   "finalbody")
                                 if isinstance(getattr(event, attr, None), list)]
                        todo += [h.body for h in getattr(event, "handlers", None) or ()]
            self._bound[module.name] = found
        return self._bound[module.name]

    def on_bind(self, module: Module, event: Bind) -> None:
        for name in event.names:
            module.ns.setdefault(name, UNKNOWN)

    def on_table(self, module: Module, event: TableCall) -> None:
        self.register_table(module, event, f"Table('{event.name}')")

    def on_try(self, module: Module, event: Try) -> None:
        try:
            self.run(module, event.body)
        except Raised as raised:
            for handler in event.handlers:
                if catches(handler.types, raised.failure.exc):
                    self.caught.append(raised.failure)
                    self.run(module, handler.body)
                    break
            else:
                self.run(module, event.finalbody)
                raise
        else:
            self.run(module, event.orelse)
        self.run(module, event.finalbody)

    def on_if(self, module: Module, event: If) -> None:
        test = event.test if event.test is not None else self.decide(module, event.compare)
        if test is None and event.env is not None:
            used: List[str] = []
            try:
                test = bool(evaluate(event.env, self.environ,
                                     lambda ref: self.setting(module, ref, used)))
            except Undecided:
                pass
            else:
                self.on_env_if(module, event, test, variables(event.env) + used)
                return
        if test is True:
            self.run(module, event.body)
        elif test is False:
            self.run(module, event.orelse)
        else:  # unknown condition: either branch may run; what fails there is not certain
            for branch in (event.body, event.orelse):
                try:
                    self.run(module, branch)
                except Raised as raised:
                    self.uncertain.append(raised.failure)

    def setting(self, module: Module, ref: str, used: List[str]) -> object:
        """The value of a pydantic-settings field (`settings.FEATURE_X`) in the environment
        given, parsed as pydantic parses it, else its literal default; Undecided when the
        class or the value is not one routerlint reads (facts/settingsclass.py)."""
        value = self.lookup(module, ref)
        if not isinstance(value, Setting):
            raise Undecided(ref)
        spec = self.class_defs[(value.module, value.class_name)].settings or {}
        kind, default = spec["fields"][value.field]
        if spec["prefix"] is None or spec["case"] is None or kind == "?" or \
                spec["env_file"] == "?":
            raise Undecided(ref)
        name = spec["prefix"] + value.field
        environ = {**(self.env_file(spec["env_file"]) if spec["env_file"] else {}),
                   **self.environ}
        if not spec["case"]:
            environ = {key.lower(): text for key, text in environ.items()}
        raw = environ.get(name if spec["case"] else name.lower())
        used.append(name)
        if raw is None:
            if default == "?":
                raise Undecided(ref)
            return default
        return parse_setting(kind, raw)

    def on_env_if(self, module: Module, event: If, taken: bool, names: List[str]) -> None:
        """`if os.getenv("FEATURE_CSV"):` runs one branch, as CPython does for the variables
        given. What fails in it, and a name only the other branch binds, say which values
        chose it: the verdict depends on them."""
        given = describe(names, self.environ)
        for name in {n for e in (event.orelse if taken else event.body) for n in _binds(e)}:
            module.env_only.setdefault(name, (event.line, given))
        try:
            self.run(module, event.body if taken else event.orelse)
        except Raised as raised:
            note = (module.path or "", event.line,
                    f"this branch runs because {given} (judge another environment with "
                    "--env NAME=VALUE)")
            if note not in raised.failure.related:
                raised.failure.related.append(note)
            raise

    def decide(self, module: Module, compare: Optional[list]) -> Optional[bool]:
        """`name == "x"` / `name in ("a", "b")` when `name` holds a known string (a
        parameter bound by a call, such as the name a module `__getattr__` is asked for)."""
        if not compare:
            return None
        name, op, strings = compare
        value = module.ns.get(name)
        if not isinstance(value, Str):
            return None
        found = value.text in strings
        return found if op in ("==", "in") else not found

    def on_loop(self, module: Module, event: Loop) -> None:
        if event.package is not None:
            package = self.lookup(module, event.package)
            if not isinstance(package, ModuleRef) or event.target is None:
                return  # which modules it would load is not known statically
            for name in self.children(package.name):
                module.ns[event.target] = ModuleInfo(name)
                self.run(module, event.body)
            return
        items = event.items
        if items is None and event.iter_ref:
            value = self.lookup(module, event.iter_ref)
            if isinstance(value, Records):
                self.loop_records(module, event, value.items)
                return
            items = list(value.items) if isinstance(value, Strings) else None
        if items is None or event.target is None:
            self.run(module, event.body)
            return
        for item in items:
            module.ns[event.target] = Str(item)
            self.run(module, event.body)

    def loop_records(self, module: Module, event: Loop, records: list) -> None:
        """`for entry in REGISTRY` / `for path, attr in REGISTRY` over literal records."""
        for record in records:
            if event.target is not None:
                module.ns[event.target] = Record(record)
            elif event.targets and isinstance(record, list) and len(record) == len(
                    event.targets):
                for name, text in zip(event.targets, record):
                    module.ns[name] = Str(text)
            else:
                for name in event.targets or ():
                    module.ns[name] = UNKNOWN
            self.run(module, event.body)

    # -- SQLAlchemy ---------------------------------------------------------------------------
    def on_class(self, module: Module, event: ClassDef) -> None:
        self.check_reads(module, event)
        bases = [self.lookup(module, b, strict=True) if b else UNKNOWN for b in event.bases]
        meta = next((b.meta_key for b in bases if isinstance(b, BaseRef)), None)
        new_base = (any(b and b.rpartition(".")[2] in ("DeclarativeBase", "DeclarativeBaseNoMeta")
                        for b in event.bases)
                    or any(d.rpartition(".")[2] == "as_declarative" for d in event.decorators))
        inherited = next((b.tablename for b in bases if isinstance(b, PlainClass) and b.tablename),
                         None)
        # `@declared_attr __tablename__` naming tables after classes: the class's own, else
        # the first base's (a mixin or the declarative base).
        rule = event.tablename_rule if event.tablename_dynamic else next(
            (b.tablename_rule for b in bases
             if isinstance(b, (BaseRef, PlainClass)) and b.tablename_rule), None)
        own_bases = [b for b, name in zip(bases, event.bases)
                     if not new_base or (name or "").rpartition(".")[2] not in _SQLA_BASES]
        primary_key = _any_key([event.primary_key] + [
            b.primary_key if isinstance(b, (BaseRef, PlainClass)) else None for b in own_bases])
        dynamic = event.tablename_dynamic or any(
            b.tablename_dynamic for b in bases if isinstance(b, (BaseRef, PlainClass)))
        if new_base and meta is None:
            key = f"{module.name}.{event.name}"
            self.meta_labels.setdefault(key, f"{event.name}.metadata")
            module.ns[event.name] = BaseRef(key, rule, primary_key=primary_key,
                                            tablename_dynamic=dynamic)
            return
        sqlmodel = any(b and b.rpartition(".")[2] == "SQLModel" for b in event.bases) or any(
            isinstance(b, SQLModelClass) for b in bases)
        if sqlmodel:
            module.ns[event.name] = SQLModelClass()
            if event.keywords.get("table") == "True":
                self.meta_labels.setdefault("sqlmodel", "SQLModel.metadata")
                self.register_class_table(module, event, "sqlmodel",
                                          event.tablename or event.name.lower())
            return
        if meta is None:
            module.ns[event.name] = PlainClass(module.name, event.name, event.tablename, rule,
                                               dynamic, primary_key)
            self.class_defs[(module.name, event.name)] = event  # its methods, its bases
            return
        module.ns[event.name] = BaseRef(meta, rule, mapped=not event.abstract,
                                        primary_key=primary_key, tablename_dynamic=dynamic)
        if event.abstract:
            return
        self.check_mapped_annotations(module, event)
        mapped_parent = any(isinstance(b, BaseRef) and b.mapped for b in bases)
        name = None
        if event.table is not None:
            self.register_table(module, event.table, f"class {event.name}")
            return
        if event.tablename is not None or (inherited and not event.tablename_dynamic):
            name = event.tablename or inherited
        elif rule and not mapped_parent:
            # named after the class; a subclass of a mapped class is left alone (single-
            # table inheritance shares its parent's table)
            name = event.name.lower() if rule == "lower" else event.name
        elif not mapped_parent and not dynamic and all(
                isinstance(b, (BaseRef, PlainClass)) for b in bases):
            raise Raised(Failure(
                NO_TABLE.code, "InvalidRequestError", module.path or "", event.line, event.col,
                f"Class <class '{module.name}.{event.name}'> does not have a __table__ or "
                "__tablename__ specified and does not inherit from an existing table-mapped "
                "class.", symbol=f"{module.name}.{event.name}"))
        if name is None:
            return
        self.register_class_table(module, event, meta, name)
        if primary_key is False and not mapped_parent:
            raise Raised(Failure(
                NO_PRIMARY_KEY.code, "ArgumentError", module.path or "", event.line, event.col,
                f"Mapper Mapper[{event.name}({name})] could not assemble any primary key "
                f"columns for mapped table '{name}'", symbol=f"{module.name}.{event.name}"))

    def check_mapped_annotations(self, module: Module, event: ClassDef) -> None:
        """Under `from __future__ import annotations` (or Python 3.14) Python leaves a column's
        `Mapped[T]` unevaluated, and SQLAlchemy evaluates it when it maps the class: a name the
        module does not bind raises MappedAnnotationError (RL205, as the NameError it is)."""
        if module.open:
            return
        for name, line, col, text in event.mapped_reads:
            if self.defined(module, name):
                continue
            raise Raised(Failure(
                UNDEFINED_NAME.code, "MappedAnnotationError", module.path or "", event.line,
                event.col, f'Could not resolve all types within mapped annotation: "{text}" '
                f"(name '{name}' is not defined)",
                related=[(module.path or "", line, f"the annotation reads '{name}', which this "
                          "module does not define or import")],
                symbol=f"{module.name}.{name}"))

    def register_class_table(self, module: Module, event: ClassDef, meta: str,
                             name: str) -> None:
        table = TableCall(event.line, event.col, name, None, event.schema,
                          event.extend_existing)
        self.register_table(module, table, f"class {event.name}", meta)

    def register_table(self, module: Module, table: TableCall, owner: str,
                       meta: Optional[str] = None) -> None:
        if table.name is None:
            return
        if meta is None:
            value = self.lookup(module, table.metadata or "")
            if not isinstance(value, MetaRef):
                return  # a MetaData we cannot identify: never a false alarm
            meta = value.key
        key = (meta, table.schema, table.name)
        first = self.tables.get(key)
        if first is None:
            self.tables[key] = TableDef(module.path or "", table.line, owner, module.name,
                                        tuple(self.stack))
            return
        if table.extend_existing:
            return
        qualified = f"{table.schema}.{table.name}" if table.schema else table.name
        label = self.meta_labels.get(meta, "this MetaData")
        if (first.path, first.line) == (module.path, table.line):
            note = ("registered by an earlier import of this module that failed later; "
                    "the table stayed on the MetaData")
        else:
            note = f"first defined here ({first.owner})"
        raise Raised(Failure(
            DUPLICATE_TABLE.code, "InvalidRequestError", module.path or "", table.line, table.col,
            f"Table '{qualified}' is already defined on {label} ({owner})",
            related=[(first.path, first.line, note)],
            symbol=f"{meta}:{qualified}", first_stack=first.stack,
        ))

    # -- names ----------------------------------------------------------------------------------
    def lookup(self, module: Module, dotted: str, strict: bool = False) -> Value:
        """The value of a dotted name in a module's namespace, following modules and bases.
        `strict`: the access runs now, so reading a name a partially initialised module has
        not defined yet raises AttributeError, as in CPython."""
        if not dotted:
            return UNKNOWN
        first, *rest = dotted.split(".")
        value = module.ns.get(first, UNKNOWN)
        for attr in rest:
            if isinstance(value, ModuleRef):
                target = self.sys_modules.get(value.name)
                if target is None:
                    return UNKNOWN
                if strict:  # (a package importing its submodules on first access, as
                    self.module_getattr(target, attr)  # Prefect's server API does)
                if attr not in target.ns and strict and not target.done and not target.open:
                    # A submodule is an attribute only once its own import has finished:
                    # one that exists but was not imported yet raises as any missing name.
                    raise Raised(Failure(
                        CIRCULAR_IMPORT.code, "AttributeError", "", 0, 0,
                        f"partially initialized module '{target.name}' has no attribute "
                        f"'{attr}' (most likely due to a circular import)",
                        symbol=f"{target.name}.{attr}"))
                value = target.ns.get(attr, UNKNOWN)
            elif isinstance(value, ModuleInfo) and attr == "name":
                value = Str(value.name)
            elif isinstance(value, Instance):
                value = self.method(value, attr) or self.field(value, attr) or UNKNOWN
            elif isinstance(value, BaseRef) and attr == "metadata":
                value = MetaRef(value.meta_key)
            else:
                return UNKNOWN
        return value


# The declarative machinery's own classes: a base made from them brings no column of theirs.
_SQLA_BASES = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta", "AsyncAttrs",
                         "MappedAsDataclass"})


def _any_key(keys: List[Optional[bool]]) -> Optional[bool]:
    """A primary key from any of a class's parts: True if one has it, None if one may."""
    return True if True in keys else (None if None in keys else False)


def _binds(event) -> List[str]:
    """The names one statement binds in its own scope."""
    if isinstance(event, (Assign, Bind)):
        return list(event.names)
    if isinstance(event, (FunctionDef, ClassDef)):
        return [event.name]
    if isinstance(event, DynamicImport):
        return list(event.binds)
    if isinstance(event, Loop):
        return [event.target] if event.target else list(event.targets or ())
    if isinstance(event, Import):
        if event.names is None:
            return [event.asname or event.module.split(".")[0]]
        return [asname or name for name, asname in event.names if name != "*"]
    return []


def catches(types: List[str], exc: str) -> bool:
    """Would `except <types>` catch a simulated `exc`? A bare except catches everything."""
    if not types:
        return True
    wanted = {t.rpartition(".")[2] for t in types}
    current: Optional[str] = exc
    while current is not None:
        if current in wanted:
            return True
        current = _PARENT.get(current)
    return False
