"""Orders as the bulk query returns them (shopify_client/queries/orders_bulk.graphql, line items
assembled) and refund lines as `nodes(ids:)` returns them (queries/refund_lines.graphql), turned into
the same facts as the webhook bodies (order_facts.py), per METRICS.md.

The bulk query cannot carry a refund's lines (Shopify refuses a connection within a list), so an order
is parsed with the lines of its refunds given apart: those the app holds, read from the database, and
the others read from Shopify (services/orders/backfill_refunds.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from shopify_roi.services.orders.parse import (
    LineFacts,
    OrderFacts,
    RefundFacts,
    RefundLineFacts,
    _when,
    link_signals,
)
from shopify_roi.services.webhooks.inbox import PayloadError


def gid_number(gid, what: str) -> str:
    """The numeric id of a Shopify GID (`gid://shopify/Order/123` -> "123"); PayloadError otherwise."""
    text = str(gid or "")
    tail = text.rsplit("/", 1)[-1]
    if not text.startswith("gid://shopify/") or not tail.isdigit():
        raise PayloadError(f"`{what}` is not a Shopify GID")
    return tail


def _money_v2(bag, what: str) -> Decimal:
    try:
        return Decimal(str(bag["shopMoney"]["amount"]))
    except (TypeError, KeyError, InvalidOperation) as exc:
        raise PayloadError(f"`{what}` has no shopMoney amount") from exc


def refund_line_facts(items: list[dict]) -> list[RefundLineFacts]:
    """A refund's `RefundLineItem` nodes: returns are their `subtotalSet` (tax apart)."""
    return [
        RefundLineFacts(
            gid_number(item.get("id"), "refundLineItems.id"),
            gid_number((item.get("lineItem") or {}).get("id"), "refundLineItems.lineItem.id"),
            int(item.get("quantity") or 0),
            _money_v2(item.get("subtotalSet"), "subtotalSet"),
            _money_v2(item.get("totalTaxSet"), "totalTaxSet") if item.get("totalTaxSet") else Decimal(0),
        )
        for item in items
    ]


def refund_ids(node: dict) -> list[str]:
    """The numeric ids of the refunds a bulk order carries (`refunds { id createdAt }`)."""
    return [gid_number(r.get("id"), "refunds.id") for r in node.get("refunds") or []]


def parse_graphql_order(node: dict, refund_lines: Mapping[str, list[RefundLineFacts]]) -> OrderFacts:
    """An order of the bulk result with its `lineItems` assembled; `refund_lines`: refund id -> its lines,
    for every refund the order carries (PayloadError when one is missing)."""
    order_id = gid_number(node.get("id"), "id")
    refunded: dict[str, int] = {}
    refunds = []
    for refund in node.get("refunds") or []:
        refund_id = gid_number(refund.get("id"), "refunds.id")
        if refund_id not in refund_lines:
            raise PayloadError(f"the lines of refund {refund_id} were not read")
        lines = refund_lines[refund_id]
        for line in lines:
            refunded[line.line_shopify_id] = refunded.get(line.line_shopify_id, 0) + line.quantity
        refunds.append(
            RefundFacts(refund_id, order_id, _when(refund.get("createdAt"), "refunds.createdAt"), list(lines))
        )
    lines = []
    for item in node.get("lineItems") or []:
        line_id = gid_number(item.get("id"), "lineItems.id")
        ordered, current = int(item.get("quantity") or 0), item.get("currentQuantity")
        # `currentQuantity` drops with edits AND refunds; a refund is a return, never an edit (METRICS.md).
        quantity = (
            ordered if not isinstance(current, int) else min(ordered, current + refunded.get(line_id, 0))
        )
        discount = sum(
            (
                _money_v2(a.get("allocatedAmountSet"), "allocatedAmountSet")
                for a in item.get("discountAllocations") or []
            ),
            Decimal(0),
        )
        if quantity < ordered:
            discount = (discount * quantity / ordered).quantize(Decimal("0.01")) if quantity else Decimal(0)
        tax = sum(
            (_money_v2(t.get("priceSet"), "taxLines.priceSet") for t in item.get("taxLines") or []),
            Decimal(0),
        )
        lines.append(
            LineFacts(
                line_id,
                quantity,
                _money_v2(item.get("originalUnitPriceSet"), "originalUnitPriceSet"),
                discount,
                tax,
            )
        )
    visit = (node.get("customerJourneySummary") or {}).get("lastVisit") or {}
    signals = {
        "codes": [str(c) for c in node.get("discountCodes") or []],
        "landing_site": visit.get("landingPage"),
        "referring_site": visit.get("referrerUrl"),
        "note_attributes": [
            {"name": a.get("key"), "value": a.get("value")} for a in node.get("customAttributes") or []
        ],
        **link_signals(visit.get("landingPage")),
    }
    status = str(node.get("displayFinancialStatus") or "").lower()
    customer = node.get("customer") or {}
    return OrderFacts(
        shopify_id=order_id,
        name=str(node.get("name") or ""),
        created_at=_when(node.get("createdAt"), "createdAt"),
        updated_at=_when(node.get("updatedAt") or node.get("createdAt"), "updatedAt"),
        cancelled_at=_when(node.get("cancelledAt"), "cancelledAt", required=False),
        financial_status=status,
        test=bool(node.get("test")),
        taxes_included=bool(node.get("taxesIncluded")),
        currency=str(node.get("currencyCode") or ""),
        customer_id=gid_number(customer["id"], "customer.id") if customer.get("id") else None,
        tags=[str(t) for t in node.get("tags") or []],
        lines=lines,
        signals=signals,
        refunds=refunds,
    )
