"""Items router: uses relative imports throughout."""

from fastapi import APIRouter
from sqlalchemy import select

from ..models.core import Item
from .deps import DbSession

router = APIRouter(prefix="/items", tags=["items"])


@router.get("")
def list_items(db: DbSession, limit: int = 50) -> list[dict]:
    rows = db.scalars(select(Item).limit(limit))
    return [{"id": i.id, "sku": i.sku, "name": i.name, "price": str(i.price)} for i in rows]
