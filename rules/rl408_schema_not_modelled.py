"""RL408 schema-not-modelled: a table or column at head that no model declares."""

from routerlint.rules.base import Rule
from routerlint.rules.migration_cases import CREATE_USERS, project

RULE = Rule(
    code="RL408",
    name="schema-not-modelled",
    severity="warning",
    summary="A table or column exists after `alembic upgrade head` but no model declares it.",
    explanation="""\
The revisions create a table, or add a column, that no model on the MetaData env.py targets
declares: `alembic check` fails (remove_table / remove_column) and the next
`alembic revision --autogenerate` proposes to drop it. Usually a model was deleted or
renamed without its migration, or a column was added by hand. A warning: queries still
work — except that a NOT NULL column without a default makes every insert through the
model fail (the message says so).

Judged on one head, only when every model's table is known by name (no computed
`__tablename__`, no model module that fails to load) and the table's columns at head are
known. Reported at the revision line that creates the table or adds the column, with the
model class related.

Bad:
    # a1: op.create_table("users", sa.Column("id", ...), sa.Column("legacy_flag", sa.Boolean()))
    class User(Base):                    # declares id only
        ...

Good:
    # declare it on the model, or drop it in a revision (op.drop_column("users", "legacy_flag"))
""",
    fix="declare it on the model, or write a revision that drops it",
)

VALID = [project([("a1", None, [CREATE_USERS])])]
INVALID = [project([("a1", None, [CREATE_USERS, 'op.add_column("users", sa.Column('
                                  '"legacy_flag", sa.Boolean()))'])]),
           project([("a1", None, [CREATE_USERS, 'op.create_table("audit", sa.Column('
                                  '"id", sa.Integer(), primary_key=True))'])])]
