"""Net revenue over time (attributed vs unattributed), by local day or week, summed in SQL.

SQL groups orders by UTC hour (or quarter hour where the shop's offset is not whole hours);
Python maps each bucket to its local date, so days follow the shop's time zone and DST without
a time-zone database in the SQL engine.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Integer, case, cast, func, select
from sqlalchemy.orm import Session

from ..models import Creator, Order, Shop
from .metrics import Window, _in_range, _money, _raw, _returns_by_order

WEEKLY_AFTER_DAYS = 92


def _bucket(session: Session, seconds: int):
    if session.bind.dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", Order.created_at) / seconds), BigInteger)
    return cast(func.strftime("%s", Order.created_at), Integer) / seconds


def _bucket_seconds(tz: ZoneInfo, start: date, end: date) -> int:
    """3600 unless an offset in the range is not a whole hour (India, Nepal, Newfoundland...)."""
    day, step = start, max(1, (end - start).days // 24)
    while day <= end + timedelta(days=1):
        offset = Window(day, day, day, tz).bounds()[0].astimezone(tz).utcoffset()
        if offset and offset.total_seconds() % 3600:
            return 900
        day += timedelta(days=step)
    return 3600


def net_revenue_series(session: Session, shop: Shop, start: date, end: date, creator_ids: set[int] | None = None,
                       handle_creator: Creator | None = None) -> dict:
    """Every bucket of the range with net revenue of the creators' orders ("attributed"), of orders without a
    creator ("unattributed"), and the number of orders counted in either. With `handle_creator`, only its orders
    are "attributed" and "unattributed" is None. `creator_ids` limits the creators (a campaign's members)."""
    tz = ZoneInfo(shop.iana_timezone or "UTC")
    window = Window(start, end, end, tz)
    lo, hi = window.bounds()
    seconds = _bucket_seconds(tz, start, end)
    bucket = _bucket(session, seconds).label("bucket")
    ret = _returns_by_order(shop.id)
    net = _raw(Order.revenue) - func.coalesce(ret.c.sub, 0) + case((Order.taxes_included, func.coalesce(ret.c.tax, 0)), else_=0)
    query = (select(bucket, Order.creator_id, func.sum(net), func.count())
             .outerjoin(ret, ret.c.oid == Order.shopify_id).where(*_in_range(shop.id, lo, hi)))
    if handle_creator is not None:
        query = query.where(Order.creator_id == handle_creator.id)
    query = query.group_by(bucket, Order.creator_id)

    weekly = (end - start).days + 1 > WEEKLY_AFTER_DAYS
    def key(day: date) -> date:
        return start + timedelta(days=((day - start).days // 7) * 7) if weekly else day

    attributed: dict[date, Decimal] = defaultdict(Decimal)
    unattributed: dict[date, Decimal] = defaultdict(Decimal)
    orders: dict[date, int] = defaultdict(int)
    for number, cid, raw, n in session.execute(query):
        day = key(datetime.fromtimestamp(int(number) * seconds, timezone.utc).astimezone(tz).date())
        if cid is None:
            unattributed[day] += _money(raw)
        elif creator_ids is not None and cid not in creator_ids:
            continue  # another campaign's creator
        else:
            attributed[day] += _money(raw)
        orders[day] += n
    points, day = [], start
    while day <= end:
        points.append({"date": day.isoformat(), "attributed": str(attributed[day]),
                       "unattributed": None if handle_creator is not None else str(unattributed[day]), "orders": orders[day]})
        day += timedelta(days=7 if weekly else 1)
    return {"currency": shop.currency, "from": start.isoformat(), "to": end.isoformat(),
            "interval": "week" if weekly else "day", "points": points}
