"""The daily rollup (models/rollup.py): marking days dirty, recomputing them, rebuilding a shop.

Writers call `mark` with the local days they touched (orders applied or refunded, first orders whose
cohort facts changed, reattributed orders, clicks) in the same transaction as their writes. Readers call
`ensure` first: a shop whose rollup was built in another time zone (or never) is rebuilt, then every
dirty day is recomputed from `orders` and `clicks`, and the calendar months of those days are summed
again from their days (OrderMonth, CodeMonth: long ranges read whole months there). So what the ROI table reads is always what the base
tables say; the worker runs `ensure` for every shop with work every 30 seconds (jobs/schedules.py), so
a reader seldom finds any left. PostgreSQL rebuilds a shop in one pass (`AT TIME ZONE`); SQLite marks
every day and recomputes them one by one.

Concurrency: a recomputation locks the day's mark (`FOR UPDATE`, days in order) and deletes it only if
its version is the one it locked; a writer marking the same day meanwhile waits for that lock (its
orders are not committed yet, so the recomputation could not see them) and then marks it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
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
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from shopify_roi.models import Click, Order, Shop
from shopify_roi.models.rollup import (
    COHORT_DAYS,
    SUM_COLUMNS,
    UNATTRIBUTED,
    CodeDay,
    CodeMonth,
    DirtyDay,
    OrderDay,
    OrderMonth,
    RollupState,
)

US_PER_DAY = 86_400_000_000


def _insert(session: Session):
    return postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert


def local_days(tz: ZoneInfo, instants: Iterable[datetime]) -> set[date]:
    return {moment.astimezone(tz).date() for moment in instants if moment is not None}


def mark(session: Session, shop_id: int, days: Iterable[date]) -> None:
    """Mark these local days dirty (in order: two writers never wait on each other in a cycle)."""
    days = sorted(set(days))
    if not days:
        return
    stmt = _insert(session)(DirtyDay).values([{"shop_id": shop_id, "day": d, "version": 1} for d in days])
    session.execute(
        stmt.on_conflict_do_update(index_elements=["shop_id", "day"], set_={"version": DirtyDay.version + 1})
    )


def mark_instants(
    session: Session, shop_id: int, instants: Iterable[datetime], tz: ZoneInfo | None = None
) -> None:
    """Mark the local days of these instants; without the shop's zone, the UTC date and both its
    neighbours (every zone's local date is one of them)."""
    if tz is not None:
        mark(session, shop_id, local_days(tz, instants))
        return
    days = set()
    for moment in instants:
        utc_day = moment.astimezone(UTC).date()
        days |= {utc_day - timedelta(days=1), utc_day, utc_day + timedelta(days=1)}
    mark(session, shop_id, days)


def ensure(session: Session, shop: Shop) -> None:
    """Make the shop's rollup current: rebuilt for a new time zone, every dirty day recomputed."""
    tz_name = shop.iana_timezone or "UTC"
    state = session.get(RollupState, shop.id, populate_existing=True)
    if state is None or state.tz != tz_name:
        _rebuild(session, shop, tz_name)
    tz = ZoneInfo(tz_name)
    months = set()
    for day in list(
        session.scalars(select(DirtyDay.day).where(DirtyDay.shop_id == shop.id).order_by(DirtyDay.day))
    ):
        version = session.scalar(
            select(DirtyDay.version).where(DirtyDay.shop_id == shop.id, DirtyDay.day == day).with_for_update()
        )
        if version is None:
            continue  # another process recomputed it meanwhile
        recompute(session, shop.id, tz, day)
        months.add(day.replace(day=1))
        session.execute(
            delete(DirtyDay).where(
                DirtyDay.shop_id == shop.id, DirtyDay.day == day, DirtyDay.version == version
            )
        )
    refresh_months(session, shop.id, months)


def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def split(start: date, end: date, cutoffs: Iterable[date] = ()) -> tuple[list[tuple[date, date]], list[date]]:
    """`start`..`end` (both included) as the calendar months it holds whole, to be read from the month rows,
    and the day intervals left, to be read from the day rows. A month is taken whole only where, for every
    cutoff c, all its days are <= c or all are > c, so a condition `day <= c` (or `> c`) read off the
    month's first day holds for each of its days."""
    cutoffs = list(cutoffs)
    months = []
    month = start if start.day == 1 else month_end(start) + timedelta(days=1)
    while month_end(month) <= end:
        last = month_end(month)
        if all(last <= c or month > c for c in cutoffs):
            months.append(month)
        month = last + timedelta(days=1)
    intervals, cursor = [], start
    for month in months:
        if cursor < month:
            intervals.append((cursor, month - timedelta(days=1)))
        cursor = month_end(month) + timedelta(days=1)
    if cursor <= end:
        intervals.append((cursor, end))
    return intervals, months


def refresh_months(session: Session, shop_id: int, months: Iterable[date]) -> None:
    """Sum these calendar months' day rows again into OrderMonth and CodeMonth.

    One process at a time per shop (the rollup state's row lock, taken after the days' marks, so no cycle):
    a process that recomputed a day of the month after another's refresh started refreshes it again after
    that one commits, from the days as committed then."""
    months = sorted(set(months))
    if not months:
        return
    session.execute(select(RollupState.shop_id).where(RollupState.shop_id == shop_id).with_for_update())
    for month in months:
        last = month_end(month)
        session.execute(delete(OrderMonth).where(OrderMonth.shop_id == shop_id, OrderMonth.month == month))
        session.execute(delete(CodeMonth).where(CodeMonth.shop_id == shop_id, CodeMonth.month == month))
        days = (
            select(
                literal(shop_id),
                literal(month, Date),
                OrderDay.creator_key,
                *(func.sum(getattr(OrderDay, c)) for c in SUM_COLUMNS),
            )
            .where(OrderDay.shop_id == shop_id, OrderDay.day >= month, OrderDay.day <= last)
            .group_by(OrderDay.creator_key)
        )
        session.execute(
            insert(OrderMonth).from_select(["shop_id", "month", "creator_key", *SUM_COLUMNS], days)
        )
        codes = (
            select(
                literal(shop_id),
                literal(month, Date),
                CodeDay.creator_key,
                CodeDay.code,
                CodeDay.has_link,
                CodeDay.referrer_host,
                func.sum(CodeDay.orders),
                func.max(CodeDay.day),
            )
            .where(CodeDay.shop_id == shop_id, CodeDay.day >= month, CodeDay.day <= last)
            .group_by(CodeDay.creator_key, CodeDay.code, CodeDay.has_link, CodeDay.referrer_host)
        )
        session.execute(
            insert(CodeMonth).from_select(
                [
                    "shop_id",
                    "month",
                    "creator_key",
                    "code",
                    "has_link",
                    "referrer_host",
                    "orders",
                    "last_day",
                ],
                codes,
            )
        )


def _rebuild(session: Session, shop: Shop, tz_name: str) -> None:
    """Forget the shop's rollup and build it again in the shop's (new) time zone."""
    session.execute(select(Shop.id).where(Shop.id == shop.id).with_for_update())  # one rebuilder at a time
    state = session.get(RollupState, shop.id, populate_existing=True)
    if state is not None and state.tz == tz_name:
        return
    for table in (OrderDay, CodeDay, OrderMonth, CodeMonth):
        session.execute(delete(table).where(table.shop_id == shop.id))
    # An upsert: on SQLite two first reads may both get here (FOR UPDATE is PostgreSQL's); rebuilding twice is harmless.
    session.execute(
        _insert(session)(RollupState)
        .values(shop_id=shop.id, tz=tz_name)
        .on_conflict_do_update(index_elements=["shop_id"], set_={"tz": tz_name})
    )
    if session.bind.dialect.name == "postgresql":
        _fill_all_days(
            session, shop.id, tz_name
        )  # set-based: a year of a large shop in seconds, not day by day
        first, last = session.execute(
            select(func.min(OrderDay.day), func.max(OrderDay.day)).where(OrderDay.shop_id == shop.id)
        ).one()
        if first is not None:
            months, month = [], first.replace(day=1)
            while month <= last:
                months.append(month)
                month = month_end(month) + timedelta(days=1)
            refresh_months(session, shop.id, months)
    else:
        _mark_every_day(session, shop.id, ZoneInfo(tz_name))  # recomputed (and their months) by ensure, next


def _mark_every_day(session: Session, shop_id: int, tz: ZoneInfo) -> None:
    """Mark every local day from the shop's first order or click to its last (recomputed one by one)."""
    span = [
        session.execute(
            select(func.min(Order.created_at), func.max(Order.created_at)).where(Order.shop_id == shop_id)
        ).one(),
        session.execute(
            select(func.min(Click.clicked_at), func.max(Click.clicked_at)).where(Click.shop_id == shop_id)
        ).one(),
    ]
    moments = [m for pair in span for m in pair if m is not None]
    if moments:
        first, last = min(local_days(tz, moments)), max(local_days(tz, moments))
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        for start in range(0, len(days), 500):
            mark(session, shop_id, days[start : start + 500])


def _fill_all_days(session: Session, shop_id: int, tz_name: str) -> None:
    """Every day's rows at once (PostgreSQL: local dates by `AT TIME ZONE`), by the same sums as `recompute`.
    Days written meanwhile by other transactions are marked dirty by them, and recomputed after."""
    zero = {
        c.name: literal(0)
        for c in OrderDay.__table__.columns
        if c.name not in ("id", "shop_id", "day", "creator_key")
    }
    order_day = cast(func.timezone(tz_name, Order.created_at), Date)
    counted = (Order.shop_id == shop_id, Order.counted.is_(True))

    def fill(day, key, values: dict, where, update: str | None = None):
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

    fill(order_day, func.coalesce(Order.creator_id, UNATTRIBUTED), _order_sums(), counted)
    click_day = cast(func.timezone(tz_name, Click.clicked_at), Date)
    fill(click_day, Click.creator_id, {"clicks": func.count()}, (Click.shop_id == shop_id,), update="clicks")
    loser = func.jsonb_array_elements_text(cast(Order.contested, JSONB)).table_valued("value").alias("loser")
    loser_id = cast(loser.c.value, Integer)
    contested = (
        select(
            literal(shop_id),
            order_day.label("day"),
            loser_id.label("key"),
            *(
                literal(0) if n != "contested" else func.sum(type_coerce(Order.revenue, BigInteger))
                for n in zero
            ),
        )
        .select_from(Order)
        .join(loser, true())
        .where(*counted, Order.contested != literal_column("'[]'"))
        .group_by(order_day, loser_id)
    )
    stmt = postgresql.insert(OrderDay).from_select(["shop_id", "day", "creator_key", *zero], contested)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["shop_id", "day", "creator_key"], set_={"contested": stmt.excluded.contested}
        )
    )
    codes = (
        select(
            literal(shop_id),
            order_day,
            Order.creator_id,
            Order.signal_code,
            Order.signal_link,
            Order.referrer_host,
            func.count(),
        )
        .where(*counted, Order.rule == "code", Order.creator_id.is_not(None))
        .group_by(order_day, Order.creator_id, Order.signal_code, Order.signal_link, Order.referrer_host)
    )
    session.execute(
        insert(CodeDay).from_select(
            ["shop_id", "day", "creator_key", "code", "has_link", "referrer_host", "orders"], codes
        )
    )


