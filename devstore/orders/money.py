"""Money and ids for orders, as Shopify's REST order JSON writes them (times: ``devstore.store.times``).

Money is ``Decimal`` inside and a 2-decimal string outside, usually with a ``*_set`` twin
``{"shop_money": {...}, "presentment_money": {...}}``; the presentment side is the shop
amount times the order's exchange ``rate``, rounded half-up to cents. Ids of order-family
objects are exact 64-bit integers above 2^53 (as real Shopify ids are), each matching its GID.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from devstore.store.state import Store

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Above 2^53 (9_007_199_254_740_992), so a reader parsing ids as floats gets them wrong, and
# below 2^63: a signed 64-bit integer like Shopify's.
ID_BASE = 820_982_911_946_150_000


def dec(value) -> Decimal:
    """A Decimal from a string, int or Decimal (never from a float's binary value)."""
    if isinstance(value, float):
        value = repr(value)
    return Decimal(str(value if value is not None else "0"))


def cents(value) -> Decimal:
    """Rounded half-up to cents."""
    return dec(value).quantize(CENT, rounding=ROUND_HALF_UP)


def amt(value) -> str:
    """``"12.30"``: the REST money string."""
    return str(cents(value))


def big_id(store: Store) -> int:
    """A fresh 64-bit id, unique in the store."""
    return ID_BASE + store.next_id()


def gid(kind: str, numeric_id: int) -> str:
    return f"gid://shopify/{kind}/{numeric_id}"


@dataclass(frozen=True)
class Currency:
    """The order's currencies: the shop's and the buyer's (``presentment``), with the rate
    presentment = shop × rate."""

    shop: str
    presentment: str
    rate: Decimal

    def money_set(self, value) -> dict:
        shop_amount = cents(value)
        return {
            "shop_money": {"amount": str(shop_amount), "currency_code": self.shop},
            "presentment_money": {
                "amount": amt(shop_amount * self.rate),
                "currency_code": self.presentment,
            },
        }

    def present(self, value) -> str:
        """The presentment amount as a string."""
        return amt(cents(value) * self.rate)


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` over lines in proportion to ``weights``, each rounded to cents, the
    remainder on the last line with a nonzero weight (so the parts add up exactly)."""
    parts = [ZERO] * len(weights)
    whole = sum(weights, ZERO)
    live = [i for i, w in enumerate(weights) if w > 0]
    if not live or whole <= 0:
        return parts
    for i in live[:-1]:
        parts[i] = cents(total * weights[i] / whole)
    parts[live[-1]] = cents(total) - sum(parts, ZERO)
    return parts


def currency_of(record: dict) -> Currency:
    """The currencies of a stored order record (its ``meta``)."""
    meta = record["meta"]
    return Currency(meta["currency"], meta["presentment"], dec(meta["rate"]))
