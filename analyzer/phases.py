"""A run's phases after the report cache missed: scan, source roots, graph, start-up and
router simulations, the sweep over modules start-up never imports, findings (root causes and
the rules' checks), then one-file focus, enabled codes and suppressions."""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from routerlint import suppress
from routerlint.diagnose import cause_of, key_of, root_causes
from routerlint.errors import UsageError
from routerlint.facts.cache import Cache
from routerlint.facts.imports import Modules, package_of
from routerlint.facts.model import Call, ModuleFacts, body_may_contain, walk_events
from routerlint.facts.pool import Scanner
from routerlint.options import Options
from routerlint.project.discover import Project, SourceFile, discover
from routerlint.project.distributions import installed_version
from routerlint.project.dotenv import read_dotenv
from routerlint.project.interpreter import Environment
from routerlint.results import Diagnostic, Report, RouterResult
from routerlint.rules import RULES
from routerlint.rules.base import Context
from routerlint.rules.rl300_router_fails import failure as router_line
from routerlint.runtime.apps import creates_app, entry_module, is_factory
from routerlint.runtime.fastapi_classes import bindings
from routerlint.runtime.finder import Finder
from routerlint.runtime.installed import Installed
from routerlint.runtime.kept import module_graph, module_roles
from routerlint.runtime.migrations import analyse as analyse_migrations, find_scripts
from routerlint.runtime.roots import module_tops
from routerlint.runtime.simulate import Outcome, Raised, Simulation
from routerlint.runtime.stored_graph import preload


