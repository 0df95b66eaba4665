"""RL404 duplicate-in-chain: a revision creates what an earlier one already created."""

from routerlint.rules.base import Rule
from routerlint.rules.migration_cases import CREATE_USERS, project

RULE = Rule(
    code="RL404",
    name="duplicate-in-chain",
    severity="error",
    summary="A revision creates a table, column or index that exists at that point of the chain.",
    explanation="""\
routerlint replays `upgrade()` of every revision, in the order `alembic upgrade head` runs
them on an empty database. When one creates a table, adds a column, renames something to a
name, or creates an index, that an earlier revision on the same path already created, the
database refuses it (DuplicateTable / DuplicateColumn, "table already exists",
"duplicate column name") and the upgrade stops there. Typical cause: two branches each
adding the same column, merged.

Reported at the operation's line, with the first creation related. Nothing is said about
tables an `op.execute(...)` or other code of unknown effect may have touched.

Bad:
    # a1: op.add_column("users", sa.Column("email", sa.String()))
    # b2: op.add_column("users", sa.Column("email", sa.String()))   # DuplicateColumn

Good:
    # b2: keep only one add_column of "email" on each path
""",
    fix="remove the second creation (or drop it first); on merged branches keep it in one branch only",
)

_EMAIL = 'op.add_column("users", sa.Column("email", sa.String()))'
VALID = [project([("a1", None, [CREATE_USERS]), ("b2", "a1", [_EMAIL])])]
INVALID = [project([("a1", None, [CREATE_USERS]), ("b2", "a1", [_EMAIL]),
                    ("c3", "b2", [_EMAIL])])]
