"""Where a module comes from, decided as CPython's PathFinder would: the project's source
roots, then the target environment (located as files, never imported)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from routerlint.project.discover import Project
from routerlint.project.distributions import dist_for_import
from routerlint.project.interpreter import Environment, Located
from routerlint.runtime.installed import Installed
from routerlint.facts.imports import Modules
from routerlint.runtime.simulate import Spec
from routerlint.rules.rl200_missing_module import RULE as MISSING_MODULE
from routerlint.rules.rl201_missing_package import RULE as MISSING_PACKAGE


class Finder:
    """Locates modules as CPython's PathFinder would: the project's source roots first, then
    the target environment; a regular package anywhere beats a namespace folder."""

    def __init__(self, project: Project, modules: Modules, env: Environment,
                 installed: Optional[Installed] = None) -> None:
        self.project, self.modules, self.env = project, modules, env
        self.installed = installed if installed is not None else Installed()
        self._internal_tops = {name.split(".")[0] for name in modules}
        self._specs: Dict[str, Optional[Spec]] = {}
        self._elsewhere: Dict[str, Optional[str]] = {}
        self._deeper: Optional[Dict[str, List[str]]] = None  # name -> modules holding it deeper
        self._first: Tuple[Path, ...] = ()  # a script's sys.path before the roots (scoped)
        self._last: Tuple[Path, ...] = ()
        self._alias: Dict[str, str] = {}  # top-level name found there -> its module name
        self._by_path: Dict[str, str] = {}  # file -> module name (filled when first needed)

    def scoped(self, first: Tuple[Path, ...], last: Tuple[Path, ...]) -> "Finder":
        """The same project seen by a process started as a script (roots.script_scopes):
        `first` folders win over every root, `last` ones come after the environment."""
        twin = Finder(self.project, self.modules, self.env, self.installed)
        twin._first, twin._last = first, last
        twin._elsewhere, twin._by_path = self._elsewhere, self._by_path  # shared, filled lazily
        twin._deeper = self._deeper
        return twin

    def find(self, name: str) -> Optional[Spec]:
        if name not in self._specs:
            self._specs[name] = self._find(name)
        return self._specs[name]

    def _find(self, name: str) -> Optional[Spec]:
        """A submodule is looked up where its parent lives (the parent's `__path__`): under an
        installed package only in the environment, even when a project folder of the same name
        exists (mealie's `alembic/` migrations folder beside the installed alembic); under an
        internal regular package only in the project."""
        parent_name = name.rpartition(".")[0]
        parent = self.find(parent_name) if parent_name else None
        if parent_name and (parent is None or not parent.is_package):
            return None
        top = name.partition(".")[0]
        if top in self._alias:  # below a package found in a script's own folder
            found = self.modules.get(self._alias[top] + name[len(top):])
            return None if found is None else Spec(found[0].rel, found[1], found[0].is_package)
        if not parent_name:
            for folder in self._first:
                spec = self._in_folder(folder, name)
                if spec is not None:
                    return spec
        if parent is not None and parent.external:
            located = self.env.locate(name)
            return self._external(name, located) if located is not None else None
        found = self.modules.get(name)
        if found is not None:
            source, facts = found
            return Spec(source.rel, facts, source.is_package)
        path, namespace = self.project.locate(name)
        if parent is not None and parent.facts is not None:  # an internal regular package:
            return Spec(self.project.rel(path), None, True) if namespace else None  # its own
        if parent is None and name in self._internal_tops and not namespace:
            return None
        located = self.env.locate(name)
        if located is not None and (not located.namespace or not namespace):
            return self._external(name, located)
        if namespace:
            return Spec(self.project.rel(path), None, True)
        for folder in self._last if not parent_name else ():
            spec = self._in_folder(folder, name)
            if spec is not None:
                return spec
        return None

    def _in_folder(self, folder: Path, name: str) -> Optional[Spec]:
        """A top-level module in one sys.path folder of a script: the scanned module there,
        under the name the script imports it by; a file not scanned is opaque (any name)."""
        for path, is_package in ((folder / name / "__init__.py", True),
                                 (folder / f"{name}.py", False)):
            if not path.is_file():
                continue
            if not self._by_path:
                self._by_path.update((str(source.path), module)
                                     for module, (source, _) in self.modules.items())
            module = self._by_path.get(str(path))
            if module is None:
                return Spec(self.project.rel(path), None, is_package, external=True)
            self._alias[name] = module
            source, facts = self.modules[module]
            return Spec(source.rel, facts, is_package)
        return None

    def library_shape(self, module: str):
        """An installed module's bindings and class bases (Installed.classes), for
        telling which library classes are routers; None when it is not an installed module."""
        if module.split(".")[0] in self._internal_tops:
            return None
        located = self.env.locate(module)
        if located is None or not located.file or located.kind not in ("module", "package"):
            return None
        return self.installed.classes(located.file, module, located.is_package)

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
                names = self.installed.names(located.file, name, located.is_package,
                                             self.env.locate, self.env.version)[0]
            except Exception:  # an unreadable third-party file: unknown, never a false alarm
                names = None
        removed = {}
        if names is None and located.file:  # unknown names, but maybe a migration table
            removed = self.installed.removed(located.file, name)
        return Spec(located.file, None, located.is_package, external=True, names=names,
                    removed=removed)

    def missing_code(self, name: str) -> str:
        top = name.split(".")[0]
        spec = self.find(top)
        if spec is not None:  # where the top-level package really comes from decides
            return (MISSING_PACKAGE if spec.external else MISSING_MODULE).code
        internal = (top in self._internal_tops or self.project.locate(top)[0] is not None
                    or self.local_elsewhere(top) is not None)
        return (MISSING_MODULE if internal else MISSING_PACKAGE).code

    def local_elsewhere(self, top: str) -> Optional[str]:
        """Where a module or package named `top` sits deeper in the scanned tree, when `top`
        itself is not importable from the source roots (`backend/app/` imported as `app`):
        advising `pip install app` would be wrong, and a typosquatting hazard."""
        if top not in self._elsewhere:
            from routerlint.runtime.roots import homes

            if self._deeper is None:  # one pass over the modules, not one per name asked
                self._deeper = {}
                for module in self.modules:
                    for part in set(module.split(".")[1:]):
                        self._deeper.setdefault(part, []).append(module)
            holders = {m: self.modules[m] for m in self._deeper.get(top, ())}
            places = homes(holders, {top}, self.project.root).get(top, [])
            self._elsewhere[top] = next((h.shown for h in places if h.stops), None)
        return self._elsewhere[top]

    def missing_message(self, name: str, message: str, wanted: Optional[str] = None) -> str:
        """CPython's message, plus what to install for a third-party module (named after the
        full import asked for: `opentelemetry.exporter.prometheus` missing its parent
        `opentelemetry.exporter` needs opentelemetry-exporter-prometheus)."""
        top = name.split(".")[0]
        elsewhere = self.local_elsewhere(top) if top not in self._internal_tops else None
        if elsewhere is not None and self.find(top) is None:
            parent = elsewhere.rstrip("/").rpartition("/")[0] or "."
            return (f"{message}: '{top}' exists in this project at {elsewhere}, but its parent "
                    f"folder is not a source root (sys.path): run the app from {parent}/ or "
                    f"pass --src {parent} (or set src in [tool.routerlint])")
        if self.missing_code(name) != MISSING_PACKAGE.code:
            return message
        full = wanted if wanted and wanted.startswith(name + ".") else name
        dist = dist_for_import(full)
        install = (f"add {dist} to this hook's additional_dependencies in "
                   ".pre-commit-config.yaml (or run the hook with `language: system` in the "
                   "app's environment)" if os.environ.get("PRE_COMMIT")
                   else f"pip install {dist}")
        if "." in name and self.env.locate(top) is not None:
            return (f"{message}: the installed package '{top}' has no submodule "
                    f"'{name}' in {self.env.executable}: {install}")
        return f"{message} in {self.env.executable}: {install}"
