"""discover → scan → graph → simulate → diagnostics. The one entry point the CLI calls."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from routerlint.cache import Cache
from routerlint.discover import Project, SourceFile, UsageError, discover
from routerlint.environment import Environment
from routerlint.facts import Assign, ModuleFacts, SyntaxIssue
from routerlint.graph import Modules, build_graph
from routerlint.report import Cause, Diagnostic, Related, Report, RouterResult
from routerlint.rules import RULES
from routerlint.scanning import Scanner
from routerlint.simulate import Failure, Outcome, Raised, Simulation, Spec


@dataclass
class Options:
    paths: Sequence[str] = (".",)
    python: Optional[str] = None  # interpreter whose environment third-party imports use
    src: Sequence[str] = ()  # source roots, relative to the project root
    app: Optional[str] = None  # "module:attr" entry point; auto-detected when None
    exclude: Sequence[str] = ()
    cache: bool = True  # read and write <project root>/.routerlint_cache/
    jobs: Optional[int] = None  # parsing processes; None: all cores, when the pool pays


def scan_file(source: SourceFile, target: Tuple[int, int]) -> ModuleFacts:
    """One file's facts, uncached (libcst is imported only when parsing)."""
    return Scanner(target)(source)


class Finder:
    """Locates modules as CPython's PathFinder would: the project's source roots first, then
    the target environment; a regular package anywhere beats a namespace folder."""

    def __init__(self, project: Project, modules: Modules, env: Environment) -> None:
        self.project, self.modules, self.env = project, modules, env
        self._internal_tops = {name.split(".")[0] for name in modules}

    def find(self, name: str) -> Optional[Spec]:
        found = self.modules.get(name)
        if found is not None:
            source, facts = found
            return Spec(source.rel, facts, source.is_package)
        top = name.split(".")[0]
        path, namespace = self.project.locate(name)
        if top in self._internal_tops and not namespace:
            return None  # an internal regular package owns this name: it is missing
        located = self.env.locate_top(top)
        if located is not None and (not located[1] or not namespace):
            return Spec(None, None, True, external=True)
        if namespace:
            return Spec(self.project.rel(path), None, True)
        return None

    def missing_code(self, name: str) -> str:
        top = name.split(".")[0]
        internal = top in self._internal_tops or self.project.locate(top)[0] is not None
        return "RL200" if internal else "RL201"


def _top_assign(facts: ModuleFacts, callee: str) -> Optional[Assign]:
    for event in facts.events:
        if isinstance(event, Assign) and (event.call or "").rpartition(".")[2] == callee:
            return event
    return None


def analyze(options: Options) -> Report:
    started = time.perf_counter()
    project = discover(options.paths, options.src, options.exclude)
    if not project.files:
        raise UsageError(f"no Python files under {', '.join(options.paths)}")
    cache = Cache(project.root, (0, 0)) if options.cache else None
    env = Environment.probe(options.python, cache)
    target = env.version
    scanner = Scanner(target, Cache(project.root, target) if options.cache else None,
                      options.jobs)
    modules: Modules = {}
    firsts = {}
    for source in project.files:
        firsts.setdefault(source.module, source)
    for source, facts in zip(firsts.values(), scanner.scan_many(list(firsts.values()))):
        modules[source.module] = (source, facts)
    graph = build_graph(project, modules, scanner)
    finder = Finder(project, modules, env)

    routers = {name: assign.line for name, (_, facts) in sorted(modules.items())
               if (assign := _top_assign(facts, "APIRouter")) is not None}
    entry = _entry(options.app, modules, graph)
    if entry is not None and entry not in modules:
        raise UsageError(f"--app {options.app}: no module '{entry}' in this project")

    def fresh() -> Simulation:
        return Simulation(finder.find, finder.missing_code)

    sims: List[Simulation] = []
    last: Dict[str, Tuple[Outcome, bool]] = {}
    entry_fails: Optional[Cause] = None
    if entry is not None:
        sim = fresh()
        sims.append(sim)
        try:
            sim.import_module(entry)
        except Raised as raised:
            entry_fails = _cause(raised.failure)
        for outcome in sim.attempts:
            if outcome.module in routers:
                last[outcome.module] = (outcome, False)
    alone: Dict[str, Outcome] = {}
    for router in routers:
        if router in last and last[router][0].ok:
            continue
        sim = fresh()
        sims.append(sim)
        alone[router] = _import_alone(sim, router)
        if router not in last:
            last[router] = (alone[router], True)
    executed = set().union(*(sim.executed for sim in sims)) if sims else set()
    leftover = [name for name in sorted(modules) if name not in executed]
    if leftover:
        sim = fresh()
        sims.append(sim)
        for name in leftover:
            if name not in sim.executed:
                try:
                    sim.import_module(name)
                except Raised:
                    pass

    diagnostics = _root_causes(sims, project)
    results = []
    for router, line in routers.items():
        outcome, judged_alone = last[router]
        source = modules[router][0]
        result = RouterResult(router, source.rel, line, outcome.ok, alone=judged_alone)
        if not outcome.ok:
            result.cause = _cause(outcome.failure)
            result.chain = [module for module, _ in outcome.hops]
            result.order_dependent = not judged_alone and alone[router].ok
            if outcome.failure.path != result.path:  # else the root cause says it already
                diagnostics.append(_router_diagnostic(result, outcome, project))
        results.append(result)
    diagnostics.sort(key=lambda d: d.sort_key)
    lines = sum(facts.lines for _, facts in modules.values())
    return Report(str(project.root), diagnostics, results, len(modules), lines,
                  time.perf_counter() - started, entry=entry, python=env.executable,
                  entry_fails=entry_fails)


