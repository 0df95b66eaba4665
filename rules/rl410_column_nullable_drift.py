"""RL410 column-nullable-drift: a column is nullable on one side, NOT NULL on the other."""

from routerlint.rules.base import Rule
from routerlint.rules.migration_cases import MODELS, project

_MODELS = MODELS + \
    "    nickname: Mapped[Optional[str]] = mapped_column(String(20))\n"

RULE = Rule(
    code="RL410",
    name="column-nullable-drift",
    severity="warning",
    summary="A column's nullability in the model differs from what `alembic upgrade head` gives it.",
    explanation="""\
The model says a column may be NULL and the revisions made it NOT NULL, or the other way
round: `alembic check` reports modify_nullable. A model that allows None over a NOT NULL
column fails when code writes None (NotNullViolation); a NOT NULL model over a nullable
column lets rows without a value in, and reads then return None where the code expects a
value. Both fail only on some data, hence a warning.

Said when both sides are literal: `nullable=`, `primary_key=`, or `Mapped[Optional[X]]` /
`Mapped[X]` on the model; `nullable=` in the revisions, alter_column(nullable=...)
included. Primary-key columns and computed ones are left alone. Reported at the model's
column, with the class and the revision that adds the column related.

Bad:
    # a1: sa.Column("nickname", sa.String(20), nullable=False)
    nickname: Mapped[Optional[str]] = mapped_column(String(20))

Good:
    # a2: op.alter_column("users", "nickname", nullable=True, existing_type=sa.String(20))
""",
    fix="make the model's nullability match, or write a revision with op.alter_column(..., nullable=...)",
)

_CREATE = ('op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), '
           'sa.Column("name", sa.String(50)), sa.Column("nickname", sa.String(20), nullable={}))')
VALID = [project([("a1", None, [_CREATE.format("True")])], models=_MODELS)]
INVALID = [project([("a1", None, [_CREATE.format("False")])], models=_MODELS)]
