"""RL406 model-table-not-migrated: a model's table that no revision creates."""

from routerlint.rules.base import Rule
from routerlint.rules.migration_cases import CREATE_USERS, project

RULE = Rule(
    code="RL406",
    name="model-table-not-migrated",
    severity="error",
    summary="A model's table is created by no Alembic revision: queries fail after `alembic upgrade head`.",
    explanation="""\
In development `Base.metadata.create_all()` creates every model's table, so the app works;
production builds its schema only with `alembic upgrade head`. A model whose table no
revision creates (the migration was never generated, or a later revision drops it) is
missing there, and every query on it fails at run time: `relation "users" does not exist`.

Judged only for apps with an Alembic folder, on the MetaData `env.py` targets
(`target_metadata = Base.metadata`), else on every model; silent when code of unknown effect
(`op.execute(...)` naming the table, a loop, a helper) may have created it. Reported at the
model class, with the Alembic folder related.

Bad:
    class User(Base):
        __tablename__ = "users"        # no revision calls op.create_table("users", ...)

Good:
    # alembic revision --autogenerate -m "create users"  ->  op.create_table("users", ...)
""",
    fix="generate a revision that creates it (`alembic revision --autogenerate`) and commit it",
)

VALID = [project([("a1", None, [CREATE_USERS])])]
INVALID = [project([("a1", None, ['op.create_table("teams", sa.Column("id", sa.Integer(), primary_key=True))'])])]
