"""Orders the pixel saw complete: their stored signals get the pixel's creator and they are attributed again
(an order whose webhook came first). An order written later reads the pixel's event itself
(services/orders/store.py)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shopify_roi.services.orders.attribution_policy import reattribute_orders
from shopify_roi.services.orders.pixel_signal import pixel_touches


def apply(session: Session, shop_id: int, order_ids: list[str]) -> tuple[int, set[str]]:
    """How many held orders changed creator or rule, and the ids not held yet."""
    touches = pixel_touches(session, shop_id, order_ids)
    changed, missing = reattribute_orders(session, shop_id, touches)
    return changed, missing | (set(order_ids) - set(touches))
