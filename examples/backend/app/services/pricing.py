"""Pricing rules. The function was renamed from compute_invoice_total; billing still uses the old name."""

from decimal import ROUND_HALF_UP, Decimal

VAT_RATE = Decimal("0.20")


def calculate_invoice_total(lines: list[tuple[Decimal, int]], vat: Decimal = VAT_RATE) -> Decimal:
    net = sum((price * qty for price, qty in lines), Decimal("0"))
    return (net * (1 + vat)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
