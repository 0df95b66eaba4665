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


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_PUSH = "def send_push(message):\n    return message\n"
VALID = [{
    "app/__init__.py": "", "app/services/__init__.py": "", "app/services/push.py": _PUSH,
    "app/routers.py": ("from fastapi import APIRouter\n\n"
                       "from app.services.push import send_push\n\nrouter = APIRouter()\n"),
}]
INVALID = [{
    "app/__init__.py": "", "app/services/__init__.py": "", "app/services/push.py": _PUSH,
    "app/routers.py": ("from fastapi import APIRouter\n\n"
                       "from app.services.push_gateway import send_push\n\nrouter = APIRouter()\n"),
}]
