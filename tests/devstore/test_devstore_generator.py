"""The seeded store generator and the stand-in's own totals (METRICS.md definitions)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from devstore_order_support import code, line, schema_errors

CREATORS = [
    {"handle": "anna", "code": "ANNA15", "percent": "15", "weight": 3, "return_rate": 0.1, "repeat_rate": 0.3},
    {"handle": "ben", "code": "BEN10", "percent": "10", "weight": 1, "return_rate": 0.3, "repeat_rate": 0.2},
]
OTHER = "other-shop.myshopify.com"


def test_worked_example_3_totals(devstore, shop):
    c = devstore.control
    c.create_order(shop, customer_id=1, created_at="2026-03-03T10:00:00-05:00",
                   line_items=[line("Item", "100.00")], discount_code=code("anna15"))
    second = c.create_order(shop, customer_id=2, created_at="2026-03-04T10:00:00-05:00",
                            line_items=[line("Tee", "40.00", 2)], discount_code=code("ANNA15"))
    c.refund_order(shop, second["id"], created_at="2026-03-20T10:00:00-04:00",
                   line_items=[{"line_item_id": second["line_items"][0]["id"], "quantity": 1}])
    c.create_order(shop, customer_id=3, created_at="2026-03-05T10:00:00-05:00", line_items=[line("Hat", "60.00")],
                   discount_code=code("WELCOME10", "10"), landing_site="/?ref=anna&utm_content=anna")
    fourth = c.create_order(shop, customer_id=4, created_at="2026-03-06T10:00:00-05:00",
                            line_items=[line("Bag", "50.00")], discount_code=code("ANNA15"))
    c.cancel_order(shop, fourth["id"], refund=True)
    c.create_order(shop, customer_id=1, created_at="2026-05-01T10:00:00-04:00", line_items=[line("Cap", "70.00")])
    c.create_order(shop, line_items=[line("Test", "10.00")], test=True)
    totals = c.totals(shop)
    anna = totals["by_code"]["ANNA15"]
    assert anna["orders"] == 3 and anna["revenue"] == "195.50" and anna["returns"] == "76.50"
    assert anna["discounts"] == "34.50" and anna["net_revenue"] == "119.00"
    assert totals["by_code"]["WELCOME10"]["revenue"] == "54.00"
    assert totals["overall"]["orders"] == 5 and totals["overall"]["revenue"] == "319.50"
    assert totals["excluded"] == {"test": 1, "voided": 0}


def test_taxes_included_revenue_takes_the_tax_out(devstore, shop):
    order = devstore.control.create_order(shop, line_items=[line("Bag", "119.00", 2)], tax_rate="0.19",
                                          taxes_included=True)
    devstore.control.refund_order(shop, order["id"], line_items=[{"line_item_id": order["line_items"][0]["id"],
                                                                  "quantity": 1}])
    overall = devstore.control.totals(shop)["overall"]
    assert overall["revenue"] == "200.00" and overall["returns"] == "100.00"


def test_generation_is_deterministic_and_realistic(devstore, shop):
    devstore.control.create_shop(OTHER, currency="USD")
    body = {"seed": 11, "orders": 400, "start": "2026-06-01", "days": 120, "creators": CREATORS,
            "sitewide_codes": ["WELCOME10"]}
    made = devstore.control.generate(shop, **body)
    again = devstore.control.generate(OTHER, **body)
    assert {k: v for k, v in made.items() if not k.endswith("seconds")} == {
        k: v for k, v in again.items() if not k.endswith("seconds")}
    assert devstore.control.totals(shop) == devstore.control.totals(OTHER)
    for key in ("refunds", "full_refunds", "cancellations", "edits", "foreign_currency",
                "returning_customers", "creator_orders", "sitewide_code_orders"):
        assert made[key] > 0, key
    totals = devstore.control.totals(shop)
    assert set(totals["by_code"]) >= {"", "ANNA15", "BEN10", "WELCOME10"}
    by_code = totals["by_code"].values()
    assert sum(Decimal(g["revenue"]) for g in by_code) == Decimal(totals["overall"]["revenue"])
    listed = devstore.control.orders(shop)
    assert len(listed) == 400 and listed[0]["name"] == "#1001"
    full = devstore.control.order(shop, listed[-1]["id"])
    assert schema_errors("orders/updated", full) == []


@pytest.mark.parametrize("faults", [None, {"duplicate": 0.1, "reorder": 0.1, "drop": 0.02, "seed": 7}])
def test_generation_delivers_every_webhook(devstore, shop, receiver, tokens, faults):
    if faults:
        devstore.control.faults(shop, webhooks=faults)
    made = devstore.control.generate(shop, seed=5, orders=60, creators=CREATORS, deliver=True)
    devstore.control.flush_webhooks(shop)
    stats = devstore.control.webhook_stats(shop)
    topics = {d["topic"] for d in devstore.control.deliveries(shop)}
    assert {"orders/create", "orders/paid", "refunds/create", "orders/updated"} <= topics
    assert made["orders"] == 60 and stats["held"] == 0
    assert len(receiver.received) == stats["sent"] + stats["duplicated"]
    if faults is None:
        assert stats["dropped"] == stats["duplicated"] == stats["reordered"] == 0
