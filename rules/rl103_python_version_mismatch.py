from routerlint.rules.base import Rule

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
)
