"""Orders as the bulk query returns them (shopify_client/queries/orders_bulk.graphql, line items
assembled) and refund lines as `nodes(ids:)` returns them (queries/refund_lines.graphql), mapped onto
the order parser core (parse.py): the same facts and the same checks as webhook bodies.

Only field names are mapped here: GIDs become their numeric ids, money is read from the `shopMoney`
side of each MoneyBag. The bulk query cannot carry a refund's lines (Shopify refuses a connection within
a list), so an order is parsed with the lines of its refunds given apart: those the app holds, read from
the database, and the others read from Shopify (services/orders/backfill_refunds.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from shopify_roi.services.orders import parse
from shopify_roi.services.orders.facts import OrderFacts, RefundLineFacts
from shopify_roi.services.webhooks.inbox import PayloadError

LABELS = {
    "id": "id",
    "created_at": "createdAt",
    "updated_at": "updatedAt",
    "cancelled_at": "cancelledAt",
    "customer_id": "customer.id",
    "currency": "currencyCode",
    "lines": "lineItems",
    "line_id": "id",
    "quantity": "quantity",
    "current_quantity": "currentQuantity",
    "price": "originalUnitPriceSet",
    "discounts": "discountAllocations.allocatedAmountSet",
    "taxes": "taxLines.priceSet",
    "refund_id": "refunds.id",
    "order_id": "refunds.order",
    "refund_created_at": "refunds.createdAt",
    "refund_line_id": "id",
    "line_item_id": "lineItem.id",
    "subtotal": "subtotalSet",
    "tax": "totalTaxSet",
    "money": "shopMoney",  # the shop-currency side of a money object
}


def gid_number(gid, what: str) -> str:
    """The numeric id of a Shopify GID (`gid://shopify/Order/123` -> "123"); PayloadError otherwise."""
    text = str(gid or "")
    tail = text.rsplit("/", 1)[-1]
    if not text.startswith("gid://shopify/") or not tail.isdigit():
        raise PayloadError(f"`{what}` is not a Shopify GID")
    return tail


def refund_ids(node: dict) -> list[str]:
    """The numeric ids of the refunds a bulk order carries (`refunds { id createdAt }`)."""
    return [gid_number(r.get("id"), "refunds.id") for r in node.get("refunds") or []]


def refund_line_facts(items: list[dict]) -> list[RefundLineFacts]:
    """A refund's `RefundLineItem` nodes: returns are their `subtotalSet` (tax apart)."""
    with parse.shape_errors():
        return [
            parse.refund_line_facts(
                {
                    "id": gid_number(item.get("id"), "refundLineItems.id"),
                    "line_item_id": gid_number(
                        (item.get("lineItem") or {}).get("id"), "refundLineItems.lineItem.id"
                    ),
                    "quantity": item.get("quantity"),
                    "subtotal": parse.amount_in(item.get("subtotalSet"), LABELS["money"]),
                    "tax": parse.amount_in(item["totalTaxSet"], LABELS["money"])
                    if item.get("totalTaxSet")
                    else None,
                },
                f"refundLineItems[{i}]",
                LABELS,
            )
            for i, item in enumerate(items)
        ]


def parse_graphql_order(node: dict, refund_lines: Mapping[str, list[RefundLineFacts]]) -> OrderFacts:
    """An order of the bulk result with its `lineItems` assembled; `refund_lines`: refund id -> its lines,
    for every refund the order carries (PayloadError when one is missing)."""
    with parse.shape_errors():
        order_id = gid_number(node.get("id"), "id")
        refunds = []
        for refund in node.get("refunds") or []:
            refund_id = gid_number(refund.get("id"), "refunds.id")
            if refund_id not in refund_lines:
                raise PayloadError(f"the lines of refund {refund_id} were not read")
            head = {"id": refund_id, "order_id": order_id, "created_at": refund.get("createdAt")}
            refunds.append(parse.refund_facts(head, list(refund_lines[refund_id]), LABELS))
        visit = (node.get("customerJourneySummary") or {}).get("lastVisit") or {}
        customer = node.get("customer") or {}
        order = {
            "id": order_id,
            "name": node.get("name"),
            "created_at": node.get("createdAt"),
            "updated_at": node.get("updatedAt") or node.get("createdAt"),
            "cancelled_at": node.get("cancelledAt"),
            "financial_status": str(node.get("displayFinancialStatus") or "").lower(),
            "test": node.get("test"),
            "taxes_included": node.get("taxesIncluded"),
            "currency": node.get("currencyCode"),
            "customer_id": gid_number(customer["id"], "customer.id") if customer.get("id") else None,
            "tags": node.get("tags") or [],
            "codes": node.get("discountCodes") or [],
            "landing_site": visit.get("landingPage"),
            "referring_site": visit.get("referrerUrl"),
            "note_attributes": [(a.get("key"), a.get("value")) for a in node.get("customAttributes") or []],
            "lines": node.get("lineItems") or [],
        }
        return parse.order_facts(order, refunds, LABELS, line_id=_line_id)


def _line_id(gid) -> str:
    return gid_number(gid, "lineItems.id")
