"""Control API for the admin frame: make time pass for the session token it opens the app with.

Shopify's session tokens live one minute (shopify.dev "About session tokens"), so an app page
opened by the admin holds a token that is dead a minute later, and a frame reloaded with the same
URL carries a dead `id_token`. Tests cannot wait minutes; instead they ask the admin to open the
app with a token issued `id_token_age` seconds ago (55: valid five more seconds; 300: already
expired). Tokens from `shopify.idToken()` stay fresh.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from devstore.context import runtime, shop_or_404
from devstore.store.state import Shop

bp = Blueprint("control_admin_frame", __name__, url_prefix="/_devstore")
KEY = "admin_frame"


def id_token_age(shop: Shop) -> float:
    """Seconds the admin frame's initial `id_token` is already old when the app gets it (0: fresh)."""
    with runtime().store.lock:
        return float(shop.extras.get(KEY, {}).get("id_token_age", 0))


@bp.get("/shops/<shop:shop_domain>/admin-frame")
def get_admin_frame(shop_domain: str):
    shop = shop_or_404(shop_domain)
    return jsonify(id_token_age=id_token_age(shop))


@bp.post("/shops/<shop:shop_domain>/admin-frame")
def set_admin_frame(shop_domain: str):
    """``{"id_token_age": 300}`` (seconds, 0..86400; null or 0 = fresh) for the next admin loads."""
    shop = shop_or_404(shop_domain)
    body = request.get_json(silent=True) or {}
    age = body.get("id_token_age") or 0
    if isinstance(age, bool) or not isinstance(age, (int, float)) or not 0 <= age <= 86400:
        return jsonify(errors="id_token_age must be a number of seconds between 0 and 86400"), 400
    with runtime().store.lock:
        shop.extras[KEY] = {"id_token_age": float(age)}
    return jsonify(id_token_age=float(age))
