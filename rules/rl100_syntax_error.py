from routerlint.rules.base import Rule

RULE = Rule(
    code="RL100",
    name="syntax-error",
    severity="error",
    summary="CPython's parser rejects the file, so every module importing it fails.",
    explanation="""\
A module with a SyntaxError runs nothing: importing it raises SyntaxError, which
`except ImportError` does not catch. Every router that imports it, directly or through other
modules, fails to load. The verdict and message are CPython's own (`compile()`); a file that
is not valid UTF-8 (without a coding cookie) or contains NUL bytes is reported here too.

Bad:
    def handler(request:
        return request

Good:
    def handler(request):
        return request
""",
    fix="fix the syntax at the reported position (the message is CPython's)",
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_ROUTER = ("from fastapi import APIRouter\n\nfrom app.handlers import handler\n\n"
           "router = APIRouter()\n")
VALID = [{
    "app/__init__.py": "", "app/routers.py": _ROUTER,
    "app/handlers.py": "def handler(request):\n    return request\n",
}]
INVALID = [{
    "app/__init__.py": "", "app/routers.py": _ROUTER,
    "app/handlers.py": "def handler(request:\n    return request\n",
}]
