"""The storefront's view of the shop's products and a cart's prices: each line's variant and product, the
subtotal, what the cart's discount code takes off (when Shopify's checkout would accept it) and the total.

A code is taken as checkout takes it: it must name a live discount of the shop that is ``ACTIVE`` on the
shop's clock, meet its minimum subtotal or quantity, stay under its usage limit and, when it applies once
per customer, not have been used with that e-mail ("Discount codes", https://help.shopify.com/manual/
discounts/discount-types; ``DiscountCodeBasic``, https://shopify.dev/docs/api/admin-graphql/latest/objects/
DiscountCodeBasic). Otherwise the order has no discount and the checkout page says why.
"""

from __future__ import annotations

from decimal import Decimal

from devstore.discounts import code_discounts
from devstore.orders.lines import discount_total
from devstore.orders.money import ZERO, allocate, amt, cents
from devstore.store import products, times
from devstore.store.state import Shop, Store


def product_of(store: Store, shop: Shop, product_id: int) -> dict | None:
    with store.lock:
        return shop.records.get(products.KIND, {}).get(product_id)


def line_of(store: Store, shop: Shop, variant_id: int, quantity: int) -> dict | None:
    """A cart line's variant, product and amount, or None for a variant the shop does not sell."""
    variant = products.variant(store, shop, variant_id)
    product = product_of(store, shop, variant["product_id"]) if variant else None
    if product is None:
        return None
    total = cents(Decimal(variant["price"]) * quantity)
    return {"variant": variant, "product": product, "quantity": quantity, "total": total}


def _uses(store: Store, shop: Shop, code: str, email: str | None) -> tuple[int, int]:
    """(orders using ``code``, of those with ``email``), case-insensitively."""
    wanted, mail = code.casefold(), (email or "").strip().casefold()
    every = mine = 0
    for record in store.records(shop, "orders"):
        rest = record["rest"]
        if any(c["code"].casefold() == wanted for c in rest["discount_codes"]):
            every += 1
            mine += bool(mail) and (rest.get("email") or "").casefold() == mail
    return every, mine


def _refusal(record: dict, subtotal: Decimal, quantity: int, uses: tuple[int, int]) -> str | None:
    minimum = record.get("minimum") or {}
    if "subtotal" in minimum and subtotal < Decimal(str(minimum["subtotal"])):
        return f"This code needs a subtotal of at least {minimum['subtotal']}."
    if "quantity" in minimum and quantity < int(minimum["quantity"]):
        return f"This code needs at least {minimum['quantity']} items."
    if record.get("usage_limit") is not None and uses[0] >= int(record["usage_limit"]):
        return "This code has reached its usage limit."
    if record.get("applies_once_per_customer") and uses[1]:
        return "This code can be used once per customer."
    return None


def discount_spec(store: Store, shop: Shop, code: str | None, lines: list[dict], email: str | None):
    """(the order's ``discount_code`` spec or None, why the code is not applied or None)."""
    if not code:
        return None, None
    record = code_discounts.by_code(store, shop, code)
    if record is None or code_discounts.status(record, times.now(store, shop)) != "ACTIVE":
        return None, f"{code} isn't a valid discount code right now."
    subtotal = sum((line["total"] for line in lines), ZERO)
    refusal = _refusal(
        record, subtotal, sum(line["quantity"] for line in lines), _uses(store, shop, code, email)
    )
    if refusal:
        return None, refusal
    value = record["value"]
    if "percentage" in value:
        return {
            "code": code,
            "type": "percentage",
            "value": str(Decimal(str(value["percentage"])) * 100),
        }, None
    amount = Decimal(str(value["amount"]))
    if value.get("appliesOnEachItem"):
        amount *= sum(line["quantity"] for line in lines)
    return {"code": code, "type": "fixed_amount", "value": amt(amount)}, None


def priced(store: Store, shop: Shop, cart: dict, email: str | None = None, code: str | None = None) -> dict:
    """The cart's lines, subtotal, discount (``code`` or the cart's) and total, in the shop's currency."""
    lines = [line_of(store, shop, item["variant_id"], item["quantity"]) for item in cart["lines"]]
    lines = [line for line in lines if line is not None]
    subtotal = sum((line["total"] for line in lines), ZERO)
    code = cart.get("discount_code") if code is None else code or None
    spec, refusal = discount_spec(store, shop, code, lines, email)
    discount = discount_total(spec, subtotal) if spec else ZERO
    for line, share in zip(lines, allocate(discount, [line["total"] for line in lines]), strict=True):
        line["allocation"] = share
    return {
        "lines": lines,
        "quantity": sum(line["quantity"] for line in lines),
        "subtotal": subtotal,
        "discount": discount,
        "total": subtotal - discount,
        "code": code,
        "discount_spec": spec,
        "refusal": refusal,
        "currency": shop.currency,
    }