def run(options: Options, project: Project, env: Environment, target: Tuple[int, int],
        started: float, prefork: Optional[Any] = None,
        stamps: Optional[Dict[str, Any]] = None) -> Tuple[Report, Scanner, Installed]:
    """discover → scan → roots → graph → simulate → diagnose → filter, for one run;
    `prefork`: a child importing LibCST for the scan's misses (facts/prefork.py); `stamps`:
    the files' stamps as the last report recorded them (report_cache.py)."""
    cache = Cache(project.root, target, options.max_file_bytes) if options.cache else None
    installed = Installed(cache)
    scanner = Scanner(target, cache, options.jobs, progress=options.progress,
                      large=options.max_file_bytes, judge=_syntax_judge(env, target, options))
    scanner.prefork = prefork
    scanner.stamps = stamps or {}
    # Alembic revision files are no app modules: Alembic loads them, the app never does
    # (runtime/revision_loads.py judges them), so they are not scanned as modules.
    scripts = find_scripts(project)
    revisions = scripts.revision_paths()
    # Facts decoded from JSON hold no reference cycles and live until the run ends. Left to
    # the cycle collector, every full collection walks all of them again, while they are
    # decoded and after: ~2 s of a 4.8 s one-change run at 300k lines. So no collection
    # while they are read, and then they are frozen: later collections look only at what the
    # run allocates after this.
    gc.disable()
    try:
        modules = _scan(project, scanner, {}, revisions)
    finally:
        gc.freeze()
        gc.enable()
    declared = None if options.app else _declared_target(project, modules, options)
    extra_root = (declared[1], f"{declared[0].declared_in} runs {declared[0].module}") \
        if declared and declared[1] else None
    if not options.src:
        roots = project.source_roots
        project, modules = _with_inferred_roots(options, project, modules, env, scanner,
                                                extra_root, revisions)
        if project.source_roots != roots:  # a `package:folder` script_location may move
            scripts = find_scripts(project)
            revisions = scripts.revision_paths()
            modules = {name: entry for name, entry in modules.items()
                       if str(entry[0].path) not in revisions}
    if options.verbose:
        why = "--src / settings" if options.src else "the project root, src/, and the above"
        roots = ", ".join(project.rel(r) or "." for r in project.source_roots)
        print(f"routerlint: source roots: {roots} ({why})", file=sys.stderr)
    app_option, factory = options.app, False
    if declared is not None:
        target = declared[0]
        app_option, factory = f"{target.module}:{target.attr}", target.factory
        if target.module not in modules:
            app_option = None
    memory = _memory()
    loaded = module_graph(memory, project, modules, scanner, cache, scanner.files)
    finder = Finder(project, modules, env, installed)

    roles = module_roles(memory, str(project.root), modules, finder.library_shape, cache,
                         scanner.files)
    kinds, routers = roles.kinds, roles.routers
    entry, made_by = entry_module(app_option, modules, loaded, kinds, roles.creates,
                                   routers)
    if entry is not None and entry not in modules:
        raise UsageError(f"--app {options.app}: no module '{entry}' in this project")
    if made_by is not None:  # started as `uvicorn --factory entry:made_by` would
        app_option, factory = f"{entry}:{made_by}", True
    elif app_option and ":" in app_option and entry in modules and not factory:
        # `--app app.factory:create_app` names a function: uvicorn calls such an attribute
        # ("ASGI app factory detected"), even without --factory
        factory = is_factory(modules[entry][1], app_option.partition(":")[2])
    if options.verbose and entry is not None:
        why = ("--app / settings" if options.app else
               f"its {made_by}() creates the app and it includes routers; no module creating "
               "one at import time does" if made_by else
               f"named by {declared[0].declared_in}" if declared and app_option else
               "the module that creates the app and that nothing imports")
        print(f"routerlint: app module {entry} ({why})", file=sys.stderr)

    environ = _environment(options, project, modules)

    env_files: Dict[str, Dict[str, str]] = {}

    def read_env_file(path: str) -> Dict[str, str]:
        """A settings class's env_file, read once per run and stamped for the report cache
        like any file read."""
        if path not in env_files:
            from routerlint.facts.stamps import read_stamped

            read_stamped(str(project.root / path), scanner.files)
            env_files[path] = read_dotenv(project.root / path)
        return env_files[path]

    fastapi = installed_version(env.path, "fastapi")
    infers = fastapi is None or fastapi >= (0, 89)  # the return annotation as response model

    def unit(key, work: Callable[[Simulation], Any], using: Finder = finder):
        """(a simulation, work(it)); in the daemon, last run's when it would do the same."""
        from routerlint.facts import pool
        from routerlint.runtime.reuse import World, run_unit

        return run_unit(pool.MEMORY, key, World(using, kinds.resolve, read_env_file),
                        environ, infers, work)

    sims, last, alone, entry_raised = _start_up(entry, factory and app_option, routers, unit)
    executed = set().union(*(sim.executed for sim in sims)) if sims else set()
    sweeps = _sweep([name for name in sorted(modules) if name not in executed], modules,
                    finder, unit)
    results, failing = _router_results(routers, modules, last, alone, entry)
    effective = {key_of(outcome.failure) for outcome, _ in last.values()
                 if outcome.failure is not None}
    if entry_raised is not None:
        effective.add(key_of(entry_raised.failure))
    context = Context(project, env, modules, finder, sims, sweeps, routers, last, entry,
                      entry_raised, failing, enabled=options.enabled,
                      is_app_module=lambda m: creates_app(modules[m][1], kinds, m),
                      known_codes=frozenset(RULES))
    diagnostics = root_causes(sims, project, sweeps, effective) + _checks(context)
    found, migrations, revision_suppressions = analyse_migrations(
        project, sims + sweeps, cache, scanner.files, scripts, unit, scanner.judge)
    diagnostics += found
    def reported(found: List[Diagnostic]) -> List[Diagnostic]:
        """Only the named files of a one-file scan, and only the enabled codes."""
        return [d for d in found if (project.focus is None or d.path in project.focus)
                and (options.enabled is None or options.enabled(d.code, d.path))]

    if project.focus is not None:
        results = [r for r in results if r.path in project.focus]
    suppressions = {**revision_suppressions, **suppress.collect(modules)}
    diagnostics, suppressed = suppress.apply(reported(diagnostics), suppressions)
    # A silenced root cause does not make its router load: the router keeps a line (RL300).
    remaining = {(d.code, d.path, d.line) for d in diagnostics}
    orphans = [router_line(result, outcome, project.root) for result, outcome in failing
               if outcome.failure.path == result.path
               and (result.cause.code, result.cause.path, result.cause.line) not in remaining]
    orphans, more = suppress.apply(reported(orphans), suppressions)
    diagnostics += orphans
    suppressed += more
    if options.report_unused_suppressions:
        context.suppressions, context.suppressed = suppressions, suppressed
        diagnostics += _checks(context, after_suppressions=True)
    diagnostics.sort(key=lambda d: d.sort_key)
    installed.save()
    lines = sum(facts.lines for _, facts in modules.values())
    return Report(str(project.root), diagnostics, results, len(modules), lines,
                  time.perf_counter() - started, entry=entry, python=env.executable,
                  python_reason=env.reason,
                  entry_fails=cause_of(entry_raised.failure) if entry_raised else None,
                  suppressed=len(suppressed), migrations=migrations), scanner, installed


def _memory():
    """The daemon's memory across runs (facts/pool.py), None in a fresh process."""
    from routerlint.facts import pool

    return pool.MEMORY


