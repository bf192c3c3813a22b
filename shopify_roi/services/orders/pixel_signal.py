"""The web pixel's signal of an order (METRICS.md "Attribution", README "The creator pixel"): the creator the
pixel remembered for the visitor when it saw that order's checkout complete. It is read from the stored pixel
events whenever an order version is written, and added to an order already held when the pixel's event
arrives after the order (`attribution_policy.reattribute_orders`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.db_rows import among, chunked
from shopify_roi.models import PixelEvent

COMPLETED = "cc"


def pixel_touches(session: Session, shop_id: int, order_ids: list[str]) -> dict[str, str]:
    """Order id -> the creator handle the pixel saw complete its checkout (the first such event kept)."""
    out: dict[str, str] = {}
    for chunk in chunked(sorted(set(order_ids))):
        rows = session.execute(
            select(PixelEvent.order_id, PixelEvent.handle)
            .where(
                PixelEvent.shop_id == shop_id,
                PixelEvent.name == COMPLETED,
                among(session, PixelEvent.order_id, chunk),
            )
            .order_by(PixelEvent.id)
        )
        for order_id, handle in rows:
            out.setdefault(order_id, handle)
    return out


def with_pixel(signals: dict, handle: str | None) -> dict:
    """The signals with the pixel's (the handle as the pixel sent it; attribution matches it as a link's)."""
    if not handle or signals.get("pixel") == handle:
        return signals
    return {**signals, "pixel": handle}
