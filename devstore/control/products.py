"""Control API for products: ``POST /_devstore/shops/{shop}/products`` ``{"title": "Trail shoe",
"variants": [{"title": "42", "sku": "TS-42", "price": "80.00", "unit_cost": "31.50"}]}`` → 201
``{"product": {...}}`` with each variant's ``id`` (numeric) and ``gid``; ``unit_cost`` null/absent = no
cost recorded (``unitCost: null``). ``GET /_devstore/shops/{shop}/products`` lists them.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from devstore.context import runtime, shop_or_404
from devstore.store import products

bp = Blueprint("control_products", __name__, url_prefix="/_devstore")


@bp.post("/shops/<shop:shop_domain>/products")
def create_product(shop_domain: str):
    shop, rt = shop_or_404(shop_domain), runtime()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="send a JSON object"), 400
    try:
        return jsonify(product=products.create(rt.store, shop, body)), 201
    except ValueError as exc:
        return jsonify(error=str(exc)), 400


@bp.get("/shops/<shop:shop_domain>/products")
def list_products(shop_domain: str):
    shop, rt = shop_or_404(shop_domain), runtime()
    return jsonify(products=rt.store.records(shop, products.KIND))
