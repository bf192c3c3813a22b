"""The baseline shown apart from attributed revenue (METRICS.md, incremental revenue): the shop's revenue
in a period against the same days of the week just before it; and the note on what the app cannot see
without read_all_orders. Reads only: the caller refreshes the rollup first."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from shopify_roi.models import Campaign, Order, OrderDay, OrderMonth, Shop
from shopify_roi.services.metrics.figures import money
from shopify_roi.services.metrics.rollup_months import rows_covering
from shopify_roi.services.metrics.window import readable, shop_zone
from shopify_roi.services.orders import order_times


def history_note(shop: Shop) -> str | None:
    """What the figures rest on when Shopify shows the app only 60 days of orders; None with full history."""
    if "read_all_orders" in shop.scope_set:
        return None
    return (
        "Without the read_all_orders permission Shopify shows the app only the last 60 days of orders. "
        "The app asks Shopify how many orders each customer it sees for the first time has placed in all, "
        "and one with older orders is not counted as new: new customers, CAC and repeat rates rest on that "
        "count (a customer is checked within minutes of their first order)."
    )


def baseline(
    session: Session,
    shop: Shop,
    start: date,
    end: date,
    campaign: Campaign | None = None,
    revenue: Decimal | None = None,
) -> dict:
    """Shop revenue in the period (the campaign's dates when it has both and they are a readable range,
    else the range asked for) against the same days of the week just before it: the period moved back by
    whole weeks, at least its own length (METRICS.md). `revenue`: the shop's revenue over `start`..`end`
    when the caller has summed it already (the ROI table)."""
    if (
        campaign is not None
        and campaign.starts_on
        and campaign.ends_on
        and readable(campaign.starts_on, campaign.ends_on)  # else the range (read_warnings.py says so)
    ):
        start, end, revenue = campaign.starts_on, campaign.ends_on, None
    length = (end - start).days + 1
    shift = timedelta(days=-(-length // 7) * 7)
    hi = end - shift if revenue is not None else end
    # The prior period's last day and the day before the period split no month read whole
    # (rollup_months.split).
    source = rows_covering(
        OrderDay,
        OrderMonth,
        shop.id,
        start - shift,
        hi,
        [end - shift, start - timedelta(days=1)],
        ["revenue"],
    )
    before, now = (
        money(v)
        for v in session.execute(
            select(
                func.sum(case((source.c.d <= end - shift, source.c.revenue), else_=0)),
                func.sum(case((source.c.d >= start, source.c.revenue), else_=0)),
            )
        ).one()
    )
    now = revenue if revenue is not None else now
    unknown = unknown_reason(shop, start - shift, first_order_day(session, shop))
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "baseline_from": (start - shift).isoformat(),
        "baseline_to": (end - shift).isoformat(),
        "revenue": str(now),
        "baseline_revenue": None if unknown else str(before),
        "incremental_revenue": None if unknown else str(now - before),
        "unknown_reason": unknown,
    }


def first_order_day(session: Session, shop: Shop) -> date | None:
    """The local date of the earliest counted order the app holds (of those the figures read:
    read_warnings.py names the others), None without any."""
    first = session.scalar(
        select(func.min(Order.created_at)).where(
            Order.shop_id == shop.id,
            Order.counted.is_(True),
            Order.created_at >= order_times.EARLIEST,
            Order.created_at <= order_times.latest(),
        )
    )
    return first.astimezone(shop_zone(shop)).date() if first is not None else None


def _day(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def unknown_reason(shop: Shop, baseline_from: date, first: date | None) -> str | None:
    """Why the baseline is unknown, in plain words; None when the app holds orders from its first day on
    (METRICS.md: a baseline starting before the earliest counted order held is unknown, never 0)."""
    if first is not None and baseline_from >= first:
        return None
    held = (
        "The app holds no orders yet"
        if first is None
        else f"The app's order history starts on {_day(first)}, its earliest order"
    )
    access = (
        "Orders older than 60 days need the read_all_orders permission: allow access to all orders on the "
        "Store connection tab and the app imports your history."
        if "read_all_orders" not in shop.scope_set
        else "Run a history import on the Store connection tab to bring in older orders."
    )
    return (
        f"{held}, so the shop's revenue from {_day(baseline_from)} is unknown: there is no baseline to "
        f"compare with yet. {access} (A shop newer than the baseline period has none.)"
    )
