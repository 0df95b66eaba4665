"""The one result model every output format reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional


@dataclass
class Related:
    path: str
    line: int
    message: str


@dataclass
class Diagnostic:
    code: str
    name: str
    severity: str  # "error" | "warning"
    path: str  # relative to the project root, "/"-separated
    line: int  # 1-based
    column: int  # 1-based
    message: str
    fix: str
    end_line: Optional[int] = None
    end_column: Optional[int] = None
    related: List[Related] = field(default_factory=list)
    chain: List[str] = field(default_factory=list)  # RL300: "module:line" hops to the cause
    symbol: str = ""  # what it is about (router, table, module, name): for fingerprints
    reached: bool = True  # False: in a module start-up (the app and its routers) never imports

    @property
    def sort_key(self):
        return (self.path, self.line, self.column, self.code, self.message)


@dataclass
class Cause:
    code: str
    path: str
    line: int
    message: str


@dataclass
class RouterResult:
    module: str
    path: str
    line: int
    loads: bool
    cause: Optional[Cause] = None
    chain: List[str] = field(default_factory=list)  # module names, router first
    order_dependent: bool = False
    order_dependent_on: Optional[str] = None  # the router that loaded first and took the table
    alone: bool = False  # judged alone (not reached from the app's entry point)


@dataclass
class Report:
    root: str
    diagnostics: List[Diagnostic]
    routers: List[RouterResult]
    files: int
    lines: int
    seconds: float
    entry: Optional[str] = None
    python: Optional[str] = None
    python_reason: Optional[str] = None  # how the target interpreter was chosen
    entry_fails: Optional[Cause] = None
    suppressed: int = 0  # findings dropped by `# noqa` / `# routerlint: ignore[...]`
    baselined: int = 0  # findings already recorded in the --baseline file
    migrations: Optional[list] = None  # Alembic script folders (plain JSON); None: none

    @property
    def failing(self) -> List[RouterResult]:
        return [r for r in self.routers if not r.loads]

    def count(self, severity: str) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


# -- JSON codec (the report cache stores whole reports; JSON, never pickle) --------------------

def report_to_json(report: Report) -> dict:
    """The report as plain JSON-ready data: results field by field (_plain), `migrations`
    copied as is, being plain JSON already (500 revisions: ~30 ms of a one-change run)."""
    import dataclasses

    data = {field.name: getattr(report, field.name) for field in dataclasses.fields(report)}
    for name in ("diagnostics", "routers"):
        data[name] = [_plain(item) for item in data[name]]
    if report.entry_fails is not None:
        data["entry_fails"] = _plain(report.entry_fails)
    return data


def _plain(item) -> dict:
    """dataclasses.asdict of a result: its fields, a nested result as a dict, a list copied.
    asdict deep-copies every str and int on the way: 1,500 findings took ~40 ms of a
    one-change run with the daemon at 1M lines."""
    import dataclasses

    names = _FIELDS.get(type(item))
    if names is None:
        names = _FIELDS[type(item)] = tuple(f.name for f in dataclasses.fields(item))
    data = {}
    for name in names:
        value = getattr(item, name)
        if type(value) is list:
            value = [_plain(v) if dataclasses.is_dataclass(v) else v for v in value]
        elif dataclasses.is_dataclass(value):
            value = _plain(value)
        data[name] = value
    return data


_FIELDS: dict = {}


def report_from_json(data: dict) -> Report:
    """The inverse of :func:`report_to_json`; raises KeyError/TypeError on foreign data."""
    data = dict(data)
    data["diagnostics"] = [diagnostic_from_json(d) for d in data["diagnostics"]]
    data["routers"] = [_router(r) for r in data["routers"]]
    data["entry_fails"] = Cause(**data["entry_fails"]) if data.get("entry_fails") else None
    return Report(**data)


def diagnostic_to_json(diagnostic: Diagnostic) -> dict:
    return _plain(diagnostic)


def diagnostic_from_json(data: dict) -> Diagnostic:
    data = dict(data)
    data["related"] = [Related(**r) for r in data.get("related", ())]
    return Diagnostic(**data)


def _router(data: dict) -> RouterResult:
    data = dict(data)
    data["cause"] = Cause(**data["cause"]) if data.get("cause") else None
    return RouterResult(**data)
