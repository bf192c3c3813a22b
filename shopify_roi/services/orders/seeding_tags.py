"""Seeding tags (README "Seeding"): the tags staff put on an order in Shopify's admin to say it was gifted
product (spend, not revenue), and what a version of the order without them undoes."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from shopify_roi.db_rows import among, chunked
from shopify_roi.models import Order, SpendEntry

# Seeding orders (README "Seeding"): an order tagged with one of these in Shopify is gifted product, spend not
# revenue; `creator-roi-seeding:<handle>` names the creator it was sent to as well.
SEEDING_TAGS = {"creator-roi-seeding", "creator-roi:seeding"}
SEEDING_TAG_PREFIX = "creator-roi-seeding:"


def seeding_tag(tags: list[str]) -> tuple[bool, str]:
    """Whether the order's tags mark it as seeding, and the handle a `creator-roi-seeding:<handle>` names."""
    lowered = [t.strip().lower() for t in tags]
    named = next(
        (t[len(SEEDING_TAG_PREFIX) :].strip() for t in lowered if t.startswith(SEEDING_TAG_PREFIX)), ""
    )
    prefixed = any(t.startswith(SEEDING_TAG_PREFIX) for t in lowered)
    return bool(SEEDING_TAGS & set(lowered)) or prefixed, named.lstrip("@")[:64]


def drop_untagged(session: Session, shop_id: int, row_ids: list[int]) -> None:
    """Orders whose seeding tag was removed in Shopify (and staff never marked in the app) are sales again:
    the seeding spend their tag recorded goes with the tag (as staff's Not seeding removes it), else the
    product would count as spend while its revenue counts too. A post naming that seeding keeps its place
    (its link is set to null)."""
    for chunk in chunked(row_ids):
        session.execute(
            delete(SpendEntry).where(
                SpendEntry.shop_id == shop_id, among(session, SpendEntry.order_id, chunk)
            ),
            execution_options={"synchronize_session": False},
        )
        session.execute(
            update(Order)
            .where(Order.shop_id == shop_id, among(session, Order.id, chunk))
            .values(seeding_issue=""),
            execution_options={"synchronize_session": False},
        )