def _import_alone(sim: Simulation, router: str) -> Outcome:
    """Import one router the way `import app.routers.x` does: when a parent package fails, the
    import raises even if the router itself ran (the package __init__ may import it first)."""
    try:
        sim.import_module(router)
    except Raised as raised:
        own = [o for o in sim.attempts if o.module == router]
        if own and not own[-1].ok:
            return own[-1]
        return Outcome(router, False, raised.failure, [(router, 1)] + raised.hops)
    return [o for o in sim.attempts if o.module == router][-1]


def _entry(app: Optional[str], modules: Modules, graph) -> Optional[str]:
    """The module the app starts from: --app, else the one creating `FastAPI()` at top level
    that no other module imports (preferring `main`)."""
    if app:
        return app.partition(":")[0]
    candidates = [name for name, (_, facts) in modules.items()
                  if _top_assign(facts, "FastAPI") is not None]
    if not candidates:
        return None

    def rank(name: str):
        imported = any(graph.nodes[src].get("internal") and data.get("how") == "load"
                       for src, _, data in graph.in_edges(name, data=True))
        return (imported, not name.rpartition(".")[2] in ("main", "app", "asgi"),
                name.count("."), name)

    return min(candidates, key=rank)


def _cause(failure: Failure) -> Cause:
    return Cause(failure.code, failure.path, failure.line, failure.message)


def _root_causes(sims: List[Simulation], project: Project) -> List[Diagnostic]:
    seen = set()
    found = []
    for sim in sims:
        for outcome in sim.attempts:
            failure = outcome.failure
            if failure is None:
                continue
            key = (failure.code, failure.path, failure.line, failure.message)
            if key in seen:
                continue
            seen.add(key)
            rule = RULES[failure.code]
            end_line, end_column = _line_end(project, failure.path, failure.line)
            found.append(Diagnostic(
                failure.code, rule.name, rule.severity, failure.path, failure.line,
                failure.col + 1, failure.message, rule.fix, end_line, end_column,
                related=[Related(p, ln, m) for p, ln, m in failure.related],
                symbol=failure.symbol,
            ))
    return found


def _router_diagnostic(result: RouterResult, outcome: Outcome, project: Project) -> Diagnostic:
    rule = RULES["RL300"]
    cause = outcome.failure
    assert cause is not None
    line = outcome.hops[0][1] if outcome.hops else result.line
    end_line, end_column = _line_end(project, result.path, line)
    return Diagnostic(
        "RL300", rule.name, rule.severity, result.path, line, 1,
        f"router '{result.module}' fails to load: {cause.code} {cause.message}",
        rule.fix, end_line, end_column,
        related=[Related(cause.path, cause.line, f"root cause: {cause.code} {cause.message}")],
        chain=[f"{module}:{hop}" for module, hop in outcome.hops],
        symbol=result.module,
    )


def _line_end(project: Project, rel: str, line: int) -> Tuple[int, Optional[int]]:
    """(line, 1-based column just past the end of that line's text), read on demand."""
    try:
        with open(Path(project.root, rel), "rb") as handle:
            for number, text in enumerate(handle, 1):
                if number == line:
                    return line, len(text.rstrip(b"\r\n").decode("utf-8", "replace")) + 1
    except OSError:
        pass
    return line, None
