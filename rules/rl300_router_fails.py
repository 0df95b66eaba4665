from routerlint.rules.base import Rule

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
)
