"""The ``data`` of Shopify's standard customer events, and ``init.data``, as the storefront publishes them
to pixels (the top frame adds ``id``, ``name``, ``type``, ``timestamp``, ``clientId``, ``seq``, ``context``).

Sources (the Web Pixels API reference): page_viewed ("No additional data is provided by design"),
https://shopify.dev/docs/api/web-pixels-api/standard-events/page_viewed; product_viewed
(``productVariant``), .../standard-events/product_viewed; product_added_to_cart (``cartLine``:
``cost.totalAmount``, ``merchandise``, ``quantity``), .../standard-events/product_added_to_cart;
checkout_started and checkout_completed (``checkout``: ``lineItems``, ``totalPrice``, ``currencyCode``,
``discountApplications``, ``order``, ``token``, ...), .../standard-events/checkout_completed; ``init``,
https://shopify.dev/docs/api/web-pixels-api/standard-api/init (``data.customer``, ``data.cart``,
``data.shop``). ``MoneyV2.amount`` is a number; product and variant ids are numeric strings; a product's
``url`` is its path on the shop.

``checkout.order.id``: Shopify's docs do not give its form and shops were seen sending both
``gid://shopify/OrderIdentity/<n>`` and ``<n>`` (Shopify/cli issue #1630,
https://github.com/Shopify/cli/issues/1630); the stand-in sends the GID unless the shop's storefront
setting ``order_id_form`` is ``numeric``.
"""

from __future__ import annotations

from decimal import Decimal

from devstore.store.state import Shop


def money(amount, currency: str) -> dict:
    return {"amount": float(Decimal(str(amount))), "currencyCode": currency}


def product_variant(product: dict, variant: dict, currency: str) -> dict:
    title = variant["title"]
    return {
        "id": str(variant["id"]),
        "image": None,
        "price": money(variant["price"], currency),
        "product": {
            "id": str(product["id"]),
            "title": product["title"],
            "untranslatedTitle": product["title"],
            "type": product.get("product_type") or None,
            "url": f"/products/{product['handle']}",
            "vendor": product.get("vendor") or "",
        },
        "sku": variant.get("sku") or None,
        "title": title,
        "untranslatedTitle": title,
    }


def cart_line(line: dict, currency: str) -> dict:
    return {
        "cost": {"totalAmount": money(line["total"], currency)},
        "merchandise": product_variant(line["product"], line["variant"], currency),
        "quantity": line["quantity"],
    }


def cart(token: str, prices: dict) -> dict | None:
    """``init.data.cart`` (null for an empty cart, as a visitor without one has)."""
    if not prices["lines"]:
        return None
    cur = prices["currency"]
    return {
        "attributes": [],
        "cost": {"totalAmount": money(prices["total"], cur)},
        "id": token,
        "lines": [cart_line(line, cur) for line in prices["lines"]],
        "totalQuantity": prices["quantity"],
    }


def shop_data(shop: Shop, storefront_url: str) -> dict:
    return {
        "countryCode": "US",
        "myshopifyDomain": shop.domain,
        "name": shop.name,
        "paymentSettings": {"currencyCode": shop.currency},
        "storefrontUrl": storefront_url,
    }


def _discount_application(spec: dict, currency: str) -> dict:
    percentage = spec["type"] == "percentage"
    value = {"percentage": float(Decimal(spec["value"]))} if percentage else money(spec["value"], currency)
    return {
        "allocationMethod": "ACROSS",
        "targetSelection": "ALL",
        "targetType": "LINE_ITEM",
        "title": spec["code"],
        "type": "DISCOUNT_CODE",
        "value": value,
    }


def _line_item(line: dict, index: int, cur: str, application: dict | None, ids: list) -> dict:
    allocated = line.get("allocation", Decimal("0"))
    allocations = []
    if application and allocated > 0:
        allocations.append({"amount": money(allocated, cur), "discountApplication": application})
    return {
        "discountAllocations": allocations,
        "finalLinePrice": money(line["total"] - allocated, cur),
        "id": str(ids[index]) if index < len(ids) else f"line-{index + 1}",
        "properties": [],
        "quantity": line["quantity"],
        "sellingPlanAllocation": None,
        "title": line["product"]["title"],
        "variant": product_variant(line["product"], line["variant"], cur),
    }


def checkout(prices: dict, token: str, email: str | None = None, order: dict | None = None) -> dict:
    """The ``checkout`` of checkout_started (``order`` None) and checkout_completed. ``order`` carries the
    placed order's ``id`` (as pixels see it), ``customer_id``, ``first``, ``line_ids`` and REST totals."""
    cur, spec = prices["currency"], prices["discount_spec"]
    application = _discount_application(spec, cur) if spec else None
    ids = (order or {}).get("line_ids", [])
    totals = (order or {}).get("totals", {})
    return {
        "attributes": [],
        "billingAddress": None,
        "buyerAcceptsEmailMarketing": False,
        "buyerAcceptsSmsMarketing": False,
        "currencyCode": cur,
        "delivery": None,
        "discountApplications": [application] if application else [],
        "discountsAmount": money(prices["discount"], cur),
        "email": email,
        "lineItems": [_line_item(line, i, cur, application, ids) for i, line in enumerate(prices["lines"])],
        "localization": {
            "country": {"isoCode": "US"},
            "language": {"isoCode": "EN"},
            "market": {"handle": "us", "id": None},
        },
        "order": _order(order),
        "phone": None,
        "shippingAddress": None,
        "shippingLine": None,
        "smsMarketingPhone": None,
        "subtotalPrice": money(totals.get("subtotal_price", prices["subtotal"] - prices["discount"]), cur),
        "token": token,
        "totalPrice": money(totals.get("total_price", prices["total"]), cur),
        "totalTax": money(totals.get("total_tax", "0"), cur),
        "transactions": _transactions(order, prices, cur),
    }


def _order(order: dict | None) -> dict | None:
    if order is None:
        return None
    return {"customer": {"id": str(order["customer_id"]), "isFirstOrder": order["first"]}, "id": order["id"]}


def _transactions(order: dict | None, prices: dict, cur: str) -> list[dict]:
    if order is None:
        return []
    amount = order.get("totals", {}).get("total_price", prices["total"])
    return [
        {
            "amount": money(amount, cur),
            "gateway": "bogus",
            "paymentMethod": {"name": "Bogus Gateway", "type": "creditCard"},
        }
    ]
