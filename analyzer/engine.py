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
from routerlint import __version__
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
    project = _discover(options)
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
            from routerlint.facts.prefork import claim

            claim(False)
            cached.seconds = time.perf_counter() - started
            return cached
    report, scanner, installed = _analyze(options, project, env, target, started,
                                          reports.stamps if reports is not None else None)
    if reports is not None:
        files = dict(installed.read)
        files.update(scanner.files)
        files.update(_stamps(_side_files(project.root)))
        dirs = {os.path.dirname(path) for path in files}
        dirs.add(str(project.root / "requirements"))
        dirs.update(str(root) for root in project.source_roots)
        dirs.add(str(project.root))
        dirs.update(env.path)
        reports.store(report, files, dirs)
    return report


def _discover(options: Options) -> Project:
    """discover(), or the file list the last run found under the same folders when not one
    of the folders it walked has changed since (a file added, removed or renamed changes its
    folder's mtime): a warm run then stats a few folders instead of walking the tree."""
    import json

    from routerlint.facts.cache import CACHE_DIR, FORMAT, digest, write_atomic
    from routerlint.facts.stamps import RACY_NS
    from routerlint.project.discover import find_root, source_roots

    def walk() -> Project:
        return discover(options.paths, options.src, options.exclude, options.excludes)

    paths = [Path(raw) for raw in options.paths]
    if not options.cache or not all(path.is_dir() for path in paths):
        return walk()  # missing paths are discover's to explain; file scans have a focus
    resolved = sorted(str(path.resolve()) for path in paths)
    root = find_root(Path(resolved[0]))
    key = digest(json.dumps([__version__, FORMAT, resolved, list(options.src),
                             list(options.exclude), list(options.excludes)]).encode())
    entry = root / CACHE_DIR / f"files-{key[:32]}.json"
    try:
        roots = source_roots(root, options.src)
        with open(entry, "rb") as handle:
            data = json.loads(handle.read())
        if (data["key"] == key and data["roots"] == [str(r) for r in roots]
                and all(mtime != -1 and os.stat(folder).st_mtime_ns == mtime
                        for folder, mtime in data["walked"].items())):
            excludes = tuple(options.excludes) + tuple(options.exclude)
            return Project(root, roots, [SourceFile(Path(path), rel, module, package)
                                         for path, rel, module, package in data["files"]],
                           [tuple(p) for p in data["problems"]], excludes=excludes)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    project = walk()
    fresh = time.time_ns() - RACY_NS  # folders changed this recently may change unseen
    try:
        if not (root / CACHE_DIR / ".gitignore").exists():
            write_atomic(root / CACHE_DIR / ".gitignore", "# created by routerlint\n*\n")
        write_atomic(entry, json.dumps({
            "key": key, "roots": [str(r) for r in project.source_roots],
            "walked": {folder: (mtime if mtime < fresh else -1)
                       for folder, mtime in project.walked.items()},
            "files": [[str(f.path), f.rel, f.module, f.is_package] for f in project.files],
            "problems": project.problems}, separators=(",", ":")))
    except OSError:
        pass
    return project


def _side_files(root: Path) -> List[Path]:
    """Files besides the sources that verdicts read: dependency declarations (RL204), the
    server commands that name the app and its root (Dockerfile, compose, Procfile) and the
    `.env` an app loads. (Alembic's configs, env.py and revisions are stamped as they are
    read: runtime/migrations.py.)"""
    from routerlint.project.dependencies import declaration_paths
    from routerlint.project.servers import declaration_files

    return declaration_paths(root) + list(declaration_files(root)) + [root / ".env"]


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
             started: float, stamps=None) -> Tuple[Report, "Scanner", "Installed"]:
    """The phases of a run the report cache could not answer (phases.py: imported only
    then, so a cache hit never loads the scanner, the simulation or the rules). With the
    cache, a child importing LibCST is forked first, for the files found changed
    (facts/prefork.py); the daemon has its own memory instead."""
    from routerlint.facts import pool
    from routerlint.facts.prefork import claim

    prefork = claim(options.cache and options.jobs is None and pool.MEMORY is None)
    try:
        from routerlint.phases import run

        return run(options, project, env, target, started, prefork, stamps)
    finally:
        if prefork is not None:
            prefork.close()
