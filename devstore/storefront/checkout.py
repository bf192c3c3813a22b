"""Checkout: ``GET /checkout`` (the cart's lines, its discount, an e-mail field, "Pay now"; publishes
``checkout_started``), ``POST /checkout`` (places a real order, exactly as the control API's order creation
does: ``orders/create`` and ``orders/paid`` go to the app through the shop's order channel, in the
background) and ``/checkouts/<token>/thank-you`` (publishes ``checkout_completed`` once).

The order carries what Shopify records of the visit: ``landing_site`` (the path and query of the visit's
first page), ``landing_site_ref`` (its ``ref`` parameter), ``referring_site``, ``cart_token``,
``checkout_token``, the discount code when checkout accepts it, each line's product, variant, title, price
and quantity, the e-mail typed, and the shop's clock as its time. Sources: Order,
https://shopify.dev/docs/api/admin-rest/latest/resources/order (``landing_site``, ``landing_site_ref``,
``referring_site``, ``cart_token``, ``checkout_token``); checkout_completed ("triggered once for each
checkout, typically on the Thank you page"),
https://shopify.dev/docs/api/web-pixels-api/standard-events/checkout_completed.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, abort, g, redirect, request

from devstore.context import runtime
from devstore.orders import order_records
from devstore.store import times, web_pixels
from devstore.storefront import catalog, pages, payloads, visits
from devstore.storefront.pages import render
from devstore.webhooks import order_events

bp = Blueprint("storefront_checkout", __name__, template_folder="templates")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


bp.before_request(pages.open_browser)
bp.after_request(pages.write_cookies)


def _token(cart: dict) -> str:
    with runtime().store.lock:
        if not cart.get("checkout_token"):
            cart["checkout_token"] = secrets.token_hex(16)
        return cart["checkout_token"]


def _page(prices: dict, error: str | None = None, email: str | None = None, status: int = 200):
    token = _token(g.browser.cart)
    event = {"name": "checkout_started", "data": {"checkout": payloads.checkout(prices, token, email)}}
    return render("storefront/checkout.html", "Checkout", [event], prices, error=error, email=email), status


@bp.get("/<shop:shop_domain>/checkout")
def checkout_page(shop_domain: str):
    rt, browser = runtime(), g.browser
    prices = catalog.priced(rt.store, browser.shop, browser.cart)
    if not prices["lines"]:
        return redirect(f"{visits.shop_path(browser.shop)}/cart", 302)
    return _page(prices)


def _spec(prices: dict, email: str, token: str) -> dict:
    rt, browser = runtime(), g.browser
    landing = browser.visit["landing_site"]
    refs = parse_qs(urlsplit(landing or "").query).get("ref")
    lines = [
        {
            "title": line["product"]["title"],
            "price": line["variant"]["price"],
            "quantity": line["quantity"],
            "product_id": line["product"]["id"],
            "variant_id": line["variant"]["id"],
            "variant_title": line["variant"]["title"],
            "sku": line["variant"]["sku"] or None,
            "vendor": line["product"].get("vendor"),
        }
        for line in prices["lines"]
    ]
    return {
        "created_at": times.local_iso(browser.shop, times.now(rt.store, browser.shop)),
        "email": email,
        "line_items": lines,
        "discount_code": prices["discount_spec"],
        "landing_site": landing,
        "landing_site_ref": refs[0] if refs else None,
        "referring_site": browser.visit["referring_site"],
        "cart_token": browser.cart["token"],
        "checkout_token": token,
        "source_name": "web",
        "financial_status": "paid",
    }


def _order_view(rest: dict, first: bool) -> dict:
    """The placed order as checkout_completed's ``checkout.order`` and totals need it."""
    form = web_pixels.storefront_settings(runtime().store, g.browser.shop)["order_id_form"]
    return {
        "id": f"gid://shopify/OrderIdentity/{rest['id']}" if form == "gid" else str(rest["id"]),
        "customer_id": rest["customer"]["id"],
        "first": first,
        "line_ids": [line["id"] for line in rest["line_items"]],
        "totals": {k: rest[k] for k in ("subtotal_price", "total_price", "total_tax")},
    }


@bp.post("/<shop:shop_domain>/checkout")
def pay(shop_domain: str):
    rt, browser = runtime(), g.browser
    email = (request.form.get("email") or "").strip()
    prices = catalog.priced(rt.store, browser.shop, browser.cart, email, request.form.get("discount_code"))
    if not prices["lines"]:
        return redirect(f"{visits.shop_path(browser.shop)}/cart", 302)
    if not EMAIL_RE.fullmatch(email):
        return _page(prices, "Enter a valid email", email, 422)
    token = _token(browser.cart)
    with rt.store.lock:
        record, events = order_records.place(rt.store, browser.shop, _spec(prices, email, token))
        events = order_events.snapshot(events)
        rest = events[0][1]
        customer = rest["customer"]["id"]
        count = sum(r["rest"]["customer"]["id"] == customer for r in rt.store.records(browser.shop, "orders"))
        view = _order_view(rest, count == 1)
        visits.checkouts(rt.store, browser.shop)[token] = {
            "order": {k: rest[k] for k in ("id", "name", "email", "total_price", "currency")},
            "checkout": payloads.checkout(prices, token, email, view),
            "published": False,
        }
    order_events.send(rt.config, rt.store, browser.shop, events, background=True)
    visits.replace_cart(rt.store, browser)
    return redirect(f"{visits.shop_path(browser.shop)}/checkouts/{token}/thank-you", 303)


@bp.get("/<shop:shop_domain>/checkouts/<token>/thank-you")
def thank_you(shop_domain: str, token: str):
    rt, browser = runtime(), g.browser
    with rt.store.lock:
        done = visits.checkouts(rt.store, browser.shop).get(token)
        if done is None:
            abort(404)
        events = (
            []
            if done["published"]
            else [{"name": "checkout_completed", "data": {"checkout": done["checkout"]}}]
        )
        done["published"] = True
    return render("storefront/thank_you.html", "Thank you", events, order=done["order"])
