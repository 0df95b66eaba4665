"""RL204 undeclared-dependency: third-party imports whose distribution the project does not
declare. Needs only the project's files and, when available, installed metadata read as files
(never imported), so it also works in an isolated pre-commit environment.

Checked: load-time imports (`how == "load"`) and lazy ones inside functions (they fail when
called). Skipped: imports inside `try` (optional dependencies) and under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import sys
from typing import Callable, Dict, List, Optional, Set, Tuple

from routerlint.facts.imports import Modules, imports_of
from routerlint.project.dependencies import Declared, declarations
from routerlint.project.distributions import (
    IMPORT_TO_DIST, dist_for_import, imports_for_dist, installed_distributions,
    installed_requirements, normalize,
)
from routerlint.project.interpreter import Environment
from routerlint.project.lines import end_column, source_line
from routerlint.results import Diagnostic
from routerlint.rules.base import Context, Rule


def check(context: Context) -> List[Diagnostic]:
    """Third-party imports whose distribution the project does not declare; silent when it
    declares nothing (and not run when the code is enabled for no file: it reads metadata)."""
    project, modules = context.project, context.modules
    if context.enabled is not None and not any(context.enabled(RULE.code, s.rel)
                                               for s, _ in modules.values()):
        return []
    declared = declarations(project.root)
    if declared is None:
        return []
    found = []
    for path, line, module, dist, via in undeclared(
            modules, lambda top: context.finder.missing_code(top) == "RL200", declared,
            context.env):
        text = source_line(project.root, path, line)
        column = 1 if text is None else len(text) - len(text.lstrip(b" \t")) + 1
        why = f" (it is installed only because '{via}' requires it)" if via else ""
        found.append(RULE.diagnostic(
            path, line, column,
            f"'{module}' is imported but not declared as a dependency{why}: add '{dist}' "
            f"to {declared.where}", end=(line, end_column(text)), symbol=module))
    return found


CHECKED = ("load", "lazy")


def _table_prefix(module: str) -> Optional[str]:
    """The longest dotted prefix (two parts or more) of `module` the built-in table knows:
    `opentelemetry.exporter.prometheus` belongs to its own distribution, not to whichever
    one provides `opentelemetry`."""
    parts = module.split(".")
    for end in range(len(parts), 1, -1):
        prefix = ".".join(parts[:end])
        if prefix in IMPORT_TO_DIST:
            return prefix
    return None


class Checker:
    def __init__(self, declared: Declared, env: Environment) -> None:
        self.declared = {normalize(name) for name in declared.names}
        self.env = env
        self._installed: Optional[Dict[str, Set[str]]] = None
        self._requires: Optional[Dict[str, Set[str]]] = None
        # import names the declared distributions provide, by the table and by their names
        self.tops: Set[str] = set()
        for name in declared.names:
            self.tops |= {top.lower() for top in imports_for_dist(name)}
            self.tops.add(normalize(name).replace("-", "_"))
        self._stdlib = set(env.stdlib)
        if not env.complete:  # a 3.9 target: borrow the running interpreter's list
            self._stdlib |= set(getattr(sys, "stdlib_module_names", ()))

    @property
    def installed(self) -> Dict[str, Set[str]]:
        """{normalised distribution: top-level import names} of the target environment, read
        once and only when the cheap mapping did not settle an import."""
        if self._installed is None:
            try:
                self._installed = installed_distributions(self.env.path)
            except Exception:  # unreadable metadata: fall back to the table alone
                self._installed = {}
            for dist, tops in self._installed.items():
                if dist in self.declared:
                    self.tops |= {top.lower() for top in tops}
        return self._installed

    def third_party(self, top: str) -> bool:
        if top in self._stdlib or top == "__main__":
            return False
        if not self.env.complete:
            located = self.env.locate(top)
            if located is not None and located.kind == "stdlib":
                return False
        return True

    def covered(self, module: str) -> bool:
        prefix = _table_prefix(module)
        if prefix is not None:
            return normalize(IMPORT_TO_DIST[prefix]) in self.declared
        top = module.split(".")[0].lower()
        if top in self.tops:
            return True
        self.installed  # noqa: B018 — widens self.tops with the declared dists' metadata
        return top in self.tops

    def via(self, dist: str) -> Optional[str]:
        """The declared distribution that installs `dist` as one of its own requirements
        (directly or further down), if any: deptry's "transitive" dependency."""
        wanted = normalize(dist)
        requires = installed_requirements(self.env.path) if self._requires is None \
            else self._requires
        self._requires = requires
        for root in sorted(self.declared):
            seen, queue = {root}, [root]
            while queue:
                for needed in requires.get(queue.pop(), ()):
                    if needed == wanted:
                        return root
                    if needed not in seen:
                        seen.add(needed)
                        queue.append(needed)
        return None

    def likely(self, module: str) -> str:
        """The distribution to declare: the table for a dotted match, else the installed
        distribution providing the top-level name, else the table or the name itself."""
        if _table_prefix(module) is None:
            top = module.split(".")[0]
            providers = sorted(dist for dist, tops in self.installed.items() if top in tops)
            if providers:
                return providers[0]
        return dist_for_import(module)


