"""The set-up checklist on the Store connection tab, ticked from what the shop has really done."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import BackfillRun, Creator, DiscountCode, TrackedLink
from shopify_roi.models.backfill import DONE
from shopify_roi.models.discount import ACTIVE, PAUSED, ROTATED


def _any(session: Session, stmt) -> bool:
    return session.scalar(stmt.limit(1)) is not None


def steps(session: Session, shop_id: int) -> dict[str, bool]:
    """Each step of the checklist, done or not: the store is connected (this shop is installed), its
    order history imported (a backfill finished), a creator added, a discount code made in the shop
    (active, paused or rotated: it exists there) and a tracked link made. Reads only."""
    return {
        "store_connected": True,
        "history_imported": _any(
            session, select(BackfillRun.id).where(BackfillRun.shop_id == shop_id, BackfillRun.status == DONE)
        ),
        "creator_added": _any(session, select(Creator.id).where(Creator.shop_id == shop_id)),
        "code_made": _any(
            session,
            select(DiscountCode.id).where(
                DiscountCode.shop_id == shop_id, DiscountCode.status.in_((ACTIVE, PAUSED, ROTATED))
            ),
        ),
        "link_made": _any(session, select(TrackedLink.id).where(TrackedLink.shop_id == shop_id)),
    }
