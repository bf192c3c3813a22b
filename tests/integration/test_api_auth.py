"""`/api/` is authenticated by the App Bridge session token, and scoped to its shop."""
from __future__ import annotations

import time

import jwt
import pytest
import requests

from support import API_KEY, API_SECRET, bearer, install


def _claims(shop: str, **overrides) -> dict:
    now = int(time.time())
    claims = {"iss": f"https://{shop}/admin", "dest": f"https://{shop}", "aud": API_KEY, "sub": "42",
              "exp": now + 60, "nbf": now - 5, "iat": now - 5, "jti": "j-1", "sid": "s-1"}
    claims.update(overrides)
    return claims


@pytest.fixture
def installed(app_server, shop_domain):
    assert install(app_server.url, shop_domain).status_code == 302
    return shop_domain


def test_valid_session_token_reads_its_own_shop(app_server, stand_in, installed):
    resp = requests.get(f"{app_server.url}/api/shop", headers=bearer(stand_in.control.session_token(installed)), timeout=10)
    assert resp.status_code == 200
    assert resp.json()["domain"] == installed


@pytest.mark.parametrize("case", ["none", "not_bearer", "expired", "other_secret", "other_app", "iss_dest_mismatch",
                                  "not_a_shop", "garbage", "alg_none"])
def test_api_refuses_bad_session_tokens(app_server, installed, case):
    headers = {}
    if case == "not_bearer":
        headers = {"Authorization": jwt.encode(_claims(installed), API_SECRET, algorithm="HS256")}
    elif case == "expired":  # expired 60 s ago: beyond the 10 s leeway
        headers = bearer(jwt.encode(_claims(installed, exp=int(time.time()) - 60), API_SECRET, algorithm="HS256"))
    elif case == "other_secret":
        headers = bearer(jwt.encode(_claims(installed), "another-app-secret-0123456789abcdef", algorithm="HS256"))
    elif case == "other_app":
        headers = bearer(jwt.encode(_claims(installed, aud="another-api-key"), API_SECRET, algorithm="HS256"))
    elif case == "iss_dest_mismatch":
        headers = bearer(jwt.encode(_claims(installed, iss="https://other-shop.myshopify.com/admin"), API_SECRET, algorithm="HS256"))
    elif case == "not_a_shop":
        headers = bearer(jwt.encode(_claims("evil.com"), API_SECRET, algorithm="HS256"))
    elif case == "garbage":
        headers = bearer("not.a.jwt")
    elif case == "alg_none":
        headers = bearer(jwt.encode(_claims(installed), None, algorithm="none"))
    resp = requests.get(f"{app_server.url}/api/shop", headers=headers, timeout=10)
    assert resp.status_code == 401
    assert installed not in resp.text


def test_a_slightly_future_nbf_is_accepted(app_server, installed):
    # App Bridge sends a slightly future `nbf`: within the 10 s leeway it must pass.
    token = jwt.encode(_claims(installed, nbf=int(time.time()) + 5), API_SECRET, algorithm="HS256")
    assert requests.get(f"{app_server.url}/api/shop", headers=bearer(token), timeout=10).status_code == 200


def test_token_for_shop_a_never_reads_shop_b(app_server, stand_in, installed):
    other = f"b-{installed}"
    stand_in.control.create_shop(other)
    install(app_server.url, other)
    # Every /api/ GET route, enumerated from the URL map, answered for A shows A only.
    rules = [r for r in app_server.app.url_map.iter_rules() if r.rule.startswith("/api/") and "GET" in r.methods]
    assert rules, "no /api/ routes found"
    for rule in rules:
        assert not rule.arguments, f"{rule.rule} takes arguments: give it a cross-shop test"
        resp = requests.get(app_server.url + rule.rule, headers=bearer(stand_in.control.session_token(installed)), timeout=10)
        assert resp.status_code == 200, rule.rule
        assert other not in resp.text, rule.rule
    # A shop parameter cannot redirect the token to another shop.
    resp = requests.get(f"{app_server.url}/api/shop", params={"shop": other},
                        headers=bearer(stand_in.control.session_token(installed)), timeout=10)
    assert resp.json()["domain"] == installed


def test_token_for_a_shop_that_never_installed_asks_for_install(app_server, stand_in, shop_domain):
    resp = requests.get(f"{app_server.url}/api/shop", headers=bearer(stand_in.control.session_token(shop_domain)), timeout=10)
    assert resp.status_code == 401
    assert resp.headers["X-Shopify-API-Request-Failure-Reauthorize"] == "1"