def _scan(project: Project, scanner: Scanner, known: Dict[Path, ModuleFacts],
          skip: Set[str]) -> Modules:
    """Facts of the file CPython imports for each module name: the first root's, and in one
    folder a package `x/__init__.py` over a module `x.py` (FileFinder tries the package first).
    `known` ones are not scanned again, those in `skip` (str paths) not at all."""
    firsts: Dict[str, SourceFile] = {}
    for source in project.files:
        if skip and str(source.path) in skip:
            continue
        first = firsts.setdefault(source.module, source)
        if (source.is_package and not first.is_package
                and source.path.parent.parent == first.path.parent):
            firsts[source.module] = source
    todo = [source for source in firsts.values() if source.path not in known]

    def meanwhile(found: List[Optional[ModuleFacts]]) -> None:
        preload(scanner.cache, project)
        _derive_early(todo, found)

    scanned = dict(zip((s.path for s in todo),
                       scanner.scan_many(todo, meanwhile=meanwhile) if todo else []))
    return {name: (source, known.get(source.path) or scanned[source.path])
            for name, source in firsts.items()}


def _derive_early(sources: List[SourceFile], found: List[Optional[ModuleFacts]]) -> None:
    """While the changed files are parsed elsewhere, the values the phases after the scan
    derive from each unchanged module alone (memoised on its facts: model.derived): its
    import-time statements, name bindings and imported top-level names, and whether it
    creates the app. The run needs them all; computed here, they cost no wall time."""
    for source, facts in zip(sources, found):
        if facts is not None:
            bindings(facts, package_of(source.module, source.is_package))
            module_tops(facts)
            creates_app(facts)


def _syntax_judge(env: Environment, target: Tuple[int, int], options: Options):
    """Who judges syntax when the target Python is not the one running routerlint: the
    target interpreter (--python), else a `python3.X` of the target version on PATH; with
    neither, this interpreter, said under --verbose."""
    import shutil
    from functools import partial

    from routerlint.facts.syntax import target_verdicts

    if tuple(target) == sys.version_info[:2]:
        return None
    executable = env.executable if tuple(env.version) == tuple(target) else \
        shutil.which("python%d.%d" % tuple(target))
    if executable is None:
        if options.verbose:
            print(f"routerlint: no Python {target[0]}.{target[1]} found: syntax is judged by "
                  f"this one ({sys.version_info[0]}.{sys.version_info[1]})", file=sys.stderr)
        return None
    return partial(target_verdicts, executable)


def _environment(options: Options, project: Project, modules: Modules) -> Dict[str, str]:
    """The variables the server starts with: the project's `.env` when the app loads it
    (`load_dotenv()`), overridden by [tool.routerlint] env and --env (options.environ)."""
    dotenv = project.root / ".env"
    if dotenv.is_file() and any(_calls(facts.events, "load_dotenv")
                                for _, facts in modules.values()):
        return {**read_dotenv(dotenv), **options.environ}
    return dict(options.environ)


def _calls(events, name: str) -> bool:
    """Does any statement of `events` (blocks and function bodies included) call `name`?"""
    return any(isinstance(event, Call) and event.func.rpartition(".")[2] == name
               for event in walk_events(events, lambda f: body_may_contain(f, f'"{name}')))


def _declared_target(project: Project, modules: Modules, options: Options):
    """(RunTarget, the source root it implies or None) for the first server command in a
    Dockerfile / compose file / Procfile whose module is in the scanned tree (project/servers.py)."""
    from routerlint.project.servers import run_targets

    for target in run_targets(project.root):
        if target.module in modules:
            return target, None
        tail = target.module.replace(".", "/")
        folders = {source.path.parent if source.rel.endswith(f"/{tail}/__init__.py")
                   else source.path for source, _ in modules.values()
                   if source.rel.endswith((f"/{tail}.py", f"/{tail}/__init__.py"))}
        roots = {Path(str(f)[: -len(tail) - (3 if str(f).endswith(".py") else 0)]).resolve()
                 for f in folders}
        if len(roots) == 1 and not options.src:
            return target, next(iter(roots))
    return None


