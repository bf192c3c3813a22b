"""The orders behind a creator's numbers: every order attributed to the creator or contested by it in a
range of the shop's local days, with its signals and the rule that won (read from the orders themselves,
not the rollup)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import Creator, Order, Shop
from shopify_roi.services.creators.profiles import get_creator
from shopify_roi.services.metrics.window import parse_day, window_of


def orders_of_handle(session: Session, shop_id: int, handle: str, args: Mapping[str, str]) -> dict:
    """`{"handle", "orders"}` for the shop's creator with this handle (404 first, before the dates are
    read: another shop's handle tells nothing) over `args`' `from`..`to`."""
    creator = get_creator(session, shop_id, handle)
    start, end = parse_day(args, "from"), parse_day(args, "to")
    shop = session.get(Shop, shop_id)
    return {"handle": creator.handle, "orders": orders_behind(session, shop, creator, start, end)}


def orders_behind(session: Session, shop: Shop, creator: Creator, start: date, end: date) -> list[dict]:
    """The orders behind a creator's numbers: attributed to it or contested by it, with signals and rule."""
    window = window_of(shop, start, end, end)
    lo, hi = window.bounds()
    query = (
        select(Order)
        .where(
            Order.shop_id == shop.id,
            Order.created_at >= lo,
            Order.created_at < hi,
            (Order.creator_id == creator.id) | Order.contested.contains(str(creator.id)),
        )
        .order_by(Order.created_at)
    )
    out = []
    for order in session.scalars(query):
        contested = json.loads(order.contested)
        if order.creator_id != creator.id and creator.id not in contested:
            continue  # the text match above is a pre-filter only
        out.append(
            {
                "order_id": order.shopify_id,
                "name": order.name,
                "created_at": order.created_at.isoformat(),
                "local_date": window.local_date(order.created_at).isoformat(),
                "counted": order.counted,
                # seeding (README "Seeding"): "tag" (tagged in Shopify), "app" (marked here) or None
                "seeding": "tag" if order.seeding else "app" if order.seeding_marked else None,
                "revenue": str(order.revenue),
                "discounts": str(order.discounts),
                "returns": str(order.returns),
                "new_customer": bool(order.is_first),
                "rule": order.rule,
                "attributed": order.creator_id == creator.id,
                "contested_by_this_creator": creator.id in contested,
                "signals": json.loads(order.signals),
            }
        )
    return out
