"""Money: exact Decimal amounts stored as integers (amount x 10,000) in BIGINT columns."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

SCALE = Decimal(10_000)
# The largest single amount the app stores or accepts: a hundred billion in the shop's currency
# (above any real order, fee or discount, even in VND or IDR). The Money column holds +-9.2e14
# (BIGINT / 10,000), so SQL sums stay exact and in range over ~92,000 such values.
MAX_AMOUNT = Decimal("100000000000")


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


def in_range(amount: Decimal, *, allow_negative: bool = False) -> bool:
    """True for a finite amount with at most 4 decimals within +-MAX_AMOUNT (>= 0 unless allowed)."""
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT or (amount < 0 and not allow_negative):
        return False
    return amount == amount.quantize(Decimal("0.0001"))


def display(value: Decimal | None, places: int = 2) -> str | None:
    """Round half up (away from zero for negatives) for display, in plain digits (never `0E-12`); None
    stays None."""
    if value is None:
        return None
    return format(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")


class Money(TypeDecorator):
    """A Decimal with up to 4 decimal places, exact in SQL sums on SQLite and PostgreSQL."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        scaled = Decimal(value) * SCALE
        if not scaled.is_finite() or scaled != scaled.to_integral_value():
            raise ValueError(f"{value} is not an amount with at most 4 decimal places")
        if abs(scaled) > 2**63 - 1:  # services refuse above MAX_AMOUNT already; this is BIGINT's own bound
            raise ValueError(f"{value} is beyond the Money column's range")
        return int(scaled)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(value) / SCALE
