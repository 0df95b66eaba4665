from routerlint.rules.base import Rule

RULE = Rule(
    code="RL200",
    name="missing-module",
    severity="error",
    summary="An import names a module of the app itself that does not exist.",
    explanation="""\
`from app.services.push_gateway import send` where `app/services/push_gateway.py` does not
exist raises ModuleNotFoundError at import time (also for a relative import that climbs
above the top-level package). Often a module was renamed or moved and one importer was
missed. Imports guarded by `try/except ImportError`, under `if TYPE_CHECKING:`, or inside
functions are not load-time failures and are not reported.

Bad:
    from app.services.push_gateway import send_push

Good:
    from app.services.push import send_push
""",
    fix="point the import at the module's real location, or add the missing module",
)
