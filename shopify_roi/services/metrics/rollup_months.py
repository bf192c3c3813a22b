"""The month rollups (OrderMonth, CodeMonth): a calendar month's day rows summed, and how a date range
reads them: its whole months from the month rows, the days left from the day rows, so a year is ~12 month
rows and ~120 day rows per creator, not 365 (README, "How the ROI table stays fast")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import Date, delete, false, func, insert, literal, or_, select, union_all
from sqlalchemy.orm import Session

from shopify_roi.models.rollup import SUM_COLUMNS, CodeDay, CodeMonth, OrderDay, OrderMonth, RollupState

CODE_GROUP = ("creator_key", "code", "has_link", "referrer_host")


def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def months_between(first: date, last: date) -> list[date]:
    """The first days of the calendar months from `first`'s to `last`'s."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = month_end(month) + timedelta(days=1)
    return months


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
        group = [getattr(CodeDay, c) for c in CODE_GROUP]
        codes = (
            select(
                literal(shop_id),
                literal(month, Date),
                *group,
                func.sum(CodeDay.orders),
                func.max(CodeDay.day),
            )
            .where(CodeDay.shop_id == shop_id, CodeDay.day >= month, CodeDay.day <= last)
            .group_by(*group)
        )
        session.execute(
            insert(CodeMonth).from_select(["shop_id", "month", *CODE_GROUP, "orders", "last_day"], codes)
        )


def rows_covering(
    day_table,
    month_table,
    shop_id: int,
    start: date,
    end: date,
    cutoffs: list[date],
    names: list[str],
    equal: list[tuple[str, object]] = (),
    day_extra: dict | None = None,
):
    """A subquery of the rollup rows covering `start`..`end`: whole months (as `split` allows with these
    cutoffs) from `month_table`, the other days from `day_table`; column `d` is the row's day (a month's
    first day), then `names`. `equal`: (column, value) filters; `day_extra`: name -> the day table's
    expression for a name only the month table has as a column."""
    intervals, months = split(start, end, cutoffs)
    day_extra = day_extra or {}
    day_columns = [
        day_table.day.label("d"),
        *(day_extra.get(n, getattr(day_table, n, None)).label(n) for n in names),
    ]
    parts = []
    if intervals:
        parts.append(
            select(*day_columns).where(
                day_table.shop_id == shop_id,
                or_(*(day_table.day.between(a, b) for a, b in intervals)),
                *(getattr(day_table, k) == v for k, v in equal),
            )
        )
    if months:
        parts.append(
            select(month_table.month.label("d"), *(getattr(month_table, n).label(n) for n in names)).where(
                month_table.shop_id == shop_id,
                month_table.month.in_(months),
                *(getattr(month_table, k) == v for k, v in equal),
            )
        )
    if not parts:  # an empty range
        parts.append(select(*day_columns).where(false()))
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
