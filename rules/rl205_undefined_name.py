from routerlint.rules.base import Rule

RULE = Rule(
    code="RL205",
    name="undefined-name",
    severity="error",
    summary="A name read while the module runs is not defined: NameError at import.",
    explanation="""\
A `def` or `class` statement evaluates some expressions when it runs, that is while the
module imports: decorators, default values, base classes and class keywords, and — up to
Python 3.13, without `from __future__ import annotations` — the annotations of a function's
parameters and return value (3.14 defers them, PEP 649). A name there that the module never
defines, imports or gets from builtins raises `NameError`, and every router importing the
module fails. It happens when a class is renamed and an annotation keeps the old name, or a
dependency is used in a default without being imported. The same holds for a class body
and a module-level statement (`LIMIT = DEFAULT_PAGE_SIZE * 2` after a star import whose
`__all__` leaves `DEFAULT_PAGE_SIZE` out), and for a column's `Mapped[Decimal]` in a mapped
class under lazy annotations: Python does not evaluate it then, but SQLAlchemy does when it
maps the class, and raises `MappedAnnotationError`.

Only names the module binds nowhere are reported (a name bound later or in a branch is not
judged), and never in a module whose names cannot be known (`from x import *` of an unknown
module, a module `__getattr__`, writes to `globals()`).

Bad:
    class AuthCtx: ...
    def current_user() -> AuthContext:   # renamed class: NameError when the def runs
        ...

Good:
    def current_user() -> AuthCtx:
        ...
""",
    fix="define or import the name, or fix its spelling (quote an annotation, or add "
        "`from __future__ import annotations`, if it is only a type hint)",
)

# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_ROUTER = ("from fastapi import APIRouter\n\nfrom app.auth import current_user\n\n"
           "router = APIRouter()\n")
VALID = [{
    "app/__init__.py": "", "app/routers/__init__.py": "", "app/routers/users.py": _ROUTER,
    "app/auth.py": ("from __future__ import annotations\n\n\nclass AuthCtx:\n    pass\n\n\n"
                    "def current_user() -> AuthContext:\n    return AuthCtx()\n"),
}, {
    "app/__init__.py": "", "app/routers/__init__.py": "", "app/routers/users.py": _ROUTER,
    "app/auth.py": ("class AuthCtx:\n    pass\n\n\n"
                    "def current_user(ctx: 'AuthContext' = None) -> AuthCtx:\n"
                    "    return AuthCtx()\n"),
}, {  # read later, when make() runs; and a name bound twice (None first) is bound by then
    "app/__init__.py": "", "app/routers/__init__.py": "", "app/routers/users.py": _ROUTER,
    "app/auth.py": ("Token = None\n\n\ndef make():\n    class Ctx:\n        user: AuthCtx = None\n"
                    "    return Ctx\n\n\nclass Holder:\n    token: Token = None\n\n\n"
                    "class Token:\n    pass\n\n\nclass AuthCtx:\n    pass\n\n\n"
                    "def current_user() -> AuthCtx:\n    return AuthCtx()\n"),
}]
INVALID = [{
    "app/__init__.py": "", "app/routers/__init__.py": "", "app/routers/users.py": _ROUTER,
    "app/auth.py": ("class AuthCtx:\n    pass\n\n\n"
                    "def current_user() -> AuthContext:\n    return AuthCtx()\n"),
}, {  # a class annotated with one defined below it (written for Python 3.14's lazy ones)
    "app/__init__.py": "", "app/routers/__init__.py": "", "app/routers/users.py": _ROUTER,
    "app/auth.py": ("class Holder:\n    ctx: AuthCtx = None\n\n\nclass AuthCtx:\n    pass\n\n\n"
                    "def current_user() -> AuthCtx:\n    return AuthCtx()\n"),
}, {  # a class body naming its own class, which is bound only once the body has run
    "app/__init__.py": "", "app/routers/__init__.py": "", "app/routers/users.py": _ROUTER,
    "app/auth.py": ("class AuthCtx:\n    parent: AuthCtx = None\n\n\n"
                    "def current_user() -> AuthCtx:\n    return AuthCtx()\n"),
}]
