"""Diagnostics built from the simulation's outcomes and the project's declarations: root
causes, failing routers, the app that does not start, routers never included, version and
dependency mismatches, unused suppressions."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from routerlint import suppress
from routerlint import dependencies_check as undeclared
from routerlint.runtime.apps import creates_app
from routerlint.project.dependencies import declarations, load_pyproject
from routerlint.errors import UsageError
from routerlint.project.discover import Project, SourceFile
from routerlint.project.interpreter import Environment
from routerlint.project.pyversion import allows, line_of, requires_python
from routerlint.runtime.finder import Finder
from routerlint.facts.imports import Modules
from routerlint.results import Cause, Diagnostic, Related, RouterResult
from routerlint.rules import RULES
from routerlint.runtime.simulate import Failure, Outcome, Raised, Simulation


def version_mismatch(project: Project, env: Environment) -> List[Diagnostic]:
    """RL103 when the target interpreter's version is outside the project's requires-python."""
    try:
        spec = requires_python(load_pyproject(project.root))
    except UsageError:
        return []  # an unreadable pyproject.toml is reported by the configuration
    if spec is None or allows(spec, env.version) is not False:
        return []
    rule = RULES["RL103"]
    line = line_of(project.root / "pyproject.toml", "requires-python", "python")
    version = ".".join(map(str, env.version))
    return [Diagnostic(
        "RL103", rule.name, rule.severity, "pyproject.toml", line, 1,
        f"the project requires Python {spec}, but the target interpreter "
        f"{env.executable} is {version}: syntax and standard-library verdicts are for "
        f"{version}", rule.fix, line, None, symbol="requires-python")]


def app_failure(entry: str, source: SourceFile, raised: Raised,
                project: Project) -> Diagnostic:
    line = raised.hops[0][1] if raised.hops else 1
    return _effect("RL302", f"app '{entry}' fails to start", source.rel, line, raised.failure,
                   raised.hops, entry, project)


def router_failure(result: RouterResult, outcome: Outcome, project: Project) -> Diagnostic:
    assert outcome.failure is not None
    line = outcome.hops[0][1] if outcome.hops else result.line
    return _effect("RL300", f"router '{result.module}' fails to load", result.path, line,
                   outcome.failure, outcome.hops, result.module, project)


def _effect(code: str, what: str, path: str, line: int, cause: Failure, hops, symbol: str,
            project: Project) -> Diagnostic:
    """A failure seen where it takes effect (a router, the app), pointing at its root cause."""
    rule = RULES[code]
    end_line, end_column = line_end(project, path, line)
    return Diagnostic(
        code, rule.name, rule.severity, path, line, 1,
        f"{what}: {cause.code} {cause.message}", rule.fix, end_line, end_column,
        related=[Related(cause.path, cause.line, f"root cause: {cause.code} {cause.message}")],
        chain=[f"{module}:{hop}" for module, hop in hops], symbol=symbol)


def not_included(sims: List[Simulation], routers: Dict[str, int], modules: Modules,
                  last: Dict[str, Tuple[Outcome, bool]], project: Project,
                  kinds=None) -> List[Diagnostic]:
    """RL301 for loading routers nothing includes — only when every include is known. Any
    module may include it (a second app, an admin app), so every simulated run counts."""
    if any(sim.unknown_includes for sim in sims) or not any(sim.includes for sim in sims):
        return []  # an include we cannot follow, or none seen at all (an app factory that
        # start-up calls, not import: `uvicorn --factory`): we do not know what is included
    included = {router for sim in sims for router, _, _ in sim.includes}
    rule = RULES["RL301"]
    found = []
    for router, line in routers.items():
        if (router in included or not last[router][0].ok
                or creates_app(modules[router][1], kinds, router)):
            continue  # a module that is an app itself may use a router otherwise (callbacks)
        rel = modules[router][0].rel
        end_line, end_column = line_end(project, rel, line)
        found.append(Diagnostic(
            "RL301", rule.name, rule.severity, rel, line, 1,
            f"router '{router}' is never included in the app: its endpoints answer 404",
            rule.fix, end_line, end_column, symbol=router))
    return found


def undeclared_imports(project: Project, modules: Modules, finder: Finder,
                       env: Environment) -> List[Diagnostic]:
    """RL204 for third-party imports whose distribution the project does not declare; silent
    when it declares nothing."""
    declared = declarations(project.root)
    if declared is None:
        return []
    rule = RULES["RL204"]
    found = []
    for path, line, module, dist, via in undeclared.check(
            modules, lambda top: finder.missing_code(top) == "RL200", declared, env):
        text = _source_line(project, path, line)
        end_column = _end_column(text)
        column = 1 if text is None else len(text) - len(text.lstrip(b" \t")) + 1
        why = f" (it is installed only because '{via}' requires it)" if via else ""
        found.append(Diagnostic(
            "RL204", rule.name, rule.severity, path, line, column,
            f"'{module}' is imported but not declared as a dependency{why}: add '{dist}' "
            f"to {declared.where}", rule.fix, line, end_column, symbol=module))
    return found


def unanalysed_files(modules: Modules) -> List[Diagnostic]:
    """RL901 for files CPython accepts that routerlint could not read (see scanner)."""
    rule = RULES["RL901"]
    return [Diagnostic("RL901", rule.name, rule.severity, source.rel, 1, 1,
                       f"routerlint could not analyse this file ({facts.unanalysed}); CPython "
                       "compiles it, so it is treated as loading with unknown names and its "
                       "imports are not checked", rule.fix, 1, None, symbol=source.module)
            for source, facts in modules.values() if facts.unanalysed]


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
            end_line, end_column = line_end(project, failure.path, failure.line)
            fix = (UNREADABLE_FIX if failure.message.startswith("cannot read the file")
                   else rule.fix)
            found.append(Diagnostic(
                failure.code, rule.name, rule.severity, failure.path, failure.line,
                failure.col + 1, failure.message, fix, end_line, end_column,
                related=[Related(p, ln, m) for p, ln, m in failure.related],
                symbol=failure.symbol,
            ))
    return found


def unused_suppressions(project: Project, suppressions, suppressed: List[Diagnostic],
                        enabled) -> List[Diagnostic]:
    rule = RULES["RL900"]
    found = []
    for item in suppress.unused(str(project.root), suppressions, suppressed, set(RULES),
                                enabled):
        if enabled is not None and not enabled("RL900", item.path):
            continue
        found.append(Diagnostic(
            "RL900", rule.name, rule.severity, item.path, item.line, item.column,
            suppress.describe(item), rule.fix, item.line, item.end_column,
            symbol=item.comment))
    return found


def line_end(project: Project, rel: str, line: int) -> Tuple[int, Optional[int]]:
    """(line, 1-based column just past the end of that line's text), read on demand."""
    return line, _end_column(_source_line(project, rel, line))


def _end_column(text: Optional[bytes]) -> Optional[int]:
    return None if text is None else len(text.rstrip(b"\r\n").decode("utf-8", "replace")) + 1


def _source_line(project: Project, rel: str, line: int) -> Optional[bytes]:
    """One line of a project file as bytes (None when unreadable or too short)."""
    try:
        with open(Path(project.root, rel), "rb") as handle:
            for number, text in enumerate(handle, 1):
                if number == line:
                    return text
    except OSError:
        pass
    return None
