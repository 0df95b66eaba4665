from routerlint.rules.base import Rule

RULE = Rule(
    code="RL004",
    name="no-table-name",
    severity="error",
    summary="A mapped class names no table and inherits from no mapped class; SQLAlchemy "
            "refuses it when the class is defined.",
    explanation="""\
A class that inherits from the declarative Base is mapped when its class statement runs.
Without `__tablename__` or `__table__` (its own, a mixin's, or one a `declared_attr` on the
Base computes) and without a mapped parent whose table it could share, SQLAlchemy raises
`InvalidRequestError: Class <class 'app.models.Audit'> does not have a __table__ or
__tablename__ specified and does not inherit from an existing table-mapped class.` while the
module imports, and every router importing it fails. A base meant only to be inherited needs
`__abstract__ = True`.

routerlint says so only when every base of the class is known (the declarative Base, project
mixins): a base from a library, or a computed `__tablename__`, leaves it silent.

Bad:
    class TimestampedModel(Base):         # meant as a shared base
        created_at = Column(DateTime)

Good:
    class TimestampedModel(Base):
        __abstract__ = True
        created_at = Column(DateTime)
""",
    fix="add `__tablename__ = \"...\"`, or `__abstract__ = True` if the class is only a base "
        "for other models",
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_DB = "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n"
_MODELS = ("from sqlalchemy import Column, DateTime, Integer\n\nfrom app.db import Base\n\n\n"
           "class Timestamped(Base):\n{abstract}    created_at = Column(DateTime)\n\n\n"
           "class Audit(Timestamped):\n    __tablename__ = \"audits\"\n"
           "    id = Column(Integer, primary_key=True)\n")
_ROUTER = ("from fastapi import APIRouter\n\nfrom app.models import Audit\n\n"
           "router = APIRouter()\n")
VALID = [{"app/__init__.py": "", "app/db.py": _DB,
          "app/models.py": _MODELS.format(abstract="    __abstract__ = True\n"),
          "app/routers/__init__.py": "", "app/routers/audits.py": _ROUTER}]
INVALID = [{"app/__init__.py": "", "app/db.py": _DB, "app/models.py": _MODELS.format(abstract=""),
            "app/routers/__init__.py": "", "app/routers/audits.py": _ROUTER}]
