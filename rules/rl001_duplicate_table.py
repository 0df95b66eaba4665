from routerlint.rules.base import Rule

RULE = Rule(
    code="RL001",
    name="duplicate-table",
    severity="error",
    summary="A table name is declared twice on one MetaData; the second import raises.",
    explanation="""\
SQLAlchemy registers each table on its MetaData when the class (or `Table(...)`) runs. A
second declaration of the same name (and schema) on the same MetaData raises
`InvalidRequestError: Table 'x' is already defined for this MetaData instance` while the
module imports, so every router whose imports reach the *second* declaration fails — which
one that is depends on load order. A retry re-runs the module and fails again, because the
tables it registered before failing stay registered.

Two different Bases (two MetaData), `extend_existing`/`keep_existing`, and abstract classes
are fine.

Bad:
    # models/core.py
    class PredictiveModel(Base):
        __tablename__ = "predictive_models"
    # models/analytics.py
    class AnalyticsModel(Base):
        __tablename__ = "predictive_models"   # raises when imported after core

Good:
    # models/analytics.py
    from app.models.core import PredictiveModel   # one definition, imported
""",
    fix='keep one definition and import it where needed, or add '
        '__table_args__ = {"extend_existing": True} if redefining is intended',
)
