from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from app.models.core import User
from app.routers.deps import DbSession

router = APIRouter(prefix="/users", tags=["users"])


class UserOut(BaseModel):
    id: int
    email: str
    full_name: str


@router.get("/{user_id}", response_model=UserOut)
def get_user(user_id: int, db: DbSession) -> UserOut:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="user not found")
    return UserOut(id=user.id, email=user.email, full_name=user.full_name)
