"""The web pixel sandbox: what each storefront page tells its pixel manager (``static/manager.js``), and the
files the strict sandbox loads: the manager, the worker's bootstrap (``static/worker.js``), the stand-in's
``@shopify/web-pixels-extension`` (``static/web-pixels-extension.js``) and the app's extension ``src/``
with that package's import resolved to it.

Sources: Web Pixels API, https://shopify.dev/docs/api/web-pixels-api ("App Web Pixels ... are loaded in a
strict sandbox"; ``register`` gives ``analytics``, ``browser``, ``init``, ``settings``,
``customerPrivacy``; ``browser`` methods "asynchronously execute in the top frame"); "About web pixels",
*Sandbox environments*, https://shopify.dev/docs/apps/build/marketing-analytics/pixels#sandbox-environments
(app pixels run in the strict sandbox, a web worker: no DOM, no ``window``);
"Pixel privacy", https://shopify.dev/docs/api/web-pixels-api/pixel-privacy (a pixel loads only when the
visitor allows every permission its ``[customer_privacy]`` requires). The pixel is the shop's only while
the app is installed.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, abort, request, send_from_directory

from devstore import web_pixel_extension as extension
from devstore.config import DevstoreConfig
from devstore.context import runtime, shop_or_404
from devstore.store import web_pixels
from devstore.store.state import Shop, Store
from devstore.storefront import payloads, visits

bp = Blueprint("web_pixel_sandbox", __name__)
STATIC = Path(__file__).parent / "static"
BASE = "/_devstore/web-pixels"
PACKAGE_URL = f"{BASE}/web-pixels-extension.js"
NO_STORE = {"Cache-Control": "no-store"}


def _extension(config: DevstoreConfig) -> extension.PixelExtension | None:
    try:
        ext = extension.load(config.app_toml, config.web_pixel_extension_dir)
    except extension.ExtensionError:
        return None
    return ext if ext is not None and ext.runtime_context == "strict" else None


def pixel(store: Store, config: DevstoreConfig, shop: Shop) -> dict | None:
    """What the page's manager needs to run the app's pixel, or None (no pixel, app not installed, or an
    extension Shopify would not run)."""
    record = web_pixels.current(store, shop)
    ext = _extension(config) if record is not None and shop.installed else None
    if ext is None:
        return None
    return {
        "id": str(record["id"]),
        "worker": f"{BASE}/worker.js",
        "extension": f"{visits.shop_path(shop)}/web-pixels@devstore/{record['id']}/src/index.js",
        "settings": record["settings"],
        "requires": list(ext.requires),
    }


def page_config(
    store: Store, config: DevstoreConfig, browser: visits.Browser, prices: dict, events: list
) -> str:
    """The page's ``<script type="application/json" id="devstore-web-pixels">`` content."""
    shop, root = browser.shop, visits.shop_path(browser.shop)
    value = {
        "shopPath": root,
        "clientId": browser.client_id,
        "consent": visits.privacy(store, browser),
        "pixel": pixel(store, config, shop),
        "init": {
            "customerPrivacy": None,  # the manager fills in the state when the pixel starts
            "data": {
                "customer": None,
                "cart": payloads.cart(browser.cart["token"], prices),
                "shop": payloads.shop_data(shop, request.host_url.rstrip("/") + root),
            },
        },
        "events": events,
    }
    return json.dumps(value).replace("<", "\\u003c")


@bp.get(f"{BASE}/<any('manager.js', 'worker.js', 'web-pixels-extension.js'):name>")
def static_file(name: str):
    response = send_from_directory(STATIC, name, mimetype="text/javascript", max_age=0)
    response.headers.update(NO_STORE)
    return response


@bp.get("/<shop:shop_domain>/web-pixels@devstore/<int:pixel_id>/src/<path:relative>")
def extension_file(shop_domain: str, pixel_id: int, relative: str):
    """The app's extension file, as Shopify CLI's bundle would have it (the package import resolved)."""
    rt = runtime()
    shop = shop_or_404(shop_domain)
    record = web_pixels.current(rt.store, shop)
    ext = _extension(rt.config)
    if record is None or record["id"] != pixel_id or ext is None or not shop.installed:
        abort(404)
    text = extension.source(ext, relative, PACKAGE_URL)
    if text is None:
        abort(404)
    return Response(text, mimetype="text/javascript", headers=NO_STORE)
