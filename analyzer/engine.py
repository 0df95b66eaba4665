"""discover → scan → graph → simulate → diagnostics. The one entry point the CLI calls."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Tuple

from routerlint.errors import UsageError
from routerlint.facts.cache import Cache
from routerlint.project.discover import Project, SourceFile, discover
from routerlint.project.interpreter import Environment, choose_python
from routerlint.options import Options
from routerlint.results import Report

if TYPE_CHECKING:
    from routerlint.facts.model import ModuleFacts
    from routerlint.facts.pool import Scanner
    from routerlint.runtime.installed import Installed

def scan_file(source: SourceFile, target: Tuple[int, int]) -> "ModuleFacts":
    """One file's facts, uncached (libcst is imported only when parsing)."""
    from routerlint.facts.pool import Scanner

    return Scanner(target)(source)


def analyze(options: Options) -> Report:
    started = time.perf_counter()
    project = discover(options.paths, options.src, options.exclude, options.excludes)
    if not project.files:
        raise UsageError(f"no Python files under {', '.join(options.paths)}")
    python, reason = choose_python(options.python, project.root, options.configured_python)
    env = Environment.probe(python, reason, Cache(project.root, (0, 0)) if options.cache else None)
    if options.verbose:
        for rel, problem in project.problems:
            print(f"routerlint: {rel}: {problem}", file=sys.stderr)
        print(f"routerlint: target Python {env.executable} "
              f"({'.'.join(map(str, env.version))}; chosen by {reason})", file=sys.stderr)
    target = options.target_version or env.version
    reports = None
    if options.cache and (options.enabled is None or options.settings_key is not None):
        from routerlint.report_cache import ReportCache

        reports = ReportCache(project.root, _fingerprint(options, project, env, target))
        cached = reports.load()
        if cached is not None:
            cached.seconds = time.perf_counter() - started
            return cached
    report, scanner, installed = _analyze(options, project, env, target, started)
    if reports is not None:
        files = dict(installed.read)
        files.update(scanner.files)
        files.update(_stamps(_side_files(project.root, project.source_roots)))
        dirs = {str(Path(path).parent) for path in files}
        dirs.add(str(project.root / "requirements"))
        dirs.update(str(root) for root in project.source_roots)
        dirs.add(str(project.root))
        dirs.update(env.path)
        reports.store(report, files, dirs)
    return report


def _side_files(root: Path, roots: List[Path]) -> List[Path]:
    """Files besides the sources that verdicts read: dependency declarations (RL204), the
    server commands that name the app and its root (Dockerfile, compose, Procfile), the
    `.env` an app loads, and Alembic's configuration, env.py and revisions (RL4xx)."""
    from routerlint.project.dependencies import declaration_paths
    from routerlint.project.migrations import config_files
    from routerlint.project.servers import declaration_files

    return (declaration_paths(root) + list(declaration_files(root)) + [root / ".env"]
            + config_files(root, roots=roots))


def _stamps(paths: List[Path]) -> Dict[str, tuple]:
    from routerlint.facts.stamps import read_stamped

    record: Dict[str, tuple] = {}
    for path in paths:
        read_stamped(str(path), record)
    return record


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
            "environ": sorted(options.environ.items()),
            "pre_commit": bool(os.environ.get("PRE_COMMIT")),  # install advice differs there
            "files": [[f.rel, f.module, f.is_package] for f in project.files]}


def _analyze(options: Options, project: Project, env: Environment, target: Tuple[int, int],
             started: float) -> Tuple[Report, "Scanner", "Installed"]:
    """The phases of a run the report cache could not answer (phases.py: imported only
    then, so a cache hit never loads the scanner, the simulation or the rules)."""
    from routerlint.phases import run

    return run(options, project, env, target, started)
