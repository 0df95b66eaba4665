"""Imports the same model module as analytics. analytics' failed attempt already registered
'analytics_events', so this second attempt fails one class earlier."""

from fastapi import APIRouter
from sqlalchemy import select

from app.models.analytics_models import AnalyticsEvent
from app.routers.deps import DbSession

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("/events/{name}")
def events_named(name: str, db: DbSession) -> list[dict]:
    rows = db.scalars(select(AnalyticsEvent).where(AnalyticsEvent.name == name))
    return [{"id": e.id, "payload": e.payload} for e in rows]
