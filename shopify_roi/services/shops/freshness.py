"""Can the shop's numbers be trusted now: the last webhook and those that failed, the latest
reconciliations and what they repaired, and the queue's failed jobs of this shop."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shopify_roi.models import Shop
from shopify_roi.services.orders import backfill
from shopify_roi.services.webhooks import registry


def shop_failed_jobs(shop: Shop, failed_jobs: list[dict]) -> list[dict]:
    """The failed jobs (queueing.failed_reasons) whose first argument is the shop's domain or id.

    FIXME(#16): a job whose first argument is a delivery id (process_delivery) is matched when that
    id equals the shop's id, so another shop's failed delivery job can show here. Jobs should carry
    their shop explicitly; until then the match stays as it was."""
    return [j for j in failed_jobs if j["args"] and j["args"][0] in (shop.domain, str(shop.id))]


def report(session: Session, shop: Shop, failed_jobs: list[dict], queue_depth: int) -> dict:
    """The freshness report: `failed_jobs` are the queue's newest failed jobs, `queue_depth` how many
    jobs wait (plain values from the queue, so this reads only the database)."""
    mine = shop_failed_jobs(shop, failed_jobs)
    return {
        **registry.freshness(session, shop.domain),
        "backfills": backfill.latest(session, shop.id),
        "queue_depth": queue_depth,
        "failed_jobs": len(mine),
        "failed_job_reasons": mine[:20],
    }
