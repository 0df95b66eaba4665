"""RL407 model-column-not-migrated: a model column that no revision adds."""

from routerlint.rules.base import Rule
from routerlint.rules.migration_cases import CREATE_USERS, MODELS, project

_MODELS = MODELS + "    email: Mapped[str] = mapped_column(String(50))\n"

RULE = Rule(
    code="RL407",
    name="model-column-not-migrated",
    severity="error",
    summary="A model column is added by no Alembic revision: every query of the model fails after `alembic upgrade head`.",
    explanation="""\
A query of a mapped class names every column the class declares (`SELECT users.id,
users.email FROM users`). When the revisions create the table but no revision adds one of
those columns, the database built by `alembic upgrade head` lacks it and every such query
fails at run time: `column users.email does not exist` (UndefinedColumn). Development hides
it: `create_all()` made the table with the column.

Compared with the schema the replayed chain builds (one head only), on the MetaData env.py
targets. Silent when the model's columns are not all read (a helper, a mapped parent, a base
routerlint cannot find) or the table's columns at head are not (an `op.execute(...)`).
Reported at the model's column, with the class and the revision that creates the table
related; the message ends as `alembic check` names it (add_column).

Bad:
    class User(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str]               # no revision adds users.email

Good:
    # alembic revision --autogenerate  ->  op.add_column("users", sa.Column("email", ...))
""",
    fix="generate a revision that adds it (`alembic revision --autogenerate`) and commit it",
)

_CREATE = ('op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), '
           'sa.Column("name", sa.String(50)), sa.Column("email", sa.String(50), nullable=False))')
VALID = [project([("a1", None, [_CREATE])], models=_MODELS)]
INVALID = [project([("a1", None, [CREATE_USERS])], models=_MODELS)]
