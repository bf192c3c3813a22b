"""The embedded page under the stand-in's App Bridge, which refuses to start as Shopify's does.

A merchant opens Creator ROI in the admin, leaves it open, comes back later and keeps working. A
session token lives one minute (shopify.dev "About session tokens"): the page must ask App Bridge
(`shopify.idToken()`) for every call, and App Bridge must have started, which it only does when
loaded as a plain script, first in <head> (shopify.dev "App Bridge", Getting started; the loader's
checks in Shopify/shopify-app-bridge issue #229).
"""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from browser_support import serve_app_bridge
from support import Merchant, bearer, install


class ApiTraffic:
    """Every /api/ call the page makes: status and the session token it carried."""

    def __init__(self, page, app_url: str):
        self.calls: list[tuple[str, int]] = []
        self.tokens: list[str] = []
        prefix = app_url + "/api/"
        page.on(
            "response", lambda r: self.calls.append((r.url, r.status)) if r.url.startswith(prefix) else None
        )
        page.on(
            "request",
            lambda r: (
                self.tokens.append(r.headers.get("authorization", "")) if r.url.startswith(prefix) else None
            ),
        )

    def refused(self) -> list[tuple[str, int]]:
        return [(url, status) for url, status in self.calls if status == 401]


@pytest.fixture
def merchant(app_server, stand_in, shop_domain, runtime):
    install(app_server.url, shop_domain)
    runtime.jobs.drain()  # the shop's currency and time zone, read through the Admin API
    merchant = Merchant(app_server.url, stand_in, shop_domain)
    assert merchant.create_creator("anna", "ANNA15", "15").status_code == 201
    assert (
        merchant.post(
            "/api/creators/anna/spend", {"kind": "fee", "date": "2026-03-01", "amount": "300.00"}
        ).status_code
        == 201
    )
    return merchant


def _open_admin(page, stand_in, shop_domain, settings):
    page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}")
    frame = page.frame_locator("#app-frame")
    frame.locator("body[data-api-ready='1'], body[data-app-bridge='missing']").wait_for(timeout=30_000)
    assert frame.locator("body[data-app-bridge='missing']").count() == 0, (
        "App Bridge did not start in the app's page"
    )
    frame.locator("body[data-roi-ready]").wait_for(timeout=30_000)
    return frame


def _app_frame(page, app_url: str):
    return next(f for f in page.frames if f.url.startswith(app_url))


def _wait_until_refused(app_url: str, token: str) -> None:
    """Real time passes until the app refuses `token` (exp, plus the 10 s leeway Shopify's libraries
    allow)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if requests.get(app_url + "/api/shop", headers=bearer(token), timeout=60).status_code == 401:
            return
        time.sleep(0.5)
    pytest.fail("the page-load session token never expired")


def test_the_app_starts_app_bridge_and_every_call_succeeds(
    merchant, app_server, stand_in, shop_domain, settings, page, screenshots
):
    """Fails when the template loads App Bridge `async`/`defer` or after another script: the
    stand-in's App Bridge then refuses to start, and the page can make no call at all."""
    serve_app_bridge(page, stand_in)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    traffic = ApiTraffic(page, app_server.url)

    frame = _open_admin(page, stand_in, shop_domain, settings)
    app = _app_frame(page, app_server.url)
    assert app.evaluate("typeof window.shopify === 'object' && typeof shopify.idToken") == "function"
    assert frame.locator("#roi-table tbody tr[data-handle=anna]").count() == 1
    assert frame.locator("#no-app-bridge").is_hidden()
    assert traffic.calls and traffic.refused() == []
    assert not [e for e in errors if "App Bridge" in e], errors
    page.screenshot(path=str(screenshots / "embedded-app-with-app-bridge.png"))


