from routerlint.rules.base import Rule

RULE = Rule(
    code="RL003",
    name="no-primary-key",
    severity="error",
    summary="A mapped class has no primary-key column; SQLAlchemy refuses to map it when the "
            "class is defined.",
    explanation="""\
SQLAlchemy's declarative mapping runs when the class statement does, while its module
imports. A mapped class whose table has no primary-key column (none of its own, none from a
mixin or its base) raises `ArgumentError: Mapper Mapper[Event(events)] could not assemble any
primary key columns for mapped table 'events'`, and every router importing the module fails.
The table was already registered on the MetaData by then, so a retry also meets RL001.

routerlint reads `Column(..., primary_key=True)`, `mapped_column(primary_key=True)`,
`PrimaryKeyConstraint` in `__table_args__`, `__table__` and `__mapper_args__`, in the class
and in its project mixins and bases. A column made by a helper call, a `declared_attr`, or a
base from a library leaves the question open, and then it says nothing.

Bad:
    class Event(Base):
        __tablename__ = "events"
        name = Column(String)

Good:
    class Event(Base):
        __tablename__ = "events"
        id = Column(Integer, primary_key=True)
        name = Column(String)
""",
    fix="give the table a primary-key column (`id = Column(Integer, primary_key=True)`), or "
        "inherit one from a mixin",
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_DB = "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n"
_MIXIN = ("from sqlalchemy import Column, Integer\n\n\n"
          "class IdMixin:\n    id = Column(Integer, primary_key=True)\n")
_ROUTER = ("from fastapi import APIRouter\n\nfrom app.models import Event\n\n"
           "router = APIRouter()\n")
VALID = [{
    "app/__init__.py": "", "app/db.py": _DB, "app/mixins.py": _MIXIN,
    "app/models.py": ("from sqlalchemy import Column, String\n\nfrom app.db import Base\n"
                      "from app.mixins import IdMixin\n\n\n"
                      "class Event(IdMixin, Base):\n    __tablename__ = \"events\"\n"
                      "    name = Column(String)\n"),
    "app/routers/__init__.py": "", "app/routers/events.py": _ROUTER,
}]
INVALID = [{
    "app/__init__.py": "", "app/db.py": _DB,
    "app/models.py": ("from sqlalchemy import Column, String\n\nfrom app.db import Base\n\n\n"
                      "class Event(Base):\n    __tablename__ = \"events\"\n"
                      "    name = Column(String)\n"),
    "app/routers/__init__.py": "", "app/routers/events.py": _ROUTER,
}]
