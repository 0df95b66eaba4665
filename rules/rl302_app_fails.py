from typing import List

from routerlint.results import Diagnostic
from routerlint.rules.base import Context, Rule, effect

def check(context: Context) -> List[Diagnostic]:
    """The app module itself raises while it imports (or its factory raises when called)."""
    raised = context.entry_raised
    if raised is None:
        return []
    source = context.modules[context.entry][0]
    line = raised.hops[0][1] if raised.hops else 1
    return [effect(RULE, f"app '{context.entry}' fails to start", source.rel, line,
                   raised.failure, raised.hops, context.entry, context.project.root)]


RULE = Rule(
    code="RL302",
    name="app-fails-to-start",
    severity="error",
    summary="The app's entry module raises while importing: the app does not start.",
    explanation="""\
When the entry module imports routers without a guard, the first failure propagates out of
it: uvicorn/gunicorn cannot import the app at all, and no router is served. With a
try/except around each router, the app starts without the failing ones (RL300) instead.

Bad:
    from app.routers import users, reports    # reports fails -> the app does not start
    app.include_router(users.router)

Good:
    fix the root cause; and, if routers are optional, load each one in its own try/except
    that logs the failure loudly
""",
    fix="fix the root cause shown in the chain",
    check=check,
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_ROUTER = "from fastapi import APIRouter\n\nrouter = APIRouter()\n"
_MAIN = ("from fastapi import FastAPI\n\nfrom app.routers import reports, users\n\n"
         "app = FastAPI()\napp.include_router(users.router)\napp.include_router(reports.router)\n")
VALID = [{
    "app/__init__.py": "", "app/main.py": _MAIN,
    "app/routers/__init__.py": "", "app/routers/users.py": _ROUTER,
    "app/routers/reports.py": _ROUTER,
}]
INVALID = [{  # reports fails (no app.models), unguarded: the app does not start
    "app/__init__.py": "", "app/main.py": _MAIN,
    "app/routers/__init__.py": "", "app/routers/users.py": _ROUTER,
    "app/routers/reports.py": ("from fastapi import APIRouter\n\nfrom app.models import Report\n\n"
                               "router = APIRouter()\n"),
}]
