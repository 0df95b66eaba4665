from typing import List, Set

from routerlint.facts.imports import imports_of
from routerlint.project.lines import line_end
from routerlint.results import Diagnostic
from routerlint.rules.base import Context, Rule

def check(context: Context) -> List[Diagnostic]:
    """Loading routers nothing includes — only when the app starts and every include is
    known. Any module may include a router (a second app, an admin app), so every simulated
    run counts."""
    if context.entry is None or context.entry_raised is not None:
        return []
    sims = context.sims + context.sweeps
    if any(sim.unknown_includes for sim in sims) or not any(sim.includes for sim in sims):
        return []  # an include we cannot follow, or none seen at all (an app factory that
        # start-up calls, not import: `uvicorn --factory`): we do not know what is included
    included = {router for sim in sims for router, _, _ in sim.includes}
    found, unsure = [], None
    for router, line in context.routers.items():
        if (router in included or not context.last[router][0].ok
                or context.is_app_module(router)):
            continue  # a module that is an app itself may use a router otherwise (callbacks)
        if unsure is None:
            unsure = _imported_by_failed(context, sims)
        if router in unsure:
            continue
        rel = context.modules[router][0].rel
        found.append(RULE.diagnostic(
            rel, line, 1,
            f"router '{router}' is never included in the app: its endpoints answer 404",
            end=line_end(context.project.root, rel, line), symbol=router))
    return found


def _imported_by_failed(context: Context, sims) -> Set[str]:
    """Modules that a module which failed to run imports: an app deployed elsewhere (a
    gateway, with packages the server's environment lacks) fails before its factory could
    include them, so whether it would is unknown."""
    failed = {outcome.module for sim in sims for outcome in sim.attempts if not outcome.ok}
    return {target for name in failed if name in context.modules
            for target, _, _ in imports_of(*context.modules[name])}


RULE = Rule(
    code="RL301",
    name="router-not-included",
    severity="warning",
    summary="An APIRouter that the app never includes: its endpoints answer 404.",
    explanation="""\
A router module loads fine, but neither the app nor another router ever calls
`include_router(...)` with it, so its routes are never registered. Reported only when the
app's entry point is known and every `include_router` call in the load path names its
router statically (a loop over unknown routers makes the rule stay silent), and no module
that imports the router failed to run (a second app, deployed with packages this
environment lacks, may include it once it runs).

Bad:
    # main.py
    from app.routers import users, reports
    app.include_router(users.router)          # reports.router is never included

Good:
    app.include_router(users.router)
    app.include_router(reports.router)
""",
    fix="include the router in the app (app.include_router(module.router)) or delete it",
    check=check,
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_ROUTER = "from fastapi import APIRouter\n\nrouter = APIRouter()\n"
_MAIN = ("from fastapi import FastAPI\n\nfrom app.routers import reports, users\n\n"
         "app = FastAPI()\napp.include_router(users.router)\n")
VALID = [{
    "app/__init__.py": "", "app/main.py": _MAIN + "app.include_router(reports.router)\n",
    "app/routers/__init__.py": "", "app/routers/users.py": _ROUTER,
    "app/routers/reports.py": _ROUTER,
}, {  # a second app that fails here (a package of its own environment) imports reports
    "app/__init__.py": "", "app/main.py": _MAIN,
    "app/routers/__init__.py": "", "app/routers/users.py": _ROUTER,
    "app/routers/reports.py": _ROUTER,
    "app/admin.py": ("import admin_only_package\nfrom fastapi import FastAPI\n\n"
                     "from app.routers import reports\n\nadmin = FastAPI()\n"
                     "admin.include_router(reports.router)\n"),
}]
INVALID = [{  # reports.router is never included
    "app/__init__.py": "", "app/main.py": _MAIN,
    "app/routers/__init__.py": "", "app/routers/users.py": _ROUTER,
    "app/routers/reports.py": _ROUTER,
}]
