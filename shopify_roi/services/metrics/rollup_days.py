"""A day's rollup rows (OrderDay, CodeDay) computed from the counted orders and the clicks of that local
day: one day at a time (`recompute`, every dirty day), or every day of a shop at once on PostgreSQL
(`fill_all_days`, a rebuild), by the same sums (`order_sums`) over the same orders (`counted_orders`)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from shopify_roi.models import Click, Order
from shopify_roi.models.rollup import COHORT_DAYS, UNATTRIBUTED, CodeDay, CodeMonth, OrderDay, OrderMonth
from shopify_roi.services.metrics.window import local_midnight
from shopify_roi.services.orders import order_times

US_PER_DAY = 86_400_000_000
# The code orders the code-leak check reads, and what it groups them by.
CODE_ORDERS = (Order.rule == "code", Order.creator_id.is_not(None))
CODE_GROUP = (Order.creator_id, Order.signal_code, Order.signal_link, Order.referrer_host)
NO_CONTEST = literal_column("'[]'")  # the partial index's predicate, as a literal


def _raw(column):
    return type_coerce(column, BigInteger)


def order_sums() -> dict:
    """The rollup's sums over a group of counted orders, by column name."""

    def when(condition, value=1):
        return func.sum(case((condition, value), else_=0))

    first = Order.is_first.is_(True) & Order.customer_id.is_not(None)
    columns = {
        "orders": func.count(),
        "revenue": func.sum(_raw(Order.revenue)),
        "discounts": func.sum(_raw(Order.discounts)),
        "returns": func.sum(_raw(Order.returns)),
        "with_refund": when(Order.refunded_lines.is_(True)),
        "firsts": when(Order.is_first.is_(True)),
        "code_orders": when(Order.rule == "code"),
        "link_orders": when(Order.rule.in_(("link", "pixel"))),  # came through the creator: their activity
        "acquired": when(first),
    }
    for n in COHORT_DAYS:
        columns[f"repeat_{n}"] = when(first & (Order.next_gap_us <= n * US_PER_DAY))
        columns[f"ltv_{n}"] = when(first, func.coalesce(_raw(getattr(Order, f"ltv_{n}")), 0))
    return columns


def counted_orders(shop_id: int) -> tuple:
    """The orders the rollup counts: counted ones (METRICS.md) at times an order may carry (order_times.py:
    one stored before they were checked is left out, and named in the reads' warnings)."""
    return (
        Order.shop_id == shop_id,
        Order.counted.is_(True),
        Order.created_at >= order_times.EARLIEST,
        Order.created_at <= order_times.latest(),
    )


def recompute(session: Session, shop_id: int, tz: ZoneInfo, day: date) -> None:
    """The day's rows again, from the counted orders and the clicks of that local day."""
    lo, hi = local_midnight(tz, day), local_midnight(tz, day + timedelta(days=1))
    of_day = (*counted_orders(shop_id), Order.created_at >= lo, Order.created_at < hi)
    rows = _day_sums(session, of_day)
    for creator_id, n in session.execute(
        select(Click.creator_id, func.count())
        .where(Click.shop_id == shop_id, Click.clicked_at >= lo, Click.clicked_at < hi)
        .group_by(Click.creator_id)
    ):
        rows.setdefault(creator_id, {}).update(clicks=n)
    session.execute(delete(OrderDay).where(OrderDay.shop_id == shop_id, OrderDay.day == day))
    if rows:
        session.execute(
            insert(OrderDay),
            [
                {"shop_id": shop_id, "day": day, "creator_key": key, **values}
                for key, values in sorted(rows.items())
            ],
        )
    session.execute(delete(CodeDay).where(CodeDay.shop_id == shop_id, CodeDay.day == day))
    code_rows = [
        {
            "shop_id": shop_id,
            "day": day,
            "creator_key": cid,
            "code": code,
            "has_link": bool(link),
            "referrer_host": host,
            "orders": n,
        }
        for cid, code, link, host, n in session.execute(
            select(*CODE_GROUP, func.count()).where(*of_day, *CODE_ORDERS).group_by(*CODE_GROUP)
        )
    ]
    if code_rows:
        session.execute(insert(CodeDay), code_rows)


