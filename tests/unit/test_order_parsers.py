"""One parser core for both sources of orders: a webhook body (REST) and a bulk result's order (GraphQL)
of the same order give the same facts, and the same bad value is refused the same way from either,
only the field's name (as each source spells it) differing in the reason."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta

import pytest

from shopify_roi.services.orders.parse_bulk import parse_graphql_order, refund_line_facts
from shopify_roi.services.orders.parse_webhook import parse_order, parse_refund
from shopify_roi.services.webhooks.inbox import PayloadError

# The same order in Shopify's two shapes: 2 x 20.00, 1.50 of discount and 0.80 of tax on its one line.
WEBHOOK = {
    "id": 820982911946154508,
    "name": "#1001",
    "created_at": "2026-03-04T12:00:00-05:00",
    "updated_at": "2026-03-04T12:30:00-05:00",
    "cancelled_at": None,
    "financial_status": "paid",
    "test": False,
    "taxes_included": False,
    "currency": "USD",
    "total_price_set": {"shop_money": {"amount": "39.30", "currency_code": "USD"}},
    "customer": {"id": 115310627314723954},
    "tags": "",
    "discount_codes": [],
    "landing_site": None,
    "referring_site": None,
    "note_attributes": [],
    "line_items": [
        {
            "id": 466157049,
            "quantity": 2,
            "current_quantity": 2,
            "price_set": {"shop_money": {"amount": "20.00", "currency_code": "USD"}},
            "discount_allocations": [
                {"amount_set": {"shop_money": {"amount": "1.50", "currency_code": "USD"}}}
            ],
            "tax_lines": [{"price_set": {"shop_money": {"amount": "0.80", "currency_code": "USD"}}}],
        }
    ],
    "refunds": [],
}
BULK = {
    "id": "gid://shopify/Order/820982911946154508",
    "name": "#1001",
    "createdAt": "2026-03-04T17:00:00Z",
    "updatedAt": "2026-03-04T17:30:00Z",
    "cancelledAt": None,
    "displayFinancialStatus": "PAID",
    "test": False,
    "taxesIncluded": False,
    "currencyCode": "USD",
    "customer": {"id": "gid://shopify/Customer/115310627314723954"},
    "tags": [],
    "discountCodes": [],
    "customAttributes": [],
    "customerJourneySummary": None,
    "refunds": [],
    "lineItems": [
        {
            "id": "gid://shopify/LineItem/466157049",
            "quantity": 2,
            "currentQuantity": 2,
            "originalUnitPriceSet": {"shopMoney": {"amount": "20.00", "currencyCode": "USD"}},
            "discountAllocations": [
                {"allocatedAmountSet": {"shopMoney": {"amount": "1.50", "currencyCode": "USD"}}}
            ],
            "taxLines": [{"priceSet": {"shopMoney": {"amount": "0.80", "currencyCode": "USD"}}}],
        }
    ],
}
REFUND_LINE_REST = {
    "id": 104689539,
    "line_item_id": 466157049,
    "quantity": 1,
    "subtotal_set": {"shop_money": {"amount": "18.50", "currency_code": "USD"}},
    "total_tax_set": {"shop_money": {"amount": "0.40", "currency_code": "USD"}},
}
REFUND_LINE_GRAPHQL = {
    "id": "gid://shopify/RefundLineItem/104689539",
    "lineItem": {"id": "gid://shopify/LineItem/466157049"},
    "quantity": 1,
    "subtotalSet": {"shopMoney": {"amount": "18.50", "currencyCode": "USD"}},
    "totalTaxSet": {"shopMoney": {"amount": "0.40", "currencyCode": "USD"}},
}


def _with(document: dict, path: tuple, value) -> dict:
    out = copy.deepcopy(document)
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return out


def _reason(exc: PayloadError) -> str:
    """The reason without the field's name: `line_items[0].price_set` and `lineItems[0].originalUnitPriceSet`
    (or a line's place, line_items[0] and lineItems[0]) become FIELD."""
    return re.sub(r"`[^`]*`|^\w+\[\d+\]", "FIELD", str(exc))


def test_the_same_order_from_a_webhook_and_from_a_bulk_result_gives_the_same_facts():
    from_webhook, from_bulk = parse_order(WEBHOOK), parse_graphql_order(BULK, {})
    assert from_webhook == from_bulk
    # 2 x 20.00 - 1.50 of discount (tax apart: prices exclude it) = 38.50
    assert from_webhook.revenue == from_bulk.revenue and str(from_webhook.revenue) == "38.50"
    assert parse_refund(
        {
            "id": 1,
            "order_id": 2,
            "created_at": "2026-03-05T00:00:00Z",
            "refund_line_items": [REFUND_LINE_REST],
        }
    ).lines == refund_line_facts([REFUND_LINE_GRAPHQL])


def test_an_edited_line_in_a_tax_inclusive_shop_keeps_the_share_of_its_discount_and_tax_left_from_either():
    """An edit left 1 of the 2 units: Shopify keeps the line's allocations and tax lines for both."""
    webhook = _with(_with(WEBHOOK, ("taxes_included",), True), (*LINE_REST, "current_quantity"), 1)
    bulk = _with(_with(BULK, ("taxesIncluded",), True), (*LINE_GRAPHQL, "currentQuantity"), 1)
    from_webhook, from_bulk = parse_order(webhook), parse_graphql_order(bulk, {})
    assert from_webhook == from_bulk
    (line,) = from_webhook.lines
    # half of each: discount 1.50 / 2 = 0.75, tax 0.80 / 2 = 0.40; revenue 20.00 - 0.75 - 0.40 = 18.85
    assert (line.quantity, str(line.discount), str(line.tax)) == (1, "0.75", "0.40")
    assert str(from_webhook.revenue) == "18.85"


LINE_REST, LINE_GRAPHQL = ("line_items", 0), ("lineItems", 0)
WINDOW = "must be from 2000-01-01 to 3 days from now (UTC)"
MONTH_AHEAD = (datetime.now(UTC) + timedelta(days=30)).isoformat(timespec="seconds")
BAD_VALUES = [
    # (what, path in the webhook body, path in the bulk order, the bad value, the reason)
    (
        "a float amount",
        (*LINE_REST, "price_set", "shop_money", "amount"),
        (*LINE_GRAPHQL, "originalUnitPriceSet", "shopMoney", "amount"),
        19.99,
        "FIELD is a float; Shopify sends decimal strings",
    ),
    (
        "five decimals",
        (*LINE_REST, "price_set", "shop_money", "amount"),
        (*LINE_GRAPHQL, "originalUnitPriceSet", "shopMoney", "amount"),
        "1.23456",
        "FIELD must be an amount from 0 to 100,000,000,000 with at most 4 decimals",
    ),
    (
        "a negative amount",
        (*LINE_REST, "tax_lines", 0, "price_set", "shop_money", "amount"),
        (*LINE_GRAPHQL, "taxLines", 0, "priceSet", "shopMoney", "amount"),
        "-0.01",
        "FIELD must be an amount from 0 to 100,000,000,000 with at most 4 decimals",
    ),
    (
        "no shop-currency amount",
        (*LINE_REST, "discount_allocations", 0, "amount_set"),
        (*LINE_GRAPHQL, "discountAllocations", 0, "allocatedAmountSet"),
        {},
        "FIELD has no shop-currency amount",
    ),
    (
        "a negative quantity",
        (*LINE_REST, "quantity"),
        (*LINE_GRAPHQL, "quantity"),
        -1,
        "FIELD must be a whole number from 0 to 1,000,000,000",
    ),
    (
        "a quantity as text",
        (*LINE_REST, "current_quantity"),
        (*LINE_GRAPHQL, "currentQuantity"),
        "2",
        "FIELD must be a whole number from 0 to 1,000,000,000",
    ),
    (  # 2 x 100,000,000,000: each price at the cap, their total beyond it
        "a line total beyond the cap",
        (*LINE_REST, "price_set", "shop_money", "amount"),
        (*LINE_GRAPHQL, "originalUnitPriceSet", "shopMoney", "amount"),
        "100000000000",
        "FIELD price x quantity is beyond 100,000,000,000",
    ),
    (
        "a time without offset",
        ("created_at",),
        ("createdAt",),
        "2026-03-04T12:00:00",
        "FIELD has no UTC offset",
    ),
    (
        "a time outside the calendar",
        ("updated_at",),
        ("updatedAt",),
        "0001-01-01T00:00:00+05:00",
        "FIELD is outside the calendar in UTC",
    ),
    # #16: a year-1 or year-9999 order stopped every shop's drain (OverflowError in the rollups).
    (
        "a time in year 1",
        ("created_at",),
        ("createdAt",),
        "0001-01-01T05:00:00Z",
        f"FIELD (0001-01-01) {WINDOW}",
    ),
    (
        "a time in year 9999",
        ("updated_at",),
        ("updatedAt",),
        "9999-12-31T23:30:00Z",
        f"FIELD (9999-12-31) {WINDOW}",
    ),
    (
        "the last second of 1999",
        ("created_at",),
        ("createdAt",),
        "1999-12-31T23:59:59Z",
        f"FIELD (1999-12-31) {WINDOW}",
    ),
    (
        "a cancellation a month ahead",
        ("cancelled_at",),
        ("cancelledAt",),
        MONTH_AHEAD,
        f"FIELD ({MONTH_AHEAD[:10]}) {WINDOW}",
    ),
    ("a date that is no time", ("created_at",), ("createdAt",), "yesterday", "FIELD is not an ISO 8601 time"),
    ("a currency that is no code", ("currency",), ("currencyCode",), "usd", "FIELD is not an ISO 4217 code"),
]


@pytest.mark.parametrize(
    ("what", "rest", "graphql", "value", "reason"), BAD_VALUES, ids=[b[0] for b in BAD_VALUES]
)
def test_the_same_bad_value_is_refused_the_same_way_from_both_sources(what, rest, graphql, value, reason):
    body = _with(WEBHOOK, rest, value)
    if rest == ("currency",):
        del body["total_price_set"]  # the webhook's currency is read from the total's shop_money first
    with pytest.raises(PayloadError) as from_webhook:
        parse_order(body)
    with pytest.raises(PayloadError) as from_bulk:
        parse_graphql_order(_with(BULK, graphql, value), {})
    assert _reason(from_webhook.value) == _reason(from_bulk.value) == reason


def test_an_id_beyond_64_bits_is_refused_from_both_sources():
    too_long = "9" * 21
    with pytest.raises(PayloadError) as from_webhook:
        parse_order(_with(WEBHOOK, (*LINE_REST, "id"), int(too_long)))
    with pytest.raises(PayloadError) as from_bulk:
        parse_graphql_order(_with(BULK, (*LINE_GRAPHQL, "id"), f"gid://shopify/LineItem/{too_long}"), {})
    assert _reason(from_webhook.value) == _reason(from_bulk.value) == "FIELD must be an integer id"


def test_a_refund_line_float_is_refused_from_both_sources():
    rest = _with(REFUND_LINE_REST, ("subtotal_set", "shop_money", "amount"), 18.5)
    graphql = _with(REFUND_LINE_GRAPHQL, ("subtotalSet", "shopMoney", "amount"), 18.5)
    refund = {"id": 1, "order_id": 2, "created_at": "2026-03-05T00:00:00Z", "refund_line_items": [rest]}
    with pytest.raises(PayloadError) as from_webhook:
        parse_refund(refund)
    with pytest.raises(PayloadError) as from_bulk:
        refund_line_facts([graphql])
    assert (
        _reason(from_webhook.value)
        == _reason(from_bulk.value)
        == "FIELD is a float; Shopify sends decimal strings"
    )


def test_a_refund_dated_outside_the_window_is_refused_from_both_sources():
    refund = {"id": 1, "order_id": 2, "created_at": "9999-12-31T23:30:00Z", "refund_line_items": []}
    with pytest.raises(PayloadError) as from_webhook:
        parse_refund(refund)
    bulk = _with(BULK, ("refunds",), [{"id": "gid://shopify/Refund/1", "createdAt": "9999-12-31T23:30:00Z"}])
    with pytest.raises(PayloadError) as from_bulk:
        parse_graphql_order(bulk, {"1": []})
    assert _reason(from_webhook.value) == _reason(from_bulk.value) == f"FIELD (9999-12-31) {WINDOW}"


def test_the_first_moment_of_2000_and_two_days_ahead_are_accepted():
    two_days_ahead = (datetime.now(UTC) + timedelta(days=2)).isoformat(timespec="seconds")
    body = _with(_with(WEBHOOK, ("created_at",), "2000-01-01T00:00:00Z"), ("updated_at",), two_days_ahead)
    facts = parse_order(body)
    assert facts.created_at == datetime(2000, 1, 1, tzinfo=UTC)
    assert facts.updated_at == datetime.fromisoformat(two_days_ahead)
