from fastapi import APIRouter
from sqlalchemy import select

from app.models.core import Item
from app.routers.deps import DbSession

router = APIRouter(prefix="/search", tags=["search"])


@router.get("")
def search(q: str = "", limit: int, db: DbSession) -> list[dict]:
    rows = db.scalars(select(Item).where(Item.name.ilike(f"%{q}%")).limit(limit))
    return [{"id": i.id, "name": i.name} for i in rows]
