"""The online store's pages under the shop's origin (``{stand-in}/{shop}``): ``/`` and
``/collections/all`` (the products), ``/products/<handle>``, ``/cart``, ``POST /cart/add`` (a form:
``id`` = variant id, ``quantity``; redirects to the cart) and ``POST /cart/add.js`` (the Ajax API: the
added line as JSON), and ``/discount/<code>?redirect=<path>``. Checkout is ``devstore.storefront.checkout``.

Every page publishes ``page_viewed``; a product page ``product_viewed``, the cart ``cart_viewed`` (the
pixel manager, ``static/manager.js``, adds ``product_added_to_cart`` after an add). Sources: Shopify's
Cart API (``/cart/add`` with ``id`` and ``quantity``), https://shopify.dev/docs/api/ajax/reference/cart;
"Managing discount codes", *Promote a discount using a shareable link* (the code "applies automatically to
your customer's next checkout cart"; "Shareable discount links work only for active discounts"),
https://help.shopify.com/en/manual/promoting-marketing/discount-codes/managing-discount-codes, and
``DiscountShareableUrl`` (home, product or collection page),
https://shopify.dev/docs/api/admin-graphql/latest/objects/DiscountShareableUrl; standard events,
https://shopify.dev/docs/api/web-pixels-api/standard-events. Stricter: a ``redirect`` that is not a path
of the store (another host, ``//``) goes to the home page; only the ``all`` collection exists.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, redirect, render_template, request

from devstore.context import runtime, shop_or_404
from devstore.store import products
from devstore.storefront import catalog, payloads, sandbox, visits

bp = Blueprint("storefront", __name__, template_folder="templates")
PAGE_VIEWED = {"name": "page_viewed", "data": {}}


@bp.before_request
def open_browser():
    shop_domain = (request.view_args or {}).get("shop_domain")
    if shop_domain is None:
        return
    rt = runtime()
    g.browser = visits.open_browser(rt.store, shop_or_404(shop_domain), request, rt.store.clock())


@bp.after_request
def write_cookies(response):
    browser = g.get("browser")
    return visits.write_cookies(browser, response) if browser is not None else response


def render(template: str, title: str, events: list, prices: dict | None = None, **context) -> str:
    """A storefront page with its pixel manager's configuration (``events`` published on load)."""
    rt, browser = runtime(), g.browser
    prices = prices if prices is not None else catalog.priced(rt.store, browser.shop, browser.cart)
    privacy = visits.privacy(rt.store, browser)
    return render_template(
        template,
        shop=browser.shop,
        root=visits.shop_path(browser.shop),
        title=title,
        cart_count=prices["quantity"],
        pixel_config=sandbox.page_config(rt.store, rt.config, browser, prices, [PAGE_VIEWED, *events]),
        show_banner=privacy["required"] and not privacy["decided"],
        prices=prices,
        **context,
    )


def _catalog(heading: str) -> str:
    listed = runtime().store.records(g.browser.shop, products.KIND)
    return render("storefront/products.html", heading, [], products=listed, heading=heading)


@bp.get("/<shop:shop_domain>/")
def home(shop_domain: str):
    return _catalog("Home page")


@bp.get("/<shop:shop_domain>/collections/all")
def collection_all(shop_domain: str):
    return _catalog("All products")


@bp.get("/<shop:shop_domain>/products/<handle>")
def product_page(shop_domain: str, handle: str):
    rt, shop = runtime(), g.browser.shop
    product = products.by_handle(rt.store, shop, handle)
    if product is None:
        abort(404)
    variant = payloads.product_variant(product, product["variants"][0], shop.currency)
    event = {"name": "product_viewed", "data": {"productVariant": variant}}
    return render("storefront/product.html", product["title"], [event], product=product)


@bp.get("/<shop:shop_domain>/cart")
def cart_page(shop_domain: str):
    rt, browser = runtime(), g.browser
    prices = catalog.priced(rt.store, browser.shop, browser.cart)
    event = {"name": "cart_viewed", "data": {"cart": payloads.cart(browser.cart["token"], prices)}}
    return render("storefront/cart.html", "Your cart", [event], prices)


def _add() -> tuple[dict | None, tuple[str, int] | None]:
    """Add the form's variant to the browser's cart: (the added line, None) or (None, (error, status))."""
    rt, browser = runtime(), g.browser
    try:
        variant_id, quantity = int(request.form.get("id", "")), int(request.form.get("quantity", "1"))
    except ValueError:
        return None, ("Send the variant id and a whole quantity.", 422)
    if quantity < 1:
        return None, ("Quantity must be at least 1.", 422)
    line = catalog.line_of(rt.store, browser.shop, variant_id, quantity)
    if line is None:
        return None, ("Cannot find variant", 404)
    with rt.store.lock:
        lines = browser.cart["lines"]
        found = next((item for item in lines if item["variant_id"] == variant_id), None)
        if found is None:
            lines.append({"variant_id": variant_id, "quantity": quantity})
        else:
            found["quantity"] += quantity
    return line, None


@bp.post("/<shop:shop_domain>/cart/add")
def cart_add(shop_domain: str):
    line, error = _add()
    if error is not None:
        return error
    return redirect(f"{visits.shop_path(g.browser.shop)}/cart", 302)


@bp.post("/<shop:shop_domain>/cart/add.js")
def cart_add_js(shop_domain: str):
    """The Ajax API's add: the added line (``cartLine`` as pixels get it) and the cart's item count."""
    line, error = _add()
    if error is not None:
        return jsonify(status=error[1], message=error[0], description=error[0]), error[1]
    rt, browser = runtime(), g.browser
    prices = catalog.priced(rt.store, browser.shop, browser.cart)
    return jsonify(cartLine=payloads.cart_line(line, browser.shop.currency), item_count=prices["quantity"])


@bp.get("/<shop:shop_domain>/discount/<code>")
def discount_link(shop_domain: str, code: str):
    """Apply ``code`` to the cart (checkout validates it), then go to ``redirect`` (a path of the store)."""
    rt, browser = runtime(), g.browser
    with rt.store.lock:
        browser.cart["discount_code"] = code.strip() or None
    target = request.args.get("redirect", "/")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    return redirect(visits.shop_path(browser.shop) + target, 302)
