"""What a backfill run asks Shopify for: the orders search of its window, and what the merchant must know
of it (without `read_all_orders` Shopify shows only the last 60 days)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from shopify_roi.db import utcnow
from shopify_roi.models import Shop

VISIBLE_DAYS_WITHOUT_READ_ALL_ORDERS = 60


def _search_time(moment: datetime) -> str:
    """A moment as Shopify's search syntax takes it (UTC, seconds, `Z`)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plan(
    shop: Shop, start: date | None = None, end: date | None = None, updated_since: datetime | None = None
) -> tuple[str, str]:
    """(orders search, note for the merchant) of a run."""
    parts, note = [], ""
    if updated_since is not None:
        parts.append(f"updated_at:>='{_search_time(updated_since)}'")
    if start is not None:
        parts.append(f"created_at:>='{_search_time(datetime.combine(start, time(0), UTC))}'")
    if end is not None:
        parts.append(f"created_at:<='{_search_time(datetime.combine(end, time(23, 59, 59), UTC))}'")
    if "read_all_orders" not in shop.scope_set:
        earliest = (utcnow() - timedelta(days=VISIBLE_DAYS_WITHOUT_READ_ALL_ORDERS)).date()
        if start is None or start < earliest:
            note = (
                f"Shopify shows this app only the last {VISIBLE_DAYS_WITHOUT_READ_ALL_ORDERS} days of orders "
                f"(since {earliest.isoformat()}) without the read_all_orders permission; "
                "older history is not included."
            )
    return " AND ".join(parts), note
