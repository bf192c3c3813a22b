"""The stand-in's admin page that frames the app, and its control over the frame's session token.

Shopify's admin opens an embedded app with signed parameters and a session token that lives one
minute (shopify.dev "About session tokens"); each load of the admin page signs them afresh.
"""

from __future__ import annotations

import html
import re
import time
from urllib.parse import parse_qsl, urlsplit

import jwt
import requests

from devstore.oauth.authorize import query_hmac


def _frame_params(devstore, shop: str, path: str = "") -> tuple[str, dict]:
    page = requests.get(f"{devstore.origin(shop)}/admin/apps/{devstore.config.api_key}{path}", timeout=60)
    assert page.status_code == 200, page.text
    src = html.unescape(re.search(r'<iframe id="app-frame"[^>]* src="([^"]+)"', page.text).group(1))
    url = urlsplit(src)
    return f"{url.scheme}://{url.netloc}{url.path}", dict(parse_qsl(url.query))


def _claims(devstore, token: str) -> dict:
    config = devstore.config
    # The age control makes tokens that are already expired: read their times without judging them.
    return jwt.decode(
        token, config.api_secret, algorithms=["HS256"], audience=config.api_key, options={"verify_exp": False}
    )


def test_every_admin_load_opens_the_app_with_new_signed_parameters(devstore, shop, tokens):
    where, first = _frame_params(devstore, shop)
    _, second = _frame_params(devstore, shop)
    assert where == "http://127.0.0.1:9/"  # the app URL
    assert first["id_token"] != second["id_token"] and first["session"] != second["session"]
    for params in (first, second):
        assert params["hmac"] == query_hmac(params, devstore.config.api_secret)
        claims = _claims(devstore, params["id_token"])
        assert claims["exp"] - claims["iat"] == 60 and claims["dest"] == f"https://{shop}"
        assert abs(claims["iat"] - time.time()) < 30  # fresh, not a leftover


def test_the_admin_keeps_the_apps_path(devstore, shop, tokens):
    where, params = _frame_params(devstore, shop, "/reports/monthly")
    assert where == "http://127.0.0.1:9/reports/monthly" and params["embedded"] == "1"


def test_the_control_api_opens_the_app_with_an_aged_token(devstore, shop, tokens):
    assert devstore.control.admin_frame(shop, id_token_age=300) == {"id_token_age": 300.0}
    _, params = _frame_params(devstore, shop)
    claims = _claims(devstore, params["id_token"])
    # Issued five minutes ago, so dead four minutes ago (60 s life); still signed by the admin.
    assert claims["exp"] - claims["iat"] == 60
    assert 240 <= time.time() - claims["iat"] < 330
    assert params["hmac"] == query_hmac(params, devstore.config.api_secret)
    assert int(params["timestamp"]) > claims["iat"] + 200  # the load itself is now

    devstore.control.admin_frame(shop, id_token_age=0)
    _, params = _frame_params(devstore, shop)
    assert abs(_claims(devstore, params["id_token"])["iat"] - time.time()) < 30


def test_the_age_control_refuses_what_is_not_a_number_of_seconds(devstore, shop):
    for bad in (-1, "300", True, 86401):
        resp = requests.post(
            f"{devstore.url}/_devstore/shops/{shop}/admin-frame", json={"id_token_age": bad}, timeout=10
        )
        assert resp.status_code == 400, bad
    assert requests.get(f"{devstore.url}/_devstore/shops/{shop}/admin-frame", timeout=60).json() == {
        "id_token_age": 0.0
    }


def test_id_token_route_mints_a_fresh_one_minute_token_for_the_admins_app(devstore, shop, tokens):
    resp = requests.post(f"{devstore.origin(shop)}/admin/app-bridge/id-token", json={}, timeout=60)
    claims = _claims(devstore, resp.json()["token"])
    assert claims["exp"] - claims["iat"] == 60 and claims["aud"] == devstore.config.api_key


def test_app_bridge_is_served_like_a_cdn_asset_and_knows_the_admin_origin(devstore):
    resp = requests.get(f"{devstore.url}/_devstore/app-bridge.js", timeout=60)
    assert resp.headers["Content-Type"].startswith("application/javascript")
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert f'var DEVSTORE_ORIGIN = "{devstore.url}";' in resp.text and "__DEVSTORE_ORIGIN__" not in resp.text


def test_a_shop_without_the_app_gets_an_install_link_and_no_frame(devstore, shop):
    page = requests.get(f"{devstore.origin(shop)}/admin/apps/{devstore.config.api_key}", timeout=60)
    assert page.status_code == 200 and 'id="app-frame"' not in page.text
    assert f"http://127.0.0.1:9/auth?shop={shop}" in page.text
