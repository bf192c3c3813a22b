"""Stored webhook deliveries of every topic but the order topics (those are drained in batches:
services/orders/ingest.py): which service handles each topic, and what has to follow a delivery
(the jobs that follow run outside its transaction, queued by jobs/deliveries.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import WebhookDelivery
from shopify_roi.models.delivery import PROCESSED
from shopify_roi.services.creators import code_sync
from shopify_roi.services.orders import bulk_finish
from shopify_roi.services.shops import lifecycle, privacy
from shopify_roi.services.webhooks import inbox

HANDLERS = {
    **lifecycle.HANDLERS,
    **privacy.HANDLERS,
    **dict.fromkeys(code_sync.DISCOUNT_TOPICS, code_sync.on_discount_webhook),
    "bulk_operations/finish": bulk_finish.on_bulk_finish,
}


@dataclass(frozen=True)
class Processed:
    """A delivery's final status and what follows it: a discount to read again from the shop (its GID),
    a finished bulk operation to ingest (its GID), granted scopes to act on."""

    status: str
    shop_domain: str | None = None
    discount_to_sync: str | None = None
    bulk_finished: str | None = None
    scopes_changed: bool = False
    metafields_due: bool = False  # a write scope granted, or a customer to erase from Shopify's metafields


def topic_of(session: Session, delivery_id: int, shop_domain: str | None) -> str | None:
    """The delivery's topic, or None when there is no such delivery."""
    where = inbox.this_delivery(delivery_id, shop_domain)
    return session.scalar(select(WebhookDelivery.topic).where(*where))


def process(session: Session, delivery_id: int, shop_domain: str | None) -> Processed:
    """Process one stored delivery exactly once (inbox.process with HANDLERS); a privacy request's body is
    dropped once handled (it names the customer: no copy is kept)."""
    status = inbox.process(session, delivery_id, shop_domain, HANDLERS)
    if shop_domain is not None:  # by its key: the row inbox.process loaded, no second query
        delivery = session.get(WebhookDelivery, (delivery_id, shop_domain))
    else:
        delivery = session.scalar(select(WebhookDelivery).where(*inbox.this_delivery(delivery_id, None)))
    if delivery is None:
        return Processed(status)
    topic, body = delivery.topic, delivery.payload
    if topic in privacy.PRIVACY_TOPICS:
        delivery.payload = None
    if status != PROCESSED:
        return Processed(status, delivery.shop_domain)
    # Discount bodies are thin: the shop is asked for the discount's state. A discount created (by the
    # app or in the admin) changes no code the app holds; edits and deletions do.
    sync = topic in code_sync.DISCOUNT_TOPICS and topic != "discounts/create"
    finished = topic == "bulk_operations/finish"
    gid = json.loads(body)["admin_graphql_api_id"] if sync or finished else None
    return Processed(
        status,
        delivery.shop_domain,
        discount_to_sync=gid if sync else None,
        bulk_finished=gid if finished else None,
        scopes_changed=topic == "app/scopes_update",  # read_all_orders may be granted: the whole history
        metafields_due=topic in ("app/scopes_update", "customers/redact"),
    )
