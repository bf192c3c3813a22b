"""Control API for the online store and its web pixel: what the merchant sets in the admin (the region's
consent rule) and which extension the stand-in runs as the app's web pixel.

- ``GET|POST /_devstore/shops/{shop}/storefront`` ``{"consent_required": true, "order_id_form": "numeric"}``:
  ``consent_required`` (default false, as for a region whose settings need no consent: processing is
  allowed until the visitor declines) makes the storefront show its cookie banner and keeps pixels needing
  consent unloaded until the visitor accepts; ``order_id_form`` is how ``checkout_completed`` names the
  order (``gid``: ``gid://shopify/OrderIdentity/<n>``, the default; ``numeric``). The answer also gives
  the app's ``web_pixel`` on the shop (``id``, ``settings``) or null.
- ``GET|POST /_devstore/app/web-pixel-extension`` ``{"dir": "/path/to/extension"}`` (null: the web pixel
  extension beside ``shopify.app.toml``): ``{"dir", "found", "error"}``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, jsonify, request

from devstore import web_pixel_extension as extension
from devstore.context import runtime, shop_or_404
from devstore.store import web_pixels

bp = Blueprint("control_storefront", __name__, url_prefix="/_devstore")


def _shop_answer(shop) -> dict:
    store = runtime().store
    record = web_pixels.current(store, shop)
    pixel = None if record is None else {"id": web_pixels.gid(record["id"]), "settings": record["settings"]}
    return {**web_pixels.storefront_settings(store, shop), "web_pixel": pixel}


@bp.get("/shops/<shop:shop_domain>/storefront")
def get_storefront(shop_domain: str):
    return jsonify(_shop_answer(shop_or_404(shop_domain)))


@bp.post("/shops/<shop:shop_domain>/storefront")
def set_storefront(shop_domain: str):
    shop = shop_or_404(shop_domain)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="send a JSON object"), 400
    try:
        web_pixels.set_storefront_settings(runtime().store, shop, body)
    except ValueError as exc:
        return jsonify(error=str(exc)), 400
    return jsonify(_shop_answer(shop))


def _extension_answer() -> dict:
    config = runtime().config
    answer = {"dir": str(config.web_pixel_extension_dir) if config.web_pixel_extension_dir else None}
    try:
        found = extension.load(config.app_toml, config.web_pixel_extension_dir)
    except extension.ExtensionError as exc:
        return {**answer, "found": True, "error": f"{exc.code}: {exc}"}
    return {**answer, "found": found is not None, "error": None}


@bp.get("/app/web-pixel-extension")
def get_extension():
    return jsonify(_extension_answer())


@bp.post("/app/web-pixel-extension")
def set_extension():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("dir"), str | None):
        return jsonify(error='send {"dir": "/path/to/extension"} or {"dir": null}'), 400
    runtime().update_config(web_pixel_extension_dir=Path(body["dir"]) if body["dir"] else None)
    return jsonify(_extension_answer())
