"""Control API for the Marketing reports: ``GET /_devstore/shops/{shop}/marketing`` lists the shop's external
marketing activities and their day engagements (the figures Shopify's Marketing reports show)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from devstore.admin.resolvers import marketing
from devstore.context import runtime, shop_or_404

bp = Blueprint("control_marketing", __name__, url_prefix="/_devstore")


@bp.get("/shops/<shop:shop_domain>/marketing")
def list_marketing(shop_domain: str):
    shop, rt = shop_or_404(shop_domain), runtime()
    return jsonify(marketing.of_shop(rt.store, shop))
