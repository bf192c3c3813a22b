"""JSON API for the embedded page. Every route is authenticated by the App Bridge session token."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from ...services import inbox
from ...services.errors import ServiceError
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


from . import campaigns, creators  # noqa: E402,F401 - routes register on bp
