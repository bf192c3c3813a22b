"""Late deliveries: verified webhooks triggered longer ago than the replay window when they arrived.

They are recorded `skipped` and not applied (inbox.replay_verdict: a replay is harmless, but a body
days old is no longer the order's state). They are not dropped silently either: the Store connection
tab lists them with the reason (`GET /api/freshness`), and the nightly reconciliation looks back to the
oldest late order delivery received since the last reconciliation, so the orders they carried (updated
since they were triggered) come from Shopify as they are now.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import WebhookDelivery
from shopify_roi.models.delivery import SKIPPED
from shopify_roi.services.orders.ingest import ORDER_TOPICS
from shopify_roi.services.shops.install_generations import triggered_moment
from shopify_roi.timefmt import iso

SCAN = 1000  # skipped deliveries read per question (a flood of replays cannot make it read more)
REPAIRED_BY = {
    "orders": "the nightly reconciliation brings what it carried (the order as Shopify holds it now)",
    "discounts": "the code check every 6 hours brings the codes' state from the shop",
}


def _late(session: Session, shop_domain: str, window_hours: float, since: datetime | None):
    """(delivery, trigger moment) of the shop's late deliveries, newest first."""
    if window_hours <= 0:
        return []
    query = (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.shop_domain == shop_domain,
            WebhookDelivery.status == SKIPPED,
            WebhookDelivery.triggered_at.is_not(None),
        )
        .order_by(WebhookDelivery.id.desc())
        .limit(SCAN)
    )
    if since is not None:
        query = query.where(WebhookDelivery.received_at >= since)
    window = timedelta(hours=window_hours)
    found = []
    for delivery in session.scalars(query):
        moment = triggered_moment(delivery.triggered_at)
        if moment is not None and delivery.received_at - moment > window:
            found.append((delivery, moment))
    return found


def listed(session: Session, shop_domain: str, window_hours: float, limit: int = 20) -> list[dict]:
    """The shop's latest late deliveries, newest first, each with why it was not applied and what
    repairs it."""
    out = []
    for delivery, _ in _late(session, shop_domain, window_hours, None)[:limit]:
        repair = REPAIRED_BY.get(
            "orders" if delivery.topic in ORDER_TOPICS else delivery.topic.split("/", 1)[0]
        )
        out.append(
            {
                "topic": delivery.topic,
                "webhook_id": delivery.webhook_id,
                "triggered_at": delivery.triggered_at,
                "received_at": iso(delivery.received_at),
                "reason": "; ".join(filter(None, (delivery.result, repair))),
            }
        )
    return out


def oldest_order_trigger(
    session: Session, shop_domain: str, window_hours: float, since: datetime | None
) -> datetime | None:
    """When the oldest late order delivery received since `since` was triggered (None: there is none):
    the moment a reconciliation must look back to."""
    moments = [
        moment
        for delivery, moment in _late(session, shop_domain, window_hours, since)
        if delivery.topic in ORDER_TOPICS
    ]
    return min(moments, default=None)
