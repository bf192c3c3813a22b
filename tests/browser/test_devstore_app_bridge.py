"""The stand-in's App Bridge in Chromium: it starts, or refuses to start, as Shopify's loader does.

A small page server plays "an app" (any app, not Creator ROI) inside the stand-in's admin frame.
Sources: shopify.dev "App Bridge" (Getting started), the loader's checks quoted in
Shopify/shopify-app-bridge issue #229, shopify.dev "ID Token API", "Resource Fetching API",
"Loading API", and Shopify/shopify-app-js redirect-to-bounce-page.ts (the `shopify-reload` bounce).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
import pytest
import requests
from flask import Flask, Response, jsonify, redirect, request
from support import API_KEY, API_SECRET, LiveServer

from devstore.config import DevstoreConfig
from devstore.testing import DevstoreServer

SHOP = "bridge-shop.myshopify.com"
ABORT = "Shopify\u2019s App Bridge must be included as the first <script> tag"


class FakeApp:
    """An embedded app's server: pages by name, and a log of what App Bridge's fetches carried."""

    def __init__(self):
        self.server = LiveServer()
        self.url = self.server.url
        self.shim = ""
        self.shim_origin = ""
        self.seen: list[tuple[str, dict]] = []
        self.server.app = self._flask()

    def page(self, head: str, body: str = "") -> str:
        return (
            f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head>'
            f'<body>{body}<p id="done">done</p></body></html>'
        )

    def bridge(self, attrs: str = "", src: str | None = None) -> str:
        key = f'<meta name="shopify-api-key" content="{API_KEY}">'
        return f'{key}<script src="{src or self.shim}"{attrs}></script>'

    def _flask(self) -> Flask:
        app = Flask("fake_app")
        variants = {
            "good": lambda: self.page(self.bridge()),
            "async": lambda: self.page(self.bridge(" async")),
            "defer": lambda: self.page(self.bridge(" defer")),
            "module": lambda: self.page(self.bridge(' type="module"')),
            "not-first": lambda: self.page("<script>window.before = 1;</script>" + self.bridge()),
            "in-body": lambda: self.page("", self.bridge()),
            "off-cdn": lambda: self.page(self.bridge(src=f"{self.url}/copy/app-bridge.js")),
            "no-api-key": lambda: self.page(f'<script src="{self.shim}"></script>'),
        }

        @app.get("/variant/<name>")
        def variant(name):
            return Response(variants[name](), mimetype="text/html")

        @app.get("/copy/app-bridge.js")
        def copy():
            return Response(requests.get(self.shim, timeout=60).text, mimetype="application/javascript")

        @app.get("/probe")
        def probe():
            self.seen.append(("/probe", dict(request.headers)))
            return jsonify(ok=True)

        @app.get("/retry-once")
        def retry_once():
            self.seen.append(("/retry-once", dict(request.headers)))
            if sum(1 for path, _ in self.seen if path == "/retry-once") == 1:
                return Response("", 401, headers={"X-Shopify-Retry-Invalid-Session-Request": "1"})
            return jsonify(ok=True)

        @app.get("/reauth")
        def reauth():
            return Response(
                "",
                401,
                headers={"X-Shopify-API-Request-Failure-Reauthorize-Url": f"{self.url}/auth?shop={SHOP}"},
            )

        @app.get("/auth")
        def auth():
            return Response(self.page("", "<h1>Reinstall</h1>"), mimetype="text/html")

        @app.get("/start-bounce/<where>")
        def start_bounce(where):
            kept = [(k, v) for k, v in request.args.items() if k not in ("id_token", "hmac")]
            target = (
                f"{self.url}/target?{urlencode(kept)}"
                if where == "same-origin"
                else f"{self.shim_origin}/_devstore/health"
            )
            return redirect(f"/bounce?{urlencode(kept + [('shopify-reload', target)])}")

        @app.get("/bounce")
        def bounce():
            return Response(self.page(self.bridge(), "<p>bouncing</p>"), mimetype="text/html")

        @app.get("/target")
        def target():
            self.seen.append(("/target", dict(request.headers)))
            return Response(
                self.page(self.bridge(), '<p id="target">the app, reloaded</p>'), mimetype="text/html"
            )

        return app


@pytest.fixture(scope="module")
def fake_app():
    app = FakeApp()
    yield app
    app.server.stop()


@pytest.fixture(scope="module")
def shopify(fake_app):
    """A stand-in whose app is the fake app, with SHOP created and the app installed on it."""
    config = DevstoreConfig(api_key=API_KEY, api_secret=API_SECRET, app_url=fake_app.url)
    with DevstoreServer(config) as server:
        server.control.create_shop(SHOP, scopes="read_orders")
        token = server.control.session_token(SHOP)
        installed = requests.post(
            f"{server.origin(SHOP)}/admin/oauth/access_token",
            timeout=60,
            json={
                "client_id": API_KEY,
                "client_secret": API_SECRET,
                "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
                "subject_token": token,
                "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
                "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
                "expiring": "1",
            },
        )
        assert installed.status_code == 200, installed.text
        fake_app.shim = f"{server.url}/_devstore/app-bridge.js"  # the stand-in plays Shopify's CDN
        fake_app.shim_origin = server.url
        yield server


@pytest.fixture
def console(page):
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.on("pageerror", lambda err: messages.append(str(err)))
    return messages


def _open(page, shopify, fake_app, path: str):
    """Open the app at `path` inside the stand-in's admin; the app's Frame once its page is parsed."""
    page.goto(f"{shopify.origin(SHOP)}/admin/apps/{API_KEY}/{path}")
    page.frame_locator("#app-frame").locator("#done").wait_for(timeout=20_000)
    return next(f for f in page.frames if f.url.startswith(fake_app.url))


def _claims(token: str) -> dict:
    return jwt.decode(token, API_SECRET, algorithms=["HS256"], audience=API_KEY)


@pytest.mark.parametrize(
    "variant, reason",
    [
        ("async", "The script tag loading App Bridge has `async`"),
        ("defer", "The script tag loading App Bridge has `defer`."),
        ("module", 'The script tag loading App Bridge has `type="module"`'),
        ("not-first", "The script tag loading App Bridge should be the first script tag in the document"),
        ("in-body", "The script tag loading App Bridge should be the first script tag in the document"),
        ("off-cdn", "The script tag loading App Bridge is not loading App Bridge from the Shopify CDN."),
        ("no-api-key", "App Bridge Next: missing required configuration fields: apiKey"),
    ],
)
def test_app_bridge_refuses_to_start_when_loaded_the_wrong_way(
    shopify, fake_app, page, console, variant, reason
):
    frame = _open(page, shopify, fake_app, f"variant/{variant}")
    assert frame.evaluate("typeof window.shopify") == "undefined"
    frame.wait_for_function("true")  # let the console events of the frame arrive
    assert any(reason in text for text in console), console
    if variant != "no-api-key":
        assert any(ABORT in text for text in console), console


def test_a_plain_first_script_starts_app_bridge_with_fresh_one_minute_tokens(
    shopify, fake_app, page, console
):
    frame = _open(page, shopify, fake_app, "variant/good")
    config = frame.evaluate("shopify.config")
    assert (config["apiKey"], config["shop"]) == (API_KEY, SHOP)
    assert frame.evaluate("shopify.ready.then(() => 'ready')") == "ready"
    first, second = frame.evaluate("Promise.all([shopify.idToken(), shopify.idToken()])")
    assert first != second  # minted by the admin on every call, never cached
    for token in (first, second):
        claims = _claims(token)  # HS256 with the app secret, aud = the API key
        assert claims["exp"] - claims["iat"] == 60  # "The lifetime of a session token is one minute."
        assert (claims["dest"], claims["iss"]) == (f"https://{SHOP}", f"https://{SHOP}/admin")
    assert not [text for text in console if "App Bridge" in text], console


def test_the_apps_own_fetches_get_a_fresh_bearer_token_and_others_do_not(shopify, fake_app, page):
    fake_app.seen.clear()
    frame = _open(page, shopify, fake_app, "variant/good")
    # Another host (App Bridge compares host names, not ports: 127.0.0.1:<any port> would be "own").
    elsewhere = shopify.url.replace("127.0.0.1", "localhost") + "/elsewhere"
    outside: list[dict] = []
    page.route(
        elsewhere,
        lambda route: (
            outside.append(route.request.headers),
            route.fulfill(
                status=200,
                body="{}",
                headers={"Access-Control-Allow-Origin": "*", "Content-Type": "application/json"},
            ),
        ),
    )

    assert frame.evaluate("fetch('/probe').then(r => r.status)") == 200
    assert (
        frame.evaluate("fetch('/probe', {headers: {Authorization: 'Bearer mine'}}).then(r => r.status)")
        == 200
    )
    assert frame.evaluate(f"fetch('{elsewhere}').then(r => r.status)") == 200

    (_, added), (_, kept) = fake_app.seen
    assert _claims(added["Authorization"].removeprefix("Bearer "))["dest"] == f"https://{SHOP}"
    # ...and the locale the admin opened the app with (`locale=en` on the frame URL).
    assert added["X-Requested-With"] == "XMLHttpRequest" and added["Accept-Language"] == "en"
    assert kept["Authorization"] == "Bearer mine"  # the caller's own header is left alone
    assert "authorization" not in outside[0]  # another origin never sees the token


def test_a_401_asking_for_a_retry_is_retried_once_with_a_new_token(shopify, fake_app, page):
    fake_app.seen.clear()
    frame = _open(page, shopify, fake_app, "variant/good")
    assert frame.evaluate("fetch('/retry-once').then(r => r.status)") == 200
    (_, first), (_, second) = fake_app.seen
    assert first["Authorization"] != second["Authorization"]
    assert _claims(second["Authorization"].removeprefix("Bearer "))["dest"] == f"https://{SHOP}"


def test_a_reauthorize_answer_takes_the_whole_admin_there(shopify, fake_app, page):
    frame = _open(page, shopify, fake_app, "variant/good")
    frame.evaluate("fetch('/reauth'); null")
    page.wait_for_url(f"{fake_app.url}/auth?shop={SHOP}", timeout=20_000)  # the top window, not the frame
    assert page.locator("h1").inner_text() == "Reinstall"


def test_shopify_loading_drives_the_admins_loading_bar(shopify, fake_app, page):
    frame = _open(page, shopify, fake_app, "variant/good")
    bar = page.locator("#admin-loading")
    assert bar.is_hidden()
    frame.evaluate("shopify.loading(true)")
    page.locator("body[data-app-loading='1']").wait_for(timeout=10_000)
    assert bar.is_visible()
    frame.evaluate("shopify.loading(false)")
    page.locator("body[data-app-loading='0']").wait_for(timeout=10_000)
    assert bar.is_hidden()


def test_an_app_page_opened_outside_the_admin_is_sent_into_it(shopify, fake_app, page):
    page.goto(f"{fake_app.url}/variant/good?shop={SHOP}")
    page.wait_for_url(f"{shopify.origin(SHOP)}/admin/apps/{API_KEY}/variant/good", timeout=20_000)
    page.frame_locator("#app-frame").locator("#done").wait_for(timeout=20_000)
    frame = next(f for f in page.frames if f.url.startswith(fake_app.url))
    assert frame.evaluate("typeof shopify.idToken") == "function"


def test_the_bounce_fetches_the_reload_url_with_a_fresh_token_and_shows_it(shopify, fake_app, page):
    fake_app.seen.clear()
    page.goto(f"{shopify.origin(SHOP)}/admin/apps/{API_KEY}/start-bounce/same-origin")
    page.frame_locator("#app-frame").locator("#target").wait_for(timeout=20_000)
    frame = next(f for f in page.frames if f.url.startswith(fake_app.url))

    url = urlsplit(frame.url)
    assert url.path == "/target" and "shopify-reload" not in dict(parse_qsl(url.query))
    assert "id_token" not in dict(parse_qsl(url.query))
    [(_, headers)] = fake_app.seen
    assert headers["X-Shopify-Bounce"] == "1"
    assert _claims(headers["Authorization"].removeprefix("Bearer "))["dest"] == f"https://{SHOP}"
    # The written page's own App Bridge tag started App Bridge again, fully.
    assert frame.evaluate("shopify.ready.then(() => typeof shopify.loading)") == "function"


def test_the_bounce_refuses_a_reload_url_on_another_origin(shopify, fake_app, page):
    fake_app.seen.clear()
    elsewhere: list[str] = []
    page.route(
        re.compile(re.escape(shopify.url) + r"/_devstore/health.*"),
        lambda route: (elsewhere.append(route.request.url), route.continue_()),
    )
    # (the stand-in's port differs from the app's: another origin, though the same host)
    page.goto(f"{shopify.origin(SHOP)}/admin/apps/{API_KEY}/start-bounce/cross-origin")
    frame = page.frame_locator("#app-frame")
    frame.locator("#done").wait_for(timeout=20_000)
    assert frame.locator("text=bouncing").is_visible()  # nothing was fetched, nothing replaced
    assert elsewhere == [] and fake_app.seen == []


@pytest.mark.parametrize("width, nav_shown", [(1280, True), (1024, True), (375, False)])
def test_the_admin_gives_the_app_the_whole_width_on_a_phone(shopify, fake_app, browser, width, nav_shown):
    """Below Polaris' md breakpoint (768 px) Shopify's admin folds its navigation away and the app's
    frame is as wide as the screen; wider, the navigation takes its 200 px beside the frame."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        _open(page, shopify, fake_app, "variant/good")
        frame_width = page.evaluate("document.getElementById('app-frame').getBoundingClientRect().width")
        assert page.locator("nav").is_visible() is nav_shown
        assert (frame_width == width) is not nav_shown, (width, frame_width)
    finally:
        context.close()
