"""The creator pixel's funnel and product mix (README "The creator pixel").

Per creator, over a range of the shop's local days (by when the app received each event):
- visits: storefront sessions whose pages the pixel saw with the creator known (from the creator's link
  on the landing page, or remembered from an earlier visit within the attribution window);
- product views, add-to-carts, checkouts started: those sessions in which the visitor did that at least
  once (each session counts once per step, however many times it did it);
- orders: orders the pixel saw completed in those sessions that are attributed to the creator and counted
  (not test, voided or seeding), and their net revenue (revenue − returns, from Shopify's webhooks, never
  from the browser);
- conversion at each step: the step ÷ the step before it; "—" when the step before is 0.
Product mix: the creator's attributed, counted orders created in the range (every rule: code, pixel, link),
line by line: net revenue per product (the line's revenue − its refunded lines, tax taken out where prices
include tax, as METRICS.md's revenue and returns), units sold less units returned.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from shopify_roi.models import Creator, Order, OrderLine, PixelEvent, RefundLine
from shopify_roi.services.metrics.window import Window

STEPS = (
    ("visits", "pv"),
    ("product_views", "vw"),
    ("add_to_carts", "ac"),
    ("checkouts", "cs"),
)


def _div(a: int, b: int) -> Decimal | None:
    return None if not b else Decimal(a) / Decimal(b)


def funnels(session: Session, shop_id: int, window: Window, creators: list[Creator]) -> dict[int, dict]:
    """Creator id -> its funnel, in two grouped queries whatever the number of creators."""
    start, end = window.bounds()
    by_handle = {c.handle.lower(): c for c in creators}
    counts = {
        handle: row
        for handle, *row in session.execute(
            select(
                PixelEvent.handle,
                *(
                    func.count(func.distinct(case((PixelEvent.name == code, PixelEvent.session_hash))))
                    for _, code in STEPS
                ),
            )
            .where(
                PixelEvent.shop_id == shop_id, PixelEvent.received_at >= start, PixelEvent.received_at < end
            )
            .where(PixelEvent.handle.in_(sorted(by_handle)))
            .group_by(PixelEvent.handle)
        )
    }
    completed = (
        select(PixelEvent.handle, PixelEvent.order_id)
        .where(
            PixelEvent.shop_id == shop_id,
            PixelEvent.name == "cc",
            PixelEvent.received_at >= start,
            PixelEvent.received_at < end,
        )
        .distinct()
        .subquery()
    )
    orders = {
        creator_id: (n, revenue or Decimal(0), returns or Decimal(0))
        for creator_id, n, revenue, returns in session.execute(
            select(Order.creator_id, func.count(), func.sum(Order.revenue), func.sum(Order.returns))
            .join(completed, completed.c.order_id == Order.shopify_id)
            .join(
                Creator,
                (Creator.id == Order.creator_id)
                & (Creator.shop_id == Order.shop_id)
                & (func.lower(Creator.handle) == completed.c.handle),
            )
            .where(Order.shop_id == shop_id, Order.counted.is_(True), Order.creator_id.is_not(None))
            .group_by(Order.creator_id)
        )
    }
    out = {}
    for handle, creator in by_handle.items():
        steps = list(counts.get(handle, (0,) * len(STEPS)))
        n, revenue, returns = orders.get(creator.id, (0, Decimal(0), Decimal(0)))
        out[creator.id] = _shape(steps, n, revenue - returns)
    return out


def _shape(steps: list[int], orders: int, net_revenue: Decimal) -> dict:
    values = [*steps, orders]
    names = [name for name, _ in STEPS] + ["orders"]
    rows = []
    for i, (name, value) in enumerate(zip(names, values, strict=True)):
        rows.append(
            {"step": name, "count": value, "conversion": None if i == 0 else _div(value, values[i - 1])}
        )
    return {"steps": rows, "net_revenue": net_revenue, "visit_to_order": _div(orders, values[0])}


def product_mix(
    session: Session, shop_id: int, window: Window, creator_id: int, limit: int = 10
) -> list[dict]:
    """The creator's products by net revenue (after returns), highest first, at most `limit`."""
    start, end = window.bounds()
    lines = session.execute(
        select(
            OrderLine.shopify_id,
            OrderLine.product_id,
            OrderLine.title,
            OrderLine.quantity,
            OrderLine.price,
            OrderLine.discount,
            OrderLine.tax,
            Order.taxes_included,
        )
        .join(Order, (Order.id == OrderLine.order_id) & (Order.shop_id == OrderLine.shop_id))
        .where(
            Order.shop_id == shop_id,
            Order.creator_id == creator_id,
            Order.counted.is_(True),
            Order.created_at >= start,
            Order.created_at < end,
        )
    ).all()
    returned = _returned(session, shop_id, [line[0] for line in lines])
    products: dict[str, dict] = defaultdict(
        lambda: {"net_revenue": Decimal(0), "units": 0, "returned_units": 0, "orders": set()}
    )
    for line_id, product_id, title, quantity, price, discount, tax, taxes_included in lines:
        key = product_id or f"line:{title}"
        entry = products[key]
        entry.setdefault("title", title or "(no title)")
        entry["product_id"] = product_id
        back_qty, back_subtotal, back_tax = returned.get(line_id, (0, Decimal(0), Decimal(0)))
        revenue = price * quantity - discount - (tax if taxes_included else Decimal(0))
        returns = back_subtotal - (back_tax if taxes_included else Decimal(0))
        entry["net_revenue"] += revenue - returns
        entry["units"] += quantity
        entry["returned_units"] += back_qty
    ranked = sorted(products.values(), key=lambda e: (-e["net_revenue"], e["title"]))
    return [
        {
            "product_id": e["product_id"],
            "title": e["title"],
            "units": e["units"],
            "returned_units": e["returned_units"],
            "net_revenue": e["net_revenue"],
        }
        for e in ranked[:limit]
    ]


def _returned(session: Session, shop_id: int, line_ids: list[str]) -> dict[str, tuple[int, Decimal, Decimal]]:
    out: dict[str, tuple[int, Decimal, Decimal]] = {}
    for start in range(0, len(line_ids), 500):
        chunk = line_ids[start : start + 500]
        rows = session.execute(
            select(
                RefundLine.line_shopify_id,
                func.sum(RefundLine.quantity),
                func.sum(RefundLine.subtotal),
                func.sum(RefundLine.tax),
            )
            .where(RefundLine.shop_id == shop_id, RefundLine.line_shopify_id.in_(chunk))
            .group_by(RefundLine.line_shopify_id)
        )
        for line_id, qty, subtotal, tax in rows:
            out[line_id] = (int(qty or 0), subtotal or Decimal(0), tax or Decimal(0))
    return out
