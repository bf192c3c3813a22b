"""What the storefront remembers of a browser, through its cookies (scoped to the shop's path, since every
shop shares the stand-in's origin): the client id (``_shopify_y``, a year), the visit (``_shopify_s``,
30 minutes from the last request: its first page is the order's ``landing_site``, its referrer the
``referring_site``), the cart (``cart``, 14 days) and the visitor's consent (``_tracking_consent``).

Sources: Shopify's cookie list, https://www.shopify.com/legal/cookies (``_shopify_y`` one year,
``_shopify_s`` 30 minutes, ``cart`` two weeks, ``_tracking_consent`` one year); Order ``landing_site``
("The URL for the page where the buyer landed when they entered the shop") and ``referring_site``
("The website where the customer clicked a link to the shop"),
https://shopify.dev/docs/api/admin-rest/latest/resources/order; Customer Privacy API,
https://shopify.dev/docs/api/customer-privacy (processing is allowed where the merchant's region
settings need no consent, else only once the visitor consented).
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field
from urllib.parse import unquote

from flask import Request, Response

from devstore.store import web_pixels
from devstore.store.state import Shop, Store

KEY = "storefront"
CLIENT, VISIT, CART, CONSENT = "_shopify_y", "_shopify_s", "cart", "_tracking_consent"
AGES = {CLIENT: 365 * 86400, VISIT: 1800, CART: 14 * 86400, CONSENT: 365 * 86400}
FLAGS = (
    "analyticsProcessingAllowed",
    "marketingAllowed",
    "preferencesProcessingAllowed",
    "saleOfDataAllowed",
)


@dataclass
class Browser:
    """One request's view of the browser: its ids and the records they name (live, under the store lock)."""

    shop: Shop
    client_id: str
    visit: dict
    cart: dict
    consent: dict | None  # the visitor's choice ({flag: bool}), None before any
    set_cookies: dict[str, str] = field(default_factory=dict)


def _state(shop: Shop) -> dict:
    return shop.extras.setdefault(KEY, {"visits": {}, "carts": {}, "checkouts": {}})


def shop_path(shop: Shop) -> str:
    return f"/{shop.domain}"


def _external_referrer(request: Request, shop: Shop) -> str | None:
    referrer = request.referrer or None
    own = request.host_url.rstrip("/") + shop_path(shop)
    return None if referrer is None or referrer.startswith(own) else referrer


def _landing(request: Request, shop: Shop) -> str:
    path = request.path[len(shop_path(shop)) :] or "/"
    query = request.query_string.decode("latin-1")
    return f"{path}?{query}" if query else path


def _consent(raw: str | None) -> dict | None:
    try:
        value = json.loads(unquote(raw or ""))
    except ValueError:
        return None
    if not isinstance(value, dict) or not all(isinstance(value.get(f), bool) for f in FLAGS):
        return None
    return {f: value[f] for f in FLAGS}


def open_browser(store: Store, shop: Shop, request: Request, clock: float) -> Browser:
    """The browser behind ``request``: a new client id, visit or cart when its cookie is missing or stale."""
    with store.lock:
        state = _state(shop)
        sets: dict[str, str] = {}
        client = request.cookies.get(CLIENT) or sets.setdefault(CLIENT, str(uuid.uuid4()))
        visit = state["visits"].get(request.cookies.get(VISIT, ""))
        if visit is None or clock - visit["last_seen"] > AGES[VISIT]:
            visit = {"id": secrets.token_hex(16), "started": clock, "landing_site": _landing(request, shop)}
            visit["referring_site"] = _external_referrer(request, shop)
            state["visits"][visit["id"]] = visit
        visit["last_seen"] = clock
        sets[VISIT] = visit["id"]
        cart = state["carts"].get(request.cookies.get(CART, ""))
        if cart is None:
            cart = new_cart(shop)
            sets[CART] = cart["token"]
        return Browser(shop, client, visit, cart, _consent(request.cookies.get(CONSENT)), sets)


def new_cart(shop: Shop) -> dict:
    """An empty cart, stored (caller holds the store lock)."""
    cart = {"token": secrets.token_hex(16), "lines": [], "discount_code": None, "checkout_token": None}
    _state(shop)["carts"][cart["token"]] = cart
    return cart


def replace_cart(store: Store, browser: Browser) -> None:
    """After a checkout the browser starts an empty cart."""
    with store.lock:
        browser.cart = new_cart(browser.shop)
        browser.set_cookies[CART] = browser.cart["token"]


def checkouts(store: Store, shop: Shop) -> dict:
    """token -> completed checkout (the thank-you page's record); live, use under the store lock."""
    with store.lock:
        return _state(shop)["checkouts"]


def write_cookies(browser: Browser, response: Response) -> Response:
    for name, value in browser.set_cookies.items():
        response.set_cookie(name, value, max_age=AGES[name], path=shop_path(browser.shop), samesite="Lax")
    return response


def privacy(store: Store, browser: Browser) -> dict:
    """``customerPrivacy`` as pixels get it, with ``decided`` (the visitor chose) and ``required`` (the
    shop asks for consent: ``consent_required``). Undecided: allowed unless consent is required."""
    required = web_pixels.storefront_settings(store, browser.shop)["consent_required"]
    flags = dict(browser.consent) if browser.consent is not None else {f: not required for f in FLAGS}
    return {**flags, "decided": browser.consent is not None, "required": required}
