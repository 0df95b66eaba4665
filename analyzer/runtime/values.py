"""The values a name can hold in a simulated module namespace, as far as the analysis cares.

Each kind exists because some statement of the simulation acts on it; everything else is
UNKNOWN, which never causes a diagnostic.

- Unknown: anything not modelled (the singleton UNKNOWN).
- ModuleRef: a module object, so `pkg.mod.name` lookups follow `sys.modules`.
- ModuleInfo: an item of `pkgutil.iter_modules(...)`, whose `.name` feeds a dynamic import.
- BaseRef: a SQLAlchemy declarative base (or model class): subclasses register on its MetaData.
- MetaRef: a `MetaData` object, the registry `Table(...)` calls register on.
- SQLModelClass: `SQLModel` or a subclass: `table=True` classes share SQLModel's MetaData.
- PlainClass: any other class: its `__tablename__` is inherited by models, its loader
  methods can run once it is instantiated.
- Instance: an instance of a plain class with methods (a router manager).
- Func, Method: a project function or bound method, run when called at import time.
- Str, Strings: known text (a loop variable, a bound argument) and a literal list of it,
  for dynamic imports and decided `if`s.
- Records, Record: a literal registry of records (dicts or tuples of str) and one entry.
- RouterObj, AppObj: an `APIRouter` / `FastAPI` object and the module that created it, so
  `include_router(router)` knows which router module is included.

Frozen, since a value is never changed once bound. They are not hashed (some hold the
facts' lists and dataclasses as they are).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Union

from routerlint.facts.model import FunctionDef


@dataclass(frozen=True)
class Unknown:
    pass


UNKNOWN = Unknown()


@dataclass(frozen=True)
class ModuleRef:
    name: str


@dataclass(frozen=True)
class ModuleInfo:
    name: str


@dataclass(frozen=True)
class BaseRef:
    meta_key: str  # the MetaData its models register on
    tablename_rule: Optional[str] = None  # a declared_attr naming tables after classes
    mapped: bool = False  # a mapped class (its subclasses inherit its table), not a base
    # Does it bring a primary-key column? False: none; None: cannot tell (ClassDef.primary_key)
    primary_key: Optional[bool] = False
    tablename_dynamic: bool = False  # it, or a base, computes `__tablename__` we cannot name


@dataclass(frozen=True)
class MetaRef:
    key: str


@dataclass(frozen=True)
class SQLModelClass:
    pass


@dataclass(frozen=True)
class PlainClass:
    module: str
    name: str
    tablename: Optional[str]  # a literal `__tablename__`, inherited by models
    tablename_rule: Optional[str] = None  # a declared_attr `__tablename__` (a mixin's)
    tablename_dynamic: bool = False  # a computed `__tablename__` we cannot name
    primary_key: Optional[bool] = None  # its columns' primary key, as ClassDef.primary_key


@dataclass(frozen=True)
class Instance:
    module: str
    class_name: str


@dataclass(frozen=True)
class Func:
    module: str  # where it is defined: its globals
    function: FunctionDef


@dataclass(frozen=True)
class Method:
    module: str  # where its class is defined: its globals
    function: FunctionDef
    instance: Instance  # bound to the first parameter (self)


@dataclass(frozen=True)
class Str:
    text: str


@dataclass(frozen=True)
class Strings:
    items: List[str]


@dataclass(frozen=True)
class Records:
    items: List[Any]


@dataclass(frozen=True)
class Record:
    data: Any  # a dict of str -> str, or a list of str


@dataclass(frozen=True)
class RouterObj:
    module: str


@dataclass(frozen=True)
class AppObj:
    module: str


Value = Union[Unknown, ModuleRef, ModuleInfo, BaseRef, MetaRef, SQLModelClass, PlainClass,
              Instance, Func, Method, Str, Strings, Records, Record, RouterObj, AppObj]
