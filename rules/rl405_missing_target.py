"""RL405 missing-target: a revision changes a table or column that does not exist yet."""

from routerlint.rules.base import Rule
from routerlint.rules.migration_cases import CREATE_USERS, project

RULE = Rule(
    code="RL405",
    name="missing-target",
    severity="error",
    summary="A revision drops, alters, renames or adds to a table or column that does not exist there.",
    explanation="""\
routerlint replays `upgrade()` of every revision, in the order `alembic upgrade head` runs
them on an empty database. An operation on a table no earlier revision created (or one
already dropped or renamed), or on a column the table does not have at that point, makes
the database refuse it ("no such table", "no such column", UndefinedTable /
UndefinedColumn) and the upgrade stops: a fresh environment (CI, a new region, a developer
machine) cannot be built from the migrations, although the old production database, made
another way, could.

Reported at the operation's line. Nothing is said about tables an `op.execute(...)` or
other code of unknown effect may have created.

Bad:
    # a1: op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
    # b2: op.drop_column("users", "email")     # no revision added "email"

Good:
    # b2: op.add_column("users", sa.Column("email", sa.String()))  first, in an earlier revision
""",
    fix="create the table or column in an earlier revision, or remove the operation",
)

VALID = [project([("a1", None, [CREATE_USERS]), ("b2", "a1", ['op.drop_column("users", "name")'])])]
INVALID = [project([("a1", None, [CREATE_USERS]),
                    ("b2", "a1", ['op.drop_column("users", "email")'])])]
