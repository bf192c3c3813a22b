"""Shopify's authorize step on ``/{shop}/admin/oauth/authorize``: approved at once, redirected to
the app with a code and a signed query (the token endpoint is ``token_endpoint``).

Sources: shopify.dev "Authorization code grant"
(https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant).
The code carries the shop's grant: required scopes at install, optional ones only once the merchant
granted them (``devstore.oauth.scopes``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
from urllib.parse import urlencode

from flask import Blueprint, redirect, request

from devstore import app_toml
from devstore.context import runtime, shop_or_404
from devstore.oauth import scopes

bp = Blueprint("oauth", __name__)


def query_hmac(params: dict, secret: str) -> str:
    """Lowercase hex HMAC-SHA256 of the query params as Shopify signs them and its own libraries
    check them (``@shopify/shopify-api`` ``lib/utils/hmac-validator.ts``: ``hmac``/``signature``
    dropped, keys sorted, each pair form-encoded like ``URLSearchParams`` with a space as ``%20``,
    joined with ``&``; a list value is joined with commas). Not ShopifyAPI-for-Python's raw join,
    which differs as soon as a value holds ``/``, ``+``, ``=``, a space or non-ASCII text."""

    def encode(text: str) -> str:
        return "".join(
            chr(b) if chr(b).isascii() and (chr(b).isalnum() or chr(b) in "*-._") else f"%{b:02X}"
            for b in str(text).encode("utf-8")
        )

    pairs = []
    for key in sorted(k for k in params if k not in ("hmac", "signature")):
        value = params[key]
        value = ",".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
        pairs.append(f"{encode(key)}={encode(value)}")
    message = "&".join(pairs)
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def host_param(shop_domain: str) -> str:
    """The ``host`` query param: base64 (unpadded) of ``admin.shopify.com/store/{handle}``."""
    handle = shop_domain.split(".", 1)[0]
    return base64.b64encode(f"admin.shopify.com/store/{handle}".encode()).decode().rstrip("=")


def html_error(message: str, status: int = 400):
    body = f"<!DOCTYPE html><html><body><h1>Oauth error</h1><p>{html.escape(message)}</p></body></html>"
    return body, status, {"Content-Type": "text/html; charset=utf-8"}


@bp.get("/<shop:shop_domain>/admin/oauth/authorize")
def authorize(shop_domain: str):
    """Approve at once and 302 to ``redirect_uri`` with code, hmac, host, shop, state, timestamp."""
    shop = shop_or_404(shop_domain)
    rt = runtime()
    config = rt.config
    if request.args.get("client_id") != config.api_key:
        return html_error("invalid client_id")
    redirect_uri = request.args.get("redirect_uri", "")
    if not redirect_uri.startswith(config.app_url):
        return html_error("The redirect_uri is not whitelisted")
    # Optional scopes are never granted at install ("Manage access scopes"): the code carries
    # the requested scopes less the declared optional ones.
    scope = scopes.install_grant(shop, request.args.get("scope", ""), app_toml.load(config.app_toml))
    params = {
        "code": rt.store.tokens.issue_code(shop, scope, config.code_ttl),
        "host": host_param(shop.domain),
        "shop": shop.domain,
        "timestamp": str(int(rt.store.clock())),
    }
    if "state" in request.args:
        params["state"] = request.args["state"]
    params["hmac"] = query_hmac(params, config.api_secret)
    separator = "&" if "?" in redirect_uri else "?"
    return redirect(redirect_uri + separator + urlencode(sorted(params.items())), code=302)
