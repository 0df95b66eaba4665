"""RL402 duplicate-revision-id: two files declare the same revision id."""

from routerlint.rules.base import Rule
from routerlint.rules.migration_cases import CREATE_USERS, project

RULE = Rule(
    code="RL402",
    name="duplicate-revision-id",
    severity="error",
    summary="Two revision files declare the same id: `alembic upgrade head` fails (the id is two heads).",
    explanation="""\
Alembic loads revision files in file-name order and keys them by `revision`. A second file
with the same id replaces the first in the map with only a warning ("Revision x is present
more than once"), but the file it replaced still counts as a head: `alembic heads` lists the
id twice and `alembic upgrade head` stops with "Multiple head revisions are present". Had
it run, the replaced file's operations would never have. It usually comes from copying a
revision file as a template.

Reported at the `revision =` line of the file Alembic ignores, with the one it uses related.

Bad:
    # versions/0002_add_email.py
    revision = "b2"
    # versions/0003_add_phone.py
    revision = "b2"               # copied, id not changed

Good:
    # versions/0003_add_phone.py
    revision = "c3"               # a fresh id (`alembic revision` makes one)
    down_revision = "b2"
""",
    fix="give the copied revision a fresh id (`alembic revision` generates one) and chain it",
)

VALID = [project([("a1", None, [CREATE_USERS]), ("b2", "a1", []), ("c3", "b2", [])])]
INVALID = [project([("a1", None, [CREATE_USERS]), ("b2", "a1", []), ("b2", "a1", [])])]
