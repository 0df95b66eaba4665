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

_PROBE = (
    "import sys, json\n"
    "names = set(sys.builtin_module_names) | set(getattr(sys, 'stdlib_module_names', ()))\n"
    "print(json.dumps({'path': [p for p in sys.path if p], 'version': sys.version_info[:2],"
    " 'stdlib': sorted(names), 'executable': sys.executable}))\n"
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


_EXTENSION_SUFFIXES = (".py", ".pyi", ".so", ".pyd", ".pyc")


class EnvironmentError_(Exception):
    """The interpreter could not be asked (bad --python path): a usage error, exit 2."""


@dataclass
class Environment:
    executable: str
    version: Tuple[int, int]
    path: List[str]
    stdlib: frozenset
    _located: Dict[str, Optional[Tuple[str, bool]]] = field(default_factory=dict, repr=False)

    @classmethod
    def probe(cls, python: Optional[str] = None, cache=None) -> "Environment":
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
                   frozenset(data["stdlib"]))

    @staticmethod
    def _run_probe(executable: str) -> dict:
        try:
            done = subprocess.run([executable, "-I", "-c", _PROBE], capture_output=True,
                                  text=True, timeout=60, check=False)
        except OSError as exc:
            raise EnvironmentError_(f"cannot run the interpreter {executable!r}: {exc}") from exc
        if done.returncode != 0:
            raise EnvironmentError_(
                f"the interpreter {executable!r} failed: {done.stderr.strip()[-300:]}")
        return json.loads(done.stdout)

    def locate_top(self, name: str) -> Optional[Tuple[str, bool]]:
        """(where, is_namespace) for top-level module `name`, or None when it is not installed.
        A regular package or module anywhere on the path wins over a namespace folder."""
        if name in self._located:
            return self._located[name]
        found: Optional[str] = "<stdlib>" if name in self.stdlib else None
        namespace: Optional[str] = None
        if found is None:
            for entry in self.path:
                base = Path(entry)
                if not base.is_dir():
                    continue
                package = base / name
                if (package / "__init__.py").is_file() or (package / "__init__.pyc").is_file():
                    found = str(package)
                    break
                module = self._module_file(base, name)
                if module:
                    found = module
                    break
                if namespace is None and package.is_dir():
                    namespace = str(package)
        self._located[name] = ((found, False) if found else
                               (namespace, True) if namespace else None)
        return self._located[name]

    @staticmethod
    def _module_file(base: Path, name: str) -> Optional[str]:
        for suffix in (".py", ".pyc"):
            candidate = base / (name + suffix)
            if candidate.is_file():
                return str(candidate)
        try:
            for entry in os.scandir(base):
                if entry.name.startswith(name + ".") and entry.name.endswith((".so", ".pyd")):
                    if entry.name.split(".")[0] == name:
                        return entry.path
        except OSError:
            pass
        return None
