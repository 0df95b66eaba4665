"""Tags on orders -- written against SQLAlchemy 1.x, whose `relation` alias of
`relationship` is gone in 2.x."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relation

from app.db import Base


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    label: Mapped[str] = mapped_column(String(50))
    order = relation("Order")