def _midnight(tz: ZoneInfo, day: date) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(UTC)


def _order_sums() -> dict:
    """The rollup's sums over a group of counted orders, by column name."""

    def raw(column):
        return type_coerce(column, BigInteger)

    def when(condition, value=1):
        return func.sum(case((condition, value), else_=0))

    first = Order.is_first.is_(True) & Order.customer_id.is_not(None)
    columns = {
        "orders": func.count(),
        "revenue": func.sum(raw(Order.revenue)),
        "discounts": func.sum(raw(Order.discounts)),
        "returns": func.sum(raw(Order.returns)),
        "with_refund": when(Order.refunded_lines.is_(True)),
        "firsts": when(Order.is_first.is_(True)),
        "code_orders": when(Order.rule == "code"),
        "link_orders": when(Order.rule == "link"),
        "acquired": when(first),
    }
    for n in COHORT_DAYS:
        columns[f"repeat_{n}"] = when(first & (Order.next_gap_us <= n * US_PER_DAY))
        columns[f"ltv_{n}"] = when(first, func.coalesce(raw(getattr(Order, f"ltv_{n}")), 0))
    return columns


def recompute(session: Session, shop_id: int, tz: ZoneInfo, day: date) -> None:
    """The day's rows again, from the counted orders and the clicks of that local day."""
    lo, hi = _midnight(tz, day), _midnight(tz, day + timedelta(days=1))

    columns = _order_sums()
    rows: dict[int, dict] = {}
    query = (
        select(Order.creator_id, *(c.label(k) for k, c in columns.items()))
        .where(
            Order.shop_id == shop_id, Order.counted.is_(True), Order.created_at >= lo, Order.created_at < hi
        )
        .group_by(Order.creator_id)
    )
    for found in session.execute(query).mappings():
        key = found["creator_id"] or UNATTRIBUTED
        rows[key] = {k: int(found[k] or 0) for k in columns}
    contested = select(Order.contested, type_coerce(Order.revenue, BigInteger)).where(
        Order.shop_id == shop_id,
        Order.counted.is_(True),
        Order.created_at >= lo,
        Order.created_at < hi,
        Order.contested != literal_column("'[]'"),
    )  # the partial index's predicate, as a literal
    for losers, revenue in session.execute(contested):
        for cid in json.loads(losers):
            row = rows.setdefault(cid, {})
            row["contested"] = row.get("contested", 0) + int(revenue)
    clicks = (
        select(Click.creator_id, func.count())
        .where(Click.shop_id == shop_id, Click.clicked_at >= lo, Click.clicked_at < hi)
        .group_by(Click.creator_id)
    )
    for creator_id, n in session.execute(clicks):
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
    codes = (
        select(Order.creator_id, Order.signal_code, Order.signal_link, Order.referrer_host, func.count())
        .where(
            Order.shop_id == shop_id,
            Order.counted.is_(True),
            Order.created_at >= lo,
            Order.created_at < hi,
            Order.rule == "code",
            Order.creator_id.is_not(None),
        )
        .group_by(Order.creator_id, Order.signal_code, Order.signal_link, Order.referrer_host)
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
        for cid, code, link, host, n in session.execute(codes)
    ]
    if code_rows:
        session.execute(insert(CodeDay), code_rows)
