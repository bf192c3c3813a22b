"""Control API for analytics annotations and targets: ``GET /_devstore/shops/{shop}/analytics`` lists
every annotation and target of the shop (with ``createdBy``: ``this-app`` for the app under test), as the
merchant sees them on the Analytics charts; ``POST /_devstore/shops/{shop}/analytics/annotations`` adds one
the merchant or another app made (the app under test may not update or delete it)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from devstore.admin.resolvers import analytics
from devstore.context import runtime, shop_or_404

bp = Blueprint("control_analytics", __name__, url_prefix="/_devstore")


@bp.get("/shops/<shop:shop_domain>/analytics")
def list_analytics(shop_domain: str):
    shop, rt = shop_or_404(shop_domain), runtime()
    return jsonify(analytics.of_shop(rt.store, shop))


@bp.post("/shops/<shop:shop_domain>/analytics/annotations")
def seed_annotation(shop_domain: str):
    shop, rt = shop_or_404(shop_domain), runtime()
    body = request.get_json(silent=True) or {}
    fields = {k: body[k] for k in ("title", "type", "startedAt", "endedAt", "description") if k in body}
    return jsonify(analytics.seed_annotation(rt.store, shop, fields)), 201
