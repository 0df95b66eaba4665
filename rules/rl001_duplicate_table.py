from routerlint.rules.base import Rule

RULE = Rule(
    code="RL001",
    name="duplicate-table",
    severity="error",
    summary="A table name is declared twice on one MetaData; the second import raises.",
    explanation="""\
SQLAlchemy registers each table on its MetaData when the class (or `Table(...)`) runs. A
second declaration of the same name (and schema) on the same MetaData raises
`InvalidRequestError: Table 'x' is already defined for this MetaData instance` while the
module imports, so every router whose imports reach the *second* declaration fails — which
one that is depends on load order. A retry re-runs the module and fails again, because the
tables it registered before failing stay registered.

Two different Bases (two MetaData), `extend_existing`/`keep_existing`, and abstract classes
are fine.

Bad:
    # models/core.py
    class PredictiveModel(Base):
        __tablename__ = "predictive_models"
    # models/analytics.py
    class AnalyticsModel(Base):
        __tablename__ = "predictive_models"   # raises when imported after core

Good:
    # models/analytics.py
    from app.models.core import PredictiveModel   # one definition, imported
""",
    fix='keep one definition and import it where needed, or add '
        '__table_args__ = {"extend_existing": True} if redefining is intended',
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_DB = "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n"
_CORE = ("from sqlalchemy import Column, Integer\n\nfrom app.db import Base\n\n\n"
         "class User(Base):\n    __tablename__ = \"users\"\n"
         "    id = Column(Integer, primary_key=True)\n")
VALID = [{
    "app/__init__.py": "", "app/db.py": _DB, "app/models/__init__.py": "",
    "app/models/core.py": _CORE,
    "app/models/analytics.py": "from app.models.core import User  # one definition, imported\n",
    "app/routers/__init__.py": "",
    "app/routers/users.py": ("from fastapi import APIRouter\n\nfrom app.models.core import User\n"
                             "from app.models.analytics import User as Tracked\n\n"
                             "router = APIRouter()\n"),
}]
INVALID = [{
    "app/__init__.py": "", "app/db.py": _DB, "app/models/__init__.py": "",
    "app/models/core.py": _CORE,
    "app/models/analytics.py": _CORE.replace("class User", "class TrackedUser"),  # "users" again
    "app/routers/__init__.py": "",
    "app/routers/users.py": ("from fastapi import APIRouter\n\nfrom app.models.core import User\n"
                             "from app.models.analytics import TrackedUser\n\n"
                             "router = APIRouter()\n"),
}]
