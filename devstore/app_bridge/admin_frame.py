"""The shop admin's app frame: `/{shop}/admin/apps/{api_key}` embeds the app like Shopify's admin.

Shopify loads an embedded app in an iframe with signed query parameters (`embedded`, `host`,
`id_token`, `locale`, `session`, `shop`, `timestamp`, `hmac`), fresh on every load of the admin
page. Its App Bridge script gives the app fresh session tokens (`shopify.idToken()`); the
stand-in's `/_devstore/app-bridge.js` does the same by asking this admin page over postMessage
(`/_devstore/admin-host.js` answers), so the demo works with no Shopify CDN.
"""

from __future__ import annotations

import html
import secrets
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request

from devstore.context import runtime, shop_or_404
from devstore.control.admin_frame import id_token_age
from devstore.oauth import session_tokens
from devstore.oauth.authorize import host_param, query_hmac

bp = Blueprint("admin_ui", __name__)
STATIC = Path(__file__).parent / "static"
ORIGIN_PLACEHOLDER = "__DEVSTORE_ORIGIN__"


def app_frame_url(
    app_url: str, shop: str, api_key: str, secret: str, path: str = "", issued_at: float | None = None
) -> str:
    """The app URL (plus ``path``) with the signed parameters Shopify's admin adds when it opens
    the app: a session token issued at ``issued_at`` (default now), `timestamp` now, and `hmac`."""
    now = runtime().store.clock()
    params = {
        "embedded": "1",
        "host": host_param(shop),
        "id_token": session_tokens.mint(shop, api_key, secret, now=now if issued_at is None else issued_at),
        "locale": "en",
        "session": secrets.token_hex(16),
        "shop": shop,
        "timestamp": str(int(now)),
    }
    params["hmac"] = query_hmac(params, secret)
    return f"{app_url.rstrip('/')}/{path.lstrip('/')}?{urlencode(params)}"


@bp.get("/<shop:shop_domain>/admin/apps/<api_key>")
@bp.get("/<shop:shop_domain>/admin/apps/<api_key>/")
@bp.get("/<shop:shop_domain>/admin/apps/<api_key>/<path:sub>")
def app_frame(shop_domain: str, api_key: str, sub: str = ""):
    """The admin page framing the app at ``sub`` (the path App Bridge's top-level redirect keeps).

    Each load signs a new set of parameters with a fresh `id_token`; the control API's
    `id_token_age` makes that token already that many seconds old (time passing for tests)."""
    shop = shop_or_404(shop_domain)
    config = runtime().config
    if api_key != config.api_key:
        return Response("<h1>App not found</h1>", 404, mimetype="text/html")
    if not shop.installed:
        install = f"{config.app_url}/auth?{urlencode({'shop': shop_domain})}"
        body = (
            f"<p>The app is not installed on {html.escape(shop_domain)}. "
            f'<a href="{html.escape(install)}">Install it</a>.</p>'
        )
        return Response(_chrome(shop.name or shop_domain, body), 200, mimetype="text/html")
    issued_at = runtime().store.clock() - id_token_age(shop)
    frame = app_frame_url(config.app_url, shop_domain, config.api_key, config.api_secret, sub, issued_at)
    app_origin = config.app_url.rstrip("/")
    body = (
        # messages the frame sends before admin-host.js runs are kept for it (see its end)
        "<script>window.devstoreEarlyMessages = [];"
        ' window.addEventListener("message", function (e) {'
        " if (window.devstoreEarlyMessages) { window.devstoreEarlyMessages.push(e); } });</script>"
        f'<iframe id="app-frame" title="Creator ROI" src="{html.escape(frame)}"></iframe>'
        f'<script src="/_devstore/admin-host.js" data-app-origin="{html.escape(app_origin)}"'
        f' data-id-token-url="{html.escape(f"/{shop_domain}/admin/app-bridge/id-token")}"></script>'
    )
    home = f"/{shop_domain}/admin/apps/{config.api_key}"
    return Response(_chrome(shop.name or shop_domain, body, app_home=home), 200, mimetype="text/html")


@bp.get("/<shop:shop_domain>/admin/orders/<int:order_id>")
def admin_order(shop_domain: str, order_id: int):
    """The admin's page of one order (where the Navigation API's `shopify://admin/orders/{id}` leads): its
    name and id, or "not found" for an id the shop does not hold."""
    shop = shop_or_404(shop_domain)
    record = shop.records.get("orders", {}).get(order_id)
    if record is None:
        body = f'<p id="admin-order" data-order-id="{order_id}">Order {order_id} was not found.</p>'
        return Response(_chrome(shop.name or shop_domain, body), 404, mimetype="text/html")
    name = html.escape(str(record["rest"].get("name") or order_id))
    body = f'<p id="admin-order" data-order-id="{order_id}">Order {name}</p>'
    return Response(_chrome(shop.name or shop_domain, body), 200, mimetype="text/html")


@bp.post("/<shop:shop_domain>/admin/app-bridge/id-token")
def id_token(shop_domain: str):
    """A fresh session token for the app open in this shop's admin (what `shopify.idToken()` gets):
    HS256 with the app secret, valid one minute (shopify.dev "About session tokens")."""
    shop = shop_or_404(shop_domain)
    config = runtime().config
    token = session_tokens.mint(shop.domain, config.api_key, config.api_secret, now=runtime().store.clock())
    return jsonify(token=token)