def forget(session: Session, shop_id: int, day: date) -> None:
    """Remove a day no order may fall on from the rollup (its rows, its month's rows): one marked, or
    rebuilt, before order_times.py checked orders."""
    month = day.replace(day=1)
    for table, column, value in (
        (OrderDay, OrderDay.day, day),
        (CodeDay, CodeDay.day, day),
        (OrderMonth, OrderMonth.month, month),
        (CodeMonth, CodeMonth.month, month),
    ):
        session.execute(delete(table).where(table.shop_id == shop_id, column == value))


def _day_sums(session: Session, of_day: tuple) -> dict[int, dict]:
    """creator key -> the day's order sums, and the revenue each creator contested but did not win."""
    columns = order_sums()
    rows: dict[int, dict] = {}
    query = select(Order.creator_id, *(c.label(k) for k, c in columns.items())).where(*of_day)
    for found in session.execute(query.group_by(Order.creator_id)).mappings():
        rows[found["creator_id"] or UNATTRIBUTED] = {k: int(found[k] or 0) for k in columns}
    contested = select(Order.contested, _raw(Order.revenue)).where(*of_day, Order.contested != NO_CONTEST)
    for losers, revenue in session.execute(contested):
        for cid in json.loads(losers):
            row = rows.setdefault(cid, {})
            row["contested"] = row.get("contested", 0) + int(revenue)
    return rows


def fill_all_days(session: Session, shop_id: int, tz_name: str) -> None:
    """Every day's rows at once (PostgreSQL: local dates by `AT TIME ZONE`), by the same sums as `recompute`.
    Days written meanwhile by other transactions are marked dirty by them, and recomputed after."""
    zero = {
        c.name: literal(0)
        for c in OrderDay.__table__.columns
        if c.name not in ("id", "shop_id", "day", "creator_key")
    }
    order_day = cast(func.timezone(tz_name, Order.created_at), Date)
    counted = counted_orders(shop_id)

    def fill(day, key, values: dict, where, update: str | None = None):
        """Insert a row per (day, key) with `values`, zero elsewhere; `update`: what an existing row takes."""
        names = ["shop_id", "day", "creator_key", *zero]
        query = (
            select(literal(shop_id), day, key, *({**zero, **values}[n] for n in zero))
            .where(*where)
            .group_by(day, key)
        )
        stmt = postgresql.insert(OrderDay).from_select(names, query)
        if update:
            stmt = stmt.on_conflict_do_update(
                index_elements=["shop_id", "day", "creator_key"],
                set_={update: getattr(stmt.excluded, update)},
            )
        session.execute(stmt)

    fill(order_day, func.coalesce(Order.creator_id, UNATTRIBUTED), order_sums(), counted)
    click_day = cast(func.timezone(tz_name, Click.clicked_at), Date)
    clicks = (Click.shop_id == shop_id, Click.clicked_at >= order_times.EARLIEST)
    fill(click_day, Click.creator_id, {"clicks": func.count()}, clicks, update="clicks")
    _fill_contested(session, shop_id, order_day, counted, zero)
    codes = (
        select(literal(shop_id), order_day, *CODE_GROUP, func.count())
        .where(*counted, *CODE_ORDERS)
        .group_by(order_day, *CODE_GROUP)
    )
    session.execute(
        insert(CodeDay).from_select(
            ["shop_id", "day", "creator_key", "code", "has_link", "referrer_host", "orders"], codes
        )
    )


def _fill_contested(session: Session, shop_id: int, order_day, counted: tuple, zero: dict) -> None:
    """Each day's contested revenue per creator that had a signal on an order another creator won."""
    loser = func.jsonb_array_elements_text(cast(Order.contested, JSONB)).table_valued("value").alias("loser")
    loser_id = cast(loser.c.value, Integer)
    contested = (
        select(
            literal(shop_id),
            order_day.label("day"),
            loser_id.label("key"),
            *(literal(0) if n != "contested" else func.sum(_raw(Order.revenue)) for n in zero),
        )
        .select_from(Order)
        .join(loser, true())
        .where(*counted, Order.contested != NO_CONTEST)
        .group_by(order_day, loser_id)
    )
    stmt = postgresql.insert(OrderDay).from_select(["shop_id", "day", "creator_key", *zero], contested)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["shop_id", "day", "creator_key"], set_={"contested": stmt.excluded.contested}
        )
    )
