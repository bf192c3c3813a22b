"""Money: exact Decimal amounts stored as integers (amount x 10,000) in BIGINT columns."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

SCALE = Decimal(10_000)


def parse_amount(text: str | int | Decimal | None) -> Decimal:
    """Shopify's decimal string (or an int) as Decimal; floats are refused, never rounded."""
    if text is None:
        return Decimal(0)
    if isinstance(text, float):
        raise TypeError("money never comes from float")
    try:
        return Decimal(str(text))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc


def display(value: Decimal | None, places: int = 2) -> str | None:
    """Round half up (away from zero for negatives) for display; None stays None."""
    if value is None:
        return None
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


class Money(TypeDecorator):
    """A Decimal with up to 4 decimal places, exact in SQL sums on SQLite and PostgreSQL."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        scaled = Decimal(value) * SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than 4 decimal places")
        return int(scaled)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(value) / SCALE
