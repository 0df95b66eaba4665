"""Which files make up the app, where the project root is, and each file's module name."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

from routerlint.errors import UsageError

ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")

# Folders that are never part of the app: environments, caches, build output, VCS.
DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "__pycache__", "node_modules",
    "build", "dist", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".routerlint_cache", "site-packages", ".eggs", "*.egg-info", "htmlcov",
)


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    rel: str  # relative to the project root, with "/"
    module: str  # dotted module name ("app.routers.users"; "app" for app/__init__.py)
    is_package: bool


@dataclass
class Project:
    root: Path
    source_roots: List[Path]
    files: List[SourceFile] = field(default_factory=list)
    problems: List[Tuple[str, str]] = field(default_factory=list)  # (rel path, message)
    excludes: Tuple[str, ...] = DEFAULT_EXCLUDES
    focus: Optional[List[str]] = None  # one-file scans: report only on these rel paths
    _listings: Dict[str, Dict[str, Tuple[bool, bool]]] = field(
        default_factory=dict, repr=False, compare=False)  # folder -> its entries (locate)
    # Every folder the walk listed, with its mtime then: while none has changed, the same
    # files are there (engine.py keeps the list between runs on that condition).
    walked: Dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def rel(self, path: Union[Path, str]) -> str:
        text = str(path)
        prefix = str(self.root).rstrip(os.sep) + os.sep  # string work: ~1,000s of calls a run
        if text.startswith(prefix):
            return text[len(prefix):].replace(os.sep, "/")
        path = Path(path)
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def source_file(self, path: Path) -> Optional[SourceFile]:
        """The module a .py file is imported as, from the deepest source root holding it."""
        text = str(path)
        for root in self.source_roots:
            prefix = str(root).rstrip(os.sep) + os.sep
            if not text.startswith(prefix):
                continue
            parts = text[len(prefix):].split(os.sep)
            is_package = parts[-1] == "__init__.py"
            parts[-1] = parts[-1][:-3]
            if is_package:
                parts.pop()
            if parts and all(p.isidentifier() for p in parts):
                return SourceFile(path, self.rel(path), ".".join(parts), is_package)
            return None
        return None

    def locate(self, module: str) -> Tuple[Optional[Path], bool]:
        """(file, is_namespace_dir) for an internal module, located as CPython's PathFinder
        would in the source roots: a regular package or module wins over a namespace folder."""
        parts = module.split(".")
        namespace = None
        for root in self.source_roots:
            folder = str(root)
            for part in parts[:-1]:
                if not self._kind(folder, part)[0]:
                    break
                folder = f"{folder}/{part}"
            else:
                last = parts[-1]
                is_dir = self._kind(folder, last)[0]
                if is_dir and self._kind(f"{folder}/{last}", "__init__.py")[1]:
                    return Path(folder, last, "__init__.py"), False
                if self._kind(folder, last + ".py")[1]:
                    return Path(folder, last + ".py"), False
                if namespace is None and is_dir and not self.excluded(Path(folder, last)):
                    namespace = Path(folder, last)
        return (namespace, True) if namespace is not None else (None, False)

    def may_hold(self, top: str) -> bool:
        """Whether any source root has a folder or a `.py` file named `top`: without one,
        locate() finds nothing named `top` or under it."""
        return any(self._kind(str(root), top)[0] or self._kind(str(root), top + ".py")[1]
                   for root in self.source_roots)

    def _kind(self, folder: str, name: str) -> Tuple[bool, bool]:
        """(is a directory, is a regular file) for `folder/name`, symlinks followed. Each
        folder is listed once per run, as CPython's FileFinder caches its directory: locating
        thousands of third-party import names stat-ed ~19,000 paths on a 334k-line app."""
        entries = self._listings.get(folder)
        if entries is None:
            entries = {}
            try:
                with os.scandir(folder) as listing:
                    for entry in listing:
                        try:
                            entries[entry.name] = (entry.is_dir(), entry.is_file())
                        except OSError:
                            pass
            except OSError:
                pass
            self._listings[folder] = entries
        return entries.get(name, (False, False))

    def excluded(self, path: Path) -> bool:
        return any(fnmatch.fnmatch(part, pattern)
                   for part in path.relative_to(self.root).parts for pattern in self.excludes)


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding pyproject.toml, setup.py/cfg or .git."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return here


def source_roots(root: Path, configured: Sequence[str] = ()) -> List[Path]:
    """Where top-level packages live: configured `src` entries, else `src/` (when it is not a
    package itself) and the root. Deepest first, so a file belongs to the right one."""
    if configured:
        roots = [(root / entry).resolve() for entry in configured]
        for entry, folder in zip(configured, roots):
            if not folder.is_dir():
                raise UsageError(f"src entry '{entry}': no such folder under {root} (src is "
                                 "relative to the project root; --src or [tool.routerlint] src)")
    else:
        roots = [root]
        src = root / "src"
        if src.is_dir() and not (src / "__init__.py").exists():
            roots.insert(0, src)
    return sorted(roots, key=lambda p: len(p.parts), reverse=True)


def discover(paths: Sequence[str], src: Sequence[str] = (),
             extra_excludes: Iterable[str] = (),
             excludes: Sequence[str] = DEFAULT_EXCLUDES) -> Project:
    """The project the paths belong to, and every .py file under them (excludes applied)."""
    resolved = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"{raw}: no such file or directory")
        resolved.append(path.resolve())
    root = find_root(resolved[0])
    project = Project(root, source_roots(root, src),
                      excludes=tuple(excludes) + tuple(extra_excludes))
    seen: Dict[Path, None] = {}
    if all(path.is_file() for path in resolved):
        # Files are judged in their project: everything from the folder where crawling up
        # through __init__.py stops is read, and only the named files are reported on.
        project.focus = [project.rel(path) for path in resolved]
        resolved = sorted({_package_top(path, root) for path in resolved}) + resolved
    for path in resolved:
        if path.is_file():
            if path.suffix == ".py":
                seen[path] = None
            continue
        for file in _walk(path, project):
            seen[file] = None
    for path in seen:
        source = project.source_file(path)
        if source is None:
            project.problems.append((project.rel(path), "not importable: its path is not a "
                                     "valid dotted module name under a source root"))
        else:
            project.files.append(source)
    project.files.sort(key=lambda f: f.rel)
    return project


def _package_top(path: Path, root: Path) -> Path:
    """The folder holding the outermost package `path` belongs to (never above `root`)."""
    folder = path.parent
    while folder != root and (folder / "__init__.py").exists() and root in folder.parents:
        folder = folder.parent
    return folder


def _walk(top: Path, project: Project) -> Iterable[Path]:
    """Every .py file below `top`, skipping excluded folders, venvs and symlink loops."""
    visited = set()
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True,
                                                onerror=lambda e: project.problems.append(
                                                    (project.rel(Path(e.filename or top)),
                                                     f"cannot read: {e.strerror}"))):
        here = Path(dirpath)
        real = os.path.realpath(dirpath)
        _note_folder(dirpath, project)
        if real in visited:  # a symlink loop or a second link to the same folder
            dirnames[:] = []
            continue
        visited.add(real)
        kept = []
        for d in sorted(dirnames):
            if _skipped(here / d, project):  # not noted: .git and caches change all the time
                if (here / d / "__init__.py").exists():  # a package, hidden by a name rule
                    project.problems.append((project.rel(here / d), (
                        "skipped: a package, excluded by the folder-name rule "
                        f"'{_rule(here / d, project)}' (rename it, or set `exclude` in "
                        "[tool.routerlint] to a list without that name)")))
            elif not os.path.exists(os.path.join(dirpath, d, "pyvenv.cfg")):
                kept.append(d)

        dirnames[:] = kept
        for name in sorted(filenames):
            if name.endswith(".py") and not _skipped_name(dirpath, name, project):
                path = os.path.join(dirpath, name)
                if _regular(path, project):
                    yield Path(path)


def _note_folder(path: str, project: Project) -> None:
    try:
        project.walked[path] = os.stat(path).st_mtime_ns
    except OSError:
        project.walked[path] = -1


def _regular(path: str, project: Project) -> bool:
    """Only regular files are read: a FIFO named x.py would block forever, a symlink to
    /dev/zero would never end. Others are noted (`-v` prints them) and skipped."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        project.problems.append((project.rel(Path(path)),
                                 f"cannot read: {exc.strerror or exc}"))
        return False
    if stat.S_ISREG(mode):
        return True
    project.problems.append((project.rel(Path(path)), "skipped: not a regular file (a FIFO, "
                                                      "a device or a socket named *.py)"))
    return False


