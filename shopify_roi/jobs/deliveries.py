"""Jobs that turn inbox rows into facts. Idempotent: a delivery is processed at most once."""

from __future__ import annotations

import json

from sqlalchemy import select

from shopify_roi.models.delivery import PROCESSED
from shopify_roi.runtime import current
from shopify_roi.services.creators import code_sync as discount_sync
from shopify_roi.services.orders import backfill
from shopify_roi.services.orders import ingest as order_ingest
from shopify_roi.services.shops import lifecycle
from shopify_roi.services.webhooks import inbox

HANDLERS = dict(lifecycle.HANDLERS)
HANDLERS.update({topic: discount_sync.on_discount_webhook for topic in discount_sync.DISCOUNT_TOPICS})
HANDLERS["bulk_operations/finish"] = backfill.on_bulk_finish


def process_delivery(delivery_id: int) -> str:
    """Process one stored webhook delivery; a repeat call for the same id changes nothing."""
    rt = current()
    with rt.db.session() as session:
        topic = session.scalar(
            select(inbox.WebhookDelivery.topic).where(inbox.WebhookDelivery.id == delivery_id)
        )
    if topic in order_ingest.ORDER_TOPICS:
        from shopify_roi.jobs.orders import process_order_deliveries

        return str(process_order_deliveries([delivery_id]))
    with rt.db.session() as session:
        status = inbox.process(session, delivery_id, HANDLERS)
        delivery = session.get(inbox.WebhookDelivery, delivery_id)
        if delivery is not None and delivery.topic in lifecycle.PRIVACY_TOPICS:
            delivery.payload = None  # the request itself names the customer: keep no copy
        # A discount created (by us or in the admin) changes no code the app holds; edits and deletions do.
        follow_up = bool(
            delivery
            and delivery.topic in discount_sync.DISCOUNT_TOPICS
            and delivery.topic != "discounts/create"
            and status == PROCESSED
        )
        shop, body = (delivery.shop_domain, delivery.payload) if delivery else (None, None)
        bulk_done = bool(delivery and delivery.topic == "bulk_operations/finish" and status == PROCESSED)
        scopes_changed = bool(delivery and delivery.topic == "app/scopes_update" and status == PROCESSED)
    if follow_up:  # discount bodies are thin: ask the shop for the discount's state, with retries
        from shopify_roi.jobs.creators import sync_discounts

        rt.jobs.enqueue(sync_discounts, shop, [json.loads(body)["admin_graphql_api_id"]])
    if bulk_done:
        from shopify_roi.jobs.backfill import on_bulk_finished

        rt.jobs.enqueue(on_bulk_finished, shop, json.loads(body)["admin_graphql_api_id"])
    if scopes_changed:  # read_all_orders granted: the whole history (once; the job checks)
        from shopify_roi.jobs.history_access import start_full_history

        rt.jobs.enqueue(start_full_history, shop)
    return status