def undeclared(modules: Modules, internal: Callable[[str], bool], declared: Declared,
               env: Environment) -> List[Tuple[str, int, str, str, Optional[str]]]:
    """(path, line, import name, likely distribution, the declared distribution that installs
    it, if any) for every undeclared third-party import: one per (file, line, top name)."""
    checker = Checker(declared, env)
    seen: Dict[Tuple[str, int, str], str] = {}
    for name in sorted(modules):
        source, facts = modules[name]
        for target, line, how in imports_of(source, facts):
            if how not in CHECKED:
                continue
            top = target.split(".")[0]
            if not top or internal(top) or not checker.third_party(top):
                continue
            key = (source.rel, line, top)
            # the shortest name on the line is the module itself (`from a.b import x`
            # yields a.b.x, then a.b)
            if key not in seen or len(target) < len(seen[key]):
                seen[key] = target
    found = []
    for (path, line, _), module in sorted(seen.items()):
        if not checker.covered(module):
            dist = checker.likely(module)
            found.append((path, line, module, dist, checker.via(dist)))
    return found


RULE = Rule(
    code="RL204",
    name="undeclared-dependency",
    severity="warning",
    summary="A third-party package the app imports is not declared as a dependency.",
    explanation="""\
The app imports a third-party module whose distribution appears in none of the project's
dependency declarations: `[project]` dependencies and optional dependencies, PEP 735
`[dependency-groups]`, Poetry (`[tool.poetry.dependencies]`, dev-dependencies and groups),
PDM and uv dev groups, or `requirements*.txt` at the project root (or in `requirements/`).
It works on a machine where the package happens to be installed and fails with
ModuleNotFoundError (RL201) on a fresh deploy.

Distribution names are mapped to import names from the installed metadata of the target
environment (`top_level.txt`, else `RECORD`) and, for packages that are not installed, a
built-in table of common mismatches (PyYAML -> yaml, dagger-io -> dagger, Pillow -> PIL, ...).
So the rule needs no access to the app's environment: it is what an isolated pre-commit hook
can rely on.

Checked: imports that run when the module loads, and lazy imports inside functions (they
fail when called). Not checked: imports guarded by `try/except` (optional dependencies) and
imports under `if TYPE_CHECKING:` (never run). Silent when the project declares no
dependencies at all.

Bad:
    # pyproject.toml: dependencies = ["fastapi"]
    import yaml                      # PyYAML is not declared

Good:
    # pyproject.toml: dependencies = ["fastapi", "PyYAML"]
    import yaml
""",
    fix="declare the distribution in the project's dependencies (or guard the import as optional)",
    check=check,
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_PYPROJECT = '[project]\nname = "case"\nversion = "0"\ndependencies = [{}]\n'
_DB = "from sqlalchemy import create_engine\n\nengine = create_engine(\"sqlite://\")\n"
# sqlalchemy is installed in the tests' environment: only the declaration differs.
VALID = [{
    "pyproject.toml": _PYPROJECT.format('"fastapi", "SQLAlchemy>=2"'),
    "app/__init__.py": "", "app/db.py": _DB,
}]
INVALID = [{
    "pyproject.toml": _PYPROJECT.format('"fastapi"'), "app/__init__.py": "", "app/db.py": _DB,
}]
