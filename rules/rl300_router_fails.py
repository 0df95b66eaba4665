from typing import List

from routerlint.results import Diagnostic
from routerlint.rules.base import Context, Rule, effect

def check(context: Context) -> List[Diagnostic]:
    """Routers that fail by a root cause in another file (one in their own file is that
    cause's finding; the engine adds this line if that finding is suppressed)."""
    return [failure(result, outcome, context.project.root)
            for result, outcome in context.failing if outcome.failure.path != result.path]


def failure(result, outcome, root) -> Diagnostic:
    """The router's line, pointing at its root cause through the chain of imports."""
    line = outcome.hops[0][1] if outcome.hops else result.line
    return effect(RULE, f"router '{result.module}' fails to load", result.path, line,
                  outcome.failure, outcome.hops, result.module, root)


RULE = Rule(
    code="RL300",
    name="router-fails",
    severity="error",
    summary="This router would not load; its endpoints would answer 404.",
    explanation="""\
The effect of a root cause elsewhere: importing this router raises, so the app either does
not start or (when routers are loaded in a loop that logs and skips failures) starts without
it. The finding names the root cause and the chain of imports that reached it; fix the root
cause and the router loads.

Bad:
    # routers/analytics.py
    from app.models.analytics_models import Report   # that module raises on import

Good:
    fix the root cause shown under the finding
""",
    fix="fix the root cause shown in the chain",
    check=check,
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_ROUTER = "from fastapi import APIRouter\n\nfrom app.models import Report\n\nrouter = APIRouter()\n"
_MODELS = "from app.db import {}\n\n\nclass Report:\n    pass\n"
VALID = [{
    "app/__init__.py": "", "app/db.py": "DATABASE_URL = \"sqlite://\"\n",
    "app/models.py": _MODELS.format("DATABASE_URL"),
    "app/routers/__init__.py": "", "app/routers/analytics.py": _ROUTER,
}]
INVALID = [{  # the root cause (RL202) is in app/models.py; the router fails by it
    "app/__init__.py": "", "app/db.py": "DATABASE_URL = \"sqlite://\"\n",
    "app/models.py": _MODELS.format("DATABASE_URI"),
    "app/routers/__init__.py": "", "app/routers/analytics.py": _ROUTER,
}]
