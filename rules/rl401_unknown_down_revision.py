"""RL401 unknown-down-revision: a revision's parent does not exist."""

from routerlint.rules.base import Rule
from routerlint.rules.migration_cases import CREATE_USERS, project

RULE = Rule(
    code="RL401",
    name="unknown-down-revision",
    severity="error",
    summary="A revision's down_revision (or depends_on) names a revision that does not exist.",
    explanation="""\
Alembic builds its revision map from every file in the versions folder. A `down_revision`
naming an id no file declares (a revision deleted, renamed, or repointed by hand to a typo)
makes every Alembic command fail while the map is built ("Revision x referenced from y is
not present", then KeyError): no upgrade, no downgrade, not even `alembic heads`. A
`depends_on` naming nothing (an id or a branch label) fails the same way, with a bare
KeyError and no warning.

Reported at the `down_revision =` (or `depends_on =`) line.

Bad:
    revision = "b2"
    down_revision = "a0"          # no file has revision = "a0"

Good:
    revision = "b2"
    down_revision = "a1"          # the id of the previous revision file
""",
    fix="point down_revision (or depends_on) at an existing revision id or branch label (see `alembic history`), or restore the missing file",
)

VALID = [project([("a1", None, [CREATE_USERS]), ("b2", "a1", [])])]
INVALID = [project([("a1", None, [CREATE_USERS]), ("b2", "a0", [])])]
