"""What the merchant sees of the webhook inbox: the latest deliveries, the last one received, the
failed ones with their reasons, and how many wait for the worker."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopify_roi.models import WebhookDelivery
from shopify_roi.models.delivery import FAILED, QUARANTINED, RECEIVED
from shopify_roi.timefmt import iso


def recent(session: Session, shop_domain: str, limit: int = 20) -> list[WebhookDelivery]:
    """The shop's latest deliveries, newest first."""
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.shop_domain == shop_domain)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def freshness(session: Session, shop_domain: str) -> dict:
    """Last webhook received, how many wait, and the failed and quarantined deliveries with their
    reasons."""
    last = session.scalar(
        select(func.max(WebhookDelivery.received_at)).where(WebhookDelivery.shop_domain == shop_domain)
    )
    failed = list(
        session.scalars(
            select(WebhookDelivery)
            .where(
                WebhookDelivery.shop_domain == shop_domain,
                WebhookDelivery.status.in_([FAILED, QUARANTINED]),  # set aside with its reason
            )
            .order_by(WebhookDelivery.id.desc())
            .limit(20)
        )
    )
    waiting = session.scalar(
        select(func.count())
        .select_from(WebhookDelivery)
        .where(WebhookDelivery.shop_domain == shop_domain, WebhookDelivery.status == RECEIVED)
    )
    return {
        "last_webhook_at": iso(last),
        "webhooks_waiting": waiting,
        "failed_webhooks": [
            {
                "topic": d.topic,
                "webhook_id": d.webhook_id,
                "received_at": iso(d.received_at),
                "status": d.status,
                "error": d.error,
            }
            for d in failed
        ],
    }
