from routerlint.rules.base import Rule

RULE = Rule(
    code="RL101",
    name="non-default-after-default",
    severity="error",
    summary="A parameter without a default follows one with a default (a SyntaxError).",
    explanation="""\
`def f(a=1, b)` is a SyntaxError: "non-default argument follows default argument" (3.11 and
before) or "parameter without a default follows parameter with a default" (3.12+). It is
common in FastAPI endpoints when a new required parameter is appended after optional ones.
The whole module fails to import, and with it every router that imports it.

Bad:
    def build_auth_url(client_id: str, redirect_uri: str = "/cb", scope: str) -> str: ...

Good:
    def build_auth_url(client_id: str, scope: str, redirect_uri: str = "/cb") -> str: ...
    # or make it keyword-only:
    def build_auth_url(client_id: str, redirect_uri: str = "/cb", *, scope: str) -> str: ...
""",
    fix="move the parameter before the defaulted ones, give it a default, or make it "
        "keyword-only (after `*`)",
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_ROUTER = ("from fastapi import APIRouter\n\nfrom app.auth import build_auth_url\n\n"
           "router = APIRouter()\n")
VALID = [{
    "app/__init__.py": "", "app/routers.py": _ROUTER,
    "app/auth.py": ("def build_auth_url(client_id: str, redirect_uri: str = \"/cb\", *,\n"
                    "                   scope: str):\n"
                    "    return client_id + redirect_uri + scope\n"),
}]
INVALID = [{
    "app/__init__.py": "", "app/routers.py": _ROUTER,
    "app/auth.py": ("def build_auth_url(client_id: str, redirect_uri: str = \"/cb\", scope: str):\n"
                    "    return client_id + redirect_uri + scope\n"),
}]
