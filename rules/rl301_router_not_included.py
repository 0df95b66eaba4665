from routerlint.rules.base import Rule

RULE = Rule(
    code="RL301",
    name="router-not-included",
    severity="warning",
    summary="An APIRouter that the app never includes: its endpoints answer 404.",
    explanation="""\
A router module loads fine, but neither the app nor another router ever calls
`include_router(...)` with it, so its routes are never registered. Reported only when the
app's entry point is known and every `include_router` call in the load path names its
router statically (a loop over unknown routers makes the rule stay silent).

Bad:
    # main.py
    from app.routers import users, reports
    app.include_router(users.router)          # reports.router is never included

Good:
    app.include_router(users.router)
    app.include_router(reports.router)
""",
    fix="include the router in the app (app.include_router(module.router)) or delete it",
)
