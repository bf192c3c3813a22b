"""What the metric reads warn of (their JSON's `warnings`, shown above the figures): stored data the
figures leave out rather than fail on.

- orders stored at a time no order may carry (order_times.py: year 1, year 9999, stored before #16
  checked them): on no rollup day, in no cohort; Shopify's next version of the order (its next webhook,
  the nightly reconciliation) replaces them, which repairs the figures;
- rollup days that could not be brought up to date (rollups.refresh returns them);
- a campaign whose stored dates are no readable range: its baseline reads the range asked for.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopify_roi.models import Campaign, Order
from shopify_roi.services.metrics.window import readable
from shopify_roi.services.orders import order_times

NAMED = 5  # orders named in the warning; the rest are counted


def orders_left_out(session: Session, shop_id: int) -> list[str]:
    """A warning naming the shop's counted orders at times no order may carry, if it has any: two index
    ranges on (shop_id, created_at), before the window and after it, nothing to read for a shop without.
    Two statements, not one with `created_at < a OR created_at > b`: PostgreSQL's generic plan of that
    one, which a prepared statement settles on, walked every order of the shop in date order looking for
    the few outside (9.7 s at 1M orders: bench/README.md, 2026-12-07), on every metric read."""
    kept = (Order.shop_id == shop_id, Order.counted.is_(True))
    sides = (Order.created_at < order_times.EARLIEST, Order.created_at > order_times.latest())
    rows = []
    for side in sides:  # every order before the window is earlier than every order after it
        rows += session.execute(
            select(Order.name, Order.shopify_id, Order.created_at)
            .where(*kept, side)
            .order_by(Order.created_at, Order.id)
            .limit(NAMED + 1)
        ).all()
    if not rows:
        return []
    n = len(rows)
    if n > NAMED:
        n = sum(session.scalar(select(func.count()).where(*kept, side)) for side in sides)
    named = ", ".join(f"{name or 'order ' + oid} ({at.date().isoformat()})" for name, oid, at in rows[:NAMED])
    more = f" and {n - NAMED} more" if n > NAMED else ""
    return [
        f"{n} order{'s' if n > 1 else ''} dated outside {order_times.window_text()} "
        f"{'are' if n > 1 else 'is'} left out of every figure: {named}{more}. Shopify's next version of "
        f"an order (its next update, or the nightly reconciliation) puts it right."
    ]


def campaign_dates(session: Session, shop_id: int, name: str | None) -> list[str]:
    """A warning when the named campaign's stored dates are no readable range (its baseline then reads
    the range asked for)."""
    if not name:
        return []
    campaign = session.scalar(select(Campaign).where(Campaign.shop_id == shop_id, Campaign.name == name))
    if campaign is None or not (campaign.starts_on and campaign.ends_on):
        return []
    if readable(campaign.starts_on, campaign.ends_on):
        return []
    return [
        f"The campaign's dates ({campaign.starts_on.isoformat()} to {campaign.ends_on.isoformat()}) are no "
        f"range the app can read: its baseline is taken over the range asked for. Edit the campaign's dates."
    ]
