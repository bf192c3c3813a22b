"""Shopify OAuth on ``/{shop}/admin/oauth/...``: the authorize redirect (auto-approved) and
the access-token endpoint with its grants (authorization code, token exchange of an App Bridge
session token, migration of a legacy token, refresh with rotation).

Sources: shopify.dev "Authorization code grant"
(https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant),
"Token exchange" (.../access-tokens/token-exchange), "About offline access tokens"
(.../access-tokens/offline-access-tokens) and the changelog entries named in ``token_store``. What a
grant carries is the shop's grant: required scopes at install, optional ones only once the
merchant granted them (``access_scopes``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
from urllib.parse import urlencode

from flask import Blueprint, jsonify, redirect, request

from devstore import access_scopes, app_toml, session_tokens, token_migration
from devstore.context import runtime, shop_or_404
from devstore.state import Shop
from devstore.token_store import Pair

bp = Blueprint("oauth", __name__)

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token"


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


def _html_error(message: str, status: int = 400):
    body = f"<!DOCTYPE html><html><body><h1>Oauth error</h1><p>{html.escape(message)}</p></body></html>"
    return body, status, {"Content-Type": "text/html; charset=utf-8"}


@bp.get("/<shop:shop_domain>/admin/oauth/authorize")
def authorize(shop_domain: str):
    """Approve at once and 302 to ``redirect_uri`` with code, hmac, host, shop, state, timestamp."""
    shop = shop_or_404(shop_domain)
    rt = runtime()
    config = rt.config
    if request.args.get("client_id") != config.api_key:
        return _html_error("invalid client_id")
    redirect_uri = request.args.get("redirect_uri", "")
    if not redirect_uri.startswith(config.app_url):
        return _html_error("The redirect_uri is not whitelisted")
    # Optional scopes are never granted at install ("Manage access scopes"): the code carries
    # the requested scopes less the declared optional ones.
    scope = access_scopes.install_grant(shop, request.args.get("scope", ""), app_toml.load(config.app_toml))
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


def _error(error: str, description: str | None = None, status: int = 400):
    body = {"error": error}
    if description:
        body["error_description"] = description
    return jsonify(body), status


def _is_true(value) -> bool:
    return value in (True, 1, "1", "true", "True")


def _answer(pair: Pair):
    """The token endpoint's JSON: expiring pairs add ``expires_in`` and the refresh token's
    lifetime, both counted from now (a repeated pair answers what is left of its lives)."""
    tokens = runtime().store.tokens
    access, refresh = pair.access, pair.refresh
    body = {"access_token": access.token, "scope": access.scope}
    if refresh is not None:
        now = tokens.now(runtime().store.get_shop(access.shop))
        body.update(
            expires_in=max(0, round(access.expires_at - now)),
            refresh_token=refresh.token,
            refresh_token_expires_in=max(0, round(refresh.expires_at - now)),
        )
    return jsonify(body), 200


def _acquire(shop: Shop, scope: str, expiring: bool):
    config = runtime().config
    pair = runtime().store.tokens.acquire(
        shop, scope, expiring, config.access_token_ttl, config.refresh_token_ttl
    )
    return _answer(pair)


@bp.post("/<shop:shop_domain>/admin/oauth/access_token")
def access_token(shop_domain: str):
    """Issue tokens for one of the grants; OAuth-style JSON errors with HTTP 400.

    A fault set through the control API (``token_answers_to_lose``) lets the grant happen and
    then loses its answer (502 from the edge), as a timeout or a dropped connection would."""
    shop = shop_or_404(shop_domain)
    answer = _grant(shop)
    store = runtime().store
    with store.lock:
        lose = answer[1] == 200 and shop.token_answers_to_lose > 0
        if lose:
            shop.token_answers_to_lose -= 1
    if lose:
        return _html_error("502 Bad Gateway: devstore lost the answer after the grant", 502)
    return answer


def _grant(shop: Shop):
    config = runtime().config
    body = request.get_json(silent=True) if request.is_json else None
    params = body if isinstance(body, dict) else request.form.to_dict()
    if params.get("client_id") != config.api_key or not hmac.compare_digest(
        str(params.get("client_secret", "")), config.api_secret
    ):
        return _error(
            "invalid_client",
            "Client authentication failed: unknown client_id or wrong client_secret",
        )
    grant_type = params.get("grant_type")
    expiring = _is_true(params.get("expiring"))
    if grant_type in (None, "", "authorization_code"):
        grant = runtime().store.tokens.redeem_code(shop, params.get("code", ""))
        if grant is None:
            return _error("invalid_grant", "authorization code was not found or was already used")
        return _acquire(shop, grant.scope, expiring)
    if grant_type == TOKEN_EXCHANGE:
        return _token_exchange(shop, params, expiring)
    if grant_type == "refresh_token":
        grant, reason = runtime().store.tokens.use_refresh_token(
            shop,
            str(params.get("refresh_token", "")),
            config.access_token_ttl,
            config.refresh_token_ttl,
        )
        if grant is None:
            return _error("invalid_grant", reason)
        return _answer(grant.pair)
    return _error("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")


def _token_exchange(shop: Shop, params: dict, expiring: bool):
    config = runtime().config
    if params.get("requested_token_type") != OFFLINE_TOKEN:
        return _error("invalid_request", "devstore: only offline access tokens are implemented")
    subject_type = params.get("subject_token_type")
    if subject_type == OFFLINE_TOKEN:
        # migrating a legacy non-expiring token to an expiring pair (@shopify/shopify-api's
        # migrate-to-expiring-token.ts sends exactly this body); a retry answers the same pair
        grant = token_migration.migrate(
            runtime().store.tokens,
            shop,
            str(params.get("subject_token", "")),
            config.access_token_ttl,
            config.refresh_token_ttl,
        )
        if grant is None:
            return _error("invalid_subject_token")
        return _answer(grant.pair)
    if subject_type != ID_TOKEN:
        return _error("invalid_request", "unsupported subject_token_type")
    try:
        session_tokens.verify(
            params.get("subject_token", ""),
            shop.domain,
            config.api_key,
            config.api_secret,
        )
    except session_tokens.InvalidSessionToken:
        return _error("invalid_subject_token")
    # Shopify managed install grants the configured required scopes (the shop's ``scopes``
    # stands in for them when set); an installed shop keeps the optional scopes it granted.
    toml = app_toml.load(config.app_toml)
    scope = access_scopes.install_grant(shop, shop.scopes or toml.scopes, toml)
    return _acquire(shop, scope, expiring)
