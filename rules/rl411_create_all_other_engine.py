"""RL411 create-all-other-engine: create_all builds a MetaData's tables on one engine while
sessions bound to another engine query its models."""

from routerlint.rules.base import Rule

_DB = '''\
import os

from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

platform_engine = create_engine(os.environ.get("PLATFORM_DATABASE_URL", "sqlite:///platform.db"))
user_engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///users.db"))
UserSession = sessionmaker(bind=user_engine)


class Base(DeclarativeBase):
    pass


class JobRun(Base):
    __tablename__ = "job_runs"
    id: Mapped[int] = mapped_column(primary_key=True)


def init_monitoring():
    Base.metadata.create_all(bind={engine})


def record_run():
    with UserSession() as session:
        session.add(JobRun())
        session.commit()
'''

RULE = Rule(
    code="RL411",
    name="create-all-other-engine",
    severity="error",
    summary="create_all builds a MetaData's tables on one engine while a session bound to another engine queries its models.",
    explanation="""\
`Base.metadata.create_all(bind=platform_engine)` creates the tables on the database
`platform_engine` points at, and nowhere else. When code then queries one of those models
through a session bound to a different engine (`sessionmaker(bind=user_engine)`, a
`get_*_session()` helper returning one, `Session(user_engine)`), the query runs on the other
database, where the table was never created: UndefinedTable / `relation "job_runs" does not
exist`, although create_all "ran". Typical with a platform database and a user-data
database, or monitoring tables initialised on one and written by a scheduler on the other.

Followed statically, across modules: module-level `create_engine(...)` engines,
`sessionmaker(bind=...)` / `scoped_session(...)` factories, `Session(engine)`, helpers that
return or yield such a session, `Depends(helper)` parameters, and `session.query(M)`,
`.get(M, ..)`, `.execute(select(M))`, `.scalars(select(M))`, `.add(M(..))`. Said only when
every create_all of the MetaData has a known engine, the session's engine is known and is
none of them, the two engines' URL expressions differ (the same URL is one database), and
no Alembic revision creates the table (it may run on the other database). Anything else is
"cannot tell": silent. Reported at the query, with the create_all call, the session's
engine and the model related.

Bad:
    Base.metadata.create_all(bind=platform_engine)
    with UserSession() as session:             # sessionmaker(bind=user_engine)
        session.add(JobRun())                  # no such table: job_runs

Good:
    Base.metadata.create_all(bind=user_engine) # the database the sessions query
    # or: query the model through a session bound to platform_engine
""",
    fix="create the tables on the engine the sessions use, or query the model through a session bound to the engine create_all uses",
)

VALID = [{"app/__init__.py": "", "app/db.py": _DB.format(engine="user_engine")}]
INVALID = [{"app/__init__.py": "", "app/db.py": _DB.format(engine="platform_engine")}]
