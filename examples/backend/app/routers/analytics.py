"""Loaded after core has registered 'predictive_models': its model module fails (RL001)."""

from fastapi import APIRouter
from sqlalchemy import func, select

from app.models.analytics_models import AnalyticsEvent, PredictiveModel
from app.routers.deps import DbSession

router = APIRouter(prefix="/analytics", tags=["analytics"])


@router.get("/events/count")
def count_events(db: DbSession) -> dict[str, int]:
    return {"events": db.scalar(select(func.count()).select_from(AnalyticsEvent)) or 0}


@router.get("/models/best")
def best_model(db: DbSession) -> dict:
    model = db.scalars(select(PredictiveModel).order_by(PredictiveModel.accuracy.desc())).first()
    return {"name": model.name if model else None}
