"""What every rule declares, and how a rule that is checked after the simulation is run.

Rules raised *during* the simulation (a duplicate table, a missing module, a syntax error the
file cannot get past) are named by their rule object where the simulation raises them. Rules
that look at the outcome (a router nobody includes, an undeclared dependency) carry a
`check(context)` the engine runs from the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from routerlint.project.lines import line_end
from routerlint.results import Diagnostic, Related


@dataclass
class Context:
    """What a check reads, filled by the engine. Runtime objects (simulations, the finder)
    are handed in, never imported here: rules sit below the runtime layer."""

    project: Any  # project.discover.Project
    env: Any  # project.interpreter.Environment
    modules: Dict[str, Any]  # module -> (SourceFile, ModuleFacts)
    finder: Any = None  # runtime.finder.Finder
    sims: List[Any] = field(default_factory=list)  # start-up and routers-alone simulations
    sweeps: List[Any] = field(default_factory=list)  # modules start-up never imports
    routers: Dict[str, int] = field(default_factory=dict)  # router module -> line
    last: Dict[str, Any] = field(default_factory=dict)  # router -> (Outcome, judged alone)
    entry: Optional[str] = None  # the app module
    entry_raised: Any = None  # runtime.simulate.Raised when the app does not start
    failing: List[Any] = field(default_factory=list)  # (RouterResult, Outcome) that fail
    is_app_module: Callable[[str], bool] = lambda module: False
    enabled: Optional[Callable[[str, str], bool]] = None  # (code, path) -> reported?
    # For checks run after suppressions (RL900): what each file suppresses, what was silenced.
    suppressions: Dict[str, Dict[int, List[str]]] = field(default_factory=dict)
    suppressed: List[Diagnostic] = field(default_factory=list)
    known_codes: frozenset = frozenset()


@dataclass(frozen=True)
class Rule:
    code: str  # stable once released
    name: str  # kebab-case, as in the docs and --select
    severity: str  # "error" (fails at import time) or "warning"
    summary: str  # one line
    explanation: str  # why it fails, with a bad and a good example
    fix: str  # one line, shown under each finding
    # Run after the simulation, from the registry; None when the simulation raises it.
    check: Optional[Callable[[Context], List[Diagnostic]]] = field(default=None, compare=False)
    after_suppressions: bool = False  # judged on what the suppressions silenced (RL900)

    @property
    def hook(self) -> str:
        """Where the rule is decided: see `routerlint rule CODE`."""
        return HOOKS.get(self.code, HOOKS.get(self.code[:4], "per app"))

    def diagnostic(self, path: str, line: int, column: int, message: str,
                   end: tuple = (None, None), fix: Optional[str] = None,
                   related: Optional[List[Related]] = None, chain: Optional[List[str]] = None,
                   symbol: str = "") -> Diagnostic:
        """A finding of this rule; `end` is (end line, end column) when known."""
        return Diagnostic(self.code, self.name, self.severity, path, line, column, message,
                          fix if fix is not None else self.fix, end[0], end[1],
                          related=related or [], chain=chain or [], symbol=symbol)


HOOKS = {
    "RL00": "per simulated class definition / Table() call",
    "RL10": "per file (CPython's compile())",
    "RL20": "per import resolution",
    "RL30": "per app (router outcomes)",
    "RL40": "per Alembic script folder (its revision map and the schema its upgrade builds)",
    "RL90": "per suppression comment, after every other rule",
    "RL901": "per file (one CPython accepts but routerlint cannot read)",
}


def effect(rule: Rule, what: str, path: str, line: int, cause, hops, symbol: str,
           root) -> Diagnostic:
    """A failure seen where it takes effect (a router, the app), pointing at its root cause
    (`cause`: the simulation's Failure) through `hops` (module, line) of imports."""
    return rule.diagnostic(
        path, line, 1, f"{what}: {cause.code} {cause.message}", end=line_end(root, path, line),
        related=[Related(cause.path, cause.line, f"root cause: {cause.code} {cause.message}")],
        chain=[f"{module}:{hop}" for module, hop in hops], symbol=symbol)
