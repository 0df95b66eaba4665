from fastapi import APIRouter
from sqlalchemy import select

from app.models.tagging import Tag
from app.routers.deps import DbSession

router = APIRouter(prefix="/tags", tags=["tags"])


@router.get("")
def list_tags(db: DbSession) -> list[str]:
    return [t.label for t in db.scalars(select(Tag))]