def _with_inferred_roots(options: Options, project: Project, modules: Modules,
                         env: Environment, scanner: Scanner,
                         declared_root: Optional[Tuple[Path, str]] = None,
                         skip: Set[str] = frozenset()) -> Tuple[Project, Modules]:
    """The project named again with the source roots its own imports need (runtime/roots.py) and the
    one its server command implies (project/servers.py)."""
    from routerlint.runtime.roots import describe, inferred_roots, inserted_roots

    tops = {name.split(".")[0] for name in modules}

    def importable(top: str) -> bool:
        return (top in tops or env.locate(top) is not None
                or project.locate(top)[0] is not None)

    found = {folder: why for folder, why in inserted_roots(modules, project.root).items()
             if folder not in project.source_roots}
    found.update((folder, why) for folder, why in
                 inferred_roots(modules, importable, project.root).items() if folder not in found)
    if declared_root is not None and declared_root[0] not in project.source_roots:
        found = {declared_root[0]: declared_root[1], **found}
    if options.verbose:
        for line in describe(found, project.root):
            print(f"routerlint: source root inferred: {line}", file=sys.stderr)
    if not found:
        return project, modules
    roots = [project.rel(r) or "." for r in project.source_roots]
    roots += [project.rel(folder) for folder in found]
    renamed = discover(options.paths, roots, options.exclude, options.excludes)
    known = {source.path: facts for source, facts in modules.values()}
    return renamed, _scan(renamed, scanner, known, skip)


def _start_up(entry: Optional[str], factory, routers: Dict[str, int], unit: Callable):
    """The app's start-up, then each router it did not load, alone: (simulations, each
    router's last outcome and whether it was judged alone, the alone outcomes, the
    exception the app raised or None). `factory` is `module:function` that start-up calls."""
    sims: List[Simulation] = []
    last: Dict[str, Tuple[Outcome, bool]] = {}
    raised_by_app: Optional[Raised] = None
    if entry is not None:
        def start(sim: Simulation) -> Optional[Raised]:
            try:
                sim.import_module(entry)
                if factory:  # `uvicorn --factory module:create_app`: start-up calls it
                    sim.call_local(sim.sys_modules[entry], factory.partition(":")[2], 0)
            except Raised as raised:
                return raised
            return None

        sim, raised_by_app = unit(("start-up", entry, factory), start)
        sims.append(sim)
        for outcome in sim.attempts:
            if outcome.module in routers:
                last[outcome.module] = (outcome, False)
        for name, call in sim.calls.items():  # the loader's own call raised: not included
            if name in routers and (name not in last or last[name][0].ok):
                last[name] = (call, False)
    alone: Dict[str, Outcome] = {}
    for router in routers:
        if router in last and last[router][0].ok:
            continue
        sim, alone[router] = unit(("alone", router), lambda sim: _import_alone(sim, router))
        sims.append(sim)
        if router not in last:
            last[router] = (alone[router], True)
    return sims, last, alone, raised_by_app


def _router_results(routers: Dict[str, int], modules: Modules,
                    last: Dict[str, Tuple[Outcome, bool]], alone: Dict[str, Outcome],
                    entry: Optional[str]):
    """(a RouterResult per router, the failing ones with their outcome)."""
    results, failing = [], []
    for router, line in routers.items():
        outcome, judged_alone = last[router]
        source = modules[router][0]
        result = RouterResult(router, source.rel, line, outcome.ok, alone=judged_alone)
        if not outcome.ok:
            result.cause = cause_of(outcome.failure)
            result.chain = [module for module, _ in outcome.hops]
            result.order_dependent = not judged_alone and alone[router].ok
            if result.order_dependent:
                first = outcome.failure.first_stack
                result.order_dependent_on = next(
                    (m for m in first if m in routers and m != router), entry)
            failing.append((result, outcome))
        results.append(result)
    return results, failing


def _checks(context: Context, after_suppressions: bool = False) -> List[Diagnostic]:
    """The findings of every rule that judges the outcome as a whole (rules/)."""
    return [found for rule in RULES.values()
            if rule.check is not None and rule.after_suppressions == after_suppressions
            for found in rule.check(context)]


def _sweep(leftover: List[str], modules: Modules, finder: Finder,
           unit: Callable) -> List[Simulation]:
    """Modules start-up never imports, each tried once: scripts and tests in the sys.path
    they run with (roots.script_scopes), one interpreter per scope; the rest in one more."""
    from routerlint.runtime.roots import script_scopes

    if not leftover:
        return []
    wanted = set(leftover)
    groups = [(scope, finder.scoped(*scope), [n for n in names if n in wanted])
              for scope, names in script_scopes(modules).items()]
    scripts = {name for _, _, names in groups for name in names}
    groups.append((None, finder, [name for name in leftover if name not in scripts]))
    sims = []
    for scope, using, names in groups:
        if not names:
            continue

        def sweep(sim: Simulation, names: List[str] = names) -> None:
            for name in names:
                if name not in sim.executed:
                    try:
                        sim.import_module(name)
                    except Raised:
                        pass

        sims.append(unit(("sweep", scope, tuple(names)), sweep, using)[0])
    return sims


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
