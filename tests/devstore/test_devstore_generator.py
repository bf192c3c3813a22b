"""The seeded store generator and the stand-in's own totals (METRICS.md definitions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from devstore_order_support import code, line, schema_errors

from devstore.testing import ControlError

CREATORS = [
    {
        "handle": "anna",
        "code": "ANNA15",
        "percent": "15",
        "weight": 3,
        "return_rate": 0.1,
        "repeat_rate": 0.3,
    },
    {"handle": "ben", "code": "BEN10", "percent": "10", "weight": 1, "return_rate": 0.3, "repeat_rate": 0.2},
]
OTHER = "other-shop.myshopify.com"


def test_worked_example_3_totals(devstore, shop):
    c = devstore.control
    c.create_order(
        shop,
        customer_id=1,
        created_at="2026-03-03T10:00:00-05:00",
        line_items=[line("Item", "100.00")],
        discount_code=code("anna15"),
    )
    second = c.create_order(
        shop,
        customer_id=2,
        created_at="2026-03-04T10:00:00-05:00",
        line_items=[line("Tee", "40.00", 2)],
        discount_code=code("ANNA15"),
    )
    c.refund_order(
        shop,
        second["id"],
        created_at="2026-03-20T10:00:00-04:00",
        line_items=[{"line_item_id": second["line_items"][0]["id"], "quantity": 1}],
    )
    c.create_order(
        shop,
        customer_id=3,
        created_at="2026-03-05T10:00:00-05:00",
        line_items=[line("Hat", "60.00")],
        discount_code=code("WELCOME10", "10"),
        landing_site="/?ref=anna&utm_content=anna",
    )
    fourth = c.create_order(
        shop,
        customer_id=4,
        created_at="2026-03-06T10:00:00-05:00",
        line_items=[line("Bag", "50.00")],
        discount_code=code("ANNA15"),
    )
    c.cancel_order(shop, fourth["id"], refund=True)
    c.create_order(
        shop, customer_id=1, created_at="2026-05-01T10:00:00-04:00", line_items=[line("Cap", "70.00")]
    )
    c.create_order(shop, line_items=[line("Test", "10.00")], test=True)
    totals = c.totals(shop)
    anna = totals["by_code"]["ANNA15"]
    assert anna["orders"] == 3 and anna["revenue"] == "195.50" and anna["returns"] == "76.50"
    assert anna["discounts"] == "34.50" and anna["net_revenue"] == "119.00"
    assert totals["by_code"]["WELCOME10"]["revenue"] == "54.00"
    assert totals["overall"]["orders"] == 5 and totals["overall"]["revenue"] == "319.50"
    assert totals["excluded"] == {"test": 1, "voided": 0}


def test_taxes_included_revenue_takes_the_tax_out(devstore, shop):
    order = devstore.control.create_order(
        shop, line_items=[line("Bag", "119.00", 2)], tax_rate="0.19", taxes_included=True
    )
    devstore.control.refund_order(
        shop, order["id"], line_items=[{"line_item_id": order["line_items"][0]["id"], "quantity": 1}]
    )
    overall = devstore.control.totals(shop)["overall"]
    assert overall["revenue"] == "200.00" and overall["returns"] == "100.00"


def test_generation_is_deterministic_and_realistic(devstore, shop):
    devstore.control.create_shop(OTHER, currency="USD")
    body = {
        "seed": 11,
        "orders": 400,
        "start": "2026-06-01",
        "days": 120,
        "creators": CREATORS,
        "sitewide_codes": ["WELCOME10"],
    }
    made = devstore.control.generate(shop, **body)
    again = devstore.control.generate(OTHER, **body)
    assert {k: v for k, v in made.items() if not k.endswith("seconds")} == {
        k: v for k, v in again.items() if not k.endswith("seconds")
    }
    assert devstore.control.totals(shop) == devstore.control.totals(OTHER)
    for key in (
        "refunds",
        "full_refunds",
        "cancellations",
        "edits",
        "foreign_currency",
        "returning_customers",
        "creator_orders",
        "sitewide_code_orders",
    ):
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


# -- creator profiles (the demo shop's creators) ---------------------------------------------------
COUPONS = ["https://www.retailmenot.com/", "https://joinhoney.com/"]


def _full_orders(devstore, shop) -> list[dict]:
    return [devstore.control.order(shop, o["id"]) for o in devstore.control.orders(shop)]


def _day(order: dict, start: datetime) -> float:
    return (datetime.fromisoformat(order["created_at"]) - start).total_seconds() / 86400


def _linked(order: dict, handle: str) -> bool:
    return f"ref={handle}" in (order["landing_site"] or "")


def _codes(order: dict) -> list[str]:
    return [c["code"].upper() for c in order["discount_codes"]]


def test_link_share_no_link_share_and_referrers_decide_how_a_creators_orders_come(devstore, shop):
    creators = [
        # a leaked code: always the code, never the creator's link, referred by coupon sites
        {
            "handle": "tyler",
            "code": "TYLER25",
            "percent": "25",
            "link_share": 0,
            "no_link_share": 1,
            "referrers": COUPONS,
        },
        # link only: never the code
        {"handle": "lena", "code": "LENA15", "percent": "15", "link_share": 1},
    ]
    made = devstore.control.generate(shop, seed=3, orders=200, days=30, creators=creators, creator_share=0.8)
    full = _full_orders(devstore, shop)
    tyler = [o for o in full if "TYLER25" in _codes(o)]
    lena = [o for o in full if _linked(o, "lena")]
    assert len(tyler) > 30 and len(lena) > 30 and len(tyler) + len(lena) == made["creator_orders"]
    assert all(not _linked(o, "tyler") and "utm_content" not in (o["landing_site"] or "") for o in tyler)
    assert {o["referring_site"] for o in tyler} == set(COUPONS)
    assert all(_codes(o) == [] for o in lena)
    assert all(
        not _linked(o, "tyler") for o in full if "TYLER25" not in _codes(o)
    )  # no link-only tyler orders


def test_active_days_windows_and_their_overrides(devstore, shop):
    start = datetime(2026, 6, 1, tzinfo=UTC)
    creators = [
        {
            "handle": "tyler",
            "code": "TYLER25",
            "weight": 1,
            "link_share": 0.5,
            "no_link_share": 0,
            "active_days": [
                [0, 10],
                {
                    "from": 20,
                    "to": 30,
                    "weight": 6,
                    "link_share": 0,
                    "no_link_share": 1,
                    "referrers": COUPONS,
                },  # a surge
            ],
        },
        {"handle": "anna", "code": "ANNA15"},
        {"handle": "ben", "code": "BEN10", "active_days": [5, 25]},
    ]
    devstore.control.generate(
        shop, seed=4, orders=600, start=start.isoformat(), days=30, creators=creators, creator_share=0.5
    )
    full = _full_orders(devstore, shop)

    def days_of(handle: str, code: str) -> list[float]:
        return [_day(o, start) for o in full if code in _codes(o) or _linked(o, handle)]

    tyler, anna, ben = days_of("tyler", "TYLER25"), days_of("anna", "ANNA15"), days_of("ben", "BEN10")
    assert tyler and all(d < 10 or 20 <= d < 30 for d in tyler)
    assert ben and all(5 <= d < 25 for d in ben)
    assert any(d < 5 for d in anna) and any(d >= 25 for d in anna)  # no window: always active

    def share(lo: float, hi: float) -> float:
        mine = sum(1 for d in tyler if lo <= d < hi)
        return mine / (mine + sum(1 for d in anna + ben if lo <= d < hi))

    assert share(0, 10) < 0.55 and share(20, 30) > 0.7  # weight 1 against 1-2 others, then the surge's 6
    in_surge = [o for o in full if "TYLER25" in _codes(o) and _day(o, start) >= 20]
    assert in_surge and all(o["referring_site"] in COUPONS and not _linked(o, "tyler") for o in in_surge)
    assert any(
        _linked(o, "tyler") for o in full if _day(o, start) < 10
    )  # the creator's own link_share before


def test_lines_and_aov_make_bigger_baskets(devstore, shop):
    creators = [
        {"handle": "maya", "code": "MAYA15", "link_share": 0, "lines": [3], "aov": 2.0},
        {"handle": "ben", "code": "BEN10", "link_share": 0},
    ]
    devstore.control.generate(
        shop, seed=5, orders=300, days=30, creators=creators, creator_share=0.6, edit_rate=0
    )
    full = _full_orders(devstore, shop)
    maya = [o for o in full if "MAYA15" in _codes(o)]
    assert maya and all(
        len(o["line_items"]) == 3 and all(li["quantity"] >= 2 for li in o["line_items"]) for o in maya
    )
    by_code = devstore.control.totals(shop)["by_code"]
    aov = {c: Decimal(by_code[c]["revenue"]) / by_code[c]["orders"] for c in ("MAYA15", "BEN10")}
    assert aov["MAYA15"] > 3 * aov["BEN10"]


def test_return_rate_and_full_refund_share(devstore, shop):
    creators = [
        {
            "handle": "jules",
            "code": "JULES20",
            "percent": "20",
            "link_share": 0,
            "return_rate": 1,
            "full_refund_share": 1,
        }
    ]
    devstore.control.generate(shop, seed=6, orders=200, days=60, creators=creators, creator_share=0.5)
    jules = devstore.control.totals(shop)["by_code"]["JULES20"]
    assert jules["orders"] > 50 and jules["orders_with_refunds"] == jules["orders"]
    assert (
        jules["returns"] == jules["revenue"] and jules["net_revenue"] == "0.00"
    )  # every order comes back whole


def test_comeback_rate_brings_customers_back_without_code_or_link(devstore, shop):
    creators = [
        {
            "handle": "priya",
            "code": "PRIYA10",
            "link_share": 0,
            "repeat_rate": 0,
            "comeback_rate": 1,
            "comeback_max": 1,
            "comeback_days": [10, 20],
        }
    ]
    made = devstore.control.generate(shop, seed=7, orders=150, days=60, creators=creators, creator_share=0.5)
    full = _full_orders(devstore, shop)
    firsts = {o["customer"]["id"]: o for o in full if "PRIYA10" in _codes(o)}
    assert len(firsts) == made["creator_orders"] > 20  # repeat_rate 0: every creator order is a new customer
    later = [o for o in full if o["customer"]["id"] in firsts and "PRIYA10" not in _codes(o)]
    assert len(later) == len(firsts) == made["comeback_orders"]  # each came back exactly once
    for order in later:
        first = firsts[order["customer"]["id"]]
        gap = datetime.fromisoformat(order["created_at"]) - datetime.fromisoformat(first["created_at"])
        assert timedelta(days=10) <= gap <= timedelta(days=20)
        assert order["discount_codes"] == [] and "ref=" not in (order["landing_site"] or "")


def test_silent_before_stores_older_events_and_sends_later_ones(devstore, shop, receiver, tokens):
    start = datetime(2026, 6, 1, tzinfo=UTC)
    silent_before = start + timedelta(days=20)
    made = devstore.control.generate(
        shop,
        seed=8,
        orders=120,
        start=start.isoformat(),
        days=30,
        creators=CREATORS,
        deliver=True,
        silent_before=silent_before.isoformat(),
    )
    bodies = [(d["topic"], d["payload"]) for d in devstore.control.deliveries(shop)]
    created = {b["id"] for t, b in bodies if t == "orders/create"}
    full = _full_orders(devstore, shop)
    assert created == {o["id"] for o in full if datetime.fromisoformat(o["created_at"]) >= silent_before}
    assert 0 < len(created) < len(full) and made["silent_events"] > 0
    sent_refunds = {b["id"] for t, b in bodies if t == "refunds/create"}
    refunds = [r for o in full for r in o["refunds"]]
    assert sent_refunds == {
        r["id"] for r in refunds if datetime.fromisoformat(r["created_at"]) >= silent_before
    }
    # an order placed before silent_before and refunded after it: the refund is sent (Shopify sends what
    # happens once the app is there), the order itself is not
    assert any(r["order_id"] not in created for r in refunds if r["id"] in sent_refunds)
    assert len(receiver.received) == len(bodies)


def test_until_stops_the_story_at_now(devstore, shop):
    start = datetime(2026, 6, 1, tzinfo=UTC)
    until = start + timedelta(days=30)
    creators = [{**CREATORS[0], "return_rate": 0.5, "comeback_rate": 0.5}]
    devstore.control.generate(
        shop, seed=9, orders=300, start=start.isoformat(), days=30, until=until.isoformat(), creators=creators
    )
    full = _full_orders(devstore, shop)
    moments = [o["created_at"] for o in full] + [r["created_at"] for o in full for r in o["refunds"]]
    moments += [o["cancelled_at"] for o in full if o["cancelled_at"]]
    assert max(datetime.fromisoformat(m) for m in moments) <= until


def test_by_default_nothing_is_dated_after_the_shops_clock(devstore, shop):
    """Shopify dates no order, refund or cancellation ahead of its own now (the app refuses such times)."""
    now = datetime(2026, 7, 1, tzinfo=UTC)
    devstore.control.set_clock(shop, now.isoformat())
    creators = [{**CREATORS[0], "return_rate": 0.5, "comeback_rate": 0.5}]
    start = now - timedelta(days=20)
    devstore.control.generate(shop, seed=9, orders=300, start=start.isoformat(), days=20, creators=creators)
    full = _full_orders(devstore, shop)
    moments = [o["created_at"] for o in full] + [r["created_at"] for o in full for r in o["refunds"]]
    moments += [o["cancelled_at"] for o in full if o["cancelled_at"]]
    assert full and max(datetime.fromisoformat(m) for m in moments) <= now


def test_unknown_profile_keys_are_refused(devstore, shop):
    with pytest.raises(ControlError) as failed:
        devstore.control.generate(
            shop, orders=5, creators=[{"handle": "anna", "code": "ANNA15", "link_shares": 0.5}]
        )
    assert failed.value.response.status_code == 400 and "link_shares" in failed.value.response.text
