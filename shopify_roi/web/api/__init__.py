"""JSON API for the embedded page. Every route is authenticated by the App Bridge session token."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, g, jsonify, request

from shopify_roi.services.errors import Invalid, ServiceError
from shopify_roi.services.orders import backfill
from shopify_roi.services.orders import store as orders
from shopify_roi.services.webhooks import inbox
from shopify_roi.shopify_client.admin import ReauthorizeRequired
from shopify_roi.web.guards import reauthorize_response, runtime, session_token_required

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    resp = jsonify(error=type(exc).__name__.lower(), message=exc.message, fields=exc.fields)
    resp.status_code = exc.status
    return resp


@bp.errorhandler(ReauthorizeRequired)
def _reauthorize(exc: ReauthorizeRequired):
    return reauthorize_response(g.shop.domain)


def _iso(value):
    return value.isoformat() if value else None


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
        "installed_at": _iso(s.installed_at),
        "api_version": runtime().settings.api_version,
    }


@bp.get("/webhooks")
@session_token_required
def webhooks():
    rt = runtime()
    with rt.db.session() as session:
        rows = inbox.recent(session, g.shop.domain, limit=50)
        items = [
            {"topic": d.topic, "status": d.status, "received_at": _iso(d.received_at), "error": d.error}
            for d in rows
        ]
    return {"deliveries": items, "queue_depth": rt.jobs.depth(), "failed_jobs": rt.jobs.failed()}


@bp.get("/freshness")
@session_token_required
def freshness():
    """Can the numbers be trusted now: last webhook, last reconciliation and what it repaired, the queue."""
    rt = runtime()
    with rt.db.session() as session:
        body = {**inbox.freshness(session, g.shop.domain), "backfills": backfill.latest(session, g.shop.id)}
    # Failed jobs of this shop only: a job's first argument is its shop's domain or id.
    mine = [
        j for j in rt.jobs.failed_jobs(100) if j["args"] and j["args"][0] in (g.shop.domain, str(g.shop.id))
    ]
    return {**body, "queue_depth": rt.jobs.depth(), "failed_jobs": len(mine), "failed_job_reasons": mine[:20]}


@bp.get("/attribution-policy")
@session_token_required
def get_policy():
    with runtime().db.session() as session:
        return {"precedence": list(orders.precedence_of(session, g.shop.id))}


@bp.put("/attribution-policy")
@session_token_required
def set_policy():
    """`{"precedence": ["link", "code"]}`: the order of the rules; every held order is re-attributed."""
    from shopify_roi.jobs.orders import reattribute_shop

    rt = runtime()
    with rt.db.session() as session:
        steps = orders.set_precedence(
            session, g.shop.id, (request.get_json(silent=True) or {}).get("precedence")
        )
    rt.jobs.enqueue(reattribute_shop, g.shop.id)
    return {"precedence": list(steps), "reattribution": "queued"}


@bp.post("/backfill")
@session_token_required
def start_backfill_now():
    """On demand: `{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}` (both optional) -> 202."""
    from shopify_roi.jobs.backfill import start_backfill

    data = request.get_json(silent=True) or {}
    try:
        start = date.fromisoformat(str(data["from"])).isoformat() if data.get("from") else None
        end = date.fromisoformat(str(data["to"])).isoformat() if data.get("to") else None
    except ValueError:
        raise Invalid("Dates are YYYY-MM-DD.", {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}) from None
    if start and end and end < start:
        raise Invalid("`to` is before `from`.", {"to": "after from"})
    runtime().jobs.enqueue(start_backfill, g.shop.domain, "manual", start, end)
    return {"status": "queued"}, 202


from shopify_roi.web.api import campaigns, creators, history_access, metrics  # noqa: E402,F401 - routes register on bp
