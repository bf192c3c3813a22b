"""Order-topic webhook bodies (Shopify's REST shapes) mapped onto the order parser core (parse.py).

Only field names are mapped here: money is read from the `shop_money` side of each `*_set` field (the
presentment side and the bare amount fields are never read), and every check is the core's.
"""

from __future__ import annotations

from shopify_roi.services.orders import parse
from shopify_roi.services.orders.facts import OrderFacts, RefundFacts
from shopify_roi.services.webhooks.inbox import PayloadError, parse_payload

LABELS = {
    "id": "id",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "cancelled_at": "cancelled_at",
    "customer_id": "customer.id",
    "currency": "currency",
    "lines": "line_items",
    "line_id": "id",
    "quantity": "quantity",
    "current_quantity": "current_quantity",
    "price": "price_set",
    "discounts": "discount_allocations.amount_set",
    "taxes": "tax_lines.price_set",
    "refund_id": "id",
    "order_id": "order_id",
    "refund_created_at": "created_at",
    "refund_line_id": "id",
    "line_item_id": "line_item_id",
    "subtotal": "subtotal_set",
    "tax": "total_tax_set",
    "money": "shop_money",  # the shop-currency side of a money object
}


def parse_delivery(topic: str, payload: str | None) -> OrderFacts | RefundFacts | None:
    """The facts of a stored order-topic delivery (its JSON text); PayloadError for anything malformed."""
    return parse_body(topic, parse_payload(payload))


def parse_body(topic: str, body: dict) -> OrderFacts | RefundFacts | None:
    """The facts of an order-topic body (decoded by inbox.parse_payload); None for orders/edited, whose
    `{"order_edit": …}` carries no money (the orders/updated Shopify sends with the edit brings the order).
    PayloadError for anything malformed, whatever its shape."""
    with parse.shape_errors():
        if topic == "refunds/create":
            return parse_refund(body)
        if topic == "orders/edited":
            if not isinstance(body.get("order_edit"), dict):
                raise PayloadError("`order_edit` is missing")
            return None
        return parse_order(body)


def parse_order(body: dict) -> OrderFacts:
    """A full order body (orders/create, updated, paid, cancelled) with the refunds it carries."""
    refunds = []
    for i, refund in enumerate(body.get("refunds") or []):
        if not isinstance(refund, dict):
            raise PayloadError(f"refunds[{i}] is not an object")
        refunds.append(parse_refund({**refund, "order_id": refund.get("order_id", body.get("id"))}))
    customer = body.get("customer")
    order = {
        "id": body.get("id"),
        "name": body.get("name"),
        "created_at": body.get("created_at"),
        "updated_at": body.get("updated_at") or body.get("created_at"),
        "cancelled_at": body.get("cancelled_at"),
        "financial_status": body.get("financial_status"),
        "test": body.get("test"),
        "taxes_included": body.get("taxes_included"),
        "currency": ((body.get("total_price_set") or {}).get("shop_money") or {}).get("currency_code")
        or body.get("currency"),
        "customer_id": customer.get("id") if isinstance(customer, dict) else None,
        "tags": str(body.get("tags") or "").split(","),
        "codes": [d.get("code", "") for d in body.get("discount_codes") or [] if isinstance(d, dict)],
        "landing_site": body.get("landing_site"),
        "referring_site": body.get("referring_site"),
        "note_attributes": [
            (a.get("name"), a.get("value")) for a in body.get("note_attributes") or [] if isinstance(a, dict)
        ],
        "lines": body.get("line_items"),
    }
    return parse.order_facts(order, refunds, LABELS)


def parse_refund(body: dict) -> RefundFacts:
    """A refunds/create body (or a refund an order body carries)."""
    lines = []
    for i, item in enumerate(body.get("refund_line_items") or []):
        if not isinstance(item, dict):
            raise PayloadError(f"refund_line_items[{i}] is not an object")
        line = {
            "id": item.get("id"),
            "line_item_id": item.get("line_item_id"),
            "quantity": item.get("quantity"),
            "subtotal": parse.amount_in(item.get("subtotal_set"), LABELS["money"]),
            "tax": parse.amount_in(item["total_tax_set"], LABELS["money"])
            if item.get("total_tax_set")
            else None,
        }
        lines.append(parse.refund_line_facts(line, f"refund_line_items[{i}]", LABELS))
    refund = {"id": body.get("id"), "order_id": body.get("order_id"), "created_at": body.get("created_at")}
    return parse.refund_facts(refund, lines, LABELS)
