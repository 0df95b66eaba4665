"""RL403 revision-cycle: down_revision links that loop."""

from routerlint.rules.base import Rule
from routerlint.rules.migration_cases import CREATE_USERS, project

RULE = Rule(
    code="RL403",
    name="revision-cycle",
    severity="error",
    summary="Revisions name each other (or themselves) as down_revision: Alembic refuses the map.",
    explanation="""\
A revision chain must lead from the bases to the heads. When `down_revision` links loop — a
revision naming itself, or two revisions naming each other after a hand edit — Alembic
raises CycleDetected ("Cycle is detected in revisions (...)") while it builds the map, and
every command fails.

Reported at the `down_revision =` line of each revision in the loop.

Bad:
    revision = "b2"; down_revision = "c3"
    revision = "c3"; down_revision = "b2"

Good:
    revision = "b2"; down_revision = "a1"
    revision = "c3"; down_revision = "b2"
""",
    fix="point one down_revision of the loop back at the revision it was created after",
)

VALID = [project([("a1", None, [CREATE_USERS]), ("b2", "a1", []), ("c3", "b2", [])])]
INVALID = [project([("a1", None, [CREATE_USERS]), ("b2", "c3", []), ("c3", "b2", [])])]
