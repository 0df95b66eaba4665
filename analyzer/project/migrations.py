"""Where an app keeps its Alembic migrations, found as Alembic finds them, without running it.

Alembic reads `script_location` from `alembic.ini` (`[alembic]`; `%(here)s` is the ini's
folder; a relative path is taken from the ini's folder, where `alembic` is normally run) or
from `[tool.alembic]` in pyproject.toml, and its revisions from `<script_location>/versions`
or the `version_locations` it names. A project with neither but with `*/versions/*.py` files
that assign `revision` and `down_revision` keeps its Alembic folder without a config in the
tree (generated at deploy, or passed with `-c`): that folder counts too. Reads files only.
"""

from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

from routerlint.project.discover import DEFAULT_EXCLUDES

_DEPTH = 6  # alembic.ini up to five folders down (prefect/server/database/alembic.ini)
_REVISION = re.compile(rb"^\s*revision\b[^=\n]*=", re.M)
_DOWN = re.compile(rb"^\s*down_revision\b[^=\n]*=", re.M)
# Alembic's own filter (script/base.py `_only_source_rev_file`): no __init__, no emacs locks.
_REV_FILE = re.compile(r"(?!\.#|__init__)(.*\.py)$")


@dataclass(frozen=True)
class ScriptLocation:
    folder: Path  # the script folder (holds env.py), absolute
    versions: Tuple[Path, ...]  # folders holding revision files, in Alembic's order
    declared_in: Optional[Path]  # alembic.ini / pyproject.toml; None: found by layout
    line: int  # the script_location line (0 when found by layout)
    recursive: bool = False  # recursive_version_locations

    @property
    def env_py(self) -> Path:
        return self.folder / "env.py"


def script_locations(root: Path, excludes: Iterable[str] = DEFAULT_EXCLUDES,
                     roots: Sequence[Path] = (), configs: Optional[List[Path]] = None
                     ) -> List[ScriptLocation]:
    """Every Alembic script folder of the project, each once, in a stable order. `roots`
    (the source roots) resolve a `package:folder` script_location. The alembic.ini files
    read are appended to `configs`."""
    skip = set(excludes)
    found: List[ScriptLocation] = []
    roots = list(roots) or [root]
    for ini in _config_files(root, "alembic.ini", skip):
        if configs is not None:
            configs.append(ini)
        found.extend(_from_ini(ini, roots))
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        found.extend(_from_pyproject(pyproject, roots))
    if not found:
        found = [_by_layout(folder) for folder in _versions_folders(root, skip)]
    unique, seen = [], set()
    for location in found:
        if location.folder not in seen and location.folder.is_dir():
            seen.add(location.folder)
            unique.append(location)
    return unique


def revision_files(location: ScriptLocation) -> List[str]:
    """The revision files Alembic loads, in its order: each version folder's file names
    sorted (script/base.py `_list_py_dir`), subfolders only when recursive. Paths as text:
    a long chain's Path objects would cost more than the rest of a warm look at it."""
    files: List[str] = []
    for folder in location.versions:
        if not folder.is_dir():
            continue
        for current, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            files.extend(os.path.join(current, n) for n in sorted(names) if _REV_FILE.match(n))
            if not location.recursive:
                break
    return files


def unread_files(location: ScriptLocation) -> bool:
    """Whether a version folder holds .py files in subfolders Alembic is not told to read
    (prefect picks `versions/postgresql` or `versions/sqlite` in code): then the chain
    routerlint sees is not the one that runs, and no model table is judged."""
    if location.recursive:
        return False
    for folder in location.versions:
        try:
            with os.scandir(folder) as entries:  # file types from the listing: no stat each
                subs = [Path(e.path) for e in entries
                        if e.name != "__pycache__" and e.is_dir()]
        except OSError:
            continue
        if any(True for sub in subs for _ in sub.rglob("*.py")):
            return True
    return False


