from routerlint.rules.base import Rule

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
)
