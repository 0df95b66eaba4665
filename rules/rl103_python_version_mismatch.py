from typing import List

from routerlint.errors import UsageError
from routerlint.project.dependencies import load_pyproject
from routerlint.project.pyversion import allows, line_of, requires_python
from routerlint.results import Diagnostic
from routerlint.rules.base import Context, Rule

def check(context: Context) -> List[Diagnostic]:
    """The target interpreter's version outside the project's requires-python."""
    project, env = context.project, context.env
    try:
        spec = requires_python(load_pyproject(project.root))
    except UsageError:
        return []  # an unreadable pyproject.toml is reported by the configuration
    if spec is None or allows(spec, env.version) is not False:
        return []
    line = line_of(project.root / "pyproject.toml", "requires-python", "python")
    version = ".".join(map(str, env.version))
    return [RULE.diagnostic(
        "pyproject.toml", line, 1,
        f"the project requires Python {spec}, but the target interpreter "
        f"{env.executable} is {version}: syntax and standard-library verdicts are for "
        f"{version}", end=(line, None), symbol="requires-python")]


RULE = Rule(
    code="RL103",
    name="python-version-mismatch",
    severity="warning",
    summary="The target interpreter is a Python version the project does not support.",
    explanation="""\
Syntax verdicts come from the target interpreter's own compiler, and standard-library
modules from its version. When the project's `requires-python` excludes that version, the
findings are true for the wrong Python: `except A, B:` is valid on 3.14 (PEP 758) and a
SyntaxError on 3.11; `imghdr` exists on 3.12 and is gone on 3.13.

Bad:
    # pyproject.toml: requires-python = ">=3.14"
    routerlint scan .                    # run by a 3.11 interpreter, no .venv found

Good:
    routerlint scan . --python .venv/bin/python    # the app's own 3.14 interpreter
""",
    fix="point --python (or [tool.routerlint] python) at an interpreter the project supports",
    check=check,
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_PYPROJECT = '[project]\nname = "case"\nversion = "0"\nrequires-python = "{}"\n'
_MAIN = "from fastapi import FastAPI\n\napp = FastAPI()\n"
# The tests run routerlint on CPython 3.11 (their own interpreter).
VALID = [{
    "pyproject.toml": _PYPROJECT.format(">=3.9"), "app/__init__.py": "", "app/main.py": _MAIN,
}]
INVALID = [{
    "pyproject.toml": _PYPROJECT.format(">=3.13"), "app/__init__.py": "", "app/main.py": _MAIN,
}]
