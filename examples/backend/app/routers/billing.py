from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel

from app.services.pricing import compute_invoice_total

router = APIRouter(prefix="/billing", tags=["billing"])


class InvoiceLine(BaseModel):
    price: Decimal
    quantity: int


@router.post("/invoice/total")
def invoice_total(lines: list[InvoiceLine]) -> dict[str, str]:
    return {"total": str(compute_invoice_total([(ln.price, ln.quantity) for ln in lines]))}
