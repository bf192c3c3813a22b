"""JSON API for the embedded page. Every route is authenticated by the App Bridge session token.

This module holds the blueprint and how service errors answer; the routes are in the modules
imported at the bottom, by what they serve.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from shopify_roi.services.errors import ServiceError
from shopify_roi.shopify_client.admin import ReauthorizeRequired
from shopify_roi.web.guards import reauthorize_response

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    resp = jsonify(error=type(exc).__name__.lower(), message=exc.message, fields=exc.fields)
    resp.status_code = exc.status
    return resp


@bp.errorhandler(ReauthorizeRequired)
def _reauthorize(exc: ReauthorizeRequired):
    return reauthorize_response(g.shop.domain)


# Last, because each route module adds its routes to `bp` (a cycle: they import it from here).
from shopify_roi.web.api import (  # noqa: E402,F401
    adopt,
    attribution,
    campaigns,
    creators,
    history_access,
    metrics,
    payouts,
    pixel,
    posts,
    report_links,
    seeding,
    shop,
)
