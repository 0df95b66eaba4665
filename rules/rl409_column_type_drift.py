"""RL409 column-type-drift: a column's declared type differs between model and head."""

from routerlint.rules.base import Rule
from routerlint.rules.migration_cases import MODELS, project

_MODELS = MODELS + \
    "    code: Mapped[str] = mapped_column(String(20))\n"

RULE = Rule(
    code="RL409",
    name="column-type-drift",
    severity="warning",
    summary="A column's type in the model differs from the type `alembic upgrade head` gives it.",
    explanation="""\
The model says one type, the revisions built another: `alembic check` reports modify_type.
What fails depends on the data, hence a warning: a model String(100) over a VARCHAR(20)
column fails only when a longer value is written (value too long); an Integer model over a
VARCHAR column fails on PostgreSQL when a query compares or writes it with the model's type
(operator does not exist: character varying = integer). Either way the code and the
database disagree.

Said only when both types are literal and clearly differ: different storage families
(integer, string, text, boolean, date/time, number, JSON, binary), or two literal String
lengths. Integer vs BigInteger, String vs Text, Enum, dialect types and computed types are
left alone. Alter_column(type_=...) calls are followed. Reported at the model's column, with
the class and the revision that adds the column related.

Bad:
    # a1: sa.Column("code", sa.Integer())
    code: Mapped[str] = mapped_column(String(20))

Good:
    # a2: op.alter_column("users", "code", type_=sa.String(20), existing_type=sa.Integer())
""",
    fix="make the model's type match, or write a revision with op.alter_column(..., type_=...)",
)

_CREATE = ('op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), '
           'sa.Column("name", sa.String(50)), sa.Column("code", sa.{}, nullable=False))')
VALID = [project([("a1", None, [_CREATE.format("String(20)")])], models=_MODELS)]
INVALID = [project([("a1", None, [_CREATE.format("Integer()")])], models=_MODELS)]