def _config_files(root: Path, name: str, skip: set) -> Iterable[Path]:
    for current, dirs, names in os.walk(root):
        depth = len(Path(current).relative_to(root).parts)
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith(".")
                         and depth + 1 < _DEPTH)
        if name in names and (Path(current) / name).is_file():
            yield Path(current) / name


def _line_of(text: str, key: str) -> int:
    match = re.search(rf"^\s*{re.escape(key)}\s*[=:]", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _expand(value: str, here: Path) -> Path:
    value = value.replace("%(here)s", str(here)).strip()
    path = Path(value)
    return (path if path.is_absolute() else here / path).resolve()


def _script_folder(value: str, here: Path, roots: Sequence[Path]) -> Optional[Path]:
    """script_location as Alembic resolves it: a path, or `package:sub:folder` (a package
    resource: the package's folder, here found in the source roots, joined with the rest)."""
    if ":" in value and "%(here)s" not in value and not os.path.isabs(value):
        package, *rest = value.split(":")
        for folder in roots:
            base = folder.joinpath(*package.split("."))
            if base.is_dir():
                return base.joinpath(*rest).resolve()
        return None
    return _expand(value, here)


def _split(value: str, separator: Optional[str]) -> List[str]:
    """version_locations: split as Alembic does (path_separator, else spaces/commas)."""
    if separator in (None, "", "space"):
        return [p for p in re.split(r"[\s,]+", value) if p]
    sep = {"os": os.pathsep, "colon": ":", "semicolon": ";", "newline": "\n"}.get(
        separator, separator)
    return [p.strip() for p in value.split(sep) if p.strip()]


def _location(folder: Path, here: Path, versions: Optional[str], separator: Optional[str],
              recursive: bool, declared_in: Path, line: int) -> ScriptLocation:
    if versions:
        folders = tuple(_expand(v, here) for v in _split(versions, separator))
    else:
        folders = (folder / "versions",)
    return ScriptLocation(folder, folders, declared_in, line, recursive)


def _from_ini(ini: Path, roots: Sequence[Path]) -> List[ScriptLocation]:
    parser = configparser.RawConfigParser()
    try:
        text = ini.read_text(encoding="utf-8")
        parser.read_string(text)
    except (OSError, UnicodeDecodeError, configparser.Error):
        return []
    if not parser.has_option("alembic", "script_location"):
        return []
    section = dict(parser.items("alembic"))
    here = ini.parent.resolve()
    folder = _script_folder(section["script_location"], here, roots)
    if folder is None:
        return []
    recursive = section.get("recursive_version_locations", "").lower() in ("true", "1", "yes")
    return [_location(folder, here, section.get("version_locations"),
                      section.get("path_separator"), recursive, ini,
                      _line_of(text, "script_location"))]


def _from_pyproject(pyproject: Path, roots: Sequence[Path]) -> List[ScriptLocation]:
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        text = pyproject.read_text(encoding="utf-8")
        table = tomllib.loads(text).get("tool", {}).get("alembic", {})
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    location = table.get("script_location")
    if not isinstance(location, str):
        return []
    here = pyproject.parent.resolve()
    folder = _script_folder(location, here, roots)
    if folder is None:
        return []
    versions = table.get("version_locations")
    if isinstance(versions, list):
        versions = " ".join(str(v) for v in versions)
    return [_location(folder, here, versions, None,
                      bool(table.get("recursive_version_locations")), pyproject,
                      _line_of(text, "script_location"))]


def _versions_folders(root: Path, skip: set) -> List[Path]:
    """Script folders found by layout: `<folder>/versions/*.py` assigning both names."""
    found = []
    for current, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith("."))
        here = Path(current)
        if here.name != "versions" or here == root:
            continue
        for name in sorted(names):
            if name.endswith(".py") and _REV_FILE.match(name):
                try:
                    data = (here / name).read_bytes()
                except OSError:
                    continue
                if _REVISION.search(data) and _DOWN.search(data):
                    found.append(here.parent.resolve())
                    break
    return found


def _by_layout(folder: Path) -> ScriptLocation:
    return ScriptLocation(folder, (folder / "versions",), None, 0)
