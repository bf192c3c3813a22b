"""The Store connection tab lists the queue's failed jobs of its own shop only. Every job records the
shop it works for when it is queued (RQ job meta); a job whose first argument is a delivery id is no
longer matched against another shop's id."""

from __future__ import annotations

import factories
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select
from support import Merchant, install

from shopify_roi.models import WebhookDelivery
from shopify_roi.services.webhooks import dispatch


def _fail_for_good(runtime) -> None:
    """Run the queue until every job has succeeded or used all its retries (RQ schedules a retry at a
    later time; here the time is let pass at once)."""
    for _ in range(10):
        runtime.jobs.drain()
        scheduled = ScheduledJobRegistry(queue=runtime.jobs.queue)
        ids = scheduled.get_job_ids()
        if not ids:
            return
        for job_id in ids:
            scheduled.remove(job_id)
            runtime.jobs.queue.enqueue_job(runtime.jobs.queue.fetch_job(job_id))
    raise AssertionError("jobs still retrying")


def _scopes_update(stand_in, shop: str) -> None:
    sent = stand_in.control.send_webhook(
        shop,
        "app/scopes_update",
        {
            "id": 1,
            "shop_id": "gid://shopify/Shop/1",
            "previous": [],
            "current": ["read_orders"],
            "updated_at": "2026-11-24T10:00:00.000Z",
        },
    )
    assert sent["status_code"] == 200


def test_a_failed_delivery_job_shows_on_its_own_shop_only(
    app_server, runtime, stand_in, shop_domain, monkeypatch
):
    install(app_server.url, shop_domain)
    runtime.jobs.drain()

    def broken(session, delivery, payload):
        raise RuntimeError(f"scopes update of {delivery.shop_domain} broke")

    monkeypatch.setitem(dispatch.HANDLERS, "app/scopes_update", broken)
    _scopes_update(stand_in, shop_domain)
    with runtime.db.session() as session:
        delivery_id = session.scalar(
            select(WebhookDelivery.id).where(
                WebhookDelivery.shop_domain == shop_domain, WebhookDelivery.topic == "app/scopes_update"
            )
        )
        assert factories.shop_named(session, shop_domain).id != delivery_id  # (the install made others first)
        # Another shop whose id is that delivery's id: ids of different tables do meet.
        other_domain = factories.shop(session, runtime.cipher, id=delivery_id).domain
    _fail_for_good(runtime)

    stand_in.control.create_shop(other_domain)
    theirs = Merchant(app_server.url, stand_in, other_domain)
    fresh = theirs.get("/api/freshness").json()
    assert (fresh["failed_jobs"], fresh["failed_job_reasons"]) == (0, [])  # not another shop's job
    assert theirs.get("/api/webhooks").json()["failed_jobs"] == 0  # the count on /api/webhooks too
    mine = Merchant(app_server.url, stand_in, shop_domain).get("/api/freshness").json()
    assert [(j["job"], j["reason"]) for j in mine["failed_job_reasons"]] == [
        ("process_delivery", f"RuntimeError: scopes update of {shop_domain} broke")
    ]
    assert mine["failed_jobs"] == 1
