from routerlint.rules.base import Rule

RULE = Rule(
    code="RL102",
    name="compile-error",
    severity="error",
    summary="The parser accepts the file but CPython's compiler rejects it.",
    explanation="""\
Some errors are found after parsing, by CPython's symbol table and code generator:
a duplicate argument name, `return`/`yield`/`await` outside a function, `nonlocal` without a
binding, `break` outside a loop. Parsers and many linters accept such files; importing them
raises SyntaxError all the same.

Bad:
    def create(item, item): ...

Good:
    def create(item, owner): ...
""",
    fix="fix the statement CPython names in the message",
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_ROUTER = "from fastapi import APIRouter\n\nfrom app.crud import create\n\nrouter = APIRouter()\n"
VALID = [{
    "app/__init__.py": "", "app/routers.py": _ROUTER,
    "app/crud.py": "def create(item, owner):\n    return item, owner\n",
}]
INVALID = [{
    "app/__init__.py": "", "app/routers.py": _ROUTER,
    "app/crud.py": "def create(item, item):\n    return item\n",  # duplicate argument
}, {
    "app/__init__.py": "", "app/routers.py": _ROUTER,
    "app/crud.py": "def create(item):\n    return item\n\n\nreturn create\n",  # module-level return
}]