def _rule(path: Path, project: Project) -> str:
    rel = project.rel(path)
    return next((p for p in project.excludes
                 if fnmatch.fnmatch(rel if "/" in p else path.name, p)), "?")


def _skipped(path: Path, project: Project) -> bool:
    """Excluded by name (`build`, `*.egg-info`, `pay.py`) or, for a pattern holding `/`, by
    its path relative to the project root (`app/legacy/*`)."""
    by_name, by_path = _matchers(project.excludes)
    if by_name is not None and by_name.match(os.path.normcase(path.name)):
        return True
    return by_path is not None and by_path.match(os.path.normcase(project.rel(path))) is not None


def _skipped_name(folder: str, name: str, project: Project) -> bool:
    """`_skipped` for the file `name` in `folder`, without building a Path."""
    by_name, by_path = _matchers(project.excludes)
    if by_name is not None and by_name.match(os.path.normcase(name)):
        return True
    return by_path is not None and by_path.match(
        os.path.normcase(project.rel(Path(folder, name)))) is not None


@functools.lru_cache(maxsize=8)
def _matchers(patterns: Tuple[str, ...]) -> Tuple[Optional["re.Pattern"], Optional["re.Pattern"]]:
    """The exclude patterns as two compiled alternations, for names and for relative paths:
    fnmatch's own translation, tried once per file instead of once per pattern (the walk
    of a 1,400-file app spent ~0.3 s matching 21 patterns one by one)."""
    def compiled(group):
        if not group:
            return None
        return re.compile("|".join(f"(?:{fnmatch.translate(os.path.normcase(p))})"
                                   for p in group))

    return (compiled([p for p in patterns if "/" not in p]),
            compiled([p for p in patterns if "/" in p]))
