"""Control API for metafields: ``GET /_devstore/shops/{shop}/metafields`` lists every metafield the shop
holds (``ownerId``, ``namespace``, ``key``, ``type``, ``value``, ...), as the merchant sees them on the
order and customer pages of the admin."""

from __future__ import annotations

from flask import Blueprint, jsonify

from devstore.admin.resolvers import metafields
from devstore.context import runtime, shop_or_404

bp = Blueprint("control_metafields", __name__, url_prefix="/_devstore")


@bp.get("/shops/<shop:shop_domain>/metafields")
def list_metafields(shop_domain: str):
    shop, rt = shop_or_404(shop_domain), runtime()
    return jsonify(metafields=metafields.of_shop(rt.store, shop))
