"""The days whose Marketing engagements must be compared again (models/marketing.py, MarketingDueDay): the
rollup notes every local day it recomputes (rollups.py: orders applied or refunded, late webhooks,
reattributions, clicks) for a shop that sends its creators to Shopify's Marketing reports, in the same
transaction; the hourly run (marketing_sync.py) compares those days alone and clears the notes it saw.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shopify_roi.db_rows import dialect_insert
from shopify_roi.models import MarketingDueDay, ShopSettings


def note(session: Session, shop_id: int, days: Iterable[date]) -> None:
    """Note these days for the shop, if it sends its creators to the Marketing reports (days in order)."""
    days = sorted(set(days))
    if not days or not session.scalar(select(ShopSettings.marketing).where(ShopSettings.shop_id == shop_id)):
        return
    stmt = dialect_insert(session)(MarketingDueDay).values(
        [{"shop_id": shop_id, "day": d, "version": 1} for d in days]
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["shop_id", "day"], set_={"version": MarketingDueDay.version + 1}
        )
    )


def due(session: Session, shop_id: int) -> dict[date, int]:
    """The noted days and the version of each note."""
    rows = session.execute(
        select(MarketingDueDay.day, MarketingDueDay.version).where(MarketingDueDay.shop_id == shop_id)
    )
    return dict(rows.tuples().all())


def clear(session: Session, shop_id: int, seen: dict[date, int]) -> None:
    """Clear the notes seen, unless the rollup noted the day again since (its figures may have moved)."""
    for day, version in seen.items():
        session.execute(
            delete(MarketingDueDay).where(
                MarketingDueDay.shop_id == shop_id,
                MarketingDueDay.day == day,
                MarketingDueDay.version == version,
            )
        )
