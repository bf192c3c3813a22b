"""The online store over HTTP: pages and their standard events, the cart, discount links, and a checkout that
places a real order (landing page, referrer, discount, lines, e-mail) and sends orders/create."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
import requests
from devstore_pixel_support import (
    PIXEL_SCOPES,
    add_product,
    app_extension_dir,
    create_pixel,
    event_names,
    install,
    page_config,
    write_extension,
)

SHOP = "store.myshopify.com"


@pytest.fixture
def store(devstore):
    devstore.control.create_shop(SHOP, name="Trail Store", currency="USD", scopes=PIXEL_SCOPES)
    product = add_product(devstore, SHOP)
    devstore.control.create_discount(SHOP, "ANNA15", percentage=0.15, startsAt="2026-01-01T00:00:00Z")
    return product


def _buy(devstore, browser: requests.Session, variant_id: int, email="buyer@example.com", **form):
    origin = devstore.origin(SHOP)
    assert browser.post(f"{origin}/cart/add", data={"id": variant_id, "quantity": 2}).status_code == 200
    checkout = browser.get(f"{origin}/checkout")
    assert checkout.status_code == 200 and "Pay now" in checkout.text
    paid = browser.post(f"{origin}/checkout", data={"email": email, **form}, allow_redirects=False)
    assert paid.status_code == 303, paid.text[:300]
    return paid.headers["Location"]


def test_a_checkout_places_the_order_with_the_visits_landing_page_referrer_and_discount(
    devstore, store, receiver
):
    install(devstore, SHOP)
    devstore.control.set_clock(SHOP, "2026-07-01T14:00:00Z")
    browser, origin = requests.Session(), devstore.origin(SHOP)
    landing = browser.get(
        f"{origin}/products/trail-shoe?ref=anna&utm_content=anna",
        headers={"Referer": "https://www.instagram.com/"},
    )
    assert landing.status_code == 200 and "Add to cart" in landing.text
    assert browser.get(f"{origin}/discount/ANNA15?redirect=/cart").url == f"{origin}/cart"
    variant = store["variants"][0]
    thank_you = _buy(devstore, browser, variant["id"], discount_code="ANNA15")
    assert thank_you.startswith(f"/{SHOP}/checkouts/") and thank_you.endswith("/thank-you")
    order = devstore.control.order(SHOP, devstore.control.orders(SHOP)[0]["id"])
    assert order["landing_site"] == "/products/trail-shoe?ref=anna&utm_content=anna"
    assert order["landing_site_ref"] == "anna"
    assert order["referring_site"] == "https://www.instagram.com/"
    assert order["created_at"] == "2026-07-01T10:00:00-04:00"
    assert order["email"] == order["customer"]["email"] == "buyer@example.com"
    assert [c["code"] for c in order["discount_codes"]] == ["ANNA15"]
    assert order["total_price"] == "136.00" and order["source_name"] == "web"
    line = order["line_items"][0]
    assert (line["product_id"], line["variant_id"], line["title"]) == (
        store["id"],
        variant["id"],
        "Trail Shoe",
    )
    assert (line["price"], line["quantity"], line["sku"], line["vendor"]) == ("80.00", 2, "TS-42", "Acme")
    sent = devstore.control.wait_deliveries(SHOP, topic="orders/create")
    assert sent[0]["status_code"] == 200 and sent[0]["payload"]["id"] == order["id"]
    assert sent[0]["payload"]["landing_site"] == order["landing_site"]
    assert any(json.loads(r["body"])["id"] == order["id"] for r in receiver.received)
    assert browser.get(f"{origin}/cart").text.count("Your cart is empty") == 1


def test_the_apps_auto_apply_link_lands_on_the_discount_path_and_keeps_the_utms(devstore, store):
    browser, origin = requests.Session(), devstore.origin(SHOP)
    utm = {"utm_source": "instagram", "utm_medium": "post", "utm_content": "anna", "ref": "anna"}
    query = urlencode({"redirect": f"/?{urlencode(utm)}", **utm})
    home = browser.get(f"{origin}/discount/ANNA15?{query}")
    assert home.url == f"{origin}/?{urlencode(utm)}"
    _buy(devstore, browser, store["variants"][0]["id"])
    order = devstore.control.order(SHOP, devstore.control.orders(SHOP)[0]["id"])
    assert order["landing_site"] == f"/discount/ANNA15?{query}"
    assert order["landing_site_ref"] == "anna" and order["referring_site"] is None
    assert [c["code"] for c in order["discount_codes"]] == ["ANNA15"]


def test_a_code_checkout_would_refuse_is_not_applied(devstore, store):
    browser, origin = requests.Session(), devstore.origin(SHOP)
    browser.get(f"{origin}/discount/NOPE10?redirect=/products/trail-shoe")
    browser.post(f"{origin}/cart/add", data={"id": store["variants"][0]["id"], "quantity": 1})
    assert "NOPE10 isn&#39;t a valid discount code right now." in browser.get(f"{origin}/checkout").text
    browser.post(f"{origin}/checkout", data={"email": "b@example.com", "discount_code": "NOPE10"})
    order = devstore.control.order(SHOP, devstore.control.orders(SHOP)[0]["id"])
    assert order["discount_codes"] == [] and order["total_price"] == "80.00"


def test_checkout_needs_an_email_and_a_cart(devstore, store):
    browser, origin = requests.Session(), devstore.origin(SHOP)
    assert browser.get(f"{origin}/checkout", allow_redirects=False).headers["Location"] == f"/{SHOP}/cart"
    browser.post(f"{origin}/cart/add", data={"id": store["variants"][0]["id"], "quantity": 1})
    refused = browser.post(f"{origin}/checkout", data={"email": "not-an-email"})
    assert refused.status_code == 422 and "Enter a valid email" in refused.text
    assert devstore.control.orders(SHOP) == []
    assert browser.post(f"{origin}/cart/add", data={"id": 1, "quantity": 1}).status_code == 404
    assert (
        browser.post(f"{origin}/cart/add", data={"id": store["variants"][0]["id"], "quantity": 0}).status_code
        == 422
    )


def test_pages_publish_the_standard_events_with_their_documented_data(devstore, store):
    browser, origin = requests.Session(), devstore.origin(SHOP)
    assert event_names(browser.get(f"{origin}/").text) == ["page_viewed"]
    viewed = page_config(browser.get(f"{origin}/products/trail-shoe").text)
    assert [e["name"] for e in viewed["events"]] == ["page_viewed", "product_viewed"]
    variant = viewed["events"][1]["data"]["productVariant"]
    assert variant["price"] == {"amount": 80.0, "currencyCode": "USD"}
    assert variant["product"] == {
        "id": str(store["id"]),
        "title": "Trail Shoe",
        "untranslatedTitle": "Trail Shoe",
        "type": None,
        "url": "/products/trail-shoe",
        "vendor": "Acme",
    }
    assert (variant["id"], variant["sku"], variant["title"]) == (
        str(store["variants"][0]["id"]),
        "TS-42",
        "42",
    )
    added = browser.post(
        f"{origin}/cart/add.js", data={"id": store["variants"][0]["id"], "quantity": 3}
    ).json()
    assert added["cartLine"]["quantity"] == 3 and added["cartLine"]["cost"]["totalAmount"]["amount"] == 240.0
    started = page_config(browser.get(f"{origin}/checkout").text)
    assert [e["name"] for e in started["events"]] == ["page_viewed", "checkout_started"]
    assert started["events"][1]["data"]["checkout"]["order"] is None
    assert started["init"]["data"]["cart"]["totalQuantity"] == 3
    done = browser.post(f"{origin}/checkout", data={"email": "b@example.com"})
    completed = page_config(done.text)["events"][1]["data"]["checkout"]
    order = devstore.control.orders(SHOP)[0]
    assert completed["order"]["id"] == f"gid://shopify/OrderIdentity/{order['id']}"
    assert completed["totalPrice"] == {"amount": 240.0, "currencyCode": "USD"}
    assert completed["lineItems"][0]["quantity"] == 3 and completed["discountApplications"] == []
    assert event_names(browser.get(done.url).text) == ["page_viewed"]  # checkout_completed fires once


def test_the_order_id_form_and_the_consent_rule_are_the_shops_settings(devstore, store):
    devstore.control.storefront(SHOP, order_id_form="numeric", consent_required=True)
    browser, origin = requests.Session(), devstore.origin(SHOP)
    home = browser.get(f"{origin}/")
    consent = page_config(home.text)["consent"]
    assert consent["analyticsProcessingAllowed"] is False and consent["decided"] is False
    assert '<section id="consent-banner" aria-labelledby="consent-title" >' in home.text
    flags = [
        "analyticsProcessingAllowed",
        "marketingAllowed",
        "preferencesProcessingAllowed",
        "saleOfDataAllowed",
    ]
    browser.cookies.set("_tracking_consent", quote(json.dumps(dict.fromkeys(flags, True))), path=f"/{SHOP}")
    accepted = browser.get(f"{origin}/")
    assert page_config(accepted.text)["consent"]["analyticsProcessingAllowed"] is True
    assert 'aria-labelledby="consent-title" hidden' in accepted.text
    browser.post(f"{origin}/cart/add", data={"id": store["variants"][0]["id"], "quantity": 1})
    done = browser.post(f"{origin}/checkout", data={"email": "b@example.com"})
    order = devstore.control.orders(SHOP)[0]
    assert page_config(done.text)["events"][1]["data"]["checkout"]["order"]["id"] == str(order["id"])
    with pytest.raises(Exception, match="order_id_form"):
        devstore.control.storefront(SHOP, order_id_form="other")


def test_the_pixel_is_on_the_page_only_while_the_app_holds_one(devstore, config, store):
    write_extension(app_extension_dir(config))
    api, token = install(devstore, SHOP)
    origin = devstore.origin(SHOP)
    assert page_config(requests.get(f"{origin}/").text)["pixel"] is None
    pixel_id = create_pixel(api, token)["webPixel"]["id"].rsplit("/", 1)[1]
    pixel = page_config(requests.get(f"{origin}/").text)["pixel"]
    assert pixel["requires"] == ["analyticsProcessingAllowed"]
    source = requests.get(f"{devstore.url}{pixel['extension']}")
    assert 'from "/_devstore/web-pixels/web-pixels-extension.js"' in source.text
    assert requests.get(f"{origin}/web-pixels@devstore/{pixel_id}/src/pixel").status_code == 200
    assert (
        requests.get(f"{origin}/web-pixels@devstore/{pixel_id}/src/../shopify.extension.toml").status_code
        == 404
    )
    devstore.control.uninstall(SHOP)
    assert page_config(requests.get(f"{origin}/").text)["pixel"] is None
    assert requests.get(f"{devstore.url}{pixel['extension']}").status_code == 404


def test_a_visit_ends_after_30_minutes_without_a_page(devstore, store):
    browser, origin = requests.Session(), devstore.origin(SHOP)
    browser.get(f"{origin}/?ref=first")
    with devstore.store.lock:
        for visit in devstore.store.get_shop(SHOP).extras["storefront"]["visits"].values():
            visit["last_seen"] -= 31 * 60
    browser.get(f"{origin}/collections/all?ref=second")
    _buy(devstore, browser, store["variants"][0]["id"])
    order = devstore.control.order(SHOP, devstore.control.orders(SHOP)[0]["id"])
    assert order["landing_site"] == "/collections/all?ref=second"


def test_the_admin_api_names_each_lines_product(devstore, store):
    api, token = install(devstore, SHOP)
    _buy(devstore, requests.Session(), store["variants"][0]["id"])
    devstore.control.create_order(SHOP, line_items=[{"title": "Gift card", "price": "5.00"}])
    query = "{ orders(first: 5) { nodes { lineItems(first: 5) { nodes { title product { id } } } } } }"
    body = api.graphql(query, token).json()
    assert "errors" not in body, body
    lines = [line for order in body["data"]["orders"]["nodes"] for line in order["lineItems"]["nodes"]]
    assert lines[0] == {"title": "Trail Shoe", "product": {"id": store["gid"]}}
    assert lines[1]["product"]["id"].startswith("gid://shopify/Product/")
