"""The embedded page's document requests, as Shopify's admin and App Bridge make them.

A session token lives one minute (shopify.dev "About session tokens"). Shopify's app libraries
answer an embedded document request whose token is missing or expired with a redirect to a bounce
page that loads App Bridge with `shopify-reload`; App Bridge then fetches that URL with a fresh
token in `Authorization` and `X-Shopify-Bounce: 1` (Shopify/shopify-app-js
redirect-to-bounce-page.ts). App Bridge itself must be a plain script, the first in the document.
"""

from __future__ import annotations

import secrets
import time
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests
from support import API_SECRET, bearer, install

from devstore.oauth.authorize import host_param, query_hmac


class _Scripts(HTMLParser):
    """Every <script> of a page, in order, with its attributes and whether it sits in <head>."""

    def __init__(self):
        super().__init__()
        self.scripts, self.metas, self._in_head = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self._in_head = True
        elif tag == "body":
            self._in_head = False
        elif tag == "script":
            self.scripts.append(
                {"attrs": dict(attrs), "in_head": self._in_head, "after_metas": list(self.metas)}
            )
        elif tag == "meta":
            self.metas.append(dict(attrs))


def _scripts(html: str) -> _Scripts:
    parser = _Scripts()
    parser.feed(html)
    return parser


def _admin_params(shop: str, id_token: str) -> dict[str, str]:
    """The signed parameters Shopify's admin puts on the app URL when it opens the app."""
    params = {
        "embedded": "1",
        "host": host_param(shop),
        "id_token": id_token,
        "locale": "en",
        "session": secrets.token_hex(16),
        "shop": shop,
        "timestamp": str(int(time.time())),
    }
    params["hmac"] = query_hmac(params, API_SECRET)
    return params


def _expired_token(stand_in, shop: str) -> str:
    # exp 30 s ago: past the 10 s leeway Shopify's libraries allow.
    return stand_in.control.session_token(shop, ttl=-30)


def test_the_page_loads_app_bridge_first_plainly_and_carries_no_token(
    app_server, stand_in, shop_domain, settings
):
    install(app_server.url, shop_domain)
    token = stand_in.control.session_token(shop_domain)
    page = requests.get(app_server.url + "/", params=_admin_params(shop_domain, token), timeout=60)
    assert page.status_code == 200
    first = _scripts(page.text).scripts[0]
    # shopify.dev "App Bridge", Getting started: <meta name="shopify-api-key"> then the CDN script.
    assert first["attrs"] == {"src": settings.app_bridge_url}  # no async, defer or type
    assert first["in_head"]
    assert {"name": "shopify-api-key", "content": settings.api_key} in first["after_metas"]
    # Nothing keeps the page-load token: every call asks App Bridge for a fresh one.
    assert token not in page.text and "initial-id-token" not in page.text


