"""The values the app's `$app` metafields should hold in a shop (issue 18, "Creators in Shopify's
analytics and segments"), worked out from the stored orders: one set per owner, so the writer compares
them with what it last wrote.

- an order attributed to a creator: `creator` (their handle), `attribution_rule` (`code`, `pixel` or
  `link`) and, when the order falls in one of the creator's campaigns (METRICS.md "Campaigns", `campaign_of`),
  `campaign` (its name); counted orders only (test, voided and seeding orders are not sales);
- a customer whose first counted order was attributed: `acquired_by` (the creator's handle) and
  `first_order_date` (that order's date in the shop's time zone). A customer forgotten by
  customers/redact has a placeholder id on their orders and gets nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from shopify_roi.models import Creator, Order, Shop
from shopify_roi.models.metafield import CUSTOMER, ORDER
from shopify_roi.models.order import REDACTED_PREFIX
from shopify_roi.services.metrics.campaign_orders import campaign_of
from shopify_roi.services.metrics.window import shop_zone

Values = dict[str, str]


def _utm_campaign(signals: str) -> str | None:
    try:
        found = json.loads(signals or "{}")
    except ValueError:
        return None
    value = found.get("utm_campaign") if isinstance(found, dict) else None
    return value if isinstance(value, str) else None


def _order_values(order: Order, creator: Creator, tz: ZoneInfo) -> Values:
    values = {"creator": creator.handle, "attribution_rule": order.rule}
    campaign = campaign_of(
        list(creator.campaigns), order.created_at.astimezone(tz).date(), _utm_campaign(order.signals)
    )
    if campaign is not None:
        values["campaign"] = campaign.name
    return values


def changed_since(session: Session, shop_id: int, since: datetime) -> tuple[set[str], set[str]]:
    """The orders stored or changed since `since` (attribution, first-order flag, customer id: every write
    of an order row moves its `stored_at`), and their customers."""
    rows = session.execute(
        select(Order.shopify_id, Order.customer_id).where(Order.shop_id == shop_id, Order.stored_at >= since)
    ).all()
    return {r[0] for r in rows}, {r[1] for r in rows if r[1]}


def wanted(
    session: Session, shop_id: int, orders: set[str] | None = None, customers: set[str] | None = None
) -> dict[tuple[str, str], Values]:
    """(owner, Shopify id) -> the values its metafields should hold, for every attributed owner, or only
    for these `orders` and `customers` (a customer's values read all of their orders)."""
    shop = session.get(Shop, shop_id)
    tz = shop_zone(shop)
    creators = {
        c.id: c
        for c in session.scalars(
            select(Creator).where(Creator.shop_id == shop_id).options(selectinload(Creator.campaigns))
        )
    }
    found: dict[tuple[str, str], Values] = {}
    query = select(Order).where(
        Order.shop_id == shop_id, Order.creator_id.is_not(None), Order.counted.is_(True)
    )
    if orders is not None:
        query = query.where(or_(Order.shopify_id.in_(orders), Order.customer_id.in_(customers or set())))
    rows = session.scalars(query.order_by(Order.created_at, Order.id))
    for order in rows:
        creator = creators.get(order.creator_id)
        if creator is None:
            continue
        found[(ORDER, order.shopify_id)] = _order_values(order, creator, tz)
        customer = order.customer_id or ""
        if order.is_first and customer and not customer.startswith(REDACTED_PREFIX):
            found[(CUSTOMER, customer)] = {
                "acquired_by": creator.handle,
                "first_order_date": order.created_at.astimezone(tz).date().isoformat(),
            }
    if orders is None:
        return found
    return {k: v for k, v in found.items() if k[1] in (orders if k[0] == ORDER else customers or set())}
