"""An experiments router nobody added to app.main. Imported on its own, ml_models is the
first module to declare 'predictive_models', so it loads -- its routes are simply never served."""

from fastapi import APIRouter

from app.models.ml_models import PredictiveModel, TrainingRun

router = APIRouter(prefix="/experiments", tags=["experiments"])


@router.get("/schema")
def schema() -> dict[str, list[str]]:
    return {
        "predictive_models": [c.name for c in PredictiveModel.__table__.columns],
        "training_runs": [c.name for c in TrainingRun.__table__.columns],
    }
