"""JSON API for the embedded page. Every route is authenticated by the App Bridge session token."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, g, jsonify, request

from ...services import backfill, inbox
from ...services.errors import Invalid, ServiceError
from ...shopify_client.admin import ReauthorizeRequired
from ..guards import reauthorize_response, runtime, session_token_required

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
        "domain": s.domain, "name": s.name, "currency": s.currency, "timezone": s.iana_timezone,
        "scopes": sorted(s.scope_set), "installed_at": _iso(s.installed_at),
        "api_version": runtime().settings.api_version,
    }


@bp.get("/webhooks")
@session_token_required
def webhooks():
    rt = runtime()
    with rt.db.session() as session:
        rows = inbox.recent(session, g.shop.domain, limit=50)
        items = [{"topic": d.topic, "status": d.status, "received_at": _iso(d.received_at), "error": d.error} for d in rows]
    return {"deliveries": items, "queue_depth": rt.jobs.depth(), "failed_jobs": rt.jobs.failed()}


@bp.get("/freshness")
@session_token_required
def freshness():
    """Can the numbers be trusted now: last webhook, last reconciliation and what it repaired, the queue."""
    rt = runtime()
    with rt.db.session() as session:
        return {**inbox.freshness(session, g.shop.domain), "backfills": backfill.latest(session, g.shop.id),
                "queue_depth": rt.jobs.depth(), "failed_jobs": rt.jobs.failed()}


@bp.post("/backfill")
@session_token_required
def start_backfill_now():
    """On demand: `{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}` (both optional) -> 202."""
    from ...jobs.backfill import start_backfill

    data = request.get_json(silent=True) or {}
    try:
        start = date.fromisoformat(data["from"]).isoformat() if data.get("from") else None
        end = date.fromisoformat(data["to"]).isoformat() if data.get("to") else None
    except ValueError:
        raise Invalid("Dates are YYYY-MM-DD.", {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}) from None
    runtime().jobs.enqueue(start_backfill, g.shop.domain, "manual", start, end)
    return {"status": "queued"}, 202


from . import campaigns, creators  # noqa: E402,F401 - routes register on bp
