"""The shop admin's app frame: `/{shop}/admin/apps/{api_key}` embeds the app like Shopify's admin.

Shopify loads an embedded app in an iframe with signed query parameters (`embedded`, `host`,
`id_token`, `locale`, `session`, `shop`, `timestamp`, `hmac`). Its App Bridge script gives the
app fresh session tokens (`shopify.idToken()`); the stand-in's `/_devstore/app-bridge.js` does
the same by asking this admin page over postMessage, so the demo works with no Shopify CDN.
"""
from __future__ import annotations

import html
import json
import secrets
import time
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response

from devstore import session_tokens
from devstore.context import runtime, shop_or_404
from devstore.oauth import host_param, query_hmac

bp = Blueprint("admin_ui", __name__)
SHIM = Path(__file__).parent / "static" / "app-bridge.js"


def app_frame_url(app_url: str, shop: str, api_key: str, secret: str) -> str:
    """The app URL with the signed parameters Shopify's admin adds when it opens the app."""
    params = {
        "embedded": "1",
        "host": host_param(shop),
        "id_token": session_tokens.mint(shop, api_key, secret),
        "locale": "en",
        "session": secrets.token_hex(16),
        "shop": shop,
        "timestamp": str(int(time.time())),
    }
    params["hmac"] = query_hmac(params, secret)
    return f"{app_url}/?{urlencode(params)}"


@bp.get("/<shop:shop_domain>/admin/apps/<api_key>")
def app_frame(shop_domain: str, api_key: str):
    shop = shop_or_404(shop_domain)
    config = runtime().config
    if api_key != config.api_key:
        return Response("<h1>App not found</h1>", 404, mimetype="text/html")
    if not shop.installed:
        install = f"{config.app_url}/auth?{urlencode({'shop': shop_domain})}"
        body = f'<p>The app is not installed on {html.escape(shop_domain)}. <a href="{html.escape(install)}">Install it</a>.</p>'
        return Response(_chrome(shop.name or shop_domain, body), 200, mimetype="text/html")
    frame = app_frame_url(config.app_url, shop_domain, config.api_key, config.api_secret)
    token_url = f"/_devstore/shops/{shop_domain}/session-token"
    app_origin = config.app_url.rstrip("/")
    script = f"""
<script>
window.addEventListener("message", async function (event) {{
  if (event.origin !== {json.dumps(app_origin)} || !event.data || event.data.type !== "devstore:id-token") return;
  const resp = await fetch({json.dumps(token_url)}, {{method: "POST", headers: {{"Content-Type": "application/json"}}, body: "{{}}"}});
  const body = await resp.json();
  event.source.postMessage({{type: "devstore:id-token:reply", id: event.data.id, token: body.token}}, event.origin);
}});
</script>"""
    body = f'<iframe id="app-frame" title="Creator ROI" src="{html.escape(frame)}"></iframe>{script}'
    return Response(_chrome(shop.name or shop_domain, body), 200, mimetype="text/html")


@bp.get("/_devstore/app-bridge.js")
def app_bridge_shim():
    return Response(SHIM.read_text(), 200, mimetype="application/javascript")


def _chrome(shop_name: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(shop_name)} · Apps · Shopify (devstore)</title>
<style>
 body {{ margin:0; font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif; background:#1a1a1a; }}
 .top {{ height:44px; display:flex; align-items:center; gap:12px; padding:0 16px; color:#e3e3e3; font-size:13px; }}
 .top b {{ color:#fff; }} .tag {{ background:#303030; border-radius:6px; padding:2px 8px; }}
 .shell {{ display:flex; height:calc(100vh - 44px); }}
 nav {{ width:200px; background:#ebebeb; padding:12px; font-size:13px; color:#303030; border-top-left-radius:12px; }}
 nav div {{ padding:6px 8px; border-radius:8px; }} nav .on {{ background:#fff; font-weight:600; }}
 main {{ flex:1; background:#f1f1f1; }} iframe {{ border:0; width:100%; height:100%; display:block; }}
 main p {{ padding:24px; }}
</style></head>
<body><div class="top"><b>shopify</b><span class="tag">devstore stand-in</span><span>{html.escape(shop_name)}</span></div>
<div class="shell"><nav><div>Home</div><div>Orders</div><div>Products</div><div>Customers</div><div>Discounts</div>
<div>Apps</div><div class="on">Creator ROI</div></nav><main>{body}</main></div></body></html>"""
