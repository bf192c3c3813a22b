"""The web pixel sandbox in a real browser (Debian chromium through Playwright): a test pixel, run by the
stand-in as the app's extension, receives the storefront's standard events with their documented shapes,
its `browser` storage calls reach the top frame, its fetch reaches another origin, and the consent banner
decides whether it loads."""

from __future__ import annotations

import json
import threading

import pytest
from devstore_pixel_support import SETTINGS, add_product, create_pixel, install, write_extension
from flask import Flask, request
from werkzeug.serving import make_server

SHOP = "sandbox.myshopify.com"
NOW = "2026-07-01T10:00:00.000Z"
TEST_PIXEL = """
export function start({analytics, browser, init, settings, customerPrivacy}) {
  const save = (key, value) => browser.localStorage.setItem(key, JSON.stringify(value));
  const sandbox = {window: typeof window, document: typeof document, localStorage: typeof localStorage};
  save("pixel:init", {init, settings, sandbox});
  analytics.subscribe("all_standard_events", (event) => save(`pixel:event:${event.id}`, event));
  customerPrivacy.subscribe("visitorConsentCollected", (event) => save("pixel:consent", event));
  browser.sessionStorage.setItem("pixel:session", "s1");
  browser.cookie.set("pixel_seen", "yes")
    .then(() => browser.cookie.get("pixel_seen"))
    .then((value) => save("pixel:cookie", value));
  analytics.subscribe("checkout_completed", (event) => {
    const body = JSON.stringify({o: event.data.checkout.order.id});
    const headers = {"Content-Type": "text/plain"};
    fetch(settings.endpoint, {method: "POST", body, keepalive: true, headers});
  });
}
"""


@pytest.fixture
def page(browser):  # tests/conftest.py: the process's one Playwright
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def collector():
    """The app's collector on another origin: records what the pixel POSTs (CORS: any origin)."""
    received: list[str] = []
    app = Flask("collector")

    @app.post("/pixel/events")
    def collect():
        received.append(request.get_data(as_text=True))
        return "", 204, {"Access-Control-Allow-Origin": "*"}

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/pixel/events", received
    server.shutdown()


@pytest.fixture
def pixel_shop(devstore, tmp_path, collector):
    extension = write_extension(tmp_path / "test-pixel", pixel_js=TEST_PIXEL)
    assert devstore.control.set_web_pixel_extension(str(extension))["found"] is True
    api, token = install(devstore, SHOP)
    product = add_product(devstore, SHOP)
    assert create_pixel(api, token, {**SETTINGS, "endpoint": collector[0]})["userErrors"] == []
    return product


def _events(page, count: int) -> list[dict]:
    """The events the pixel stored in the top frame's localStorage, in publishing order."""
    page.wait_for_function(
        "n => Object.keys(localStorage).filter(k => k.startsWith('pixel:event:')).length >= n", arg=count
    )
    raw = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('pixel:event:')).map(k => localStorage[k])"
    )
    return [json.loads(e) for e in raw]


def _one(events: list[dict], name: str) -> dict:
    found = [e for e in events if e["name"] == name]
    assert len(found) == 1, [e["name"] for e in events]
    return found[0]


def _stored(page, key: str):
    page.wait_for_function("k => localStorage.getItem(k) !== null", arg=key)
    return json.loads(page.evaluate("k => localStorage.getItem(k)", key))


def _check_envelope(event: dict, name: str, client_id: str, href_end: str) -> None:
    assert event["name"] == name and event["type"] == "standard" and event["id"].startswith("sh-")
    assert event["timestamp"] == NOW and event["clientId"] == client_id and isinstance(event["seq"], int)
    assert event["context"]["document"]["location"]["href"].endswith(href_end)
    assert set(event["context"]) == {"document", "navigator", "window"}


