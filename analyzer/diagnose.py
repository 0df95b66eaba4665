"""Root causes: each failure the simulations met, once, as a finding — an error where start-up
meets it, a warning where only an optional import or a module start-up never reaches does.
Checks that look at the outcome as a whole (a router nobody includes, an undeclared
dependency...) are the rules' own (rules/, run by the engine)."""

from __future__ import annotations

from typing import List, Optional, Sequence

from routerlint.project.discover import Project
from routerlint.project.lines import line_end
from routerlint.results import Cause, Diagnostic, Related
from routerlint.rules import RULES
from routerlint.runtime.simulate import Failure, Simulation


def cause_of(failure: Failure) -> Cause:
    return Cause(failure.code, failure.path, failure.line, failure.message)


# Codes that are errors wherever they are: CPython refuses the file itself.
ERRORS_ANYWHERE = ("RL100", "RL101", "RL102")
UNREACHED = "not imported at start-up: "
UNREADABLE_FIX = ("make the file readable by the user running routerlint (permissions, a "
                  "broken symlink), or exclude it")
CAUGHT = "caught at start-up (an optional import): "
UNCERTAIN = "only if a condition routerlint cannot decide holds: "


def key_of(cause) -> tuple:
    """What makes a root cause the same one: a Failure, its Cause or its Diagnostic."""
    return (cause.code, cause.path, cause.line, cause.message)


def root_causes(sims: List[Simulation], project: Project,
                unreached: Sequence[Simulation] = (),
                effective: Optional[set] = None) -> List[Diagnostic]:
    """One finding per root cause. Those only the sweep over modules start-up never imports
    (`unreached`) found are still reported, as warnings saying so (`reached` False), so that a
    healthy app with optional plugins it never loads exits 0; so are those a guard swallowed
    (`try: import ... except ImportError`) that fail no router and not the app (`effective`
    lists the causes that do). Syntax errors stay errors: CPython refuses the file itself."""
    found = _root_causes(sims, project, set())
    if effective is not None:
        caught = {key_of(f) for sim in sims for f in sim.caught}
        uncertain = {key_of(f) for sim in sims for f in sim.uncertain}
        for diagnostic in found:
            key = key_of(diagnostic)
            if key in effective or diagnostic.code in ERRORS_ANYWHERE:
                continue
            if key in caught or key in uncertain:
                diagnostic.severity = "warning"
                diagnostic.message = (CAUGHT if key in caught else UNCERTAIN) + diagnostic.message
    if unreached:
        seen = {key_of(d) for d in found}
        for diagnostic in _root_causes(unreached, project, seen):
            diagnostic.reached = False
            if diagnostic.code not in ERRORS_ANYWHERE:
                diagnostic.severity = "warning"
                diagnostic.message = UNREACHED + diagnostic.message
            found.append(diagnostic)
    return found


def _root_causes(sims: List[Simulation], project: Project, seen: set) -> List[Diagnostic]:
    found = []
    for sim in sims:
        for outcome in sim.attempts:
            failure = outcome.failure
            if failure is None:
                continue
            key = key_of(failure)
            if key in seen:
                continue
            seen.add(key)
            rule = RULES[failure.code]
            fix = (UNREADABLE_FIX if failure.message.startswith("cannot read the file")
                   else rule.fix)
            found.append(rule.diagnostic(
                failure.path, failure.line, failure.col + 1, failure.message,
                end=line_end(project.root, failure.path, failure.line), fix=fix,
                related=[Related(p, ln, m) for p, ln, m in failure.related],
                symbol=failure.symbol))
    return found
