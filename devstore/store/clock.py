"""A shop's clock: the "now" of the Admin API's 60-day order window, fixed through the control
API (``POST /_devstore/shops/{shop}/clock``) or the store's real time."""

from __future__ import annotations

from devstore.orders.money import parse_time
from devstore.store.state import Shop, Store

CLOCK_KEY = "clock"


def now(store: Store, shop: Shop) -> float:
    """The shop's clock: a set ``now`` (epoch seconds) or the store's real time."""
    with store.lock:
        fixed = shop.extras.get(CLOCK_KEY)
    return fixed if fixed is not None else store.clock()


def set_now(store: Store, shop: Shop, value: str | None) -> float:
    """Fix the shop's "now" at ISO ``value`` (None: back to real time); returns the clock's now."""
    with store.lock:
        shop.extras[CLOCK_KEY] = parse_time(value, 0).timestamp() if value else None
    return now(store, shop)
