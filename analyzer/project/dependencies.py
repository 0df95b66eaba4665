"""The project's pyproject.toml: `[tool.routerlint]` settings and declared dependencies
(PEP 621, Poetry, PDM and uv groups, requirements*.txt) — read as data, nothing executed."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from dataclasses import dataclass, field
from typing import List, Optional, Set

from routerlint.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_COMMENT = re.compile(r"(?:^|\s)#.*")  # pip: `#` starts a comment at the start or after a space
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s+|=)(\S+)")
# Named only by `#egg=`: editable installs, VCS (`git+https://`) and URL lines, local paths.
_DIRECT = re.compile(r"^(?:-e|--editable)(?:\s+|=)|^[a-z][a-z0-9+.-]*://|^[a-z]+\+|^[./]")


def load_pyproject(root: Path) -> dict:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it as TOML: {exc}") from None


def _names(requirements) -> List[str]:
    """Distribution names of PEP 508 strings (`name>=1`, `name[extra]; marker`,
    `name @ https://...`)."""
    out = []
    for item in requirements or []:
        if isinstance(item, str):
            match = _REQUIREMENT.match(item)
            if match and not item.lstrip().startswith(("-", "#")):
                out.append(match.group(1))
    return out


def _requirement_line(line: str) -> Optional[str]:
    """The distribution a requirements-file line declares, or None: `name==1`, `name @ url`,
    `-e git+https://...#egg=name` or a bare VCS/URL line with `#egg=name` (without one, the
    name is unknown: such a line declares nothing rather than a package named `git`)."""
    egg = _EGG.search(line)
    line = _COMMENT.sub("", line).strip()
    if _DIRECT.match(line):
        return egg.group(1) if egg else None
    names = _names([line])
    return names[0] if names else None


def _requirements_file(path: Path, root: Path, seen: Set[Path]) -> List[str]:
    """Names a requirements file declares, following `-r other.txt` includes (relative to the
    including file, inside the project, each file once)."""
    resolved = path.resolve()
    if resolved in seen:
        return []
    seen.add(resolved)
    try:
        lines = path.read_text("utf-8", "replace").splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        include = _INCLUDE.match(line.strip())
        if include:
            other = (path.parent / include.group(1)).resolve()
            if other.is_relative_to(root.resolve()) and other.is_file():
                found += _requirements_file(other, root, seen)
            continue
        name = _requirement_line(line)
        if name:
            found.append(name)
    return found


@dataclass
class Declared:
    """What the project declares: normalised-as-written distribution names and the files
    that declare them (project-relative, "/"), the first being where to add a new one."""

    names: Set[str] = field(default_factory=set)
    files: List[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return self.files[0] if self.files else "pyproject.toml"


def declared_dependencies(root: Path) -> Optional[Set[str]]:
    """Distribution names the project declares anywhere, or None when it declares none (then
    RL204 does not run)."""
    found = declarations(root)
    return None if found is None else found.names


def declarations(root: Path) -> Optional[Declared]:
    """Every declared distribution and the files declaring them, or None when the project
    declares nothing anywhere (then RL204 does not run)."""
    data = load_pyproject(root)
    found: List[str] = []
    sources = 0
    project = data.get("project", {})
    if "dependencies" in project or "optional-dependencies" in project:
        sources += 1
        found += _names(project.get("dependencies"))
        for group in (project.get("optional-dependencies") or {}).values():
            found += _names(group)
    groups = data.get("dependency-groups")  # PEP 735 (uv, pdm)
    if isinstance(groups, dict):
        sources += 1
        for group in groups.values():
            found += _names(group)
    tool = data.get("tool", {})
    poetry = tool.get("poetry", {})
    if isinstance(poetry, dict):
        tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
        tables += [g.get("dependencies") for g in (poetry.get("group") or {}).values()
                   if isinstance(g, dict)]
        for table in tables:
            if isinstance(table, dict):
                sources += 1
                found += [name for name in table if name.lower() != "python"]
    pdm = tool.get("pdm", {})
    if isinstance(pdm, dict) and isinstance(pdm.get("dev-dependencies"), dict):
        sources += 1
        for group in pdm["dev-dependencies"].values():
            found += _names(group)
    uv = tool.get("uv", {})
    if isinstance(uv, dict) and isinstance(uv.get("dev-dependencies"), list):
        sources += 1
        found += _names(uv["dev-dependencies"])
    files = ["pyproject.toml"] if sources else []
    reqs = sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements/*.txt"))
    # requirements.txt itself first: that is where a runtime dependency goes
    reqs.sort(key=lambda p: (p.name != "requirements.txt", p.parent != root, str(p)))
    seen: Set[Path] = set()
    for req in reqs:
        sources += 1
        files.append(req.relative_to(root).as_posix())
        found += _requirements_file(req, root, seen)
    return Declared(set(found), files) if sources else None


def declaration_paths(root: Path) -> List[Path]:
    """Every file a dependency verdict may read: pyproject.toml and the requirements files with
    their `-r` includes. The report cache stamps them, so editing one re-runs the analysis."""
    paths = [root / "pyproject.toml"] if (root / "pyproject.toml").is_file() else []
    seen: Set[Path] = set()
    for req in sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements/*.txt")):
        _requirements_file(req, root, seen)
    return paths + sorted(seen)

