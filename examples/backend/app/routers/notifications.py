from fastapi import APIRouter
from pydantic import BaseModel

from app.services.push_gateway import send_push

router = APIRouter(prefix="/notifications", tags=["notifications"])


class Push(BaseModel):
    user_id: int
    message: str


@router.post("/push")
def push(body: Push) -> dict[str, bool]:
    send_push(body.user_id, body.message)
    return {"queued": True}
