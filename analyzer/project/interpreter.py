"""The target interpreter's environment, located as files — never imported.

The interpreter is asked once (a subprocess in isolated mode) for `sys.path`, its version and
its standard-library and builtin module names; after that, modules are *located* on disk the
way PathFinder would: a regular package, a plain or extension module, or a namespace portion.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from routerlint.errors import TargetPythonError

_PROBE = (
    "import sys, json, sysconfig\n"
    "names = set(sys.builtin_module_names) | set(getattr(sys, 'stdlib_module_names', ()))\n"
    "paths = sysconfig.get_paths()\n"
    "dirs = sorted({paths['stdlib'], paths['platstdlib']})\n"
    "print(json.dumps({'path': [p for p in sys.path if p], 'version': sys.version_info[:2],"
    " 'stdlib': sorted(names), 'complete': hasattr(sys, 'stdlib_module_names'),"
    " 'stdlib_dirs': dirs, 'executable': sys.executable, 'prefix': sys.prefix}))\n"
)

def _stamp(paths) -> list:
    """[[path, mtime_ns, size] ...] of the paths that exist: what invalidates a cached probe."""
    out = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        out.append([path, st.st_mtime_ns, st.st_size])
    return out


PROBE_TIMEOUT = 30  # seconds for the interpreter to report its sys.path

_EXTENSION_SUFFIXES = (".py", ".pyi", ".so", ".pyd", ".pyc")


def _venv_python(folder: Path) -> Optional[Path]:
    for candidate in (folder / "bin" / "python", folder / "Scripts" / "python.exe"):
        if candidate.is_file():
            return candidate
    return None


def choose_python(explicit: Optional[str], root: Optional[Path],
                  configured: Optional[str] = None) -> Tuple[Optional[str], str]:
    """(interpreter, why) — `--python`, then `[tool.routerlint] python`, then an in-project
    `.venv`/`venv`, then `$VIRTUAL_ENV`, then the interpreter running routerlint (None)."""
    if explicit:
        return explicit, "--python"
    if configured:
        path = Path(configured)
        if not path.is_absolute() and root is not None:
            path = root / path
        return str(path), "[tool.routerlint] python"
    if root is not None:
        for name in (".venv", "venv"):
            found = _venv_python(root / name)
            if found is not None:
                return str(found), f"in-project {name}"
    virtual_env = os.environ.get("VIRTUAL_ENV")
    if virtual_env:
        found = _venv_python(Path(virtual_env))
        if found is not None:
            return str(found), "$VIRTUAL_ENV"
    return None, "the interpreter running routerlint"


@dataclass
class Located:
    """Where an installed module lives. `search` lists the folders its submodules are looked
    up in (a package's __path__); None when that is unknown (any submodule is accepted)."""

    kind: str  # "stdlib" | "module" | "extension" | "package" | "namespace" | "unknown"
    file: Optional[str] = None  # source file (__init__.py for a package); None if none
    search: Optional[List[str]] = None

    @property
    def is_package(self) -> bool:
        return self.kind in ("package", "namespace", "stdlib", "unknown")

    @property
    def namespace(self) -> bool:
        return self.kind == "namespace"


_PATH_TRICKS = ("extend_path", "declare_namespace")


@dataclass
class Environment:
    executable: str
    version: Tuple[int, int]
    path: List[str]
    stdlib: frozenset
    stdlib_dirs: List[str] = field(default_factory=list)
    complete: bool = True  # stdlib names come from sys.stdlib_module_names (3.10+)
    reason: str = "the interpreter running routerlint"
    prefix: str = ""
    _located: Dict[str, Optional[Located]] = field(default_factory=dict, repr=False)

    @classmethod
    def probe(cls, python: Optional[str] = None,
              reason: str = "the interpreter running routerlint", cache=None) -> "Environment":
        """Ask the interpreter (a ~20 ms subprocess), or reuse the answer cached for this
        interpreter path while its mtime/size and the mtimes of its sys.path folders (a new
        .pth file changes sys.path) are unchanged."""
        executable = python or sys.executable
        stamp = _stamp([executable])
        data = cache.get_probe(executable, stamp) if cache is not None and stamp else None
        if data is not None and data.get("dirs") != _stamp(data.get("path", ())):
            data = None
        if data is None:
            data = cls._run_probe(executable)
            if cache is not None and stamp:
                data["dirs"] = _stamp(data["path"])
                cache.put_probe(executable, stamp, data)
        return cls(data["executable"], tuple(data["version"]), data["path"],
                   frozenset(data["stdlib"]), data.get("stdlib_dirs", []),
                   data.get("complete", True), reason, data.get("prefix", ""))

    @staticmethod
    def _run_probe(executable: str) -> dict:
        try:
            done = subprocess.run([executable, "-I", "-c", _PROBE], capture_output=True,
                                  text=True, timeout=PROBE_TIMEOUT, check=False,
                                  stdin=subprocess.DEVNULL)
        except OSError as exc:
            raise TargetPythonError(f"cannot run the interpreter {executable!r}: {exc}") from exc
        except subprocess.TimeoutExpired:
            raise TargetPythonError(
                f"the interpreter {executable!r} did not answer within {PROBE_TIMEOUT} s "
                "(a Python interpreter answers in well under a second): pass --python the "
                "path of the app's python, e.g. .venv/bin/python") from None
        if done.returncode != 0:
            raise TargetPythonError(
                f"the interpreter {executable!r} failed: {done.stderr.strip()[-300:]}")
        try:
            return json.loads(done.stdout)
        except ValueError as exc:
            raise TargetPythonError(
                f"{executable!r} is not a Python interpreter routerlint can ask") from exc

    # -- locating -----------------------------------------------------------------------------
    def locate_top(self, name: str) -> Optional[Tuple[str, bool]]:
        """(where, is_namespace) for top-level module `name`, or None when it is not installed."""
        found = self.locate(name.split(".")[0])
        if found is None:
            return None
        return (found.file or (found.search or ["<stdlib>"])[0], found.namespace)

    def locate(self, name: str) -> Optional[Located]:
        """Locate module `name` (dotted) as PathFinder would, without importing anything."""
        if name in self._located:
            return self._located[name]
        parent_name, _, last = name.rpartition(".")
        if not parent_name:
            if name in self.stdlib:
                result: Optional[Located] = Located("stdlib")
            else:
                result = self._find(self.path, name, top=True)
        else:
            parent = self.locate(parent_name)
            if parent is None or not parent.is_package:
                result = None
            elif parent.kind in ("stdlib", "unknown") or parent.search is None:
                result = Located(parent.kind if parent.kind == "stdlib" else "unknown")
            else:
                result = self._find(parent.search, last, top=False, dotted=name)
        self._located[name] = result
        return result

    def _find(self, dirs: List[str], name: str, top: bool,
              dotted: Optional[str] = None) -> Optional[Located]:
        portions: List[str] = []
        for entry in dirs:
            base = Path(entry)
            if not base.is_dir():
                continue
            package = base / name
            init = next((package / f"__init__{s}" for s in (".py", ".pyc")
                         if (package / f"__init__{s}").is_file()), None)
            if init is not None:
                if top and self._in_stdlib(entry):
                    return Located("stdlib")
                return Located("package", str(init) if init.suffix == ".py" else None,
                               self._package_path(package, init, dotted or name))
            module = self._module_file(base, name)
            if module is not None:
                if top and self._in_stdlib(entry):
                    return Located("stdlib")
                kind = "module" if module.endswith(".py") else "extension"
                return Located(kind, module if kind == "module" else None)
            if package.is_dir():
                portions.append(str(package))
        if portions:
            return Located("namespace", None, portions)
        return None

    def _package_path(self, package: Path, init: Path, dotted: str) -> Optional[List[str]]:
        """The package's __path__: its folder, or every matching folder on sys.path for an
        old-style namespace package (pkgutil.extend_path / pkg_resources); None if it
        rewrites __path__ some other way."""
        try:
            text = init.read_text("utf-8", "replace") if init.suffix == ".py" else ""
        except OSError:
            return None
        if any(trick in text for trick in _PATH_TRICKS):
            parts = dotted.split(".")
            return [str(Path(entry, *parts)) for entry in self.path
                    if Path(entry, *parts).is_dir()]
        if "__path__" in text:
            return None
        return [str(package)]

    def _in_stdlib(self, entry: str) -> bool:
        """For a target without sys.stdlib_module_names (3.9): is this sys.path entry the
        standard library's own folder (not a site-packages inside it)?"""
        if self.complete:
            return False
        parts = Path(entry).parts
        if "site-packages" in parts or "dist-packages" in parts:
            return False
        for folder in self.stdlib_dirs:
            try:
                Path(entry).relative_to(folder)
                return True
            except ValueError:
                continue
        return False

    @staticmethod
    def _module_file(base: Path, name: str) -> Optional[str]:
        try:
            for entry in os.scandir(base):
                if entry.name.startswith(name + ".") and entry.name.endswith((".so", ".pyd")):
                    if entry.name.split(".")[0] == name:
                        return entry.path
        except OSError:
            pass
        for suffix in (".py", ".pyc"):
            candidate = base / (name + suffix)
            if candidate.is_file():
                return str(candidate)
        return None


_PROBED: Dict[tuple, dict] = {}


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0
