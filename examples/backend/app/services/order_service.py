"""Order workflow helpers."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.core import Order

ALLOWED_TRANSITIONS = {
    "pending": {"paid", "cancelled"},
    "paid": {"shipped", "refunded"},
    "shipped": set(),
}


def list_orders(db: Session, user_id: int) -> list[Order]:
    return list(db.scalars(select(Order).where(Order.user_id == user_id)))


def can_transition(current: str, new: str) -> bool:
    return new in ALLOWED_TRANSITIONS.get(current, set())


def zero() -> Decimal:
    return Decimal("0")
