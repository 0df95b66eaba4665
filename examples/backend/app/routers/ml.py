"""Imports the third declaration of 'predictive_models' (app.models.ml_models): RL001."""

from fastapi import APIRouter
from sqlalchemy import select

from app.models.ml_models import TrainingRun
from app.routers.deps import DbSession

router = APIRouter(prefix="/ml", tags=["ml"])


@router.get("/runs/{model_id}")
def training_runs(model_id: int, db: DbSession) -> list[dict]:
    rows = db.scalars(select(TrainingRun).where(TrainingRun.model_id == model_id))
    return [{"id": r.id, "loss": r.loss} for r in rows]
