"""Uses the canonical PredictiveModel from app.models.core: loads."""

from fastapi import APIRouter
from sqlalchemy import select

from app.models.core import PredictiveModel
from app.routers.deps import DbSession

router = APIRouter(prefix="/predictions", tags=["predictions"])


@router.get("/models")
def list_models(db: DbSession) -> list[dict]:
    return [{"id": m.id, "name": m.name, "version": m.version} for m in db.scalars(select(PredictiveModel))]
