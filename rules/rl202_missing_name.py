from routerlint.rules.base import Rule

RULE = Rule(
    code="RL202",
    name="missing-name",
    severity="error",
    summary="`from m import X` where module m defines no X.",
    explanation="""\
`from app.services.pricing import compute_invoice_total` raises ImportError ("cannot import
name") when the module defines no such name — after a rename, or a library upgrade. A name
counts as defined when the module assigns, defines, imports or star-imports it, or when X is
a submodule of package m. A module-level `__getattr__` makes every name possible, so it is
never reported — unless the library lists what it refuses as data: pydantic 2 raises
PydanticImportError (an ImportError) for `BaseSettings` (moved to pydantic-settings) and the
names it removed, per `pydantic/_migration.py`, which routerlint reads from the installed
version.

Bad:
    from app.services.pricing import compute_invoice_total   # it is calculate_invoice_total

Good:
    from app.services.pricing import calculate_invoice_total

Bad (pydantic 2):
    from pydantic import BaseSettings

Good:
    from pydantic_settings import BaseSettings   # pip install pydantic-settings
""",
    fix="import the name the module really defines, or define it there",
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_ROUTER = "from fastapi import APIRouter\n\nfrom app.models import {}\n\nrouter = APIRouter()\n"
VALID = [{
    "app/__init__.py": "", "app/models.py": "class User:\n    pass\n",
    "app/routers.py": _ROUTER.format("User"),
}]
INVALID = [{
    "app/__init__.py": "", "app/models.py": "class User:\n    pass\n",
    "app/routers.py": _ROUTER.format("Missing"),
}]
