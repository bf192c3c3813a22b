"""Backfill and reconciliation jobs (bulk operations). They take domains and ids."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from shopify_roi.db import utcnow
from shopify_roi.jobs.bulk_slots import bulk_job
from shopify_roi.jobs.customers import request_customer_check
from shopify_roi.jobs.metafields import request_metafield_write
from shopify_roi.jobs.shop_jobs import for_shop, shop_id_of
from shopify_roi.runtime import current
from shopify_roi.services.orders import backfill, import_rollup


def start_backfill(
    shop_domain: str,
    kind: str,
    start: str | None = None,
    end: str | None = None,
    updated_since_hours: float | None = None,
) -> int | str:
    """Start a bulk query of the shop's orders (dates as YYYY-MM-DD); the finish webhook ingests it."""
    window = {
        "start": date.fromisoformat(start) if start else None,
        "end": date.fromisoformat(end) if end else None,
        "updated_since": utcnow() - timedelta(hours=updated_since_hours) if updated_since_hours else None,
    }
    return for_shop(
        shop_domain, lambda rt, client, shop_id: backfill.start(rt.db, client, shop_id, kind, **window)
    )


@bulk_job
def ingest_backfill(shop_domain: str, run_id: int) -> dict | str:
    """Stream a finished bulk operation's result into facts (a no-op until it has finished)."""

    def work(rt, client, shop_id: int):
        try:
            figures = backfill.ingest(
                rt.db,
                client,
                shop_id,
                run_id,
                between_batches=import_rollup.for_job(rt, shop_id),
                processes=rt.settings.import_processes,
            )
        finally:
            import_rollup.import_ended(rt, shop_id)
        if isinstance(figures, dict) and figures.get("status") == "done":
            # The history brings customers to check (without read_all_orders).
            request_customer_check(rt, shop_domain, from_start=True)
            request_metafield_write(
                rt, shop_domain
            )  # and attributed orders (the job skips a shop that is off)
        return figures

    return for_shop(shop_domain, work)


def on_bulk_finished(shop_domain: str, operation_id: str) -> str:
    rt = current()
    shop_id = shop_id_of(rt, shop_domain)
    if shop_id is None:
        return "skipped: shop gone"
    with rt.db.session() as session:
        run_id = backfill.run_id_for_operation(session, shop_id, operation_id)
    if run_id is None:
        return "not one of ours"
    rt.jobs.enqueue(ingest_backfill, shop_domain, run_id, job_timeout=3600)
    return f"ingesting run {run_id}"


def nightly_since(last: datetime | None) -> float:
    """Hours to look back: since the last reconciliation (plus an hour's margin), at least a day."""
    if last is None:
        return 72.0
    return max(24.0, (utcnow() - last).total_seconds() / 3600 + 1)
