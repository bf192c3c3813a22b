"""Shopify's access-token endpoint, ``POST /{shop}/admin/oauth/access_token``, and its grants:
authorization code, token exchange of an App Bridge session token, migration of a legacy token,
refresh with rotation.

Sources: shopify.dev "Token exchange"
(https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/token-exchange),
"About offline access tokens" (.../access-tokens/offline-access-tokens) and the changelog entries
named in ``devstore.oauth.token_store``. What a grant carries is the shop's grant (``devstore.oauth.scopes``).
"""

from __future__ import annotations

import hmac

from flask import Blueprint, jsonify, request

from devstore import app_toml
from devstore.context import runtime, shop_or_404
from devstore.oauth import migration, scopes, session_tokens
from devstore.oauth.authorize import html_error
from devstore.oauth.token_store import Pair
from devstore.store.state import Shop

bp = Blueprint("oauth_token", __name__)

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token"


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
        return html_error("502 Bad Gateway: devstore lost the answer after the grant", 502)
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
        grant = migration.migrate(
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
    scope = scopes.install_grant(shop, shop.scopes or toml.scopes, toml)
    return _acquire(shop, scope, expiring)