@bp.get("/_devstore/app-bridge.js")
def app_bridge_shim():
    """The stand-in's App Bridge, told its own origin (where the admin frame lives). Served with
    `Access-Control-Allow-Origin: *` like a CDN asset, so a `type="module"` tag does load it (and
    the loader's own check refuses it, as the CDN script's does)."""
    text = (STATIC / "app-bridge.js").read_text().replace(ORIGIN_PLACEHOLDER, request.host_url.rstrip("/"))
    return Response(
        text,
        200,
        mimetype="application/javascript",
        headers={"Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"},
    )


@bp.get("/_devstore/admin-host.js")
def admin_host():
    return Response(
        (STATIC / "admin-host.js").read_text(),
        200,
        mimetype="application/javascript",
        headers={"Cache-Control": "no-store"},
    )


def _chrome(shop_name: str, body: str, app_home: str = "") -> str:
    """The admin around a page: its top bar, the save bar drawn over it (hidden until the app asks,
    admin-host.js), the left navigation with the app's name and the menu its App Bridge sends."""
    home = f' href="{html.escape(app_home)}" aria-current="page"' if app_home else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(shop_name)} · Apps · Shopify (devstore)</title>
<style>
 body {{ margin:0; font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;
   background:#1a1a1a; }}
 .top {{ height:44px; display:flex; align-items:center; gap:12px; padding:0 16px; color:#e3e3e3;
   font-size:13px; }}
 .top b {{ color:#fff; }} .tag {{ background:#303030; border-radius:6px; padding:2px 8px; }}
 #admin-loading {{ position:fixed; top:0; left:0; height:3px; width:60%; background:#36fba1; }}
 .shell {{ display:flex; height:calc(100vh - 44px); }}
 nav {{ width:200px; background:#ebebeb; padding:12px; font-size:13px; color:#303030;
   border-top-left-radius:12px; }}
 nav div, nav a {{ display:block; padding:6px 8px; border-radius:8px; color:#303030; text-decoration:none; }}
 nav a[aria-current="page"] {{ background:#fff; font-weight:600; }}
 nav ul {{ list-style:none; margin:0; padding:0; }} nav ul a {{ padding-left:20px; }}
 nav ul a:hover, nav .app-name:hover {{ background:#f7f7f7; }}
 /* The contextual save bar: over the admin's top bar, outside the app's frame (App Bridge save bar). */
 #admin-save-bar {{ position:fixed; top:0; left:0; right:0; min-height:44px; z-index:10; display:flex;
   align-items:center; justify-content:space-between; flex-wrap:wrap; gap:8px; padding:6px 16px;
   box-sizing:border-box; background:#303030; color:#fff; font-size:13px; font-weight:600;
   box-shadow:0 2px 6px rgba(0,0,0,.4); }}
 #admin-save-bar[hidden] {{ display:none; }}
 #admin-save-bar .save-bar-actions {{ display:flex; gap:8px; }}
 #admin-save-bar button {{ font:inherit; border:0; border-radius:8px; padding:6px 12px; cursor:pointer;
   background:#4a4a4a; color:#fff; }}
 #admin-save-bar button.primary {{ background:#fff; color:#1a1a1a; }}
 #admin-save-bar button[hidden] {{ display:none; }}
 #admin-save-bar.flag {{ animation:save-bar-shake .4s; outline:2px solid #ffb800; outline-offset:-2px; }}
 @keyframes save-bar-shake {{ 0%,100% {{ transform:translateX(0); }} 25%,75% {{ transform:translateX(-6px); }}
   50% {{ transform:translateX(6px); }} }}
 main {{ flex:1; background:#f1f1f1; }} iframe {{ border:0; width:100%; height:100%; display:block; }}
 main p {{ padding:24px; }}
 /* Shopify's admin below Polaris' md breakpoint (768px): the navigation folds into a menu and the app's
    frame takes the whole width (Polaris tokens, breakpoints-md; the admin on a phone). */
 @media (max-width: 767.98px) {{ nav {{ display:none; }} }}
</style></head>
<body><div id="admin-loading" role="progressbar" aria-label="Loading" hidden></div>
<div id="admin-save-bar" role="region" aria-label="Unsaved changes" hidden>
<span class="save-bar-message">Unsaved changes</span><span class="save-bar-actions">
<button type="button" data-action="keep" hidden>Continue editing</button>
<button type="button" data-action="discard">Discard</button>
<button type="button" data-action="save" class="primary">Save</button></span></div>
<div class="top"><b>shopify</b><span class="tag">devstore stand-in</span>
<span>{html.escape(shop_name)}</span></div>
<div class="shell"><nav aria-label="Shopify admin"><div>Home</div><div>Orders</div><div>Products</div>
<div>Customers</div><div>Discounts</div>
<div>Apps</div><a class="app-name" id="admin-app-home"{home}>Creator ROI</a>
<ul id="admin-app-menu" aria-label="Creator ROI"></ul></nav><main>{body}</main></div></body></html>"""