def test_a_page_left_open_past_token_expiry_keeps_working(
    merchant, app_server, stand_in, shop_domain, settings, page, screenshots
):
    serve_app_bridge(page, stand_in)
    # The admin opens the app with a token issued 55 s ago: dead 5 s later (+10 s leeway), so the
    # test need not wait a minute for the page-load token to die.
    stand_in.control.admin_frame(shop_domain, id_token_age=55)
    page.clock.install()
    frame = _open_admin(page, stand_in, shop_domain, settings)
    page_load_token = dict(parse_qsl(urlsplit(_app_frame(page, app_server.url).url).query))["id_token"]

    _wait_until_refused(app_server.url, page_load_token)
    page.clock.fast_forward("05:00")  # the merchant comes back five minutes later
    traffic = ApiTraffic(page, app_server.url)

    # A range change.
    frame.locator("#roi-range").select_option("custom")
    frame.locator("#roi-from").fill("2026-03-01")
    frame.locator("#roi-to").fill("2026-03-31")
    frame.locator("body[data-roi-range='2026-03-01..2026-03-31']").wait_for(timeout=30_000)
    # Opening a creator.
    frame.locator("#roi-table tbody tr[data-handle=anna] td.creator a").click()
    detail = frame.locator("#roi-detail")
    detail.wait_for(timeout=30_000)
    assert detail.locator("[data-figure=spend] .metric-value").inner_text() == "€300.00"
    # A form submit: 10.00 of other spend in March, so spend 300.00 + 10.00 = 310.00.
    add = frame.locator("#spend-card form.spend-form").last
    add.locator("select[name=kind]").select_option("other")
    add.locator("input[name=date]").fill("2026-03-15")
    add.locator("input[name=amount]").fill("10.00")
    add.get_by_role("button", name="Add spend").click()
    frame.locator("#spend-lines tbody tr[data-entry]", has_text="Other").wait_for(timeout=30_000)
    detail.locator("[data-figure=spend] .metric-value", has_text="€310.00").wait_for(timeout=30_000)

    assert traffic.calls and traffic.refused() == []
    assert f"Bearer {page_load_token}" not in traffic.tokens  # each call asked App Bridge anew
    assert len(set(traffic.tokens)) == len(traffic.tokens)
    page.screenshot(path=str(screenshots / "embedded-app-after-five-minutes.png"))


def test_opening_the_app_with_an_expired_token_bounces_to_the_working_page(
    merchant, app_server, stand_in, shop_domain, settings, page, screenshots
):
    serve_app_bridge(page, stand_in)
    stand_in.control.admin_frame(shop_domain, id_token_age=300)  # the admin's token died four minutes ago
    documents: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: (
            documents.append((urlsplit(r.url).path, r.status))
            if r.url.startswith(app_server.url)
            and r.request.resource_type in ("document", "fetch")
            and not urlsplit(r.url).path.startswith("/api/")
            else None
        ),
    )

    frame = _open_admin(page, stand_in, shop_domain, settings)
    assert frame.locator("#roi-table tbody tr[data-handle=anna]").count() == 1
    # The admin's load was bounced, App Bridge fetched the page again with a fresh token.
    assert documents[:3] == [("/", 302), ("/auth/session-token", 200), ("/", 200)]
    query = dict(parse_qsl(urlsplit(_app_frame(page, app_server.url).url).query))
    assert "id_token" not in query and "shopify-reload" not in query and query["shop"] == shop_domain
    page.screenshot(path=str(screenshots / "embedded-app-after-bounce.png"))

    # Reloading the frame (its URL has no token now) bounces again and works again.
    traffic = ApiTraffic(page, app_server.url)
    app = _app_frame(page, app_server.url)
    app.evaluate("window.__beforeReload = true; location.reload()")
    # A new window once reloaded (the old one's marker gone), then the page's first calls done.
    app.wait_for_function(
        "() => !window.__beforeReload && document.body && document.body.dataset.apiReady === '1'",
        timeout=30_000,
    )
    assert traffic.calls and traffic.refused() == []
