"""discover → scan → graph → simulate → diagnostics. The one entry point the CLI calls."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from routerlint.cache import Cache
from routerlint.discover import DEFAULT_EXCLUDES, Project, SourceFile, UsageError, discover
from routerlint.declared import declarations
from routerlint.distributions import dist_for_import
from routerlint.environment import Environment, Located, choose_python
from routerlint.external import module_names
from routerlint.facts import Assign, Call, FunctionDef, ModuleFacts, body_may_contain
from routerlint.graph import Modules
from routerlint.report import Cause, Diagnostic, Related, Report, RouterResult
from routerlint.rules import RULES
from routerlint.scanning import Scanner
from routerlint import suppress, undeclared
from routerlint.simulate import Failure, Outcome, Raised, Simulation, Spec


@dataclass
class Options:
    paths: Sequence[str] = (".",)
    python: Optional[str] = None  # interpreter whose environment third-party imports use
    src: Sequence[str] = ()  # source roots, relative to the project root
    app: Optional[str] = None  # "module:attr" entry point; auto-detected when None
    exclude: Sequence[str] = ()  # added to `excludes`
    excludes: Sequence[str] = DEFAULT_EXCLUDES
    # (code, path) -> reported?  From the configuration; None reports every rule.
    enabled: Optional[Callable[[str, str], bool]] = None
    target_version: Optional[Tuple[int, int]] = None  # default: the interpreter's version
    configured_python: Optional[str] = None  # [tool.routerlint] python
    verbose: bool = False
    cache: bool = True  # read and write <project root>/.routerlint_cache/
    jobs: Optional[int] = None  # parsing processes; None: all cores, when the pool pays
    report_unused_suppressions: bool = False  # RL900 for suppressions that silenced nothing
    progress: bool = False  # a progress line on stderr while parsing (the CLI decides: a TTY)
    # The effective settings as text: with it, a run whose `enabled` is set may use the
    # report cache (a callable cannot be fingerprinted, its settings can).
    settings_key: Optional[str] = None


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
        located = self.env.locate(name)
        if located is not None and (not located.namespace or not namespace):
            return self._external(name, located)
        if namespace:
            return Spec(self.project.rel(path), None, True)
        return None

    def children(self, package: str) -> List[str]:
        """Submodule names of an internal package in `pkgutil.iter_modules` order (file
        names sorted)."""
        depth = package.count(".") + 1
        found = [(Path(source.rel).name if not source.is_package
                  else Path(source.rel).parent.name, name.rpartition(".")[2])
                 for name, (source, _) in self.modules.items()
                 if name.startswith(package + ".") and name.count(".") == depth]
        return [name for _, name in sorted(found)]

    def _external(self, name: str, located: Located) -> Spec:
        """An installed module: its defined names are read from its source, never run."""
        names = None
        if located.kind == "namespace":
            names = frozenset()
        elif located.kind in ("module", "package") and located.file:
            try:
                names = module_names(located.file, name, located.is_package, self.env.locate,
                                     self.env.version)[0]
            except Exception:  # an unreadable third-party file: unknown, never a false alarm
                names = None
        return Spec(located.file, None, located.is_package, external=True, names=names)

    def missing_code(self, name: str) -> str:
        top = name.split(".")[0]
        internal = top in self._internal_tops or self.project.locate(top)[0] is not None
        return "RL200" if internal else "RL201"

    def missing_message(self, name: str, message: str, wanted: Optional[str] = None) -> str:
        """CPython's message, plus what to install for a third-party module (named after the
        full import asked for: `opentelemetry.exporter.prometheus` missing its parent
        `opentelemetry.exporter` needs opentelemetry-exporter-prometheus)."""
        if self.missing_code(name) != "RL201":
            return message
        top = name.split(".")[0]
        full = wanted if wanted and wanted.startswith(name + ".") else name
        dist = dist_for_import(full)
        if "." in name and self.env.locate(top) is not None:
            return (f"{message}: the installed package '{top}' has no submodule "
                    f"'{name}' in {self.env.executable}: pip install {dist}")
        return f"{message} in {self.env.executable}: pip install {dist}"


def _creates_app(facts: ModuleFacts) -> bool:
    """`app = FastAPI()` at top level, or a call at top level of a local factory that does."""
    if _top_assign(facts, "FastAPI") is not None:
        return True
    factories = {e.name for e in facts.events
                 if isinstance(e, FunctionDef) and body_may_contain(e, "FastAPI")
                 and _creates_inside(e.body)}
    return any(isinstance(e, (Assign, Call)) and
               ((e.call if isinstance(e, Assign) else e.func) or "") in factories
               for e in facts.events)


def _creates_inside(events) -> bool:
    for event in events:
        if isinstance(event, Assign) and (event.call or "").rpartition(".")[2] == "FastAPI":
            return True
        for attr in ("body", "orelse", "finalbody", "handlers"):
            if _creates_inside(getattr(event, attr, ()) or ()):
                return True
    return False


def _top_assign(facts: ModuleFacts, callee: str) -> Optional[Assign]:
    for event in facts.events:
        if isinstance(event, Assign) and (event.call or "").rpartition(".")[2] == callee:
            return event
    return None


def analyze(options: Options) -> Report:
    started = time.perf_counter()
    project = discover(options.paths, options.src, options.exclude, options.excludes)
    if not project.files:
        raise UsageError(f"no Python files under {', '.join(options.paths)}")
    python, reason = choose_python(options.python, project.root, options.configured_python)
    env = Environment.probe(python, reason, Cache(project.root, (0, 0)) if options.cache else None)
    if options.verbose:
        print(f"routerlint: target Python {env.executable} "
              f"({'.'.join(map(str, env.version))}; chosen by {reason})", file=sys.stderr)
    target = options.target_version or env.version
    reports = None
    if options.cache and (options.enabled is None or options.settings_key is not None):
        from routerlint.reportcache import ReportCache

        reports = ReportCache(project.root, _fingerprint(options, project, env, target))
        cached = reports.load()
        if cached is not None:
            cached.seconds = time.perf_counter() - started
            return cached
    report, scanner = _analyze(options, project, env, target, started)
    if reports is not None:
        from routerlint import external

        files = dict(external.READ)
        files.update(scanner.files)
        dirs = {str(Path(path).parent) for path in files}
        dirs.update(str(root) for root in project.source_roots)
        dirs.add(str(project.root))
        dirs.update(env.path)
        reports.store(report, files, dirs)
    return report


def _fingerprint(options: Options, project: Project, env: Environment,
                 target: Tuple[int, int]) -> dict:
    """Everything besides file contents a report depends on (see reportcache)."""
    return {"root": str(project.root), "paths": sorted(str(Path(p).resolve())
                                                       for p in options.paths),
            "src": list(options.src), "app": options.app, "exclude": list(options.exclude),
            "excludes": list(options.excludes), "target": list(target),
            "python": env.executable, "version": list(env.version), "reason": env.reason,
            "prefix": env.prefix, "sys_path": env.path, "settings": options.settings_key,
            "unused_suppressions": options.report_unused_suppressions,
            "files": [[f.rel, f.module, f.is_package] for f in project.files]}


def _analyze(options: Options, project: Project, env: Environment, target: Tuple[int, int],
             started: float) -> Tuple[Report, Scanner]:
    from routerlint import external
    from routerlint.graph import build_graph

    cache = Cache(project.root, target) if options.cache else None
    external.READ.clear()
    external.load_disk(cache)
    scanner = Scanner(target, cache, options.jobs, progress=options.progress)
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
        return Simulation(finder.find, finder.missing_code, finder.children,
                          finder.missing_message)

    sims: List[Simulation] = []
    last: Dict[str, Tuple[Outcome, bool]] = {}
    entry_fails: Optional[Cause] = None
    app_diagnostics: List[Diagnostic] = []
    if entry is not None:
        sim = fresh()
        sims.append(sim)
        try:
            sim.import_module(entry)
        except Raised as raised:
            entry_fails = _cause(raised.failure)
            app_diagnostics.append(_app_diagnostic(entry, modules[entry][0], raised, project))
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

    diagnostics = _root_causes(sims, project) + app_diagnostics + _version_mismatch(project, env)
    if options.enabled is None or any(options.enabled("RL204", s.rel)
                                      for s, _ in modules.values()):
        diagnostics += _undeclared(project, modules, finder, env)
    if entry is not None and entry_fails is None:
        diagnostics += _not_included(sims, routers, modules, last, project)
    results = []
    for router, line in routers.items():
        outcome, judged_alone = last[router]
        source = modules[router][0]
        result = RouterResult(router, source.rel, line, outcome.ok, alone=judged_alone)
        if not outcome.ok:
            result.cause = _cause(outcome.failure)
            result.chain = [module for module, _ in outcome.hops]
            result.order_dependent = not judged_alone and alone[router].ok
            if result.order_dependent:
                first = outcome.failure.first_stack
                result.order_dependent_on = next(
                    (m for m in first if m in routers and m != router), entry)
            if outcome.failure.path != result.path:  # else the root cause says it already
                diagnostics.append(_router_diagnostic(result, outcome, project))
        results.append(result)
    if options.enabled is not None:
        diagnostics = [d for d in diagnostics if options.enabled(d.code, d.path)]
    suppressions = suppress.collect(modules)
    diagnostics, suppressed = suppress.apply(diagnostics, suppressions)
    if options.report_unused_suppressions:
        diagnostics += _unused_suppressions(project, suppressions, suppressed, options)
    diagnostics.sort(key=lambda d: d.sort_key)
    external.save_disk(cache)
    lines = sum(facts.lines for _, facts in modules.values())
    return Report(str(project.root), diagnostics, results, len(modules), lines,
                  time.perf_counter() - started, entry=entry, python=env.executable,
                  python_reason=env.reason, entry_fails=entry_fails,
                  suppressed=len(suppressed)), scanner


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
    candidates = [name for name, (_, facts) in modules.items() if _creates_app(facts)]
    if not candidates:
        return None

    def rank(name: str):
        imported = any(graph.nodes[src].get("internal") and data.get("how") == "load"
                       for src, _, data in graph.in_edges(name, data=True))
        return (imported, not name.rpartition(".")[2] in ("main", "app", "asgi"),
                name.count("."), name)

    return min(candidates, key=rank)


def _version_mismatch(project: Project, env: Environment) -> List[Diagnostic]:
    """RL103 when the target interpreter's version is outside the project's requires-python."""
    from routerlint.declared import load_pyproject
    from routerlint.pyversion import allows, line_of, requires_python

    try:
        spec = requires_python(load_pyproject(project.root))
    except UsageError:
        return []  # an unreadable pyproject.toml is reported by the configuration
    if spec is None or allows(spec, env.version) is not False:
        return []
    rule = RULES["RL103"]
    needle = "requires-python" if "requires-python" in (
        project.root / "pyproject.toml").read_text(encoding="utf-8") else "python"
    line = line_of(project.root / "pyproject.toml", needle)
    version = ".".join(map(str, env.version))
    return [Diagnostic(
        "RL103", rule.name, rule.severity, "pyproject.toml", line, 1,
        f"the project requires Python {spec}, but the target interpreter "
        f"{env.executable} is {version}: syntax and standard-library verdicts are for "
        f"{version}", rule.fix, line, None, symbol="requires-python")]


def _app_diagnostic(entry: str, source: SourceFile, raised: Raised,
                    project: Project) -> Diagnostic:
    rule = RULES["RL302"]
    cause = raised.failure
    line = raised.hops[0][1] if raised.hops else 1
    end_line, end_column = _line_end(project, source.rel, line)
    return Diagnostic(
        "RL302", rule.name, rule.severity, source.rel, line, 1,
        f"app '{entry}' fails to start: {cause.code} {cause.message}", rule.fix,
        end_line, end_column,
        related=[Related(cause.path, cause.line, f"root cause: {cause.code} {cause.message}")],
        chain=[f"{module}:{hop}" for module, hop in raised.hops], symbol=entry)


def _not_included(sims: List[Simulation], routers: Dict[str, int], modules: Modules,
                  last: Dict[str, Tuple[Outcome, bool]], project: Project) -> List[Diagnostic]:
    """RL301 for loading routers nothing includes — only when every include is known. Any
    module may include it (a second app, an admin app), so every simulated run counts."""
    if any(sim.unknown_includes for sim in sims):
        return []
    included = {router for sim in sims for router, _, _ in sim.includes}
    rule = RULES["RL301"]
    found = []
    for router, line in routers.items():
        if router in included or not last[router][0].ok or _creates_app(modules[router][1]):
            continue  # a module that is an app itself may use a router otherwise (callbacks)
        rel = modules[router][0].rel
        end_line, end_column = _line_end(project, rel, line)
        found.append(Diagnostic(
            "RL301", rule.name, rule.severity, rel, line, 1,
            f"router '{router}' is never included in the app: its endpoints answer 404",
            rule.fix, end_line, end_column, symbol=router))
    return found


def _undeclared(project: Project, modules: Modules, finder: Finder,
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
        end_line, end_column = _line_end(project, path, line)
        column = _indent(project, path, line)
        why = f" (it is installed only because '{via}' requires it)" if via else ""
        found.append(Diagnostic(
            "RL204", rule.name, rule.severity, path, line, column,
            f"'{module}' is imported but not declared as a dependency{why}: add '{dist}' "
            f"to {declared.where}", rule.fix, end_line, end_column, symbol=module))
    return found


def _indent(project: Project, rel: str, line: int) -> int:
    """1-based column of the first non-blank character of a line (1 when unreadable)."""
    try:
        with open(Path(project.root, rel), "rb") as handle:
            for number, text in enumerate(handle, 1):
                if number == line:
                    return len(text) - len(text.lstrip(b" \t")) + 1
    except OSError:
        pass
    return 1


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


def _unused_suppressions(project: Project, suppressions, suppressed: List[Diagnostic],
                         options: Options) -> List[Diagnostic]:
    rule = RULES["RL900"]
    found = []
    for item in suppress.unused(str(project.root), suppressions, suppressed, set(RULES),
                                options.enabled):
        if options.enabled is not None and not options.enabled("RL900", item.path):
            continue
        found.append(Diagnostic(
            "RL900", rule.name, rule.severity, item.path, item.line, item.column,
            suppress.describe(item), rule.fix, item.line, item.end_column,
            symbol=item.comment))
    return found


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