def test_an_expired_id_token_bounces_to_app_bridge_with_the_url_to_reload(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    params = _admin_params(shop_domain, _expired_token(stand_in, shop_domain))
    resp = requests.get(app_server.url + "/", params=params, allow_redirects=False, timeout=60)

    assert resp.status_code == 302
    location = urlsplit(resp.headers["Location"])
    assert location.path == "/auth/session-token"
    query = dict(parse_qsl(location.query))
    # The admin's parameters less the dead token and the signature that covered it.
    kept = {k: v for k, v in params.items() if k not in ("id_token", "hmac")}
    reload_url = query.pop("shopify-reload")
    assert query == kept
    assert reload_url == f"{app_server.url}/?{urlencode(kept)}"


def test_an_embedded_load_without_any_token_bounces(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    resp = requests.get(
        app_server.url + "/", params={"embedded": "1", "shop": shop_domain}, allow_redirects=False, timeout=10
    )
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/auth/session-token?embedded=1&shop=")


def test_the_bounce_page_is_app_bridge_first_and_may_be_framed_only_by_the_shop(
    app_server, stand_in, shop_domain, settings
):
    install(app_server.url, shop_domain)
    params = _admin_params(shop_domain, _expired_token(stand_in, shop_domain))
    bounce = requests.get(app_server.url + "/", params=params, timeout=60)  # follows the redirect

    assert bounce.status_code == 200 and bounce.url.startswith(f"{app_server.url}/auth/session-token?")
    first = _scripts(bounce.text).scripts[0]
    assert first["attrs"] == {"src": settings.app_bridge_url} and first["in_head"]
    assert {"name": "shopify-api-key", "content": settings.api_key} in first["after_metas"]
    assert f"frame-ancestors {stand_in.url} https://admin.shopify.com" in bounce.headers[
        "Content-Security-Policy"
    ].split("; ")
    assert bounce.headers["Cache-Control"] == "no-store"


def test_the_reload_with_a_fresh_bearer_token_is_the_working_page(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    params = _admin_params(shop_domain, _expired_token(stand_in, shop_domain))
    redirect = requests.get(app_server.url + "/", params=params, allow_redirects=False, timeout=60)
    reload_url = dict(parse_qsl(urlsplit(redirect.headers["Location"]).query))["shopify-reload"]

    fresh = stand_in.control.session_token(shop_domain)
    page = requests.get(
        reload_url,
        headers={**bearer(fresh), "X-Shopify-Bounce": "1", "Accept": "text/html"},
        allow_redirects=False,
        timeout=60,
    )
    assert page.status_code == 200
    assert "Store connection" in page.text and shop_domain in page.text


def test_a_reload_with_an_expired_bearer_token_is_refused_not_bounced_again(
    app_server, stand_in, shop_domain
):
    install(app_server.url, shop_domain)
    kept = {k: v for k, v in _admin_params(shop_domain, "x").items() if k not in ("id_token", "hmac")}
    resp = requests.get(
        app_server.url + "/",
        params=kept,
        allow_redirects=False,
        timeout=60,
        headers={**bearer(_expired_token(stand_in, shop_domain)), "X-Shopify-Bounce": "1"},
    )
    assert resp.status_code == 401  # no loop: App Bridge gave its freshest token and it failed
    assert "could not be verified" in resp.text


def test_a_forged_id_token_is_refused_not_bounced(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    forged = stand_in.control.session_token(
        shop_domain, secret="not-the-app-secret-0123456789abcdef", ttl=-30
    )
    resp = requests.get(
        app_server.url + "/", params=_admin_params(shop_domain, forged), allow_redirects=False, timeout=10
    )
    assert resp.status_code == 401


def test_a_tampered_admin_link_is_refused_before_any_bounce(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    params = _admin_params(shop_domain, _expired_token(stand_in, shop_domain))
    params["shop"] = "other-shop.myshopify.com"  # the signature no longer holds
    resp = requests.get(app_server.url + "/", params=params, allow_redirects=False, timeout=60)
    assert resp.status_code == 400


def test_the_bounce_page_reloads_only_pages_of_the_app(app_server, stand_in, shop_domain):
    for query in (
        {"shop": shop_domain, "shopify-reload": "https://attacker.example/"},
        {"shop": shop_domain, "shopify-reload": app_server.url + ".attacker.example/"},
        {"shop": "not a shop", "shopify-reload": app_server.url + "/"},
        {"shop": shop_domain},
    ):
        resp = requests.get(
            app_server.url + "/auth/session-token", params=query, allow_redirects=False, timeout=10
        )
        assert resp.status_code == 400, query
        assert "app-bridge" not in resp.text


def test_an_admin_url_signed_more_than_90_seconds_ago_bounces_and_a_forged_one_is_refused(
    app_server, stand_in, shop_domain
):
    # A restored browser tab reopens the admin's old URL: its signature is Shopify's but older than the
    # 90 s Shopify's library allows, so App Bridge reloads it with fresh parameters.
    install(app_server.url, shop_domain)
    params = _admin_params(shop_domain, stand_in.control.session_token(shop_domain))
    params["timestamp"] = str(int(time.time()) - 600)
    params["hmac"] = query_hmac(params, API_SECRET)
    resp = requests.get(app_server.url + "/", params=params, allow_redirects=False, timeout=60)
    assert resp.status_code == 302 and urlsplit(resp.headers["Location"]).path == "/auth/session-token"

    params["hmac"] = query_hmac(params, "not-the-app-secret")
    forged = requests.get(app_server.url + "/", params=params, allow_redirects=False, timeout=60)
    assert forged.status_code == 400 and "signature is not valid" in forged.text
