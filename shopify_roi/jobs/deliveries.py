"""Jobs that turn inbox rows into facts. Idempotent: a delivery is processed at most once."""

from __future__ import annotations

from shopify_roi.jobs.analytics_marks import request_analytics_sync
from shopify_roi.jobs.backfill import on_bulk_finished
from shopify_roi.jobs.creators import sync_discounts
from shopify_roi.jobs.history_access import start_full_history
from shopify_roi.jobs.marketing import request_marketing_send
from shopify_roi.jobs.metafields import request_metafield_write
from shopify_roi.jobs.orders import process_order_deliveries
from shopify_roi.jobs.pixel import request_pixel_sync
from shopify_roi.runtime import current
from shopify_roi.services.orders import ingest
from shopify_roi.services.webhooks import dispatch


def process_delivery(delivery_id: int, shop_domain: str | None = None) -> str:
    """Process one stored webhook delivery (its id and shop's domain: its key), then queue what follows
    it; a repeat call for the same id changes nothing. Order topics go the way of the batched drain. A job
    queued before deliveries were keyed by their shop names no domain (found by the id alone)."""
    rt = current()
    with rt.db.session() as session:
        topic = dispatch.topic_of(session, delivery_id, shop_domain)
    if topic in ingest.ORDER_TOPICS:
        return str(process_order_deliveries([delivery_id]))
    with rt.db.session() as session:
        done = dispatch.process(session, delivery_id, shop_domain)
    if done.discount_to_sync:  # with the job's retries
        rt.jobs.enqueue(sync_discounts, done.shop_domain, [done.discount_to_sync])
    if done.bulk_finished:
        rt.jobs.enqueue(on_bulk_finished, done.shop_domain, done.bulk_finished)
    if done.scopes_changed:  # once; the job checks
        rt.jobs.enqueue(start_full_history, done.shop_domain)
        request_analytics_sync(rt, done.shop_domain)  # a granted write scope: the job finds whether it is on
    if done.metafields_due:  # the job finds whether the shop writes them
        request_metafield_write(rt, done.shop_domain)
    if done.scopes_changed:  # write_marketing_events may be granted: the job finds whether the shop sends
        request_marketing_send(rt, done.shop_domain)
        request_pixel_sync(rt, done.shop_domain)  # the pixel's scopes may be granted (or revoked)
    return done.status
