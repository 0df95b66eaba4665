from routerlint.rules.base import Rule

RULE = Rule(
    code="RL203",
    name="circular-import",
    severity="error",
    summary="An import cycle fails in the real load order (partially initialised module).",
    explanation="""\
In a cycle, the module entered first is only partially initialised while the other runs.
`from a import X` there fails if `a` has not yet defined X: "cannot import name 'X' from
partially initialized module 'a' (most likely due to a circular import)". Whether it fails
depends on which module of the cycle is imported first; cycles that do not fail are not
reported.

Bad:
    # a.py                          # b.py
    from b import helper            from a import CONFIG   # a has not defined CONFIG yet
    CONFIG = {}

Good:
    # b.py: import the module, read the attribute when needed
    import a
    def helper(): return a.CONFIG
""",
    fix="import the module instead of the name, move the import into the function that "
        "needs it, or move the shared name to a third module",
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_ROUTER = "from fastapi import APIRouter\n\nfrom app.a import A\n\nrouter = APIRouter()\n"
VALID = [{  # a cycle of module imports: loads whichever side is imported first
    "app/__init__.py": "", "app/routers.py": _ROUTER,
    "app/a.py": "import app.b\n\nA = 1\n",
    "app/b.py": "import app.a\n\nB = 2\n\n\ndef helper():\n    return app.a.A\n",
}]
INVALID = [{  # app.a runs app.b, which asks app.a for A before app.a has defined it
    "app/__init__.py": "", "app/routers.py": _ROUTER,
    "app/a.py": "from app.b import B\n\nA = 1\n",
    "app/b.py": "from app.a import A\n\nB = 2\n",
}]
