"""OAuth on the stand-in: authorize redirect, code grant, token exchange, refresh."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit

import requests
import shopify
from devstore_support import SCOPES, SHOP


def _authorize(devstore, shop=SHOP, **params):
    query = {
        "client_id": devstore.config.api_key,
        "scope": "read_orders,write_discounts",
        "redirect_uri": devstore.config.app_url + "/auth/callback",
        "state": "nonce-1",
        **params,
    }
    return requests.get(
        f"{devstore.origin(shop)}/admin/oauth/authorize",
        params=query,
        allow_redirects=False,
        timeout=60,
    )


def _callback_params(response) -> dict:
    assert response.status_code == 302, response.text
    return dict(parse_qsl(urlsplit(response.headers["Location"]).query))


def test_authorize_redirect_hmac_verifies_with_shopify_api_library(devstore, shop):
    params = _callback_params(_authorize(devstore))
    shopify.Session.setup(api_key=devstore.config.api_key, secret=devstore.config.api_secret)
    assert shopify.Session.validate_hmac(params)
    assert shopify.Session.validate_params(params)
    assert set(params) == {"code", "hmac", "host", "shop", "state", "timestamp"}


def test_authorize_redirect_hmac_verifies_by_hand(devstore, shop):
    params = _callback_params(_authorize(devstore))
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "hmac")
    expected = hmac.new(
        b"demo-api-secret-for-the-local-stand-in", message.encode(), hashlib.sha256
    ).hexdigest()
    assert params["hmac"] == expected
    assert params["shop"] == SHOP and params["state"] == "nonce-1"
    assert base64.b64decode(params["host"] + "==") == b"admin.shopify.com/store/demo-shop"


def test_query_hmac_known_answer():
    # printf '%s' 'code=abc&shop=demo-shop.myshopify.com&state=xyz&timestamp=1700000000' \
    #   | openssl dgst -sha256 -hmac 'demo-api-secret' -hex
    from devstore.oauth.authorize import query_hmac

    params = {
        "timestamp": "1700000000",
        "state": "xyz",
        "code": "abc",
        "shop": "demo-shop.myshopify.com",
    }
    assert (
        query_hmac(params, "demo-api-secret")
        == "527ce2e68b2fc6548aa92550336f435955f193e9abead676e2922835a1e004e8"
    )


def test_authorize_rejects_wrong_client_id_and_foreign_redirect(devstore, shop):
    wrong_client = _authorize(devstore, client_id="someone-else")
    assert wrong_client.status_code == 400 and "invalid client_id" in wrong_client.text
    assert _authorize(devstore, redirect_uri="http://evil.example/cb").status_code == 400


def test_bad_or_unknown_shop_is_404(devstore, shop):
    assert _authorize(devstore, shop="Demo_Shop.myshopify.com").status_code == 404
    assert _authorize(devstore, shop="demo-shop.example.com").status_code == 404
    assert _authorize(devstore, shop="never-created.myshopify.com").status_code == 404


def test_code_grant_gives_non_expiring_token_and_code_is_single_use(devstore, shop, api):
    code = _callback_params(_authorize(devstore))["code"]
    first = api.access_token(code=code)
    assert first.status_code == 200
    body = first.json()
    assert set(body) == {"access_token", "scope"}
    assert body["access_token"].startswith("shpat_") and len(body["access_token"]) == 6 + 32
    assert body["scope"] == "read_orders,write_discounts"
    again = api.access_token(code=code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    state = devstore.control.shop(shop)
    assert state["installed"] and state["granted_scopes"] == "read_orders,write_discounts"


def test_code_grant_accepts_form_body_and_expiring(devstore, shop):
    code = _callback_params(_authorize(devstore))["code"]
    form = {
        "client_id": "demo-api-key",
        "client_secret": "demo-api-secret-for-the-local-stand-in",
        "code": code,
        "expiring": "1",
    }
    response = requests.post(f"{devstore.origin(shop)}/admin/oauth/access_token", data=form, timeout=60)
    body = response.json()
    assert response.status_code == 200
    assert body["expires_in"] == 3600 and body["refresh_token_expires_in"] == 7776000
    assert body["refresh_token"].startswith("shprt_")


def test_wrong_client_secret_is_invalid_client(api):
    response = api.access_token(client_secret="nope", code="whatever")
    assert response.status_code == 400 and response.json()["error"] == "invalid_client"


def test_token_exchange_with_valid_session_token(devstore, shop, api):
    response = api.exchange(devstore.control.session_token(shop, sub="42"))
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {
        "access_token",
        "scope",
        "expires_in",
        "refresh_token",
        "refresh_token_expires_in",
    }
    assert body["scope"] == SCOPES
    state = devstore.control.shop(shop)
    assert state["installed"] and state["live_access_tokens"] == 1


def test_token_exchange_without_expiring_gives_legacy_token(devstore, shop, api):
    body = api.exchange(devstore.control.session_token(shop), expiring="0").json()
    assert set(body) == {"access_token", "scope"}


def test_token_exchange_rejects_bad_session_tokens(devstore, shop, api):
    control = devstore.control
    forged = [
        control.session_token(shop, secret="not-the-secret"),
        control.session_token(shop, aud="another-app"),
        control.session_token(shop, dest="https://other-shop.myshopify.com"),
        control.session_token(shop, ttl=-60),  # expired 60 s ago, beyond the 10 s leeway
        control.session_token(shop, nbf_offset=120),  # not valid for 2 minutes
        "not-a-jwt",
    ]
    for token in forged:
        response = api.exchange(token)
        assert response.status_code == 400, token
        assert response.json() == {"error": "invalid_subject_token"}
    assert control.shop(shop)["live_access_tokens"] == 0


def test_refresh_rotates_and_the_old_refresh_token_is_refused_once_the_new_one_is_used(
    devstore, shop, api, tokens
):
    first = api.access_token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["access_token"] != tokens["access_token"]
    assert rotated["refresh_token"] != tokens["refresh_token"]
    second = api.access_token(grant_type="refresh_token", refresh_token=rotated["refresh_token"])
    assert second.status_code == 200
    reused = api.access_token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert reused.status_code == 400
    assert reused.json() == {
        "error": "invalid_grant",
        "error_description": "refresh token already used",
    }
    assert devstore.control.shop(shop)["refresh_count"] == 2


def test_uninstall_revokes_refresh_tokens(devstore, shop, api, tokens):
    devstore.control.uninstall(shop)
    response = api.access_token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