def test_the_pixel_gets_the_standard_events_and_its_storage_reaches_the_top_frame(
    devstore, pixel_shop, page, collector
):
    origin = devstore.origin(SHOP)
    page.clock.set_fixed_time(NOW)
    page.goto(f"{origin}/products/trail-shoe?ref=anna")
    page.wait_for_selector("html[data-web-pixel='ready']")
    client_id = next(c["value"] for c in page.context.cookies() if c["name"] == "_shopify_y")
    viewed = sorted(_events(page, 2), key=lambda e: e["seq"])
    _check_envelope(viewed[0], "page_viewed", client_id, "/products/trail-shoe?ref=anna")
    _check_envelope(viewed[1], "product_viewed", client_id, "/products/trail-shoe?ref=anna")
    assert viewed[0]["data"] == {} and [e["seq"] for e in viewed] == [0, 1]
    variant = viewed[1]["data"]["productVariant"]
    assert variant["product"]["id"] == str(pixel_shop["id"]) and variant["price"]["amount"] == 80.0
    started = _stored(page, "pixel:init")
    assert started["sandbox"] == {"window": "undefined", "document": "undefined", "localStorage": "undefined"}
    assert started["settings"]["endpoint"] == collector[0]
    assert started["init"]["customerPrivacy"]["analyticsProcessingAllowed"] is True
    assert started["init"]["data"]["shop"]["myshopifyDomain"] == SHOP
    assert _stored(page, "pixel:cookie") == "yes"
    assert page.evaluate("sessionStorage.getItem('pixel:session')") == "s1"

    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("status").filter(has_text="Added to cart").wait_for()
    added = _one(_events(page, 3), "product_added_to_cart")
    _check_envelope(added, "product_added_to_cart", client_id, "/products/trail-shoe?ref=anna")
    assert added["data"]["cartLine"]["quantity"] == 1
    assert added["data"]["cartLine"]["merchandise"]["product"]["id"] == str(pixel_shop["id"])

    page.goto(f"{origin}/checkout")
    _check_envelope(_one(_events(page, 5), "checkout_started"), "checkout_started", client_id, "/checkout")
    page.get_by_label("Email").fill("buyer@example.com")
    page.get_by_role("button", name="Pay now").click()
    page.wait_for_url("**/thank-you")
    completed = _one(_events(page, 7), "checkout_completed")
    order = devstore.control.order(SHOP, devstore.control.orders(SHOP)[0]["id"])
    assert completed["data"]["checkout"]["order"]["id"] == f"gid://shopify/OrderIdentity/{order['id']}"
    assert completed["data"]["checkout"]["totalPrice"] == {"amount": 80.0, "currencyCode": "USD"}
    assert order["landing_site"] == "/products/trail-shoe?ref=anna" and order["email"] == "buyer@example.com"
    for _ in range(100):  # the pixel's keepalive fetch reaches the collector
        if collector[1]:
            break
        page.wait_for_timeout(50)
    assert collector[1] == [
        json.dumps({"o": completed["data"]["checkout"]["order"]["id"]}, separators=(",", ":"))
    ]


def test_with_consent_required_the_pixel_loads_only_after_accept_and_hears_a_decline(
    devstore, pixel_shop, page
):
    devstore.control.storefront(SHOP, consent_required=True)
    origin = devstore.origin(SHOP)
    page.goto(f"{origin}/")
    banner = page.get_by_role("region", name=f"Cookies on {devstore.control.shop(SHOP)['name']}")
    banner.wait_for()
    assert page.get_attribute("html", "data-web-pixel") == "blocked"
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('pixel:')).length") == 0
    page.get_by_role("button", name="Accept").click()
    page.wait_for_selector("html[data-web-pixel='ready']")
    assert banner.is_hidden()
    page.reload()
    page.wait_for_selector("html[data-web-pixel='ready']")
    assert [e["name"] for e in _events(page, 1)] == ["page_viewed"]
    page.get_by_role("button", name="Cookie preferences").click()
    page.get_by_role("button", name="Decline").click()
    consent = _stored(page, "pixel:consent")
    assert consent["customerPrivacy"]["analyticsProcessingAllowed"] is False
    page.reload()
    assert page.get_attribute("html", "data-web-pixel") == "blocked"
