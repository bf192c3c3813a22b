"""Net revenue over time (attributed vs unattributed), by local day or week, from the daily rollup
(the shop's local days, so days follow its time zone and DST). Reads only: the API refreshes the rollup
first (reads.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from shopify_roi.models import Creator, OrderDay, Shop
from shopify_roi.models.rollup import UNATTRIBUTED
from shopify_roi.services.metrics.campaign_orders import campaign_orders
from shopify_roi.services.metrics.creator_sums import campaign_members
from shopify_roi.services.metrics.figures import money
from shopify_roi.services.metrics.window import window_of

WEEKLY_AFTER_DAYS = 92
ATTRIBUTED, NONE, OTHER = 1, 0, 2


def _kind(creator_ids: set[int] | None, handle_creator: Creator | None):
    """Each row of the rollup as attributed (a creator of the selection), unattributed, or neither (a
    creator outside the campaign, or not the creator asked for): summed per day and kind in SQL, so a
    year is ~3 x 365 rows whatever the creators."""
    if handle_creator is not None:
        kind = case((OrderDay.creator_key == handle_creator.id, ATTRIBUTED), else_=OTHER)
    elif creator_ids is not None:
        kind = case(
            (OrderDay.creator_key == UNATTRIBUTED, NONE),
            (OrderDay.creator_key.in_(sorted(creator_ids) or [-1]), ATTRIBUTED),
            else_=OTHER,
        )
    else:
        kind = case((OrderDay.creator_key == UNATTRIBUTED, NONE), else_=ATTRIBUTED)
    return kind.label("kind")


def net_revenue_series(
    session: Session,
    shop: Shop,
    start: date,
    end: date,
    creator_ids: set[int] | None = None,
    handle_creator: Creator | None = None,
) -> dict:
    """Every bucket of the range with net revenue of the creators' orders ("attributed"), of orders without
    a creator ("unattributed"), and the number of orders counted in either. With `handle_creator`, only its
    orders are "attributed" and "unattributed" is None. `creator_ids` limits the creators (a campaign's
    members)."""
    kind = _kind(creator_ids, handle_creator)
    query = (
        select(OrderDay.day, kind, func.sum(OrderDay.revenue - OrderDay.returns), func.sum(OrderDay.orders))
        .where(OrderDay.shop_id == shop.id, OrderDay.day >= start, OrderDay.day <= end)
        .group_by(OrderDay.day, kind)
    )

    attributed: dict[date, Decimal] = defaultdict(Decimal)
    unattributed: dict[date, Decimal] = defaultdict(Decimal)
    orders: dict[date, int] = defaultdict(int)
    for local_day, what, raw, n in session.execute(query):
        if what == OTHER:
            continue  # another campaign's creator, or not the creator asked for
        (unattributed if what == NONE else attributed)[local_day] += money(raw)
        orders[local_day] += int(n or 0)
    return _buckets(
        shop, start, end, attributed, None if handle_creator is not None else unattributed, orders
    )


def campaign_series(
    session: Session, shop: Shop, start: date, end: date, name: str, handle_creator: Creator | None = None
) -> dict:
    """The same series for one campaign's orders (campaign_orders.py: inside its dates, its own orders;
    METRICS.md): unattributed orders belong to no campaign, so "unattributed" is zero (None with
    `handle_creator`, whose orders alone are "attributed")."""
    campaign, members = campaign_members(session, shop.id, name)
    if handle_creator is not None:
        members &= {handle_creator.id}
    attributed: dict[date, Decimal] = defaultdict(Decimal)
    orders: dict[date, int] = defaultdict(int)
    if campaign is not None:
        window = window_of(shop, start, end, end)
        for order in campaign_orders(session, shop.id, window, campaign, members):
            attributed[order.day] += money(order.sums["revenue"] - order.sums["returns"])
            orders[order.day] += order.sums["orders"]
    none = None if handle_creator is not None else defaultdict(Decimal)
    return _buckets(shop, start, end, attributed, none, orders)


def _buckets(shop: Shop, start: date, end: date, attributed: dict, unattributed: dict | None, orders: dict):
    """Every local day of the range (every week past 92 days) with its sums."""
    weekly = (end - start).days + 1 > WEEKLY_AFTER_DAYS

    def key(day: date) -> date:
        return start + timedelta(days=((day - start).days // 7) * 7) if weekly else day

    sums: dict = {"a": defaultdict(Decimal), "u": defaultdict(Decimal), "n": defaultdict(int)}
    for name, source in (("a", attributed), ("u", unattributed or {}), ("n", orders)):
        for day, value in source.items():
            sums[name][key(day)] += value
    points, day = [], start
    while day <= end:
        points.append(
            {
                "date": day.isoformat(),
                "attributed": str(sums["a"][day]),
                "unattributed": None if unattributed is None else str(sums["u"][day]),
                "orders": sums["n"][day],
            }
        )
        day += timedelta(days=7 if weekly else 1)
    return {
        "currency": shop.currency,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "interval": "week" if weekly else "day",
        "points": points,
    }
