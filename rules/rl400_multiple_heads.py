"""RL400 multiple-heads: the chain ends in more than one revision."""

from routerlint.rules.base import Rule
from routerlint.rules.migration_cases import CREATE_USERS, project

RULE = Rule(
    code="RL400",
    name="multiple-heads",
    severity="error",
    summary="Two or more Alembic revisions are heads: `alembic upgrade head` refuses to run.",
    explanation="""\
Each revision names its parent in `down_revision`. When two revisions name the same parent
(two branches merged into main, each with its own migration) and nothing merges them, the
chain has two heads and `alembic upgrade head` stops with "Multiple head revisions are
present for given argument 'head'": the deploy's migration step fails and the new columns
never reach the database.

Reported at the `revision =` line of every head, with the other heads related.

Bad:
    # versions/b2_add_email.py
    revision = "b2"; down_revision = "a1"
    # versions/c3_add_phone.py
    revision = "c3"; down_revision = "a1"       # a second head

Good:
    # versions/d4_merge.py  (alembic merge heads -m "merge")
    revision = "d4"; down_revision = ("b2", "c3")
""",
    fix="merge the heads (`alembic merge heads -m \"merge\"`) or point one down_revision at the other",
)

_USERS = [("a1", None, [CREATE_USERS])]
VALID = [project(_USERS + [
    ("b2", "a1", ['op.add_column("users", sa.Column("email", sa.String()))']),
    ("c3", "a1", ['op.add_column("users", sa.Column("phone", sa.String()))']),
    ("d4", ("b2", "c3"), [])])]
INVALID = [project(_USERS + [
    ("b2", "a1", ['op.add_column("users", sa.Column("email", sa.String()))']),
    ("c3", "a1", ['op.add_column("users", sa.Column("phone", sa.String()))'])])]
