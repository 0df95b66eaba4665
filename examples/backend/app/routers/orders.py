from fastapi import APIRouter, HTTPException

from app.models.core import Order
from app.routers.deps import DbSession
from app.services import order_service

router = APIRouter(prefix="/orders", tags=["orders"])


@router.get("/by-user/{user_id}")
def orders_for_user(user_id: int, db: DbSession) -> list[dict]:
    return [{"id": o.id, "status": o.status} for o in order_service.list_orders(db, user_id)]


@router.post("/{order_id}/status/{new_status}")
def change_status(order_id: int, new_status: str, db: DbSession) -> dict:
    order = db.get(Order, order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="order not found")
    if not order_service.can_transition(order.status, new_status):
        raise HTTPException(status_code=409, detail="illegal transition")
    order.status = new_status
    db.commit()
    return {"id": order.id, "status": order.status}
