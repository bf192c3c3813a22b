"""Can the shop's numbers be trusted now: the last webhook, those that failed and those that came too
late to apply, the latest reconciliations and what they repaired, the queue's failed jobs of this
shop, and how far its set-up has come."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shopify_roi.models import Shop
from shopify_roi.services.orders import backfill
from shopify_roi.services.shops import setup_steps
from shopify_roi.services.webhooks import late_deliveries, registry


def shop_failed_jobs(shop: Shop, failed_jobs: list[dict]) -> list[dict]:
    """The failed jobs (queueing.failed_reasons) queued for this shop: each job records its shop when it
    is queued (`JobQueue.enqueue`). A job for no one shop (a drain of every shop's deliveries) is no
    shop's to see: its reason may name another shop."""
    return [j for j in failed_jobs if j.get("shop") == shop.domain]


def report(
    session: Session, shop: Shop, failed_jobs: list[dict], queue_depth: int, replay_window_hours: float
) -> dict:
    """The freshness report: `failed_jobs` are the queue's newest failed jobs, `queue_depth` how many
    jobs wait (plain values from the queue, so this reads only the database); late deliveries are those
    triggered more than `replay_window_hours` before they arrived; `setup` is the set-up checklist
    (`setup_steps.steps`), which the Store connection tab ticks from it."""
    mine = shop_failed_jobs(shop, failed_jobs)
    return {
        **registry.freshness(session, shop.domain),
        "late_webhooks": late_deliveries.listed(session, shop.domain, replay_window_hours),
        "backfills": backfill.latest(session, shop.id),
        "queue_depth": queue_depth,
        "failed_jobs": len(mine),
        "failed_job_reasons": [{k: v for k, v in j.items() if k != "shop"} for j in mine[:20]],
        "setup": setup_steps.steps(session, shop.id),
    }
