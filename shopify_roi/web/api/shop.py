"""`/api/shop`, `/api/webhooks`, `/api/freshness` and `/api/backfill`: the shop as the app knows it,
its webhook deliveries, whether its numbers are fresh, and a reconciliation on demand."""

from __future__ import annotations

from datetime import date

from flask import g, request

from shopify_roi.jobs.backfill import start_backfill
from shopify_roi.services.errors import Invalid
from shopify_roi.services.shops import freshness
from shopify_roi.services.webhooks import registry
from shopify_roi.timefmt import iso
from shopify_roi.web.api import bp
from shopify_roi.web.api.serializers import delivery_json
from shopify_roi.web.guards import runtime, session_token_required


@bp.get("/shop")
@session_token_required
def shop():
    s = g.shop
    return {
        "domain": s.domain,
        "name": s.name,
        "currency": s.currency,
        "timezone": s.iana_timezone,
        "scopes": sorted(s.scope_set),
        "installed_at": iso(s.installed_at),
        "api_version": runtime().settings.api_version,
    }


@bp.get("/webhooks")
@session_token_required
def webhooks():
    rt = runtime()
    with rt.db.session() as session:
        items = [delivery_json(d) for d in registry.recent(session, g.shop.domain, limit=50)]
    failed = freshness.shop_failed_jobs(g.shop, rt.jobs.failed_jobs(100))
    return {"deliveries": items, "queue_depth": rt.jobs.depth(), "failed_jobs": len(failed)}


@bp.get("/freshness")
@session_token_required
def freshness_report():
    """Can the numbers be trusted now: last webhook, late and failed ones, last reconciliation and what it
    repaired, the queue."""
    rt = runtime()
    with rt.db.session() as session:
        return freshness.report(
            session,
            g.shop,
            rt.jobs.failed_jobs(100),
            rt.jobs.depth(),
            rt.settings.webhook_replay_window_hours,
        )


def _day(data: dict, key: str) -> str | None:
    return date.fromisoformat(str(data[key])).isoformat() if data.get(key) else None


@bp.post("/backfill")
@session_token_required
def start_backfill_now():
    """On demand: `{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}` (both optional) -> 202."""
    data = request.get_json(silent=True) or {}
    try:
        start, end = _day(data, "from"), _day(data, "to")
    except ValueError:
        raise Invalid("Dates are YYYY-MM-DD.", {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}) from None
    if start and end and end < start:
        raise Invalid("`to` is before `from`.", {"to": "after from"})
    runtime().jobs.enqueue(start_backfill, g.shop.domain, "manual", start, end)
    return {"status": "queued"}, 202
